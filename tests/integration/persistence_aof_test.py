"""The append-only file's writing side against the real binary, with kill -9: under
appendfsync always every acknowledged write survives a SIGKILL at a random moment (also
during a rewrite and during a BGSAVE); under everysec every write acknowledged more than 2 s
before the kill survives; what is logged replays to the same data (relative TTLs, SPOP,
INCRBYFLOAT, blocking pops, MULTI/EXEC, several databases); redis-check-aof accepts our
directory and a real redis-server loads it with the same data; BGREWRITEAOF while clients
write; the automatic rewrite by growth; CONFIG SET appendonly yes at run time; a write
failure (RLIMIT_FSIZE) answers MISCONF to writes only, and recovers; under always a reply
waits for its record to be written, whether a worker or the reactor ran the command, and so
does another client's read of the value."""
import os
import random
import shutil
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, Incomplete, Server, encode, expect_eq, expect_true,  # noqa: E402
                     fail, parse_reply, run_tests, run_tool, skip, start_reference_redis,
                     temp_dir, wait_for, binary_from_argv)

BINARY = binary_from_argv()


def aof_config(data_dir, fsync="always", **extra):
    config = {"appendonly": True, "appendfsync": fsync, "dir": data_dir, "save": []}
    config.update(extra)
    return config


def start(data_dir, fsync="always", **extra):
    return Server(BINARY, config=aof_config(data_dir, fsync, **extra))


def kill9_and_restart(srv, data_dir, fsync):
    """SIGKILL (nothing flushed or saved on the way out), then a new server on the same
    directory, which loads what the file holds."""
    srv.signal(signal.SIGKILL)
    srv.proc.wait(10)
    return start(data_dir, fsync)


def written_out(srv):
    """everysec: an acknowledged write may still be in memory for a moment; a test that kills
    the server and expects it waits until every record is in the file."""
    wait_for(lambda: srv.info("persistence").get("aof_buffer_length") == "0",
             what="the AOF buffer written")


def manifest_path(data_dir):
    return os.path.join(data_dir, "appendonlydir", "appendonly.aof.manifest")


class Writer(threading.Thread):
    """A client pipelining writes in windows of `window`, recording each one acknowledged:
    SET w:<i> <i>, and every 10th an INCR of `counter` and an RPUSH of i to `list`."""

    def __init__(self, port, window=50):
        super().__init__(daemon=True)
        self.port = port
        self.window = window
        self.acked_sets = []      # (i, monotonic time of the ack)
        self.acked_incrs = 0
        self.acked_pushes = []
        self.sent_incrs = 0
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port))
            sock.settimeout(10)
        except OSError as e:
            self.error = e
            return
        buf = b""
        i = 0
        try:
            while not self.stop.is_set():
                batch = []
                out = []
                for _ in range(self.window):
                    out.append(encode("SET", "w:%d" % i, str(i)))
                    batch.append(("set", i))
                    if i % 10 == 0:
                        out.append(encode("INCR", "counter"))
                        batch.append(("incr", i))
                        self.sent_incrs += 1
                        out.append(encode("RPUSH", "list", str(i)))
                        batch.append(("push", i))
                    i += 1
                sock.sendall(b"".join(out))
                for kind, n in batch:
                    while True:
                        try:
                            _, pos = parse_reply(buf)
                        except Incomplete:
                            pos = 0
                        if pos:
                            buf = buf[pos:]
                            break
                        chunk = sock.recv(65536)
                        if not chunk:
                            return
                        buf += chunk
                    now = time.monotonic()
                    if kind == "set":
                        self.acked_sets.append((n, now))
                    elif kind == "incr":
                        self.acked_incrs += 1
                    else:
                        self.acked_pushes.append(n)
        except OSError:
            return  # the server was killed
        finally:
            sock.close()


