#!/usr/bin/env bash
# Records real loopback traffic into captures/loopback-echo.pcap: a TCP client and server exchanging
# length-prefixed frames (4-byte little-endian length, as Python's struct.pack('I', n) writes it) over
# 127.0.0.1:9000, with a three-way handshake, several frames in one write, one frame larger than the
# loopback MSS, and a FIN teardown; then two UDP datagrams on 127.0.0.1:9001. Needs root and tcpdump.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/captures/loopback-echo.pcap}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

tcpdump -i lo -U --immediate-mode -n -s 262144 -w "$tmp/cap.pcap" 'port 9000 or port 9001' 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$tmp/tcpdump.err" && break; sleep 0.1; done

python3 - <<'PY'
import socket, struct, threading

def frame(payload: bytes) -> bytes:
    return struct.pack('I', len(payload)) + payload

def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf

srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 9000)); srv.listen(1)

def serve():
    conn, _ = srv.accept()
    try:
        while True:
            n = struct.unpack('I', recv_exact(conn, 4))[0]
            conn.sendall(frame(recv_exact(conn, n)))
    except EOFError:
        conn.close()

t = threading.Thread(target=serve); t.start()
c = socket.create_connection(('127.0.0.1', 9000))
messages = ['hello'.encode(), '你好，世界'.encode(), b'', b'sticky-1', b'sticky-2', b'sticky-3', bytes(range(256)) * 300]
c.sendall(frame(messages[0])); recv_exact(c, 4 + len(messages[0]))
c.sendall(frame(messages[1])); recv_exact(c, 4 + len(messages[1]))
c.sendall(frame(messages[2])); recv_exact(c, 4)
c.sendall(b''.join(frame(m) for m in messages[3:6]))
for m in messages[3:6]: recv_exact(c, 4 + len(m))
c.sendall(frame(messages[6])); recv_exact(c, 4 + len(messages[6]))
c.close(); t.join(); srv.close()

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 9001))
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uc.sendto(frame(b'ping over udp'), ('127.0.0.1', 9001))
data, addr = u.recvfrom(65535); u.sendto(data, addr); uc.recvfrom(65535)
PY

sleep 0.3
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
cat "$tmp/tcpdump.err" >&2
mkdir -p "$(dirname "$out")"
cp "$tmp/cap.pcap" "$out"
echo "wrote $out ($(tcpdump -r "$out" 2>/dev/null | wc -l) packets)" >&2
