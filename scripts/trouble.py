# One side of a troubled TCP connection, for scripts/record-trouble.sh.
# usage: trouble.py server|client MODE HOST PORT
#   loss       the client sends 2 MB in bulk, or TROUBLE_BYTES (the recording drops a share of its segments)
#   stall      the server, with a 4 KB receive buffer, reads nothing for 2 s, then reads slowly: the window
#              fills, closes to zero, the client probes, the window opens again
#   keepalive  an idle connection with SO_KEEPALIVE probing every second, answered by the peer
#   rr         50 requests of 100 bytes, each answered by 1000 bytes: one RTT per exchange
import os, socket, sys, time

role, mode, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

if role == "server":
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mode == "stall":
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    srv.bind((host, port))
    srv.listen(1)
    print("ready", flush=True)
    c, _ = srv.accept()
    if mode == "stall":
        time.sleep(2)
    if mode == "keepalive":
        c.recv(4); c.sendall(b"pong")
        c.recv(1)
    elif mode == "rr":
        for _ in range(50):
            need = 100
            while need:
                need -= len(c.recv(need))
            c.sendall(b"r" * 1000)
        c.recv(1)
    else:
        while True:
            data = c.recv(65536)
            if not data:
                break
            if mode == "stall":
                time.sleep(0.01)
    c.close()
    sys.exit(0)

s = socket.create_connection((host, port))
if mode == "keepalive":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.sendall(b"ping"); s.recv(4)
    time.sleep(4.5)
elif mode == "rr":
    for _ in range(50):
        s.sendall(b"q" * 100)
        need = 1000
        while need:
            need -= len(s.recv(need))
        time.sleep(0.01)
else:
    chunk = b"x" * 10000
    total = int(os.environ.get("TROUBLE_BYTES", "2000000")) if mode == "loss" else 400_000
    for _ in range(total // len(chunk)):
        s.sendall(chunk)
s.shutdown(socket.SHUT_WR)
s.recv(1)
s.close()