def check_survivors(srv, writer, acked_before=None):
    """Every acknowledged write (or every one acknowledged before `acked_before`) is there."""
    want = [n for n, t in writer.acked_sets if acked_before is None or t < acked_before]
    expect_true(len(want) > 0, "some writes were acknowledged before the kill")
    with srv.conn() as c:
        for start in range(0, len(want), 1000):
            chunk = want[start:start + 1000]
            got = c.call("MGET", *["w:%d" % n for n in chunk])
            missing = [n for n, v in zip(chunk, got) if v != str(n).encode()]
            if missing:
                fail("%d acknowledged writes lost after kill -9, first w:%d" %
                     (len(missing), missing[0]))
        if acked_before is None:
            counter = int(c.call("GET", "counter") or 0)
            expect_true(writer.acked_incrs <= counter <= writer.sent_incrs,
                        "counter %d between acknowledged %d and sent %d INCRs" %
                        (counter, writer.acked_incrs, writer.sent_incrs))
            pushed = [int(x) for x in c.call("LRANGE", "list", 0, -1)]
            expect_eq(pushed[:len(writer.acked_pushes)], writer.acked_pushes,
                      "the list holds every acknowledged push, in order")
    return len(want)


def kill_during(data_dir, fsync, action=None, run_for=None):
    """Starts a server on data_dir, writes, optionally runs `action` (on a second client),
    SIGKILLs it at a random moment, and returns the writer and the kill time."""
    srv = start(data_dir, fsync)
    writer = Writer(srv.port)
    writer.start()
    wait_for(lambda: len(writer.acked_sets) > 500, what="writes acknowledged")
    if action is not None:
        action(srv)
    time.sleep(run_for if run_for is not None else random.uniform(0.05, 0.6))
    killed_at = time.monotonic()
    srv.signal(signal.SIGKILL)
    srv.proc.wait(10)
    writer.stop.set()
    writer.join(15)
    return writer, killed_at


def test_always_kill9_loses_no_acknowledged_write():
    for point in ("plain", "plain", "during BGREWRITEAOF", "during BGSAVE"):
        data_dir = temp_dir()
        action = None
        if point == "during BGREWRITEAOF":
            def action(srv):
                reply = srv.call("BGREWRITEAOF")
                expect_true(b"rewriting" in reply.lower() if isinstance(reply, bytes)
                            else "rewriting" in str(reply).lower(), "BGREWRITEAOF started")
        elif point == "during BGSAVE":
            def action(srv):
                expect_eq(srv.call("BGSAVE"), "Background saving started", "BGSAVE")
        writer, _ = kill_during(data_dir, "always", action)
        srv = start(data_dir, "always")
        n = check_survivors(srv, writer)
        print("  always, kill -9 %s: %d acknowledged SETs, all there" % (point, n))
        srv.signal(signal.SIGTERM)
        expect_eq(srv.wait_exit(20), 0, "clean exit")


def test_everysec_loses_at_most_two_seconds():
    data_dir = temp_dir()
    writer, killed_at = kill_during(data_dir, "everysec", run_for=3.0)
    srv = start(data_dir, "everysec")
    n = check_survivors(srv, writer, acked_before=killed_at - 2.0)
    print("  everysec, kill -9: %d of %d acknowledged SETs were older than 2 s; all there"
          % (n, len(writer.acked_sets)))


def test_replay_is_deterministic():
    """Writes whose arguments would not replay the same are logged as what they did."""
    data_dir = temp_dir()
    srv = start(data_dir, "everysec")
    with srv.conn() as c:
        c.ok("SET", "ttl", "v", "EX", "100")
        c.ok("SET", "plain", "v")
        c.call("EXPIRE", "plain", "200")
        c.call("SETEX", "setex", "300", "v")
        c.call("GETEX", "plain", "PX", "250000")
        c.call("INCRBYFLOAT", "float", "0.1")
        c.call("INCRBYFLOAT", "float", "0.2")
        c.call("HINCRBYFLOAT", "h", "f", "1.5")
        c.call("SADD", "s", *[str(i) for i in range(100)])
        popped = c.call("SPOP", "s", "10")
        c.call("SPOP", "s")
        c.call("RPUSH", "q", "a", "b", "c")
        c.call("BLPOP", "q", "0")
        c.call("BRPOPLPUSH", "q", "q2", "0")
        c.call("ZADD", "z", "1", "x", "2", "y")
        c.call("BZPOPMIN", "z", "0")
        c.ok("SELECT", "3")
        c.call("MULTI")
        c.call("SET", "in3", "x")
        c.call("INCR", "n3")
        c.call("EXEC")
        c.ok("SELECT", "0")
        c.ok("SET", "gone", "v", "PX", "1")
        time.sleep(0.05)
        c.call("GET", "gone")  # expired: logged as DEL
        before = dump_all(c)
        ttls = {k: c.call("PEXPIRETIME", k) for k in ("ttl", "plain", "setex")}
    expect_true(len(popped) == 10, "SPOP 10 popped 10")
    written_out(srv)
    srv = kill9_and_restart(srv, data_dir, "everysec")
    with srv.conn() as c:
        after = dump_all(c)
        expect_eq(after, before, "every key and value after the replay")
        for k, at in ttls.items():
            expect_eq(c.call("PEXPIRETIME", k), at, "the absolute expiry time of %s" % k)


