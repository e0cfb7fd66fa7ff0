"""Echo peers for the capture tests: a server that echoes whatever it receives, and clients that send a
byte stream (TCP) or a list of datagrams (UDP) exactly as the test planned them. Standard library only.

  echo_peer.py tcp-server HOST PORT
  echo_peer.py tcp-client HOST PORT STREAM_FILE WRITES_JSON   (one sendall per entry of WRITES_JSON)
  echo_peer.py udp-server HOST PORT
  echo_peer.py udp-client HOST PORT DATAGRAMS_JSON            (base64 payloads)
"""
import base64, json, socket, sys, threading

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

if mode == 'tcp-server':
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port)); srv.listen(1)
    print('ready', flush=True)
    conn, _ = srv.accept()
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        conn.sendall(chunk)
    conn.close()
elif mode == 'tcp-client':
    data = open(sys.argv[4], 'rb').read()
    writes = json.load(open(sys.argv[5]))
    conn = socket.create_connection((host, port))
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    received = [0]
    def read():
        while received[0] < len(data):
            chunk = conn.recv(1 << 16)
            if not chunk:
                break
            received[0] += len(chunk)
    reader = threading.Thread(target=read); reader.start()
    at = 0
    for size in writes:
        conn.sendall(data[at:at + size]); at += size
    reader.join(60)
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(1 << 16):
        pass
    conn.close()
    print(f'sent {at} received {received[0]}', flush=True)
elif mode == 'udp-server':
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind((host, port)); srv.settimeout(5)
    print('ready', flush=True)
    try:
        while True:
            payload, peer = srv.recvfrom(65535)
            srv.sendto(payload, peer)
    except socket.timeout:
        pass
elif mode == 'udp-client':
    datagrams = [base64.b64decode(d) for d in json.load(open(sys.argv[4]))]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sock.settimeout(2)
    echoed = 0
    for d in datagrams:
        sock.sendto(d, (host, port))
        if sock.recvfrom(65535)[0] == d:
            echoed += 1
    print(f'sent {len(datagrams)} echoed {echoed}', flush=True)
