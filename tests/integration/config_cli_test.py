"""Command line and configuration: --version/--help, unknown flags, --check-config on the
repo's config, flags over the file, every kind of bad config file (one clear message, exit 1,
never a crash), port in use, and SIGHUP reload (live keys, restart-only keys, invalid file)."""
import json
import os
import shutil
import signal
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, expect_eq, expect_in, expect_true, fail,  # noqa: E402
                     free_port, run_main, run_tool, wait_for, write_config)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_CONFIG = os.path.normpath(os.path.join(HERE, "..", "..", "config", "mini-redis.json"))


def run(binary, *args, timeout=15):
    return run_tool([binary] + list(args), timeout=timeout, check_rc=False)


def text(res):
    return (res.stdout + res.stderr).decode("utf-8", "replace")


def expect_exit(res, code, what):
    if res.returncode < 0:
        fail("%s: killed by signal %d (a crash); output %r" % (what, -res.returncode, text(res)))
    expect_eq(res.returncode, code, "%s: exit status (output %r)" % (what, text(res)))


def version_and_help(binary):
    res = run(binary, "--version")
    expect_exit(res, 0, "--version")
    expect_true(any(ch.isdigit() for ch in text(res)) and "mini-redis" in text(res),
                "--version names the program and a version: %r" % text(res))
    res = run(binary, "--help")
    expect_exit(res, 0, "--help")
    for flag in ("--config", "--port", "--bind", "--workers", "--loglevel", "--check-config",
                 "--version", "--help"):
        expect_in(flag, text(res), "--help text")


def bad_flags(binary):
    for args, needle in ((["--bogus"], "--bogus"), (["--port"], "--port"),
                         (["--port", "abc"], "port"), (["--port", "0"], "port"),
                         (["--workers", "0"], "workers"), (["--workers", "300"], "workers"),
                         (["--loglevel", "loud"], "loglevel"), (["extra-positional"], "extra")):
        res = run(binary, *args)
        expect_exit(res, 1, " ".join(args))
        expect_in(needle, res.stderr.decode(), "message for %s" % " ".join(args))


def check_config_repo(binary):
    expect_true(os.path.exists(REPO_CONFIG), "repo config exists at %s" % REPO_CONFIG)
    res = run(binary, "--check-config", "--config", REPO_CONFIG)
    expect_exit(res, 0, "--check-config on the repo config")
    try:
        effective = json.loads(res.stdout)
    except ValueError:
        fail("--check-config stdout is not JSON: %r" % res.stdout)
    expect_eq(effective.get("port"), 9999, "port")
    with open(REPO_CONFIG) as f:
        source = json.load(f)
    for key, value in source.items():
        expect_eq(effective.get(key), value, "effective %s (as in the file)" % key)


def check_config_defaults(binary):
    res = run(binary, "--check-config")
    expect_exit(res, 0, "--check-config without a file")
    effective = json.loads(res.stdout)
    expect_eq(effective.get("port"), 9999, "default port")
    expect_eq(effective.get("bind"), "127.0.0.1", "default bind")
    expect_eq(effective.get("maxclients"), 10000, "default maxclients")


def flags_override_file(binary):
    res = run(binary, "--check-config", "--config", REPO_CONFIG, "--port", "1234",
              "--workers", "3", "--loglevel", "verbose", "--bind", "127.0.0.2")
    expect_exit(res, 0, "--check-config with flags")
    effective = json.loads(res.stdout)
    expect_eq(effective.get("port"), 1234, "--port over the file")
    expect_eq(effective.get("workers"), 3, "--workers over the file")
    expect_eq(effective.get("loglevel"), "verbose", "--loglevel over the file")
    expect_eq(effective.get("bind"), "127.0.0.2", "--bind over the file")
    expect_eq(effective.get("maxclients"), 10000, "maxclients from the file")
    # Order does not matter: flags before --config still win.
    res = run(binary, "--port", "4321", "--config", REPO_CONFIG, "--check-config")
    expect_exit(res, 0, "flags before --config")
    expect_eq(json.loads(res.stdout).get("port"), 4321, "--port given before --config")


