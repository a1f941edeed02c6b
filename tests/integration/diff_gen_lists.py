"""The list family's generators for the differential test (diff_generators.py registers them as
the family `lists`).

Lists are built from a few short elements (so LREM, LINSERT and LPOS find matches) and some
long ones (so nodes fill by bytes as well as by count); now and then a burst of pushes grows a
list over several nodes, and CONFIG SET list-max-listpack-size changes the node bound of lists
made from then on (only the internals differ: every reply must still be the same). LTRIM and
the pops keep the lists from growing without bound. Every command comes with its errors: bad
numbers, bad options, wrong arity and WRONGTYPE (a string key now and then).
"""

ELEMENTS = [b"a", b"b", b"c", b"a", b"1", b"2", b"", b"\x00\xff", b"x" * 60, b"y" * 200]
LIST_KEYS = [b"l0", b"l1", b"l2", b"l0", b"l1", b"l2", b"l0", b"l1", b"k0", b""]
INDEXES = [b"0", b"1", b"2", b"-1", b"-2", b"5", b"-5", b"20", b"100", b"-100",
           b"9223372036854775807", b"-9223372036854775808", b"x", b"1.5", b""]
RANGE_ENDS = [b"0", b"1", b"3", b"-1", b"-2", b"-3", b"10", b"50", b"-50", b"1000",
              b"9223372036854775807", b"-9223372036854775808"]
COUNTS = [b"0", b"1", b"2", b"3", b"10", b"100", b"-1", b"x", b"9223372036854775807"]
REM_COUNTS = [b"0", b"1", b"2", b"-1", b"-2", b"5", b"-5", b"-9223372036854775808", b"x"]
FILLS = [b"-2", b"-2", b"-1", b"1", b"2", b"3", b"5", b"128", b"-5", b"0", b"-6"]


def _key(c):
    return c.rng.choice(LIST_KEYS)


def _elem(c):
    return c.rng.choice(ELEMENTS)


def _elems(c, lo=1, hi=4):
    return [_elem(c) for _ in range(c.rng.randint(lo, hi))]


def _end(c):
    return c.name(c.rng.choice(["LEFT", "RIGHT", "LEFT", "RIGHT", "MIDDLE"]))


def gen_push(c):
    cmd = c.rng.choice(["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"])
    n = c.rng.randint(20, 80) if c.chance(0.08) else c.rng.randint(1, 4)
    if c.chance(0.02):
        n = 0  # wrong arity
    return [c.name(cmd), _key(c)] + [_elem(c) for _ in range(n)]


def gen_pop(c):
    args = [c.name(c.rng.choice(["LPOP", "RPOP"])), _key(c)]
    if c.chance(0.5):
        args.append(c.rng.choice(COUNTS))
        if c.chance(0.03):
            args.append(b"1")  # too many arguments
    return args


def gen_lpos(c):
    args = [c.name("LPOS"), _key(c), _elem(c)]
    opts = []
    if c.chance(0.4):
        opts.append([c.name("RANK"), c.rng.choice([b"1", b"2", b"-1", b"-2", b"3", b"-3", b"0",
                                                   b"x", b"-9223372036854775808",
                                                   b"9223372036854775807"])])
    if c.chance(0.4):
        opts.append([c.name("COUNT"), c.rng.choice([b"0", b"1", b"2", b"5", b"-1", b"x"])])
    if c.chance(0.3):
        opts.append([c.name("MAXLEN"), c.rng.choice([b"0", b"1", b"3", b"10", b"-1", b"x"])])
    if c.chance(0.05):
        opts.append(c.rng.choice([[b"FOO"], [c.name("RANK")], [c.name("COUNT")]]))
    c.rng.shuffle(opts)
    return args + [a for o in opts for a in o]


def gen_lmpop(c):
    r = c.rng.random()
    keys = [_key(c) for _ in range(c.rng.randint(1, 3))]
    if r < 0.85:
        numkeys = b"%d" % len(keys)
    else:
        numkeys = c.rng.choice([b"0", b"-1", b"x", b"%d" % (len(keys) + 1), b"%d" % (len(keys) + 2),
                                b"9223372036854775807"])
    args = [c.name("LMPOP"), numkeys] + keys + [_end(c)]
    if c.chance(0.5):
        args += [c.name("COUNT"), c.rng.choice([b"1", b"2", b"5", b"100", b"0", b"-1", b"x"])]
    if c.chance(0.04):
        args.append(c.rng.choice([b"FOO", c.name("COUNT")]))
    return args


