"""The keyspace commands (SCAN RANDOMKEY TOUCH RENAME RENAMENX MOVE SWAPDB COPY FLUSHDB FLUSHALL
DBSIZE OBJECT MEMORY) against the real binary: replies and error texts as Redis 7.0 gives them,
the 16 databases kept apart, and SCAN's guarantee (a key present for the whole scan is returned
at least once) while another connection grows and shrinks the keyspace between calls.

The expected replies in SCRIPT were taken from Debian's redis-server 7.0.15; when a
redis-server is installed, test_script_matches_redis runs the same script against it too, so the
table cannot drift from what Redis answers."""
import os
import random
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, check, expect_eq, expect_error,  # noqa: E402
                     expect_true, fail, free_port, run_tests, run_tool, skip, spawn, tool,
                     binary_from_argv)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None

BINARY = binary_from_argv()
E = RespError
INT_RANGE = E("ERR value is out of range, value must between -2147483648 and 2147483647")
NOT_INT = E("ERR value is not an integer or out of range")
SYNTAX = E("ERR syntax error")
DB_RANGE = E("ERR DB index is out of range")
SAME = E("ERR source and destination objects are the same")
NO_KEY = E("ERR no such key")
BAD_CURSOR = E("ERR invalid cursor")
LFU = E("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
        "note that when switching between policies at runtime LRU and LFU data will take some "
        "time to adjust.")


def arity(name):
    return E("ERR wrong number of arguments for '%s' command" % name)


