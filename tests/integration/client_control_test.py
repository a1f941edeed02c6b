"""CLIENT REPLY and CLIENT PAUSE / UNPAUSE against the real binary, and the commands that run
on the reactor queued in MULTI. Exact bytes compared with Debian's redis-server 7.0 when it is
installed (REPLY OFF/SKIP/ON with errors, RESET and RESP3 in the stream; PAUSE's errors;
PUBLISH / CLIENT / SUBSCRIBE inside MULTI in RESP2 and RESP3); pauses checked on our server:
WRITE holds writes, PUBLISH and a writing EXEC while reads go on, held requests run in order
when CLIENT UNPAUSE comes, a held client holds no worker, expired keys are kept (not
deleted) while paused, a half-closed held client still gets its replies, a killed one's held
request is dropped, ALL holds everything until the timeout, redis-py's client_reply."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (start_reference_redis, Conn, Server, binary_from_argv, check,  # noqa: E402
                     encode, expect_eq, expect_true, fail, run_tests, skip,
                     wait_for)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None

BINARY = binary_from_argv()


start_reference = start_reference_redis


def both(scenario):
    """scenario(port) on our server, and on redis-server when installed: the two results."""
    with Server(BINARY) as srv:
        ours = scenario(srv.port)
    ref = start_reference()
    if ref is None:
        return ours, None
    try:
        theirs = scenario(ref[0])
    finally:
        ref[1].terminate()
        ref[1].wait(10)
    return ours, theirs


def raw_until(c, marker, timeout=10.0):
    """Every byte `c` receives up to and including `marker`."""
    deadline = time.monotonic() + timeout
    while marker not in c.buf[c.pos:]:
        if time.monotonic() > deadline:
            fail("no %r; got %r" % (marker, bytes(c.buf[c.pos:])[-300:]))
        c._fill(max(0.05, deadline - time.monotonic()))
    end = c.buf.index(marker, c.pos) + len(marker)
    out = bytes(c.buf[c.pos:end])
    c.pos = end
    return out


def nothing_within(c, seconds):
    """True if `c` receives no byte for `seconds` (a paused request's reply)."""
    c.sock.settimeout(seconds)
    try:
        chunk = c.sock.recv(1 << 16)
    except (TimeoutError, OSError):
        return True
    c.buf += chunk
    return False


def cmds(*commands):
    return b"".join(encode(*c) for c in commands)


# ---------------------------------------------------------------------------------------------
# CLIENT REPLY

REPLY_STREAM = cmds(
    ("CLIENT", "REPLY", "OFF"), ("GET", "x"), ("NOSUCH",), ("SET", "a"),
    ("CLIENT", "REPLY", "SKIP"),  # no effect while OFF
    ("CLIENT", "REPLY", "ON"), ("CLIENT", "REPLY", "SKIP"), ("PING", "skipped"), ("PING", "1"),
    ("CLIENT", "REPLY", "FOO"), ("CLIENT", "REPLY"), ("CLIENT", "REPLY", "on"),
    ("CLIENT", "REPLY", "SKIP"), ("RESET",), ("PING", "2"),  # a SKIP drops RESET's reply
    ("CLIENT", "REPLY", "OFF"), ("RESET",), ("PING", "3"),   # RESET ends OFF, and replies
    ("CLIENT", "REPLY", "OFF"), ("HELLO", "3"), ("SET", "a", "1"), ("CLIENT", "REPLY", "ON"),
    ("GET", "a"), ("CLIENT", "REPLY", "SKIP"), ("HELLO", "2"), ("GET", "nil"),
    ("ECHO", "end"))

REPLY_EXPECTED = (b"+OK\r\n" b"$1\r\n1\r\n" b"-ERR syntax error\r\n"
                  b"-ERR wrong number of arguments for 'client|reply' command\r\n" b"+OK\r\n"
                  b"$1\r\n2\r\n" b"+RESET\r\n$1\r\n3\r\n" b"+OK\r\n$1\r\n1\r\n"
                  b"$-1\r\n$3\r\nend\r\n")


def reply_scenario(port):
    with Conn(port) as c:
        c.send(REPLY_STREAM)
        out = raw_until(c, b"$3\r\nend\r\n")
    # The same, one request at a time (each in a batch of its own).
    with Conn(port) as c:
        for cmd in split_commands(REPLY_STREAM):
            c.send(cmd)
            time.sleep(0.002)
        stepwise = raw_until(c, b"$3\r\nend\r\n")
    return out, stepwise


def split_commands(stream):
    """The RESP requests of `stream`, one by one (arrays of bulk strings only)."""
    out, pos = [], 0
    while pos < len(stream):
        start = pos
        end = stream.index(b"\r\n", pos)
        n = int(stream[pos + 1:end])
        pos = end + 2
        for _ in range(n):
            end = stream.index(b"\r\n", pos)
            size = int(stream[pos + 1:end])
            pos = end + 2 + size + 2
        out.append(stream[start:pos])
    return out


def test_client_reply():
    ours, theirs = both(reply_scenario)
    check("pipelined", lambda: expect_eq(ours[0], REPLY_EXPECTED, "CLIENT REPLY, pipelined"))
    check("one by one", lambda: expect_eq(ours[1], REPLY_EXPECTED, "CLIENT REPLY, stepwise"))
    if theirs is not None:
        check("redis", lambda: expect_eq(theirs, (REPLY_EXPECTED, REPLY_EXPECTED),
                                         "redis-server agrees"))


def test_reply_off_keeps_pushes():
    # As 7.0: a RESP3 subscriber with replies off still gets its messages.
    with Server(BINARY) as srv, Conn(srv.port) as sub, Conn(srv.port) as pub:
        sub.send(cmds(("HELLO", "3")))
        sub.read_reply()
        sub.send(cmds(("SUBSCRIBE", "ch"), ("CLIENT", "REPLY", "OFF")))
        raw_until(sub, b":1\r\n")
        expect_eq(pub.call("PUBLISH", "ch", "hi"), 1, "one receiver")
        expect_eq(raw_until(sub, b"hi\r\n"), b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
                  "the push arrives")


def test_redis_py_client_reply():
    if redis is None:
        skip("python3-redis not installed")
    with Server(BINARY) as srv:
        r = redis.Redis(port=srv.port, single_connection_client=True)
        # redis-py can only use ON (it waits for a reply OFF and SKIP never send; Redis too).
        expect_eq(r.client_reply("ON"), b"OK", "client_reply ON answers OK")
        expect_eq(r.ping(), True, "and the next reply is the PING's")


# ---------------------------------------------------------------------------------------------
# CLIENT PAUSE

PAUSE_ERRORS = cmds(
    ("CLIENT", "PAUSE"), ("CLIENT", "PAUSE", "abc"), ("CLIENT", "PAUSE", "-1"),
    ("CLIENT", "PAUSE", "10", "FOO"), ("CLIENT", "PAUSE", "-1", "FOO"),
    ("CLIENT", "PAUSE", "10", "write", "extra"), ("CLIENT", "PAUSE", "1.5"),
    ("CLIENT", "PAUSE", "99999999999999999999"), ("CLIENT", "UNPAUSE", "x"),
    ("CLIENT", "UNPAUSE"), ("CLIENT", "PAUSE", "0", "write"), ("ECHO", "end"))


def pause_errors_scenario(port):
    with Conn(port) as c:
        c.send(PAUSE_ERRORS)
        return raw_until(c, b"$3\r\nend\r\n")


def test_pause_errors():
    ours, theirs = both(pause_errors_scenario)
    expected = (b"-ERR wrong number of arguments for 'client|pause' command\r\n"
                b"-ERR timeout is not an integer or out of range\r\n"
                b"-ERR timeout is negative\r\n"
                b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
                b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
                b"-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. "
                b"Try CLIENT HELP.\r\n"
                b"-ERR timeout is not an integer or out of range\r\n"
                b"-ERR timeout is not an integer or out of range\r\n"
                b"-ERR wrong number of arguments for 'client|unpause' command\r\n"
                b"+OK\r\n+OK\r\n$3\r\nend\r\n")
    check("ours", lambda: expect_eq(ours, expected, "CLIENT PAUSE errors"))
    if theirs is not None:
        check("redis", lambda: expect_eq(theirs, expected, "redis-server's errors"))


def test_pause_write():
    with Server(BINARY, workers=1) as srv, Conn(srv.port) as admin, Conn(srv.port) as w, \
            Conn(srv.port) as r, Conn(srv.port) as p, Conn(srv.port) as t:
        admin.ok("SET", "k", "v")
        admin.ok("SET", "gone", "x", "PX", "50")
        expect_eq(admin.call("CLIENT", "PAUSE", "100000", "WRITE"), "OK", "PAUSE WRITE")
        # Writes wait, and what the client sent after them waits behind them.
        w.send(cmds(("GET", "k"), ("SET", "k", "2"), ("PING", "after"), ("GET", "k")))
        expect_eq(w.read_reply(), b"v", "a read before the write runs")
        p.send(cmds(("PUBLISH", "ch", "m")))
        t.send(cmds(("MULTI",), ("GET", "k"), ("EXEC",)))
        # A held client holds no worker: with one worker, reads still run.
        expect_eq(r.call("GET", "k"), b"v", "reads go on")
        expect_eq(r.call("DBSIZE"), 2, "DBSIZE")
        expect_eq(t.read_replies(3), ["OK", "QUEUED", [b"v"]], "a reading EXEC runs")
        time.sleep(0.2)  # `gone` has expired by now...
        expect_eq(r.call("GET", "gone"), None, "...so it reads as absent...")
        expect_eq(r.call("DBSIZE"), 2, "...but it is not deleted while paused")
        expect_true(nothing_within(w, 0.3), "the SET is held")
        expect_true(nothing_within(p, 0.1), "PUBLISH is held")
        expect_eq(admin.call("CLIENT", "UNPAUSE"), "OK", "UNPAUSE")
        expect_eq(w.read_replies(3), ["OK", b"after", b"2"], "held requests ran, in order")
        expect_eq(p.read_reply(), 0, "PUBLISH ran")
        wait_for(lambda: r.call("DBSIZE") == 1, what="the expired key reclaimed after the pause")
        # A write inside MULTI is held too, before it is queued.
        admin.ok("CLIENT", "PAUSE", "100000", "WRITE")
        admin.ok("MULTI")
        admin.send(cmds(("SET", "k", "3")))
        expect_true(nothing_within(admin, 0.2), "a write held even inside MULTI")
        r.ok("CLIENT", "UNPAUSE")
        expect_eq(admin.read_reply(), "QUEUED", "queued once the pause ended")
        # The EXEC of a transaction holding a write is held.
        r.ok("CLIENT", "PAUSE", "100000", "WRITE")
        admin.send(cmds(("EXEC",)))
        expect_true(nothing_within(admin, 0.2), "a writing EXEC is held")
        r.ok("CLIENT", "UNPAUSE")
        expect_eq(admin.read_reply(), ["OK"], "EXEC ran after the pause")
        expect_eq(r.call("GET", "k"), b"3", "its write")


def test_half_closed_client_held():
    # A client that sends a write and shuts its side while the write is held still gets the
    # reply once the pause ends (as it would for any request read before its EOF).
    with Server(BINARY) as srv, Conn(srv.port) as admin:
        admin.ok("CLIENT", "PAUSE", "100000", "WRITE")
        c = Conn(srv.port)
        c.send(cmds(("SET", "k", "1"), ("GET", "k")))
        c.sock.shutdown(socket.SHUT_WR)
        expect_true(nothing_within(c, 0.3), "held")
        admin.ok("CLIENT", "UNPAUSE")
        expect_eq(c.read_until_closed(), b"+OK\r\n$1\r\n1\r\n", "both replies, then closed")
        c.close()


def test_pause_all():
    with Server(BINARY) as srv, Conn(srv.port) as admin, Conn(srv.port) as other:
        expect_eq(admin.call("CLIENT", "PAUSE", "1500"), "OK", "PAUSE (ALL by default)")
        started = time.monotonic()
        other.send(cmds(("GET", "k"), ("CLIENT", "UNPAUSE"), ("PING",)))
        admin.send(cmds(("PING",)))
        # Everything waits, CLIENT UNPAUSE too (as in Redis): only the timeout ends it.
        expect_eq(other.read_replies(3, timeout=10), [None, "OK", "PONG"], "ran after the pause")
        expect_eq(admin.read_reply(timeout=10), "PONG", "the pausing client waited as well")
        expect_true(time.monotonic() - started > 1.0, "held until the timeout")


def test_held_client_that_leaves():
    # A held client closed by the server (CLIENT KILL) leaves nothing to run. (One that merely
    # closes its side counts as half-closed: its request still runs, as above.)
    with Server(BINARY) as srv, Conn(srv.port) as admin:
        gone = Conn(srv.port)
        victim = gone.call("CLIENT", "ID")
        admin.ok("CLIENT", "PAUSE", "100000", "WRITE")
        gone.send(cmds(("SET", "k", "1")))
        expect_true(nothing_within(gone, 0.2), "held")
        expect_eq(admin.call("CLIENT", "KILL", "ID", str(victim)), 1, "killed while held")
        admin.ok("CLIENT", "UNPAUSE")
        expect_eq(admin.call("GET", "k"), None, "its held request was dropped")
        expect_eq(admin.call("PING"), "PONG", "the server goes on")
        gone.close()


# ---------------------------------------------------------------------------------------------
# Reactor commands inside MULTI

MULTI_RESP2 = cmds(
    ("MULTI",), ("PUBLISH", "ch", "x"), ("CLIENT", "SETNAME", "n1"), ("CLIENT", "GETNAME"),
    ("SUBSCRIBE", "q"), ("PUBSUB", "NUMSUB", "q"), ("SET", "k", "v"), ("EXEC",),
    ("PING",), ("UNSUBSCRIBE",), ("GET", "k"),
    ("MULTI",), ("CLIENT", "PAUSE", "10"), ("CLIENT", "KILL", "ID", "999999"), ("EXEC",),
    ("MULTI",), ("CLIENT", "NOSUCH"), ("EXEC",),
    ("ECHO", "end"))

MULTI_RESP2_EXPECTED = (
    b"+OK\r\n" + b"+QUEUED\r\n" * 6 +
    b"*6\r\n:0\r\n+OK\r\n$2\r\nn1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nq\r\n:1\r\n"
    b"*2\r\n$1\r\nq\r\n:1\r\n+OK\r\n"
    b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    b"*3\r\n$11\r\nunsubscribe\r\n$1\r\nq\r\n:0\r\n"
    b"$1\r\nv\r\n"
    b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:0\r\n"
    b"+OK\r\n-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.\r\n"
    b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    b"$3\r\nend\r\n")

MULTI_RESP3 = cmds(
    ("MULTI",), ("SUBSCRIBE", "q"), ("PSUBSCRIBE", "q*"), ("UNSUBSCRIBE",), ("EXEC",),
    ("ECHO", "end"))

MULTI_RESP3_EXPECTED = (
    b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n"
    b"*3\r\n>3\r\n$9\r\nsubscribe\r\n$1\r\nq\r\n:1\r\n>3\r\n$10\r\npsubscribe\r\n$2\r\nq*\r\n:2\r\n"
    b">3\r\n$11\r\nunsubscribe\r\n$1\r\nq\r\n:1\r\n$3\r\nend\r\n")


def multi_scenario(port):
    out = []
    for stepwise in (False, True):
        with Conn(port) as c:
            if stepwise:
                for cmd in split_commands(MULTI_RESP2):
                    c.send(cmd)
                    time.sleep(0.002)
            else:
                c.send(MULTI_RESP2)
            out.append(raw_until(c, b"$3\r\nend\r\n"))
    with Conn(port) as c:
        c.send(encode("HELLO", "3"))
        c.read_reply()
        c.send(MULTI_RESP3)
        out.append(raw_until(c, b"$3\r\nend\r\n"))
    return out


def test_reactor_commands_in_multi():
    ours, theirs = both(multi_scenario)
    check("resp2", lambda: expect_eq(ours[0], MULTI_RESP2_EXPECTED, "RESP2, pipelined"))
    check("resp2 stepwise", lambda: expect_eq(ours[1], MULTI_RESP2_EXPECTED, "RESP2, one by one"))
    check("resp3", lambda: expect_eq(ours[2], MULTI_RESP3_EXPECTED, "RESP3 pushes in EXEC"))
    if theirs is not None:
        check("redis", lambda: expect_eq(
            theirs, [MULTI_RESP2_EXPECTED, MULTI_RESP2_EXPECTED, MULTI_RESP3_EXPECTED],
            "redis-server agrees"))


def test_publish_in_multi_delivers():
    with Server(BINARY) as srv, Conn(srv.port) as sub, Conn(srv.port) as c:
        sub.call("SUBSCRIBE", "news")
        c.ok("MULTI")
        expect_eq(c.call("PUBLISH", "news", "one"), "QUEUED", "queued")
        expect_eq(c.call("INCR", "n"), "QUEUED", "queued")
        expect_eq(c.call("PUBLISH", "news", "two"), "QUEUED", "queued")
        expect_eq(c.call("EXEC"), [1, 1, 1], "EXEC runs them")
        expect_eq(sub.read_reply(), [b"message", b"news", b"one"], "first message")
        expect_eq(sub.read_reply(), [b"message", b"news", b"two"], "second message")
        # WATCH still works on an EXEC that runs on the reactor.
        c.ok("WATCH", "n")
        c.ok("MULTI")
        c.call("PUBLISH", "news", "three")
        with Conn(srv.port) as other:
            other.call("INCR", "n")
        expect_eq(c.call("EXEC"), None, "a watched key changed: nothing ran")
        expect_eq(c.call("GET", "n"), b"2", "the counter")


if __name__ == "__main__":
    run_tests([test_client_reply, test_reply_off_keeps_pushes, test_redis_py_client_reply,
               test_pause_errors, test_pause_write, test_half_closed_client_held, test_pause_all,
               test_held_client_that_leaves, test_reactor_commands_in_multi,
               test_publish_in_multi_delivers])
