"""python3-redis (redis-py) against the server: its RESP2 parser, its INFO and CONFIG parsing,
pipelines, and a connection pool shared by threads."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, Skip, check, expect_eq, expect_in, expect_true,  # noqa: E402
                     run_main)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None


def client(srv, **kw):
    return redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=10,
                       socket_connect_timeout=10, **kw)


def strings_and_binary(r):
    expect_eq(r.set("plain", "value"), True, "SET")
    expect_eq(r.get("plain"), b"value", "GET")
    blob = b"\x00\r\n\xff binary \r\n\x00$5\r\n*1\r\n"
    expect_eq(r.set(b"bin\x00key\r\n", blob), True, "SET binary key and value")
    expect_eq(r.get(b"bin\x00key\r\n"), blob, "GET binary")
    all_bytes = bytes(range(256)) * 4
    r.set("all-bytes", all_bytes)
    expect_eq(r.get("all-bytes"), all_bytes, "every byte value round-trips")
    r.set("empty", b"")
    expect_eq(r.get("empty"), b"", "empty value")
    expect_eq(r.get("missing"), None, "GET missing -> None")
    expect_eq(r.set("plain", "other", nx=True), None, "SET NX on existing")
    expect_eq(r.set("plain-xx", "v", xx=True), None, "SET XX on missing")
    expect_eq(r.set("plain", "third", get=True), b"value", "SET GET returns the old value")
    expect_eq(r.type("plain"), b"string", "TYPE")
    expect_eq(r.type("missing"), b"none", "TYPE missing")


def counters(r):
    expect_eq(r.incr("ctr"), 1, "INCR new")
    expect_eq(r.incr("ctr"), 2, "INCR")
    expect_eq(r.decr("ctr"), 1, "DECR")
    expect_eq(r.incrby("ctr", 100), 101, "INCRBY")
    expect_eq(r.decrby("ctr", 200), -99, "DECRBY")
    expect_eq(r.incrby("ctr", -1), -100, "INCRBY negative")
    r.set("big", str(2 ** 63 - 1))
    try:
        r.incr("big")
    except redis.ResponseError as e:
        expect_in("overflow", str(e), "INCR overflow error")
    else:
        expect_true(False, "INCR past INT64_MAX must fail")
    r.set("word", "abc")
    try:
        r.incr("word")
    except redis.ResponseError as e:
        expect_eq(str(e), "value is not an integer or out of range", "INCR on a word")
    else:
        expect_true(False, "INCR on a word must fail")


def multi_key(r):
    expect_eq(r.mset({"m:a": "1", "m:b": b"\x00two", "m:c": "3"}), True, "MSET")
    expect_eq(r.mget(["m:a", "m:b", "missing", "m:c"]), [b"1", b"\x00two", None, b"3"], "MGET")
    expect_eq(r.msetnx({"m:a": "x", "m:new": "y"}), False, "MSETNX with one existing")
    expect_eq(r.get("m:new"), None, "MSETNX set nothing")
    expect_eq(r.exists("m:a", "m:b", "missing", "m:a"), 3, "EXISTS counts repeats")
    expect_eq(r.delete("m:a", "missing", "m:b"), 2, "DEL")
    expect_eq(r.exists("m:a"), 0, "EXISTS after DEL")
    expect_eq(r.getdel("m:c"), b"3", "GETDEL")
    expect_eq(r.get("m:c"), None, "GETDEL deleted")


def setnx_getset_append(r):
    expect_eq(r.setnx("nx", "first"), True, "SETNX new")
    expect_eq(r.setnx("nx", "second"), False, "SETNX existing")
    expect_eq(r.getset("nx", "third"), b"first", "GETSET")
    expect_eq(r.get("nx"), b"third", "after GETSET")
    expect_eq(r.getset("gs-new", "v"), None, "GETSET new")
    expect_eq(r.append("ap", "hello"), 5, "APPEND new")
    expect_eq(r.append("ap", b" \x00world"), 12, "APPEND")
    expect_eq(r.strlen("ap"), 12, "STRLEN")
    expect_eq(r.get("ap"), b"hello \x00world", "value after APPEND")
    expect_eq(r.strlen("missing"), 0, "STRLEN missing")


def pipeline(r):
    p = r.pipeline(transaction=False)
    model, expected = {}, []
    for i in range(1000):
        k = "pl:%d" % (i % 10)
        op = (i // 10) % 4  # every key sees SET, GET, INCR, APPEND in turn
        if op == 0:
            p.set(k, i)
            model[k] = str(i).encode()
            expected.append(True)
        elif op == 1:
            p.get(k)
            expected.append(model.get(k))
        elif op == 2:
            p.incr(k)
            model[k] = str(int(model[k]) + 1).encode()
            expected.append(int(model[k]))
        else:
            p.append(k, "x")
            model[k] += b"x"
            expected.append(len(model[k]))
    expect_eq(p.execute(), expected, "1,000 pipelined replies")
    expect_eq(r.mget(sorted(model)), [model[k] for k in sorted(model)], "values afterwards")


def keyspace(r):
    r.flushdb()
    expect_eq(r.dbsize(), 0, "DBSIZE after FLUSHDB")
    r.mset({"user:1": "a", "user:2": "b", "user:10": "c", "order:1": "d"})
    expect_eq(sorted(r.keys("user:*")), [b"user:1", b"user:10", b"user:2"], "KEYS user:*")
    expect_eq(sorted(r.keys("user:?")), [b"user:1", b"user:2"], "KEYS user:?")
    expect_eq(len(r.keys()), 4, "KEYS *")
    expect_eq(r.dbsize(), 4, "DBSIZE")
    expect_eq(r.flushdb(), True, "FLUSHDB")
    expect_eq(r.dbsize(), 0, "DBSIZE after FLUSHDB")
    r.set("x", "y")
    expect_eq(r.flushall(), True, "FLUSHALL")
    expect_eq(r.keys(), [], "no keys after FLUSHALL")


def info_and_config(r, srv):
    info = r.info()
    expect_true(isinstance(info, dict) and len(info) > 10, "INFO parses to a dict")
    expect_eq(info.get("tcp_port"), srv.port, "info()['tcp_port']")
    for field in ("redis_version", "uptime_in_seconds", "connected_clients", "used_memory",
                  "total_commands_processed", "total_connections_received"):
        expect_in(field, info, "INFO fields")
    expect_true(isinstance(info["connected_clients"], int), "connected_clients is a number")
    server = r.info("server")
    expect_eq(server.get("tcp_port"), srv.port, "info('server')['tcp_port']")
    expect_true("used_memory" not in server, "INFO server has only the server section")
    r.set("k1", "v")
    keyspace = r.info("keyspace")
    expect_eq(keyspace.get("db0", {}).get("keys"), r.dbsize(), "info('keyspace')['db0']['keys']")
    stats = r.info("stats")
    expect_in("total_commands_processed", stats, "INFO stats")
    expect_eq(r.config_get("port"), {"port": str(srv.port)}, "CONFIG GET port")
    expect_eq(r.config_get("maxclients"), {"maxclients": "10000"}, "CONFIG GET maxclients")
    proto = r.config_get("proto-*")
    expect_in("proto-max-bulk-len", proto, "CONFIG GET proto-*")
    expect_eq(r.config_set("maxclients", 5000), True, "CONFIG SET maxclients")
    expect_eq(r.config_get("maxclients"), {"maxclients": "5000"}, "after CONFIG SET")
    r.config_set("maxclients", 10000)


def ping_echo_client(r):
    expect_eq(r.ping(), True, "PING")
    expect_eq(r.echo("hi \x00 there"), b"hi \x00 there", "ECHO")
    cid = r.client_id()
    expect_true(isinstance(cid, int) and cid > 0, "CLIENT ID is a positive integer: %r" % cid)
    expect_eq(r.client_getname(), None, "CLIENT GETNAME before SETNAME")
    expect_eq(r.client_setname("itest"), True, "CLIENT SETNAME")
    expect_eq(r.client_getname(), "itest", "CLIENT GETNAME (redis-py decodes it)")
    expect_eq(r.client_id(), cid, "CLIENT ID is stable on one connection")
    t = r.time()
    expect_true(isinstance(t, tuple) and t[0] > 1600000000, "TIME: %r" % (t,))


def decode_responses(srv):
    r = client(srv, decode_responses=True)
    try:
        r.set("dec", "ünïcode")
        expect_eq(r.get("dec"), "ünïcode", "decoded GET")
        expect_eq(r.mget("dec", "nope"), ["ünïcode", None], "decoded MGET")
    finally:
        r.close()


def pool_threads(srv):
    pool = redis.ConnectionPool(host="127.0.0.1", port=srv.port, max_connections=16,
                                socket_timeout=10)
    errors = []

    def work(t):
        try:
            r = redis.Redis(connection_pool=pool)
            for i in range(100):
                k = "t%d:%d" % (t, i % 7)
                r.set(k, "%d-%d" % (t, i))
                got = r.get(k)
                if got != ("%d-%d" % (t, i)).encode():
                    errors.append("thread %d: GET %s -> %r" % (t, k, got))
                    return
                n = r.incr("t%d:ctr" % t)
                if n != i + 1:
                    errors.append("thread %d: INCR -> %r, expected %d" % (t, n, i + 1))
                    return
        except Exception as e:  # noqa: BLE001 -- reported below
            errors.append("thread %d: %r" % (t, e))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
        expect_true(not th.is_alive(), "pool thread finished within 60 s")
    expect_eq(errors, [], "errors in pool threads")
    r = redis.Redis(connection_pool=pool)
    expect_eq(sorted(int(r.get("t%d:ctr" % t)) for t in range(12)), [100] * 12, "counters")
    pool.disconnect()


def main(binary):
    if redis is None:
        raise Skip("python3-redis is not importable by %s" % sys.executable)
    with Server(binary, workers=4) as srv:
        r = client(srv)
        check("SET/GET, binary keys and values (NUL, CRLF, all bytes), SET NX/XX/GET, TYPE",
              strings_and_binary, r)
        check("INCR/DECR/INCRBY/DECRBY and their errors", counters, r)
        check("MSET/MGET/MSETNX/EXISTS/DEL/GETDEL", multi_key, r)
        check("SETNX/GETSET/APPEND/STRLEN", setnx_getset_append, r)
        check("pipeline(transaction=False) with 1,000 commands", pipeline, r)
        check("KEYS/DBSIZE/FLUSHDB/FLUSHALL", keyspace, r)
        check("info() dict parsing, CONFIG GET/SET", info_and_config, r, srv)
        check("PING/ECHO/CLIENT ID/SETNAME/GETNAME/TIME", ping_echo_client, r)
        check("decode_responses=True", decode_responses, srv)
        check("ConnectionPool shared by 12 threads, own keys each", pool_threads, srv)
        r.close()


if __name__ == "__main__":
    run_main(main)
