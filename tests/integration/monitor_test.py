"""MONITOR against the real binary: the exact lines (Redis's quoting of odd bytes, the database,
passwords redacted, admin commands and rejected commands left out, EXEC's commands at EXEC
time) compared with Debian's redis-server 7.0 when it is installed; what a monitoring client
may still send (byte for byte with Redis), RESET ending it, CLIENT LIST's O flag, one client's
pipelined commands in order, lines from several clients, a monitor that does not read
disconnected at the output limit with a log line, and redis-py's monitor()."""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (start_reference_redis, Conn, Server, binary_from_argv, check,  # noqa: E402
                     encode, expect_eq, expect_in, expect_true, fail, run_tests,
                     skip, wait_for)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None

BINARY = binary_from_argv()
LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) 127\.0\.0\.1:(\d+)\] (.*)$")


class Reference:
    """Debian's redis-server on a free port (None when it is not installed)."""

    def __init__(self):
        started = start_reference_redis()
        self.proc = None
        if started:
            self.port, self.proc = started

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)


def read_lines_until(c, marker, timeout=10.0):
    """Raw CRLF lines from `c` up to and including one containing `marker`."""
    deadline = time.monotonic() + timeout
    lines = []
    while True:
        while b"\r\n" not in c.buf[c.pos:]:
            if time.monotonic() > deadline:
                fail("no line with %r; got %r" % (marker, lines[-5:]))
            c.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = c.sock.recv(1 << 16)
            except socket.timeout:
                continue
            if not chunk:
                fail("closed before %r; got %r" % (marker, lines[-5:]))
            c.buf += chunk
        end = c.buf.index(b"\r\n", c.pos)
        line = bytes(c.buf[c.pos:end])
        c.pos = end + 2
        lines.append(line)
        if marker in line:
            return lines


def normalize(lines, peer_ports):
    """Lines with the time and the client port replaced (checked to be sane first)."""
    out = []
    now = time.time()
    for line in lines:
        m = LINE.match(line)
        if not m:
            fail("not a MONITOR line: %r" % line)
        expect_true(abs(int(m.group(1)) - now) < 600, "line time is now: %r" % line)
        who = peer_ports.get(int(m.group(4)), b"?")
        out.append(b"[" + m.group(3) + b" " + who + b"] " + m.group(5))
    return out


def port_of(c):
    return c.sock.getsockname()[1]


# Sent one at a time by the observed client; the marker ends the scenario.
SCENARIO = [
    ("SET", "k", 'a"b\\ c\n'),
    ("SET", "k2", b"\x00\x01\xff\t\r\x07\x08 \x7f~"),
    ("AUTH", "foo"),
    ("AUTH", "u", "p"),
    ("HELLO", "3", "AUTH", "u", "p"),
    ("HELLO", "2", "AUTH", "u", "p", "SETNAME", "x"),
    ("CONFIG", "GET", "maxclients"),  # admin: never shown
    ("CLIENT", "LIST"),               # admin
    ("CLIENT", "GETNAME"),
    ("MULTI",),
    ("SET", "a", "b"),                # shown when EXEC runs it, before EXEC
    ("INCR", "n"),
    ("EXEC",),
    ("SELECT", "3"),                  # the database after the command
    ("GET", "x"),
    ("NOSUCH", "x"),                  # rejected: not shown
    ("SET", "a"),                     # wrong arity: not shown
    ("PING",),
    ("INCRBY", "n", "-12"),
    ("ECHO", "end-of-scenario"),
]

# What the monitor itself sends afterwards (raw replies compared, its own lines included).
MONITOR_SIDE = [
    ("GET", "x"), ("PUBLISH", "a", "b"), ("SET", "x", "1"), ("PING",), ("MONITOR",),
    ("ECHO", "e"), ("RESET",), ("GET", "x"),
]


def run_scenario(port):
    with Conn(port) as m, Conn(port) as o:
        m.send(encode("MONITOR"))
        expect_eq(m.read_reply(), "OK", "MONITOR")
        for cmd in SCENARIO:
            o.call(*cmd)
        lines = normalize(read_lines_until(m, b"end-of-scenario"), {port_of(o): b"O"})
        # The monitor's own commands: the raw bytes, its lines normalized.
        side = []
        for cmd in MONITOR_SIDE:
            m.send(encode(*cmd))
            if cmd == ("MONITOR",):
                continue  # no reply at all (checked by the ECHO that follows)
            side += read_lines_until(m, b"" if cmd[0] != "ECHO" else b"\"e\"")
        m.send(encode("ECHO", "last"))
        side += read_lines_until(m, b"last")
        side = [re.sub(rb"^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]", rb"+T [\1 M]", s)
                for s in side]
        return lines, side


EXPECTED_LINES = [
    b'[0 O] "SET" "k" "a\\"b\\\\ c\\n"',
    b'[0 O] "SET" "k2" "\\x00\\x01\\xff\\t\\r\\a\\b \\x7f~"',
    b'[0 O] "AUTH" "(redacted)"',
    b'[0 O] "AUTH" "(redacted)" "(redacted)"',
    b'[0 O] "HELLO" "3" "AUTH" "(redacted)" "(redacted)"',
    b'[0 O] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "x"',
    b'[0 O] "CLIENT" "GETNAME"',
    b'[0 O] "MULTI"',
    b'[0 O] "SET" "a" "b"',
    b'[0 O] "INCR" "n"',
    b'[0 O] "EXEC"',
    b'[3 O] "SELECT" "3"',
    b'[3 O] "GET" "x"',
    b'[3 O] "PING"',
    b'[3 O] "INCRBY" "n" "-12"',
    b'[3 O] "ECHO" "end-of-scenario"',
]