def dump_all(c):
    """Every key of databases 0 and 3 with its type and value, comparable."""
    out = {}
    for db in (0, 3):
        c.ok("SELECT", str(db))
        for key in sorted(c.call("KEYS", "*")):
            t = c.call("TYPE", key)
            if t == "string":
                v = c.call("GET", key)
            elif t == "list":
                v = c.call("LRANGE", key, 0, -1)
            elif t == "set":
                v = sorted(c.call("SMEMBERS", key))
            elif t == "hash":
                v = sorted(c.call("HGETALL", key))
            else:
                v = c.call("ZRANGE", key, 0, -1, "WITHSCORES")
            out[(db, key)] = (t, v)
    c.ok("SELECT", "0")
    return out


def fill_every_type(c):
    for db in (0, 3):
        c.ok("SELECT", str(db))
        c.ok("SET", "str", "hello%d" % db)
        c.ok("SET", "int", "12345")
        c.ok("SET", "ttl", "v", "EX", "1000")
        c.call("RPUSH", "list", *[str(i) for i in range(300)])
        c.call("RPUSH", "smalllist", "a", "b")
        c.call("SADD", "intset", *[str(i) for i in range(50)])
        c.call("SADD", "set", *["m%d" % i for i in range(600)])
        c.call("HSET", "hash", *sum([["f%d" % i, "v%d" % i] for i in range(10)], []))
        c.call("HSET", "bighash", *sum([["f%d" % i, "v%d" % i] for i in range(600)], []))
        c.call("ZADD", "zset", *sum([[str(i), "m%d" % i] for i in range(10)], []))
        c.call("ZADD", "bigzset", *sum([[str(i * 0.5), "m%d" % i] for i in range(300)], []))
    c.ok("SELECT", "0")


def test_redis_tools_accept_our_directory():
    check_aof = shutil.which("redis-check-aof")
    redis_server = shutil.which("redis-server")
    if not check_aof or not redis_server:
        skip("redis-check-aof / redis-server not installed")
    data_dir = temp_dir()
    srv = start(data_dir, "everysec")
    with srv.conn() as c:
        fill_every_type(c)
        expect_true("rewriting" in str(c.call("BGREWRITEAOF")).lower(), "BGREWRITEAOF")
        wait_for(lambda: srv.info("persistence").get("aof_rewrite_in_progress") == "0",
                 what="rewrite done")
        c.call("SET", "after-rewrite", "1")  # in the new incr file
        c.call("SADD", "set", "late")
        want = dump_all(c)
    srv.signal(signal.SIGTERM)
    expect_eq(srv.wait_exit(20), 0, "clean exit")
    res = run_tool([check_aof, manifest_path(data_dir)], check_rc=False)
    out = (res.stdout + res.stderr).decode()
    expect_eq(res.returncode, 0, "redis-check-aof exit status (%s)" % out.strip())
    expect_true("valid" in out.lower(), "redis-check-aof says the AOF is valid: %s" % out)
    # A real redis-server loads a copy of the directory with the same data.
    copy = temp_dir()
    shutil.copytree(os.path.join(data_dir, "appendonlydir"), os.path.join(copy, "appendonlydir"))
    port, proc = start_reference_redis(["--appendonly", "yes", "--dir", copy])
    try:  # up once it answers PONG: loaded
        with Conn(port) as c:
            expect_eq(dump_all(c), want, "redis-server loaded our AOF with the same data")
            expect_true(c.call("TTL", "ttl") > 900, "and the TTL")
    finally:
        proc.kill()
        proc.wait()


