"""Hash flooding (issue 12): key names chosen against the old, unkeyed key hash, sent to the
real server.

The names come from the hash_flood_names tool (tests/hash_flood_names.h): under the old hash
(std::hash, fixed public seed) they all fell in one shard and shared their low 8 bits, so each
insert and each miss in that shard walked one long probe run. Asserted, never a timing beyond
generous per-reply deadlines:
- while one client pipelines the names in (then looks up as many absent names of the same
  kind, several times), a witness on another connection keeps being served, correctly;
- every name is stored and reads back;
- two server processes place the same keys differently (KEYS order), so the seed is per
  process and not a constant;
- nothing about the seed shows in INFO.

Usage: hash_flood_test.py <mini-redis-server> <hash_flood_names>
"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, Server, check, encode, expect_eq, expect_true, fail,  # noqa: E402
                     run_main, run_tool)

STORED = 3000  # names inserted
MISSED = 1000  # further names of the same kind, looked up but never stored
MISS_ROUNDS = 5
CHUNK = 500  # commands per pipelined write
WITNESS_DEADLINE = 5.0  # seconds for any one witness reply: generous, not a measurement


def flood_names(tool_path):
    """The names, as bytes."""
    out = run_tool([tool_path, str(STORED + MISSED)], timeout=240).stdout.split()
    expect_eq(len(out), STORED + MISSED, "names from %s" % tool_path)
    expect_eq(len(set(out)), len(out), "distinct names")
    return out


def attacker(port, stored, missed, result):
    """Pipelines SET for every stored name, then GETs of the missed ones; records any failure
    (a thread cannot fail the test directly)."""
    try:
        with Conn(port, timeout=60.0) as c:
            for i in range(0, len(stored), CHUNK):
                part = stored[i:i + CHUNK]
                c.send(b"".join(encode("SET", k, b"v:" + k) for k in part))
                replies = c.read_replies(len(part))
                if replies != ["OK"] * len(part):
                    result["error"] = "SET replies %r" % [r for r in replies if r != "OK"][:3]
                    return
            for _ in range(MISS_ROUNDS):
                for i in range(0, len(missed), CHUNK):
                    part = missed[i:i + CHUNK]
                    c.send(b"".join(encode("GET", k) for k in part))
                    replies = c.read_replies(len(part))
                    if replies != [None] * len(part):
                        result["error"] = "GET of absent names replied %r" % replies[:3]
                        return
        result["done"] = True
    except Exception as e:  # noqa: BLE001 -- reported by the main thread
        result["error"] = repr(e)


def witness_served_during_flood(srv, names):
    stored, missed = names[:STORED], names[STORED:]
    result = {}
    t = threading.Thread(target=attacker, args=(srv.port, stored, missed, result), daemon=True)
    served = 0
    with Conn(srv.port, timeout=WITNESS_DEADLINE) as w:
        t.start()
        while t.is_alive() or served == 0:
            key = "witness:%d" % served
            expect_eq(w.call("SET", key, str(served)), "OK", "witness SET")
            expect_eq(w.call("GET", key), str(served).encode(), "witness GET")
            expect_eq(w.call("INCR", "witness:count"), served + 1, "witness INCR")
            served += 1
        t.join(120)
    if "error" in result or not result.get("done"):
        fail("flooding client: %s" % result.get("error", "did not finish"))
    print("     witness served %d rounds while %d names went in and %d misses were looked up"
          % (served, STORED, MISSED * MISS_ROUNDS))
    expect_true(served >= 1, "the witness was served")
    return served


def names_stored(srv, names, served):
    stored = names[:STORED]
    expect_eq(srv.call("DBSIZE"), STORED + served + 1, "DBSIZE (names, witness keys, counter)")
    with srv.conn() as c:
        for i in range(0, len(stored), CHUNK):
            part = stored[i:i + CHUNK]
            got = c.call("MGET", *part)
            expect_eq(got, [b"v:" + k for k in part], "MGET of stored names %d.." % i)
        expect_eq(c.call("EXISTS", *names[STORED:STORED + CHUNK]), 0, "absent names")


def placement_differs_between_processes(binary):
    keys = ["k:%d" % i for i in range(300)]
    orders = []
    for _ in range(2):
        with Server(binary, workers=2) as srv:
            with srv.conn() as c:
                expect_eq(c.call("MSET", *[x for k in keys for x in (k, "v")]), "OK", "MSET")
                orders.append([k.decode() for k in c.call("KEYS", "*")])
            srv.stop()
    expect_eq(sorted(orders[0]), sorted(keys), "KEYS of the first server")
    expect_eq(sorted(orders[1]), sorted(keys), "KEYS of the second server")
    expect_true(orders[0] != orders[1],
                "two processes list the same keys in different orders (per-process seed)")


def seed_not_in_info(srv):
    info = srv.call("INFO", "everything")
    if not isinstance(info, bytes):
        info = srv.call("INFO")
    for word in (b"seed", b"siphash", b"hash_key"):
        expect_true(word not in info.lower(), "INFO does not mention %r" % word)


def main(binary):
    if len(sys.argv) < 3:
        fail("usage: hash_flood_test.py <mini-redis-server> <hash_flood_names>")
    names = check("generate names against the old hash", flood_names, sys.argv[2])
    with Server(binary, workers=2) as srv:
        served = check("witness served while the names go in", witness_served_during_flood,
                       srv, names)
        check("every name stored and readable", names_stored, srv, names, served)
        check("nothing about the seed in INFO", seed_not_in_info, srv)
        srv.stop()
    check("two processes place the same keys differently",
          placement_differs_between_processes, binary)


run_main(main)
