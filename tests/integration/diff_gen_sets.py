"""Random set commands for the differential test (family "sets"; see diff_generators.py).

Members mix canonical integers of every intset width (16, 32 and 64 bits, so widths upgrade),
integer-looking strings Redis does not take as integers ("007", "+1", "-0", " 1", out of
range: they force the hashtable), and plain strings. Keys are the shared KEYS, so sets meet
strings and the other types (WRONGTYPE) and the keyspace commands (COPY, RENAME, MOVE...).
CONFIG SET set-max-intset-entries now and then moves the intset -> hashtable switch down to a
few members (and back to 512), and a rare big SADD crosses 512 at the default.

Random replies (differential_test.ALLOW) must not make the two servers' sets diverge:
- SPOP with a count of 1000000 (more than any set here) pops everything: the same state
  after;
- a plain SPOP goes to a key of its own, holding one member just added (the SADD is sent, the
  SPOP follows on the same connection), so its reply is exact too;
- SPOP with a small count, on a shared key, is followed by DEL of that key, and its reply is
  compared by shape only;
- SRANDMEMBER reads only; compared by shape (SMEMBERS and the algebra compare sorted).
"""

INT16 = [b"0", b"1", b"-1", b"5", b"100", b"-7", b"32767", b"-32768"]
INT32 = [b"32768", b"-32769", b"70000", b"2147483647", b"-2147483648"]
INT64 = [b"2147483648", b"-2147483649", b"9223372036854775807", b"-9223372036854775808",
         b"4294967296"]
NOT_INTS = [b"007", b"+1", b"-0", b" 1", b"1 ", b"1.0", b"0x10", b"9223372036854775808",
            b"-9223372036854775809", b"99999999999999999999"]
STRS = [b"a", b"b", b"c", b"", b"\x00", b"hello", b"x" * 70]
INTS = INT16 * 3 + INT32 + INT64
ALL = INTS + NOT_INTS + STRS * 2
POP_KEY = b"set:pop"  # only the plain-SPOP generator touches it (not in KEYS)
PATTERNS = [b"*", b"1*", b"-*", b"[a-c]", b"?", b"*0*", b"x*", b"*\x00*"]
COUNTS = [b"0", b"1", b"2", b"3", b"5", b"100", b"-1", b"-3", b"-20", b"x", b"1.5", b"",
          b"01", b"+1"]