def test_rewrite_while_clients_write():
    data_dir = temp_dir()
    srv = start(data_dir, "everysec")
    writer = Writer(srv.port)
    writer.start()
    wait_for(lambda: len(writer.acked_sets) > 2000, what="writes acknowledged")
    before = srv.info("persistence")
    expect_true("rewriting" in str(srv.call("BGREWRITEAOF")).lower(), "BGREWRITEAOF started")
    wait_for(lambda: srv.info("persistence").get("aof_rewrite_in_progress") == "0",
             timeout=30, what="rewrite done")
    time.sleep(0.3)
    writer.stop.set()
    writer.join(15)
    info = srv.info("persistence")
    expect_eq(info["aof_last_bgrewrite_status"], "ok", "aof_last_bgrewrite_status")
    expect_eq(int(info["aof_rewrites"]), int(before["aof_rewrites"]) + 1, "aof_rewrites")
    with open(manifest_path(data_dir)) as f:
        manifest = f.read()
    expect_true(".base.rdb" in manifest, "the manifest names an RDB-format base: %s" % manifest)
    expect_eq(manifest.count(" type i"), 1, "one incr file after the rewrite: %s" % manifest)
    srv.signal(signal.SIGTERM)
    expect_eq(srv.wait_exit(20), 0, "clean exit")
    srv = start(data_dir, "everysec")
    check_survivors(srv, writer)
    # Only the files the manifest names are left (history deleted).
    names = set(os.listdir(os.path.join(data_dir, "appendonlydir")))
    expect_eq(len(names), 3, "manifest, base, incr: %s" % sorted(names))


def test_automatic_rewrite_by_growth():
    """auto-aof-rewrite-percentage / -min-size: once the files grew past both, a rewrite
    starts by itself, and the directory still loads the same data."""
    data_dir = temp_dir()
    srv = start(data_dir, "everysec", **{"auto-aof-rewrite-percentage": 100,
                                         "auto-aof-rewrite-min-size": 200000})
    wait_for(lambda: srv.info("persistence").get("aof_rewrites") == "1",
             what="the first base written")
    with srv.conn() as c:
        for i in range(20):  # ~400 KB of records: past the minimum and twice the base
            c.send_cmd("SET", "grow:%d" % i, os.urandom(10000).hex())  # LZF cannot shrink it
        expect_true(all(r == "OK" for r in c.read_replies(20)), "20 SETs")
        wait_for(lambda: int(srv.info("persistence")["aof_rewrites"]) >= 2, timeout=15,
                 what="an automatic rewrite")
        info = srv.info("persistence")
        expect_eq(info["aof_last_bgrewrite_status"], "ok", "aof_last_bgrewrite_status")
        expect_true(int(info["aof_base_size"]) > 300000,
                    "the new base holds the data (%s bytes)" % info["aof_base_size"])
        c.ok("SET", "after", "1")
    written_out(srv)
    srv = kill9_and_restart(srv, data_dir, "everysec")
    with srv.conn() as c:
        expect_eq(c.call("STRLEN", "grow:19"), 20000, "data from the base")
        expect_eq(c.call("GET", "after"), b"1", "data from the incr after it")


def test_config_set_appendonly_at_run_time():
    data_dir = temp_dir()
    srv = Server(BINARY, config={"dir": data_dir, "save": []})
    with srv.conn() as c:
        fill_every_type(c)
        want_before = dump_all(c)
        expect_eq(c.call("CONFIG", "SET", "appendonly", "yes"), "OK", "CONFIG SET appendonly yes")
        expect_eq(c.call("CONFIG", "GET", "appendonly"), [b"appendonly", b"yes"], "CONFIG GET")
        wait_for(lambda: srv.info("persistence").get("aof_rewrite_in_progress") == "0" and
                 srv.info("persistence").get("aof_rewrites") == "1", what="first base written")
        c.ok("SET", "later", "x")
        want = dump_all(c)
    expect_true(len(want) == len(want_before) + 1, "one key more")
    written_out(srv)
    srv = kill9_and_restart(srv, data_dir, "everysec")
    with srv.conn() as c:
        expect_eq(dump_all(c), want, "everything back from the AOF")


