"""File-descriptor exhaustion: with RLIMIT_NOFILE lowered under the server, a flood of
connections must not make it spin (accept4 failing with EMFILE on an edge-triggered listener)
or crash; it sheds the excess, logs a warning, and serves again once descriptors free up."""
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, expect_eq, expect_in, expect_true, run_main, wait_for  # noqa: E402

NOFILE = 48  # the server needs ~10 for itself (epoll, eventfd, signalfd, listener, std fds)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def flood(srv):
    resource.prlimit(srv.proc.pid, resource.RLIMIT_NOFILE, (NOFILE, NOFILE))
    socks = []
    try:
        for _ in range(120):
            s = socket.socket()
            s.settimeout(2)
            s.connect(("127.0.0.1", srv.port))  # the kernel completes the handshake
            socks.append(s)
        srv.wait_log("out of file descriptors", timeout=10)
        # Descriptors stay exhausted while we hold our sockets: the server must sit idle, not
        # spin on the listener. Generous bound: under half a CPU-second in two seconds.
        before = cpu_seconds(srv.proc.pid)
        time.sleep(2)
        used = cpu_seconds(srv.proc.pid) - before
        expect_true(used < 1.0, "server CPU while out of descriptors: %.2fs in 2s" % used)
        expect_true(srv.alive(), "server still running")
    finally:
        for s in socks:
            s.close()
    # Everyone left: the server serves new clients again.
    def pong():
        try:
            return srv.call("PING") == "PONG"
        except OSError:
            return False
    wait_for(pong, timeout=10, what="PING answered after the flood")
    info = srv.info("clients")
    expect_true(int(info["connected_clients"]) <= 2, "flood clients were released: %s" % info)


def main(binary):
    with Server(binary, workers=2) as srv:
        check("EMFILE: no spin, warning logged, serving again afterwards", flood, srv)
        check("server still exits cleanly", lambda: expect_eq(srv.stop(), 0, "exit code"))


run_main(main)
