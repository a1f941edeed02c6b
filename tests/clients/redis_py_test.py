"""redis-py (Debian's python3-redis, run under /usr/bin/python3) against the server at
REDIS_PORT / REDIS_AUTH_PORT (see checks.py): password, Redis(db=2), set/get, set(ex=) + ttl,
expire, scan_iter(match=) over 1000 keys, pipeline() (a MULTI/EXEC transaction by default)
results, WATCH optimistic update with a conflict and a retry, lists, hashes, sets, sorted sets
and SORT through the client's own methods, and RESP3 (protocol=3) where the
installed redis-py has it (5.0 and later; Debian 12 ships 4.3.4, so that check says skip).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import redis  # noqa: E402
from checks import (AUTH_PORT, PASSWORD, PORT, Conn, SkipCheck, check,  # noqa: E402
                    expect_eq, expect_true, finish, get_in_db, ttl_near)

VERSION = tuple(int(p) for p in redis.__version__.split(".")[:2])


def client(**kwargs):
    kwargs.setdefault("port", PORT)
    return redis.Redis(host="127.0.0.1", socket_timeout=10, **kwargs)


def password():
    r = client(port=AUTH_PORT, password=PASSWORD)
    expect_eq(r.set("py:auth", "yes"), True, "SET")
    expect_eq(r.get("py:auth"), b"yes", "GET")
    try:
        client(port=AUTH_PORT, password="not-the-password").ping()
        expect_true(False, "PING with a wrong password fails")
    except (redis.exceptions.ResponseError, redis.exceptions.AuthenticationError) as e:
        expect_true(str(e).startswith("WRONGPASS") or "invalid username-password" in str(e),
                    "a WRONGPASS error, got %r" % str(e))


def db2():
    r = client(db=2)
    expect_eq(r.set("py:db", "two"), True, "SET")
    expect_eq(r.get("py:db"), b"two", "GET through the client")
    expect_eq(get_in_db(2, "py:db"), b"two", "raw SELECT 2; GET")
    expect_eq(get_in_db(0, "py:db"), None, "raw SELECT 0; GET")


def set_get():
    r = client(decode_responses=True)
    expect_eq(r.set("py:k", "héllo ✓"), True, "SET")
    expect_eq(r.get("py:k"), "héllo ✓", "GET (UTF-8)")
    expect_eq(r.set("py:k", "v2", nx=True), None, "SET NX of an existing key")
    expect_eq(r.get("py:missing"), None, "GET of a missing key")
    expect_eq(r.delete("py:k"), 1, "DEL")


def set_ex_ttl():
    r = client()
    expect_eq(r.set("py:ex", "v", ex=30), True, "SET EX 30")
    ttl_near(r.ttl("py:ex"), 30, "TTL after SET EX 30")
    expect_eq(r.set("py:noex", "v"), True, "SET")
    expect_eq(r.ttl("py:noex"), -1, "TTL of a key without expiry")
    expect_eq(r.ttl("py:missing"), -2, "TTL of a missing key")


def expire():
    r = client()
    expect_eq(r.set("py:exp", "v"), True, "SET")
    expect_eq(r.expire("py:exp", 100), True, "EXPIRE 100")
    ttl_near(r.ttl("py:exp"), 100, "TTL after EXPIRE 100")
    expect_eq(r.persist("py:exp"), True, "PERSIST")
    expect_eq(r.ttl("py:exp"), -1, "TTL after PERSIST")
    expect_eq(r.expire("py:missing", 100), False, "EXPIRE of a missing key")


def scan_iter():
    r = client(decode_responses=True)
    want = {"py:scan:%d" % i for i in range(1000)}
    r.mset({k: "x" for k in want})
    r.mset({"py:other:%d" % i: "x" for i in range(20)})  # must not match
    got = list(r.scan_iter(match="py:scan:*", count=100))
    expect_eq(set(got) - want, set(), "keys that do not match, returned")
    expect_eq(sorted(want - set(got))[:5], [], "keys not returned")
    expect_eq(len(set(got)), 1000, "distinct keys returned")


def pipeline_transaction():
    r = client()
    pipe = r.pipeline()  # transaction=True: MULTI ... EXEC
    pipe.set("py:pipe", "1").incr("py:pipe").incrby("py:pipe", 10).get("py:pipe")
    pipe.delete("py:pipe")
    expect_eq(pipe.execute(), [True, 2, 12, b"12", 1], "EXEC results")
    # A command that fails inside EXEC fails on its own; the others run (Redis semantics).
    r.set("py:pipe", "not a number")
    pipe = r.pipeline()
    pipe.set("py:pipe2", "a").incr("py:pipe").get("py:pipe2")
    res = pipe.execute(raise_on_error=False)
    expect_eq(res[0], True, "SET inside EXEC")
    expect_true(isinstance(res[1], redis.exceptions.ResponseError)
                and "not an integer" in str(res[1]), "INCR of a string fails: %r" % res[1])
    expect_eq(res[2], b"a", "GET inside EXEC")


def watch_optimistic():
    r = client()
    r.set("py:counter", "10")
    # A conflicting write between WATCH and EXEC makes EXEC abort (WatchError)...
    with r.pipeline() as pipe:
        pipe.watch("py:counter")
        value = int(pipe.get("py:counter"))
        with Conn(PORT) as other:
            expect_eq(other.call("SET", "py:counter", "100"), "OK", "raw SET meanwhile")
        pipe.multi()
        pipe.set("py:counter", value + 1)
        try:
            pipe.execute()
            expect_true(False, "EXEC after the watched key changed raises WatchError")
        except redis.exceptions.WatchError:
            pass
    expect_eq(r.get("py:counter"), b"100", "value after the aborted transaction")

    # ...and the usual retry loop then commits on fresh data.
    def increment(pipe):
        current = int(pipe.get("py:counter"))
        pipe.multi()
        pipe.set("py:counter", current + 1)

    expect_eq(r.transaction(increment, "py:counter"), [True], "transaction() results")
    expect_eq(r.get("py:counter"), b"101", "value after the committed transaction")


def lists():
    r = client(decode_responses=True)
    expect_eq(r.rpush("py:list", "a", "b", "c"), 3, "RPUSH")
    expect_eq(r.lpush("py:list", "z"), 4, "LPUSH")
    expect_eq(r.lrange("py:list", 0, -1), ["z", "a", "b", "c"], "LRANGE")
    expect_eq(r.lpop("py:list"), "z", "LPOP")
    expect_eq(r.rpop("py:list", 2), ["c", "b"], "RPOP with a count")
    expect_eq(r.linsert("py:list", "BEFORE", "a", "x"), 2, "LINSERT")
    expect_eq(r.lpos("py:list", "a"), 1, "LPOS")
    expect_eq(r.lmove("py:list", "py:list2", "LEFT", "RIGHT"), "x", "LMOVE")
    expect_eq(r.llen("py:list"), 1, "LLEN")
    expect_eq(r.lpop("py:list"), "a", "LPOP of the last item")
    expect_eq(r.exists("py:list"), 0, "an emptied list is no key")
    expect_eq(r.type("py:list2"), "list", "TYPE")


def hashes():
    r = client(decode_responses=True)
    expect_eq(r.hset("py:h", mapping={"name": "ada", "born": "1815"}), 2, "HSET mapping")
    expect_eq(r.hgetall("py:h"), {"name": "ada", "born": "1815"}, "HGETALL")
    expect_eq(r.hincrby("py:h", "born", 1), 1816, "HINCRBY")
    expect_eq(r.hincrbyfloat("py:h", "score", 1.5), 1.5, "HINCRBYFLOAT")
    expect_eq(r.hmget("py:h", ["name", "nope"]), ["ada", None], "HMGET")
    expect_eq(sorted(r.hkeys("py:h")), ["born", "name", "score"], "HKEYS")
    expect_eq(dict(r.hscan_iter("py:h", match="n*")), {"name": "ada"}, "hscan_iter(match=)")
    expect_eq(r.hdel("py:h", "name", "born", "score"), 3, "HDEL")
    expect_eq(r.exists("py:h"), 0, "an emptied hash is no key")
    big = {"f%d" % i: "v%d" % i for i in range(1000)}
    r.hset("py:big", mapping=big)
    expect_eq(r.object("encoding", "py:big"), "hashtable", "OBJECT ENCODING of 1000 fields")
    expect_eq(dict(r.hscan_iter("py:big")), big, "hscan_iter over 1000 fields")


def sets():
    r = client(decode_responses=True)
    expect_eq(r.sadd("py:s1", "1", "2", "3"), 3, "SADD")
    expect_eq(r.object("encoding", "py:s1"), "intset", "OBJECT ENCODING of integers")
    expect_eq(r.sadd("py:s2", "2", "3", "x"), 3, "SADD")
    expect_eq(r.sinter("py:s1", "py:s2"), {"2", "3"}, "SINTER")
    expect_eq(r.sunion("py:s1", "py:s2"), {"1", "2", "3", "x"}, "SUNION")
    expect_eq(r.sdiff("py:s1", "py:s2"), {"1"}, "SDIFF")
    expect_eq(r.sismember("py:s2", "x"), True, "SISMEMBER")
    expect_eq(r.smismember("py:s2", ["x", "y"]), [True, False], "SMISMEMBER")
    expect_eq(r.sinterstore("py:s3", ["py:s1", "py:s2"]), 2, "SINTERSTORE")
    expect_eq(r.smembers("py:s3"), {"2", "3"}, "SMEMBERS")
    expect_true(r.srandmember("py:s1") in {"1", "2", "3"}, "SRANDMEMBER is a member")
    expect_eq(set(r.sscan_iter("py:s2")), {"2", "3", "x"}, "sscan_iter")
    expect_eq(set(r.spop("py:s3", 5)), {"2", "3"}, "SPOP with a count above the size")
    expect_eq(r.exists("py:s3"), 0, "an emptied set is no key")


def sorted_sets():
    r = client(decode_responses=True)
    expect_eq(r.zadd("py:z", {"ann": 3, "bob": 1.5, "cy": 2}), 3, "ZADD mapping")
    expect_eq(r.zrange("py:z", 0, -1, withscores=True),
              [("bob", 1.5), ("cy", 2.0), ("ann", 3.0)], "ZRANGE WITHSCORES")
    expect_eq(r.zincrby("py:z", 10, "bob"), 11.5, "ZINCRBY")
    expect_eq(r.zrank("py:z", "bob"), 2, "ZRANK")
    expect_eq(r.zscore("py:z", "cy"), 2.0, "ZSCORE")
    expect_eq(r.zrangebyscore("py:z", "(2", "+inf"), ["ann", "bob"], "ZRANGEBYSCORE")
    expect_eq(r.zrevrange("py:z", 0, 0), ["bob"], "ZREVRANGE")
    expect_eq(r.zcount("py:z", "-inf", 3), 2, "ZCOUNT")
    expect_eq(r.zpopmin("py:z"), [("cy", 2.0)], "ZPOPMIN")
    expect_eq(r.zadd("py:z2", {"ann": 1}), 1, "ZADD")
    expect_eq(r.zunionstore("py:z3", {"py:z": 1, "py:z2": 2}), 2, "ZUNIONSTORE with weights")
    expect_eq(r.zrange("py:z3", 0, -1, withscores=True), [("ann", 5.0), ("bob", 11.5)],
              "ZUNIONSTORE result")
    expect_eq(r.zrem("py:z3", "ann", "bob"), 2, "ZREM")
    expect_eq(r.exists("py:z3"), 0, "an emptied sorted set is no key")
    for i in range(300):
        r.zadd("py:bigz", {"m%03d" % i: i})
    expect_eq(r.object("encoding", "py:bigz"), "skiplist", "OBJECT ENCODING of 300 members")
    expect_eq(r.zrange("py:bigz", 100, 102), ["m100", "m101", "m102"], "ZRANGE by rank")
    expect_eq(len(list(r.zscan_iter("py:bigz"))), 300, "zscan_iter over 300 members")


def sort_and_types():
    r = client(decode_responses=True)
    r.rpush("py:ids", "3", "1", "2")
    for i, w in (("1", "30"), ("2", "10"), ("3", "20")):
        r.set("py:weight_" + i, w)
        r.hset("py:obj_" + i, "name", "n" + i)
    expect_eq(r.sort("py:ids"), ["1", "2", "3"], "SORT")
    expect_eq(r.sort("py:ids", by="py:weight_*", get="py:obj_*->name"), ["n2", "n3", "n1"],
              "SORT BY ... GET ...->field")
    expect_eq(r.sort("py:ids", desc=True, start=0, num=2, store="py:sorted"), 2,
              "SORT DESC LIMIT STORE")
    expect_eq(r.lrange("py:sorted", 0, -1), ["3", "2"], "the stored list")
    expect_eq(r.type("py:obj_1"), "hash", "TYPE of a hash")
    try:
        r.lpush("py:weight_1", "x")
        expect_true(False, "LPUSH on a string fails")
    except redis.exceptions.ResponseError as e:
        expect_true(str(e).startswith("WRONGTYPE"), "WRONGTYPE, got %r" % str(e))


def resp3():
    if VERSION < (5, 0):
        raise SkipCheck("redis-py %s has no protocol=3 (added in 5.0)" % redis.__version__)
    r = client(protocol=3)
    expect_eq(r.set("py:resp3", "v"), True, "SET")
    expect_eq(r.get("py:resp3"), b"v", "GET")
    info = r.client_info()
    expect_eq(str(info.get("resp")), "3", "CLIENT INFO resp=")


if __name__ == "__main__":
    print("redis-py %s on python %s" % (redis.__version__, sys.version.split()[0]), flush=True)
    check("password (requirepass)", password)
    check("Redis(db=2) lands in db 2, not db 0", db2)
    check("set/get", set_get)
    check("set(ex=30) + ttl", set_ex_ttl)
    check("expire", expire)
    check("scan_iter(match=) over 1000 keys", scan_iter)
    check("pipeline() transaction results", pipeline_transaction)
    check("pipeline() WATCH optimistic update", watch_optimistic)
    check("lists: push, pop with count, LINSERT, LPOS, LMOVE", lists)
    check("hashes: mapping, HINCRBY*, hscan_iter, hashtable encoding", hashes)
    check("sets: algebra, SMISMEMBER, sscan_iter, SPOP count", sets)
    check("sorted sets: ranges, ZINCRBY, ZUNIONSTORE weights, skiplist", sorted_sets)
    check("SORT BY/GET/STORE, TYPE, WRONGTYPE", sort_and_types)
    check("protocol=3 (RESP3)", resp3)
    finish("redis_py_test.py")
