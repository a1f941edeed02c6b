"""Differential generators for the sorted-set family (registered in diff_generators.FAMILIES as
"zsets"): every ZSET command of Redis 7.0 with its options, its errors, WRONGTYPE (the shared
KEYS also hold strings), and both encodings (big ZADDs, long members, CONFIG SET of the two
listpack limits; OBJECT ENCODING after them).

Why the arguments look the way they do:
- Lex ranges are only deterministic on members that all share one score: on a skiplist with
  mixed scores Redis's answer depends on its random node levels, so two servers disagree.
  Lex commands therefore go to LEX_KEYS only, which nothing but zero-score ZADDs (and lex
  removals, pops and BYLEX stores between lex keys) ever writes; other families never name
  them.
- ZRANDMEMBER and ZSCAN are compared by differential_test.ALLOW's normalisers (shape and
  count, or the full sorted member/score pairs of a complete scan); ZSCAN always asks for a
  COUNT above any key's size, so one call is a complete pass.
- Scores include -0, inf, huge integers (a listpack keeps integral scores as integers, so -0
  becomes 0 there and 1e17 prints as an integer in ZSCAN) and invalid ones for the errors.
"""

LEX_KEYS = [b"zlex:0", b"zlex:1"]
MEMBERS = [b"a", b"b", b"c", b"d", b"1", b"2", b"10", b"-1", b"", b"\x00", b"a\x00b",
           b"caf\xc3\xa9", b"x" * 64, b"y" * 65]
LEX_MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"aa", b"ab", b"", b"\x00", b"\xff", b"m050",
               b"m100", b"z" * 65]
SCORES = [b"0", b"1", b"-1", b"2", b"3", b"10", b"1.5", b"-2.25", b"0.1", b"inf", b"-inf",
          b"+inf", b"-0", b"1e17", b"4611686018427387904", b"9e18", b"12345678", b"-999999",
          b"1e300", b"0x10", b"3.0"]
BAD_SCORES = [b"nan", b"x", b"", b" 1", b"1e400", b"(1", b"1 ", b"-nan", b"1e-400"]
RANGE_SCORES = [b"-inf", b"+inf", b"inf", b"(1", b"1", b"0", b"(0", b"2.5", b"(-inf", b"(inf",
                b"5", b"-1", b"(10", b"1e17", b"-0"]
BAD_RANGE_SCORES = [b"x", b"(x", b"nan", b"(nan", b"1x", b"[1"]
LEX_BOUNDS = [b"-", b"+", b"[a", b"(a", b"[b", b"(c", b"[", b"(", b"[aa", b"(m050", b"[m100",
              b"[\xff", b"(d"]
BAD_LEX_BOUNDS = [b"a", b"", b"+a", b"-x", b"{a"]
RANKS = [b"0", b"1", b"2", b"-1", b"-2", b"5", b"-100", b"100", b"130", b"-130",
         b"9223372036854775807", b"-9223372036854775808"]
BAD_INTS = [b"x", b"1.5", b"", b"99999999999999999999"]
COUNTS = [b"0", b"1", b"2", b"3", b"10", b"200", b"-1", b"-3", b"x", b"1.5"]
WEIGHTS = [b"1", b"2", b"0", b"-1", b"0.5", b"inf", b"-inf", b"1e300"]


def member(c):
    return c.rng.choice(MEMBERS)


def score(c, bad=0.04):
    return c.rng.choice(BAD_SCORES) if c.chance(bad) else c.rng.choice(SCORES)


def rank(c):
    return c.rng.choice(BAD_INTS) if c.chance(0.03) else c.rng.choice(RANKS)


def score_bound(c):
    return c.rng.choice(BAD_RANGE_SCORES) if c.chance(0.04) else c.rng.choice(RANGE_SCORES)


def lex_bound(c):
    return c.rng.choice(BAD_LEX_BOUNDS) if c.chance(0.04) else c.rng.choice(LEX_BOUNDS)


def zkey(c):
    """A key of the shared pool (strings live there too: WRONGTYPE), now and then a lex key
    for the commands that cannot change its scores."""
    return c.rng.choice(LEX_KEYS) if c.chance(0.1) else c.key()


def big_pairs(c, lex=False):
    """Enough members to pass the 128-entry listpack limit."""
    n = c.rng.randint(120, 140)
    out = []
    for i in range(n):
        out += [b"0" if lex else b"%d" % c.rng.randint(-50, 50), b"m%03d" % i]
    return out


# ---------------------------------------------------------------------------------------------
# single members


