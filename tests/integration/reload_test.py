"""SIGHUP reload of the JSON config file.

Live keys change (CONFIG GET shows them, the effect is visible, the log says so); keys that
need a restart are logged as such and left alone; a broken file (bad JSON, unknown key, value
out of range or of the wrong type, missing file) changes nothing, the log names the file, the
key and the reason, and the server keeps serving; fixing the file makes reload work again;
a burst of SIGHUPs under load does no harm.
"""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, binary_from_argv,  # noqa: E402
                     free_port, run_tests, wait_for)

BINARY = binary_from_argv()


def config_get(c, key):
    reply = c.call("CONFIG", "GET", key)
    assert isinstance(reply, list) and len(reply) == 2, "CONFIG GET %s -> %r" % (key, reply)
    return reply[1].decode()


def base_config(port):
    return {"port": port, "workers": 2, "loglevel": "info", "maxclients": 100, "timeout": 0}


def test_live_keys_change():
    port = free_port()
    cfg = base_config(port)
    with Server(BINARY, config=cfg) as srv:
        with srv.conn() as c:
            assert config_get(c, "loglevel") == "info"
            assert config_get(c, "maxclients") == "100"
            cfg.update({"loglevel": "verbose", "maxclients": 50, "slowlog-max-len": 7,
                        "proto-max-bulk-len": 2048})
            srv.write_config(cfg)
            out = srv.reload("configuration reloaded")
            assert srv.config_path in out, out
            assert "maxclients = 50" in out and "loglevel = verbose" in out, out
            assert config_get(c, "loglevel") == "verbose"
            assert config_get(c, "maxclients") == "50"
            assert config_get(c, "slowlog-max-len") == "7"
            info = c.call("INFO", "clients").decode()
            assert "maxclients:50" in info, info
            # The effects: verbose logs connections; the bulk limit applies to new requests.
            with srv.conn() as other:
                assert other.call("PING") == "PONG"
                peer = "%s:%d" % other.sock.getsockname()[:2]
                assert "Protocol error" in str(other.call("SET", "x", "y" * 4000))
            srv.wait_log("connected from " + peer, 5)

            # requirepass through reload: newcomers must AUTH, this client stays in.
            cfg.update({"requirepass": "reloaded-pw", "proto-max-bulk-len": 536870912,
                        "loglevel": "info"})
            srv.write_config(cfg)
            srv.reload("configuration reloaded")
            assert c.call("PING") == "PONG"
            with srv.conn() as other:
                assert str(other.call("GET", "x")).startswith("NOAUTH")
                assert other.call("AUTH", "reloaded-pw") == "OK"
                assert other.call("SET", "x", "y" * 4000) == "OK"
            # Unchanged file: reload is a no-op that still succeeds.
            out = srv.reload("configuration reloaded")
            assert " = " not in out.replace("reloaded from", ""), out


def test_restart_only_keys():
    port = free_port()
    cfg = base_config(port)
    with Server(BINARY, config=cfg) as srv:
        with srv.conn() as c:
            new_port = free_port()
            cfg.update({"port": new_port, "workers": 3, "bind": "0.0.0.0", "maxclients": 60})
            srv.write_config(cfg)
            out = srv.reload("configuration reloaded")
            for key in ("port", "workers", "bind"):
                lines = [ln for ln in out.splitlines() if "'%s'" % key in ln]
                assert lines and all("restart" in ln for ln in lines), \
                    "no restart note for %s:\n%s" % (key, out)
            # The live key in the same file did change; the others did not.
            assert config_get(c, "maxclients") == "60"
            assert config_get(c, "port") == str(port)
            assert config_get(c, "bind") == "127.0.0.1"
            assert config_get(c, "workers") == "2"
            workers = [k for k in c.call("INFO", "workers").decode().split("\r\n")
                       if k.startswith("worker")]
            assert len(workers) == 2, workers
        with Conn(port) as again:  # the old port still serves
            assert again.call("PING") == "PONG"
        try:
            Conn(new_port, timeout=2).close()
        except OSError:
            pass
        else:
            raise AssertionError("something listens on the new port %d" % new_port)


def broken_files(good):
    """(description, file text, words the log line must contain)."""
    unknown = dict(good, **{"nosuchkey": 1})
    out_of_range = dict(good, maxclients=0)
    wrong_type = dict(good, timeout="10")
    bad_level = dict(good, loglevel="loud")
    negative = dict(good, **{"client-output-buffer-soft-seconds": -5})
    return [
        ("invalid JSON", json.dumps(good)[:-3] + ",,}", ["invalid JSON"]),
        ("not an object", "[1, 2, 3]", ["object"]),
        ("unknown key", json.dumps(unknown), ["nosuchkey", "unknown key"]),
        ("out of range", json.dumps(out_of_range), ["maxclients", "expected", "1"]),
        ("wrong type", json.dumps(wrong_type), ["timeout", "expected", "integer"]),
        ("bad enum", json.dumps(bad_level), ["loglevel", "expected", "loud"]),
        ("negative", json.dumps(negative), ["client-output-buffer-soft-seconds", "expected"]),
    ]