def test_write_failure_answers_misconf_and_recovers():
    if not shutil.which("prlimit"):
        skip("prlimit (util-linux) not installed")
    data_dir = temp_dir()
    srv = start(data_dir, "everysec")
    with srv.conn() as c:
        c.ok("SET", "before", "1")
        wait_for(lambda: srv.info("persistence").get("aof_rewrite_in_progress") == "0",
                 what="first base written")
        # SET before's record must be in the file first: everysec may still hold it for a
        # moment, and its write would then be the one that fails (and SET big be refused).
        written_out(srv)
        # Files may not grow past their size now: the next write() fails with EFBIG.
        run_tool(["prlimit", "--pid", str(srv.pid), "--fsize=1:unlimited"])
        value = "x" * 10000
        expect_eq(c.call("SET", "big", value), "OK",
                  "SET big applied (its record is the one that cannot be written)")

        def refused():
            r = c.call("SET", "probe", "1")
            return isinstance(r, Exception) or str(r).startswith("MISCONF")
        wait_for(refused, what="writes refused")
        reply = c.call("SET", "probe", "1")
        expect_true("MISCONF Errors writing to the AOF file: File too large" in str(reply),
                    "Redis's MISCONF text: %r" % (reply,))
        expect_true("MISCONF" in str(c.call("PING")), "PING refused too, as Redis does")
        expect_eq(c.call("GET", "before"), b"1", "reads go on")
        expect_eq(srv.info("persistence")["aof_last_write_status"], "err",
                  "aof_last_write_status")
        run_tool(["prlimit", "--pid", str(srv.pid), "--fsize=unlimited:unlimited"])
        wait_for(lambda: c.call("SET", "after", "1") == "OK", timeout=10,
                 what="writes accepted again")
        expect_eq(srv.info("persistence")["aof_last_write_status"], "ok", "status back")
        written_out(srv)
    srv = kill9_and_restart(srv, data_dir, "everysec")
    with srv.conn() as c:
        expect_eq(c.call("STRLEN", "big"), 10000, "the write made during the failure was kept")
        expect_eq(c.call("GET", "after"), b"1", "and the one after")


def test_always_reply_waits_for_the_file():
    """appendfsync always: a write is acknowledged only once its record is on disk, whichever
    thread ran it: a worker (SET) or the reactor (an EXEC holding PUBLISH runs there); and no
    other client reads the value before that either. While the file cannot grow, both wait
    (one second of silence is checked each); once it can, both replies come, and the write
    survives a kill -9."""
    if not shutil.which("prlimit"):
        skip("prlimit (util-linux) not installed")
    cases = [
        ("SET", encode("SET", "k", "v"), []),
        ("EXEC with PUBLISH", encode("MULTI") + encode("SET", "k", "v") +
         encode("PUBLISH", "ch", "m") + encode("EXEC"), ["OK", "QUEUED", "QUEUED"]),
    ]
    for name, request, first_replies in cases:
        data_dir = temp_dir()
        srv = start(data_dir, "always")
        with srv.conn() as c:
            c.ok("SET", "before", "1")  # acknowledged, so in the file and synced
            wait_for(lambda: srv.info("persistence").get("aof_rewrite_in_progress") == "0",
                     what="first base written")
            run_tool(["prlimit", "--pid", str(srv.pid), "--fsize=1:unlimited"])
            c.send(request)
            expect_eq(c.read_replies(len(first_replies)), first_replies, name + ": queued")
            expect_true(not c.is_closed(1.0), name + ": connection open")
            expect_eq(bytes(c.buf[c.pos:]), b"", name + ": no reply while its record cannot "
                      "be written")
            with srv.conn() as reader:  # nor may another client read the value yet
                reader.send_cmd("GET", "k")
                expect_true(not reader.is_closed(1.0), name + ": reader's connection open")
                expect_eq(bytes(reader.buf[reader.pos:]), b"", name + ": no GET reply while "
                          "the value it would show is not on disk")
                run_tool(["prlimit", "--pid", str(srv.pid), "--fsize=unlimited:unlimited"])
                reply = c.read_reply(timeout=10)
                expect_eq(reply, ["OK", 0] if first_replies else "OK", name + ": the reply")
                expect_eq(reader.read_reply(timeout=10), b"v", name + ": then the GET")
        srv = kill9_and_restart(srv, data_dir, "always")
        expect_eq(srv.call("GET", "k"), b"v", name + ": acknowledged, so kept")
        srv.signal(signal.SIGTERM)
        expect_eq(srv.wait_exit(20), 0, "clean exit")


if __name__ == "__main__":
    run_tests([test_always_kill9_loses_no_acknowledged_write, test_always_reply_waits_for_the_file,
               test_everysec_loses_at_most_two_seconds, test_replay_is_deterministic,
               test_redis_tools_accept_our_directory, test_rewrite_while_clients_write,
               test_automatic_rewrite_by_growth, test_config_set_appendonly_at_run_time,
               test_write_failure_answers_misconf_and_recovers])
