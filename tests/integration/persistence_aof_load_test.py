"""Start-up loading of the AOF against the real binary: a real redis-server 7.0 writes an AOF
directory (every type, several databases, MULTI/EXEC, expiries, a rewrite in the middle) and
we load it with every key, type, value and expiry equal; a torn tail is cut (with a log line
naming file and offset) or refuses to start (aof-load-truncated no); a corrupt middle, a file
the manifest names that is missing, and a bad manifest line refuse to start with a message
naming the file; redis-check-aof agrees on the same directories; an old single appendonly.aof
is upgraded as Redis 7.0 does; while a big AOF loads, clients get -LOADING, INFO shows the
loading fields, and the service manager hears STATUS=loading before READY=1."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, binary_from_argv, expect_eq, expect_in,  # noqa: E402
                     expect_true, fail, run_tests, skip, start_reference_redis, temp_dir,
                     wait_for)

BINARY = binary_from_argv()


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def command_offsets(data):
    """Offsets where each RESP command of an AOF file starts (the file must be whole)."""
    offsets, pos = [], 0
    while pos < len(data):
        offsets.append(pos)
        nl = data.index(b"\r\n", pos)
        n = int(data[pos + 1:nl])
        pos = nl + 2
        for _ in range(n):
            nl = data.index(b"\r\n", pos)
            pos = nl + 2 + int(data[pos + 1:nl]) + 2
    return offsets


def manifest_files(aof_dir, prefix="appendonly.aof"):
    """[(name, type)] from a manifest whose names need no quoting."""
    out = []
    with open(os.path.join(aof_dir, prefix + ".manifest")) as f:
        for line in f:
            w = line.split()
            if w and not w[0].startswith("#"):
                kv = dict(zip(w[::2], w[1::2]))
                out.append((kv["file"], kv["type"]))
    return out


def last_incr(aof_dir):
    return os.path.join(aof_dir, [n for n, t in manifest_files(aof_dir) if t == "i"][-1])


def check_aof(manifest):
    return subprocess.run(["redis-check-aof", manifest], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60)


def snapshot(port, dbs=16):
    """{(db, key): (type, value, pexpiretime)} of every key."""
    out = {}
    with Conn(port) as c:
        for db in range(dbs):
            expect_eq(c.call("SELECT", db), "OK")
            for k in c.call("KEYS", "*"):
                t = c.call("TYPE", k)
                if t == "string":
                    v = c.call("GET", k)
                elif t == "list":
                    v = c.call("LRANGE", k, 0, -1)
                elif t == "hash":
                    flat = c.call("HGETALL", k)
                    v = sorted(zip(flat[::2], flat[1::2]))
                elif t == "set":
                    v = sorted(c.call("SMEMBERS", k))
                elif t == "zset":
                    v = c.call("ZRANGE", k, 0, -1, "WITHSCORES")
                else:
                    fail("unexpected type %r of %r" % (t, k))
                out[(db, k)] = (t, v, c.call("PEXPIRETIME", k))
    return out


LAST = resp("SET", "lastkey", "lastval")


def write_dataset(c):
    """Every type, several databases, MULTI/EXEC, expiries; a rewrite in the middle (so the
    base and the incr file both hold data); ends with LAST as the incr file's last command."""
    far = int(time.time() * 1000) + 3_600_000
    calls = [
        ("SET", "s1", "hello"), ("APPEND", "s1", " world"), ("SET", "n", "10"),
        ("INCRBY", "n", "5"), ("SET", "big", "x" * 5000), ("SET", b"bin\x00\r\nkey", b"\x00\xff"),
        ("RPUSH", "l", "a", "b", "c"), ("LPUSH", "l", "z"), ("RPOP", "l"),
        ("HSET", "h", "f1", "v1", "f2", "v2"), ("HINCRBY", "h", "cnt", "3"),
        ("SADD", "si", "1", "2", "3"), ("SADD", "ss", "a", "b", "c"), ("SREM", "ss", "b"),
        ("ZADD", "z", "1", "a", "2.5", "b", "-3", "c"), ("ZINCRBY", "z", "1", "a"),
        ("SET", "e1", "v", "EX", "1000"), ("SET", "e2", "v"), ("PEXPIREAT", "e2", far),
        ("SETEX", "e3", "2000", "v"), ("EXPIRE", "h", "3000"),
    ]
    for args in calls:
        r = c.call(*args)
        expect_true(not isinstance(r, RespError), "%r answered %r" % (args[0], r))
    expect_eq(c.call("HSET", "bigh", *[x for i in range(600) for x in ("f%d" % i, "v%d" % i)]),
              600)
    expect_eq(c.call("SADD", "bigs", *["m%d" % i for i in range(700)]), 700)
    expect_eq(c.call("ZADD", "bigz", *[x for i in range(300) for x in (i, "m%d" % i)]), 300)
    expect_eq(c.call("SELECT", 3), "OK")
    expect_eq(c.call("SET", "d3", "x"), "OK")
    expect_eq(c.call("HSET", "d3h", "a", "b"), 1)
    expect_eq(c.call("SELECT", 0), "OK")
    expect_eq(c.call("BGREWRITEAOF"), "Background append only file rewriting started")

    def rewritten():
        info = c.call("INFO", "persistence").decode()
        return ("aof_rewrite_in_progress:0" in info and "aof_rewrite_scheduled:0" in info)
    wait_for(rewritten, 30, what="BGREWRITEAOF to finish")
    expect_eq(c.call("SET", "gone", "v", "PX", "1"), "OK")
    wait_for(lambda: c.call("EXISTS", "gone") == 0, 10, what="'gone' to expire (DEL logged)")
    c.send(resp("MULTI") + resp("SET", "t1", "1") + resp("INCR", "t1") + resp("LPUSH", "tl", "x")
           + resp("EXEC"))
    expect_eq(c.read_replies(5)[-1], ["OK", 2, 1])
    expect_eq(c.call("SELECT", 15), "OK")
    expect_eq(c.call("SADD", "d15", "m"), 1)
    expect_eq(c.call("SELECT", 0), "OK")
    expect_eq(c.call("RENAME", "s1", "s1b"), "OK")
    expect_eq(c.call("DEL", "ss"), 1)
    c.send(LAST)
    expect_eq(c.read_reply(), "OK")


