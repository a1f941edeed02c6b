"""The hash family's generators for the differential test (diff_generators.py registers them as
the family `hashes`), and the comparators for its replies that are not byte for byte the same
(COMPARE, merged into differential_test.ALLOW).

Keys:
- h0..h3 take anything: short and long fields and values (a field or value over 64 bytes
  turns the hash into a hashtable), and now and then a burst of HSET pairs f0..fN that takes
  it past hash-max-listpack-entries (512). A hashtable's order is each server's own, so the
  replies that list a hash of these keys (HGETALL HKEYS HVALS, a full HSCAN pass, HRANDFIELD
  with a count) are compared as multisets of pairs.
- ho0, ho1 only ever hold at most 8 short fields with values of at most 20 bytes: they stay
  listpacks under every setting this family sends, so their listings are compared byte for
  byte (insertion order, as Redis).
- A shared key (diff_generators.KEYS) now and then: hashes meet the other families' strings
  (WRONGTYPE both ways, OBJECT ENCODING, COPY, RENAME of a hash).

The settings: CONFIG SET hash-max-listpack-entries/-value to small values (both servers get
it), and some fifty commands of this family later the defaults again (sent outside MULTI, so a
DISCARD never loses it); a seed's first command of this family sets the defaults, in case the
seed before ended with small ones. Bursts of pairs and long fields and values are sized around the
settings in force: one under the limit, at it, one past it.

HRANDFIELD never asks a reply Redis would take forever to build (a huge negative count that it
accepts); the ranges it rejects are asked.
"""

import diff_generators as base

HASH_KEYS = [b"h0", b"h1", b"h2", b"h3"]
ORDERED_KEYS = [b"ho0", b"ho1"]
SMALL_FIELDS = [b"a", b"b", b"c", b"n", b"", b"\x00\xff", b"1", b"field-7"]  # 8, each <= 8 bytes
BIG_FIELDS = [b"F" * 64, b"G" * 65, b"H" * 200, b"f1", b"f2", b"f100", b"f511", b"f600"]
SMALL_VALUES = [b"0", b"1", b"-1", b"42", b"abc", b"", b"1.5", b"-9223372036854775808",
                b"9223372036854775807", b"012", b" 1", b"inf", b"\x00\r\n", b"1e3", b"-0"]
BIG_VALUES = [b"v" * 64, b"w" * 65, (b"long-value/" * 30)[:300], b"x" * 24, b"y" * 33]
INCRS = [b"1", b"-1", b"5", b"100", b"-7", b"0", b"9223372036854775807", b"-9223372036854775808",
         b"x", b"1.5", b"", b" 1", b"-0", b"99999999999999999999"]
FLOAT_INCRS = [b"0.1", b"-1.5", b"3", b"1e308", b"-1e308", b"abc", b"inf", b"-inf", b"5.0e3",
               b"-0", b"0x10", b"", b"nan", b"1.0000000000000001", b"17179869184.5", b"1e-5"]
RAND_COUNTS = [b"0", b"1", b"2", b"3", b"5", b"10", b"100", b"600", b"-1", b"-3", b"-10",
               b"-100", b"x", b"1.5", b"", b"9223372036854775807", b"-9223372036854775808",
               b"4611686018427387903", b"4611686018427387904"]
# Counts only asked with WITHVALUES, where Redis rejects them (without, it would try to answer).
RAND_COUNTS_WITHVALUES = [b"-4611686018427387904", b"-4611686018427387905"]
CURSORS = [b"0", b"0", b"0", b"0", b"00", b"", b"-1", b"5", b"x", b"18446744073709551616", b"+0"]
SCAN_COUNTS = [b"1", b"5", b"10", b"10000", b"0", b"-1", b"x"]
PATTERNS = [b"*", b"a*", b"f1*", b"f?", b"[a-c]", b"*\x00*", b"F*", b"", b"*[", b"\\a", b"?*"]
# Small settings; every one keeps ho0/ho1 (8 fields, 20-byte values) listpacks.
CONFIG_ENTRIES = [b"8", b"16", b"64"]
CONFIG_VALUES = [b"24", b"32"]

DEFAULTS = (512, 64)

# This family's state rides on the seed's Ctx: hash_started (its first command was sent),
# hash_settings ((entries, value) in force when not the defaults), hash_restore (small settings
# are to be undone).


def _limits(c):
    return getattr(c, "hash_settings", None) or DEFAULTS


def _key(c):
    r = c.rng.random()
    if r < 0.6:
        return c.rng.choice(HASH_KEYS)
    if r < 0.92:
        return c.rng.choice(ORDERED_KEYS)
    return c.key()  # a shared key: maybe a string or another type


def _ordered(key):
    return key.startswith(b"ho")


def _field(c, key):
    if _ordered(key) or c.chance(0.6):
        return c.rng.choice(SMALL_FIELDS)
    if c.chance(0.2):  # right at the length limit, or one past it
        return b"F" * (_limits(c)[1] + c.rng.choice([-1, 0, 1]))
    return c.rng.choice(BIG_FIELDS)


