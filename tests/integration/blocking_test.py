"""Blocking commands against the real binary: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN
BZPOPMAX BZMPOP. Immediate answers (data there, errors, inside MULTI, RESP3) byte for byte
against Debian's redis-server when it is installed; wake-ups from every kind of write (a push,
MULTI/EXEC, RENAME, a BLMOVE chain, SWAPDB), first-come first-served, a wrong-type key that
keeps clients waiting, timeouts, CLIENT UNBLOCK, INFO / CLIENT LIST, a disconnect leaving
nothing behind, pushes racing blocked pops (every element delivered exactly once), redis-py's
blpop, and 10,000 clients blocked at once on 2 workers while others are served."""
import os
import random
import resource
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (start_reference_redis, Server, binary_from_argv, check,  # noqa: E402
                     encode, expect_eq, expect_true, parse_info, run_tests, skip,
                     wait_for)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None

BINARY = binary_from_argv()
NULL_ARRAY = b"*-1\r\n"


def raw_exchange(port, script, settle=0.6):
    """Sends the script (a list of argument lists) pipelined and returns every byte answered
    within `settle` seconds of the last one (blocking commands here all answer at once)."""
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(b"".join(encode(*cmd) for cmd in script))
        s.settimeout(settle)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return out
            if not chunk:
                return out
            out += chunk
    finally:
        s.close()


# Commands whose answers do not depend on any wait: compared byte for byte with Redis.
IMMEDIATE = [
    ["FLUSHALL"],
    ["RPUSH", "l", "a", "b", "c", "d"], ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["SET", "s", "x"],
    ["BLPOP", "nope", "l", "0"], ["BRPOP", "l", "0"], ["BLMOVE", "l", "l2", "LEFT", "RIGHT", "0"],
    ["BRPOPLPUSH", "l2", "l", "0"], ["BLMPOP", "0", "2", "nope", "l", "RIGHT", "COUNT", "9"],
    ["BZPOPMIN", "z", "0"], ["BZPOPMAX", "nope", "z", "0"], ["BZMPOP", "0", "1", "z", "MIN"],
    ["BLPOP", "s", "0"], ["BZPOPMIN", "s", "0"], ["BLMOVE", "s", "l", "LEFT", "LEFT", "0"],
    ["RPUSH", "l3", "v"], ["BLMOVE", "l3", "s", "LEFT", "LEFT", "0"], ["LLEN", "l3"],
    ["BLPOP", "k", "abc"], ["BLPOP", "k", "-1"], ["BLPOP", "k", "nan"], ["BLPOP", "k", "inf"],
    ["BLPOP", "k", "1e400"], ["BLPOP", "k", " 1"], ["BLPOP", "k", "9999999999999999"],
    ["BLMPOP", "abc", "1", "k", "LEFT"], ["BLMPOP", "0", "0", "k", "LEFT"],
    ["BLMPOP", "0", "1", "k", "UP"], ["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "0"],
    ["BLMPOP", "0", "5", "k", "LEFT"], ["BZMPOP", "0", "1", "k", "BOTH"],
    ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "-1"], ["BLMOVE", "a", "b", "LEFT", "UP", "0"],
    ["BLPOP", "k"], ["BZPOPMIN"], ["BLMOVE", "a", "b", "LEFT", "LEFT"], ["BRPOPLPUSH", "a", "b"],
    ["MULTI"], ["BLPOP", "nope", "0"], ["BLMOVE", "nope", "x", "LEFT", "LEFT", "0"],
    ["BRPOPLPUSH", "nope", "x", "0"], ["BZPOPMAX", "nope", "0"], ["BLMPOP", "0", "1", "nope", "LEFT"],
    ["BZMPOP", "0", "1", "nope", "MAX"], ["RPUSH", "m", "1"], ["BLPOP", "m", "0"], ["EXEC"],
    ["BLPOP", "nope", "0.01"], ["BZPOPMIN", "nope", "0.01"],
    ["BLMOVE", "nope", "x", "LEFT", "LEFT", "0.01"], ["BLMPOP", "0.01", "1", "nope", "LEFT"],
    ["HELLO", "3"], ["ZADD", "z", "5", "e", "6", "f"], ["BZPOPMIN", "z", "0"],
    ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"], ["RPUSH", "l", "x"], ["BLPOP", "l", "0"],
    ["BLPOP", "nope", "0.01"], ["BLMOVE", "nope", "x", "LEFT", "LEFT", "0.01"],
    ["MULTI"], ["BLPOP", "nope", "0"], ["BLMOVE", "nope", "x", "LEFT", "LEFT", "0"], ["EXEC"],
]


def without_hello(raw):
    """The HELLO 3 map names the server and its client id: cut it out of both transcripts."""
    start = raw.find(b"%7\r\n")
    end = raw.find(b"*0\r\n", start) + 4
    return raw if start < 0 else raw[:start] + raw[end:]