# (command, expected reply). Deterministic replies only: each step starts from what the steps
# before it left. A set() as the expectation compares a SCAN reply's keys as a set, with its
# cursor 0.
SCRIPT = [
    ("FLUSHALL", "OK"),
    # RENAME / RENAMENX
    ("SET a 1", "OK"),
    ("RENAME a a", "OK"),
    ("RENAMENX a a", 0),
    ("RENAME nokey x", NO_KEY),
    ("RENAMENX nokey x", NO_KEY),
    ("RENAME nokey nokey", NO_KEY),
    ("RENAMENX nokey nokey", NO_KEY),
    ("RENAME a", arity("rename")),
    ("SET b 2", "OK"),
    ("RENAMENX a b", 0),
    ("GET b", b"2"),
    ("PEXPIRE a 100000", 1),
    ("RENAME a c", "OK"),
    ("EXISTS a", 0),
    ("TTL c", 100),
    ("SET d old", "OK"),
    ("RENAME b d", "OK"),
    ("GET d", b"2"),
    ("TTL d", -1),
    ("RENAMENX d e", 1),
    ("GET e", b"2"),
    # MOVE
    ("MOVE c 0", SAME),
    ("MOVE c 16", DB_RANGE),
    ("MOVE c -1", DB_RANGE),
    ("MOVE c x", NOT_INT),
    ("MOVE c 01", NOT_INT),
    ("MOVE c 1.0", NOT_INT),
    ("MOVE c 99999999999", INT_RANGE),
    ("MOVE nokey 1", 0),
    ("MOVE nokey 0", SAME),
    ("SET c2 here", "OK"),
    ("SELECT 1", "OK"),
    ("SET c2 there", "OK"),
    ("SELECT 0", "OK"),
    ("MOVE c2 1", 0),
    ("GET c2", b"here"),
    ("MOVE c 1", 1),
    ("EXISTS c", 0),
    ("SELECT 1", "OK"),
    ("TTL c", 100),
    ("GET c2", b"there"),
    ("SELECT 0", "OK"),
    # SWAPDB
    ("SWAPDB 0", arity("swapdb")),
    ("SWAPDB 0 16", DB_RANGE),
    ("SWAPDB x 0", E("ERR invalid first DB index")),
    ("SWAPDB 0 x", E("ERR invalid second DB index")),
    ("SWAPDB 01 0", E("ERR invalid first DB index")),
    ("SWAPDB 99999999999 0", E("ERR invalid first DB index")),
    ("SWAPDB 0 99999999999", E("ERR invalid second DB index")),
    ("SWAPDB 0 -1", DB_RANGE),
    ("SWAPDB -1 0", DB_RANGE),
    ("SWAPDB 16 17", DB_RANGE),
    ("SWAPDB 0 0", "OK"),
    ("DBSIZE", 2),
    ("SWAPDB 0 1", "OK"),
    ("DBSIZE", 2),
    ("GET c2", b"there"),
    ("TTL c", 100),
    ("SWAPDB 1 0", "OK"),
    ("GET c2", b"here"),
    # COPY
    ("FLUSHALL", "OK"),
    ("SET b 2", "OK"),
    ("COPY b b", SAME),
    ("COPY nokey nokey", SAME),
    ("COPY b b DB 0", SAME),
    ("COPY b", arity("copy")),
    ("COPY b b DB 1", 1),
    ("COPY b d", 1),
    ("COPY b d", 0),
    ("SET b 3", "OK"),
    ("COPY b d REPLACE", 1),
    ("GET d", b"3"),
    ("COPY b d DB 16", DB_RANGE),
    ("COPY b d DB x", NOT_INT),
    ("COPY b d DB -1", DB_RANGE),
    ("COPY b d DB 99999999999", INT_RANGE),
    ("COPY b d DB", SYNTAX),
    ("COPY b d REPLACE DB", SYNTAX),
    ("COPY b d foo", SYNTAX),
    ("COPY b d foo DB x", SYNTAX),
    ("COPY b d DB x foo", NOT_INT),
    ("COPY nokey d", 0),
    ("COPY b d DB 1 DB 2", 1),
    ("COPY b d replace replace", 1),
    ("PEXPIRE b 100000", 1),
    ("COPY b ttl-copy", 1),
    ("TTL ttl-copy", 100),
    ("SELECT 2", "OK"),
    ("GET d", b"3"),
    ("TTL d", -1),
    ("SELECT 1", "OK"),
    ("GET b", b"2"),
    ("SELECT 0", "OK"),
    # TOUCH, RANDOMKEY, DBSIZE, FLUSHDB
    ("TOUCH b d nokey b", 3),
    ("TOUCH nokey", 0),
    ("TOUCH", arity("touch")),
    ("RANDOMKEY x", arity("randomkey")),
    ("DBSIZE x", arity("dbsize")),
    ("DBSIZE", 3),
    ("FLUSHDB", "OK"),
    ("RANDOMKEY", None),
    ("DBSIZE", 0),
    ("SELECT 1", "OK"),
    ("DBSIZE", 1),
    ("FLUSHDB ASYNC", "OK"),
    ("FLUSHDB bogus", SYNTAX),
    ("SELECT 2", "OK"),
    ("DBSIZE", 1),
    ("FLUSHALL SYNC", "OK"),
    ("DBSIZE", 0),
    ("SELECT 0", "OK"),
    ("SET only one", "OK"),
    ("RANDOMKEY", b"only"),
    # SCAN
    ("FLUSHALL", "OK"),
    ("SET a 1", "OK"),
    ("SET l x", "OK"),
    ("SCAN", arity("scan")),
    ("SCAN 0", {b"a", b"l"}),
    ("SCAN x", BAD_CURSOR),
    ("SCAN +0", {b"a", b"l"}),
    ("SCAN 00", {b"a", b"l"}),
    ("SCAN ''", {b"a", b"l"}),
    ("SCAN ' 0'", BAD_CURSOR),
    ("SCAN '0 '", BAD_CURSOR),
    ("SCAN 1.5", BAD_CURSOR),
    ("SCAN 18446744073709551616", BAD_CURSOR),
    ("SCAN 0 COUNT 0", SYNTAX),
    ("SCAN 0 COUNT -1", SYNTAX),
    ("SCAN 0 COUNT x", NOT_INT),
    ("SCAN 0 COUNT 99999999999999999999", NOT_INT),
    ("SCAN 0 COUNT", SYNTAX),
    ("SCAN 0 MATCH", SYNTAX),
    ("SCAN 0 foo", SYNTAX),
    ("SCAN x COUNT 0", BAD_CURSOR),
    ("SCAN 0 COUNT 0 foo", SYNTAX),
    ("SCAN 0 MATCH a", {b"a"}),
    ("SCAN 0 MATCH * MATCH l", {b"l"}),
    ("SCAN 0 TYPE STRING", {b"a", b"l"}),
    ("SCAN 0 TYPE list", set()),
    ("SCAN 0 TYPE nosuchtype", set()),
    ("SCAN 0 type string match a count 10", {b"a"}),
    # OBJECT
    ("OBJECT", arity("object")),
    ("OBJECT ENCODING", arity("object|encoding")),
    ("OBJECT encoding a b", arity("object|encoding")),
    ("OBJECT help x", arity("object|help")),
    ("OBJECT foo", E("ERR unknown subcommand 'foo'. Try OBJECT HELP.")),
    ("OBJECT foo bar", E("ERR unknown subcommand 'foo'. Try OBJECT HELP.")),
    ("OBJECT ENCODING nokey", None),
    ("OBJECT REFCOUNT nokey", None),
    ("OBJECT IDLETIME nokey", None),
    ("OBJECT FREQ nokey", None),
    ("OBJECT FREQ a", LFU),
    ("OBJECT IDLETIME a", 0),
    ("SET k 0", "OK"),
    ("OBJECT ENCODING k", b"int"),
    ("OBJECT REFCOUNT k", 2147483647),
    ("SET k 9999", "OK"),
    ("OBJECT REFCOUNT k", 2147483647),
    ("SET k 10000", "OK"),
    ("OBJECT REFCOUNT k", 1),
    ("OBJECT ENCODING k", b"int"),
    ("SET k -1", "OK"),
    ("OBJECT REFCOUNT k", 1),
    ("OBJECT ENCODING k", b"int"),
    ("SET k -9223372036854775808", "OK"),
    ("OBJECT ENCODING k", b"int"),
    ("SET k 9223372036854775808", "OK"),
    ("OBJECT ENCODING k", b"embstr"),
    ("SET k 01", "OK"),
    ("OBJECT ENCODING k", b"embstr"),
    ("SET k ' 1'", "OK"),
    ("OBJECT ENCODING k", b"embstr"),
    ("SET k +1", "OK"),
    ("OBJECT ENCODING k", b"embstr"),
    ("SET k " + "4" * 44, "OK"),
    ("OBJECT ENCODING k", b"embstr"),
    ("SET k " + "4" * 45, "OK"),
    ("OBJECT ENCODING k", b"raw"),
    ("SET k abc", "OK"),
    ("OBJECT ENCODING k", b"embstr"),
    ("OBJECT REFCOUNT k", 1),
    ("SET k 5", "OK"),
    ("APPEND k 1", 2),
    ("OBJECT ENCODING k", b"raw"),
    ("OBJECT REFCOUNT k", 1),
    ("SET k 5", "OK"),
    ("INCR k", 6),
    ("OBJECT ENCODING k", b"int"),
    ("OBJECT REFCOUNT k", 2147483647),
    ("COPY k k2", 1),
    ("OBJECT ENCODING k2", b"int"),
    # MEMORY (the byte counts differ from Redis's; see test_memory_usage)
    ("MEMORY", arity("memory")),
    ("MEMORY USAGE", arity("memory|usage")),
    ("MEMORY USAGE nokey", None),
    ("MEMORY USAGE a SAMPLES", SYNTAX),
    ("MEMORY USAGE a SAMPLES -1", SYNTAX),
    ("MEMORY USAGE a SAMPLES x", NOT_INT),
    ("MEMORY USAGE a foo", SYNTAX),
    ("MEMORY USAGE nokey foo", SYNTAX),
    ("MEMORY USAGE nokey SAMPLES 0", None),
    ("MEMORY help x", arity("memory|help")),
    ("MEMORY foo", E("ERR unknown subcommand 'foo'. Try MEMORY HELP.")),
]


