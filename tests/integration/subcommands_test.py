"""Declared subcommands (OBJECT MEMORY CONFIG CLIENT COMMAND SLOWLOG) against the real binary:
the dispatcher rejects an unknown subcommand or a subcommand's wrong arity before any handler
runs, inside MULTI too (the transaction then aborts with EXECABORT), subcommand names are
case-insensitive, INFO commandstats counts each subcommand as cmdstat_<container>|<sub>, and
COMMAND INFO lists a container's subcommands in its last element.

The expected replies were taken from Debian's redis-server 7.0.15; where a redis-server is
installed, the *_match_redis tests run the same requests against it and compare."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, encode, expect_eq, expect_in,  # noqa: E402
                     expect_true, fail, free_port, run_tests, skip, spawn, binary_from_argv)
import resp_raw  # noqa: E402

BINARY = binary_from_argv()
E = RespError


def arity(name):
    return E("ERR wrong number of arguments for '%s' command" % name)


def unknown(sub, container):
    return E("ERR unknown subcommand '%s'. Try %s HELP." % (sub, container))


# (request, reply) pairs, each a rejection by the dispatcher (or Redis's check in a handler).
REJECTIONS = [
    (["OBJECT"], arity("object")),
    (["OBJECT", "HELP", "extra"], arity("object|help")),
    (["OBJECT", "ENCODING"], arity("object|encoding")),
    (["OBJECT", "ENCODING", "k", "x"], arity("object|encoding")),
    (["OBJECT", "REFCOUNT"], arity("object|refcount")),
    (["OBJECT", "IDLETIME", "a", "b"], arity("object|idletime")),
    (["OBJECT", "FREQ"], arity("object|freq")),
    (["OBJECT", "FOO", "x"], unknown("FOO", "OBJECT")),
    (["object", "foo"], unknown("foo", "OBJECT")),
    (["OBJECT", "ab\0cd", "x"], unknown("ab", "OBJECT")),  # a C string, as Redis prints it
    (["OBJECT", "a" * 200, "x"], unknown("a" * 128, "OBJECT")),  # cut to 128 bytes
    (["MEMORY"], arity("memory")),
    (["MEMORY", "USAGE"], arity("memory|usage")),
    (["MEMORY", "HELP", "x"], arity("memory|help")),
    (["memory", "nosuch"], unknown("nosuch", "MEMORY")),
    (["CONFIG"], arity("config")),
    (["CONFIG", "GET"], arity("config|get")),
    (["CONFIG", "SET", "maxclients"], arity("config|set")),
    (["CONFIG", "SET", "a", "b", "c"], E("ERR syntax error")),
    (["CONFIG", "RESETSTAT", "x"], arity("config|resetstat")),
    (["CONFIG", "HELP", "x"], arity("config|help")),
    (["Config", "Frobnicate"], unknown("Frobnicate", "CONFIG")),
    (["CLIENT"], arity("client")),
    (["CLIENT", "ID", "x"], arity("client|id")),
    (["CLIENT", "GETNAME", "x"], arity("client|getname")),
    (["CLIENT", "SETNAME"], arity("client|setname")),
    (["CLIENT", "SETNAME", "a", "b"], arity("client|setname")),
    (["CLIENT", "KILL"], arity("client|kill")),
    (["CLIENT", "INFO", "x"], arity("client|info")),
    (["CLIENT", "NO-EVICT"], arity("client|no-evict")),
    (["CLIENT", "HELP", "x"], arity("client|help")),
    (["client", "bogus"], unknown("bogus", "CLIENT")),
    (["SLOWLOG"], arity("slowlog")),
    (["SLOWLOG", "LEN", "x"], arity("slowlog|len")),
    (["SLOWLOG", "RESET", "x"], arity("slowlog|reset")),
    (["SLOWLOG", "HELP", "x"], arity("slowlog|help")),
    (["SLOWLOG", "GET", "1", "2"],
     E("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.")),
    (["slowlog", "nope"], unknown("nope", "SLOWLOG")),
    (["COMMAND", "COUNT", "x"], arity("command|count")),
    (["COMMAND", "HELP", "x"], arity("command|help")),
    (["COMMAND", "LIST", "x"], E("ERR syntax error")),
    (["COMMAND", "NOPE"], unknown("NOPE", "COMMAND")),
    # A fullname is no command name.
    (["OBJECT|ENCODING", "x"],
     E("ERR unknown command 'OBJECT|ENCODING', with args beginning with: 'x' ")),
]

# Subcommands that succeed, in any letter case.
ACCEPTED = [
    (["SET", "k", "1"], "OK"),
    (["ObJeCt", "EnCoDiNg", "k"], b"int"),
    (["object", "refcount", "k"], 2147483647),
    (["OBJECT", "ENCODING", "nokey"], None),
    (["config", "get", "maxclients"], [b"maxclients", b"10000"]),
    (["Client", "SetName", "sub"], "OK"),
    (["CLIENT", "getname"], b"sub"),
    (["memory", "Usage", "nokey"], None),
    (["SlowLog", "Reset"], "OK"),
    (["COMMAND", "info", "nosuch"], [None]),
]

# The flags mini-redis models (COMMAND INFO shows no others).
MODELED_FLAGS = {"write", "readonly", "fast", "admin", "no_auth", "loading", "stale"}

CONTAINERS = ["object", "memory", "config", "client", "slowlog", "command"]

# Redis 7.0.15's subcommands that mini-redis offers, plus CLIENT SETINFO and NO-TOUCH (7.2).
OFFERED = {
    "object": {"encoding", "refcount", "idletime", "freq", "help"},
    "memory": {"usage", "purge", "help"},
    "config": {"get", "set", "resetstat", "help"},
    "client": {"id", "info", "list", "kill", "getname", "setname", "setinfo", "reply", "pause",
               "unpause", "no-evict", "no-touch", "unblock", "tracking", "caching", "getredir",
               "trackinginfo", "help"},
    "slowlog": {"get", "len", "reset", "help"},
    "command": {"count", "list", "info", "docs", "help"},
}
NEWER_THAN_7_0 = {b"client|setinfo", b"client|no-touch"}


def run_pairs(c, pairs, what):
    for args, expected in pairs:
        expect_eq(c.call(*args), expected, "%s: %r" % (what, args))


def multi_aborts(c, what):
    """A bad subcommand inside MULTI is refused at once and EXEC answers EXECABORT."""
    expect_eq(c.call("MULTI"), "OK", what)
    expect_eq(c.call("SET", "tx", "1"), "QUEUED", what)
    expect_eq(c.call("OBJECT", "HELP", "extra"), arity("object|help"), what)
    expect_eq(c.call("OBJECT", "FOO", "x"), unknown("FOO", "OBJECT"), what)
    expect_eq(c.call("CONFIG", "GET"), arity("config|get"), what)
    expect_eq(c.call("EXEC"),
              E("EXECABORT Transaction discarded because of previous errors."), what)
    expect_eq(c.call("EXISTS", "tx"), 0, "%s: nothing ran" % what)
    # Each rejection alone aborts too.
    for bad in (["MEMORY", "USAGE"], ["SLOWLOG", "nope"], ["COMMAND", "COUNT", "x"]):
        expect_eq(c.call("MULTI"), "OK", what)
        expect_true(isinstance(c.call(*bad), RespError), "%s: %r refused" % (what, bad))
        expect_eq(c.call("EXEC"),
                  E("EXECABORT Transaction discarded because of previous errors."),
                  "%s: %r aborts" % (what, bad))
    # Good subcommands are queued and re-resolved at EXEC.
    c.call("SET", "k", "hello")
    expect_eq(c.call("MULTI"), "OK", what)
    for args in (["object", "ENCODING", "k"], ["MEMORY", "usage", "nokey"],
                 ["config", "GET", "maxclients"], ["slowlog", "len"], ["COMMAND", "INFO", "x"]):
        expect_eq(c.call(*args), "QUEUED", "%s: %r queued" % (what, args))
    got = c.call("EXEC")
    expect_eq(got[:3] + got[4:], [b"embstr", None, [b"maxclients", b"10000"], [None]],
              "%s: EXEC replies" % what)
    expect_true(isinstance(got[3], int), "%s: SLOWLOG LEN in EXEC" % what)


def commandstats(c):
    """{name: (calls, rejected_calls, failed_calls)} from INFO commandstats."""
    out = {}
    text = c.call("INFO", "commandstats").decode()
    for line in text.split("\r\n"):
        if not line.startswith("cmdstat_"):
            continue
        name, fields = line[len("cmdstat_"):].split(":", 1)
        kv = dict(f.split("=") for f in fields.split(","))
        out[name] = (int(kv["calls"]), int(kv["rejected_calls"]), int(kv["failed_calls"]))
    return out


STATS_SCRIPT = [["CONFIG", "GET", "maxclients"], ["config", "get", "x*"], ["CONFIG", "GET"],
                ["OBJECT", "HELP", "extra"], ["OBJECT", "FOO", "x"], ["OBJECT"],
                ["object", "encoding", "nokey"], ["SLOWLOG", "LEN"], ["CLIENT", "ID"],
                ["CLIENT", "ID", "x"], ["MEMORY", "USAGE", "k", "SAMPLES", "x"]]
STATS_EXPECTED = {
    "config|get": (2, 1, 0),
    "object|help": (0, 1, 0),
    "object": (0, 1, 0),  # OBJECT alone; OBJECT FOO counts for no command, as in Redis
    "object|encoding": (1, 0, 0),
    "slowlog|len": (1, 0, 0),
    "client|id": (1, 1, 0),
    "memory|usage": (1, 0, 1),
}


def stats_after_script(c):
    for args in STATS_SCRIPT:
        c.call(*args)
    return commandstats(c)


def command_info(c, *names):
    return c.call("COMMAND", "INFO", *names)


def check_info_shape(info, what):
    """A COMMAND INFO entry: 10 elements, the last a list of subcommand entries (each itself
    a 10-element entry with an empty last element)."""
    expect_eq(len(info), 10, "%s: entry length" % what)
    for sub in info[9]:
        expect_eq(len(sub), 10, "%s: %r entry length" % (what, sub[0]))
        expect_eq(list(sub[9]), [], "%s: %r has no subcommands" % (what, sub[0]))
        expect_true(sub[0].startswith(info[0] + b"|"), "%s: %r fullname" % (what, sub[0]))


def test_rejections():
    with Server(BINARY) as srv, srv.conn() as c:
        run_pairs(c, REJECTIONS, "mini-redis")
        run_pairs(c, ACCEPTED, "mini-redis")


def test_multi():
    with Server(BINARY) as srv, srv.conn() as c:
        multi_aborts(c, "mini-redis")


def test_commandstats():
    with Server(BINARY) as srv, srv.conn() as c:
        stats = stats_after_script(c)
        for name, counts in STATS_EXPECTED.items():
            expect_eq(stats.get(name), counts, "cmdstat_%s" % name)
        expect_true("config" not in stats, "no cmdstat_config: %r" % sorted(stats))
        latency = c.call("INFO", "latencystats").decode()
        expect_in("latency_percentiles_usec_config|get:", latency, "latencystats")


def test_command_info():
    with Server(BINARY) as srv, srv.conn() as c:
        infos = command_info(c, *CONTAINERS)
        for name, info in zip(CONTAINERS, infos):
            check_info_shape(info, name)
            subs = {s[0].decode().split("|")[1] for s in info[9]}
            expect_eq(subs, OFFERED[name], "%s subcommands" % name)
        get = command_info(c, "config|get", "OBJECT|encoding", "object|nosuch")
        expect_eq(get[0][:2], [b"config|get", -3], "COMMAND INFO by fullname")
        expect_eq(get[1][:6], [b"object|encoding", 3, ["readonly"], 2, 2, 1], "object|encoding")
        expect_eq(get[2], None, "unknown fullname")
        everything = c.call("COMMAND")
        count = c.call("COMMAND", "COUNT")
        expect_eq(len(everything), count, "COMMAND COUNT counts top-level commands")
        names = c.call("COMMAND", "LIST")
        nsubs = sum(len(i[9]) for i in everything)
        expect_eq(len(names), count + nsubs, "COMMAND LIST names subcommands too")
        expect_in(b"config|get", names, "COMMAND LIST")
        expect_eq(sorted(c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "slowlog*")),
                  sorted([b"slowlog", b"slowlog|get", b"slowlog|len", b"slowlog|reset",
                          b"slowlog|help"]), "COMMAND LIST FILTERBY PATTERN")
        # In RESP3 the subcommand list is an array, an empty one a set, as Redis sends them.
        c.call("HELLO", "3")
        raw = raw_reply(c, "COMMAND", "INFO", "slowlog", "get")
        kinds = [[e.kind for e in entry.value] for entry in raw.value]
        expect_eq(kinds[0][9], "*", "a container's subcommands: an array")
        expect_eq(kinds[1][9], "~", "no subcommands: an empty set")
        expect_eq([e.kind for e in raw.value[0].value[9].value[0].value][9], "~",
                  "a subcommand's own subcommands: an empty set")


def test_client_on_reactor():
    """CLIENT subcommands still run on the reactor, in request order with their neighbours."""
    with Server(BINARY) as srv, srv.conn() as c:
        c.send(b"".join(encode(*a) for a in (["SET", "n", "1"], ["CLIENT", "SETNAME", "x"],
                                             ["client", "getname"], ["INCR", "n"],
                                             ["CLIENT", "INFO"], ["CLIENT", "LIST"])))
        got = c.read_replies(6)
        expect_eq(got[:4], ["OK", "OK", b"x", 2], "pipelined around CLIENT")
        expect_in(b" cmd=client|info ", got[4], "CLIENT INFO names its subcommand")
        expect_in(b" cmd=client|list ", got[5], "CLIENT LIST names its subcommand")
        expect_eq(c.call("CLIENT", "NO-TOUCH", "maybe"), E("ERR syntax error"), "CLIENT NO-TOUCH")


def raw_reply(c, *args):
    start = len(c.buf)
    c.send(encode(*args))
    c.read_reply()
    node, _ = resp_raw.parse(bytes(c.buf[start:c.pos]))
    return node


def redis_conn():
    """A Conn to a fresh redis-server (skips when none is installed), and its process."""
    exe = shutil.which("redis-server")
    if not exe:
        skip("redis-server not installed: expectations not re-checked against Redis")
    port = free_port()
    proc = spawn([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            return Conn(port), proc
        except OSError:
            if time.monotonic() > deadline:
                proc.terminate()
                fail("redis-server did not start")
            time.sleep(0.05)


def with_redis(fn):
    c, proc = redis_conn()
    try:
        with c:
            fn(c)
    finally:
        proc.terminate()
        proc.wait(10)


def test_rejections_match_redis():
    with_redis(lambda c: (run_pairs(c, REJECTIONS, "redis-server"),
                          run_pairs(c, [p for p in ACCEPTED if "NO-TOUCH" not in p[0]],
                                    "redis-server")))


def test_multi_matches_redis():
    with_redis(lambda c: multi_aborts(c, "redis-server"))


def test_commandstats_match_redis():
    def run(c):
        stats = stats_after_script(c)
        for name, counts in STATS_EXPECTED.items():
            expect_eq(stats.get(name), counts, "redis-server cmdstat_%s" % name)
        with Server(BINARY) as srv, srv.conn() as mine:
            ours = stats_after_script(mine)
        ours.pop("ping", None)  # the harness's readiness probe
        expect_eq(sorted(ours), sorted(stats), "the same cmdstat lines")
        expect_eq(ours, stats, "the same counts")
    with_redis(run)


def test_command_info_matches_redis():
    """Each subcommand we offer has Redis's arity, key positions and (modeled) flags."""
    def run(c):
        theirs = {}
        for info in command_info(c, *CONTAINERS):
            theirs[info[0]] = info
            for sub in info[9]:
                theirs[sub[0]] = sub
        with Server(BINARY) as srv, srv.conn() as mine:
            ours = command_info(mine, *CONTAINERS)
        for info in ours:
            for entry in [info] + list(info[9]):
                name = entry[0]
                if name in NEWER_THAN_7_0:
                    continue
                ref = theirs.get(name)
                expect_true(ref is not None, "Redis 7.0 has %r" % name)
                expect_eq(entry[1], ref[1], "%r arity" % name)
                expect_eq(entry[3:6], ref[3:6], "%r key positions" % name)
                expect_eq(set(entry[2]), set(ref[2]) & MODELED_FLAGS, "%r flags" % name)
    with_redis(run)


if __name__ == "__main__":
    run_tests([test_rejections, test_multi, test_commandstats, test_command_info,
               test_client_on_reactor, test_rejections_match_redis, test_multi_matches_redis,
               test_commandstats_match_redis, test_command_info_matches_redis])
