"""redis-cli (Debian's redis-tools) against the server at REDIS_PORT (see checks.py): --scan
with --pattern, --bigkeys, --memkeys, -n 3 and -3 (RESP3), asserting on their output. The
server must be empty when it starts (the runner gives each script a fresh one): --bigkeys
counts every key in db 0. Replies are read with --no-raw so they look as on a terminal.
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (AUTH_PORT, PASSWORD, PORT, Conn, check, expect_eq, expect_in,  # noqa: E402
                    expect_true, finish, get_in_db, run_tool)

CLI = shutil.which("redis-cli") or "redis-cli"
BIG = 5000  # bytes in the one big string --bigkeys and --memkeys must name
SMALL = 300  # small keys (cli:scan:N, 3 bytes each) beside it
OTHER = 7  # keys that --pattern must leave out (cli:other:N)


def cli(*args, port=None):
    """redis-cli's stdout as text (fails on a non-zero exit)."""
    res = run_tool([CLI, "-h", "127.0.0.1", "-p", str(port or PORT)] + list(args), timeout=60)
    return res.stdout.decode("utf-8", "replace")


def fill():
    with Conn(PORT) as c:
        expect_eq(c.call("FLUSHALL"), "OK", "FLUSHALL")
        args = []
        for i in range(SMALL):
            args += ["cli:scan:%d" % i, "abc"]
        for i in range(OTHER):
            args += ["cli:other:%d" % i, "abc"]
        expect_eq(c.call("MSET", *args), "OK", "MSET")
        expect_eq(c.call("SET", "cli:big", "x" * BIG), "OK", "SET cli:big")


def scan_pattern():
    out = cli("--scan", "--pattern", "cli:scan:*").split()
    expect_eq(sorted(out), sorted("cli:scan:%d" % i for i in range(SMALL)),
              "--scan --pattern cli:scan:* output")
    everything = cli("--scan").split()
    expect_eq(len(everything), SMALL + OTHER + 1, "--scan (no pattern) lines")


def summary_line(out, prefix):
    lines = [ln for ln in out.splitlines() if ln.startswith(prefix)]
    expect_eq(len(lines), 1, "lines starting %r in:\n%s\n" % (prefix, out))
    return lines[0]


def bigkeys():
    out = cli("--bigkeys")
    keys = SMALL + OTHER + 1
    expect_in("Sampled %d keys in the keyspace!" % keys, out, "--bigkeys output")
    expect_in("Biggest string found '\"cli:big\"' has %d bytes" % BIG, out, "--bigkeys output")
    total = SMALL * 3 + OTHER * 3 + BIG
    expect_in("%d strings with %d bytes (100.00%% of keys" % (keys, total), out,
              "--bigkeys output")


def memkeys():
    out = cli("--memkeys")
    keys = SMALL + OTHER + 1
    expect_in("Sampled %d keys in the keyspace!" % keys, out, "--memkeys output")
    # MEMORY USAGE counts the key, value and overhead: more than the value, but not by much.
    line = summary_line(out, "Biggest string found ")
    expect_true(line.startswith("Biggest string found '\"cli:big\"' has "),
                "--memkeys names cli:big as the biggest string: %r" % line)
    used = int(line.split(" has ")[1].split()[0])
    expect_true(BIG <= used <= BIG + 1024, "MEMORY USAGE of cli:big in [%d, %d], got %d" % (
        BIG, BIG + 1024, used))
    expect_in("%d strings with " % keys, out, "--memkeys output")


def db3():
    expect_eq(cli("-n", "3", "set", "cli:db", "three").strip(), "OK", "redis-cli -n 3 set")
    expect_eq(cli("-n", "3", "get", "cli:db").strip(), "three", "redis-cli -n 3 get")
    expect_eq(get_in_db(3, "cli:db"), b"three", "raw SELECT 3; GET")
    expect_eq(get_in_db(0, "cli:db"), None, "raw SELECT 0; GET")
    expect_eq(cli("get", "cli:db").strip(), "", "redis-cli get (db 0): nil")


def resp3():
    # -3 sends HELLO 3 first; a bare HELLO then describes the session as a RESP3 map.
    out = cli("-3", "--no-raw", "hello")
    expect_in('1# "server" => ', out, "redis-cli -3 hello (a map reply)")
    expect_in('"proto" => (integer) 3', out, "redis-cli -3 hello")
    info = cli("-3", "client", "info")
    expect_in(" resp=3", info, "redis-cli -3 client info")
    expect_eq(cli("-3", "--no-raw", "set", "cli:r3", "v").strip(), "OK", "redis-cli -3 set")
    expect_eq(cli("-3", "--no-raw", "get", "cli:r3").strip(), '"v"', "redis-cli -3 get")
    expect_eq(cli("-3", "--no-raw", "get", "cli:missing").strip(), "(nil)",
              "redis-cli -3 get of a missing key")


def password():
    expect_eq(cli("-a", PASSWORD, "--no-auth-warning", "ping", port=AUTH_PORT).strip(), "PONG",
              "redis-cli -a PASSWORD ping")
    out = cli("--no-auth-warning", "ping", port=AUTH_PORT).strip()
    expect_true(out.startswith("NOAUTH"), "ping without a password: NOAUTH, got %r" % out)


if __name__ == "__main__":
    print(run_tool([CLI, "--version"]).stdout.decode().strip(), flush=True)
    check("fill db 0", fill)
    check("--scan --pattern", scan_pattern)
    check("--bigkeys", bigkeys)
    check("--memkeys", memkeys)
    check("-n 3 lands in db 3, not db 0", db3)
    check("-3 (RESP3)", resp3)
    check("-a password", password)
    finish("redis_cli_test.py")