BAD_CONFIGS = [
    # (name, file content or None for a missing file, key the message must name)
    ("unknown key", '{"port": 9999, "no-such-key": 1}', "no-such-key"),
    ("wrong type (port as a string)", '{"port": "9999x"}', "port"),
    ("wrong type (maxclients as a bool)", '{"maxclients": true}', "maxclients"),
    ("out-of-range port", '{"port": 70000}', "port"),
    ("port 0", '{"port": 0}', "port"),
    ("negative shutdown-timeout", '{"shutdown-timeout": -1}', "shutdown-timeout"),
    ("workers 0", '{"workers": 0}', "workers"),
    ("workers not auto", '{"workers": "many"}', "workers"),
    ("unknown loglevel", '{"loglevel": "loud"}', "loglevel"),
    ("proto-inline-max-size below 1024", '{"proto-inline-max-size": 100}',
     "proto-inline-max-size"),
    ("proto-max-bulk-len below 1024", '{"proto-max-bulk-len": 10}', "proto-max-bulk-len"),
    ("client-query-buffer-limit below 1 MiB", '{"client-query-buffer-limit": 1000}',
     "client-query-buffer-limit"),
    ("bad JSON", '{"port": 9999,', None),
    ("empty file", "", None),
    ("top-level array", "[1, 2]", None),
    ("top-level string", '"port"', None),
    ("missing file", None, None),
]


def bad_config_files(binary, tmpdir):
    for i, (name, content, key) in enumerate(BAD_CONFIGS):
        path = os.path.join(tmpdir, "bad-%d.json" % i)
        if content is not None:
            with open(path, "w") as f:
                f.write(content)
        for mode in ("check", "start"):
            args = ["--config", path]
            if mode == "check":
                args.append("--check-config")
            else:
                args += ["--port", str(free_port())]
            res = run(binary, *args)
            what = "%s (%s)" % (name, "--check-config" if mode == "check" else "starting")
            expect_exit(res, 1, what)
            err = res.stderr.decode("utf-8", "replace")
            lines = [line for line in err.splitlines() if line.strip()]
            expect_eq(len(lines), 1, "%s: one message line (got %r)" % (what, err))
            expect_in(path, err, "%s: message names the file" % what)
            if key:
                expect_in(key, err, "%s: message names the key" % what)
            expect_eq(res.stdout, b"", "%s: nothing on stdout" % what)


def port_in_use(binary):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        res = run(binary, "--port", str(port), "--bind", "127.0.0.1", "--workers", "1")
        expect_exit(res, 1, "port in use")
        err = res.stderr.decode("utf-8", "replace")
        expect_in(str(port), err, "message names the port")
        expect_in("in use", err.lower(), "message says the address is in use")


