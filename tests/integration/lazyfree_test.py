"""Freeing big collections off the request path: a list of 10M items deleted with DEL, and
sets, hashes and sorted sets of 1M elements removed by UNLINK, FLUSHALL, an overwrite and
expiry, while a witness client keeps reading another key.

What is asserted are outcomes: the key is gone at once, the value went to the reclaimer thread
(INFO's lazyfreed_objects counts it), used_memory falls back, and the witness was always
answered. The witness's worst latency is printed, not asserted (these machines are shared);
the closing notes quote it.

Every wait is an outcome with a deadline (wait_for), never a bare sleep."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SANITIZED, Server, binary_from_argv, expect_eq, expect_true,  # noqa: E402
                     run_tests, run_tool, tool, wait_for)

BINARY = binary_from_argv()
BIG_LIST = 500_000 if SANITIZED else 10_000_000
BIG = 100_000 if SANITIZED else 1_000_000
BATCH = 1000  # elements per command of the fill


def bulk(a):
    return b"$%d\r\n%s\r\n" % (len(a), a)


def command(*args):
    return b"*%d\r\n" % len(args) + b"".join(bulk(a) for a in args)


def fill(srv, payload_chunks):
    redis_cli = tool("redis-cli")
    for chunk in payload_chunks:
        run_tool([redis_cli, "-p", str(srv.port), "--pipe"], input=chunk, timeout=600)


def list_payload(key, n):
    # Items may repeat in a list: one command, sent n / BATCH times.
    one = command(b"RPUSH", key, *(b"item:%04d" % i for i in range(BATCH)))
    per_chunk = 1000
    for start in range(0, n // BATCH, per_chunk):
        yield one * min(per_chunk, n // BATCH - start)


def unique_payload(verb, key, n, pair):
    for start in range(0, n, 100 * BATCH):
        cmds = []
        for lo in range(start, min(n, start + 100 * BATCH), BATCH):
            args = []
            for i in range(lo, min(n, lo + BATCH)):
                args.extend(pair(i))
            cmds.append(command(verb, key, *args))
        yield b"".join(cmds)


def payload(kind, key, n):
    if kind == "list":
        return list_payload(key, n)
    if kind == "set":
        return unique_payload(b"SADD", key, n, lambda i: (b"m%d" % i,))
    if kind == "hash":
        return unique_payload(b"HSET", key, n, lambda i: (b"f%d" % i, b"v"))
    return unique_payload(b"ZADD", key, n, lambda i: (b"%d" % i, b"m%d" % i))


class Witness:
    """Reads `witness` on its own connection every 2 ms; records the worst reply time."""

    def __init__(self, srv, may_miss=False):
        self.srv = srv
        self.may_miss = may_miss  # FLUSHALL removes the key too, until it is set again
        self.worst = 0.0
        self.failed = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        with self.srv.conn() as w:
            while not self.stop.is_set():
                t0 = time.monotonic()
                if w.call("GET", "witness") not in ((b"w", None) if self.may_miss else (b"w",)):
                    self.failed = True
                self.worst = max(self.worst, time.monotonic() - t0)
                time.sleep(0.002)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)


def info_int(srv, section, field):
    return int(srv.info(section)[field])


def check_freed_off_path(kind, n, how):
    """Builds a `kind` of n elements in `big`, removes it with how(conn), and checks."""
    with Server(BINARY, config={"hz": 10}) as srv, srv.conn() as c:
        c.ok("SET", "witness", "w")
        base = info_int(srv, "memory", "used_memory")
        fill(srv, payload(kind, b"big", n))
        length = {"list": "LLEN", "set": "SCARD", "hash": "HLEN", "zset": "ZCARD"}[kind]
        expect_eq(c.call(length, "big"), n, "%s of the filled %s" % (length, kind))
        full = info_int(srv, "memory", "used_memory")
        expect_true(full > base + n, "used_memory counts the %s (%d -> %d)" % (kind, base, full))
        freed_before = info_int(srv, "memory", "lazyfreed_objects")
        with Witness(srv, may_miss=how is flushall) as witness:
            t0 = time.monotonic()
            how(c)
            answered = time.monotonic() - t0
            expect_eq(c.call("EXISTS", "big"), 0, "the key is gone once the command answered")
            wait_for(lambda: info_int(srv, "memory", "lazyfreed_objects") > freed_before, 60,
                     what="the reclaimer to free the %s" % kind)
            wait_for(lambda: info_int(srv, "memory", "lazyfree_pending_objects") == 0, 60,
                     what="nothing pending on the reclaimer")
            time.sleep(0.05)  # a few more witness reads after the free
        after = info_int(srv, "memory", "used_memory")
        print("     %s of %d: %s answered in %.1f ms; witness worst GET %.1f ms; used_memory "
              "%d -> %d -> %d" % (kind, n, how.__name__, answered * 1000, witness.worst * 1000,
                                  base, full, after), flush=True)
        expect_true(not witness.failed, "the witness always read its key")
        expect_true(after < base + (full - base) // 10,
                    "used_memory fell back (%d -> %d -> %d)" % (base, full, after))
        expect_eq(c.call("GET", "witness"), b"w")


def delete(c):
    expect_eq(c.call("DEL", "big"), 1)


def unlink(c):
    expect_eq(c.call("UNLINK", "big"), 1)


def flushall(c):
    c.ok("FLUSHALL")
    c.ok("SET", "witness", "w")


def overwrite(c):
    c.ok("SET", "big", "small now")
    expect_eq(c.call("DEL", "big"), 1)


def expire(c):
    expect_eq(c.call("PEXPIRE", "big", "1"), 1)
    # Nobody reads `big`: the active cycle finds it.
    wait_for(lambda: c.call("DBSIZE") == 1, 30, what="the active cycle to expire the key")


def test_del_list():
    check_freed_off_path("list", BIG_LIST, delete)


def test_unlink_set():
    check_freed_off_path("set", BIG, unlink)


def test_flushall_hash():
    check_freed_off_path("hash", BIG, flushall)


def test_overwrite_zset():
    check_freed_off_path("zset", BIG, overwrite)


def test_expire_list():
    check_freed_off_path("list", BIG, expire)


if __name__ == "__main__":
    run_tests([test_del_list, test_unlink_set, test_flushall_hash, test_overwrite_zset,
               test_expire_list])