def gen_zadd(c):
    opts = []
    for name in ("NX", "XX", "GT", "LT", "CH", "INCR"):
        if c.chance(0.12):
            opts.append(c.name(name))
    c.rng.shuffle(opts)
    if c.chance(0.08):
        return [c.name("ZADD"), c.key()] + opts + big_pairs(c)
    pairs = []
    for _ in range(c.rng.choice([1, 1, 1, 2, 3])):
        pairs += [score(c), member(c)]
    if c.chance(0.04):
        pairs.pop()  # odd: syntax error
    return [c.name("ZADD"), c.key()] + opts + pairs


def gen_zadd_lex(c):
    """Zero scores only: the lex keys stay lex-comparable."""
    if c.chance(0.08):
        return [c.name("ZADD"), c.rng.choice(LEX_KEYS)] + big_pairs(c, lex=True)
    opts = [c.name(o) for o in ("NX", "XX", "CH") if c.chance(0.1)]
    pairs = []
    for _ in range(c.rng.randint(1, 4)):
        pairs += [b"0", c.rng.choice(LEX_MEMBERS)]
    return [c.name("ZADD"), c.rng.choice(LEX_KEYS)] + opts + pairs


def gen_zincrby(c):
    return [c.name("ZINCRBY"), c.key(), score(c, 0.08), member(c)]


def gen_zpop(c):
    args = [c.name(c.rng.choice(["ZPOPMIN", "ZPOPMAX"])), zkey(c)]
    if c.chance(0.6):
        args.append(c.rng.choice(COUNTS))
    if c.chance(0.03):
        args.append(b"1")  # too many arguments: syntax error
    return args


def gen_zmpop(c):
    keys = [zkey(c) for _ in range(c.rng.randint(1, 3))]
    numkeys = b"%d" % len(keys)
    if c.chance(0.06):
        numkeys = c.rng.choice([b"0", b"-1", b"x", b"%d" % (len(keys) + 2)])
    args = [c.name("ZMPOP"), numkeys] + keys
    args.append(c.name(c.rng.choice(["MIN", "MAX", "MIN", "MAX", "FOO"])))
    if c.chance(0.5):
        args += [c.name("COUNT"), c.rng.choice([b"1", b"2", b"5", b"200", b"0", b"-1", b"x"])]
    if c.chance(0.04):
        args += c.rng.choice([[c.name("COUNT"), b"1"], [b"FOO"], [c.name("COUNT")]])
    return args


# Blocking forms: an empty key answers (null) after 1 ms on both servers; never 0 (forever).
TIMEOUTS = [b"0.001", b"0.001", b"0.001", b"x", b"-1", b"nan"]


def gen_bzpop(c):
    keys = [zkey(c) for _ in range(c.rng.randint(1, 3))]
    return [c.name(c.rng.choice(["BZPOPMIN", "BZPOPMAX"]))] + keys + [c.rng.choice(TIMEOUTS)]


def gen_bzmpop(c):
    args = gen_zmpop(c)
    return [c.name("BZMPOP"), c.rng.choice(TIMEOUTS)] + args[1:]


def gen_zrandmember(c):
    args = [c.name("ZRANDMEMBER"), zkey(c)]
    if c.chance(0.7):
        args.append(c.rng.choice([b"0", b"1", b"2", b"3", b"5", b"300", b"-1", b"-3", b"-10",
                                  b"x", b"-9223372036854775808", b"9223372036854775807"]))
        if c.chance(0.5):
            args.append(c.name("WITHSCORES") if c.chance(0.9) else b"FOO")
    return args


def gen_zscan(c):
    args = [c.name("ZSCAN"), zkey(c), b"0" if c.chance(0.95) else c.rng.choice([b"x", b" 0", b"1x"])]
    if c.chance(0.3):
        args += [c.name("MATCH"), c.rng.choice([b"*", b"a*", b"m0*", b"?", b"*\x00*", b"[a-c]"])]
    args += [c.name("COUNT"), b"1000"]
    if c.chance(0.04):
        args += c.rng.choice([[c.name("COUNT"), b"0"], [c.name("TYPE"), b"zset"], [b"FOO"]])
    return args


# ---------------------------------------------------------------------------------------------
# ranges


