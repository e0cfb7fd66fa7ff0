#!/usr/bin/env bash
# Regenerates the sample captures in captures/: one per classroom demo, recorded by ProtoScope itself
# (`protoscope demo SCENARIO -w captures/SCENARIO.pcap --no-ui`: on loopback, or for `loss` and `mss` on the veth link
# into the network namespace the demo makes), plus loopback-echo.pcap, recorded by tcpdump with Python peers
# (scripts/record-loopback.sh), and lossy-transfer.pcap, 300 KB sent through a router namespace that drops one
# segment in 20 (scripts/record-trouble.sh). Needs root (capture, and the network namespaces of `demo loss`, `demo mss`
# and record-trouble.sh), tcpdump, iproute2, nftables and ethtool.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for scenario in handshake teardown-server-first half-close reset refused sticky split udp zero-window time-wait udp-truncate long-short chat file-transfer http loss mss; do
  "$root/scripts/protoscope" demo "$scenario" --no-ui -w "$root/captures/$scenario.pcap" >/dev/null
done
"$root/scripts/record-loopback.sh" "$root/captures/loopback-echo.pcap"
TROUBLE_BYTES=300000 "$root/scripts/record-trouble.sh" "$root/captures/lossy-transfer.pcap" loss 20
