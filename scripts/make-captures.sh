#!/usr/bin/env bash
# Regenerates the sample captures in captures/: one per classroom demo, recorded by ProtoScope itself on
# loopback (`protoscope demo SCENARIO -w captures/SCENARIO.pcap --no-ui`), plus loopback-echo.pcap, recorded
# by tcpdump with Python peers (scripts/record-loopback.sh), and lossy-transfer.pcap, 300 KB sent through a
# router namespace that drops one segment in 20 (scripts/record-trouble.sh). Needs root (capture), tcpdump,
# nftables and ethtool.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for scenario in handshake teardown-server-first half-close reset refused sticky split udp http; do
  "$root/scripts/protoscope" demo "$scenario" --no-ui -w "$root/captures/$scenario.pcap" >/dev/null
done
"$root/scripts/record-loopback.sh" "$root/captures/loopback-echo.pcap"
TROUBLE_BYTES=300000 "$root/scripts/record-trouble.sh" "$root/captures/lossy-transfer.pcap" loss 20
