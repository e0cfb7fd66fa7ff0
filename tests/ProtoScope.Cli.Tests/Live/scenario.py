# Plays one side of a TCP scenario with real sockets, for ConnsLiveCaptureTests.
# usage: scenario.py server|client MODE HOST PORT
import socket, struct, sys, time

role, mode, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
family = socket.AF_INET6 if ":" in host else socket.AF_INET

def drain(s):
    while s.recv(4096):
        pass

if role == "server":
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(1)
    print("ready", flush=True)
    c, _ = srv.accept()
    if mode == "client-close":
        c.recv(5); c.sendall(b"world")
        drain(c)
        time.sleep(0.3)  # let the ACK of the client's FIN go out alone: a four-way close
        c.close()
    elif mode == "server-close":
        c.recv(5); c.sendall(b"world")
        time.sleep(0.2)
        c.close()
        time.sleep(0.5)
    elif mode == "half-close":
        drain(c)
        for _ in range(3):
            c.sendall(b"after the client's FIN")
            time.sleep(0.05)
        time.sleep(0.3)
        c.close()
    elif mode == "rst":
        c.recv(5); c.sendall(b"world")
        time.sleep(0.5)
        c.close()
    sys.exit(0)

s = socket.socket(family, socket.SOCK_STREAM)
if mode == "refused":
    try:
        s.connect((host, port))
    except ConnectionRefusedError:
        print("refused", flush=True)
    sys.exit(0)
if mode == "unanswered":
    s.settimeout(1.5)  # Linux resends the SYN after 1 s: two SYNs, no answer
    try:
        s.connect((host, port))
    except (socket.timeout, OSError):
        print("timeout", flush=True)
    sys.exit(0)
s.connect((host, port))
if mode == "client-close":
    s.sendall(b"hello"); s.recv(5)
    time.sleep(0.1)
    s.close()
    time.sleep(0.6)
elif mode == "server-close":
    s.sendall(b"hello"); s.recv(5)
    drain(s)
    time.sleep(0.3)
    s.close()
    time.sleep(0.3)
elif mode == "half-close":
    s.sendall(b"hello")
    s.shutdown(socket.SHUT_WR)
    drain(s)
    s.close()
    time.sleep(0.3)
elif mode == "rst":
    s.sendall(b"hello"); s.recv(5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    time.sleep(0.3)
