#!/usr/bin/env bash
# The performance benchmark (issue 8; docs/performance.md). Builds Release, makes the benchmark captures with the
# project's own echo peers on loopback while tcpdump records them (cached under .build/bench/), then runs the
# whole-process comparisons with hyperfine, the in-process timings and memory, and prints one table.
#
#   scripts/bench.sh [SHAPE...]            shapes: mixed many one (default: all three)
#   BENCH_RUNS=5 BENCH_HOT=1 scripts/bench.sh mixed
#
# BENCH_RUNS: hyperfine runs per command (default 5); BENCH_HOT=1 also runs the BenchmarkDotNet hot paths;
# BENCH_TSHARK_TIMEOUT cuts each tshark run (default 300 s); BENCH_CAPTURE_ONLY=1 only records the captures; BENCH_SCALE scales the traffic (1 = ~1M packets per capture; captures are cached per scale).
# Needs root (tcpdump on lo), tcpdump, tshark/capinfos, hyperfine, python3. Loopback only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/.build/bench"
bin="$work/bin"
cli="$root/.build/cli"
runs="${BENCH_RUNS:-5}"
scale="${BENCH_SCALE:-1}"
tshark_timeout="${BENCH_TSHARK_TIMEOUT:-300}"
base_port=47000
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(mixed many one)
mkdir -p "$work"

for tool in tcpdump capinfos tshark hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install tcpdump tshark hyperfine python3)" >&2; exit 2; }
done

echo "bench: building Release..." >&2
# The program as users run it: scripts/protoscope builds it into .build/cli, Native AOT where clang is present.
"$root/scripts/protoscope" --version >&2
dotnet build "$root/bench/ProtoScope.Bench/ProtoScope.Bench.csproj" -c Release -o "$bin" --nologo -v quiet -clp:ErrorsOnly -clp:NoSummary >&2
if [ "$(cat "$cli/.kind")" = native ]; then protoscope=("$cli/protoscope"); else protoscope=(dotnet "$cli/protoscope.dll"); fi
bench=(dotnet "$bin/ProtoScope.Bench.dll")

# Records one shape's traffic. The 'many' shape opens ~100k connections in a minute: the ephemeral range is
# widened for the run (and restored) on top of the spread over several server ports, so no connect fails while
# earlier connections sit in TIME_WAIT.
make_capture() {
  local shape=$1 file=$2 err="$work/$1.tcpdump.log"
  local old_range
  old_range="$(sysctl -n net.ipv4.ip_local_port_range)"
  trap 'sysctl -qw net.ipv4.ip_local_port_range="$old_range"' RETURN
  [ "$shape" = many ] && sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
  # Not immediate mode: there libpcap uses a TPACKET_V2 ring of snaplen-sized frames, which dropped thousands of
  # packets of these bursts even with a 1 GiB buffer. The default TPACKET_V3 ring packs packets into blocks and
  # dropped none; its blocks are handed over after a timeout, so we wait before stopping tcpdump.
  tcpdump -i lo -B 262144 -w "$file.part" \
    "(tcp or udp) and portrange $base_port-$((base_port + 8))" 2>"$err" &
  local tp=$!
  sleep 1
  if ! "${bench[@]}" traffic "$shape" --port "$base_port" --scale "$scale"; then
    kill -INT "$tp"; wait "$tp" || true
    echo "bench: the $shape traffic failed; see above" >&2; exit 1
  fi
  sleep 3
  kill -INT "$tp"; wait "$tp" || true
  local dropped
  dropped="$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$err")"
  if [ "${dropped:-x}" != 0 ]; then
    echo "bench: tcpdump dropped ${dropped:-?} packets recording $shape (see $err); not keeping the capture" >&2; exit 1
  fi
  local captured in_file
  captured="$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$err")"
  in_file="$(capinfos -M -c "$file.part" | sed -n 's/^Number of packets: *//p')"
  if [ "$captured" != "$in_file" ]; then
    echo "bench: tcpdump captured $captured packets but wrote $in_file ($shape)" >&2; exit 1
  fi
  mv "$file.part" "$file"
}

