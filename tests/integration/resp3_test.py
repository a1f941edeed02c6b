"""RESP3 and the handshake, black-box: HELLO 3 (the map's bytes), HELLO 3 AUTH in one step,
RESP3 null/map/set/verbatim replies, a protocol switch in the middle of a pipeline, CLIENT
SETINFO / NO-EVICT / NO-TOUCH, INFO's sections and their field names (compared with Debian's
redis-server 7.0 when it is installed), commandstats/errorstats/latencystats, redis-cli -3, and
a protocol error with a CR in it framed as one RESP error line.
"""
import os
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (RespError, RespMap, RespSet, Server, Verbatim, binary_from_argv,  # noqa: E402
                     encode, expect_eq, expect_in, expect_true, fail, free_port, parse_info,
                     run_tests, run_tool, skip, spawn, tool, wait_for)

BINARY = binary_from_argv()
PASSWORD = "s3cret"
REDIS_SERVER = "/usr/bin/redis-server"

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Errorstats", "Cluster", "Keyspace"]
ALL_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]
# Fields only mini-redis prints, per section (everything else must be Redis's).
OUR_EXTRAS = {"Server": {"mini_redis_version", "worker_threads"},
              "Stats": {"client_output_buffer_limit_disconnections"}}


def hello_bytes(proto, client_id, version):
    pairs = [(b"server", b"$5\r\nredis\r\n"), (b"version", b"$%d\r\n%s\r\n" % (len(version), version)),
             (b"proto", b":%d\r\n" % proto), (b"id", b":%d\r\n" % client_id),
             (b"mode", b"$10\r\nstandalone\r\n"), (b"role", b"$6\r\nmaster\r\n"),
             (b"modules", b"*0\r\n")]
    out = b"%7\r\n" if proto == 3 else b"*14\r\n"
    for key, value in pairs:
        out += b"$%d\r\n%s\r\n" % (len(key), key) + value
    return out


def raw_exchange(c, *commands):
    """Sends the commands in one write; returns the raw bytes of their replies."""
    start = len(c.buf)
    c.send(b"".join(encode(*cmd) for cmd in commands))
    c.read_replies(len(commands))
    return bytes(c.buf[start:c.pos])


def sections_of(text):
    if isinstance(text, bytes):
        text = text.decode()
    return [line[2:] for line in text.split("\r\n") if line.startswith("# ")]


def fields_by_section(text):
    if isinstance(text, bytes):
        text = text.decode()
    out, current = {}, None
    for line in text.split("\r\n"):
        if line.startswith("# "):
            current = out.setdefault(line[2:], [])
        elif line and current is not None:
            current.append(line.partition(":")[0])
    return out


def test_hello3_map_bytes():
    with Server(BINARY) as srv:
        with srv.conn() as c:
            cid = c.call("CLIENT", "ID")
            version = c.call("HELLO")[3]  # RESP2 form: a flat array
            got = raw_exchange(c, ["HELLO", "3"])
            expect_eq(got, hello_bytes(3, cid, version), "HELLO 3 bytes")
            got = raw_exchange(c, ["HELLO"])  # no version: stays on 3
            expect_eq(got, hello_bytes(3, cid, version), "HELLO (on RESP3) bytes")
            got = raw_exchange(c, ["HELLO", "2"])
            expect_eq(got, hello_bytes(2, cid, version), "HELLO 2 bytes")
            expect_true(int(version.split(b".")[0]) >= 6, "clients need version >= 6")
            for bad in ("4", "1", "0", "-1"):
                expect_eq(c.call("HELLO", bad), RespError("NOPROTO unsupported protocol version"),
                          "HELLO " + bad)
            expect_eq(c.call("HELLO", "x"),
                      RespError("ERR Protocol version is not an integer or out of range"), "HELLO x")
            expect_eq(c.call("HELLO", "3", "AUTH", "default"),
                      RespError("ERR Syntax error in HELLO option 'AUTH'"), "HELLO 3 AUTH user")
            # A refused HELLO 3 leaves the protocol as it was.
            expect_eq(raw_exchange(c, ["GET", "missing"]), b"$-1\r\n", "still RESP2")


