"""MULTI/EXEC/DISCARD/WATCH against the real server, with raw sockets and redis-py:
queueing and its errors, atomicity across shards (no client ever sees half a transaction),
WATCH failing EXEC on a write, an expiry, FLUSHALL or SWAPDB, and many clients doing optimistic
increments: afterwards every counter equals the number of EXECs that succeeded on it."""
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SANITIZED, RespError, Server, binary_from_argv, expect_eq, expect_true,  # noqa: E402
                     fail, run_tests, wait_for)

BINARY = binary_from_argv()


def test_queueing_and_errors():
    with Server(BINARY) as srv, srv.conn() as c:
        expect_eq(c.call("EXEC"), RespError("ERR EXEC without MULTI"))
        expect_eq(c.call("DISCARD"), RespError("ERR DISCARD without MULTI"))
        c.ok("MULTI")
        expect_eq(c.call("MULTI"), RespError("ERR MULTI calls can not be nested"))
        expect_eq(c.call("WATCH", "x"), RespError("ERR WATCH inside MULTI is not allowed"))
        expect_eq(c.call("SET", "a", "1"), "QUEUED")
        expect_eq(c.call("INCR", "a"), "QUEUED")
        expect_eq(c.call("INCR", "s"), "QUEUED")
        expect_eq(c.call("EXEC"), ["OK", 2, 1], "EXEC runs the queue; nested MULTI did not abort")
        # A queueing error aborts: nothing queued is applied.
        c.ok("MULTI")
        expect_eq(c.call("SET", "b", "1"), "QUEUED")
        expect_true(isinstance(c.call("NOSUCHCOMMAND"), RespError), "unknown command errors")
        expect_true(isinstance(c.call("GET"), RespError), "wrong arity errors")
        expect_eq(c.call("EXEC"), RespError(
            "EXECABORT Transaction discarded because of previous errors."))
        expect_eq(c.call("EXISTS", "b"), 0, "nothing of an aborted transaction was applied")
        # A runtime error inside EXEC is that command's reply; the rest still runs.
        c.ok("SET", "str", "x")
        c.ok("MULTI")
        c.call("INCR", "str")
        c.call("SET", "after", "1")
        replies = c.call("EXEC")
        expect_true(isinstance(replies[0], RespError) and replies[1] == "OK",
                    "EXEC with a failing command: %r" % (replies,))
        # DISCARD drops the queue; SELECT inside MULTI applies to what follows it.
        c.ok("MULTI")
        c.call("SET", "gone", "1")
        c.ok("DISCARD")
        expect_eq(c.call("EXISTS", "gone"), 0)
        c.ok("MULTI")
        c.call("SELECT", "5")
        c.call("SET", "in5", "1")
        expect_eq(c.call("EXEC"), ["OK", "OK"])
        expect_eq(c.call("GET", "in5"), b"1", "the connection stays in db 5 after EXEC")
        c.ok("SELECT", "0")
        expect_eq(c.call("EXISTS", "in5"), 0)


def test_watch():
    with Server(BINARY) as srv, srv.conn() as a, srv.conn() as b:
        def attempt(touch):
            a.ok("WATCH", "w")
            touch()
            a.ok("MULTI")
            a.call("SET", "w", "mine")
            return a.call("EXEC")
        expect_eq(attempt(lambda: None), ["OK"], "untouched watch")
        expect_eq(attempt(lambda: b.ok("SET", "w", "theirs")), None, "another client's write")
        expect_eq(attempt(lambda: b.call("DEL", "w")), None, "another client's DEL")
        a.ok("SET", "w", "v", "PX", "100")
        a.ok("WATCH", "w")
        wait_for(lambda: b.call("PTTL", "w") == -2, 10, what="w to expire")
        a.ok("MULTI")
        a.call("SET", "w", "mine")
        expect_eq(a.call("EXEC"), None, "the watched key expired")
        a.ok("SET", "w", "1")
        expect_eq(attempt(lambda: b.ok("FLUSHALL")), None, "FLUSHALL of a watched key")
        a.ok("SET", "w", "1")
        expect_eq(attempt(lambda: b.ok("SWAPDB", "0", "1")), None, "SWAPDB of a watched key")
        b.ok("FLUSHALL")
        # FLUSHALL when the watched key does not exist does not fail the transaction (Redis).
        expect_eq(attempt(lambda: b.ok("FLUSHALL")), ["OK"], "FLUSHALL without the key")
        a.ok("WATCH", "w")
        a.ok("UNWATCH")
        b.ok("SET", "w", "theirs")
        a.ok("MULTI")
        a.call("SET", "w", "mine")
        expect_eq(a.call("EXEC"), ["OK"], "UNWATCH forgets")
        # UNWATCH queued inside MULTI runs inside EXEC's lock scope (it once deadlocked there).
        a.ok("WATCH", "w", "other")
        a.ok("MULTI")
        expect_eq(a.call("UNWATCH"), "QUEUED")
        a.call("SET", "w", "x")
        expect_eq(a.call("EXEC"), ["OK", "OK"], "UNWATCH inside EXEC")
        expect_eq(b.call("GET", "w"), b"x", "the server still answers other clients")
        a.ok("WATCH", "w")
        b.ok("SET", "w", "x")
        a.ok("MULTI")
        a.ok("DISCARD")
        a.ok("MULTI")
        a.call("SET", "w", "mine")
        expect_eq(a.call("EXEC"), ["OK"], "DISCARD unwatches")


