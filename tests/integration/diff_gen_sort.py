"""Differential generators for SORT and SORT_RO (the `sort` family of diff_generators.py).

The family builds its own sources and weights under a prefix of its own, so that BY and GET
patterns find keys: lists, sets (all-integer and not) and sorted sets of a few numeric or
alphabetic elements, string weights `so:w_E`, and hashes `so:h_E` with a field `f`. Then SORT
with every option, valid and not (see gen_sort for the orders it leaves out)."""

NUMS = [b"3", b"1", b"2", b"10", b"-4", b"2.5", b"0x10", b" 7", b""]
WORDS = [b"b", b"a", b"c", b"ab", b"B", b"10", b"2"]
ELEMS = [b"1", b"2", b"3", b"10", b"b", b"a"]
LISTS = [b"so:list:0", b"so:list:1"]
SETS = [b"so:set:0", b"so:set:1"]
ZSETS = [b"so:zset:0", b"so:zset:1"]
OTHERS = [b"so:none", b"so:w_1", b"so:h_1"]  # missing, a string, a hash (WRONGTYPE)
# No out-of-range weight such as 1e400: Redis 7.0's SORT tests errno == ERANGE after strtod
# without clearing errno first, so one ERANGE leaves every later numeric SORT failing (until
# something resets errno) on the reference; commands_sort_test checks ours rejects 1e400.
WEIGHTS = [b"5", b"1", b"-2", b"3.5", b"x", b"", b"inf", b"1"]


def _source(c):
    """A command that grows or drops one source key."""
    kind = c.rng.random()
    if kind < 0.4:
        pool = NUMS if c.chance(0.6) else WORDS
        return [c.name("RPUSH"), c.rng.choice(LISTS)] + [c.rng.choice(pool)
                                                          for _ in range(c.rng.randint(1, 6))]
    if kind < 0.65:
        pool = [b"3", b"1", b"2", b"10", b"-4"] if c.chance(0.6) else WORDS
        return [c.name("SADD"), c.rng.choice(SETS)] + c.rng.sample(pool, c.rng.randint(1, 4))
    if kind < 0.9:
        args = [c.name("ZADD"), c.rng.choice(ZSETS)]
        for m in c.rng.sample(ELEMS, c.rng.randint(1, 5)):
            args += [c.rng.choice([b"1", b"2", b"0.5", b"-1"]), m]
        return args
    return [c.name("DEL"), c.rng.choice(LISTS + SETS + ZSETS)]


def _weight(c):
    e = c.rng.choice(ELEMS + NUMS[:4] + WORDS[:4])
    if c.chance(0.7):
        return [c.name("SET"), b"so:w_" + e, c.rng.choice(WEIGHTS)]
    return [c.name("HSET"), b"so:h_" + e, b"f", c.rng.choice(WEIGHTS)]


def gen_sort(c):
    """One SORT / SORT_RO. The orders Redis leaves to its hash tables are never asked for: a
    set or sorted set in native order (BY nosort without STORE: table order), and ALPHA with a
    BY pattern on them (equal or missing weights keep table order); with LIMIT and BY Redis
    sorts with its own unstable partial quicksort, so LIMIT never meets a BY pattern."""
    name = "SORT_RO" if c.chance(0.2) else "SORT"
    r = c.rng.random()
    key = (c.rng.choice(LISTS) if r < 0.45 else c.rng.choice(SETS) if r < 0.7
           else c.rng.choice(ZSETS) if r < 0.9 else c.rng.choice(OTHERS))
    is_list = key in LISTS or key == b"so:none"
    store = name == "SORT" and c.chance(0.25)
    alpha = c.chance(0.35)
    args = [c.name(name), key]
    by = None
    r = c.rng.random()
    if r < 0.3 and (is_list or not alpha):
        by = c.rng.choice([b"so:w_*", b"so:h_*->f", b"so:w_*->", b"so:h_*->g"])
    elif r < 0.45 and (is_list or key in ZSETS or store):
        by = c.rng.choice([b"nosort", b"so:const"])
    if by is not None:
        args += [c.name("BY"), by]
    if by is None or b"*" not in by:
        if c.chance(0.3):
            args += [c.name("LIMIT"), c.rng.choice([b"0", b"1", b"-1", b"2", b"x"]),
                     c.rng.choice([b"1", b"2", b"-1", b"0", b"10"])]
    for _ in range(c.rng.choice([0, 0, 1, 2])):
        args += [c.name("GET"), c.rng.choice([b"#", b"so:w_*", b"so:h_*->f", b"nostar"])]
    if c.chance(0.3):
        args.append(c.name(c.rng.choice(["ASC", "DESC"])))
    if alpha:
        args.append(c.name("ALPHA"))
    if store:
        args += [c.name("STORE"), c.rng.choice([b"so:dst", b"so:list:1"])]
    if c.chance(0.03):
        args.append(c.rng.choice([b"BOGUS", b"LIMIT", b"BY", b"GET", b"STORE"]))  # syntax errors
    return args


SORT = [
    (3, _source),
    (2, _weight),
    (6, gen_sort),
    (1, lambda c: [c.name("LRANGE"), b"so:dst", b"0", b"-1"]),
    (0.5, lambda c: [c.name("TYPE"), b"so:dst"]),
]