def test_hello3_auth_in_one_step():
    with Server(BINARY, config={"requirepass": PASSWORD}) as srv:
        with srv.conn() as c:
            err = c.call("HELLO", "3")
            expect_true(isinstance(err, RespError) and err.startswith("NOAUTH HELLO must be called"),
                        "HELLO 3 before AUTH: %r" % (err,))
            expect_eq(c.call("HELLO", "3", "AUTH", "default", "wrong", "SETNAME", "n1"),
                      RespError("WRONGPASS invalid username-password pair or user is disabled."),
                      "wrong password")
            expect_eq(c.call("GET", "k"), RespError("NOAUTH Authentication required."),
                      "still not authenticated")
            hello = c.call("HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "n1")
            expect_true(isinstance(hello, RespMap), "a map: %r" % (hello,))
            expect_eq(hello[b"proto"], 3, "proto")
            expect_eq(c.call("CLIENT", "GETNAME"), b"n1", "name set in the same step")
            expect_eq(raw_exchange(c, ["GET", "k"]), b"_\r\n", "authenticated and on RESP3")


def test_resp3_replies():
    with Server(BINARY) as srv:
        with srv.conn() as c:
            c.call("HELLO", "3")
            expect_eq(raw_exchange(c, ["GET", "missing"]), b"_\r\n", "null")
            c.ok("SET", "a", "1")
            expect_eq(raw_exchange(c, ["MGET", "a", "missing"]), b"*2\r\n$1\r\n1\r\n_\r\n", "MGET")
            expect_eq(raw_exchange(c, ["CONFIG", "GET", "maxclients"]),
                      b"%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "CONFIG GET map")
            expect_eq(raw_exchange(c, ["CONFIG", "GET", "nosuch"]), b"%0\r\n", "empty map")
            info = raw_exchange(c, ["INFO", "server"])
            expect_true(info.startswith(b"=") and b"\r\ntxt:# Server\r\n" in info,
                        "INFO is verbatim: %r" % info[:40])
            expect_true(isinstance(c.call("INFO"), Verbatim), "INFO parsed as verbatim")
            ci = c.call("CLIENT", "INFO")
            expect_true(isinstance(ci, Verbatim) and ci.format == "txt", "CLIENT INFO verbatim")
            expect_in(b" resp=3 ", ci, "CLIENT INFO shows the protocol")
            expect_true(isinstance(c.call("CLIENT", "LIST"), Verbatim), "CLIENT LIST verbatim")
            cmd = c.call("COMMAND", "INFO", "get")[0]
            expect_eq(cmd[0], b"get", "COMMAND INFO name")
            expect_true(isinstance(cmd[2], RespSet), "COMMAND INFO flags are a set: %r" % (cmd,))
            docs = c.call("COMMAND", "DOCS", "get")
            expect_true(isinstance(docs, RespMap) and isinstance(docs[b"get"], RespMap),
                        "COMMAND DOCS maps: %r" % (docs,))
            expect_eq(raw_exchange(c, ["COMMAND", "INFO", "nosuch"]), b"*1\r\n_\r\n",
                      "unknown command in COMMAND INFO")
            t = c.call("TIME")
            expect_true(isinstance(t, list) and len(t) == 2, "TIME stays an array")
            # RESP2 forms of the same.
            c.call("HELLO", "2")
            expect_eq(raw_exchange(c, ["CONFIG", "GET", "maxclients"]),
                      b"*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "CONFIG GET RESP2")
            expect_true(raw_exchange(c, ["INFO", "server"]).startswith(b"$"), "INFO bulk in RESP2")


def test_protocol_switch_mid_pipeline():
    with Server(BINARY) as srv:
        with srv.conn() as c:
            cid = c.call("CLIENT", "ID")
            version = c.call("HELLO")[3]
            got = raw_exchange(c, ["GET", "x"], ["HELLO", "3"], ["GET", "x"], ["HELLO", "2"],
                               ["GET", "x"])
            expect_eq(got, b"$-1\r\n" + hello_bytes(3, cid, version) + b"_\r\n" +
                      hello_bytes(2, cid, version) + b"$-1\r\n", "each reply in its protocol")
            # CLIENT runs on the reactor: it must see the protocol HELLO set in the same read.
            got = raw_exchange(c, ["HELLO", "3"], ["CLIENT", "INFO"], ["GET", "x"])
            expect_in(b"\r\n=", got, "CLIENT INFO verbatim right after HELLO 3")
            expect_true(got.endswith(b"_\r\n"), "null after CLIENT")


def test_client_setinfo_and_flags():
    with Server(BINARY) as srv:
        with srv.conn() as c:
            c.ok("CLIENT", "SETINFO", "LIB-NAME", "redis-py")
            c.ok("CLIENT", "SETINFO", "lib-ver", "5.0.1")
            info = c.call("CLIENT", "INFO")
            expect_in(b" lib-name=redis-py lib-ver=5.0.1\n", info, "CLIENT INFO")
            expect_in(b" lib-name=redis-py lib-ver=5.0.1\n", c.call("CLIENT", "LIST"), "LIST")
            expect_eq(c.call("CLIENT", "SETINFO", "foo", "bar"),
                      RespError("ERR Unrecognized option 'foo'"), "unknown attribute")
            expect_eq(c.call("CLIENT", "SETINFO", "lib-name", "a b"),
                      RespError("ERR lib-name cannot contain spaces, newlines or special "
                                "characters."), "space in value")
            expect_in(b"lib-name=redis-py ", c.call("CLIENT", "INFO"), "unchanged after error")
            c.ok("CLIENT", "SETINFO", "lib-name", "")
            expect_in(b" lib-name= lib-ver=5.0.1\n", c.call("CLIENT", "INFO"), "cleared")
            expect_eq(c.call("CLIENT", "SETINFO", "lib-name"),
                      RespError("ERR wrong number of arguments for 'client|setinfo' command"),
                      "arity")
            c.ok("CLIENT", "NO-EVICT", "on")
            expect_in(b" flags=e ", c.call("CLIENT", "INFO"), "no-evict flag")
            c.ok("CLIENT", "NO-TOUCH", "ON")
            expect_in(b" flags=eT ", c.call("CLIENT", "INFO"), "no-touch flag")
            c.ok("CLIENT", "NO-EVICT", "off")
            c.ok("CLIENT", "NO-TOUCH", "off")
            expect_in(b" flags=N ", c.call("CLIENT", "INFO"), "flags cleared")
            expect_eq(c.call("CLIENT", "NO-EVICT", "maybe"), RespError("ERR syntax error"),
                      "bad NO-EVICT value")


def test_info_sections():
    with Server(BINARY) as srv:
        with srv.conn() as c:
            for args, want in (([], DEFAULT_SECTIONS + ["Workers"]),
                               (["default"], DEFAULT_SECTIONS + ["Workers"]),
                               (["all"], ALL_SECTIONS + ["Workers"]),
                               (["everything"], ALL_SECTIONS + ["Workers"]),
                               (["keyspace", "SERVER"], ["Server", "Keyspace"]),
                               (["Clients", "server", "nosuch"], ["Server", "Clients"]),
                               (["commandstats"], ["Commandstats"]),
                               (["workers"], ["Workers"])):
                text = c.call("INFO", *args)
                expect_eq(sections_of(text), want, "INFO %s" % " ".join(args))
                expect_true(text.endswith(b"\r\n") and not text.endswith(b"\r\n\r\n"),
                            "INFO %s: no blank line at the end" % " ".join(args))
            expect_eq(c.call("INFO", "nosuch"), b"", "unknown section")
            fields = parse_info(c.call("INFO", "everything"))
            for name, value in (("role", "master"), ("connected_slaves", "0"), ("loading", "0"),
                                ("aof_enabled", "0"), ("cluster_enabled", "0"),
                                ("rdb_changes_since_last_save", None), ("used_cpu_sys", None),
                                ("used_cpu_user_main_thread", None), ("expired_keys", None)):
                expect_true(name in fields, "INFO field %s" % name)
                if value is not None:
                    expect_eq(fields[name], value, name)
            expect_true(float(fields["used_cpu_user"]) >= 0, "used_cpu_user a number")


def test_command_and_error_stats():
    with Server(BINARY, workers=2) as srv:
        with srv.conn() as c:
            c.ok("SET", "k", "v")
            for _ in range(5):
                c.call("GET", "k")
            expect_true(isinstance(c.call("GET"), RespError), "arity")  # rejected
            expect_true(isinstance(c.call("INCR", "k"), RespError), "not an integer")  # failed
            expect_true(isinstance(c.call("NOSUCHCMD"), RespError), "unknown")
            c.call("CLIENT", "ID")  # runs on the reactor: counted too
        with srv.conn() as c:
            stats = parse_info(c.call("INFO", "commandstats"))
            get = dict(kv.split("=") for kv in stats["cmdstat_get"].split(","))
            expect_eq(get["calls"], "5", "GET calls")
            expect_eq(get["rejected_calls"], "1", "GET rejected (arity)")
            expect_eq(get["failed_calls"], "0", "GET failed")
            expect_eq(sorted(get), sorted(["calls", "usec", "usec_per_call", "rejected_calls",
                                           "failed_calls"]), "cmdstat fields")
            incr = dict(kv.split("=") for kv in stats["cmdstat_incr"].split(","))
            expect_eq((incr["calls"], incr["failed_calls"]), ("1", "1"), "INCR failed")
            expect_true("cmdstat_client|id" in stats, "reactor commands counted")
            errs = parse_info(c.call("INFO", "errorstats"))
            expect_eq(errs.get("errorstat_ERR"), "count=3", "errorstats")
            total = parse_info(c.call("INFO", "stats"))["total_error_replies"]
            expect_eq(total, "3", "total_error_replies")
            lat = parse_info(c.call("INFO", "latencystats"))
            p = dict(kv.split("=") for kv in lat["latency_percentiles_usec_get"].split(","))
            expect_eq(sorted(p), ["p50", "p99", "p99.9"], "percentiles")
            expect_true(0 < float(p["p50"]) <= float(p["p99"]) <= float(p["p99.9"]),
                        "percentiles ordered: %r" % (p,))


def start_reference():
    """Debian's redis-server on a free port, or Skip."""
    if not os.path.exists(REDIS_SERVER):
        skip("%s not installed" % REDIS_SERVER)
    port = free_port()
    proc = spawn([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no", "--daemonize", "no", "--logfile", ""],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    wait_for(up, what="redis-server on port %d" % port)
    return proc, port


def call_ref(port, *args):
    from harness import Conn
    with Conn(port) as c:
        return c.call(*args)


def exercise(port):
    """The same few commands on either server, so commandstats/errorstats have lines."""
    from harness import Conn
    with Conn(port) as c:
        c.call("SET", "k", "v")
        c.call("GET", "k")
        c.call("GET")


def test_info_fields_match_redis():
    proc, ref_port = start_reference()
    try:
        exercise(ref_port)
        theirs = fields_by_section(call_ref(ref_port, "INFO", "everything"))
        with Server(BINARY) as srv:
            exercise(srv.port)
            ours = fields_by_section(srv.call("INFO", "everything"))
        expect_eq([s for s in ours if s != "Workers"], list(theirs), "sections and their order")
        for section, names in theirs.items():
            if section in ("Commandstats", "Errorstats", "Latencystats", "Keyspace"):
                continue  # per command / error / db: compared by shape below
            extras = OUR_EXTRAS.get(section, set())
            expect_eq([n for n in ours[section] if n not in extras], names,
                      "fields of %s, in Redis's order" % section)
        for section, prefix in (("Commandstats", "cmdstat_"), ("Errorstats", "errorstat_"),
                                ("Latencystats", "latency_percentiles_usec_"),
                                ("Keyspace", "db")):
            for name in ours[section]:
                expect_true(name.startswith(prefix), "%s field %s" % (section, name))
        expect_in("cmdstat_get", ours["Commandstats"], "GET counted")
        expect_in("errorstat_ERR", ours["Errorstats"], "ERR counted")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_redis_cli_resp3():
    cli = tool("redis-cli")
    with Server(BINARY) as srv:
        srv.call("SET", "k", "v")
        base = [cli, "-3", "-p", str(srv.port)]
        expect_eq(run_tool(base + ["GET", "k"]).stdout, b"v\n", "redis-cli -3 GET")
        expect_eq(run_tool(base + ["GET", "missing"]).stdout, b"\n", "redis-cli -3 null")
        out = run_tool(base + ["CONFIG", "GET", "maxclients"]).stdout
        expect_eq(out, b"maxclients 10000\n", "redis-cli -3 map (not a tty)")
        out = run_tool(base + ["CLIENT", "INFO"]).stdout
        expect_in(b"resp=3", out, "redis-cli -3 sent HELLO 3")
        expect_true(not out.startswith(b"txt:"), "verbatim shown without its format")
    if os.path.exists(REDIS_SERVER):
        proc, ref_port = start_reference()
        try:
            with Server(BINARY) as srv:
                for args in (["CONFIG", "GET", "maxclients"], ["GET", "missing"], ["PING"],
                             ["MGET", "a", "b"], ["HELLO", "3"]):
                    mine = run_tool([cli, "-3", "-p", str(srv.port)] + args).stdout
                    ref = run_tool([cli, "-3", "-p", str(ref_port)] + args).stdout
                    if args[0] == "HELLO":  # the id and the version differ
                        def same(out):
                            return [l for l in out.split(b"\n")
                                    if not l.startswith((b"id ", b"version "))]
                        mine, ref = same(mine), same(ref)
                    expect_eq(mine, ref, "redis-cli -3 %s as against redis-server" % " ".join(args))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_protocol_error_is_one_resp_line():
    with Server(BINARY) as srv:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            s.sendall(b"*1\r\n\r\n")
            data = b""
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        expect_true(data.startswith(b"-ERR Protocol error"), "an error reply: %r" % data)
        expect_true(data.endswith(b"\r\n"), "ends with CRLF: %r" % data)
        body = data[:-2]
        expect_true(b"\r" not in body and b"\n" not in body,
                    "no raw CR or LF inside the error line: %r" % data)
        expect_true(srv.alive(), "server still up")


if __name__ == "__main__":
    run_tests([test_hello3_map_bytes, test_hello3_auth_in_one_step, test_resp3_replies,
               test_protocol_switch_mid_pipeline, test_client_setinfo_and_flags,
               test_info_sections, test_command_and_error_stats, test_info_fields_match_redis,
               test_redis_cli_resp3, test_protocol_error_is_one_resp_line])
