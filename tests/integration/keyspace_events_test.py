"""Keyspace notifications against the real binary: the same command scripts run against
mini-redis and Debian's redis-server 7.0.15 (started here), each with a PSUBSCRIBEd client,
and the event streams must be the same bytes, command by command, for every family and for
several notify-keyspace-events settings (K/E and class filtering, m and n); CONFIG GET/SET's
canonical forms and error; the setting from the file and from a SIGHUP reload; "expired" from
the active cycle for a key nobody reads, and once from lazy expiry; nothing at all while the
setting is off; one key's events in its writes' order across four workers; redis-py's PubSub
receiving keyspace messages."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Server, binary_from_argv, check, expect_eq, expect_error,  # noqa: E402
                     run_tests, skip)
import differential_test  # noqa: E402  (start_redis: the reference server on a free port)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None

BINARY = binary_from_argv()
PATTERN = "__key*__:*"
MARKER = "__keymarker__:end"  # matches PATTERN; published after each command as a fence

# One command a line; after each, the events it made are compared. Keys are fresh per family.
FAMILIES = {
    "string": """
set s1 v
set s1 v2 ex 100
set s1 v3 keepttl
set s1 v4 get
set s1 v5 px 100000 nx
set s1 v5 xx pxat 99999999999999
setnx s1 v
setnx s2 v
setex s3 100 v
psetex s4 100000 v
getset s1 x
getex s1 ex 100
getex s1 persist
getex s1
getex s1 exat 1
getdel s2
getdel s2
mset m1 1 m2 2
msetnx m3 1 m4 2
msetnx m3 1 m5 2
incr n
decr n
incrby n 5
decrby n 2
incr s3
incrbyfloat n 1.5
append s5 ab
append s5 cd
setrange s5 1 zz
setrange s7 3 x
setbit b1 3 1
setbit b1 3 1
bitop and b2 b1 s5
bitop or b3 nokey nokey2
set b4 x
bitop and b4 nokey b1
get s1
mget s1 nokey
strlen s5
""",
    "generic": """
set g1 v
set g2 v
del g1 g2 nokey
set g1 v
exists g1
expire g1 100
expire g1 100 nx
expire g1 50 gt
pexpire g1 100000
expireat g1 99999999999
pexpireat g1 99999999999999
ttl nokey
expire g1 0
set g1 v
expire g1 -1
set g1 v
pexpireat g1 1
set g1 v ex 100
persist g1
persist g1
rename g1 g8
set g9 old
rename g8 g9
renamenx g9 g10
set g11 x
renamenx g10 g11
rename g10 g10
set g12 v
move g12 3
set g13 v
select 3
set g13 other
select 0
move g13 3
copy g10 g14
copy g10 g14
copy g10 g14 replace
copy g10 g15 db 2
unlink g14 g15 nokey
touch g10
type g10
flushdb
set x 1
swapdb 0 1
flushall
""",
    "list": """
lpush l1 a b c
rpush l1 d e
lpushx l1 z
rpushx l1 y
lpushx nol z
linsert l1 before a q
linsert l1 after nomatch q
lset l1 0 w
lrem l1 1 q
lrem l1 1 nomatch
ltrim l1 0 3
lpop l1
rpop l1 2
lpop l1 0
lmove l1 l2 left right
rpoplpush l1 l2
rpush l4 x y
rpoplpush l4 l4
lmove l4 l4 left left
lmpop 2 nol l4 right count 10
ltrim l2 5 10
lrange l2 0 -1
rpush l3 a
rpop l3
rpush l5 a b c
lpop l5 5
rpush l6 a
lmove l6 l7 right left
rpush srt 3 1 2
sort srt store srt2
sort srt desc store srt2
sort nokey store srt2
sort srt limit 5 5 store srt3
llen l1
""",
    "set": """