def reload_config(binary):
    tmpdir = tempfile.mkdtemp(prefix="mini-redis-it-hup-")
    path = os.path.join(tmpdir, "live.json")
    write_config(path, {"loglevel": "info", "maxclients": 10000})
    try:
        with Server(binary, workers=2, config=path) as srv:
            base = {"bind": "127.0.0.1", "port": srv.port, "workers": 2, "loglevel": "info"}
            expect_eq(srv.call("CONFIG", "GET", "maxclients"), [b"maxclients", b"10000"],
                      "maxclients at start")

            # A live key: takes effect, the log says reloaded.
            write_config(path, dict(base, maxclients=3))
            mark = len(srv.log())
            srv.signal(signal.SIGHUP)
            srv.wait_log("reloaded", start=mark)
            expect_eq(srv.call("CONFIG", "GET", "maxclients"), [b"maxclients", b"3"],
                      "maxclients after SIGHUP")
            log = srv.log()[mark:]
            expect_true("restart" not in log,
                        "no restart warning when only a live key changed:\n%s" % log)

            # A restart-only key given on the command line (the harness passes --port):
            # the flag keeps winning over the file on reload, so nothing changes and no restart
            # is claimed. (reload_test covers a port set only in the file.)
            new_port = free_port()
            write_config(path, dict(base, maxclients=3, port=new_port))
            mark = len(srv.log())
            srv.signal(signal.SIGHUP)
            srv.wait_log("reloaded", start=mark)
            expect_true("restart" not in srv.log()[mark:],
                        "a flag-set port is not reported as changed by the file")
            expect_eq(srv.call("PING"), "PONG", "still answering on the old port")
            expect_eq(srv.call("CONFIG", "GET", "port"), [b"port", str(srv.port).encode()],
                      "CONFIG GET port unchanged")
            with socket.socket() as s:
                s.settimeout(2)
                expect_true(s.connect_ex(("127.0.0.1", new_port)) != 0,
                            "nothing listening on the new port")

            # An invalid file: logged with the error, nothing changes.
            with open(path, "w") as f:
                f.write('{"maxclients": 50, "loglevel": ')
            mark = len(srv.log())
            srv.signal(signal.SIGHUP)
            srv.wait_log("JSON", start=mark)
            log = srv.log()[mark:]
            expect_in(path, log, "the reload error names the file")
            expect_true(srv.alive(), "server still running after an invalid file")
            expect_eq(srv.call("CONFIG", "GET", "maxclients"), [b"maxclients", b"3"],
                      "maxclients unchanged after an invalid file")

            # A file with a bad value: nothing changes, not even the valid keys beside it.
            write_config(path, dict(base, maxclients=7, **{"shutdown-timeout": -5}))
            mark = len(srv.log())
            srv.signal(signal.SIGHUP)
            srv.wait_log("shutdown-timeout", start=mark)
            expect_eq(srv.call("CONFIG", "GET", "maxclients"), [b"maxclients", b"3"],
                      "maxclients unchanged after a file with a bad value")

            # maxclients 3 really applies: with 3 connected, the 4th is refused.
            def settled():
                return srv.info("clients").get("connected_clients") == "1"

            wait_for(settled, what="no other clients")
            conns = [srv.conn() for _ in range(3)]
            try:
                for c in conns:
                    expect_eq(c.call("PING"), "PONG", "one of 3 clients")
                with srv.conn() as fourth:
                    reply = fourth.read_reply()
                    expect_eq(str(reply), "ERR max number of clients reached", "4th client")
            finally:
                for c in conns:
                    c.close()
            expect_eq(srv.stop(), 0, "exit status")
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def reload_without_file(binary):
    with Server(binary, workers=1) as srv:
        mark = len(srv.log())
        srv.signal(signal.SIGHUP)
        srv.wait_log("SIGHUP", start=mark)
        expect_eq(srv.call("PING"), "PONG", "still serving")
        expect_true(srv.alive(), "still running")


def main(binary):
    tmpdir = tempfile.mkdtemp(prefix="mini-redis-it-cfg-")
    try:
        check("--version and --help exit 0", version_and_help, binary)
        check("unknown or malformed flags exit 1 with a message", bad_flags, binary)
        check("--check-config on config/mini-redis.json prints its settings (port 9999)",
              check_config_repo, binary)
        check("--check-config without a file prints the defaults", check_config_defaults, binary)
        check("flags override the file", flags_override_file, binary)
        check("bad config files: exit 1, one message naming file and key, no crash",
              bad_config_files, binary, tmpdir)
        check("port already in use: exit 1 with a clear message", port_in_use, binary)
        check("SIGHUP: live key applied, restart-only key logged, invalid file ignored",
              reload_config, binary)
        check("SIGHUP without --config: logged, keeps serving", reload_without_file, binary)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    run_main(main)
