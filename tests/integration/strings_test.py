"""The string and bitmap families against Redis 7.0's answers: GETRANGE/SUBSTR, SETRANGE,
INCRBYFLOAT, SETBIT/GETBIT, BITCOUNT, BITPOS, BITOP and LCS, their errors, the TTLs they keep
or clear, and the proto-max-bulk-len bound on growth.

Every expected value below was taken from redis-server 7.0.15. Where /usr/bin/redis-server
(or one on PATH) is installed, the same scripts also run against it, so a wrong literal fails
here rather than teaching the server a wrong answer, and a seeded random differential run
compares the two reply by reply.

Run as `/usr/bin/python3 strings_test.py <mini-redis-server>`."""
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, binary_from_argv, check, expect_eq,  # noqa: E402
                     expect_true, fail, free_port, run_tests, spawn, wait_for)

BINARY = binary_from_argv()

# A small bound, so growth past it is cheap to test (Redis's smallest allowed value).
BULK = 1024 * 1024

NOT_INT = RespError("ERR value is not an integer or out of range")
NOT_FLOAT = RespError("ERR value is not a valid float")
NAN_INF = RespError("ERR increment would produce NaN or Infinity")
WRONGTYPE = RespError("WRONGTYPE Operation against a key holding the wrong kind of value")
SYNTAX = RespError("ERR syntax error")
TOO_LONG = RespError("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
OFFSET = RespError("ERR offset is out of range")
BIT_OFFSET = RespError("ERR bit offset is not an integer or out of range")
BIT_VALUE = RespError("ERR bit is not an integer or out of range")
BIT_ARG = RespError("ERR The bit argument must be 1 or 0.")
BITOP_NOT = RespError("ERR BITOP NOT must be called with a single source key.")
LCS_TYPES = RespError("ERR The specified keys must contain string values")
LCS_LEN_IDX = RespError("ERR If you want both the length and indexes, please just use IDX.")
LCS_MEMORY = RespError(
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")


def arity(name):
    return RespError("ERR wrong number of arguments for '%s' command" % name)


# Each script: (command, expected reply, or a predicate on the reply). Strings are sent one
# byte per character. Wrong types need a list: see wrong_types().
SETUP = [
    (("SET", "s", "Hello World"), "OK"),
    (("SET", "n", "12345"), "OK"),
    (("SET", "empty", ""), "OK"),
]

GETRANGE = [
    (("GETRANGE", "s", "0", "4"), b"Hello"),
    (("GETRANGE", "s", "-5", "-1"), b"World"),
    (("GETRANGE", "s", "0", "-1"), b"Hello World"),
    (("GETRANGE", "s", "0", "-100"), b"H"),  # end clamps to 0, not to "empty"
    (("GETRANGE", "s", "-100", "-200"), b""),  # both negative, start after end
    (("GETRANGE", "s", "-100", "2"), b"Hel"),
    (("GETRANGE", "s", "5", "2"), b""),
    (("GETRANGE", "s", "10", "100"), b"d"),
    (("GETRANGE", "s", "11", "100"), b""),
    (("GETRANGE", "n", "1", "2"), b"23"),
    (("GETRANGE", "empty", "0", "-1"), b""),
    (("GETRANGE", "nokey", "0", "-1"), b""),
    (("GETRANGE", "nokey", "a", "1"), NOT_INT),  # indexes are parsed before the lookup
    (("GETRANGE", "s", "0", "1.5"), NOT_INT),
    (("GETRANGE", "s", "0", "99999999999999999999"), NOT_INT),
    (("GETRANGE", "s", "0"), arity("getrange")),
    (("SUBSTR", "s", "6", "-1"), b"World"),
    (("SUBSTR", "s", "-3", "-100"), b""),
]

SETRANGE = [
    (("SETRANGE", "r1", "5", ""), 0),  # nothing set on an absent key...
    (("EXISTS", "r1"), 0),  # ...and nothing created
    (("SETRANGE", "r1", "3", "abc"), 6),
    (("GET", "r1"), b"\x00\x00\x00abc"),
    (("SETRANGE", "r1", "1", "ZZ"), 6),
    (("GET", "r1"), b"\x00ZZabc"),
    (("SETRANGE", "r1", "8", "x"), 9),
    (("GET", "r1"), b"\x00ZZabc\x00\x00x"),
    (("SETRANGE", "r1", "100", ""), 9),  # empty value: the length, nothing changes
    (("STRLEN", "r1"), 9),
    (("SETRANGE", "r1", "-1", "x"), OFFSET),
    (("SETRANGE", "r1", "x", "x"), NOT_INT),
    (("SETRANGE", "r1", "99999999999999999999", "x"), NOT_INT),
    (("SETRANGE", "n", "5", "6"), 6),
    (("GET", "n"), b"123456"),
    (("INCR", "n"), 123457),
    (("SETRANGE", "r2", str(BULK - 1), "ab"), TOO_LONG),
    (("EXISTS", "r2"), 0),
    (("SETRANGE", "r1", str(BULK - 1), "ab"), TOO_LONG),
    (("SETRANGE", "r1", "9223372036854775807", "ab"), TOO_LONG),
    (("SETRANGE", "r1", str(BULK), ""), 9),  # nothing to write: no bound check
    (("STRLEN", "r1"), 9),
    (("SETRANGE", "r3", str(BULK - 2), "ab"), BULK),
    (("STRLEN", "r3"), BULK),
    (("DEL", "r3"), 1),
    (("SETRANGE", "r1"), arity("setrange")),
]

INCRBYFLOAT = [
    (("INCRBYFLOAT", "f1", "1e3"), b"1000"),
    (("INCRBYFLOAT", "f1", "10.5"), b"1010.5"),
    (("INCRBYFLOAT", "f2", "3.0e3"), b"3000"),
    (("INCRBYFLOAT", "f3", "5.0e-2"), b"0.05"),
    (("INCRBYFLOAT", "f4", "0.1"), b"0.1"),
    (("INCRBYFLOAT", "f4", "0.2"), b"0.3"),
    (("INCRBYFLOAT", "f5", "-0"), b"0"),
    (("INCRBYFLOAT", "f6", "-1e-20"), b"0"),  # "-0.000..." trimmed to "-0", written "0"
    (("INCRBYFLOAT", "f7", "0x10"), b"16"),  # strtold reads hex
    (("INCRBYFLOAT", "f8", "1.23456789012345678901"), b"1.23456789012345679"),
    (("INCRBYFLOAT", "f9", "100000000000000000000000"), b"100000000000000000000000"),
    # 1e308 as a long double is just under 10^308: 308 digits, no exponent.
    (("INCRBYFLOAT", "fa", "1e308"),
     lambda v: len(v) == 308 and v.startswith(b"999999999999999999966858796558456456605600998")),
    (("INCRBYFLOAT", "fb", "inf"), NAN_INF),  # "inf" reads as a float; the sum is refused
    (("INCRBYFLOAT", "fb", "-inf"), NAN_INF),
    (("EXISTS", "fb"), 0),
    (("INCRBYFLOAT", "fb", "nan"), NOT_FLOAT),
    (("INCRBYFLOAT", "fb", " 1"), NOT_FLOAT),
    (("INCRBYFLOAT", "fb", "1 "), NOT_FLOAT),
    (("INCRBYFLOAT", "fb", ""), NOT_FLOAT),
    (("INCRBYFLOAT", "fb", "1e-5000"), NOT_FLOAT),  # underflows to zero
    (("INCRBYFLOAT", "fb", "1e5000"), NOT_FLOAT),  # overflows
    (("INCRBYFLOAT", "fb", "abc"), NOT_FLOAT),
    (("INCRBYFLOAT", "s", "1"), NOT_FLOAT),
    (("SET", "fc", "10.50"), "OK"),
    (("INCRBYFLOAT", "fc", "0"), b"10.5"),
    (("SET", "fd", "5.0e3"), "OK"),
    (("INCRBYFLOAT", "fd", "0"), b"5000"),
    (("SET", "fe", "1"), "OK"),
    (("INCRBYFLOAT", "fe", "1e400"),
     lambda v: len(v) == 401 and v.startswith(b"10000000000000000000281880683947586514586")),
    (("INCRBYFLOAT", "fe"), arity("incrbyfloat")),
]

BITS = [
    (("SETBIT", "b1", "7", "1"), 0),
    (("GET", "b1"), b"\x01"),
    (("SETBIT", "b1", "7", "1"), 1),
    (("SETBIT", "b1", "7", "0"), 1),
    (("SETBIT", "b1", "0", "1"), 0),
    (("GET", "b1"), b"\x80"),
    (("SETBIT", "b1", "17", "1"), 0),
    (("GET", "b1"), b"\x80\x00\x40"),
    (("SETBIT", "b2", "9", "0"), 0),  # clearing a bit of an absent key still creates it
    (("GET", "b2"), b"\x00\x00"),
    (("GETBIT", "b1", "0"), 1),
    (("GETBIT", "b1", "1"), 0),
    (("GETBIT", "b1", "17"), 1),
    (("GETBIT", "b1", "1000"), 0),
    (("GETBIT", "nokey", "5"), 0),
    (("GETBIT", "s", "1"), 1),  # 'H' = 0x48
    (("SETBIT", "b1", "-1", "1"), BIT_OFFSET),
    (("SETBIT", "b1", "x", "1"), BIT_OFFSET),
    (("SETBIT", "b1", str(8 * BULK), "1"), BIT_OFFSET),
    (("SETBIT", "b1", "4294967296", "1"), BIT_OFFSET),
    (("GETBIT", "b1", str(8 * BULK), ), BIT_OFFSET),
    (("GETBIT", "nokey", "-1"), BIT_OFFSET),
    (("SETBIT", "b1", "1", "2"), BIT_VALUE),
    (("SETBIT", "b1", "1", "-1"), BIT_VALUE),
    (("SETBIT", "b1", "1", "x"), BIT_VALUE),
    (("SETBIT", "b1", "x", "x"), BIT_OFFSET),  # the offset is checked first
    (("SETBIT", "b3", str(8 * BULK - 1), "1"), 0),  # the last bit within the bound
    (("STRLEN", "b3"), BULK),
    (("DEL", "b3"), 1),
    (("SETBIT", "b1", "1"), arity("setbit")),
    (("GETBIT", "b1"), arity("getbit")),
]

BITCOUNT = [
    (("SET", "c", "foobar"), "OK"),
    (("BITCOUNT", "c"), 26),
    (("BITCOUNT", "c", "0", "0"), 4),
    (("BITCOUNT", "c", "1", "1"), 6),
    (("BITCOUNT", "c", "1", "1", "BYTE"), 6),
    (("BITCOUNT", "c", "5", "30", "BIT"), 17),
    (("BITCOUNT", "c", "0", "-1", "bit"), 26),
    (("BITCOUNT", "c", "-3", "-1", "BIT"), 1),
    (("BITCOUNT", "c", "-100", "-200"), 0),
    (("BITCOUNT", "c", "-100", "0"), 4),
    (("BITCOUNT", "c", "0", "-100"), 4),
    (("BITCOUNT", "c", "4", "2"), 0),
    (("BITCOUNT", "c", "100", "200"), 0),
    (("BITCOUNT", "empty"), 0),
    (("BITCOUNT", "empty", "0", "-1"), 0),
    (("BITCOUNT", "nokey"), 0),
    (("BITCOUNT", "nokey", "a", "b"), 0),  # 7.0 looks the key up first
    (("BITCOUNT", "nokey", "1"), 0),
    (("BITCOUNT", "c", "1"), SYNTAX),
    (("BITCOUNT", "c", "0", "-1", "foo"), SYNTAX),
    (("BITCOUNT", "c", "0", "-1", "bit", "x"), SYNTAX),
    (("BITCOUNT", "c", "a", "b"), NOT_INT),
    (("BITCOUNT",), arity("bitcount")),
]

BITPOS = [
    (("SET", "p", "\xff\xf0\x00"), "OK"),
    (("BITPOS", "p", "0"), 12),
    (("BITPOS", "p", "1"), 0),
    (("BITPOS", "p", "1", "2"), -1),
    (("BITPOS", "p", "0", "2"), 16),
    (("BITPOS", "p", "0", "7", "15", "BIT"), 12),
    (("BITPOS", "p", "1", "7", "15", "BIT"), 7),
    (("BITPOS", "p", "1", "12", "-1", "BIT"), -1),
    (("BITPOS", "p", "0", "0", "7", "BIT"), -1),
    (("BITPOS", "p", "0", "-1", "-1", "BYTE"), 16),
    (("SET", "ones", "\xff\xff\xff"), "OK"),
    (("BITPOS", "ones", "0"), 24),  # no end given: the bit past the end
    (("BITPOS", "ones", "0", "1"), 24),
    (("BITPOS", "ones", "0", "0", "-1"), -1),  # end given: none in the range
    (("BITPOS", "ones", "0", "0", "-1", "BIT"), -1),
    (("BITPOS", "ones", "0", "10"), -1),  # start past the end: an empty range
    (("BITPOS", "ones", "1", "2", "1"), -1),
    (("BITPOS", "empty", "0"), -1),
    (("BITPOS", "empty", "1"), -1),
    (("BITPOS", "nokey", "0"), 0),
    (("BITPOS", "nokey", "1"), -1),
    (("BITPOS", "nokey", "0", "a"), 0),
    (("BITPOS", "nokey", "2"), BIT_ARG),
    (("BITPOS", "nokey", "x"), NOT_INT),
    (("BITPOS", "p", "1", "a"), NOT_INT),
    (("BITPOS", "p", "1", "0", "-1", "foo"), SYNTAX),
    (("BITPOS", "p", "1", "0", "-1", "bit", "x"), SYNTAX),
    (("BITPOS", "p"), arity("bitpos")),
]

BITOP = [
    (("SET", "x1", "\x0f\xf0\xaa"), "OK"),
    (("SET", "x2", "\xff\x0f"), "OK"),
    (("BITOP", "AND", "d", "x1", "x2"), 3),
    (("GET", "d"), b"\x0f\x00\x00"),
    (("BITOP", "or", "d", "x1", "x2"), 3),
    (("GET", "d"), b"\xff\xff\xaa"),
    (("BITOP", "Xor", "d", "x1", "x2", "nokey"), 3),
    (("GET", "d"), b"\xf0\xff\xaa"),
    (("BITOP", "NOT", "d", "x2"), 2),
    (("GET", "d"), b"\x00\xf0"),
    (("BITOP", "AND", "d", "x1", "nokey"), 3),  # a missing key is zero bytes
    (("GET", "d"), b"\x00\x00\x00"),
    (("BITOP", "NOT", "d", "nokey"), 0),  # an empty result deletes destkey
    (("EXISTS", "d"), 0),
    (("BITOP", "OR", "d", "nokey", "nokey2"), 0),
    (("BITOP", "NOT", "d", "x1", "x2"), BITOP_NOT),
    (("BITOP", "NAND", "d", "x1"), SYNTAX),
    (("BITOP", "AND", "d"), arity("bitop")),
    (("BITOP", "AND", "x1", "x1", "x2"), 3),  # destkey may be a source
    (("GET", "x1"), b"\x0f\x00\x00"),
    (("BITOP", "OR", "s", "x2"), 2),  # destkey of another type is overwritten
    (("GET", "s"), b"\xff\x0f"),
]

LCS = [
    (("MSET", "k1", "ohmytext", "k2", "mynewtext"), "OK"),
    (("LCS", "k1", "k2"), b"mytext"),
    (("LCS", "k1", "k2", "LEN"), 6),
    (("LCS", "k1", "k2", "IDX"),
     [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]),
    (("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
     [b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]),
    (("LCS", "k1", "k2", "idx", "withmatchlen"),
     [b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]),
    (("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "-5"),
     [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]),
    (("LCS", "k1", "k2", "LEN", "WITHMATCHLEN"), 6),
    (("LCS", "k1", "k2", "LEN", "MINMATCHLEN", "3"), 6),
    (("LCS", "k1", "k2", "IDX", "LEN"), LCS_LEN_IDX),
    (("LCS", "k1", "k2", "foo"), SYNTAX),
    (("LCS", "k1", "k2", "MINMATCHLEN"), SYNTAX),
    (("LCS", "k1", "k2", "MINMATCHLEN", "x"), NOT_INT),
    (("LCS", "nokey", "nokey2"), b""),
    (("LCS", "nokey", "k2", "LEN"), 0),
    (("LCS", "nokey", "nokey2", "IDX"), [b"matches", [], b"len", 0]),
    (("LCS", "k1", "k1"), b"ohmytext"),
    (("LCS", "k1", "k1", "IDX", "WITHMATCHLEN"), [b"matches", [[[0, 7], [0, 7], 8]], b"len", 8]),
    (("MSET", "l1", "abcXdef", "l2", "abcdef"), "OK"),
    (("LCS", "l1", "l2", "IDX", "WITHMATCHLEN"),
     [b"matches", [[[4, 6], [3, 5], 3], [[0, 2], [0, 2], 3]], b"len", 6]),
    (("LCS", "k1"), arity("lcs")),
]

SCRIPTS = [("GETRANGE/SUBSTR", GETRANGE), ("SETRANGE", SETRANGE), ("INCRBYFLOAT", INCRBYFLOAT),
           ("SETBIT/GETBIT", BITS), ("BITCOUNT", BITCOUNT), ("BITPOS", BITPOS),
           ("BITOP", BITOP), ("LCS", LCS)]


def raw(args):
    """Arguments as bytes, one byte per character (the harness would write str as UTF-8)."""
    return [a.encode("latin-1") if isinstance(a, str) else a for a in args]


def play(conn, script, who):
    for args, expected in script:
        got = conn.call(*raw(args))
        what = "%s: %s" % (who, " ".join(map(repr, args)))
        if callable(expected):
            expect_true(expected(got), "%s answered %r" % (what, got))
        else:
            expect_eq(got, expected, what)


def run_script(conn, name, script, who):
    conn.call("FLUSHALL")
    play(conn, SETUP, who)
    play(conn, script, who)


def reference():
    """A redis-server (the reference) on a free port, or None when none is installed."""
    path = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None)
    if not path:
        return None, None
    port = free_port()
    proc = spawn([path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no", "--proto-max-bulk-len", str(BULK)],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up():
        try:
            return Conn(port, timeout=5)
        except OSError:
            return None
    return proc, wait_for(up, 10, what="redis-server on port %d" % port)


def stop(proc, conn):
    if conn is not None:
        conn.close()
    if proc is not None:
        proc.terminate()
        proc.wait(10)


def test_scripts_match_redis():
    proc, ref = reference()
    try:
        with Server(BINARY, config={"proto-max-bulk-len": BULK}) as srv, srv.conn() as c:
            for name, script in SCRIPTS:
                check(name, run_script, c, name, script, "mini-redis")
                if ref is not None:
                    check(name + " (redis-server)", run_script, ref, name, script,
                          "redis-server")
            # Wrong types need a non-string value; RPUSH where the server has lists.
            if not isinstance(c.call("RPUSH", "list", "a"), RespError):
                check("WRONGTYPE", wrong_types, c)
        if ref is None:
            print("     (redis-server not installed: literals not re-checked against it)")
        else:
            check("WRONGTYPE (redis-server)", lambda: (ref.call("RPUSH", "list", "a"),
                                                       wrong_types(ref)))
    finally:
        stop(proc, ref)


def wrong_types(c):
    c.call("SET", "str", "abc")
    for args, expected in [
        (("GETRANGE", "list", "0", "1"), WRONGTYPE),
        (("GETRANGE", "list", "a", "1"), NOT_INT),
        (("SUBSTR", "list", "0", "1"), WRONGTYPE),
        (("SETRANGE", "list", "0", "x"), WRONGTYPE),
        (("SETRANGE", "list", "0", ""), WRONGTYPE),
        (("SETRANGE", "list", "-1", "x"), OFFSET),
        (("INCRBYFLOAT", "list", "1"), WRONGTYPE),
        (("INCRBYFLOAT", "list", "x"), WRONGTYPE),
        (("SETBIT", "list", "0", "1"), WRONGTYPE),
        (("SETBIT", "list", "0", "2"), BIT_VALUE),
        (("GETBIT", "list", "0"), WRONGTYPE),
        (("BITCOUNT", "list"), WRONGTYPE),
        (("BITCOUNT", "list", "1"), WRONGTYPE),
        (("BITPOS", "list", "1"), WRONGTYPE),
        (("BITPOS", "list", "2"), BIT_ARG),
        (("BITOP", "AND", "dest", "str", "list"), WRONGTYPE),
        (("BITOP", "AND", "list", "str"), 3),
        (("GET", "list"), b"abc"),
        (("RPUSH", "list2", "a"), 1),
        (("LCS", "str", "list2"), LCS_TYPES),
        (("LCS", "list2", "str", "foo"), LCS_TYPES),
    ]:
        expect_eq(c.call(*args), expected, " ".join(args))


def test_ttl_kept_or_cleared():
    with Server(BINARY) as srv, srv.conn() as c:
        for cmd in [("SETRANGE", "k", "2", "xy"), ("SETBIT", "k", "100", "1"),
                    ("APPEND", "k", "more"), ("INCRBYFLOAT", "k", "1.5")]:
            c.call("SET", "k", "10", "EX", "1000")
            expect_eq(c.call(*cmd) is not None, True, " ".join(cmd))
            ttl = c.call("PTTL", "k")
            expect_true(isinstance(ttl, int) and 990000 < ttl <= 1000000,
                        "%s keeps the TTL (PTTL %r)" % (cmd[0], ttl))
        c.call("SET", "k", "10", "EX", "1000")
        c.call("SETBIT", "k", "2", "1")  # already 1 in '1' (0x31): no change
        expect_true(c.call("PTTL", "k") > 0, "a SETBIT that changes nothing keeps the TTL")
        c.call("SET", "dest", "old", "EX", "1000")
        c.call("SET", "src", "\x01")
        expect_eq(c.call("BITOP", "NOT", "dest", "src"), 1, "BITOP NOT")
        expect_eq(c.call("PTTL", "dest"), -1, "BITOP's destkey has no TTL")
        expect_eq(c.call("GET", "dest"), b"\xfe", "BITOP NOT's result")
        # An expired source is absent, and an expired key is not revived by SETRANGE.
        c.call("SET", "gone", "abc", "PX", "1")
        wait_for(lambda: c.call("EXISTS", "gone") == 0, 5, what="the key to expire")
        c.call("SET", "gone", "abc", "PX", "1")
        time.sleep(0.01)
        expect_eq(c.call("SETRANGE", "gone", "1", "x"), 2, "SETRANGE on an expired key")
        expect_eq(c.call("GET", "gone"), b"\x00x", "a fresh value")
        expect_eq(c.call("PTTL", "gone"), -1, "with no TTL")


def test_lcs_memory_bound():
    with Server(BINARY, config={"proto-max-bulk-len": BULK}) as srv, srv.conn() as c:
        c.call("SET", "a", "x" * 600)
        c.call("SET", "b", "x" * 600)
        expect_eq(c.call("LCS", "a", "b", "LEN"), LCS_MEMORY, "601*601*4 bytes > 1 MB")
        c.call("SET", "b", "x" * 400)
        expect_eq(c.call("LCS", "a", "b", "LEN"), 400, "601*401*4 bytes < 1 MB")
        c.call("SET", "big", "x" * BULK)
        expect_eq(c.call("APPEND", "big", "y"), TOO_LONG, "APPEND past the bound")
        expect_eq(c.call("STRLEN", "big"), BULK, "unchanged")
        expect_eq(c.call("SETRANGE", "big", str(BULK - 1), "yz"), TOO_LONG, "SETRANGE")
        expect_eq(c.call("SETBIT", "big", str(8 * BULK), "1"), BIT_OFFSET, "SETBIT")
        expect_eq(c.call("STRLEN", "big"), BULK, "still unchanged")
        expect_eq(c.call("SETRANGE", "big", "0", "y"), BULK, "within the bound is fine")


def test_command_table():
    with Server(BINARY) as srv, srv.conn() as c:
        for name, arity_, first, last in [("getrange", 4, 1, 1), ("substr", 4, 1, 1),
                                          ("setrange", 4, 1, 1), ("incrbyfloat", 3, 1, 1),
                                          ("lcs", -3, 1, 2), ("setbit", 4, 1, 1),
                                          ("getbit", 3, 1, 1), ("bitcount", -2, 1, 1),
                                          ("bitpos", -3, 1, 1), ("bitop", -4, 2, -1)]:
            info = c.call("COMMAND", "INFO", name)[0]
            expect_eq([info[0], info[1], info[3], info[4], info[5]],
                      [name.encode(), arity_, first, last, 1], "COMMAND INFO %s" % name)


# ---- Differential run against redis-server ---------------------------------------------------

ROUNDS = int(os.environ.get("STRINGS_TEST_ROUNDS", "30"))


def random_ops(rng, n):
    keys = ["a", "b", "c", "d"]
    alphabet = ["\x00", "\xff", "\x0f", "\xf0", "\x55", "a", "b", "c", "\x80", "\x01"]

    def val(maxlen=12):
        if rng.random() < 0.3:  # long runs, for the word-at-a-time paths
            return "".join(rng.choice(["\x00", "\xff"]) * rng.randint(0, 40) +
                           rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, maxlen)))

    def idx():
        return str(rng.choice([rng.randint(-40, 40), rng.randint(-400, 400), rng.randint(-3, 3),
                               -1, 0]))
    ops = []
    for _ in range(n):
        k = rng.choice(keys)
        kind = rng.randint(0, 12)
        if kind == 0:
            ops.append(("SET", k, val()))
        elif kind == 1:
            ops.append(("GETRANGE", k, idx(), idx()))
        elif kind == 2:
            ops.append(("SETRANGE", k, str(rng.randint(0, 20)), val(4)))
        elif kind == 3:
            ops.append(("SETBIT", k, str(rng.randint(0, 120)), str(rng.randint(0, 1))))
        elif kind == 4:
            ops.append(("GETBIT", k, str(rng.randint(0, 120))))
        elif kind == 5:
            extra = rng.choice([[], [idx(), idx()], [idx(), idx(), rng.choice(["BIT", "BYTE"])]])
            ops.append(("BITCOUNT", k, *extra))
        elif kind in (6, 7, 8):
            extra = rng.choice([[], [idx()], [idx(), idx()],
                                [idx(), idx(), rng.choice(["BIT", "BYTE"])]])
            ops.append(("BITPOS", k, str(rng.randint(0, 1)), *extra))
        elif kind == 9:
            op = rng.choice(["AND", "OR", "XOR", "NOT"])
            srcs = [rng.choice(keys + ["none"])] if op == "NOT" else \
                [rng.choice(keys + ["none"]) for _ in range(rng.randint(1, 3))]
            ops.append(("BITOP", op, rng.choice(keys), *srcs))
        elif kind == 10:
            opts = rng.choice([[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"],
                               ["IDX", "MINMATCHLEN", str(rng.randint(0, 3))]])
            ops.append(("LCS", k, rng.choice(keys), *opts))
        elif kind == 11:
            ops.append(("INCRBYFLOAT", k, rng.choice(["1.5", "-0.25", "1e2", "3", "0.1",
                                                      "-7.125e-3", "12345678.9"])))
        else:
            ops.append(("APPEND", k, val(3)))
    return ops


def test_random_ops_match_redis():
    proc, ref = reference()
    if ref is None:
        print("     (redis-server not installed: no differential run)")
        return
    try:
        with Server(BINARY) as srv, srv.conn() as c:
            rng = random.Random(20240607)
            for round_ in range(ROUNDS):
                c.call("FLUSHALL")
                ref.call("FLUSHALL")
                for args in random_ops(rng, 150):
                    want, got = ref.call(*raw(args)), c.call(*raw(args))
                    if want != got:
                        fail("round %d: %r: redis-server %r, mini-redis %r" %
                             (round_, args, want, got))
                for k in "abcd":
                    expect_eq(c.call("GET", k), ref.call("GET", k), "round %d key %s" % (round_, k))
    finally:
        stop(proc, ref)


if __name__ == "__main__":
    run_tests([test_scripts_match_redis, test_ttl_kept_or_cleared, test_lcs_memory_bound,
               test_command_table, test_random_ops_match_redis])
