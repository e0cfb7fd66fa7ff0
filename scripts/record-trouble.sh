#!/usr/bin/env bash
# Records one troubled TCP connection (scripts/trouble.py MODE: loss, stall, keepalive, rr) between two network
# namespaces, client and server, joined through a third that routes between them; all three are created here and
# removed on exit. Links are veth pairs with MTU 1500 and offloads off, so segments are MTU-sized as on a real link.
# With MODE loss the router's nftables drops one in DROP (default 30) of the client's segments after the SYN, at
# random (this kernel has no netem). tcpdump records at the client (SIDE client, the default: every segment the
# client sent, lost or not) or at the server (SIDE server: the lost ones never arrive, so previous segments are
# not captured and ACKs cover unseen segments). Needs root, iproute2, nftables, ethtool, tcpdump and python3.
# Sends nothing outside its namespaces.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"; mode="$2"; drop="${3:-30}"; side="${4:-client}"
tag="pstr$$"; c="${tag}c"; r="${tag}r"; s="${tag}s"; port=9999
tmp="$(mktemp -d)"
cleanup() {
  for ns in "$c" "$r" "$s"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
for ns in "$c" "$r" "$s"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$c" link add "$c" type veth peer name "${r}1" netns "$r"
ip -n "$s" link add "$s" type veth peer name "${r}2" netns "$r"
ip -n "$c" addr add 10.88.1.1/24 dev "$c"
ip -n "$r" addr add 10.88.1.254/24 dev "${r}1"
ip -n "$r" addr add 10.88.2.254/24 dev "${r}2"
ip -n "$s" addr add 10.88.2.2/24 dev "$s"
for link in "$c $c" "$r ${r}1" "$r ${r}2" "$s $s"; do
  set -- $link
  ip -n "$1" link set "$2" mtu 1500 up
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
done
ip -n "$c" route add default via 10.88.1.254
ip -n "$s" route add default via 10.88.2.254
ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
if [ "$mode" = loss ]; then
  ip netns exec "$r" nft add table inet trouble
  ip netns exec "$r" nft add chain inet trouble forward '{ type filter hook forward priority 0; }'
  ip netns exec "$r" nft add rule inet trouble forward tcp dport "$port" 'tcp flags & syn == 0' numgen random mod "$drop" == 0 drop
fi
at="$c"; [ "$side" = server ] && at="$s"
ip netns exec "$at" tcpdump -i "$at" -U --immediate-mode -n -s 262144 -w "$tmp/cap.pcap" "tcp port $port" 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$tmp/tcpdump.err" && break; sleep 0.1; done
ip netns exec "$s" python3 "$root/scripts/trouble.py" server "$mode" 10.88.2.2 "$port" >"$tmp/server.out" &
server_pid=$!
for _ in $(seq 50); do grep -q ready "$tmp/server.out" && break; sleep 0.1; done
ip netns exec "$c" timeout 60 python3 "$root/scripts/trouble.py" client "$mode" 10.88.2.2 "$port"
wait "$server_pid"
sleep 0.3
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
mv "$tmp/cap.pcap" "$out"