def range_opts(c, kind, store=False):
    opts = []
    if kind == "score":
        opts.append([c.name("BYSCORE")])
    elif kind == "lex":
        opts.append([c.name("BYLEX")])
    if c.chance(0.4):
        opts.append([c.name("REV")])
    if c.chance(0.3 if kind != "rank" else 0.05):
        opts.append([c.name("LIMIT"), c.rng.choice([b"0", b"1", b"2", b"-1", b"200", b"x"]),
                     c.rng.choice([b"1", b"2", b"5", b"-1", b"0", b"-5", b"x"])])
    if not store and c.chance(0.4 if kind != "lex" else 0.04):
        opts.append([c.name("WITHSCORES")])
    if c.chance(0.03):
        opts.append(c.rng.choice([[c.name("REV")], [c.name("BYSCORE")], [b"FOO"],
                                  [c.name("LIMIT"), b"0"]]))
    c.rng.shuffle(opts)
    return [a for o in opts for a in o]


def bounds(c, kind, rev):
    if kind == "rank":
        return [rank(c), rank(c)]
    pick = score_bound if kind == "score" else lex_bound
    lo, hi = pick(c), pick(c)
    return [hi, lo] if rev and c.chance(0.8) else [lo, hi]


def gen_zrange(c):
    kind = c.rng.choice(["rank", "score", "lex"])
    key = c.rng.choice(LEX_KEYS) if kind == "lex" else zkey(c)
    opts = range_opts(c, kind)
    rev = any(o.upper() == b"REV" for o in opts)
    return [c.name("ZRANGE"), key] + bounds(c, kind, rev) + opts


def gen_zrangestore(c):
    kind = c.rng.choice(["rank", "score", "lex"])
    if kind == "lex":
        src = c.rng.choice(LEX_KEYS)
        dst = c.rng.choice(LEX_KEYS + [c.key()])
    else:
        src = zkey(c)
        dst = c.key()
    opts = range_opts(c, kind, store=True)
    rev = any(o.upper() == b"REV" for o in opts)
    if c.chance(0.03):
        opts.append(c.name("WITHSCORES"))  # not for a store: syntax error
    return [c.name("ZRANGESTORE"), dst, src] + bounds(c, kind, rev) + opts


def gen_legacy_range(c):
    cmd = c.rng.choice(["ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX",
                        "ZREVRANGEBYLEX"])
    kind = "rank" if cmd == "ZREVRANGE" else ("lex" if cmd.endswith("LEX") else "score")
    key = c.rng.choice(LEX_KEYS) if kind == "lex" else zkey(c)
    args = [c.name(cmd), key] + bounds(c, kind, cmd.startswith("ZREV"))
    if kind != "lex" and c.chance(0.5) or c.chance(0.03):
        args.append(c.name("WITHSCORES"))
    if kind != "rank" and c.chance(0.3) or c.chance(0.03):
        args += [c.name("LIMIT"), c.rng.choice([b"0", b"1", b"-1", b"3"]),
                 c.rng.choice([b"1", b"2", b"-1", b"0"])]
    if c.chance(0.03):
        args.append(c.rng.choice([c.name("REV"), c.name("BYSCORE"), b"FOO"]))
    return args


def gen_zcount(c):
    if c.chance(0.5):
        return [c.name("ZCOUNT"), zkey(c), score_bound(c), score_bound(c)]
    return [c.name("ZLEXCOUNT"), c.rng.choice(LEX_KEYS), lex_bound(c), lex_bound(c)]


def gen_zremrange(c):
    kind = c.rng.choice(["rank", "score", "lex"])
    if kind == "rank":
        return [c.name("ZREMRANGEBYRANK"), zkey(c), rank(c), rank(c)]
    if kind == "score":
        return [c.name("ZREMRANGEBYSCORE"), zkey(c), score_bound(c), score_bound(c)]
    return [c.name("ZREMRANGEBYLEX"), c.rng.choice(LEX_KEYS), lex_bound(c), lex_bound(c)]


# ---------------------------------------------------------------------------------------------
# algebra


def source_keys(c):
    return [zkey(c) for _ in range(c.rng.randint(1, 3))]


def numkeys_arg(c, n):
    if c.chance(0.05):
        return c.rng.choice([b"0", b"-1", b"x", b"%d" % (n + 3)])
    return b"%d" % n


def gen_algebra(c):
    op = c.rng.choice(["UNION", "INTER", "DIFF"])
    store = c.chance(0.4)
    keys = source_keys(c)
    args = [c.name("Z" + op + ("STORE" if store else ""))]
    if store:
        args.append(c.key())
    args += [numkeys_arg(c, len(keys))] + keys
    if (op != "DIFF" or c.chance(0.05)) and c.chance(0.4):
        args.append(c.name("WEIGHTS"))
        args += [c.rng.choice(WEIGHTS) for _ in range(len(keys))]
        if c.chance(0.05):
            args[-1] = c.rng.choice([b"x", b"nan"])
    if (op != "DIFF" or c.chance(0.05)) and c.chance(0.4):
        args += [c.name("AGGREGATE"), c.name(c.rng.choice(["SUM", "MIN", "MAX", "FOO"]))]
    if (not store or c.chance(0.05)) and c.chance(0.5):
        args.append(c.name("WITHSCORES"))
    return args