def test_atomic_across_shards():
    """A writer moves value between two keys (in different shards) in transactions; readers
    must always see a + b == 0."""
    with Server(BINARY, workers=2) as srv:
        with srv.conn() as c:
            c.ok("MSET", "left", "0", "right", "0")
        stop = threading.Event()
        bad = []

        def writer():
            with srv.conn() as w:
                while not stop.is_set():
                    w.send(b"*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$4\r\nleft\r\n"
                           b"*2\r\n$4\r\nDECR\r\n$5\r\nright\r\n*1\r\n$4\r\nEXEC\r\n")
                    w.read_replies(4)

        def reader():
            with srv.conn() as r:
                while not stop.is_set():
                    left, right = r.call("MGET", "left", "right")
                    if int(left) + int(right) != 0:
                        bad.append((left, right))

        threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader)
                                                       for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(30)
        expect_eq(bad[:5], [], "a reader saw half a transaction")


def test_optimistic_counters():
    """20 clients WATCH/GET/MULTI/SET/EXEC on shared counters; afterwards each counter equals
    the number of successful EXECs on it."""
    seconds = 10 if SANITIZED else 30
    with Server(BINARY, workers=2) as srv:
        counters = ["counter:%d" % i for i in range(4)]
        wins = {k: 0 for k in counters}
        lock = threading.Lock()
        deadline = time.monotonic() + seconds
        errors = []

        def client(seed):
            rng = random.Random(seed)
            try:
                with srv.conn() as c:
                    while time.monotonic() < deadline:
                        key = rng.choice(counters)
                        c.ok("WATCH", key)
                        value = c.call("GET", key)
                        n = int(value) if value is not None else 0
                        c.ok("MULTI")
                        expect_eq(c.call("SET", key, str(n + 1)), "QUEUED")
                        if c.call("EXEC") is not None:
                            with lock:
                                wins[key] += 1
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 60)
        if errors:
            fail("client errors: %s" % errors[:3])
        with srv.conn() as c:
            for key in counters:
                got = c.call("GET", key)
                expect_eq(int(got or 0), wins[key], "%s against its successful EXECs" % key)
        print("     %d successful EXECs in %d s" % (sum(wins.values()), seconds), flush=True)
        expect_true(sum(wins.values()) > 0, "some EXECs succeeded")


def test_redis_py_pipeline():
    import redis  # Debian's python3-redis
    with Server(BINARY) as srv:
        r = redis.Redis(port=srv.port)
        pipe = r.pipeline()  # transaction=True by default: MULTI ... EXEC
        pipe.set("p", "1").incr("p").get("p")
        expect_eq(pipe.execute(), [True, 2, b"2"])

        def update(p):
            n = int(p.get("p"))
            p.multi()
            p.set("p", n * 10)
        r.transaction(update, "p")
        expect_eq(r.get("p"), b"20", "redis-py transaction() with WATCH")


if __name__ == "__main__":
    run_tests([test_queueing_and_errors, test_watch, test_atomic_across_shards,
               test_optimistic_counters, test_redis_py_pipeline])