_reference = {}


def reference_dir():
    """A directory a real redis-server 7.0 wrote (cached per run), and its snapshot."""
    if "dir" in _reference:
        return _reference["dir"], _reference["snap"]
    if not shutil.which("redis-check-aof"):
        skip("redis-server / redis-check-aof not installed")
    d = temp_dir()
    ref = start_reference_redis(["--appendonly", "yes", "--aof-use-rdb-preamble", "no",
                                 "--appendfsync", "always", "--dir", d])
    if ref is None:
        skip("redis-server not installed")
    port, proc = ref
    with Conn(port) as c:
        write_dataset(c)
    snap = snapshot(port)
    with Conn(port) as c:
        c.send(resp("SHUTDOWN", "NOSAVE"))
    proc.wait(30)
    _reference.update(dir=d, snap=snap)
    return d, snap


def copy_of(src):
    d = temp_dir()
    shutil.copytree(os.path.join(src, "appendonlydir"), os.path.join(d, "appendonlydir"))
    return d


def aof_server(d, wait=True, **extra):
    config = {"dir": d, "appendonly": True, "databases": 16}
    config.update(extra)
    return Server(BINARY, config=config, wait=wait)


def test_loads_real_redis_aof():
    src, snap = reference_dir()
    expect_true(len(snap) > 15, "the reference wrote %d keys" % len(snap))
    files = manifest_files(os.path.join(src, "appendonlydir"))
    expect_eq(sorted(t for _, t in files), ["b", "i"], "one base and one incr")
    d = copy_of(src)
    with aof_server(d) as srv:
        got = snapshot(srv.port)
        expect_eq(sorted(got), sorted(snap), "the same keys in the same databases")
        for k in snap:
            expect_eq(got[k], snap[k], "type, value and expiry of %r" % (k,))
        info = srv.info("persistence")
        expect_eq(info["loading"], "0")
        expect_eq(info["aof_enabled"], "1")
        expect_in("DB loaded from append only file", srv.log())
    res = check_aof(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"))
    expect_eq(res.returncode, 0, "redis-check-aof on the directory we loaded")


def test_loads_real_redis_aof_with_rdb_preamble():
    """The same with aof-use-rdb-preamble yes (Redis's default): the base is an RDB file. A
    build without the RDB loader must refuse cleanly, naming the file; with it, load it all."""
    d = temp_dir()
    ref = start_reference_redis(["--appendonly", "yes", "--aof-use-rdb-preamble", "yes",
                                 "--appendfsync", "always", "--dir", d])
    if ref is None:
        skip("redis-server not installed")
    port, proc = ref
    with Conn(port) as c:
        write_dataset(c)
    snap = snapshot(port)
    with Conn(port) as c:
        c.send(resp("SHUTDOWN", "NOSAVE"))
    proc.wait(30)
    files = manifest_files(os.path.join(d, "appendonlydir"))
    base = [n for n, t in files if t == "b"][0]
    expect_true(base.endswith(".base.rdb"), "the base is an RDB file: %r" % base)
    with aof_server(d) as srv:
        got = snapshot(srv.port)
        expect_eq(sorted(got), sorted(snap), "the same keys")
        for k in snap:
            expect_eq(got[k], snap[k], "type, value and expiry of %r" % (k,))
        expect_in("loaded the RDB base " + base, srv.log())


def test_legacy_aof_with_rdb_preamble_and_tail():
    """An appendonly.aof as Redis 4 to 6 left it: an RDB snapshot (here one a real
    redis-server 7.0 SAVEd) followed by the commands written since. Both servers upgrade it
    to the multi-part layout; the keys, values and expiry times they end with must agree."""
    d = temp_dir()
    ref = start_reference_redis(["--dir", d, "--dbfilename", "dump.rdb"])
    if ref is None:
        skip("redis-server not installed")
    port, proc = ref
    with Conn(port) as c:
        write_dataset(c)
        expect_eq(c.call("SAVE"), "OK")
        c.send(resp("SHUTDOWN", "NOSAVE"))
    proc.wait(30)
    with open(os.path.join(d, "dump.rdb"), "rb") as f:
        legacy = f.read()
    legacy += (resp("SELECT", "0") + resp("SET", "after", "the preamble") +
               resp("RPUSH", "tail-list", "a", "b") + resp("SELECT", "3") +
               resp("SET", "in-db3", "x") + resp("PEXPIREAT", "in-db3", "4102444800000"))
    ours, theirs = temp_dir(), temp_dir()
    for where in (ours, theirs):
        with open(os.path.join(where, "appendonly.aof"), "wb") as f:
            f.write(legacy)
    ref = start_reference_redis(["--appendonly", "yes", "--dir", theirs])
    port, proc = ref
    try:
        snap = snapshot(port)
    finally:
        with Conn(port) as c:
            c.send(resp("SHUTDOWN", "NOSAVE"))
        proc.wait(30)
    expect_in((0, b"after"), snap)
    expect_in((3, b"in-db3"), snap)
    with aof_server(ours) as srv:
        got = snapshot(srv.port)
        expect_eq(sorted(got), sorted(snap), "the same keys in the same databases")
        for k in snap:
            expect_eq(got[k], snap[k], "type, value and expiry of %r" % (k,))
        expect_in("loaded the RDB preamble of appendonly.aof", srv.log())
    manifest = os.path.join(ours, "appendonlydir", "appendonly.aof.manifest")
    expect_eq(check_aof(manifest).returncode, 0, "redis-check-aof on the upgraded directory")


def test_quoted_file_names():
    """appendfilename with spaces and quotes: Redis quotes the names in its manifest; we read
    them back, and our upgrade writes a manifest redis-check-aof reads the same way."""
    name = 'my "file" x.aof'
    d = temp_dir()
    ref = start_reference_redis(["--appendonly", "yes", "--aof-use-rdb-preamble", "no",
                                 "--appendfsync", "always", "--dir", d, "--appendfilename", name])
    if ref is None:
        skip("redis-server not installed")
    port, proc = ref
    with Conn(port) as c:
        expect_eq(c.call("SET", "q", "1"), "OK")
        expect_eq(c.call("RPUSH", "ql", "a"), 1)
        c.send(resp("SHUTDOWN", "NOSAVE"))
    proc.wait(30)
    with open(os.path.join(d, "appendonlydir", name + ".manifest")) as f:
        expect_in('"my \\"file\\" x.aof.1.', f.read(), "Redis quotes the name")
    with aof_server(d, appendfilename=name) as srv:
        expect_eq(srv.call("GET", "q"), b"1")
        expect_eq(srv.call("LRANGE", "ql", 0, -1), [b"a"])
    legacy = temp_dir()
    with open(os.path.join(legacy, name), "wb") as f:
        f.write(resp("SET", "old", "1"))
    with aof_server(legacy, appendfilename=name) as srv:
        expect_eq(srv.call("GET", "old"), b"1")
    manifest = os.path.join(legacy, "appendonlydir", name + ".manifest")
    res = check_aof(manifest)
    expect_eq(res.returncode, 0, "redis-check-aof on our quoted manifest: %s" % res.stdout)
    expect_in(b"is valid", res.stdout)


def test_torn_tail_is_cut():
    src, snap = reference_dir()
    size = os.path.getsize(last_incr(os.path.join(src, "appendonlydir")))
    good = size - len(LAST)
    for cut in (size - 1, good + 1, good + len(LAST) // 2):
        d = copy_of(src)
        incr = last_incr(os.path.join(d, "appendonlydir"))
        os.truncate(incr, cut)
        with aof_server(d) as srv:
            log = srv.log()
            expect_in(incr, log, "the log names the file")
            expect_in("offset %d" % good, log, "the log names the offset")
            got = snapshot(srv.port)
            want = {k: v for k, v in snap.items() if k != (0, b"lastkey")}
            expect_eq(sorted(got), sorted(want), "only the torn command is lost (cut %d)" % cut)
            for k in want:
                expect_eq(got[k], want[k], "value of %r" % (k,))
        expect_eq(os.path.getsize(incr), good, "the file is truncated to the last whole command")
        res = check_aof(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"))
        expect_eq(res.returncode, 0, "redis-check-aof after the cut: %s" % res.stdout[-300:])


def test_torn_tail_refused_without_aof_load_truncated():
    src, _ = reference_dir()
    d = copy_of(src)
    incr = last_incr(os.path.join(d, "appendonlydir"))
    size = os.path.getsize(incr)
    os.truncate(incr, size - 3)
    srv = aof_server(d, wait=False, **{"aof-load-truncated": False})
    code = srv.wait_exit(30)
    expect_true(code != 0, "exit status %r" % code)
    log = srv.log()
    expect_in(incr, log)
    expect_in("offset %d" % (size - len(LAST)), log)
    expect_in("aof-load-truncated", log)
    expect_eq(os.path.getsize(incr), size - 3, "nothing cut")
    srv.kill()


def test_corrupt_middle_refused():
    src, _ = reference_dir()
    d = copy_of(src)
    incr = last_incr(os.path.join(d, "appendonlydir"))
    with open(incr, "rb") as f:
        data = f.read()
    offsets = command_offsets(data)
    k = offsets[len(offsets) // 2]
    with open(incr, "wb") as f:
        f.write(data[:k] + b"garbage\r\n" + data[k:])
    srv = aof_server(d, wait=False)
    code = srv.wait_exit(30)
    expect_true(code != 0, "exit status %r" % code)
    log = srv.log()
    expect_in(incr, log)
    expect_in("corrupt at offset %d" % k, log)
    res = check_aof(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"))
    expect_true(res.returncode != 0, "redis-check-aof also finds it bad")
    srv.kill()


def test_missing_file_and_bad_manifest_refused():
    src, _ = reference_dir()
    cases = [
        ("file appendonly.aof.99.incr.aof seq 99 type i\n", "does not exist"),
        ("file appendonly.aof.99.incr.aof seq 99\n", "no file type"),
        ("file appendonly.aof.99.incr.aof seq 1 type i\n", "not above"),
    ]
    for extra, message in cases:
        d = copy_of(src)
        manifest = os.path.join(d, "appendonlydir", "appendonly.aof.manifest")
        with open(manifest, "a") as f:
            f.write(extra)
        srv = aof_server(d, wait=False)
        code = srv.wait_exit(30)
        expect_true(code != 0, "exit status %r with %r" % (code, extra))
        log = srv.log()
        expect_in(message, log)
        expect_in("appendonly.aof", log)
        expect_true(check_aof(manifest).returncode != 0, "redis-check-aof refuses %r" % extra)
        srv.kill()


def test_legacy_single_aof_upgraded():
    d = temp_dir()
    with open(os.path.join(d, "appendonly.aof"), "wb") as f:
        f.write(resp("SELECT", "0") + resp("SET", "old", "style") + resp("RPUSH", "ol", "1", "2"))
    with aof_server(d) as srv:
        expect_eq(srv.call("GET", "old"), b"style")
        expect_eq(srv.call("LLEN", "ol"), 2)
    expect_true(not os.path.exists(os.path.join(d, "appendonly.aof")), "moved")
    manifest = os.path.join(d, "appendonlydir", "appendonly.aof.manifest")
    with open(manifest) as f:
        # The old file is the base; writes go to a new incr file, as Redis 7.0 lays it out.
        expect_eq(f.read(), "file appendonly.aof seq 1 type b\n"
                            "file appendonly.aof.1.incr.aof seq 1 type i\n")
    expect_eq(check_aof(manifest).returncode, 0, "redis-check-aof on the upgraded directory")


def test_appendonly_on_with_nothing_to_load():
    d = temp_dir()
    with aof_server(d) as srv:
        expect_eq(srv.call("DBSIZE"), 0)
        expect_eq(srv.info("persistence")["aof_enabled"], "1")
        expect_eq(srv.call("CONFIG", "GET", "appendonly"), [b"appendonly", b"yes"])


def test_config_keys_as_redis_shows_them():
    ref = start_reference_redis()
    if ref is None:
        skip("redis-server not installed")
    port, _ = ref
    with Server(BINARY) as srv:
        for key in ("appendonly", "appenddirname", "appendfilename", "aof-load-truncated"):
            with Conn(port) as c:
                want = c.call("CONFIG", "GET", key)
            expect_eq(srv.call("CONFIG", "GET", key), want, "CONFIG GET %s" % key)
        expect_eq(srv.call("CONFIG", "SET", "aof-load-truncated", "no"), "OK")
        expect_eq(srv.call("CONFIG", "GET", "aof-load-truncated"), [b"aof-load-truncated", b"no"])
        expect_true(isinstance(srv.call("CONFIG", "SET", "aof-load-truncated", "maybe"),
                               RespError), "only yes/no")
        expect_eq(srv.info("persistence")["aof_enabled"], "0")


def test_shutdown_while_loading():
    d = temp_dir()
    big_aof(d, 1_000_000)
    srv = Server(BINARY, config={"dir": d, "appendonly": True}, wait=False)

    def answering():  # -LOADING, as a rule (1M keys take seconds), or PONG if it was quick
        try:
            with Conn(srv.port, timeout=5) as c:
                return c.call("PING") is not None
        except OSError:
            return False
    wait_for(answering, 60, what="the server to answer")
    srv.signal(signal.SIGTERM)
    expect_eq(srv.wait_exit(30), 0, "SIGTERM while loading: a clean exit")
    srv.kill()


class NotifySocket:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mini-redis-notify-")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.messages = []

    def drain(self):
        while True:
            try:
                self.messages.append(self.sock.recv(65536).decode())
            except BlockingIOError:
                return self.messages

    def close(self):
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def big_aof(d, n):
    aof_dir = os.path.join(d, "appendonlydir")
    os.makedirs(aof_dir)
    base = os.path.join(aof_dir, "appendonly.aof.1.base.aof")
    with open(base, "wb") as f:
        f.write(resp("SELECT", "0"))
        chunk = []
        for i in range(n):
            chunk.append(resp("SET", "key:%d" % i, "value-%d" % i))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    with open(os.path.join(aof_dir, "appendonly.aof.manifest"), "w") as f:
        f.write("file appendonly.aof.1.base.aof seq 1 type b\n")
    return os.path.getsize(base)


def test_loading_replies_and_status():
    for n in (300_000, 1_000_000):
        d = temp_dir()
        size = big_aof(d, n)
        ns = NotifySocket()
        try:
            srv = Server(BINARY, config={"dir": d, "appendonly": True},
                         env={"NOTIFY_SOCKET": ns.path}, wait=False)
            seen_loading, info_seen = False, None
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    with Conn(srv.port, timeout=10) as c:
                        while True:
                            r = c.call("PING")
                            if isinstance(r, RespError):
                                expect_eq(str(r), "LOADING Redis is loading the dataset in memory")
                                seen_loading = True
                                # Refused, or (if the load ended meanwhile) the loaded value.
                                g = c.call("GET", "key:1")
                                if isinstance(g, RespError):
                                    expect_eq(str(g),
                                              "LOADING Redis is loading the dataset in memory")
                                else:
                                    expect_eq(g, b"value-1", "GET once loading ended")
                                info = c.call("INFO", "persistence")
                                if isinstance(info, bytes) and b"loading:1" in info:
                                    info_seen = info.decode()
                                continue
                            expect_eq(r, "PONG")
                            break
                    break
                except (ConnectionRefusedError, ConnectionResetError):
                    if srv.proc.poll() is not None:
                        fail("server exited: %s" % srv.log())
                    time.sleep(0.01)
            expect_eq(srv.call("DBSIZE"), n, "every key loaded")
            expect_eq(srv.call("GET", "key:%d" % (n - 1)), b"value-%d" % (n - 1))
            expect_eq(srv.info("persistence")["loading"], "0")
            wait_for(lambda: any("READY=1" in m for m in ns.drain()), 10, what="READY=1")
            msgs = ns.drain()
            ready_at = next(i for i, m in enumerate(msgs) if "READY=1" in m)
            expect_true(any("STATUS=loading" in m for m in msgs[:ready_at]),
                        "STATUS=loading before READY=1: %r" % msgs[:ready_at + 1])
            expect_true(not any("READY=1" in m for m in msgs[:ready_at]), "one READY")
            srv.stop()
            if not seen_loading:
                print("     %d keys loaded before the first PING; trying more" % n, flush=True)
                continue
            if info_seen is not None:
                fields = dict(line.split(":", 1) for line in info_seen.split("\r\n")
                              if ":" in line)
                expect_eq(fields["loading_total_bytes"], str(size))
                for name in ("loading_start_time", "loading_rdb_used_mem", "loading_loaded_bytes",
                             "loading_loaded_perc", "loading_eta_seconds", "async_loading"):
                    expect_true(name in fields, "INFO persistence has %s while loading" % name)
            return
        finally:
            ns.close()
    fail("never saw -LOADING: even %d keys loaded before the first PING" % n)


if __name__ == "__main__":
    run_tests([test_loads_real_redis_aof, test_loads_real_redis_aof_with_rdb_preamble,
               test_quoted_file_names, test_torn_tail_is_cut,
               test_torn_tail_refused_without_aof_load_truncated, test_corrupt_middle_refused,
               test_missing_file_and_bad_manifest_refused, test_legacy_single_aof_upgraded,
               test_legacy_aof_with_rdb_preamble_and_tail,
               test_appendonly_on_with_nothing_to_load, test_config_keys_as_redis_shows_them,
               test_loading_replies_and_status, test_shutdown_while_loading])
