"""Random command generators for the differential test (differential_test.py), one per command
family. Each generator takes a Ctx and returns one command as a list of bytes; the driver sends
it to both servers and compares the replies.

Why the arguments look the way they do:
- A SMALL key space (KEYS) and a few values (VALUES), so keys collide, change type, expire,
  move between databases and are renamed onto each other.
- Only a few databases (DBS) are used, plus invalid ones for the error paths.
- Times are never short-lived: a future expiry is at least a day away (TTL output is compared
  with a tolerance, see differential_test.ALLOW), a past one is an absolute timestamp in the
  past or a non-positive relative time, which both servers act on at once. Relative future
  expiries also grow strictly (Ctx.rel_s/rel_ms): EXPIRE ... GT/LT compares the new absolute
  time with the stored one, and two equal relative times given a millisecond apart would
  compare differently on two servers that saw them at slightly different moments.
- Lengths stay bounded (short APPEND values, small SETRANGE/SETBIT offsets) so that LCS, which
  is quadratic, stays cheap; the driver also flushes everything every EPOCH_STEPS steps.
- Illegal option combinations, bad numbers and wrong arities are generated on purpose: error
  texts must match byte for byte too.
"""
# One generator module per collection family.
import diff_gen_hashes
import diff_gen_lists
import diff_gen_sets
import diff_gen_sort
import diff_gen_zsets

KEYS = [b"k0", b"k1", b"k2", b"k3", b"k4", b"k5", b"", b"b\x00\xff:k"]
LONG = (b"long-value/" * 30)[:300]
VALUES = [b"0", b"1", b"-1", b"42", b"10000", b"9223372036854775807", b"-9223372036854775808",
          b"3.14", b"-0.5", b"1e3", b"inf", b"", b"abc", b"hello world", b"\x00\x01\xff\xfe",
          b" 7", b"007", b"0x1f", b"x" * 44, b"y" * 45, LONG]
SHORT_VALUES = [b"", b"a", b"0", b"7", b"-", b"xyz", b"\x00\xff", b"1.5"]
INTS = [b"0", b"1", b"-1", b"5", b"100", b"-7", b"9223372036854775807", b"-9223372036854775808",
        b"abc", b"1.5", b"", b" 1", b"99999999999999999999"]
FLOATS = [b"0.1", b"-1.5", b"3", b"1e308", b"-1e308", b"abc", b"inf", b"-inf", b"5.0e3", b"-0",
          b"0x10", b"", b"1.0000000000000001", b"17179869184.5"]
INDEXES = [b"-100", b"-5", b"-1", b"0", b"1", b"3", b"10", b"100", b"9223372036854775807",
           b"-9223372036854775808", b"x"]
DBS = [b"0", b"1", b"2", b"3"]
BAD_DBS = [b"16", b"-1", b"x", b"1.5", b"99999999999999999999"]
BANDS_S = [100_000, 1_000_000, 10_000_000]  # about 1, 12 and 116 days
BAD_TIMES = [b"abc", b"1.5", b"", b"9223372036854775807", b"-9223372036854775808",
             b"9223372036854770", b"99999999999999999999"]


