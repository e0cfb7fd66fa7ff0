"""Prints the benchmark table from the results scripts/bench.sh left under .build/bench/results/SHAPE/.

Medians come from hyperfine's JSON (every run's time), ratios are computed between commands of the same
hyperfine run; peak RSS from /usr/bin/time -f %M; in-process figures from `bench inproc`.
"""
import json
import statistics
import sys
from pathlib import Path


def medians(path):
    data = json.loads(Path(path).read_text())
    return {r["command"]: statistics.median(r["times"]) for r in data["results"]}


def cpu(path):
    """Mean user + system seconds per run (hyperfine exports only the means)."""
    data = json.loads(Path(path).read_text())
    return {r["command"]: r["user"] + r["system"] for r in data["results"]}


def tshark_cut(d, seconds):
    """'>' when tshark's runs were cut by the timeout: the figure is then a lower bound."""
    f = d / "tshark_timeout"
    return ">" if f.exists() and seconds >= float(f.read_text()) - 1 else " "


def tsv(path):
    rows = {}
    for line in Path(path).read_text().splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            rows[k] = v
    return rows


def main():
    results = Path(sys.argv[1])
    shapes = sys.argv[2:]
    head = f"{'shape':<6} {'packets':>9} {'conns':>7} {'bare':>6} {'bare-pkt':>8} {'conns':>6} {'frames':>6} {'read':>6} {'tcpdump':>7} {'tshark':>7}  {'conns/bare':>10} {'frames/bare':>11} {'conns/bare-pkt':>14} {'tshark/conns':>12} {'tcpdump/conns':>13} {'tcpdump/read':>12}"
    for title, figures in [("Whole process (hyperfine medians, seconds; ratios within the same run):", medians),
                           ("Whole process CPU time (user + system, hyperfine means, seconds): steadier than wall time on a shared machine:", cpu)]:
        print()
        print(title)
        print(head)
        for s in shapes:
            d = results / s
            m = figures(d / "fast.json") | figures(d / "tshark.json")
            cap = tsv(d / "capture.tsv")
            ip = tsv(d / "inproc.tsv")
            print(f"{s:<6} {int(cap['packets']):>9} {int(ip['conversations']):>7} {m['bare-pointers']:>6.3f} {m['bare-packet']:>8.3f} "
                  f"{m['conns']:>6.3f} {m['frames']:>6.3f} {m['read']:>6.3f} {m['tcpdump']:>7.3f} {tshark_cut(d, m['tshark'])}{m['tshark']:>6.1f}  "
                  f"{m['conns'] / m['bare-pointers']:>9.2f}x {m['frames'] / m['bare-pointers']:>10.2f}x {m['conns'] / m['bare-packet']:>13.2f}x "
                  f"{tshark_cut(d, m['tshark'])}{m['tshark'] / m['conns']:>10.1f}x {m['tcpdump'] / m['conns']:>12.1f}x {m['tcpdump'] / m['read']:>11.2f}x")
    print()
    print("In process (Stopwatch medians, ms, start-up excluded) and memory:")
    print(f"{'shape':<6} {'bare':>7} {'reader':>7} {'full':>7} {'full/bare':>9} {'bare-pkt':>8} {'f/b-pkt':>7} {'cpu bare':>8} {'cpu full':>8} {'cpu f/b':>7} {'cpu bare-pkt':>12} {'cpu f/b-pkt':>11}  {'model B/pkt':>11} {'model B/conn':>12}  peak RSS MiB: " + " ".join(f"{n:>8}" for n in ["bare", "conns", "frames", "read", "tcpdump", "tshark"]))
    for s in shapes:
        d = results / s
        ip = tsv(d / "inproc.tsv")
        rss = tsv(d / "rss.tsv")
        mib = lambda k: f"{int(rss[k]) / 1024:>8.0f}" if rss.get(k, "").isdigit() else f"{'?':>8}"
        print(f"{s:<6} {float(ip['bare_ms']):>7.0f} {float(ip['reader_ms']):>7.0f} {float(ip['full_ms']):>7.0f} {float(ip['ratio']):>8.2f}x "
              f"{float(ip['bare_packet_ms']):>8.0f} {float(ip['full_ms']) / float(ip['bare_packet_ms']):>6.2f}x "
              f"{float(ip['bare_cpu_ms']):>8.0f} {float(ip['full_cpu_ms']):>8.0f} {float(ip['cpu_ratio']):>6.2f}x "
              f"{float(ip['bare_packet_cpu_ms']):>12.0f} {float(ip['cpu_ratio_packet']):>10.2f}x  "
              f"{float(ip['model_bytes_per_packet']):>11.1f} {float(ip['model_bytes_per_conversation']):>12.0f}               "
              + " ".join(mib(k) for k in ["bare-pointers", "conns", "frames", "read", "tcpdump", "tshark"]))
    print()
    print("Linearity (in process): ms for each quarter of the packets in one full run; equal when the cost per packet does not grow:")
    for s in shapes:
        ip = tsv(results / s / "inproc.tsv")
        print(f"{s:<6} {ip.get('full_quarters_ms', '?'):>24}   GC pause per full run {float(ip.get('full_gc_pause_ms', 'nan')):.0f} ms")
    print()
    print("TCP graphs of each shape's largest connection (bench graph: the UI's replay and drawing, medians; graph: protoscope graph --type tcptrace, whole process):")
    for s in shapes:
        d = results / s
        if (d / "graph.txt").exists():
            print(f"{s}: graph verb {medians(d / 'graph.json')['graph']:.3f} s")
            print((d / "graph.txt").read_text().rstrip())
    print()
    print("full (in process): decode + track + reassemble + frame, frames counted; frames: protoscope frames --format jsonl (one JSON line per frame).")
    print("bare: SharpPcap GetNextPacketPointers loop; bare-pkt: GetNextPacket (polls the fd per packet); conns: protoscope conns --format jsonl;")
    print("read: protoscope read (tcpdump-style text); tshark: tshark -q -z conv,tcp. The machine is shared: figures are noisy.")


main()