# Blocking forms: a timeout short enough that an empty key answers (null) after 1 ms on both
# servers, never 0 (forever); and the timeout's errors.
TIMEOUTS = [b"0.001", b"0.001", b"0.001", b"0.0001", b"x", b"-1", b"nan", b"inf", b"1e400", b""]


def gen_blocking(c):
    t = c.rng.choice(TIMEOUTS)
    r = c.rng.random()
    if r < 0.4:
        keys = [_key(c) for _ in range(c.rng.randint(1, 3))]
        return [c.name(c.rng.choice(["BLPOP", "BRPOP"]))] + keys + [t]
    if r < 0.6:
        return [c.name("BLMOVE"), _key(c), _key(c), _end(c), _end(c), t]
    if r < 0.7:
        return [c.name("BRPOPLPUSH"), _key(c), _key(c), t]
    args = gen_lmpop(c)
    return [c.name("BLMPOP"), t] + args[1:]


def gen_ltrim(c):
    # Mostly wide ranges, so that lists are trimmed rather than emptied.
    if c.chance(0.7):
        start = c.rng.choice([b"0", b"1", b"2", b"-30", b"-100"])
        stop = c.rng.choice([b"-1", b"-2", b"30", b"60", b"100"])
    else:
        start, stop = c.rng.choice(RANGE_ENDS + [b"x"]), c.rng.choice(RANGE_ENDS)
    return [c.name("LTRIM"), _key(c), start, stop]


def gen_arity(c):
    name, arity = c.rng.choice(sorted(ARITY.items()))
    if arity > 0:
        total = c.rng.choice([arity - 1, arity + 1])
    else:
        total = c.rng.randint(1, -arity - 1)
    rest = [_key(c)] + [_elem(c) for _ in range(total - 2)] if total > 1 else []
    return [c.name(name)] + rest


# name -> Redis arity, for the wrong-arity cases.
ARITY = {"LPUSH": -3, "RPUSH": -3, "LPUSHX": -3, "RPUSHX": -3, "LPOP": -2, "RPOP": -2,
         "LLEN": 2, "LINDEX": 3, "LRANGE": 4, "LSET": 4, "LINSERT": 5, "LREM": 4, "LTRIM": 4,
         "LPOS": -3, "LMOVE": 5, "RPOPLPUSH": 3, "LMPOP": -4, "BLPOP": -3, "BRPOP": -3,
         "BLMOVE": 6, "BRPOPLPUSH": 4, "BLMPOP": -5}

LISTS = [
    (14, gen_push),
    (7, gen_pop),
    (3, lambda c: [c.name("LLEN"), _key(c)]),
    (4, lambda c: [c.name("LINDEX"), _key(c), c.rng.choice(INDEXES)]),
    (6, lambda c: [c.name("LRANGE"), _key(c), c.rng.choice(RANGE_ENDS + [b"x"]),
                   c.rng.choice(RANGE_ENDS)]),
    (3, lambda c: [c.name("LSET"), _key(c), c.rng.choice(INDEXES), _elem(c)]),
    (3, lambda c: [c.name("LINSERT"), _key(c),
                   c.name(c.rng.choice(["BEFORE", "AFTER", "BEFORE", "AFTER", "AROUND"])),
                   _elem(c), _elem(c)]),
    (3, lambda c: [c.name("LREM"), _key(c), c.rng.choice(REM_COUNTS), _elem(c)]),
    (2, gen_ltrim),
    (4, gen_lpos),
    (3, lambda c: [c.name("LMOVE"), _key(c), _key(c), _end(c), _end(c)]),
    (2, lambda c: [c.name("RPOPLPUSH"), _key(c), _key(c)]),
    (3, gen_lmpop),
    (3, gen_blocking),
    (2, lambda c: [c.name("OBJECT"), c.name("ENCODING"), _key(c)]),
    (1, lambda c: [c.name("TYPE"), _key(c)]),
    (0.7, lambda c: [c.name("SET"), b"k0", b"v"]),  # for WRONGTYPE
    (0.5, lambda c: [c.name("DEL"), _key(c)]),
    (0.3, lambda c: [c.name("CONFIG"), c.name("SET"), b"list-max-listpack-size",
                     c.rng.choice(FILLS)]),
    (1, gen_arity),
]