def test_immediate_answers_match_redis():
    started = start_reference_redis()
    if started is None:
        skip("redis-server is not installed")
    port, ref = started
    try:
        with Server(BINARY) as srv:
            ours = without_hello(raw_exchange(srv.port, IMMEDIATE))
            theirs = without_hello(raw_exchange(port, IMMEDIATE))
            expect_true(len(theirs) > 500, "the reference answered")
            expect_eq(ours, theirs, "immediate answers, byte for byte")
    finally:
        ref.terminate()
        ref.wait(10)


def blocked_count(srv):
    return int(parse_info(srv.call("INFO", "clients").decode())["blocked_clients"])


def wait_blocked(srv, n):
    wait_for(lambda: blocked_count(srv) == n, what="%d blocked clients" % n)


def test_wakeups():
    with Server(BINARY) as srv, srv.conn() as a, srv.conn() as b, srv.conn() as c, \
            srv.conn() as w:
        # A key that becomes a string keeps its waiters; a list then serves them in order,
        # the pipelined PING after the first one's BLPOP following its reply.
        a.send(encode("BLPOP", "k", "0") + encode("PING"))
        wait_blocked(srv, 1)
        b.send_cmd("BLPOP", "k", "0")
        wait_blocked(srv, 2)
        w.ok("SET", "k", "x")
        expect_eq(w.call("INFO", "clients").count(b"blocked_clients:2"), 1, "still waiting")
        expect_eq(w.call("DEL", "k"), 1, "DEL")
        expect_eq(w.call("RPUSH", "k", "1", "2", "3"), 3, "RPUSH")
        expect_eq(a.read_replies(2), [[b"k", b"1"], "PONG"], "first waiter, then its PING")
        expect_eq(b.read_reply(), [b"k", b"2"], "second waiter")
        wait_for(lambda: w.call("LRANGE", "k", "0", "-1") == [b"3"], what="one left")
        # Three waiters, two elements: the first two, in arrival order.
        for conn in (a, b, c):
            conn.send_cmd("BRPOP", "w", "0")
            wait_blocked(srv, [a, b, c].index(conn) + 1)
        expect_eq(w.call("RPUSH", "w", "1", "2"), 2, "RPUSH two")
        expect_eq(a.read_reply(), [b"w", b"2"], "first in line")
        expect_eq(b.read_reply(), [b"w", b"1"], "second in line")
        wait_blocked(srv, 1)
        w.call("RPUSH", "w", "3")
        expect_eq(c.read_reply(), [b"w", b"3"], "third in line")
        # A push inside MULTI is served after EXEC, from what EXEC left.
        a.send_cmd("BLPOP", "q", "0")
        wait_blocked(srv, 1)
        w.ok("MULTI")
        for cmd in (("RPUSH", "q", "1"), ("RPUSH", "q", "2"), ("LPOP", "q")):
            expect_eq(w.call(*cmd), "QUEUED", "queued")
        expect_eq(w.call("EXEC"), [1, 2, b"1"], "EXEC")
        expect_eq(a.read_reply(), [b"q", b"2"], "served after EXEC")
        # A client blocked on two keys is served by the second.
        a.send_cmd("BLPOP", "x1", "x2", "0")
        wait_blocked(srv, 1)
        w.call("RPUSH", "x2", "v")
        expect_eq(a.read_reply(), [b"x2", b"v"], "second key")
        # BLMPOP with COUNT, BZMPOP, BZPOPMAX.
        a.send_cmd("BLMPOP", "0", "1", "m", "RIGHT", "COUNT", "3")
        wait_blocked(srv, 1)
        w.call("RPUSH", "m", "1", "2", "3", "4")
        expect_eq(a.read_reply(), [b"m", [b"4", b"3", b"2"]], "BLMPOP COUNT 3")
        a.send_cmd("BZMPOP", "0", "1", "zz", "MIN", "COUNT", "2")
        wait_blocked(srv, 1)
        w.call("ZADD", "zz", "1", "a", "2", "b", "3", "c")
        expect_eq(a.read_reply(), [b"zz", [[b"a", b"1"], [b"b", b"2"]]], "BZMPOP")
        expect_eq(a.call("BZPOPMAX", "zz", "0"), [b"zz", b"c", b"3"], "BZPOPMAX at once")
        # RENAME makes a key: it wakes.
        a.send_cmd("BLPOP", "dst", "0")
        wait_blocked(srv, 1)
        w.call("RPUSH", "tmp", "v")
        w.ok("RENAME", "tmp", "dst")
        expect_eq(a.read_reply(), [b"dst", b"v"], "after RENAME")
        # A BLMOVE that is served wakes the client waiting on its destination.
        a.send_cmd("BLMOVE", "c1", "c2", "LEFT", "LEFT", "0")
        wait_blocked(srv, 1)
        b.send_cmd("BLPOP", "c2", "0")
        wait_blocked(srv, 2)
        w.call("RPUSH", "c1", "v")
        expect_eq(a.read_reply(), b"v", "BLMOVE served")
        expect_eq(b.read_reply(), [b"c2", b"v"], "its destination's waiter served")
        # BLMOVE whose destination became a string: WRONGTYPE ends the wait, nothing popped.
        a.send_cmd("BLMOVE", "src", "dst2", "LEFT", "LEFT", "0")
        wait_blocked(srv, 1)
        w.ok("SET", "dst2", "str")
        w.call("RPUSH", "src", "v")
        expect_eq(str(a.read_reply()),
                  "WRONGTYPE Operation against a key holding the wrong kind of value", "WRONGTYPE")
        expect_eq(w.call("LRANGE", "src", "0", "-1"), [b"v"], "nothing popped")
        # SWAPDB brings a list in.
        a.send_cmd("BLPOP", "sw", "0")
        wait_blocked(srv, 1)
        w.ok("SELECT", "1")
        w.call("RPUSH", "sw", "from1")
        w.ok("SWAPDB", "0", "1")
        expect_eq(a.read_reply(), [b"sw", b"from1"], "after SWAPDB")
        w.ok("SELECT", "0")
        expect_eq(blocked_count(srv), 0, "nobody blocked")


