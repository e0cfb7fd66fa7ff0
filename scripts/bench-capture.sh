#!/usr/bin/env bash
# Capture benchmark: ProtoScope against tcpdump on the same loopback traffic.
#
#   sudo scripts/bench-capture.sh [RATE...]      default rates: 10000 50000 100000 200000 400000 (packets/s)
#   DURATION=3 sudo scripts/bench-capture.sh     seconds of traffic per run (default 2)
#
# For each rate, and for each of `protoscope capture -w` and `tcpdump -w` in turn (default options of
# both), it starts the capture, floods small UDP datagrams (18-byte payload) at that rate from a bounded
# sender (`protoscope replay` of a generated pcap: exactly RATE x DURATION datagrams, later than planned if
# it cannot keep up; "send s" shows how long it took), stops the capture with SIGINT and prints:
#   sent      datagrams the sender sent (the truth)
#   in file   packets in the written file (counted by tcpdump -r)
#   kernel    "dropped by kernel" as the tool reports it (pcap_stats ps_drop)
#   lost      sent - in file
# Everything runs on `lo` inside a network namespace of its own, so nothing else is captured and the
# datagrams go nowhere. Needs root (ip netns), python3, tcpdump. The machine's cores are shared by the
# sender, the kernel and the capture: numbers are for comparing the two tools on one machine, not absolute.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(10000 50000 100000 200000 400000)
duration="${DURATION:-2}"
[ "$(id -u)" = 0 ] || { echo "bench-capture.sh: needs root (network namespace): run with sudo" >&2; exit 2; }

ns="psbench$$"
work="$(mktemp -d)"
cleanup() { ip netns delete "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

# Build once, outside the timed runs.
"$root/scripts/protoscope" --help >/dev/null 2>&1

# The flood: a pcap of RATE x DURATION Ethernet/IPv4/UDP frames to 127.0.0.1:9 (18-byte payload) with
# timestamps 1/RATE apart, sent by `protoscope replay`, which keeps the spacing (sleeping, then spinning
# the last millisecond) and falls behind rather than skipping when it cannot keep up. A python3 socket
# loop managed only about 40000 datagrams/s here; injecting through libpcap from .NET goes further.
cat > "$work/flood.py" <<'PY'
import struct, sys
rate, seconds, path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
total = int(rate * seconds)
payload = b'protoscope-bench!!'
udp = struct.pack('!HHHH', 40000, 9, 8 + len(payload), 0) + payload
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
words = struct.unpack('!10H', ip)
c = sum(words); c = (c & 0xffff) + (c >> 16); c = (c & 0xffff) + (c >> 16)
ip = ip[:10] + struct.pack('!H', ~c & 0xffff) + ip[12:]
frame = b'\0' * 12 + b'\x08\x00' + ip + udp
with open(path, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    rec = struct.pack('<II', len(frame), len(frame)) + frame
    for i in range(total):
        ns = i * 1_000_000_000 // rate
        f.write(struct.pack('<II', 1_700_000_000 + ns // 1_000_000_000, ns % 1_000_000_000) + rec)
print(total)
PY

run() { # tool rate -> "sent in_file kernel elapsed"
  trap - EXIT # runs in a process substitution: the namespace belongs to the main script
  local tool="$1" rate="$2" file="$work/$1-$2.pcap" err="$work/$1-$2.err" pid
  case "$tool" in
    protoscope) ip netns exec "$ns" "$root/scripts/protoscope" capture -i lo -f 'udp dst port 9' -w "$file" 2>"$err" & ;;
    tcpdump)    ip netns exec "$ns" tcpdump -i lo -n 'udp dst port 9' -w "$file" 2>"$err" & ;;
  esac
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$err" 2>/dev/null && break; sleep 0.1; done
  ip netns exec "$ns" "$root/scripts/protoscope" replay "$work/flood-$rate.pcap" -i lo 2>"$work/replay.err" || { cat "$work/replay.err" >&2; exit 1; }
  sent=$(grep -oE 'sent [0-9]+' "$work/replay.err" | grep -oE '[0-9]+')
  elapsed=$(grep -oE 'in [0-9.]+ s' "$work/replay.err" | grep -oE '[0-9.]+')
  sleep 1.5 # tcpdump hands over TPACKET_V3 blocks after its 1 s timeout: let both catch up
  # SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored, and .NET keeps it so.
  kill -TERM "$pid"; wait "$pid" || true
  local in_file kernel
  in_file=$(tcpdump -r "$file" -n 2>/dev/null | wc -l)
  [ -n "${VERBOSE:-}" ] && tail -1 "$err" >&2
  kernel=$(grep -oE '[0-9]+ (packets )?dropped by kernel' "$err" | grep -oE '^[0-9]+' || echo "?")
  echo "$sent $in_file $kernel $elapsed"
}

printf '%-10s %-11s %9s %9s %8s %8s %9s\n' "rate/s" "tool" "sent" "in file" "kernel" "lost" "send s"
for rate in "${rates[@]}"; do
  python3 "$work/flood.py" "$rate" "$duration" "$work/flood-$rate.pcap" >/dev/null
  for tool in protoscope tcpdump; do
    read -r sent in_file kernel elapsed < <(run "$tool" "$rate")
    printf '%-10s %-11s %9s %9s %8s %8s %9s\n' "$rate" "$tool" "$sent" "$in_file" "$kernel" "$((sent - in_file))" "$elapsed"
  done
done
