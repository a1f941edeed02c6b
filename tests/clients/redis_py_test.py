"""redis-py (Debian's python3-redis, run under /usr/bin/python3) against the server at
REDIS_PORT / REDIS_AUTH_PORT (see checks.py): password, Redis(db=2), set/get, set(ex=) + ttl,
expire, scan_iter(match=) over 1000 keys, pipeline() (a MULTI/EXEC transaction by default)
results, WATCH optimistic update with a conflict and a retry, and RESP3 (protocol=3) where the
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
    check("protocol=3 (RESP3)", resp3)
    finish("redis_py_test.py")