def test_timeouts_and_unblock():
    with Server(BINARY) as srv, srv.conn() as a, srv.conn() as w:
        a.send(encode("BLPOP", "t", "0.1") + encode("PING"))
        expect_eq(a.read_replies(2), [None, "PONG"], "timeout, then the PING")
        a.send(encode("BLMOVE", "t", "u", "LEFT", "LEFT", "0.05"))
        expect_eq(a.read_reply(), None, "BLMOVE timeout is a null array too")
        a.send(encode("HELLO", "3") + encode("BZPOPMIN", "t", "0.05"))
        a.read_reply()
        a._fill(5)
        expect_true(a.buf[a.pos:].endswith(b"_\r\n"), "RESP3 timeout is _")
        a.pos = len(a.buf)
        a.call("HELLO", "2")
        a_id = a.call("CLIENT", "ID")
        a.send(encode("BLPOP", "never", "0") + encode("ECHO", "after"))
        wait_blocked(srv, 1)
        info = parse_info(w.call("INFO", "clients").decode())
        expect_eq((info["blocked_clients"], info["clients_in_timeout_table"]), ("1", "0"), "INFO")
        line = [ln for ln in w.call("CLIENT", "LIST").decode().splitlines()
                if ln.startswith("id=%d " % a_id)][0]
        expect_true(" flags=b " in line and " cmd=blpop " in line, "CLIENT LIST: " + line)
        expect_eq(w.call("CLIENT", "UNBLOCK", str(a_id)), 1, "UNBLOCK")
        expect_eq(a.read_replies(2), [None, b"after"], "unblocked as a timeout")
        a.send_cmd("BZPOPMIN", "never", "100")
        wait_blocked(srv, 1)
        expect_eq(parse_info(w.call("INFO", "clients").decode())["clients_in_timeout_table"],
                  "1", "with a timeout")
        expect_eq(w.call("CLIENT", "UNBLOCK", str(a_id), "ERROR"), 1, "UNBLOCK ERROR")
        expect_eq(str(a.read_reply()), "UNBLOCKED client unblocked via CLIENT UNBLOCK", "error")
        expect_eq(w.call("CLIENT", "UNBLOCK", str(a_id)), 0, "not blocked")
        expect_eq(w.call("CLIENT", "UNBLOCK", "999999"), 0, "no such client")
        expect_eq(str(w.call("CLIENT", "UNBLOCK", "abc")),
                  "ERR value is not an integer or out of range", "bad id")
        expect_eq(str(w.call("CLIENT", "UNBLOCK", "1", "FOO")),
                  "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", "bad reason")
        expect_eq(blocked_count(srv), 0, "nobody blocked")
        expect_eq(parse_info(w.call("INFO", "clients").decode())["clients_in_timeout_table"],
                  "0", "timeout table empty")


def test_disconnect_leaves_nothing():
    with Server(BINARY) as srv, srv.conn() as w:
        gone = srv.conn()
        gone.send_cmd("BLPOP", "dk", "0")
        wait_blocked(srv, 1)
        gone.close()
        wait_blocked(srv, 0)
        expect_eq(w.call("RPUSH", "dk", "kept"), 1, "push")
        expect_eq(w.call("LRANGE", "dk", "0", "-1"), [b"kept"], "nobody took it")
        # A client that half-closes while blocked is let go (Redis closes it too).
        half = socket.create_connection(("127.0.0.1", srv.port))
        half.sendall(encode("BLPOP", "hk", "0"))
        wait_blocked(srv, 1)
        half.shutdown(socket.SHUT_WR)
        half.settimeout(10)
        expect_eq(half.recv(100), b"", "closed by the server")
        half.close()
        wait_blocked(srv, 0)