# Never -9223372036854775807: Redis 7.0 would try to answer that many members.
HUGE_COUNTS = [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808"]


def member(c):
    # Half of the draws stay integers only, so intsets live long enough to matter.
    return c.rng.choice(INTS if c.chance(0.5) else ALL)


def members(c, lo=1, hi=5):
    pool = INTS if c.chance(0.5) else ALL
    return [c.rng.choice(pool) for _ in range(c.rng.randint(lo, hi))]


def gen_sadd(c):
    return [c.name("SADD"), c.key()] + members(c)


def gen_sadd_big(c):
    """Enough integers to cross set-max-intset-entries' default (512), or nearly."""
    start = c.rng.choice([0, -300, 1000, 2**40])
    n = c.rng.choice([505, 512, 513, 600])
    args = [c.name("SADD"), c.key()] + [b"%d" % (start + i) for i in range(n)]
    if c.chance(0.3):
        args.append(c.rng.choice(STRS))
    return args


def gen_spop(c):
    r = c.rng.random()
    if r < 0.35:  # a key of its own with one member: exact reply
        m = member(c)
        c.followup = [c.name("SPOP"), POP_KEY]
        return [c.name("SADD"), POP_KEY, m]
    if r < 0.55:  # everything: exact (sorted) reply
        return [c.name("SPOP"), c.key(), b"1000000"]
    if r < 0.75:  # a random part: shape only, then the key goes on both servers
        key = c.key()
        c.followup = [b"DEL", key]
        return [c.name("SPOP"), key] + ([] if c.chance(0.3) else [c.rng.choice(
            [b"0", b"1", b"2", b"3", b"5"])])
    # errors and the count forms that change nothing
    return [c.name("SPOP"), c.key()] + c.rng.choice([
        [b"0"], [b"-1"], [b"x"], [b""], [b"1.5"], [b"1", b"2"], [b"-9223372036854775808"]])


def gen_srandmember(c):
    args = [c.name("SRANDMEMBER"), c.key()]
    if c.chance(0.8):
        args.append(c.rng.choice(HUGE_COUNTS if c.chance(0.03) else COUNTS))
    if c.chance(0.05):
        args.append(b"extra")
    return args


def gen_sscan(c):
    r = c.rng.random()
    if r < 0.7:
        cursor = b"0"
    elif r < 0.85:
        cursor = c.rng.choice([b"1", b"5", b"17", b"-1", b"+0", b"", b"18446744073709551615"])
    else:
        cursor = c.rng.choice([b"x", b" 0", b"18446744073709551616", b"1.5"])
    args = [c.name("SSCAN"), c.key(), cursor]
    if c.chance(0.4):
        args += [c.name("MATCH"), c.rng.choice(PATTERNS)]
    if c.chance(0.8):
        args += [c.name("COUNT"), b"1000"]
    elif c.chance(0.5):
        args += [c.name("COUNT"), c.rng.choice([b"1", b"2", b"0", b"-1", b"x"])]
    if c.chance(0.06):
        args += c.rng.choice([[c.name("TYPE"), b"set"], [b"FOO"], [c.name("MATCH")],
                              [c.name("COUNT")]])
    return args


def gen_sintercard(c):
    keys = c.keys(1, 3)
    n = len(keys)
    numkeys = b"%d" % n
    r = c.rng.random()
    if r < 0.1:
        numkeys = c.rng.choice([b"0", b"-1", b"x", b"%d" % (n + 1), b"%d" % (n + 5),
                                b"9223372036854775808", b"01"])
    elif r < 0.2 and n > 1:
        numkeys = b"%d" % (n - 1)  # the last key is read as an option: a syntax error
    args = [c.name("SINTERCARD"), numkeys] + keys
    if c.chance(0.4):
        args += [c.name("LIMIT"), c.rng.choice([b"0", b"1", b"2", b"5", b"-1", b"x"])]
    if c.chance(0.05):
        args += c.rng.choice([[c.name("LIMIT")], [b"FOO", b"1"]])
    return args


def gen_config(c):
    value = c.rng.choice([b"0", b"1", b"2", b"3", b"5", b"8", b"512", b"512", b"512"])
    return [b"CONFIG", b"SET", b"set-max-intset-entries", value]


ARITY = {"SADD": -3, "SREM": -3, "SMOVE": 4, "SISMEMBER": 3, "SMISMEMBER": -3, "SCARD": 2,
         "SMEMBERS": 2, "SPOP": -2, "SRANDMEMBER": -2, "SSCAN": -3, "SINTER": -2,
         "SUNION": -2, "SDIFF": -2, "SINTERSTORE": -3, "SUNIONSTORE": -3, "SDIFFSTORE": -3,
         "SINTERCARD": -3}


def gen_arity(c):
    name, arity = c.rng.choice(sorted(ARITY.items()))
    n = c.rng.choice([arity - 1, arity + 1]) if arity > 0 else c.rng.randint(1, -arity - 1)
    return [c.name(name)] + [c.key() for _ in range(max(n, 1) - 1)]


SETS = [
    (12, gen_sadd),
    (0.15, gen_sadd_big),
    (5, lambda c: [c.name("SREM"), c.key()] + members(c, 1, 4)),
    (3, lambda c: [c.name("SMOVE"), c.key(), c.key(), member(c)]),
    (3, lambda c: [c.name("SISMEMBER"), c.key(), member(c)]),
    (2, lambda c: [c.name("SMISMEMBER"), c.key()] + members(c, 1, 4)),
    (2, lambda c: [c.name("SCARD"), c.key()]),
    (3, lambda c: [c.name("SMEMBERS"), c.key()]),
    (3, gen_spop),
    (3, gen_srandmember),
    (3, gen_sscan),
    (2, lambda c: [c.name("SINTER")] + c.keys(1, 3)),
    (2, lambda c: [c.name("SUNION")] + c.keys(1, 3)),
    (2, lambda c: [c.name("SDIFF")] + c.keys(1, 3)),
    (2, lambda c: [c.name("SINTERSTORE"), c.key()] + c.keys(1, 3)),
    (2, lambda c: [c.name("SUNIONSTORE"), c.key()] + c.keys(1, 3)),
    (2, lambda c: [c.name("SDIFFSTORE"), c.key()] + c.keys(1, 3)),
    (2, gen_sintercard),
    (4, lambda c: [c.name("OBJECT"), c.name("ENCODING"), c.key()]),
    (1, lambda c: [c.name("TYPE"), c.key()]),
    (0.4, gen_config),
    (0.6, gen_arity),
]