def gen_zintercard(c):
    keys = source_keys(c)
    args = [c.name("ZINTERCARD"), numkeys_arg(c, len(keys))] + keys
    if c.chance(0.4):
        args += [c.name("LIMIT"), c.rng.choice([b"0", b"1", b"2", b"-1", b"x"])]
    if c.chance(0.04):
        args.append(c.rng.choice([c.name("WITHSCORES"), c.name("LIMIT")]))
    return args


def gen_config(c):
    """The listpack limits, mostly back to the defaults (they are global and persist)."""
    if c.chance(0.5):
        return [c.name("CONFIG"), c.name("SET"), b"zset-max-listpack-entries",
                c.rng.choice([b"128", b"128", b"128", b"16", b"1", b"0"])]
    return [c.name("CONFIG"), c.name("SET"), b"zset-max-listpack-value",
            c.rng.choice([b"64", b"64", b"64", b"3", b"0"])]


# name -> Redis 7.0 arity (+N exact, -N at least, counting the name)
ARITY = {"ZADD": -4, "ZINCRBY": 4, "ZSCORE": 3, "ZMSCORE": -3, "ZCARD": 2, "ZCOUNT": 4,
         "ZLEXCOUNT": 4, "ZRANK": 3, "ZREVRANK": 3, "ZRANGE": -4, "ZRANGESTORE": -5,
         "ZREVRANGE": -4, "ZRANGEBYSCORE": -4, "ZREVRANGEBYSCORE": -4, "ZRANGEBYLEX": -4,
         "ZREVRANGEBYLEX": -4, "ZREM": -3, "ZREMRANGEBYRANK": 4, "ZREMRANGEBYSCORE": 4,
         "ZREMRANGEBYLEX": 4, "ZPOPMIN": -2, "ZPOPMAX": -2, "ZMPOP": -4, "ZRANDMEMBER": -2,
         "ZUNION": -3, "ZINTER": -3, "ZDIFF": -3, "ZUNIONSTORE": -4, "ZINTERSTORE": -4,
         "ZDIFFSTORE": -4, "ZINTERCARD": -3, "ZSCAN": -3, "BZPOPMIN": -3, "BZPOPMAX": -3,
         "BZMPOP": -5}


def gen_zarity(c):
    """A wrong number of arguments for one of the family's commands."""
    name, arity = c.rng.choice(sorted(ARITY.items()))
    if arity > 0:
        n = c.rng.choice([arity - 1, arity + 1])
    else:
        n = c.rng.randint(1, -arity - 1)
    return [c.name(name)] + [c.key() if i == 0 else b"1" for i in range(n - 1)]


ZSETS = [
    (12, gen_zadd),
    (5, gen_zadd_lex),
    (3, gen_zincrby),
    (3, lambda c: [c.name("ZSCORE"), zkey(c), member(c)]),
    (2, lambda c: [c.name("ZMSCORE"), zkey(c)] + [member(c) for _ in range(c.rng.randint(1, 3))]),
    (2, lambda c: [c.name("ZCARD"), zkey(c)]),
    (3, gen_zcount),
    (3, lambda c: [c.name(c.rng.choice(["ZRANK", "ZREVRANK"])), zkey(c),
                   member(c) if c.chance(0.8) else c.rng.choice(LEX_MEMBERS)]),
    (3, lambda c: [c.name("ZREM"), zkey(c)] + [member(c) for _ in range(c.rng.randint(1, 3))]),
    (1, lambda c: [c.name("ZREM"), c.rng.choice(LEX_KEYS)] + [c.rng.choice(LEX_MEMBERS)]),
    (8, gen_zrange),
    (3, gen_zrangestore),
    (5, gen_legacy_range),
    (3, gen_zremrange),
    (3, gen_zpop),
    (2, gen_zmpop),
    (1.5, gen_bzpop),
    (1.5, gen_bzmpop),
    (2, gen_zrandmember),
    (2, gen_zscan),
    (5, gen_algebra),
    (2, gen_zintercard),
    (3, lambda c: [c.name("OBJECT"), c.name("ENCODING"), zkey(c)]),
    (0.3, gen_config),
    (0.5, gen_zarity),
]
