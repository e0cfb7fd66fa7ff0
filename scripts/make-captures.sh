#!/usr/bin/env bash
# Regenerates the sample captures in captures/: one per classroom demo, recorded by ProtoScope itself on
# loopback (`protoscope demo SCENARIO -w captures/SCENARIO.pcap --no-ui`), plus loopback-echo.pcap, recorded
# by tcpdump with Python peers (scripts/record-loopback.sh). Needs root (capture) and tcpdump.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for scenario in handshake teardown-server-first half-close reset refused sticky split udp; do
  "$root/scripts/protoscope" demo "$scenario" --no-ui -w "$root/captures/$scenario.pcap" >/dev/null
done
"$root/scripts/record-loopback.sh" "$root/captures/loopback-echo.pcap"
