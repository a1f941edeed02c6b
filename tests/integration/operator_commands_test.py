"""Operator commands: INFO, CLIENT, CONFIG GET/SET, SLOWLOG, TIME, DBSIZE.

Everything an operator or an exporter reads: INFO's fields checked against what the test did
(pid, port, connections, hits and misses, key counts, per-worker commands), CLIENT LIST/KILL
against real sockets, every live CONFIG key set and read back with its effect where one can
be seen, and the slow log.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, binary_from_argv,  # noqa: E402
                     parse_info, run_tests, skip, wait_for)

BINARY = binary_from_argv()
MAX_CLIENTS_ERR = "ERR max number of clients reached"


def info(c, *sections):
    reply = c.call("INFO", *sections)
    assert isinstance(reply, bytes), "INFO gave %r" % (reply,)
    return reply.decode()


def local_addr(c):
    host, port = c.sock.getsockname()[:2]
    return "%s:%d" % (host, port)


def client_lines(text):
    """CLIENT LIST text -> [{field: value}] (values keep their text)."""
    if isinstance(text, bytes):
        text = text.decode()
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(dict(kv.split("=", 1) for kv in line.split(" ")))
    return out


def keepalive_timer(port, peer, window=1.0):
    """Seconds left on the server-side keepalive timer of the connection from `peer`, as ss
    shows it, or None if no keepalive timer shows within `window` seconds (ss shows one timer
    per socket, and a retransmit timer hides the keepalive one for a moment)."""
    deadline = time.monotonic() + window
    while True:
        out = subprocess.run(["ss", "-tnoH", "state", "established", "( sport = :%d )" % port],
                             capture_output=True, text=True, timeout=10).stdout
        lines = [line for line in out.splitlines() if peer in line.split()]
        assert lines, "no socket from %s in ss output:\n%s" % (peer, out)
        m = re.search(r"timer:\(keepalive,(?:(\d+)min)?(?:(\d+)(?:\.\d+)?sec)?", lines[0])
        if m:
            return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def err(reply):
    assert isinstance(reply, RespError), "expected an error reply, got %r" % (reply,)
    return str(reply)


def test_info_fields():
    with Server(BINARY, config={"maxclients": 321}, workers=3) as srv:
        with srv.conn() as c:
            text = info(c)
            for header in ("# Server", "# Clients", "# Memory", "# Stats", "# Workers",
                           "# Keyspace"):
                assert header in text, "INFO lacks %s:\n%s" % (header, text)
            f = parse_info(text)
            assert f["redis_version"], f
            assert int(f["process_id"]) == srv.pid, (f["process_id"], srv.pid)
            assert int(f["tcp_port"]) == srv.port
            assert int(f["uptime_in_seconds"]) >= 0
            assert f["config_file"] == srv.config_path, f["config_file"]
            assert int(f["connected_clients"]) == 1
            assert int(f["maxclients"]) == 321
            assert f["blocked_clients"] == "0"
            assert int(f["used_memory_rss"]) > 0
            assert int(f["used_memory_peak"]) >= int(f["used_memory"])
            assert int(f["rejected_connections"]) == 0
            assert int(f["instantaneous_ops_per_sec"]) >= 0
            assert "db0" not in f, "keyspace line for an empty db: %r" % f.get("db0")

            # Connections: counted when opened, connected_clients follows closes.
            before = parse_info(info(c, "stats"))
            extra = [srv.conn() for _ in range(4)]
            for e in extra:
                assert e.call("PING") == "PONG"
            f = parse_info(info(c))
            assert int(f["connected_clients"]) == 5
            assert int(f["total_connections_received"]) == \
                int(before["total_connections_received"]) + 4
            for e in extra:
                e.close()
            wait_for(lambda: parse_info(info(c, "clients"))["connected_clients"] == "1",
                     10, what="connected_clients back to 1")

            # Memory grows with data; the peak remembers it after FLUSHALL.
            used0 = int(parse_info(info(c, "memory"))["used_memory"])
            value = "v" * 1000
            c.send_raw(b"".join(Conn.encode("SET", "key:%d" % i, value) for i in range(2000)))
            for _ in range(2000):
                assert c.read_reply() == "OK"
            mem = parse_info(info(c, "memory"))
            used1 = int(mem["used_memory"])
            assert used1 - used0 >= 2000 * 1000, "used_memory %d -> %d" % (used0, used1)
            assert int(mem["used_memory_peak"]) >= used1
            f = parse_info(info(c, "keyspace"))
            assert f["db0"].startswith("keys=2000,expires=0"), f
            time.sleep(0.3)  # the peak is sampled every 100 ms
            assert c.call("FLUSHALL") == "OK"
            mem = parse_info(info(c, "memory"))
            assert int(mem["used_memory"]) < used1
            assert int(mem["used_memory_peak"]) >= used1, mem

            # Hits and misses, exactly.
            c.ok("SET", "hit", "1")
            s0 = parse_info(info(c, "stats"))
            for _ in range(3):
                assert c.call("GET", "hit") == b"1"
            for _ in range(2):
                assert c.call("GET", "miss") is None
            s1 = parse_info(info(c, "stats"))
            assert int(s1["keyspace_hits"]) - int(s0["keyspace_hits"]) == 3, (s0, s1)
            assert int(s1["keyspace_misses"]) - int(s0["keyspace_misses"]) == 2, (s0, s1)
            # Commands and bytes: the 5 GETs and the INFO, at least.
            assert int(s1["total_commands_processed"]) - \
                int(s0["total_commands_processed"]) >= 6
            assert int(s1["total_net_input_bytes"]) - int(s0["total_net_input_bytes"]) >= \
                5 * len(Conn.encode("GET", "hit"))
            assert int(s1["total_net_output_bytes"]) > int(s0["total_net_output_bytes"])

            # ops/s: positive within a second of a burst (sampled, so poll briefly).
            c.send_raw(Conn.encode("PING") * 5000)
            for _ in range(5000):
                assert c.read_reply() == "PONG"
            assert wait_for(lambda: int(parse_info(info(c, "stats"))
                                        ["instantaneous_ops_per_sec"]) > 0,
                            3, what="instantaneous_ops_per_sec > 0")

            # Workers: one line per worker, and they ran everything sent so far.
            workers = parse_info(info(c, "workers"))
            names = sorted(k for k in workers if k.startswith("worker"))
            assert names == ["worker0", "worker1", "worker2"], workers
            total = 0
            for name in names:
                parts = dict(kv.split("=") for kv in workers[name].split(","))
                assert set(parts) >= {"queue_depth", "batches", "commands", "load"}, parts
                total += int(parts["commands"])
                assert int(parts["queue_depth"]) >= 0 and int(parts["batches"]) >= 0
            assert total >= 2000 + 5 + 5000, "workers ran %d commands" % total
            assert int(parse_info(info(c, "server"))["worker_threads"]) == 3


def test_info_sections_and_python_client():
    with Server(BINARY, config={}, workers=2) as srv:
        with srv.conn() as c:
            c.ok("SET", "a", "1")
            server_only = info(c, "server")
            assert server_only.startswith("# Server"), server_only
            assert "# Clients" not in server_only and "# Keyspace" not in server_only
            assert "redis_version" in server_only
            keyspace = info(c, "KEYSPACE")
            assert "# Keyspace" in keyspace and "db0:keys=1,expires=0" in keyspace, keyspace
            assert "# Server" not in keyspace
            assert parse_info(info(c, "workers")).keys() == {"worker0", "worker1"}
            two = info(c, "clients", "stats")
            assert "# Clients" in two and "# Stats" in two and "# Memory" not in two, two
            assert info(c, "nosuchsection") == ""
            everything = info(c, "all")
            assert "# Workers" in everything and "# Keyspace" in everything
        try:
            import redis
        except ImportError:
            skip("python3-redis not installed (run with Debian's /usr/bin/python3)")
        r = redis.Redis(port=srv.port, socket_timeout=10)
        try:
            parsed = r.info()
            assert parsed["redis_version"], parsed
            assert parsed["process_id"] == srv.pid
            assert parsed["tcp_port"] == srv.port
            assert parsed["db0"]["keys"] == 1 and parsed["db0"]["expires"] == 0, parsed["db0"]
            assert parsed["worker0"]["commands"] >= 0, parsed["worker0"]
            assert isinstance(parsed["used_memory"], int)
            assert r.info("keyspace") == {"db0": parsed["db0"]}
            assert set(r.info("workers")) == {"worker0", "worker1"}
            assert r.dbsize() == 1
            assert r.config_get("maxclients") == {"maxclients": "10000"}
            assert r.client_id() > 0
            assert any(int(cl["id"]) == r.client_id() for cl in r.client_list())
        finally:
            r.close()


def test_client_commands():
    with Server(BINARY, config={}) as srv:
        c1, c2, c3 = srv.conn(), srv.conn(), srv.conn()
        try:
            ids = [c.call("CLIENT", "ID") for c in (c1, c2, c3)]
            assert all(isinstance(i, int) and i > 0 for i in ids), ids
            assert len(set(ids)) == 3
            assert c2.call("CLIENT", "SETNAME", "second") == "OK"
            assert c2.call("CLIENT", "GETNAME") == b"second"
            assert c1.call("CLIENT", "GETNAME") is None
            assert err(c2.call("CLIENT", "SETNAME", "has space")).startswith("ERR")
            assert c3.call("GET", "nothing") is None

            listing = client_lines(c1.call("CLIENT", "LIST"))
            by_id = {int(cl["id"]): cl for cl in listing}
            assert sorted(by_id) == sorted(ids), listing
            for c, i in zip((c1, c2, c3), ids):
                assert by_id[i]["addr"] == local_addr(c), (by_id[i], local_addr(c))
                assert by_id[i]["laddr"] == "127.0.0.1:%d" % srv.port
            assert by_id[ids[1]]["name"] == "second"
            assert by_id[ids[0]]["name"] == ""
            assert by_id[ids[2]]["cmd"] == "get", by_id[ids[2]]
            assert by_id[ids[0]]["cmd"].startswith("client"), by_id[ids[0]]

            mine = client_lines(c2.call("CLIENT", "INFO"))
            assert len(mine) == 1 and int(mine[0]["id"]) == ids[1], mine
            assert mine[0]["name"] == "second" and mine[0]["addr"] == local_addr(c2)

            some = client_lines(c1.call("CLIENT", "LIST", "ID", ids[0], ids[2], 999999))
            assert sorted(int(cl["id"]) for cl in some) == [ids[0], ids[2]], some
            assert err(c1.call("CLIENT", "LIST", "ID", "abc")).startswith("ERR")

            # KILL ID: 1 and that socket gets closed; unknown ids kill nothing.
            assert c1.call("CLIENT", "KILL", "ID", ids[2]) == 1
            assert c3.is_closed(5), "CLIENT KILL ID left the socket open"
            assert c1.call("CLIENT", "KILL", "ID", ids[2]) == 0
            assert c1.call("CLIENT", "KILL", "ID", 999999) == 0
            assert len(client_lines(c1.call("CLIENT", "LIST"))) == 2

            # KILL ADDR.
            c4 = srv.conn()
            assert c4.call("PING") == "PONG"
            assert c1.call("CLIENT", "KILL", "ADDR", local_addr(c4)) == 1
            assert c4.is_closed(5)
            assert c1.call("CLIENT", "KILL", "ADDR", "127.0.0.1:1") == 0

            # Old form: CLIENT KILL ip:port -> +OK / -ERR No such client.
            c5 = srv.conn()
            assert c5.call("PING") == "PONG"
            assert c1.call("CLIENT", "KILL", local_addr(c5)) == "OK"
            assert c5.is_closed(5)
            assert err(c1.call("CLIENT", "KILL", local_addr(c5))) == "ERR No such client"

            # SKIPME: by default the caller is spared; SKIPME no kills it after the reply.
            assert c1.call("CLIENT", "KILL", "ADDR", local_addr(c1)) == 0
            assert c1.call("PING") == "PONG"
            c6, c7 = srv.conn(), srv.conn()
            assert c6.call("PING") == "PONG" and c7.call("PING") == "PONG"
            # Every client but the caller: c2, c6, c7.
            assert c1.call("CLIENT", "KILL", "SKIPME", "yes") == 3
            for c in (c2, c6, c7):
                assert c.is_closed(5)
            assert c1.call("PING") == "PONG"
            assert c1.call("CLIENT", "KILL", "ID", ids[0], "SKIPME", "no") == 1
            assert c1.is_closed(5), "SKIPME no did not close the caller"
            assert err(Conn(srv.port).call("CLIENT", "KILL", "ID", "0")).startswith("ERR")
            with srv.conn() as c:
                assert err(c.call("CLIENT", "KILL", "NOSUCHFILTER", "x")).startswith("ERR")
                assert len(client_lines(c.call("CLIENT", "LIST"))) == 1
        finally:
            for c in (c1, c2, c3):
                c.close()


LIVE_VALUES = {
    "loglevel": "notice",
    "maxclients": "5000",
    "timeout": "100",
    "tcp-keepalive": "60",
    "requirepass": "",  # set and cleared in its own step below
    "client-output-buffer-hard-limit": "123456789",
    "client-output-buffer-soft-limit": "23456789",
    "client-output-buffer-soft-seconds": "30",
    "client-output-buffer-pubsub-hard-limit": "3456789",
    "client-output-buffer-pubsub-soft-limit": "456789",
    "client-output-buffer-pubsub-soft-seconds": "20",
    "slowlog-log-slower-than": "5000",
    "slowlog-max-len": "64",
    "proto-max-bulk-len": "1048576",
    "proto-inline-max-size": "4096",
    "proto-max-multibulk-len": "1000",
    "client-query-buffer-limit": "2097152",
    "shutdown-timeout": "3",
}


def config_get(c, pattern):
    reply = c.call("CONFIG", "GET", pattern)
    assert isinstance(reply, list), "CONFIG GET %s -> %r" % (pattern, reply)
    return {reply[i].decode(): reply[i + 1].decode() for i in range(0, len(reply), 2)}


def test_config_get_set():
    with Server(BINARY, config={"maxclients": 100}) as srv:
        with srv.conn() as c:
            everything = config_get(c, "*")
            for key in list(LIVE_VALUES) + ["bind", "port", "workers"]:
                assert key in everything, "CONFIG GET * lacks %s" % key
            assert everything["port"] == str(srv.port)
            assert everything["bind"] == "127.0.0.1"
            maxes = config_get(c, "max*")
            assert maxes.get("maxclients") == "100", maxes
            assert all(k.startswith("max") for k in maxes), maxes
            assert set(config_get(c, "slowlog-*")) == {"slowlog-log-slower-than",
                                                      "slowlog-max-len"}
            assert set(config_get(c, "client-output-buffer-*-limit")) == {
                "client-output-buffer-hard-limit", "client-output-buffer-soft-limit",
                "client-output-buffer-pubsub-hard-limit", "client-output-buffer-pubsub-soft-limit"}
            assert config_get(c, "MAXCLIENTS") == {"maxclients": "100"}
            assert config_get(c, "no-such-key") == {}
            assert set(config_get(c, "port").keys()) == {"port"}
            two = c.call("CONFIG", "GET", "port", "bind")
            assert len(two) == 4, two

            # Every live key: set, read back.
            for key, value in LIVE_VALUES.items():
                assert c.call("CONFIG", "SET", key, value) == "OK", key
                assert config_get(c, key) == {key: value}, key
            assert c.call("CONFIG", "SET", "requirepass", "pw") == "OK"
            assert config_get(c, "requirepass") == {"requirepass": "pw"}
            with srv.conn() as other:
                assert err(other.call("PING")).startswith("NOAUTH")
            assert c.call("CONFIG", "SET", "requirepass", "") == "OK"
            assert c.call("CONFIG", "SET", "MaxClients", "4000") == "OK"
            assert config_get(c, "maxclients") == {"maxclients": "4000"}

            # Keys that need a restart, bad values, unknown keys: errors, nothing changes.
            for key, value in (("port", "1234"), ("bind", "0.0.0.0"), ("workers", "4")):
                e = err(c.call("CONFIG", "SET", key, value))
                assert "immutable" in e, e
            assert config_get(c, "port") == {"port": str(srv.port)}
            for key, value in (("maxclients", "abc"), ("maxclients", "0"), ("timeout", "-1"),
                               ("loglevel", "loud"), ("slowlog-log-slower-than", "-2"),
                               ("proto-max-bulk-len", "1"), ("no-such-key", "1"),
                               ("tcp-keepalive", "1.5")):
                assert err(c.call("CONFIG", "SET", key, value)).startswith("ERR"), (key, value)
            assert config_get(c, "maxclients") == {"maxclients": "4000"}
            assert err(c.call("CONFIG", "SET", "maxclients")).startswith("ERR")

            # Several pairs: all or nothing.
            assert c.call("CONFIG", "SET", "maxclients", "777", "timeout", "5") == "OK"
            assert config_get(c, "maxclients") == {"maxclients": "777"}
            assert config_get(c, "timeout") == {"timeout": "5"}
            for bad in (("maxclients", "778", "timeout", "notanumber"),
                        ("maxclients", "778", "port", "1"),
                        ("timeout", "6", "nosuch", "1", "maxclients", "778")):
                assert err(c.call("CONFIG", "SET", *bad)).startswith("ERR"), bad
                assert config_get(c, "maxclients") == {"maxclients": "777"}, bad
                assert config_get(c, "timeout") == {"timeout": "5"}, bad


def test_config_set_effects():
    with Server(BINARY, config={}) as srv:
        with srv.conn() as c:
            # maxclients 2: the caller and one more; the third is refused.
            assert c.call("CONFIG", "SET", "maxclients", "2") == "OK"
            with srv.conn() as second:
                assert second.call("PING") == "PONG"
                third = Conn(srv.port)
                try:
                    assert err(third.read_reply()) == MAX_CLIENTS_ERR
                    assert third.is_closed(5)
                finally:
                    third.close()
            stats = parse_info(info(c, "stats"))
            assert int(stats["rejected_connections"]) == 1, stats
            assert c.call("CONFIG", "SET", "maxclients", "100") == "OK"

            # proto-max-bulk-len 2048: a 4000-byte bulk is a protocol error.
            assert c.call("CONFIG", "SET", "proto-max-bulk-len", "2048") == "OK"
            with srv.conn() as small:
                assert small.call("SET", "ok", "x" * 2000) == "OK"
                e = err(small.call("SET", "big", "x" * 4000))
                assert "Protocol error" in e, e
                assert small.is_closed(5), "connection open after a protocol error"
            assert c.call("EXISTS", "big") == 0
            assert c.call("CONFIG", "SET", "proto-max-bulk-len", "536870912") == "OK"
            with srv.conn() as again:
                assert again.call("SET", "big", "x" * 4000) == "OK"

            # proto-max-multibulk-len 4: a request with 5 arguments is refused (CONFIG SET
            # itself has 4, so the caller can put it back).
            assert c.call("CONFIG", "SET", "proto-max-multibulk-len", "4") == "OK"
            with srv.conn() as few:
                assert few.call("SET", "a", "b") == "OK"
                assert "Protocol error" in err(few.call("MSET", "a", "b", "c", "d"))
            assert c.call("CONFIG", "SET", "proto-max-multibulk-len", "1048576") == "OK"

            # proto-inline-max-size 1024: a 2000-byte inline line is refused.
            assert c.call("CONFIG", "SET", "proto-inline-max-size", "1024") == "OK"
            with srv.conn() as inline:
                inline.send_raw(b"ECHO " + b"y" * 2000 + b"\r\n")
                assert "Protocol error" in err(inline.read_reply())
            assert c.call("CONFIG", "SET", "proto-inline-max-size", "65536") == "OK"

            # client-query-buffer-limit 1 MiB: an unfinished request past it is refused.
            assert c.call("CONFIG", "SET", "client-query-buffer-limit", "1048576") == "OK"
            with srv.conn() as hog:
                hog.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$4000000\r\n")
                reset = False
                try:
                    hog.send_raw(b"q" * (2 * 1024 * 1024))
                except OSError:
                    reset = True  # closed while we were sending; the reply may be lost
                assert hog.is_closed(5), "query buffer limit not enforced"
                assert reset or b"query buffer limit reached" in hog.buf, hog.buf
            assert c.call("CONFIG", "SET", "client-query-buffer-limit", "1073741824") == "OK"

            # client-output-buffer-hard-limit 1 MiB: a 2 MiB reply gets the client dropped.
            c.ok("SET", "two-mb", "m" * (2 * 1024 * 1024))
            assert c.call("CONFIG", "SET", "client-output-buffer-hard-limit", "1048576") == "OK"
            with srv.conn() as greedy:
                greedy.send_raw(Conn.encode("GET", "two-mb"))
                assert greedy.is_closed(5), "hard limit set by CONFIG SET not enforced"
            assert c.call("CONFIG", "SET", "client-output-buffer-hard-limit", "0") == "OK"
            with srv.conn() as fine:
                assert len(fine.call("GET", "two-mb")) == 2 * 1024 * 1024

            # tcp-keepalive: new connections get the new probe interval (seen with ss).
            if shutil.which("ss"):
                assert c.call("CONFIG", "SET", "tcp-keepalive", "77") == "OK"
                with srv.conn() as ka:
                    assert ka.call("PING") == "PONG"
                    timer = keepalive_timer(srv.port, local_addr(ka))
                    assert timer is not None and 50 <= timer <= 77, timer
                assert c.call("CONFIG", "SET", "tcp-keepalive", "0") == "OK"
                with srv.conn() as no_ka:
                    assert no_ka.call("PING") == "PONG"
                    assert keepalive_timer(srv.port, local_addr(no_ka)) is None
                assert keepalive_timer(srv.port, local_addr(c)) > 200  # the default 300

            # loglevel verbose: connections are logged; back to notice: they are not.
            assert c.call("CONFIG", "SET", "loglevel", "verbose") == "OK"
            with srv.conn() as seen:
                assert seen.call("PING") == "PONG"
                addr = local_addr(seen)
            srv.wait_log("connected from " + addr, 5)
            assert c.call("CONFIG", "SET", "loglevel", "notice") == "OK"
            with srv.conn() as unseen:
                assert unseen.call("PING") == "PONG"
                addr = local_addr(unseen)
            with srv.conn() as sync:  # a full round trip after the close
                assert sync.call("PING") == "PONG"
            assert addr not in srv.log(), "logged a connection at loglevel notice"

            # timeout 1: idle clients are closed, this one included (client_limits_test
            # covers it in depth).
            assert c.call("CONFIG", "SET", "timeout", "1") == "OK"
            with srv.conn() as idle:
                assert idle.call("PING") == "PONG"
                assert idle.is_closed(6), "idle client kept with timeout 1"
            assert c.is_closed(6)

        # shutdown-timeout 1: a client that never reads its replies holds shutdown for about
        # a second, not the default five.
        with srv.conn() as c:
            assert c.call("CONFIG", "SET", "timeout", "0", "shutdown-timeout", "1",
                          "loglevel", "info") == "OK"
            c.ok("SET", "big", "b" * (1024 * 1024))
            with srv.conn() as stuck:
                stuck_id = stuck.call("CLIENT", "ID")
                stuck.send_raw(Conn.encode("GET", "big") * 64)

                def unsent_output():
                    line = client_lines(c.call("CLIENT", "LIST", "ID", stuck_id))
                    return line and int(line[0]["omem"]) > 0
                wait_for(unsent_output, 10, what="the stuck client to have unsent output")
                srv.signal(signal.SIGTERM)
                assert srv.proc.wait(15) == 0
            log = srv.log()
            assert "grace 1s" in log, log
            assert "grace period over" in log, log


def test_slowlog():
    with Server(BINARY, config={}) as srv:
        with srv.conn() as c:
            assert c.call("CLIENT", "SETNAME", "slowpoke") == "OK"
            assert c.call("CONFIG", "SET", "slowlog-log-slower-than", "0") == "OK"
            assert c.call("SLOWLOG", "RESET") == "OK"
            start = time.time()
            assert c.call("SET", "a", "b") == "OK"
            assert c.call("GET", "a") == b"b"
            entries = c.call("SLOWLOG", "GET")
            assert isinstance(entries, list) and len(entries) >= 2, entries
            by_args = {tuple(e[3]): e for e in entries}
            for args in ((b"SET", b"a", b"b"), (b"GET", b"a")):
                assert args in by_args, "%r not in the slow log: %r" % (args, entries)
                entry_id, when, duration, _, peer, name = by_args[args]
                assert isinstance(entry_id, int) and entry_id >= 0
                assert abs(when - start) < 60, (when, start)
                assert isinstance(duration, int) and duration >= 0
                assert peer.decode() == local_addr(c), peer
                assert name == b"slowpoke", name
            ids = [e[0] for e in entries]
            assert ids == sorted(ids, reverse=True), "not newest first: %r" % ids
            assert by_args[(b"GET", b"a")][0] > by_args[(b"SET", b"a", b"b")][0]
            length = c.call("SLOWLOG", "LEN")
            assert isinstance(length, int) and length >= 2
            assert len(c.call("SLOWLOG", "GET", "1")) == 1
            assert len(c.call("SLOWLOG", "GET", "-1")) >= length

            # RESET empties it.
            assert c.call("SLOWLOG", "RESET") == "OK"
            assert c.call("SLOWLOG", "LEN") <= 1  # at most the RESET itself

            # slowlog-max-len caps it, keeping the newest.
            assert c.call("CONFIG", "SET", "slowlog-max-len", "5") == "OK"
            for i in range(20):
                assert c.call("SET", "k%d" % i, "v") == "OK"
            assert c.call("SLOWLOG", "LEN") == 5
            entries = c.call("SLOWLOG", "GET", "-1")
            assert len(entries) == 5
            assert entries[0][3][0] == b"SLOWLOG" or entries[0][3] == [b"SET", b"k19", b"v"]
            assert [b"SET", b"k19", b"v"] in [e[3] for e in entries]
            assert [b"SET", b"k0", b"v"] not in [e[3] for e in entries]

            # A high threshold logs nothing; -1 turns it off.
            for threshold in ("10000000", "-1"):
                assert c.call("CONFIG", "SET", "slowlog-log-slower-than", threshold) == "OK"
                assert c.call("SLOWLOG", "RESET") == "OK"
                for i in range(20):
                    c.ok("SET", "x%d" % i, "v")
                assert c.call("SLOWLOG", "LEN") == 0, threshold
            assert err(c.call("SLOWLOG", "NOSUCH")).startswith("ERR")


def test_slowlog_hides_passwords():
    # SLOWLOG GET is readable by any authenticated client and ends up in monitoring systems:
    # the password must never be kept there (Redis redacts AUTH, HELLO ... AUTH and
    # CONFIG SET requirepass arguments).
    secret = "hunter2-secret"
    with Server(BINARY, config={"requirepass": secret}) as srv:
        with srv.conn() as c:
            assert c.call("AUTH", secret) == "OK"
            assert c.call("CONFIG", "SET", "slowlog-log-slower-than", "0") == "OK"
            with srv.conn() as other:
                assert other.call("AUTH", secret) == "OK"
                assert other.call("AUTH", "default", secret) == "OK"
                assert isinstance(other.call("HELLO", "2", "AUTH", "default", secret), list)
                assert err(other.call("AUTH", "wrong-" + secret)).startswith("WRONGPASS")
            assert c.call("CONFIG", "SET", "requirepass", secret + "-new") == "OK"
            everything = c.call("SLOWLOG", "GET", "-1")
            assert len(everything) >= 1, "nothing in the slow log at threshold 0"
            leaked = [e[3] for e in everything if any(secret.encode() in a for a in e[3])]
            assert not leaked, "passwords in the slow log: %r" % leaked


def test_time_and_dbsize():
    with Server(BINARY, config={}) as srv:
        with srv.conn() as c:
            reply = c.call("TIME")
            now = time.time()
            assert isinstance(reply, list) and len(reply) == 2, reply
            seconds, micros = int(reply[0]), int(reply[1])
            assert 0 <= micros < 1000000
            assert abs(seconds + micros / 1e6 - now) < 5, (reply, now)
            again = c.call("TIME")
            assert (int(again[0]), int(again[1])) >= (seconds, micros)

            assert c.call("DBSIZE") == 0
            for i in range(25):
                c.ok("SET", "d%d" % i, "v")
            c.ok("SET", "d0", "overwritten")
            assert c.call("DBSIZE") == 25
            assert c.call("DEL", "d1", "d2", "nope") == 2
            assert c.call("DBSIZE") == 23
            assert c.call("FLUSHDB") == "OK"
            assert c.call("DBSIZE") == 0
            assert err(c.call("DBSIZE", "extra")).startswith("ERR wrong number of arguments")


if __name__ == "__main__":
    run_tests([
        test_info_fields,
        test_info_sections_and_python_client,
        test_client_commands,
        test_config_get_set,
        test_config_set_effects,
        test_slowlog,
        test_slowlog_hides_passwords,
        test_time_and_dbsize,
    ])