def run_script(conn, what):
    import shlex
    for i, (line, expected) in enumerate(SCRIPT):
        args = shlex.split(line)
        reply = conn.call(*args)
        if isinstance(expected, set):
            if not isinstance(reply, list) or len(reply) != 2:
                fail("%s step %d %r: expected a SCAN reply, got %r" % (what, i, line, reply))
            expect_eq(reply[0], b"0", "%s step %d %r: cursor" % (what, i, line))
            expect_eq(set(reply[1]), expected, "%s step %d %r: keys" % (what, i, line))
            expect_eq(len(reply[1]), len(expected), "%s step %d %r: no repeats" % (what, i, line))
        else:
            expect_eq(reply, expected, "%s step %d %r" % (what, i, line))


def test_script():
    with Server(BINARY) as srv, srv.conn() as c:
        run_script(c, "mini-redis")


def test_script_matches_redis():
    """The same script against Redis itself, when one is installed (the table is Redis's)."""
    exe = shutil.which("redis-server")
    if not exe:
        skip("redis-server not installed: the script's expectations are not re-checked")
    port = free_port()
    proc = spawn([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                c = Conn(port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    fail("redis-server did not start")
                time.sleep(0.05)
        with c:
            run_script(c, "redis-server")
    finally:
        proc.terminate()
        proc.wait(10)


def test_help_texts():
    with Server(BINARY) as srv, srv.conn() as c:
        expect_eq(c.call("OBJECT", "HELP"), [
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help.",
        ], "OBJECT HELP (Redis 7.0's lines)")
        help_lines = c.call("MEMORY", "HELP")
        expect_eq(help_lines[0],
                  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                  "MEMORY HELP header")
        expect_true("USAGE <key> [SAMPLES <count>]" in help_lines, "MEMORY HELP lists USAGE")


def test_command_info():
    """Flags and key positions as Redis 7.0's COMMAND INFO has them."""
    want = {
        "scan": (-2, ["readonly"], 0, 0, 0),
        "rename": (3, ["write"], 1, 2, 1),
        "renamenx": (3, ["write", "fast"], 1, 2, 1),
        "randomkey": (1, ["readonly"], 0, 0, 0),
        "touch": (-2, ["readonly", "fast"], 1, -1, 1),
        "move": (3, ["write", "fast"], 1, 1, 1),
        "swapdb": (3, ["write", "fast"], 0, 0, 0),
        "copy": (-3, ["write"], 1, 2, 1),
        "dbsize": (1, ["readonly", "fast"], 0, 0, 0),
        "object": (-2, None, 0, 0, 0),
        "memory": (-2, None, 0, 0, 0),
    }
    with Server(BINARY) as srv, srv.conn() as c:
        for name, (ar, flags, first, last, step) in want.items():
            info = c.call("COMMAND", "INFO", name)[0]
            expect_eq(info[1], ar, "%s arity" % name)
            if flags is not None:
                expect_eq(info[2], flags, "%s flags" % name)
            expect_eq(info[3:6], [first, last, step], "%s key positions" % name)


def test_memory_usage():
    with Server(BINARY) as srv, srv.conn() as c:
        c.ok("SET", "small", "x")
        c.ok("SET", "big", "x" * 10000)
        small = c.call("MEMORY", "USAGE", "small")
        big = c.call("MEMORY", "USAGE", "big")
        expect_true(isinstance(small, int) and 16 < small < 100, "a small key costs tens of bytes "
                    "(got %r)" % small)
        expect_true(isinstance(big, int) and 10000 < big < 12000, "a 10 KB value costs ~10 KB "
                    "(got %r)" % big)
        expect_eq(c.call("MEMORY", "USAGE", "big", "SAMPLES", "0"), big, "SAMPLES changes nothing")
        c.ok("PEXPIRE", "small", "100000")
        expect_true(c.call("MEMORY", "USAGE", "small") >= small, "a TTL costs bytes, not fewer")
        c.ok("SET", "gone", "v", "PX", "1")
        time.sleep(0.02)
        expect_eq(c.call("MEMORY", "USAGE", "gone"), None, "an expired key is absent")


def test_databases_isolated():
    with Server(BINARY) as srv, srv.conn() as c, srv.conn() as other:
        def in_db(conn, db, *cmd):
            conn.ok("SELECT", str(db))
            return conn.call(*cmd)

        check("16 databases, the same name in each", lambda: [
            expect_eq(in_db(c, db, "SET", "k", "v%d" % db), "OK") for db in range(16)])
        for db in range(16):
            expect_eq(in_db(c, db, "GET", "k"), b"v%d" % db, "GET k in db %d" % db)
            expect_eq(in_db(c, db, "DBSIZE"), 1, "DBSIZE of db %d" % db)
        expect_error(c.call("SELECT", "16"), "ERR DB index is out of range", "SELECT 16")

        def keys_and_scan_per_db():
            for db in (3, 7):
                in_db(c, db, "SET", "only-in-%d" % db, "x")
            for db in (3, 7):
                expect_eq(sorted(in_db(c, db, "KEYS", "only-*")), [b"only-in-%d" % db],
                          "KEYS in db %d" % db)
                reply = in_db(c, db, "SCAN", "0", "MATCH", "only-*", "COUNT", "1000")
                expect_eq(reply, [b"0", [b"only-in-%d" % db]], "SCAN in db %d" % db)
        check("KEYS and SCAN see their own database", keys_and_scan_per_db)

        def move_between():
            in_db(c, 4, "SET", "mover", "m")
            c.ok("PEXPIRE", "mover", "100000")
            expect_eq(c.call("MOVE", "mover", "5"), 1, "MOVE to db 5")
            expect_eq(c.call("EXISTS", "mover"), 0, "gone from db 4")
            expect_eq(in_db(other, 5, "GET", "mover"), b"m", "another client sees it in db 5")
            pttl = other.call("PTTL", "mover")
            expect_true(0 < pttl <= 100000, "MOVE keeps the TTL (%r)" % pttl)
            expect_eq(in_db(c, 5, "MOVE", "mover", "5"), SAME, "MOVE to its own db")
        check("MOVE", move_between)

        def swap():
            in_db(c, 8, "FLUSHDB")
            in_db(c, 9, "FLUSHDB")
            for i in range(100):
                in_db(c, 8, "SET", "eight:%d" % i, "8")
            in_db(other, 9, "SET", "nine", "9")
            expect_eq(c.call("SWAPDB", "8", "9"), "OK", "SWAPDB 8 9")
            # `other` stays on db 9, which now holds db 8's keys.
            expect_eq(other.call("DBSIZE"), 100, "db 9 has the 100 keys")
            expect_eq(other.call("GET", "nine"), None, "db 9 lost its own key")
            expect_eq(in_db(c, 8, "GET", "nine"), b"9", "db 8 has it")
            expect_eq(c.call("DBSIZE"), 1, "DBSIZE of db 8")
        check("SWAPDB swaps contents, clients keep their index", swap)

        def copy_db():
            in_db(c, 10, "SET", "src", "s")
            expect_eq(c.call("COPY", "src", "dst", "DB", "11"), 1, "COPY to db 11")
            expect_eq(c.call("EXISTS", "dst"), 0, "not in db 10")
            expect_eq(in_db(c, 11, "GET", "dst"), b"s", "in db 11")
            expect_eq(in_db(c, 10, "COPY", "src", "dst", "DB", "11"), 0, "no REPLACE")
            expect_eq(c.call("COPY", "src", "src", "DB", "11"), 1, "same name, other db")
        check("COPY ... DB", copy_db)

        def flushes():
            before = {db: in_db(c, db, "DBSIZE") for db in range(16)}
            in_db(c, 2, "FLUSHDB")
            for db in range(16):
                expect_eq(in_db(c, db, "DBSIZE"), 0 if db == 2 else before[db],
                          "after FLUSHDB in 2: db %d" % db)
            c.ok("FLUSHALL")
            for db in range(16):
                expect_eq(in_db(c, db, "DBSIZE"), 0, "after FLUSHALL: db %d" % db)
                expect_eq(c.call("RANDOMKEY"), None, "RANDOMKEY in empty db %d" % db)
        check("FLUSHDB touches one database, FLUSHALL all", flushes)

        def multi_swapdb():
            in_db(c, 0, "SET", "in0", "x")
            c.ok("MULTI")
            c.call("SWAPDB", "0", "1")
            c.call("DBSIZE")
            c.call("SCAN", "0", "COUNT", "1000")
            c.call("RANDOMKEY")
            c.call("SWAPDB", "0", "1")
            expect_eq(c.call("EXEC"), ["OK", 0, [b"0", []], None, "OK"],
                      "SWAPDB, DBSIZE, SCAN, RANDOMKEY inside EXEC")
            expect_eq(c.call("GET", "in0"), b"x", "swapped back")
        check("keyspace-wide commands inside MULTI/EXEC", multi_swapdb)


def test_randomkey_and_touch():
    with Server(BINARY) as srv, srv.conn() as c:
        names = {b"r%d" % i for i in range(50)}
        for n in names:
            c.ok("SET", n, "v")
        seen = {c.call("RANDOMKEY") for _ in range(400)}
        expect_true(seen <= names, "RANDOMKEY returns existing keys")
        expect_true(len(seen) > 10, "RANDOMKEY spreads over the keys (%d distinct)" % len(seen))
        c.ok("SET", "short", "v", "PX", "1")
        c.ok("SELECT", "3")
        c.ok("SET", "ttl", "v", "PX", "1")
        time.sleep(0.02)
        expect_eq(c.call("RANDOMKEY"), None, "an expired key is not a random key")
        expect_eq(c.call("TOUCH", "ttl"), 0, "TOUCH does not count an expired key")


def scan_all(conn, count, between=None, **opts):
    """A full SCAN; `between()` runs after each call. Returns (keys with repeats, calls)."""
    cursor = b"0"
    out = []
    calls = 0
    extra = []
    for k, v in opts.items():
        extra += [k.upper(), v]
    while True:
        reply = conn.call("SCAN", cursor, "COUNT", str(count), *extra)
        if not isinstance(reply, list):
            fail("SCAN answered %r" % reply)
        cursor, keys = reply
        out += keys
        calls += 1
        if cursor == b"0":
            return out, calls
        if between is not None:
            between()
        if calls > 1000000:
            fail("SCAN does not terminate")


def test_scan_guarantee_under_growth():
    """Keys present for the whole scan come back at least once, while a second connection adds
    thousands of keys (every shard's table doubles several times) and deletes others."""
    with Server(BINARY) as srv, srv.conn() as c, srv.conn() as writer:
        rng = random.Random(7)
        stable = [b"stable:%d" % i for i in range(3000)]
        doomed = [b"doomed:%d" % i for i in range(3000)]
        for chunk in range(0, 3000, 500):
            writer.send(b"".join(Conn.encode("SET", k, "v") for k in stable[chunk:chunk + 500]))
            writer.read_replies(500)
            writer.send(b"".join(Conn.encode("SET", k, "v") for k in doomed[chunk:chunk + 500]))
            writer.read_replies(500)
        added = []
        alive_doomed = list(doomed)

        cap = [0]  # keys added so far may not pass this (raised before each full scan)

        def mutate():
            n = min(16, cap[0] - len(added))
            batch = [b"grow:%d" % (len(added) + i) for i in range(n)]
            added.extend(batch)
            cmds = [Conn.encode("SET", k, "v") for k in batch]
            for _ in range(min(3, len(alive_doomed))):
                cmds.append(Conn.encode("DEL", alive_doomed.pop(rng.randrange(len(alive_doomed)))))
            if cmds:
                writer.send(b"".join(cmds))
                writer.read_replies(len(cmds))

        for count in (10, 3, 100):
            cap[0] += 8000
            keys, calls = scan_all(c, count, mutate)
            got = set(keys)
            missing = [k for k in stable if k not in got]
            expect_eq(missing[:5], [], "stable keys missed by SCAN COUNT %d" % count)
            universe = set(stable) | set(doomed) | set(added)
            expect_eq(sorted(got - universe)[:5], [], "SCAN returns only keys that existed")
            print("     COUNT %d: %d calls, %d keys returned (%d distinct), %d keys added so far"
                  % (count, calls, len(keys), len(got), len(added)), flush=True)
        expect_true(len(added) >= 16000, "thousands of keys were added during the scans")
        # And after the churn, a quiet full scan returns every key exactly once or more.
        keys, _ = scan_all(c, 50)
        expect_eq(set(keys), set(stable) | set(added) | set(alive_doomed), "a quiet full scan")


def test_scan_guarantee_concurrent():
    """The same guarantee with the writer running freely in another thread (no lock-step)."""
    with Server(BINARY, workers=4) as srv, srv.conn() as c:
        stable = [b"s:%d" % i for i in range(2000)]
        with srv.conn() as w:
            w.send(b"".join(Conn.encode("SET", k, "v") for k in stable))
            w.read_replies(len(stable))
        stop = threading.Event()
        errors = []

        def writer():
            try:
                with srv.conn() as w:
                    i = 0
                    while not stop.is_set() and i < 300000:
                        cmds = [Conn.encode("SET", "churn:%d" % (i + j), "v") for j in range(50)]
                        cmds += [Conn.encode("DEL", "churn:%d" % (i - 2000 + j)) for j in range(25)]
                        w.send(b"".join(cmds))
                        w.read_replies(len(cmds))
                        i += 50
            except Exception as e:  # reported by the main thread
                errors.append(e)

        t = threading.Thread(target=writer)
        t.start()
        try:
            for _ in range(3):
                keys, _ = scan_all(c, 7)
                missing = set(stable) - set(keys)
                expect_eq(sorted(missing)[:5], [], "stable keys missed while another thread writes")
        finally:
            stop.set()
            t.join(30)
        expect_eq(errors, [], "writer thread errors")


def test_redis_cli_scan():
    cli = tool("redis-cli")
    with Server(BINARY) as srv, srv.conn() as c:
        users = {"user:%d" % i for i in range(700)}
        c.send(b"".join(Conn.encode("SET", k, "v") for k in users))
        c.read_replies(len(users))
        c.send(b"".join(Conn.encode("SET", "other:%d" % i, "v") for i in range(300)))
        c.read_replies(300)
        res = run_tool([cli, "-p", str(srv.port), "--scan", "--pattern", "user:*"])
        got = res.stdout.decode().split()
        expect_eq(set(got), users, "redis-cli --scan --pattern user:*")
        res = run_tool([cli, "-p", str(srv.port), "--scan"])
        expect_eq(len(set(res.stdout.decode().split())), 1000, "redis-cli --scan")
        res = run_tool([cli, "-p", str(srv.port), "-n", "1", "--scan"])
        expect_eq(res.stdout, b"", "redis-cli -n 1 --scan on an empty db")


def test_python_scan_iter():
    if redis is None:
        skip("python3-redis not installed")
    with Server(BINARY) as srv:
        r = redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=10)
        pipe = r.pipeline(transaction=False)
        for i in range(1500):
            pipe.set("py:%d" % i, i)
        for i in range(500):
            pipe.set("other:%d" % i, i)
        pipe.execute()
        want = {b"py:%d" % i for i in range(1500)}
        expect_eq(set(r.scan_iter(match="py:*", count=25)), want, "scan_iter(match, count)")
        expect_eq(set(r.scan_iter(match="py:*", count=1000, _type="string")), want,
                  "scan_iter(match, count, _type='string')")
        expect_eq(set(r.scan_iter(_type="list")), set(), "scan_iter(_type='list')")
        expect_eq(len(set(r.scan_iter())), 2000, "scan_iter() returns every key")
        expect_eq(r.rename("py:1", "renamed"), True, "redis-py rename")
        expect_eq(r.renamenx("renamed", "py:2"), False, "redis-py renamenx")
        expect_eq(r.copy("renamed", "copied", destination_db=3), True, "redis-py copy")
        expect_eq(r.move("renamed", 4), True, "redis-py move")
        expect_eq(r.exists("renamed"), 0, "moved away")
        expect_eq(r.object("encoding", "py:2"), b"int", "redis-py object encoding")
        expect_eq(r.swapdb(0, 1), True, "redis-py swapdb")
        expect_eq(r.dbsize(), 0, "db 0 is db 1's (empty) contents")
        expect_eq(r.randomkey(), None, "redis-py randomkey on an empty db")
        r.close()


if __name__ == "__main__":
    run_tests([test_script, test_script_matches_redis, test_help_texts, test_command_info,
               test_memory_usage, test_databases_isolated, test_randomkey_and_touch,
               test_scan_guarantee_under_growth, test_scan_guarantee_concurrent,
               test_redis_cli_scan, test_python_scan_iter])
