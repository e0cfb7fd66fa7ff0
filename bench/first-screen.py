#!/usr/bin/env python3
"""Time from starting the real `protoscope FILE` in a terminal to its first screen of packet rows.

    bench/first-screen.py RUNS COMMAND...        e.g. bench/first-screen.py 5 .build/cli/protoscope capture.pcap

Each run starts COMMAND on a 140x40 pseudo-terminal, reads what it writes, and stops the clock when the first
packet's row (" 1 0.000000") and the status line's packet count have both been written: the user then sees
rows. The clock starts before the fork, so it holds the .NET host's start, the JIT, Terminal.Gui's start-up
and the first draw. The program is then sent q (and killed if it does not quit). Prints each run and the
median, and the load average, since on a shared machine the wall-clock figures move with it; also the CPU time
the main thread (the UI thread) had used by then, which moves much less with the load.
"""
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import termios
import fcntl
import time

ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
FIRST_ROW = re.compile(rb"\b1 0\.000000\b")
COUNT = re.compile(rb"[1-9][0-9,]* packets")


def main_thread_cpu(pid):
    """CPU seconds (user + system) the process's main thread has used, from /proc/PID/task/PID/stat."""
    with open(f"/proc/{pid}/task/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(command, timeout=60.0):
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    seen = b""
    found = None
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            text = ESCAPES.sub(b" ", seen)
            if FIRST_ROW.search(text) and COUNT.search(text):
                found = (time.monotonic() - start, main_thread_cpu(pid))
                break
    finally:
        try:
            os.write(fd, b"q")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                try:
                    if select.select([fd], [], [], 0.1)[0]:
                        os.read(fd, 65536)
                except OSError:
                    pass
            else:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        except (OSError, ChildProcessError):
            pass
        os.close(fd)
    return found


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    times, cpus = [], []
    for i in range(runs):
        found = one_run(command)
        load = open("/proc/loadavg").read().split()[:3]
        if found is None:
            print(f"run {i + 1}: no packet rows on screen within 60 s (load {' '.join(load)})")
            continue
        t, cpu = found
        times.append(t)
        cpus.append(cpu)
        print(f"run {i + 1}: first screen {t * 1000:.0f} ms, main thread CPU {cpu * 1000:.0f} ms (load {' '.join(load)})")
    if times:
        print(f"median {statistics.median(times) * 1000:.0f} ms over {len(times)} runs (min {min(times) * 1000:.0f} ms), "
              f"main thread CPU median {statistics.median(cpus) * 1000:.0f} ms")
    return 0 if times else 1


if __name__ == "__main__":
    sys.exit(main())
