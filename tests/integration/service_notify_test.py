"""sd_notify protocol, seen from the service manager's side.

The test binds the AF_UNIX datagram socket systemd would pass in NOTIFY_SOCKET and checks what
the server says on it: READY=1 only once the port answers, STATUS= every second, the watchdog
pings (and that they stop while the process is frozen), RELOADING=1/READY=1 around SIGHUP and
STOPPING=1 on SIGTERM; and that nothing breaks without (or with a dead) NOTIFY_SOCKET.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Conn, Server, binary_from_argv, free_port, run_tests  # noqa: E402

BINARY = binary_from_argv()


class NotifySocket:
    """The service manager's end of NOTIFY_SOCKET: every datagram, with its arrival time."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mini-redis-notify-")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages = []  # (monotonic time, text)

    def close(self):
        self.sock.close()
        try:
            os.unlink(self.path)
            os.rmdir(self.dir)
        except OSError:
            pass

    def _recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return None
        msg = (time.monotonic(), data.decode())
        self.messages.append(msg)
        return msg

    def wait(self, predicate, timeout, what):
        """Receives until a message satisfies predicate(text); returns (time, text)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s within %.1fs; got %r"
                                     % (what, timeout, [m[1] for m in self.messages[-20:]]))
            msg = self._recv(left)
            if msg is not None and predicate(msg[1]):
                return msg

    def collect(self, seconds):
        """Everything that arrives in the next `seconds`."""
        got = []
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return got
            msg = self._recv(left)
            if msg is not None:
                got.append(msg[1])

    def drain(self):
        return self.collect(0.001)


def fields(text):
    """'A=1\\nB=x' -> {'A': '1', 'B': 'x'}"""
    out = {}
    for line in text.split("\n"):
        if "=" in line:
            k, _, v = line.partition("=")
            out[k] = v
    return out


def says(text, key):
    """Whether a notification sets `key`=1 (READY, RELOADING, STOPPING, WATCHDOG)."""
    return fields(text).get(key) == "1"


STATUS_RE = re.compile(r"^serving (\d+) clients, (\d+) ops/s, (\d+) keys$")


def test_ready_status_reload_stop():
    ns = NotifySocket()
    try:
        srv = Server(BINARY, config={"loglevel": "info"}, env={"NOTIFY_SOCKET": ns.path},
                     wait=False)
        try:
            _, ready = ns.wait(lambda t: says(t, "READY"), 10, "READY=1")
            # At the moment READY=1 arrives the port must already accept and answer:
            # a single attempt, no retries.
            with Conn(srv.port, timeout=5) as c:
                assert c.call("PING") == "PONG"
            status = fields(ready).get("STATUS", "")
            assert STATUS_RE.match(status), "READY without a proper STATUS=: %r" % ready
            assert all(not t.startswith("STOPPING") for _, t in ns.messages)

            # STATUS= every second; it reflects clients and keys.
            with Conn(srv.port) as c:
                for i in range(3):
                    c.ok("SET", "k%d" % i, "v")

                def live_status(t):
                    m = STATUS_RE.match(fields(t).get("STATUS", ""))
                    return m and m.group(1) == "1" and m.group(3) == "3" and not says(t, "READY")

                t1, _ = ns.wait(live_status, 5, "STATUS= with 1 client and 3 keys")
                t2, _ = ns.wait(lambda t: STATUS_RE.match(fields(t).get("STATUS", "")) and
                                not says(t, "READY"), 5, "a second periodic STATUS=")
                assert 0.3 < t2 - t1 < 3.0, "STATUS= interval %.2fs, expected ~1s" % (t2 - t1)

            # No watchdog pings without WATCHDOG_USEC.
            assert not any(says(t, "WATCHDOG") for _, t in ns.messages), ns.messages

            # SIGHUP: RELOADING=1 then READY=1, and the server keeps serving.
            ns.drain()
            srv.signal(signal.SIGHUP)
            _, reloading = ns.wait(lambda t: says(t, "RELOADING"), 5, "RELOADING=1")
            assert "MONOTONIC_USEC" in fields(reloading), reloading
            ns.wait(lambda t: says(t, "READY"), 5, "READY=1 after RELOADING=1")
            srv.wait_log("configuration reloaded", 5)
            with Conn(srv.port) as c:
                assert c.call("GET", "k0") == b"v"

            # A few SIGHUPs in a row: every RELOADING=1 is followed by its READY=1.
            ns.drain()
            for _ in range(3):
                srv.signal(signal.SIGHUP)
                time.sleep(0.1)
            msgs = ns.collect(1.0)
            seq = [("R" if says(t, "RELOADING") else "Y") for t in msgs
                   if says(t, "RELOADING") or says(t, "READY")]
            assert seq == ["R", "Y"] * 3, "reload notifications out of order: %r" % msgs

            # SIGTERM: STOPPING=1, exit 0.
            srv.signal(signal.SIGTERM)
            ns.wait(lambda t: says(t, "STOPPING"), 10, "STOPPING=1")
            rc = srv.proc.wait(15)
            assert rc == 0, "exit status %d after SIGTERM" % rc
        finally:
            srv.cleanup()
    finally:
        ns.close()


def test_watchdog_pings_and_stuck_loop():
    ns = NotifySocket()
    try:
        srv = Server(BINARY, env={"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "200000"},
                     wait=False)
        try:
            ns.wait(lambda t: says(t, "READY"), 10, "READY=1")
            pings = [t for t in ns.collect(2.0) if says(t, "WATCHDOG")]
            # At WATCHDOG_USEC/2 = 100 ms that is ~20 in 2 s; ask for a generous 5.
            assert len(pings) >= 5, "only %d WATCHDOG=1 in 2 s" % len(pings)
            srv.wait_log("watchdog", 2)

            # A frozen process (a stuck reactor, as far as systemd can tell) sends none.
            srv.signal(signal.SIGSTOP)
            try:
                time.sleep(0.2)
                ns.drain()  # whatever was sent just before the stop
                frozen = [t for t in ns.collect(1.0) if says(t, "WATCHDOG")]
                assert frozen == [], "%d WATCHDOG=1 while stopped" % len(frozen)
            finally:
                srv.signal(signal.SIGCONT)
            resumed = [t for t in ns.collect(2.0) if says(t, "WATCHDOG")]
            assert len(resumed) >= 3, "only %d WATCHDOG=1 in 2 s after SIGCONT" % len(resumed)
            with srv.conn() as c:
                assert c.call("PING") == "PONG"

            srv.signal(signal.SIGTERM)
            ns.wait(lambda t: says(t, "STOPPING"), 10, "STOPPING=1")
            assert srv.proc.wait(15) == 0
        finally:
            srv.cleanup()
    finally:
        ns.close()


def test_watchdog_for_another_pid_is_ignored():
    # WATCHDOG_PID names the process the watchdog is meant for; for any other pid the server
    # must not ping (that is how systemd's environment reaches children safely).
    ns = NotifySocket()
    try:
        srv = Server(BINARY, env={"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "200000",
                                  "WATCHDOG_PID": "1"}, wait=False)
        try:
            ns.wait(lambda t: says(t, "READY"), 10, "READY=1")
            pings = [t for t in ns.collect(1.0) if says(t, "WATCHDOG")]
            assert pings == [], "pinged a watchdog meant for pid 1"
        finally:
            srv.cleanup()
    finally:
        ns.close()


def test_watchdog_for_own_pid():
    # WATCHDOG_PID equal to the server's own pid (sh's $$ survives the exec): pings go out.
    ns = NotifySocket()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WATCHDOG_", "NOTIFY_"))}
    env.update(NOTIFY_SOCKET=ns.path, WATCHDOG_USEC="200000")
    proc = subprocess.Popen(
        ["/bin/sh", "-c", 'WATCHDOG_PID=$$ exec "$0" --port "$1" --workers 1', BINARY,
         str(port)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        ns.wait(lambda t: says(t, "READY"), 10, "READY=1")
        pings = [t for t in ns.collect(1.0) if says(t, "WATCHDOG")]
        assert len(pings) >= 3, "only %d WATCHDOG=1 in 1 s with WATCHDOG_PID=own pid" % len(pings)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        ns.close()


def test_without_notify_socket():
    # No NOTIFY_SOCKET at all (the harness removes it from the environment).
    with Server(BINARY, config={}) as srv:
        with srv.conn() as c:
            c.ok("SET", "a", "1")
            srv.signal(signal.SIGHUP)
            srv.wait_log("configuration reloaded", 5)
            assert c.call("GET", "a") == b"1"
        srv.signal(signal.SIGTERM)
        assert srv.proc.wait(15) == 0


def test_dead_notify_socket():
    # A NOTIFY_SOCKET nobody listens on: notifications fail, the server does not care.
    d = tempfile.mkdtemp(prefix="mini-redis-notify-")
    try:
        env = {"NOTIFY_SOCKET": os.path.join(d, "nobody-here.sock"), "WATCHDOG_USEC": "200000"}
        with Server(BINARY, config={}, env=env) as srv:
            with srv.conn() as c:
                c.ok("SET", "a", "1")
                time.sleep(1.2)  # a STATUS= and several watchdog sends fail meanwhile
                srv.signal(signal.SIGHUP)
                srv.wait_log("configuration reloaded", 5)
                assert c.call("GET", "a") == b"1"
            srv.signal(signal.SIGTERM)
            assert srv.proc.wait(15) == 0
    finally:
        os.rmdir(d)


if __name__ == "__main__":
    run_tests([
        test_ready_status_reload_stop,
        test_watchdog_pings_and_stuck_loop,
        test_watchdog_for_another_pid_is_ignored,
        test_watchdog_for_own_pid,
        test_without_notify_socket,
        test_dead_notify_socket,
    ])