declare -A rows
for shape in "${shapes[@]}"; do
  file="$work/$shape-x$scale.pcap"
  if [ ! -f "$file" ]; then
    echo "bench: recording the $shape capture..." >&2
    make_capture "$shape" "$file"
  fi
  packets="$(capinfos -M -c "$file" | sed -n 's/^Number of packets: *//p')"
  size="$(stat -c %s "$file")"
  echo "bench: $shape: $packets packets, $size bytes" >&2
  [ "${BENCH_CAPTURE_ONLY:-0}" = 1 ] && continue
  out="$work/results/$shape"
  mkdir -p "$out"
  printf '%s\t%s\n' packets "$packets" bytes "$size" > "$out/capture.tsv"
  q="$(printf %q "$file")"
  # One hyperfine run for everything but tshark, so the ratios come from the same conditions; tshark takes tens
  # of seconds per run and gets at most three.
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/fast.json" \
    -n bare-pointers "${bench[*]} bare-read $q pointers" \
    -n bare-packet "${bench[*]} bare-read $q packet" \
    -n conns "${protoscope[*]} conns $q --format jsonl > /dev/null" \
    -n frames "${protoscope[*]} frames $q --format jsonl > /dev/null" \
    -n read "${protoscope[*]} read $q > /dev/null" \
    -n tcpdump "tcpdump -n -r $q > /dev/null 2>&1" >&2
  # tshark's TCP analysis of one long connection grows faster than linearly (one run over the 'one' capture
  # had not finished after 26 minutes): runs are cut at BENCH_TSHARK_TIMEOUT seconds and the table says '>'.
  hyperfine --style basic -i --runs "$(( runs < 3 ? runs : 3 ))" --export-json "$out/tshark.json" \
    -n tshark "timeout $tshark_timeout tshark -q -z conv,tcp -r $q > /dev/null 2>&1" >&2
  printf '%s\n' "$tshark_timeout" > "$out/tshark_timeout"
  # Peak resident memory of each process (one run each).
  : > "$out/rss.tsv"
  for pair in "bare-pointers|${bench[*]} bare-read $q pointers" "conns|${protoscope[*]} conns $q --format jsonl" \
              "frames|${protoscope[*]} frames $q --format jsonl" \
              "read|${protoscope[*]} read $q" "tcpdump|tcpdump -n -r $q" "tshark|timeout $tshark_timeout tshark -q -z conv,tcp -r $q"; do
    name="${pair%%|*}"
    # A run cut by the timeout exits non-zero; its peak is still the figure (a lower bound).
    kib="$( { /usr/bin/time -f %M bash -c "${pair#*|} > /dev/null 2>/dev/null" || true; } 2>&1 | tail -1)"
    printf '%s\t%s\n' "$name" "$kib" >> "$out/rss.tsv"
  done
  "${bench[@]}" inproc "$file" "$runs" > "$out/inproc.tsv"
  # The TCP graphs of the shape's largest connection as the UI makes them (issue 16), and the graph verb's whole process.
  "${bench[@]}" graph "$file" "$runs" > "$out/graph.txt"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/graph.json" \
    -n graph "${protoscope[*]} graph $q --conn 0 --type tcptrace > /dev/null" >&2
done

if [ "${BENCH_HOT:-0}" = 1 ]; then
  echo "bench: BenchmarkDotNet hot paths over the mixed capture..." >&2
  (cd "$work" && PROTOSCOPE_BENCH_FILE="$work/mixed-x$scale.pcap" "${bench[@]}" hot --filter '*' --join --job short > "$work/results/hot.txt")
  sed -n '/^| *Method/,/^$/p' "$work/results/hot.txt"
fi

[ "${BENCH_CAPTURE_ONLY:-0}" = 1 ] && exit 0
python3 "$root/scripts/bench_table.py" "$work/results" "${shapes[@]}"