sadd st1 a b c
sadd st1 a
srem st1 a nomatch
srem st1 nomatch
spop st1
spop st1 5
spop st1
sadd st1 x y z
smove st1 st2 x
smove st1 st2 nomatch
sadd st9 only
smove st9 st2 only
sadd st3 y w
sinterstore st4 st1 st3
sunionstore st5 st1 st3
sdiffstore st6 st1 st3
sinterstore st6 st1 nokey
sinterstore nokey9 st1 nokey
sunionstore st1 st1 st3
spop st3 0
sismember st1 y
""",
    "hash": """
hset h1 a 1 b 2
hset h1 a 1
hsetnx h1 c 3
hsetnx h1 c 3
hmset h1 d 4
hdel h1 a nomatch
hdel h1 nomatch
hincrby h1 b 5
hincrbyfloat h1 b 1.5
hincrby h2 f 1
hdel h1 b c d
hget h1 a
hgetall h2
""",
    "zset": """
zadd z1 1 a 2 b
zadd z1 1 a
zadd z1 incr 5 a
zadd z1 nx 1 a
zadd z1 xx 3 b
zadd z1 ch 9 c
zadd z1 xx 1 nomember
zadd nozset xx 1 a
zincrby z1 1 a
zincrby z1 0 a
zrem z1 a nomatch
zpopmin z1
zpopmax z1 3
zpopmin z1
zadd z2 1 a 2 b 3 c 4 d
zremrangebyscore z2 1 1
zremrangebyscore z2 100 200
zremrangebyrank z2 0 0
zremrangebylex z2 - +
zadd z3 1 a 2 b
zadd z4 1 b 3 c
zunionstore z5 2 z3 z4
zinterstore z6 2 z3 z4
zdiffstore z7 2 z3 z4
zrangestore z8 z3 0 -1
zrangestore z8 z3 5 10
zinterstore z6 2 z3 nokey
zmpop 1 z3 min count 5
zadd z9 1 a
zrem z9 a
zscore z4 b
""",
    "multi": """