def test_invalid_files_change_nothing():
    port = free_port()
    good = base_config(port)
    good["maxclients"] = 90
    with Server(BINARY, config=good) as srv:
        with srv.conn() as c:
            c.ok("SET", "k", "v")
            before = c.call("CONFIG", "GET", "*")
            for what, text, words in broken_files(dict(good, maxclients=45, loglevel="debug")):
                srv.write_config(text)
                out = srv.reload("reload failed")
                lines = [ln for ln in out.splitlines() if "reload failed" in ln]
                assert len(lines) == 1, out
                line = lines[0]
                assert srv.config_path in line, "%s: file not named: %s" % (what, line)
                for word in words:
                    assert word in line, "%s: %r not in %s" % (what, word, line)
                assert "unchanged" in line, line
                assert "configuration reloaded" not in out, out
                # Nothing changed, not even the valid keys of the broken file.
                assert c.call("CONFIG", "GET", "*") == before, what
                assert c.call("GET", "k") == b"v"
                with srv.conn() as fresh:
                    assert fresh.call("PING") == "PONG"

            # A missing file is one more failure that changes nothing.
            os.unlink(srv.config_path)
            out = srv.reload("reload failed")
            assert srv.config_path in out and "open" in out, out
            assert c.call("CONFIG", "GET", "*") == before

            # Fixed: reload works again and applies the new values.
            srv.write_config(dict(good, maxclients=45))
            srv.reload("configuration reloaded")
            assert config_get(c, "maxclients") == "45"
            assert c.call("GET", "k") == b"v"


def test_sighup_burst_under_load():
    port = free_port()
    cfg = base_config(port)
    with Server(BINARY, config=cfg) as srv:
        stop = threading.Event()
        errors = []

        def load():
            try:
                with srv.conn() as c:
                    i = 0
                    while not stop.is_set():
                        c.send_raw(b"".join(Conn.encode("SET", "b%d" % (i + j), str(i + j))
                                            for j in range(50)))
                        for _ in range(50):
                            assert c.read_reply() == "OK"
                        assert c.call("GET", "b%d" % i) == str(i).encode()
                        i += 50
            except Exception as e:  # noqa: BLE001 -- reported by the main thread
                errors.append(e)

        worker = threading.Thread(target=load, daemon=True)
        worker.start()
        try:
            # Alternate good and broken files, SIGHUPs back to back without waiting.
            for i in range(30):
                if i % 3 == 2:
                    srv.write_config("{broken")
                else:
                    cfg["maxclients"] = 100 + i
                    srv.write_config(cfg)
                srv.signal(signal.SIGHUP)
                if i % 2:
                    time.sleep(0.01)
            cfg["maxclients"] = 500
            srv.write_config(cfg)
            srv.signal(signal.SIGHUP)  # read after the write, whatever was pending before

            def applied():
                with srv.conn() as c:
                    return config_get(c, "maxclients") == "500"
            wait_for(applied, 10, what="the last reload to apply maxclients 500")
        finally:
            stop.set()
            worker.join(20)
        assert not worker.is_alive(), "load thread stuck"
        assert not errors, errors
        assert srv.log().count("SIGHUP") >= 3, srv.log()
        assert srv.alive(), "server died under SIGHUPs:\n" + srv.log()
        with srv.conn() as c:
            assert config_get(c, "maxclients") == "500"
            assert c.call("PING") == "PONG"
        srv.signal(signal.SIGTERM)
        assert srv.proc.wait(15) == 0


def test_flags_still_override_after_reload():
    # "Flags override the file" (README): a reload re-reads the file, but a setting given on
    # the command line keeps its flag value; the file's other changes still apply.
    port = free_port()
    cfg = base_config(port)
    with Server(BINARY, config=cfg, args=["--loglevel", "verbose"]) as srv:
        with srv.conn() as c:
            assert config_get(c, "loglevel") == "verbose"
            cfg["maxclients"] = 70
            srv.write_config(cfg)
            srv.reload("configuration reloaded")
            assert config_get(c, "maxclients") == "70"
            assert config_get(c, "loglevel") == "verbose", \
                "reload replaced the --loglevel flag with the file's value"


def test_reload_without_config_file():
    with Server(BINARY) as srv:  # --port only
        out = srv.reload("SIGHUP")
        assert "no config file" in out, out
        with srv.conn() as c:
            assert c.call("PING") == "PONG"
            assert not isinstance(c.call("CONFIG", "GET", "maxclients"), RespError)


if __name__ == "__main__":
    run_tests([
        test_live_keys_change,
        test_restart_only_keys,
        test_invalid_files_change_nothing,
        test_sighup_burst_under_load,
        test_flags_still_override_after_reload,
        test_reload_without_config_file,
    ])