def test_push_races_blocked_pop():
    """A blocked pop racing pushes from other clients: every element reaches exactly one
    receiver, in order per key, and nothing is left or lost."""
    rounds = 300
    with Server(BINARY) as srv, srv.conn() as consumer:
        pushed = []

        def produce(tag):
            with srv.conn() as p:
                for i in range(rounds):
                    p.call("RPUSH", "race", "%s%d" % (tag, i))
                    pushed.append("%s%d" % (tag, i))

        threads = [threading.Thread(target=produce, args=(t,)) for t in ("a", "b")]
        for t in threads:
            t.start()
        got = []
        for _ in range(2 * rounds):
            reply = consumer.call("BLPOP", "race", "10")
            expect_true(reply is not None, "served within 10 s")
            got.append(reply[1].decode())
        for t in threads:
            t.join()
        expect_eq(sorted(got), sorted(pushed), "every element exactly once")
        for tag in ("a", "b"):
            mine = [int(v[1:]) for v in got if v[0] == tag]
            expect_eq(mine, sorted(mine), "one producer's elements in order")
        expect_eq(consumer.call("LLEN", "race"), 0, "nothing left")


def test_redis_py_blpop():
    if redis is None:
        skip("python3-redis is not installed")
    with Server(BINARY) as srv:
        r = redis.Redis(port=srv.port)
        expect_eq(r.blpop(["e1", "e2"], timeout=0.1), None, "timeout")
        threading.Timer(0.2, lambda: redis.Redis(port=srv.port).rpush("e2", "v")).start()
        expect_eq(r.blpop(["e1", "e2"], timeout=5), (b"e2", b"v"), "woken")
        threading.Timer(0.2, lambda: redis.Redis(port=srv.port).zadd("bz", {"m": 2})).start()
        expect_eq(r.bzpopmin("bz", timeout=5), (b"bz", b"m", 2.0), "bzpopmin")
        r.rpush("src", "x")
        expect_eq(r.blmove("src", "dst", 1, "RIGHT", "LEFT"), b"x", "blmove")
        expect_eq(r.brpoplpush("nothing", "dst", timeout=0.1), None, "brpoplpush timeout")


def _raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        if hard != resource.RLIM_INFINITY and hard < n:
            return False
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))
    return True


def test_ten_thousand_blocked():
    """10,000 clients blocked at once on 2 workers; others are served meanwhile; then one
    RPUSH of 10,000 elements serves each exactly once."""
    n = 10000
    if not _raise_nofile(n + 1000):
        skip("cannot open %d sockets here" % n)
    with Server(BINARY, workers=2, config={"maxclients": n + 100}) as srv, \
            srv.conn() as w:
        socks = []
        try:
            for i in range(n):
                s = socket.create_connection(("127.0.0.1", srv.port))
                s.sendall(encode("BLPOP", "many", "0"))
                socks.append(s)
            wait_for(lambda: blocked_count(srv) == n, timeout=60, what="10,000 blocked")
            check("others served", lambda: [expect_eq(w.call("SET", "k%d" % i, i), "OK", "SET")
                                            for i in range(200)])
            expect_eq(w.call("GET", "k199"), b"199", "GET")
            values = [b"v%d" % i for i in range(n)]
            expect_eq(w.call("RPUSH", "many", *values), n, "RPUSH")
            sel = selectors.DefaultSelector()
            for s in socks:
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, bytearray())
            got = []
            open_count = n
            deadline = time.monotonic() + 60
            while open_count and time.monotonic() < deadline:
                for key, _ in sel.select(timeout=1):
                    buf = key.data
                    buf += key.fileobj.recv(4096)
                    if buf.endswith(b"\r\n") and buf.count(b"\r\n") == 5:
                        got.append(bytes(buf.split(b"\r\n")[4]))
                        sel.unregister(key.fileobj)
                        open_count -= 1
            expect_eq(len(got), n, "every client served")
            expect_eq(sorted(got), sorted(values), "each element exactly once")
            expect_eq(blocked_count(srv), 0, "nobody blocked")
            expect_eq(w.call("LLEN", "many"), 0, "nothing left")
        finally:
            for s in socks:
                s.close()


if __name__ == "__main__":
    run_tests([test_immediate_answers_match_redis, test_wakeups, test_timeouts_and_unblock,
               test_disconnect_leaves_nothing, test_push_races_blocked_pop, test_redis_py_blpop,
               test_ten_thousand_blocked])