multi
set t1 1
incrby t1 2
lpush t2 a
del t1 t2
exec
""",
}

# Reads on missing keys (m) and keys being created (n).
MISS_NEW = """
get nokey
mget nokey1 nokey2
exists nokey
set k1 v
set k1 w
get k1
hget nohash f
lrange nolist 0 -1
zscore noz a
smembers noset
lpush l1 a
lpush l1 b
sadd s1 a
hset h1 f v
zadd z1 1 a
rename k1 k2
set k3 v
copy k3 k4
copy k3 k4 replace
move k4 5
rpush l9 a
lmove l9 l10 left left
incr c1
append c2 x
"""

# Every family's lookups of absent keys: which report keymiss (read lookups) and which not.
MISSES = """
getdel k
getex k
getex k ex 10
set k v get
getset k2 v
del k k2
incr k
append k x
setrange k 0 x
del k
setbit k 1 1
del k
bitop and d a b
bitcount a
sinterstore d a b
sunionstore d a b
sdiffstore d a b
zunionstore d 2 a b
zinterstore d 2 a b
zdiffstore d 2 a b
zrangestore d a 0 -1
sort a store d
sort a
smove a b m
lmove a b left left
rpoplpush a b
lpop a
rpop a
spop a
zpopmin a
lmpop 2 a b left
zmpop 2 a b min
sinter a b
sunion a b
sdiff a b
zunion 2 a b
zinter 2 a b
zdiff 2 a b
sintercard 2 a b
zintercard 2 a b
copy a b
rename a b
renamenx a b
move a 1
exists a
type a
ttl a
pttl a
expiretime a
persist a
expire a 10
touch a
object encoding a
strlen a
getrange a 0 1
mget a b
hget a f
hgetall a
hexists a f
hlen a
hmget a f g
hrandfield a
hscan a 0
hincrby a f 1
del a
hdel a f
lrange a 0 1
llen a
lindex a 0
lpos a x
lset a 0 x
linsert a before x y
lrem a 1 x
ltrim a 0 1
lpushx a x
scard a
smembers a
sismember a x
smismember a x
srandmember a
sscan a 0
srem a x
zcard a
zscore a x
zrange a 0 1
zrangebyscore a 0 1
zrank a x
zcount a 0 1
zmscore a x
zrandmember a
zscan a 0
zrem a x
zremrangebyscore a 0 1
zincrby a 1 x
del a
zadd a xx 1 x
lcs a b
"""

SETTINGS = ["KEA", "K$", "Eg", "Kls", "Ehz", "KE", "KEAm", "KEAn", "KEAmn", "KEx", "AK"]


class EventClient:
    """A command connection, a PSUBSCRIBEd one and one that publishes the fence after each
    command (not the command connection: inside MULTI its PUBLISH would be queued)."""

    def __init__(self, port):
        self.cmd = harness.Conn(port)
        self.fence = harness.Conn(port)
        self.sub = harness.Conn(port)
        self.sub.send_cmd("PSUBSCRIBE", PATTERN)
        expect_eq(self.sub.read_reply(), [b"psubscribe", PATTERN.encode(), 1], "PSUBSCRIBE")

    def close(self):
        self.cmd.close()
        self.fence.close()
        self.sub.close()

    def run(self, args):
        """Runs one command; returns (its reply, the (channel, message) pairs it made)."""
        reply = self.cmd.call(*args)
        self.fence.call("PUBLISH", MARKER, "fence")
        events = []
        while True:
            m = self.sub.read_reply()
            assert isinstance(m, list) and m[0] == b"pmessage", m
            if m[2] == MARKER.encode():
                return reply, events
            events.append((m[2], m[3]))


def script_lines(text):
    return [line.split() for line in text.strip().splitlines() if line.strip()]


def run_script(port, setting, lines):
    c = EventClient(port)
    try:
        c.cmd.call("FLUSHALL")
        expect_eq(c.cmd.call("CONFIG", "SET", "notify-keyspace-events", setting), "OK",
                  "CONFIG SET " + setting)
        return [c.run(args) for args in lines]
    finally:
        c.cmd.call("CONFIG", "SET", "notify-keyspace-events", "")
        c.close()


def compare(ref_port, sut_port, setting, name, text):
    lines = script_lines(text)
    ref = run_script(ref_port, setting, lines)
    got = run_script(sut_port, setting, lines)
    for args, (ref_reply, ref_events), (got_reply, got_events) in zip(lines, ref, got):
        what = "%s [%s] %s" % (name, setting, " ".join(args))
        expect_eq(got_events, ref_events, what + ": events")
        if not args[0].lower().startswith(("spop", "srandmember")):
            expect_eq(got_reply, ref_reply, what + ": reply")


def reference():
    if not os.path.exists(differential_test.REDIS):
        skip("no %s to compare with" % differential_test.REDIS)
    port, _log = differential_test.start_redis()
    return port


def test_families_match_redis():
    ref = reference()
    with Server(BINARY) as srv:
        for name, text in FAMILIES.items():
            check(name, compare, ref, srv.port, "KEA", name, text)


def test_settings_filter_as_redis():
    ref = reference()
    with Server(BINARY) as srv:
        everything = "\n".join(FAMILIES.values())
        for setting in SETTINGS:
            check(setting, compare, ref, srv.port, setting, "all families", everything)


def test_keymiss_and_new_match_redis():
    ref = reference()
    with Server(BINARY) as srv:
        for setting in ["KEAmn", "Km", "En", "KEA"]:
            check(setting, compare, ref, srv.port, setting, "miss/new", MISS_NEW)
        check("misses", compare, ref, srv.port, "KEm", "misses", MISSES)


def test_config_forms():
    ref = reference()
    with Server(BINARY) as srv:
        ours, theirs = srv.conn(), harness.Conn(ref)
        expect_eq(ours.call("CONFIG", "GET", "notify-keyspace-events"),
                  [b"notify-keyspace-events", b""], "default: off")
        for value in ["KEA", "KEAmn", "Ad", "dtmKEg", "Ed", "nK", "g$lshzxet", "Kx", "", "KEAq",
                      "x y", "A"]:
            for c in (ours, theirs):
                c.call("CONFIG", "SET", "notify-keyspace-events", "")
            got = ours.call("CONFIG", "SET", "notify-keyspace-events", value)
            want = theirs.call("CONFIG", "SET", "notify-keyspace-events", value)
            expect_eq(got, want, "CONFIG SET %r" % value)
            expect_eq(ours.call("CONFIG", "GET", "notify-keyspace-events"),
                      theirs.call("CONFIG", "GET", "notify-keyspace-events"),
                      "CONFIG GET after %r" % value)
        expect_error(ours.call("CONFIG", "SET", "notify-keyspace-events", "KEAq"),
                     "ERR CONFIG SET failed (possibly related to argument "
                     "'notify-keyspace-events') - Invalid event class character. "
                     "Use 'Ag$lshzxeKEtmdn'.", "bad letter")
        ours.close()
        theirs.close()


def test_config_file_and_off():
    with Server(BINARY, config={"notify-keyspace-events": "KEl"}) as srv:
        c = EventClient(srv.port)
        expect_eq(c.cmd.call("CONFIG", "GET", "notify-keyspace-events"),
                  [b"notify-keyspace-events", b"lKE"], "from the file")
        expect_eq(c.run(["RPUSH", "l", "a"])[1],
                  [(b"__keyspace@0__:l", b"rpush"), (b"__keyevent@0__:rpush", b"l")],
                  "list events from the file's setting")
        expect_eq(c.run(["SET", "s", "v"])[1], [], "no string class")
        c.cmd.call("CONFIG", "SET", "notify-keyspace-events", "")
        for args in (["SET", "a", "1", "EX", "100"], ["LPUSH", "l", "x"], ["DEL", "a", "l"],
                     ["SET", "b", "1", "PX", "1"], ["GET", "b"]):
            expect_eq(c.run(args)[1], [], "off: nothing for %s" % " ".join(args))
        c.close()


def test_sighup_reload():
    with Server(BINARY, config={}) as srv:
        c = EventClient(srv.port)
        expect_eq(c.run(["SET", "a", "1"])[1], [], "off at start")
        srv.write_config({"port": srv.port, "notify-keyspace-events": "Kz"})
        srv.reload("configuration reloaded")
        expect_eq(c.cmd.call("CONFIG", "GET", "notify-keyspace-events"),
                  [b"notify-keyspace-events", b"zK"], "reloaded")
        expect_eq(c.run(["ZADD", "z", "1", "m"])[1], [(b"__keyspace@0__:z", b"zadd")],
                  "the reloaded setting applies")
        srv.write_config({"port": srv.port})
        srv.reload("configuration reloaded")
        expect_eq(c.run(["ZADD", "z", "2", "n"])[1], [], "off again")
        c.close()


def test_expired_from_active_cycle():
    with Server(BINARY, config={"hz": 100}) as srv:
        c = EventClient(srv.port)
        c.cmd.call("CONFIG", "SET", "notify-keyspace-events", "KEx")
        expect_eq(c.run(["SET", "gone", "v", "PX", "50"])[1], [], "set/expire are not class x")
        c.cmd.call("SELECT", "4")
        c.cmd.call("SET", "gone4", "v", "PX", "50")
        got = [c.sub.read_reply(timeout=10) for _ in range(4)]  # nobody reads the keys
        frames = sorted((m[2], m[3]) for m in got)
        expect_eq(frames, sorted([(b"__keyspace@0__:gone", b"expired"),
                                  (b"__keyevent@0__:expired", b"gone"),
                                  (b"__keyspace@4__:gone4", b"expired"),
                                  (b"__keyevent@4__:expired", b"gone4")]),
                  "expired events from the active cycle")
        # Each key's keyspace message comes before its keyevent message.
        order = [(m[2], m[3]) for m in got]
        for key, db in ((b"gone", b"0"), (b"gone4", b"4")):
            expect_eq(order.index((b"__keyspace@" + db + b"__:" + key, b"expired")) <
                      order.index((b"__keyevent@" + db + b"__:expired", key)), True,
                      "keyspace before keyevent for " + key.decode())
        expect_eq(srv.call("EXISTS", "gone"), 0, "gone")
        c.close()


def test_lazy_expiry_once():
    with Server(BINARY, config={"hz": 1}) as srv:
        c = EventClient(srv.port)
        c.cmd.call("CONFIG", "SET", "notify-keyspace-events", "Eg$x")
        c.run(["SET", "k", "v", "PX", "20"])
        time.sleep(0.1)
        # Expired by this GET or by the cycle before it: exactly one "expired", never a del.
        reply, events = c.run(["GET", "k"])
        expect_eq(reply, None, "GET after expiry")
        if not events:
            events = [(m[2], m[3]) for m in [c.sub.read_reply(timeout=5)]]
        expect_eq(events, [(b"__keyevent@0__:expired", b"k")], "one expired event")
        expect_eq(c.run(["GET", "k"])[1], [], "and only one")
        c.close()


def test_per_key_order_across_workers():
    """Four clients, on four workers, SET and DEL the same key in pipelines: the events must be
    a history the key could have had (a del only after a set since the previous del, as DEL
    reports only a key that was there), and the last one must say how the key was left."""
    clients, rounds, pipeline = 4, 30, 50
    with Server(BINARY, workers=4) as srv:
        c = EventClient(srv.port)
        c.cmd.call("CONFIG", "SET", "notify-keyspace-events", "Eg$")
        deleted = [0] * clients
        errors = []

        def writer(i):
            try:
                with harness.Conn(srv.port) as w:
                    for _ in range(rounds):
                        for _ in range(pipeline):
                            w.send_cmd("SET", "k", "v%d" % i)
                            w.send_cmd("DEL", "k")
                        replies = w.read_replies(2 * pipeline)
                        deleted[i] += sum(replies[1::2])
            except Exception as e:  # reported below, in the test's thread
                errors.append(e)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expect_eq(errors, [], "writers")
        c.fence.call("PUBLISH", MARKER, "fence")
        events = []
        while True:
            m = c.sub.read_reply()
            if m[2] == MARKER.encode():
                break
            expect_eq(m[3], b"k", "the key")
            events.append(m[2].rsplit(b":", 1)[1])
        sets = clients * rounds * pipeline
        expect_eq(events.count(b"set"), sets, "one set event per SET")
        expect_eq(events.count(b"del"), sum(deleted), "one del event per DEL that deleted")
        exists = False
        for n, e in enumerate(events):
            if e == b"del":
                expect_eq(exists, True, "event %d: a del while the key was absent" % n)
            exists = e == b"set"
        expect_eq(srv.call("EXISTS", "k"), 1 if exists else 0, "the last event names the state")
        c.close()


def test_redis_py():
    if redis is None:
        skip("python3-redis not installed")
    with Server(BINARY) as srv:
        r = redis.Redis(port=srv.port)
        r.config_set("notify-keyspace-events", "KEA")
        expect_eq(r.config_get("notify-keyspace-events"), {"notify-keyspace-events": "AKE"},
                  "redis-py CONFIG GET")
        p = r.pubsub()
        p.psubscribe("__keyspace@0__:*")
        expect_eq(p.get_message(timeout=5)["type"], "psubscribe", "subscribed")
        r.set("user:1", "x", ex=60)
        r.hset("user:2", mapping={"a": 1})
        r.delete("user:1")
        got = []
        while len(got) < 4:
            m = p.get_message(timeout=5)
            if m is None:
                break
            got.append((m["channel"], m["data"]))
        expect_eq(got, [(b"__keyspace@0__:user:1", b"set"), (b"__keyspace@0__:user:1", b"expire"),
                        (b"__keyspace@0__:user:2", b"hset"), (b"__keyspace@0__:user:1", b"del")],
                  "redis-py keyspace messages")
        p.close()
        r.close()


if __name__ == "__main__":
    run_tests([test_config_forms, test_families_match_redis, test_settings_filter_as_redis,
               test_keymiss_and_new_match_redis, test_config_file_and_off,
               test_sighup_reload,
               test_expired_from_active_cycle, test_lazy_expiry_once,
               test_per_key_order_across_workers, test_redis_py])