REPLICA = b"-ERR Replica can't interact with the keyspace"
EXPECTED_SIDE = [
    REPLICA, REPLICA, REPLICA,
    b"+PONG", b'+T [0 M] "PING"',
    b"$1", b"e", b'+T [0 M] "ECHO" "e"',
    b"+RESET",
    b"$-1",  # no longer a monitor: GET works, and no line comes
    b"$4", b"last",
]


def test_lines_and_monitor_side():
    with Server(BINARY) as srv:
        lines, side = run_scenario(srv.port)
    check("lines", lambda: expect_eq(lines, EXPECTED_LINES, "MONITOR lines"))
    check("monitor side", lambda: expect_eq(side, EXPECTED_SIDE, "a monitor's own requests"))


def test_same_as_redis():
    ref = Reference()
    if ref.proc is None:
        skip("redis-server not installed: lines not compared with Redis")
    try:
        lines, side = run_scenario(ref.port)
    finally:
        ref.stop()
    check("redis lines", lambda: expect_eq(lines, EXPECTED_LINES, "redis-server's lines"))
    check("redis side", lambda: expect_eq(side, EXPECTED_SIDE, "redis-server's monitor side"))


def test_order_flags_and_several_clients():
    with Server(BINARY, workers=2) as srv, Conn(srv.port) as m, Conn(srv.port) as a, \
            Conn(srv.port) as b:
        m.ok("MONITOR")
        info = a.call("CLIENT", "LIST")
        expect_in(b" flags=O ", info, "CLIENT LIST shows the monitor's O flag")
        # One client's pipeline: its lines in the order sent.
        a.send(b"".join(encode("INCR", "c") for _ in range(500)))
        expect_eq(a.read_replies(500), list(range(1, 501)), "INCR replies")
        # Two clients taking turns (each waits for its reply): lines in the order run.
        for i in range(20):
            (a if i % 2 == 0 else b).call("SET", "turn", str(i))
        a.call("ECHO", "done")
        lines = read_lines_until(m, b'"done"')
        incrs = [ln for ln in lines if b'"INCR" "c"' in ln]
        expect_eq(len(incrs), 500, "one line per INCR")
        turns = [ln.split(b'"')[-2] for ln in lines if b'"turn"' in ln]
        expect_eq(turns, [str(i).encode() for i in range(20)], "turns in the order run")
        stamps = [float(LINE.match(ln).group(1) + b"." + LINE.match(ln).group(2))
                  for ln in lines]
        expect_eq(stamps, sorted(stamps), "times never go back")
        ports = {int(LINE.match(ln).group(4)) for ln in lines if b'"turn"' in ln}
        expect_eq(ports, {port_of(a), port_of(b)}, "each line names its client")
        # RESET ends it; the flag goes.
        m.send(encode("RESET"))
        read_lines_until(m, b"+RESET")
        expect_true(b"flags=O" not in a.call("CLIENT", "LIST"), "no monitor after RESET")
        # Inside MULTI, MONITOR is refused when EXEC runs it.
        m.ok("MULTI")
        expect_eq(m.call("MONITOR"), "QUEUED", "MONITOR queued")
        expect_eq(str(m.call("EXEC")[0]), "ERR MONITOR isn't allowed for DENY BLOCKING client",
                  "MONITOR in EXEC")


def test_slow_monitor_disconnected():
    # A monitor that never reads is bounded like any client (the normal class's limits).
    config = {"client-output-buffer-hard-limit": 1 << 20}
    with Server(BINARY, config=config) as srv, Conn(srv.port) as w:
        m = socket.socket()
        m.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        m.connect(("127.0.0.1", srv.port))
        m.sendall(encode("MONITOR"))
        time.sleep(0.2)
        value = "v" * 4096
        for _ in range(40):  # about 16 MiB of lines, far past the limit and the socket buffers
            w.send(b"".join(encode("SET", "k", value) for _ in range(100)))
            w.read_replies(100)
            if "output buffer" in srv.log():
                break
        srv.wait_log("output buffer hard limit reached")
        expect_eq(w.call("PING"), "PONG", "the writer is not affected")
        wait_for(lambda: b"flags=O" not in w.call("CLIENT", "LIST"), what="monitor gone")
        m.close()


def test_redis_py_monitor():
    if redis is None:
        skip("python3-redis not installed")
    with Server(BINARY) as srv:
        r = redis.Redis(port=srv.port)
        with r.monitor() as mon:
            r.set("greeting", "hello world")
            r.get("greeting")
            seen = []
            for event in mon.listen():
                seen.append(event["command"])
                if event["command"].startswith("GET"):
                    break
        expect_in("SET greeting hello world", seen, "redis-py parses the SET line")
        expect_eq(seen[-1], "GET greeting", "and the GET line")
        expect_eq(r.ping(), True, "the server goes on")


if __name__ == "__main__":
    run_tests([test_lines_and_monitor_side, test_same_as_redis, test_order_flags_and_several_clients,
               test_slow_monitor_disconnected, test_redis_py_monitor])