class Ctx:
    """What a generator may draw from: the seeded RNG, the run's start time (for absolute
    expiries) and the strictly growing relative-expiry counter. One per seed."""

    def __init__(self, rng, t0_ms):
        self.rng = rng
        self.t0_ms = t0_ms
        self.t0_s = t0_ms // 1000
        self.counter_ms = 1000  # added to every relative future expiry; only ever grows
        self.in_multi = False  # the connection the next command goes to is inside MULTI
        self.past_at = False  # the command being made has an absolute time in the past
        self.followup = None  # a command the driver sends right after, on the same connection

    # -- arguments

    def chance(self, p):
        return self.rng.random() < p

    def key(self):
        return self.rng.choice(KEYS)

    def keys(self, lo=1, hi=4):
        return [self.key() for _ in range(self.rng.randint(lo, hi))]

    def value(self):
        return self.rng.choice(VALUES)

    def name(self, text):
        """A command or option name, sometimes in lower or mixed case (both are accepted)."""
        r = self.rng.random()
        if r < 0.8:
            return text.encode()
        if r < 0.9:
            return text.lower().encode()
        return "".join(c.lower() if self.rng.random() < 0.5 else c for c in text).encode()

    def db(self):
        return self.rng.choice(BAD_DBS) if self.chance(0.05) else self.rng.choice(DBS)

    # -- times (see the module docstring)

    def rel_s(self):
        """A relative future expiry in seconds, later (in ms) than every one drawn before."""
        self.counter_ms = (self.counter_ms // 1000 + 1) * 1000
        return b"%d" % (self.rng.choice(BANDS_S) + self.counter_ms // 1000)

    def rel_ms(self):
        self.counter_ms += 1
        return b"%d" % (self.rng.choice(BANDS_S) * 1000 + self.counter_ms)

    def abs_s(self, past=False):
        if past:
            return b"%d" % self.rng.choice([1, self.t0_s - 3600, self.t0_s - 1])
        return b"%d" % (self.t0_s + self.rng.choice(BANDS_S))

    def abs_ms(self, past=False):
        if past:
            return b"%d" % self.rng.choice([1, self.t0_ms - 3_600_000, self.t0_ms - 1])
        return b"%d" % (self.t0_ms + self.rng.choice(BANDS_S) * 1000)

    def time_arg(self, unit, absolute):
        """An expiry argument: mostly a valid future one, sometimes past, zero, negative or not
        a number at all."""
        r = self.rng.random()
        if r < 0.08:
            return self.rng.choice(BAD_TIMES)
        if r < 0.2:
            if absolute:
                self.past_at = True
                return self.abs_s(True) if unit == "s" else self.abs_ms(True)
            return self.rng.choice([b"0", b"-1", b"-3600"])
        if absolute:
            return self.abs_s() if unit == "s" else self.abs_ms()
        return self.rel_s() if unit == "s" else self.rel_ms()

    def expire_opt(self):
        """[EX s | PX ms | EXAT t | PXAT t] for SET and GETEX."""
        opt = self.rng.choice(["EX", "PX", "EXAT", "PXAT"])
        return [self.name(opt), self.time_arg("s" if opt in ("EX", "EXAT") else "ms",
                                              opt.endswith("AT"))]


def pick(ctx, table):
    """Calls one generator from a list of (weight, fn) pairs."""
    total = sum(w for w, _ in table)
    r = ctx.rng.random() * total
    for w, fn in table:
        r -= w
        if r < 0:
            return fn(ctx)
    return table[-1][1](ctx)


# ---------------------------------------------------------------------------------------------
# strings


def gen_set(c):
    """SET with any mix of NX|XX, GET, EX|PX|EXAT|PXAT|KEEPTTL; illegal combinations and
    dangling options now and then."""
    groups = []
    if c.chance(0.3):
        groups.append([c.name(c.rng.choice(["NX", "XX"]))])
    if c.chance(0.3):
        groups.append([c.name("GET")])
    if c.chance(0.5):
        groups.append([c.name("KEEPTTL")] if c.chance(0.2) else c.expire_opt())
    if c.chance(0.12):  # an illegal extra: a second condition or expiry, or a bare option
        groups.append(c.rng.choice([[c.name("NX")], [c.name("XX")], [c.name("KEEPTTL")],
                                    c.expire_opt(), [c.name("EX")], [b"FOO"], [c.name("GET")]]))
    c.rng.shuffle(groups)
    return [c.name("SET"), c.key(), c.value()] + [a for g in groups for a in g]


def gen_getex(c):
    opts = []
    if c.chance(0.6):
        opts = [c.name("PERSIST")] if c.chance(0.25) else c.expire_opt()
    if c.chance(0.1):
        opts += c.rng.choice([[c.name("PERSIST")], c.expire_opt(), [c.name("EX")], [b"FOO"]])
    return [c.name("GETEX"), c.key()] + opts


def gen_bitcount(c):
    args = [c.name("BITCOUNT"), c.key()]
    if c.chance(0.6):
        args += [c.rng.choice(INDEXES), c.rng.choice(INDEXES)]
        if c.chance(0.4):
            args.append(c.name(c.rng.choice(["BYTE", "BIT", "bits"])))
    elif c.chance(0.1):
        args.append(c.rng.choice(INDEXES))  # a start without an end: syntax error
    return args


def gen_bitpos(c):
    args = [c.name("BITPOS"), c.key(), c.rng.choice([b"0", b"1", b"0", b"1", b"2", b"x"])]
    for extra in ([c.rng.choice(INDEXES)], [c.rng.choice(INDEXES)],
                  [c.name(c.rng.choice(["BYTE", "BIT", "FOO"]))]):
        if not c.chance(0.5):
            break
        args += extra
    return args


def gen_bitop(c):
    op = c.rng.choice(["AND", "OR", "XOR", "NOT", "NOT", "FOO"])
    srcs = c.keys(1, 2) if op == "NOT" and c.chance(0.8) else c.keys(1, 3)
    return [c.name("BITOP"), c.name(op), c.key()] + srcs


def gen_lcs(c):
    args = [c.name("LCS"), c.key(), c.key()]
    for opt in ("LEN", "IDX", "WITHMATCHLEN"):
        if c.chance(0.3):
            args.append(c.name(opt))
    if c.chance(0.3):
        args += [c.name("MINMATCHLEN"), c.rng.choice([b"0", b"1", b"2", b"4", b"-1", b"x"])]
    if c.chance(0.05):
        args.append(c.rng.choice([b"FOO", c.name("MINMATCHLEN")]))
    return args


def gen_setrange(c):
    offset = c.rng.choice([b"0", b"1", b"5", b"50", b"300", b"-1", b"536870912", b"x"])
    return [c.name("SETRANGE"), c.key(), offset, c.rng.choice(SHORT_VALUES)]


def _kv_pairs(c):
    args = []
    for k in c.keys(1, 3):
        args += [k, c.value()]
    if c.chance(0.1):
        args.pop()  # an odd count: wrong number of arguments
    return args


STRINGS = [
    (10, lambda c: [c.name("GET"), c.key()]),
    (12, gen_set),
    (2, lambda c: [c.name("SETNX"), c.key(), c.value()]),
    (2, lambda c: [c.name("SETEX"), c.key(), c.time_arg("s", False), c.value()]),
    (2, lambda c: [c.name("PSETEX"), c.key(), c.time_arg("ms", False), c.value()]),
    (3, gen_getex),
    (2, lambda c: [c.name("GETDEL"), c.key()]),
    (2, lambda c: [c.name("GETSET"), c.key(), c.value()]),
    (3, lambda c: [c.name("MGET")] + c.keys(1, 5)),
    (2, lambda c: [c.name("MSET")] + _kv_pairs(c)),
    (2, lambda c: [c.name("MSETNX")] + _kv_pairs(c)),
    (3, lambda c: [c.name("INCR"), c.key()]),
    (3, lambda c: [c.name("DECR"), c.key()]),
    (3, lambda c: [c.name("INCRBY"), c.key(), c.rng.choice(INTS)]),
    (2, lambda c: [c.name("DECRBY"), c.key(), c.rng.choice(INTS)]),
    (3, lambda c: [c.name("INCRBYFLOAT"), c.key(), c.rng.choice(FLOATS)]),
    (3, lambda c: [c.name("APPEND"), c.key(), c.rng.choice(SHORT_VALUES)]),
    (2, lambda c: [c.name("STRLEN"), c.key()]),
    (2, lambda c: [c.name("GETRANGE"), c.key(), c.rng.choice(INDEXES), c.rng.choice(INDEXES)]),
    (1, lambda c: [c.name("SUBSTR"), c.key(), c.rng.choice(INDEXES), c.rng.choice(INDEXES)]),
    (2, gen_setrange),
    (2, lambda c: [c.name("SETBIT"), c.key(),
                   c.rng.choice([b"0", b"7", b"8", b"100", b"2000", b"-1", b"4294967296", b"x"]),
                   c.rng.choice([b"0", b"1", b"1", b"2", b"x"])]),
    (2, lambda c: [c.name("GETBIT"), c.key(),
                   c.rng.choice([b"0", b"3", b"9", b"3000", b"-1", b"4294967296", b"x"])]),
    (2, gen_bitcount),
    (2, gen_bitpos),
    (2, gen_bitop),
    (1, gen_lcs),
]

# ---------------------------------------------------------------------------------------------
# expiry


def gen_expire(c):
    cmd = c.rng.choice(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
    unit = "ms" if cmd.startswith("P") else "s"
    args = [c.name(cmd), c.key(), c.time_arg(unit, cmd.endswith("AT"))]
    for _ in range(c.rng.choice([0, 0, 1, 1, 1, 2])):  # two options are always illegal
        args.append(c.name(c.rng.choice(["NX", "XX", "GT", "LT", "LT", "GT", "FOO"])))
    return args


EXPIRY = [
    (8, gen_expire),
    (3, lambda c: [c.name("SET"), c.key(), c.value()] + c.expire_opt()),  # keys with a TTL
    (3, lambda c: [c.name("TTL"), c.key()]),
    (3, lambda c: [c.name("PTTL"), c.key()]),
    (2, lambda c: [c.name("EXPIRETIME"), c.key()]),
    (2, lambda c: [c.name("PEXPIRETIME"), c.key()]),
    (2, lambda c: [c.name("PERSIST"), c.key()]),
]

# ---------------------------------------------------------------------------------------------
# keyspace


def gen_copy(c):
    args = [c.name("COPY"), c.key(), c.key()]
    if c.chance(0.4):
        args += [c.name("DB"), c.db()]
    if c.chance(0.4):
        args.append(c.name("REPLACE"))
    if c.chance(0.05):
        args.append(c.rng.choice([b"FOO", c.name("DB")]))
    return args


def gen_scan(c):
    args = [c.name("SCAN"), b"0"]
    if c.chance(0.4):
        args += [c.name("MATCH"), c.rng.choice(PATTERNS)]
    args += [c.name("COUNT"), b"1000"]  # more than the key space: one call returns all
    if c.chance(0.3):
        args += [c.name("TYPE"), c.rng.choice([b"string", b"list", b"none", b"STRING"])]
    return args


PATTERNS = [b"*", b"k*", b"k[0-3]", b"k[^0-3]", b"?", b"??", b"*\x00*", b"k\\*", b"[a-c]*",
            b"b*k", b"", b"*[", b"k[2-]"]

KEYSPACE = [
    (4, lambda c: [c.name(c.rng.choice(["DEL", "UNLINK"]))] + c.keys(1, 3)),
    (4, lambda c: [c.name("EXISTS")] + c.keys(1, 4)),
    (3, lambda c: [c.name("TYPE"), c.key()]),
    (3, lambda c: [c.name("RENAME"), c.key(), c.key()]),
    (2, lambda c: [c.name("RENAMENX"), c.key(), c.key()]),
    (2, lambda c: [c.name("TOUCH")] + c.keys(1, 3)),
    (3, lambda c: [c.name("KEYS"), c.rng.choice(PATTERNS)]),
    (2, lambda c: [c.name("DBSIZE")]),
    (4, lambda c: [c.name("SELECT"), c.db()]),
    (3, lambda c: [c.name("MOVE"), c.key(), c.db()]),
    (1, lambda c: [c.name("SWAPDB"), c.db(), c.db()]),
    (3, gen_copy),
    (1, lambda c: [c.name("FLUSHDB")] + c.rng.choice([[], [], [c.name("ASYNC")],
                                                      [c.name("SYNC")], [b"FOO"]])),
    (0.2, lambda c: [c.name("FLUSHALL")]),
    # Not REFCOUNT inside MULTI: while EXEC runs, Redis's count includes the queued command's
    # own reference to a value it stored earlier in the same transaction (an internal detail).
    (2, lambda c: [c.name("OBJECT"),
                   c.name(c.rng.choice(["ENCODING", "FOO"] + ([] if c.in_multi else ["REFCOUNT"]))),
                   c.key()]),
    (1, lambda c: [c.name("OBJECT"), c.name(c.rng.choice(["IDLETIME", "FREQ"])), c.key()]),
    (1, lambda c: [c.name("MEMORY"), c.name("USAGE"), c.key()]),
    (1, lambda c: [c.name("RANDOMKEY")]),
    (1, gen_scan),
    (1, lambda c: [c.name("PING")] + c.rng.choice([[], [c.value()]])),
    (1, lambda c: [c.name("ECHO"), c.value()]),
]

# ---------------------------------------------------------------------------------------------
# transactions


def gen_transaction(c):
    """Inside MULTI mostly ends it (EXEC, sometimes DISCARD) or poisons it (an unknown command,
    a wrong arity: EXECABORT); outside mostly starts one, or WATCHes."""
    if c.in_multi:
        return pick(c, [
            (10, lambda c: [c.name("EXEC")]),
            (3, lambda c: [c.name("DISCARD")]),
            (1, lambda c: [c.name("MULTI")]),
            (1, lambda c: [c.name("WATCH")] + c.keys(1, 2)),
            (1, lambda c: [c.name("UNWATCH")]),
            (1, lambda c: [b"NOSUCHCMD", c.key()]),
            (1, lambda c: [c.name("GET")]),
            (0.5, lambda c: [c.name("EXEC"), b"extra"]),
        ])
    return pick(c, [
        (10, lambda c: [c.name("MULTI")]),
        (5, lambda c: [c.name("WATCH")] + c.keys(1, 3)),
        (2, lambda c: [c.name("UNWATCH")]),
        (2, lambda c: [c.name("EXEC")]),
        (2, lambda c: [c.name("DISCARD")]),
        (0.5, lambda c: [c.name("MULTI"), b"extra"]),
    ])


# ---------------------------------------------------------------------------------------------
# errors

# name -> Redis arity (+N exact, -N at least, counting the name)
ARITY = {"GET": 2, "SET": -3, "GETSET": 3, "STRLEN": 2, "INCR": 2, "INCRBY": 3, "MGET": -2,
         "MSET": -3, "DEL": -2, "EXISTS": -2, "TYPE": 2, "EXPIRE": -3, "TTL": 2, "RENAME": 3,
         "SELECT": 2, "APPEND": 3, "SETRANGE": 4, "GETRANGE": 4, "ECHO": 2, "DBSIZE": 1,
         "KEYS": 2, "COPY": -3, "MOVE": 3, "SWAPDB": 3, "LCS": -3, "BITOP": -4, "SETEX": 4,
         "GETEX": -2, "SETBIT": 4, "INCRBYFLOAT": 3, "PERSIST": 2, "EXPIRETIME": 2,
         "UNWATCH": 1, "DISCARD": 1, "RANDOMKEY": 1, "FLUSHDB": -1, "OBJECT": -2}


def gen_arity(c):
    name, arity = c.rng.choice(sorted(ARITY.items()))
    if arity > 0:
        n = c.rng.choice([n for n in (arity - 1, arity + 1, arity + 2) if n >= 1])
    else:
        if -arity == 1:
            return [c.name(name), b"a", b"b", b"c"] if name == "FLUSHDB" else [c.name(name)]
        n = c.rng.randint(1, -arity - 1)
    return [c.name(name)] + [c.key() for _ in range(n - 1)]


UNKNOWN = [b"FOO", b"GETT", b"", b"set\x00x", b"x" * 60, b"CONFIG-GET", b"\xff\xfe"]

ERRORS = [
    (4, gen_arity),
    (3, lambda c: [c.rng.choice(UNKNOWN)] + [c.rng.choice(VALUES + [b"z" * 100])
                                             for _ in range(c.rng.randint(0, 4))]),
    (3, lambda c: [c.name(c.rng.choice(["INCR", "DECR", "APPEND", "STRLEN", "GETRANGE"]))] +
     ([c.key()] if c.chance(0.5) else [c.key(), b"0", b"-1"])),
    (1, lambda c: [c.name("OBJECT"), c.name("HELP"), b"extra"]),
]

# Pub/sub without subscriptions: PUBLISH's receiver count, PUBSUB's views, arity and
# subcommand errors, and (P)UNSUBSCRIBE with at most one name (one reply each: a SUBSCRIBE
# would put a RESP2 connection in pub/sub mode, and messages would reach the other
# connections at no step the driver could pair with a command). Inside MULTI mini-redis refuses
# these commands (they run on the reactor, like CLIENT: a known difference), so there an ECHO
# is sent instead.
PUBSUB_NAMES = [b"ch", b"news.1", b"", b"a*", b"k0"]


def gen_pubsub(c):
    if c.in_multi:
        return [c.name("ECHO"), c.rng.choice(SHORT_VALUES)]
    pick_name = lambda: c.rng.choice(PUBSUB_NAMES)  # noqa: E731
    r = c.rng.random()
    if r < 0.3:
        return [c.name("PUBLISH"), pick_name(), c.rng.choice(SHORT_VALUES)]
    if r < 0.45:
        return [c.name("PUBSUB"), c.name("NUMSUB")] + [pick_name()
                                                       for _ in range(c.rng.randint(0, 3))]
    if r < 0.55:
        return [c.name("PUBSUB"), c.name("NUMPAT")] + ([b"x"] if c.chance(0.2) else [])
    if r < 0.7:
        return [c.name("PUBSUB"), c.name("CHANNELS")] + [pick_name()
                                                         for _ in range(c.rng.randint(0, 2))]
    if r < 0.8:
        return [c.name("PUBSUB"), c.name(c.rng.choice(["SHARDCHANNELS", "SHARDNUMSUB", "HELP",
                                                        "FOO"]))]
    if r < 0.9:
        return [c.name(c.rng.choice(["UNSUBSCRIBE", "PUNSUBSCRIBE"]))] + (
            [pick_name()] if c.chance(0.5) else [])
    # Wrong arities (a SUBSCRIBE with no channel subscribes to nothing).
    name = c.rng.choice(["PUBLISH", "PUBSUB", "SUBSCRIBE", "PSUBSCRIBE"])
    n = c.rng.choice([0, 1, 3]) if name == "PUBLISH" else 0
    return [c.name(name)] + [pick_name() for _ in range(n)]


PUBSUB = [(1, gen_pubsub)]

# name -> (generator table, on by default, weight). Every family shares the key space, so
# collections meet string and key commands (WRONGTYPE everywhere). `errors` weighs little:
# inside MULTI one arity error already aborts the whole transaction.
FAMILIES = {
    "strings": (STRINGS, True, 4),
    "expiry": (EXPIRY, True, 2),
    "keyspace": (KEYSPACE, True, 3),
    "transactions": (None, True, 1.5),  # gen_transaction: it depends on the connection's state
    "errors": (ERRORS, True, 0.7),
    # Off by default: Redis 7.0's numeric SORT reads a stale errno (ERANGE left by any earlier
    # strtod/strtoll overflow, from any command) and then fails with "One or more scores can't
    # be converted into double" on valid numbers; with other families mixed in that happens at
    # random. Run it alone (`--families sort`), where nothing sets ERANGE.
    "sort": (diff_gen_sort.SORT, False, 1.5),
    "lists": (diff_gen_lists.LISTS, True, 3),
    "zsets": (diff_gen_zsets.ZSETS, True, 4),
    "hashes": (diff_gen_hashes.HASHES, True, 3),
    "sets": (diff_gen_sets.SETS, True, 3),
    "pubsub": (PUBSUB, True, 0.5),
}


def pick_family(ctx, families):
    """One of the enabled families, by weight."""
    return pick(ctx, [(FAMILIES[f][2], lambda _c, f=f: f) for f in families])


def generate(ctx, family):
    """One command of the given family. It may leave a follow-up in ctx.followup: Redis 7.0
    stores a key SET with an EXAT/PXAT in the past (EXPIRE and GETEX delete it at once), and
    until a lookup or the timing-dependent active expiry removes it DBSIZE counts it; an
    EXISTS straight after (queued right behind it inside MULTI) makes both servers drop it."""
    ctx.past_at, ctx.followup = False, None
    args = gen_transaction(ctx) if family == "transactions" else pick(ctx, FAMILIES[family][0])
    if ctx.past_at and args[0].upper() == b"SET":
        ctx.followup = [b"EXISTS", args[1]]
    return args