def _value(c, key):
    if _ordered(key) or c.chance(0.75):
        return c.rng.choice(SMALL_VALUES)
    if c.chance(0.4):  # right at the length limit, or one past it
        return b"v" * (_limits(c)[1] + c.rng.choice([-1, 0, 0, 1]))
    return c.rng.choice(BIG_VALUES + [c.value()])


def gen_hset(c):
    cmd = c.rng.choice(["HSET", "HSET", "HSET", "HMSET"])
    key = _key(c)
    args = [c.name(cmd), key]
    if not _ordered(key) and c.chance(0.04):
        # A burst: up to the entry limit, right past it, or far past it.
        limit = _limits(c)[0]
        n = c.rng.choice([20, limit - 1, limit, limit, limit + 1, limit + 80])
        for i in range(n):
            args += [b"f%d" % i, b"%d" % (i * 3)]
        return args
    for _ in range(c.rng.randint(1, 4)):
        args += [_field(c, key), _value(c, key)]
    if c.chance(0.05):
        args.pop()  # an odd count: wrong number of arguments
    return args


def gen_hincrbyfloat(c):
    key = c.rng.choice(HASH_KEYS + [c.key()])  # never ho*: the results can grow long
    return [c.name("HINCRBYFLOAT"), key, _field(c, key), c.rng.choice(FLOAT_INCRS)]


def gen_hrandfield(c):
    args = [c.name("HRANDFIELD"), _key(c)]
    if c.chance(0.2):
        return args
    if c.chance(0.05):
        return args + [c.rng.choice(RAND_COUNTS_WITHVALUES), c.name("WITHVALUES")]
    args.append(c.rng.choice(RAND_COUNTS))
    if c.chance(0.5):
        args.append(c.name("WITHVALUES"))
    if c.chance(0.04):
        args.append(c.rng.choice([b"WITHVALUE", b"x", c.name("WITHVALUES")]))
    return args


def gen_hscan(c):
    args = [c.name("HSCAN"), _key(c), c.rng.choice(CURSORS)]
    for _ in range(c.rng.choice([0, 0, 1, 1, 2, 3])):
        r = c.rng.random()
        if r < 0.45:
            args += [c.name("MATCH"), c.rng.choice(PATTERNS)]
        elif r < 0.9:
            args += [c.name("COUNT"), c.rng.choice(SCAN_COUNTS)]
        else:
            args += c.rng.choice([[b"FOO"], [c.name("MATCH")], [c.name("TYPE"), b"hash"],
                                  [c.name("COUNT")]])
    return args


def gen_config(c):
    """Small settings (remembered, to be restored soon), or the defaults again."""
    if getattr(c, "hash_restore", False):
        c.hash_restore, c.hash_settings = False, None
        return [b"CONFIG", b"SET", b"hash-max-listpack-entries", b"%d" % DEFAULTS[0],
                b"hash-max-listpack-value", b"%d" % DEFAULTS[1]]
    c.hash_restore = True
    entries, value = c.rng.choice(CONFIG_ENTRIES), c.rng.choice(CONFIG_VALUES)
    c.hash_settings = (int(entries), int(value))
    return [b"CONFIG", b"SET", b"hash-max-listpack-entries", entries,
            b"hash-max-listpack-value", value]


# name -> Redis arity
ARITY = {"HSET": -4, "HSETNX": 4, "HMSET": -4, "HGET": 3, "HMGET": -3, "HDEL": -3, "HLEN": 2,
         "HEXISTS": 3, "HSTRLEN": 3, "HINCRBY": 4, "HINCRBYFLOAT": 4, "HKEYS": 2, "HVALS": 2,
         "HGETALL": 2, "HRANDFIELD": -2, "HSCAN": -3}


def gen_arity(c):
    name, arity = c.rng.choice(sorted(ARITY.items()))
    if arity > 0:
        n = c.rng.choice([n for n in (arity - 1, arity + 1) if n >= 1])
    else:
        n = c.rng.randint(1, -arity - 1)
    return [c.name(name)] + [c.rng.choice(HASH_KEYS + SMALL_FIELDS) for _ in range(n - 1)]


def _fields(c, key, lo=1, hi=5):
    return [_field(c, key) for _ in range(c.rng.randint(lo, hi))]


def _with_key(fn):
    def gen(c):
        key = _key(c)
        return fn(c, key)
    return gen


