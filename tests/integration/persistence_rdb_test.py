"""RDB snapshots against the real tools: our dump.rdb passes redis-check-rdb and loads in a real
redis-server with the same keys, types, values, TTLs and encodings; we load a dump.rdb that real
Redis wrote (every compact encoding, LZF and integer strings, expiries); DUMP/RESTORE both ways
(byte for byte where the encoding is deterministic); SAVE, BGSAVE (while clients write: they keep
being served and the file is one instant), LASTSAVE, save points, SHUTDOWN SAVE/NOSAVE, the save
at SIGTERM (no exit when it fails), no save while loading, a failed BGSAVE
(rdb_last_bgsave_status:err, MISCONF, recovery) and the settings."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, binary_from_argv, check, encode,  # noqa: E402
                     expect_eq, expect_in, expect_true, free_port, run_tests, run_tool, skip,
                     spawn, temp_dir, wait_for)

try:
    import redis
except ImportError:  # pragma: no cover
    redis = None

BINARY = binary_from_argv()
REDIS_SERVER = shutil.which("redis-server")
CHECK_RDB = shutil.which("redis-check-rdb")


def need_tools():
    if redis is None:
        skip("python3-redis is not installed")
    if not REDIS_SERVER or not CHECK_RDB:
        skip("redis-server / redis-check-rdb not installed")


class RealRedis:
    """A redis-server with its own dir (no save points): started, then stopped by the sweep."""

    def __init__(self, directory, dbfilename="dump.rdb"):
        self.port = free_port()
        self.proc = spawn([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                           "--save", "", "--appendonly", "no", "--dir", directory,
                           "--dbfilename", dbfilename],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = redis.Redis(port=self.port)

        def up():
            try:
                return self.client.ping()
            except redis.exceptions.BusyLoadingError:
                return False
            except redis.exceptions.ConnectionError:
                return False
        wait_for(up, what="redis-server up")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def ours(srv, db=0):
    return redis.Redis(port=srv.port, db=db)


# -- the data set: every type in both encodings, several databases, expiries

def fill(r, big=True):
    r.flushall()
    r.set("s", "hello")
    r.set("i", "12345")
    r.set("neg", "-5")
    r.set("big-int", str(2 ** 40))
    r.set("lzf", "abcdefgh" * 200)
    r.set("empty", "")
    r.set("float", "3.14")
    r.set("ttl", "soon", px=500000)
    r.rpush("list", "a", "1", "-300", "x" * 100)
    r.sadd("intset", 1, 2, 3, -70000)
    r.sadd("set", "a", "b", "c")
    r.hset("hash", mapping={"f1": "v1", "n": "42"})
    r.zadd("zset", {"a": 1, "b": 2.5, "c": 0.1, "d": -3})
    r.zadd("zinf", {"x": float("inf"), "y": float("-inf")})
    r.pexpire("hash", 400000)
    if big:
        r.rpush("biglist", *["element-%d" % i for i in range(3000)])
        r.sadd("bigintset", *range(600))          # past set-max-intset-entries: hashtable
        r.hset("bighash", mapping={"f%d" % i: str(i) for i in range(600)})
        r.hset("longvalue", "f", "v" * 100)       # past hash-max-listpack-value
        r.zadd("bigzset", {"m%d" % i: i * 0.5 for i in range(300)})
        r.pexpire("bigzset", 300000)
    for db, n in ((1, 3), (5, 2)):
        d = r.connection_pool.connection_kwargs.copy()
        d["db"] = db
        rd = redis.Redis(**d)
        for i in range(n):
            rd.set("db%d-k%d" % (db, i), "v%d" % i)
        rd.rpush("db%d-list" % db, "a", "b")


def describe(r, key):
    t = r.type(key).decode()
    if t == "string":
        v = r.get(key)
    elif t == "list":
        v = r.lrange(key, 0, -1)
    elif t == "set":
        v = sorted(r.smembers(key))
    elif t == "hash":
        v = sorted(r.hgetall(key).items())
    elif t == "zset":
        v = r.zrange(key, 0, -1, withscores=True)
    else:
        v = None
    ttl = r.pttl(key)
    return {"type": t, "value": v, "encoding": r.object("encoding", key),
            "ttl": "none" if ttl < 0 else "set"}, ttl


def compare(a, b, what, dbs=(0, 1, 5)):
    """Every key of a (redis-py clients on db 0) is in b with the same description."""
    for db in dbs:
        ka = redis.Redis(**{**a.connection_pool.connection_kwargs, "db": db})
        kb = redis.Redis(**{**b.connection_pool.connection_kwargs, "db": db})
        keys_a, keys_b = sorted(ka.keys("*")), sorted(kb.keys("*"))
        expect_eq(keys_b, keys_a, "%s: keys of db %d" % (what, db))
        for k in keys_a:
            da, ttl_a = describe(ka, k)
            db_, ttl_b = describe(kb, k)
            expect_eq(db_, da, "%s: db %d key %r" % (what, db, k))
            if ttl_a >= 0:
                expect_true(abs(ttl_a - ttl_b) < 60000, "%s: TTL of %r close (%d vs %d)"
                            % (what, k, ttl_a, ttl_b))


# -- tests

def test_our_file_checks_and_loads_in_redis():
    need_tools()
    d = temp_dir()
    with Server(BINARY, config={"dir": d}) as srv:
        fill(ours(srv))
        expect_eq(srv.call("SAVE"), "OK", "SAVE")
        path = os.path.join(d, "dump.rdb")
        res = run_tool([CHECK_RDB, path])
        expect_in(b"RDB looks OK", res.stdout, "redis-check-rdb")
        # Without compression and checksum too.
        expect_eq(srv.call("CONFIG", "SET", "rdbcompression", "no", "rdbchecksum", "no"), "OK")
        expect_eq(srv.call("SAVE"), "OK", "SAVE (plain)")
        res = run_tool([CHECK_RDB, path])
        expect_in(b"RDB looks OK", res.stdout, "redis-check-rdb (plain)")
        expect_eq(srv.call("CONFIG", "SET", "rdbcompression", "yes", "rdbchecksum", "yes"), "OK")
        expect_eq(srv.call("SAVE"), "OK", "SAVE again")
        real = RealRedis(d)
        try:
            compare(ours(srv), real.client, "redis-server loading our dump.rdb")
        finally:
            real.stop()


def test_we_load_what_redis_wrote():
    need_tools()
    d = temp_dir()
    real = RealRedis(d)
    try:
        fill(real.client)
        # A quicklist of several nodes and LZF-compressed nodes, small ints as list elements.
        real.client.config_set("list-compress-depth", "1")
        real.client.rpush("compressed", *(["same-text-again"] * 2000))
        real.client.rpush("ints", *range(-5, 300))
        real.client.set("expired-soon", "x", px=1)
        time.sleep(0.01)
        real.client.save()
        with Server(BINARY, config={"dir": d}) as srv:
            expect_eq(ours(srv).exists("expired-soon"), 0, "an expired key is not loaded")
            real.client.delete("expired-soon")
            compare(real.client, ours(srv), "mini-redis loading redis-server's dump.rdb")
            info = srv.info("persistence")
            expect_eq(info["rdb_changes_since_last_save"], "0", "no changes after the load")
    finally:
        real.stop()


def test_dump_restore_both_ways():
    need_tools()
    d = temp_dir()
    real = RealRedis(d)
    try:
        with Server(BINARY, config={"dir": d}) as srv:
            mine = ours(srv)
            fill(real.client)
            fill(mine)
            for k in sorted(real.client.keys("*")):
                payload = real.client.dump(k)
                mine.delete(k)
                ttl = max(real.client.pttl(k), 0)
                mine.restore(k, ttl, payload)
            compare(real.client, mine, "RESTORE of redis's DUMP", dbs=(0,))
            deterministic = ["s", "i", "neg", "big-int", "lzf", "empty", "float", "ttl", "list",
                             "intset", "hash", "zset", "zinf"]
            for k in deterministic:
                expect_eq(mine.dump(k), real.client.dump(k), "DUMP %s byte for byte" % k)
            for k in sorted(mine.keys("*")):
                payload = mine.dump(k)
                real.client.delete(k)
                real.client.restore(k, max(mine.pttl(k), 0), payload)
            compare(mine, real.client, "redis RESTORE of our DUMP", dbs=(0,))
            c = srv.conn()
            payload = mine.dump("s")
            check("BUSYKEY", lambda: expect_eq(
                c.call("RESTORE", "s", "0", payload),
                RespError("BUSYKEY Target key name already exists.")))
            check("bad checksum", lambda: expect_eq(
                c.call("RESTORE", "new", "0", payload[:-1] + b"x"),
                RespError("ERR DUMP payload version or checksum are wrong")))
            check("negative ttl", lambda: expect_eq(
                c.call("RESTORE", "new", "-1", payload),
                RespError("ERR Invalid TTL value, must be >= 0")))
            check("syntax", lambda: expect_eq(
                c.call("RESTORE", "new", "0", payload, "bogus"), RespError("ERR syntax error")))
            check("replace + absttl in the past", lambda: expect_eq(
                c.call("RESTORE", "s", "1", payload, "REPLACE", "ABSTTL"), "OK"))
            expect_eq(c.call("EXISTS", "s"), 0, "a key restored already expired is gone")
            expect_eq(c.call("DUMP", "nokey"), None, "DUMP of a missing key")
            c.close()
    finally:
        real.stop()


def test_save_bgsave_lastsave_and_settings():
    need_tools()
    d = temp_dir()
    with Server(BINARY, config={"dir": d, "save": [[3600, 1], [300, 100]]}) as srv, \
            srv.conn() as c:
        expect_eq(c.call("CONFIG", "GET", "save"), [b"save", b"3600 1 300 100"], "save form")
        expect_eq(c.call("CONFIG", "SET", "save", "100 10 20 30"), "OK", "CONFIG SET save")
        expect_eq(c.call("CONFIG", "GET", "save"), [b"save", b"100 10 20 30"], "save set")
        expect_eq(c.call("CONFIG", "GET", "rdbcompression"), [b"rdbcompression", b"yes"])
        expect_eq(c.call("CONFIG", "GET", "stop-writes-on-bgsave-error"),
                  [b"stop-writes-on-bgsave-error", b"yes"])
        expect_true(str(c.call("CONFIG", "SET", "dbfilename", "a/b")).startswith("ERR"),
                    "dbfilename with a slash refused")
        before = c.call("LASTSAVE")
        expect_true(isinstance(before, int) and before > 0, "LASTSAVE is a time")
        c.call("SET", "k", "v")
        expect_eq(srv.info("persistence")["rdb_changes_since_last_save"], "1", "one change")
        time.sleep(1.1)
        expect_eq(c.call("BGSAVE"), "Background saving started", "BGSAVE")
        wait_for(lambda: srv.info("persistence")["rdb_bgsave_in_progress"] == "0",
                 what="BGSAVE done")
        info = srv.info("persistence")
        expect_eq(info["rdb_last_bgsave_status"], "ok", "status")
        expect_eq(info["rdb_changes_since_last_save"], "0", "changes after the save")
        expect_true(c.call("LASTSAVE") > before, "LASTSAVE moved")
        expect_eq(c.call("BGSAVE", "bogus"), RespError("ERR syntax error"), "BGSAVE bogus")
        expect_eq(c.call("MULTI"), "OK")
        expect_eq(c.call("SAVE"), RespError("ERR Command not allowed inside a transaction"),
                  "SAVE in MULTI")
        c.call("DISCARD")
        expect_eq(c.call("SAVE"), "OK", "SAVE")
        res = run_tool([CHECK_RDB, os.path.join(d, "dump.rdb")])
        expect_in(b"RDB looks OK", res.stdout, "redis-check-rdb")


def test_save_points_fire():
    d = temp_dir()
    with Server(BINARY, config={"dir": d, "save": [[1, 2]]}) as srv, srv.conn() as c:
        c.call("SET", "a", "1")
        time.sleep(1.5)
        expect_eq(srv.info("persistence")["rdb_saves"], "0", "one change is below the point")
        c.call("SET", "b", "2")
        wait_for(lambda: int(srv.info("persistence")["rdb_saves"]) >= 1, timeout=10,
                 what="a save point's BGSAVE")
        wait_for(lambda: srv.info("persistence")["rdb_changes_since_last_save"] == "0",
                 what="changes counted as saved")
        expect_true(os.path.exists(os.path.join(d, "dump.rdb")), "dump.rdb written")


def test_bgsave_while_clients_write():
    d = temp_dir()
    with Server(BINARY, config={"dir": d}) as srv, srv.conn() as c:
        for chunk in range(20):
            args = []
            for i in range(chunk * 5000, (chunk + 1) * 5000):
                args += ["pre:%d" % i, "x" * 20]
            c.call("MSET", *args)
        stop = threading.Event()
        done = {"n": 0, "during": 0}
        errors = []

        def writer():
            try:
                with srv.conn() as w:
                    while not stop.is_set():
                        n = done["n"]
                        # One transaction: the key and the counter change together, so a
                        # snapshot of one instant holds count == number of w: keys.
                        w.send_cmd("MULTI")
                        w.send_cmd("SET", "w:%d" % n, "v")
                        w.send_cmd("INCR", "count")
                        w.send_cmd("EXEC")
                        replies = w.read_replies(4)
                        if replies[3] is None or replies[3][1] != n + 1:
                            errors.append(replies)
                            return
                        done["n"] = n + 1
                        if srv.info("persistence")["rdb_bgsave_in_progress"] == "1":
                            done["during"] += 1
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        t = threading.Thread(target=writer)
        t.start()
        wait_for(lambda: done["n"] > 50, what="writer running")
        at_start = done["n"]
        expect_eq(c.call("BGSAVE"), "Background saving started", "BGSAVE")
        wait_for(lambda: srv.info("persistence")["rdb_bgsave_in_progress"] == "0", timeout=60,
                 what="BGSAVE done")
        time.sleep(0.2)
        stop.set()
        t.join(30)
        expect_eq(errors, [], "writer errors")
        expect_true(done["n"] > at_start, "the writer was served during and after the BGSAVE "
                    "(%d writes, %d seen while it ran)" % (done["n"] - at_start, done["during"]))
        expect_eq(srv.info("persistence")["rdb_last_bgsave_status"], "ok", "status")
        with Server(BINARY, config={"dir": d}) as other, other.conn() as o:
            count = int(o.call("GET", "count") or 0)
            wkeys = len(o.call("KEYS", "w:*"))
            expect_eq(wkeys, count, "the snapshot holds one instant (count == w: keys)")
            expect_eq(o.call("DBSIZE"), 100000 + count + (1 if count else 0), "every key")


def test_shutdown_save_nosave_and_sigterm():
    d = temp_dir()
    srv = Server(BINARY, config={"dir": d})
    with srv.conn() as c:
        c.call("SET", "k1", "v1")
        expect_eq(c.call("SHUTDOWN", "SAVE", "NOSAVE"), RespError("ERR syntax error"), "both")
        expect_eq(c.call("SHUTDOWN", "ABORT"), RespError("ERR No shutdown in progress."), "ABORT")
        expect_eq(c.call("SHUTDOWN", "bogus"), RespError("ERR syntax error"), "bogus")
        c.send_cmd("SHUTDOWN", "SAVE")
        c.expect_closed(what="SHUTDOWN's connection")
    expect_eq(srv.wait_exit(20), 0, "exit status after SHUTDOWN SAVE")
    srv.kill()
    srv = Server(BINARY, config={"dir": d, "save": [[3600, 1]]})
    with srv.conn() as c:
        expect_eq(c.call("GET", "k1"), b"v1", "SHUTDOWN SAVE kept k1")
        c.call("SET", "k2", "v2")
        c.send_cmd("SHUTDOWN", "NOSAVE")
        c.expect_closed(what="SHUTDOWN NOSAVE's connection")
    expect_eq(srv.wait_exit(20), 0, "exit status after SHUTDOWN NOSAVE")
    srv.kill()
    srv = Server(BINARY, config={"dir": d, "save": [[3600, 1]]})
    with srv.conn() as c:
        expect_eq(c.call("GET", "k2"), None, "NOSAVE did not save k2")
        c.call("SET", "k3", "v3")
    srv.signal(signal.SIGTERM)
    expect_eq(srv.wait_exit(20), 0, "exit status after SIGTERM")
    srv.kill()
    with Server(BINARY, config={"dir": d}) as srv, srv.conn() as c:
        expect_eq(c.call("GET", "k3"), b"v3", "SIGTERM with save points saved k3")


def test_failed_bgsave_misconf_and_recovery():
    d = temp_dir()
    sub = os.path.join(d, "sub")
    os.mkdir(sub)
    with Server(BINARY, config={"dir": sub, "save": [[3600, 1]]}) as srv, srv.conn() as c:
        c.call("SET", "k", "v")
        os.rmdir(sub)  # the temp file cannot be created: the child fails
        expect_eq(c.call("BGSAVE"), "Background saving started", "BGSAVE")
        wait_for(lambda: srv.info("persistence")["rdb_bgsave_in_progress"] == "0",
                 what="BGSAVE done")
        expect_eq(srv.info("persistence")["rdb_last_bgsave_status"], "err", "status err")
        reply = c.call("SET", "k", "w")
        expect_true(str(reply).startswith(
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
            "persist to disk."), "MISCONF on a write: %r" % (reply,))
        expect_eq(c.call("GET", "k"), b"v", "reads still served")
        os.mkdir(sub)
        expect_eq(c.call("BGSAVE"), "Background saving started", "BGSAVE again")
        wait_for(lambda: srv.info("persistence")["rdb_bgsave_in_progress"] == "0",
                 what="BGSAVE done")
        expect_eq(srv.info("persistence")["rdb_last_bgsave_status"], "ok", "status ok")
        expect_eq(c.call("SET", "k", "w"), "OK", "writes again")


def test_corrupt_file_refused_at_start():
    d = temp_dir()
    with Server(BINARY, config={"dir": d}) as srv:
        srv.call("SET", "k", "v" * 100)
        expect_eq(srv.call("SAVE"), "OK", "SAVE")
    path = os.path.join(d, "dump.rdb")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])  # cut in the middle of the value
    srv = Server(BINARY, config={"dir": d}, wait=False)
    expect_eq(srv.wait_exit(20), 1, "exit status on a truncated dump.rdb")
    expect_in("at offset", srv.log(), "the error names the offset")
    srv.kill()



def test_sigterm_does_not_exit_when_its_save_fails():
    """As Redis: with save points set, SIGTERM saves first, and a failed save means no exit
    (exiting would lose the dataset); the server goes on serving, and a later SIGTERM, once the
    save can succeed, exits with the data in the file."""
    d = temp_dir()
    sub = os.path.join(d, "sub")
    os.mkdir(sub)
    srv = Server(BINARY, config={"dir": sub, "save": [[3600, 1]]})
    try:
        expect_eq(srv.call("SET", "k", "v"), "OK")
        os.rmdir(sub)  # the temp file cannot be created: the save fails
        srv.signal(signal.SIGTERM)
        wait_for(lambda: "can't exit" in srv.log(), what="the failed save logged")
        expect_in("SIGTERM received but errors trying to shut down the server", srv.log())
        expect_eq(srv.call("PING"), "PONG", "still serving, new connections included")
        expect_eq(srv.call("SET", "k2", "v2"), "OK", "and writing")
        os.mkdir(sub)
        srv.signal(signal.SIGTERM)
        expect_eq(srv.wait_exit(20), 0, "exit status once the save succeeds")
    finally:
        srv.kill()
    with Server(BINARY, config={"dir": sub}) as srv:
        expect_eq(srv.call("GET", "k"), b"v", "k saved")
        expect_eq(srv.call("GET", "k2"), b"v2", "k2 saved")


def test_no_save_while_loading():
    """SIGTERM (with save points set) or SHUTDOWN SAVE while dump.rdb is still loading saves
    nothing, as Redis: the store holds only part of the file, which is left as it was. The
    load stops where it is rather than running on to the end."""
    d = temp_dir()
    with Server(BINARY, config={"dir": d}) as srv, srv.conn() as c:
        for start in range(0, 1_000_000, 2000):
            c.send(encode("MSET", *[x for i in range(start, start + 2000)
                                    for x in ("key:%d" % i, "value:%d" % i)]))
            expect_eq(c.read_reply(timeout=30), "OK")
        expect_eq(c.call("SAVE"), "OK")
    path = os.path.join(d, "dump.rdb")
    with open(path, "rb") as f:
        saved = f.read()
    for how in ("SIGTERM", "SHUTDOWN SAVE"):
        srv = Server(BINARY, config={"dir": d, "save": [[3600, 1]]}, wait=False)
        try:
            def answering():
                try:
                    with Conn(srv.port, timeout=5) as probe:
                        return probe.call("PING")
                except OSError:
                    return None
            first = wait_for(answering, 60, what="the server to answer")
            expect_true(str(first).startswith("LOADING"),
                        "%s: still loading when asked (%r)" % (how, first))
            if how == "SIGTERM":
                srv.signal(signal.SIGTERM)
            else:
                with Conn(srv.port) as c:
                    c.send_cmd("SHUTDOWN", "SAVE")
                    c.expect_closed(what="SHUTDOWN's connection")
            expect_eq(srv.wait_exit(60), 0, "%s while loading: a clean exit" % how)
            expect_in("the dataset is still loading", srv.log())
            expect_in("loading stopped before the end", srv.log(), "%s: the load stopped "
                      "rather than ran on to the end" % how)
        finally:
            srv.kill()
        with open(path, "rb") as f:
            expect_true(f.read() == saved, "%s while loading: dump.rdb unchanged" % how)


if __name__ == "__main__":
    run_tests([test_our_file_checks_and_loads_in_redis, test_we_load_what_redis_wrote,
               test_dump_restore_both_ways, test_save_bgsave_lastsave_and_settings,
               test_save_points_fire, test_bgsave_while_clients_write,
               test_shutdown_save_nosave_and_sigterm, test_failed_bgsave_misconf_and_recovery,
               test_corrupt_file_refused_at_start, test_sigterm_does_not_exit_when_its_save_fails,
               test_no_save_while_loading])
