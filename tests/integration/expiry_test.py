"""Key expiry against the real server: lazy expiry on access, the active cycle reclaiming keys
nobody reads, TTL kept or cleared as Redis does, and a million keys expiring in the same second
while a witness client keeps reading (its worst GET latency is printed, not asserted: these
machines are shared; scripts/expire-bench measures it side by side with redis-server).

Every wait is an outcome with a deadline (wait_for), never a bare sleep."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SANITIZED, Server, binary_from_argv, check, expect_eq, expect_true,  # noqa: E402
                     run_tests, run_tool, tool, wait_for)

BINARY = binary_from_argv()


def used_memory(srv):
    return int(srv.info("memory")["used_memory"])


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def test_lazy_expiry():
    with Server(BINARY) as srv, srv.conn() as c:
        expect_eq(c.call("SET", "k", "v", "PX", "300"), "OK")
        ttl = c.call("PTTL", "k")
        expect_true(0 < ttl <= 300, "PTTL right after SET PX 300: %r" % ttl)
        wait_for(lambda: c.call("GET", "k") is None, 10, what="k to expire")
        expect_eq(c.call("EXISTS", "k"), 0, "EXISTS after expiry")
        expect_eq(c.call("TTL", "k"), -2, "TTL of an expired key")
        expect_eq(c.call("DBSIZE"), 0, "an expired key that was read is gone")


def test_ttl_kept_or_cleared():
    with Server(BINARY) as srv, srv.conn() as c:
        c.ok("SET", "n", "1", "EX", "1000")
        expect_eq(c.call("INCR", "n"), 2)
        expect_true(c.call("TTL", "n") > 990, "INCR keeps the TTL")
        expect_eq(c.call("APPEND", "n", "0"), 2)
        expect_true(c.call("TTL", "n") > 990, "APPEND keeps the TTL")
        c.ok("SET", "n", "x", "KEEPTTL")
        expect_true(c.call("TTL", "n") > 990, "SET KEEPTTL keeps the TTL")
        c.ok("SET", "n", "y")
        expect_eq(c.call("TTL", "n"), -1, "a plain SET clears the TTL")
        c.ok("SETEX", "n", "100", "z")
        expect_eq(c.call("GETSET", "n", "w"), b"z")
        expect_eq(c.call("TTL", "n"), -1, "GETSET clears the TTL")
        c.ok("MSET", "a", "1", "b", "2")
        expect_eq(c.call("EXPIRE", "a", "-1"), 1, "a negative EXPIRE deletes")
        expect_eq(c.call("EXISTS", "a"), 0)
        expect_eq(c.call("EXPIREAT", "b", "1"), 1, "an EXPIREAT in the past deletes")
        expect_eq(c.call("GET", "b"), None)


def test_active_cycle_reclaims_unread_keys():
    with Server(BINARY, config={"hz": 10}) as srv, srv.conn() as c:
        c.send(b"".join(resp("SET", "unread:%d" % i, "v", "PX", "200") for i in range(2000)))
        expect_eq(c.read_replies(2000, timeout=30), ["OK"] * 2000)
        c.ok("SET", "forever", "v")
        # DBSIZE does not expire keys: only the active cycle can bring it down.
        wait_for(lambda: c.call("DBSIZE") == 1, 30, what="the active cycle to reclaim 2000 keys")
        expect_eq(c.call("GET", "forever"), b"v", "keys without a TTL stay")


def test_million_keys_expire_together():
    n = 100_000 if SANITIZED else 1_000_000
    redis_cli = tool("redis-cli")
    with Server(BINARY) as srv, srv.conn() as c:
        c.ok("SET", "witness", "w")
        base = used_memory(srv)
        # Load without a TTL, then give every key the same expiry time in a second pass, far
        # enough ahead that the pass finishes first (judged by how long the load took).
        t0 = time.monotonic()
        run_tool([redis_cli, "-p", str(srv.port), "--pipe"], timeout=600,
                 input=b"".join(resp("SET", "exp:%07d" % i, "value-%07d" % i) for i in range(n)))
        load = time.monotonic() - t0
        at = int((time.time() + 2 * load + 3) * 1000)
        run_tool([redis_cli, "-p", str(srv.port), "--pipe"], timeout=600,
                 input=b"".join(resp("PEXPIREAT", "exp:%07d" % i, at) for i in range(n)))
        expect_true(time.time() * 1000 < at, "the expiry pass finished before the expiry time")
        expect_eq(c.call("DBSIZE"), n + 1, "all keys loaded")
        full = used_memory(srv)
        print("     %d keys: used_memory %d -> %d bytes" % (n, base, full), flush=True)
        worst = [0.0]
        stop = threading.Event()

        def witness():
            with srv.conn() as w:
                while not stop.is_set():
                    t0 = time.monotonic()
                    if w.call("GET", "witness") != b"w":
                        worst[0] = float("inf")
                    worst[0] = max(worst[0], time.monotonic() - t0)
                    time.sleep(0.002)

        thread = threading.Thread(target=witness, daemon=True)
        thread.start()
        try:
            wait_for(lambda: time.time() * 1000 >= at, 30, what="the expiry time")
            t_expire = time.monotonic()
            # Generous deadline for a loaded 2-core machine; the time it took is printed.
            wait_for(lambda: c.call("DBSIZE") == 1, 120, interval=0.2,
                     what="the active cycle to reclaim %d keys" % n)
            took = time.monotonic() - t_expire
            after = used_memory(srv)
        finally:
            stop.set()
            thread.join(10)
        print("     reclaimed in %.1f s; used_memory back to %d bytes; witness worst GET %.1f ms"
              % (took, after, worst[0] * 1000), flush=True)
        expect_true(worst[0] != float("inf"), "the witness always read its key")
        expect_true(after < base + (full - base) // 10,
                    "used_memory fell back (%d -> %d -> %d)" % (base, full, after))
        expect_eq(c.call("GET", "witness"), b"w")
        info = srv.info("stats")
        if "expired_keys" in info:
            expect_true(int(info["expired_keys"]) >= n, "expired_keys counts them")


if __name__ == "__main__":
    run_tests([test_lazy_expiry, test_ttl_kept_or_cleared, test_active_cycle_reclaims_unread_keys,
               test_million_keys_expire_together])