TABLE = [
    (14, gen_hset),
    (3, _with_key(lambda c, k: [c.name("HSETNX"), k, _field(c, k), _value(c, k)])),
    (8, _with_key(lambda c, k: [c.name("HGET"), k, _field(c, k)])),
    (4, _with_key(lambda c, k: [c.name("HMGET"), k] + _fields(c, k))),
    (5, _with_key(lambda c, k: [c.name("HDEL"), k] + _fields(c, k, 1, 4))),
    (3, _with_key(lambda c, k: [c.name("HLEN"), k])),
    (3, _with_key(lambda c, k: [c.name("HEXISTS"), k, _field(c, k)])),
    (3, _with_key(lambda c, k: [c.name("HSTRLEN"), k, _field(c, k)])),
    (4, _with_key(lambda c, k: [c.name("HINCRBY"), k, _field(c, k), c.rng.choice(INCRS)])),
    (3, gen_hincrbyfloat),
    (3, _with_key(lambda c, k: [c.name("HKEYS"), k])),
    (3, _with_key(lambda c, k: [c.name("HVALS"), k])),
    (4, _with_key(lambda c, k: [c.name("HGETALL"), k])),
    (5, gen_hrandfield),
    (4, gen_hscan),
    (5, _with_key(lambda c, k: [c.name("OBJECT"), c.name("ENCODING"), k])),
    (1, _with_key(lambda c, k: [c.name("TYPE"), k])),
    (1, lambda c: [c.name("DEL")] + [_key(c) for _ in range(c.rng.randint(1, 2))]),
    (1, lambda c: [c.name("COPY"), c.rng.choice(HASH_KEYS), c.rng.choice(HASH_KEYS + [c.key()])]
     + ([c.name("REPLACE")] if c.chance(0.5) else [])),
    (1, gen_arity),
    # A shared key made a string, so hash commands meet WRONGTYPE in a run of this family alone.
    (1, lambda c: [c.name("SET"), c.key(), c.value()]),
]


def generate(c):
    """One command of the family. A seed's first one sets the defaults (the servers live on
    from the seed before, which may have ended with small settings); a pending restore comes
    some fifty commands after the small settings."""
    if not getattr(c, "hash_started", False) and not c.in_multi:
        c.hash_started, c.hash_restore = True, True
        return gen_config(c)
    if not c.in_multi and getattr(c, "hash_restore", False) and c.chance(0.02):
        return gen_config(c)
    if not c.in_multi and c.chance(0.004):
        return gen_config(c)
    return base.pick(c, TABLE)


HASHES = [(1, generate)]

# ---------------------------------------------------------------------------------------------
# Comparators (see differential_test.ALLOW): each gets the command and both parsed replies.


def _strings(node):
    return [n.value for n in node.value]


def _pairs(items):
    return sorted(zip(items[0::2], items[1::2]))


def _whole(args, a, b):
    """HGETALL HKEYS HVALS: the same elements in any order for h*, byte for byte for ho*."""
    if a.raw == b.raw:
        return True
    if _ordered(args[1]) or a.kind != b.kind or a.kind not in "*%" or a.is_null() or b.is_null():
        return False
    if args[0].upper() == b"HGETALL":
        return _pairs(_strings(a)) == _pairs(_strings(b))
    return sorted(_strings(a)) == sorted(_strings(b))


def _zero_cursor(arg):
    return arg.lstrip(b"+-").lstrip(b"0") == b""


def _hscan(args, a, b):
    """A full pass in one call (cursor 0 asked and answered): the same pairs. Otherwise only the
    shape: the cursor is each server's own."""
    if a.raw == b.raw:
        return True
    if _ordered(args[1]) or a.kind != "*" or b.kind != "*" or a.is_null() or b.is_null():
        return False
    if len(a.value) != 2 or len(b.value) != 2:
        return False
    if a.value[1].kind != "*" or b.value[1].kind != "*":
        return False
    if _zero_cursor(args[2]) and a.value[0].value == b.value[0].value == b"0":
        return _pairs(_strings(a.value[1])) == _pairs(_strings(b.value[1]))
    return True


def _hrandfield(args, a, b):
    """Random: the same kind and size; distinct fields for a positive count, the whole hash
    when fewer came back than asked; a field drawn by both has the same value in both."""
    if a.raw == b.raw:
        return True
    if a.kind != b.kind or a.is_error() or b.is_error() or a.is_null() != b.is_null():
        return False
    if len(args) == 2:
        return a.kind == "$"
    count = int(args[2])
    withvalues = len(args) == 4

    def items(node):
        if node.kind != "*":
            return None
        vals = node.value
        if withvalues and vals and vals[0].kind == "*":  # RESP3: [field, value] pairs
            return [(p.value[0].value, p.value[1].value) for p in vals]
        if withvalues:
            return list(zip(_strings(node)[0::2], _strings(node)[1::2]))
        return [(v, None) for v in _strings(node)]

    x, y = items(a), items(b)
    if x is None or y is None or len(x) != len(y):
        return False
    if count > 0:
        if len({f for f, _ in x}) != len(x) or len({f for f, _ in y}) != len(y):
            return False
        if len(x) < count and sorted(x) != sorted(y):
            return False
    seen = dict(x)
    return all(f not in seen or seen[f] == v for f, v in y)


COMPARE = {
    "HGETALL": _whole,
    "HKEYS": _whole,
    "HVALS": _whole,
    "HSCAN": _hscan,
    "HRANDFIELD": _hrandfield,
}
