"""redis-cli (Debian redis-tools) against the server: one-shot commands, a command file on
stdin, --pipe mass insertion, --no-raw formatting, and an interactive session on a pty."""
import os
import pty
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, encode, expect_eq, expect_in, expect_true, fail,  # noqa: E402
                     run_main, run_tool, spawn, tool)


class Cli:
    def __init__(self, srv):
        self.bin = tool("redis-cli")
        self.port = srv.port

    def run(self, *args, input=None, extra=(), timeout=30):
        res = run_tool([self.bin, "-p", str(self.port)] + list(extra) + list(args),
                       input=input, timeout=timeout)
        return res.stdout.decode("utf-8", "replace")

    def one(self, *args, **kw):
        """Output of one command, trailing newline removed (raw mode: stdout is a pipe)."""
        out = self.run(*args, **kw)
        expect_true(out.endswith("\n"), "redis-cli output ends with a newline: %r" % out)
        return out[:-1]


def basics(cli):
    expect_eq(cli.one("PING"), "PONG", "PING")
    expect_eq(cli.one("SET", "greeting", "hello world"), "OK", "SET with a space")
    expect_eq(cli.one("GET", "greeting"), "hello world", "GET with a space")
    expect_eq(cli.one("GET", "no-such-key"), "", "GET missing (raw mode prints nothing)")
    expect_eq(cli.one("ECHO", "a\tb"), "a\tb", "ECHO")


def incr_sequence(cli):
    for i in range(1, 6):
        expect_eq(cli.one("INCR", "counter"), str(i), "INCR #%d" % i)
    expect_eq(cli.one("INCRBY", "counter", "10"), "15", "INCRBY")
    expect_eq(cli.one("DECR", "counter"), "14", "DECR")
    out = cli.one("INCR", "greeting")
    expect_eq(out.strip(), "ERR value is not an integer or out of range", "INCR on a non-number")


def mset_mget(cli):
    expect_eq(cli.one("MSET", "m1", "one", "m2", "two words", "m3", "3"), "OK", "MSET")
    expect_eq(cli.one("MGET", "m1", "m2", "nope", "m3"), "one\ntwo words\n\n3", "MGET (raw)")
    out = cli.run("MGET", "m1", "nope", extra=["--no-raw"])
    expect_eq(out, '1) "one"\n2) (nil)\n', "MGET --no-raw")


def dbsize(cli, srv):
    expected = srv.call("DBSIZE")
    expect_eq(cli.one("DBSIZE"), str(expected), "DBSIZE")
    expect_true(expected >= 5, "at least the keys set so far (%d)" % expected)


def info_server(cli, srv):
    out = cli.run("INFO", "server")
    expect_in("# Server", out, "INFO server")
    expect_in("tcp_port:%d" % srv.port, out.replace("\r", ""), "INFO server")


def config_get_port(cli, srv):
    expect_eq(cli.one("CONFIG", "GET", "port"), "port\n%d" % srv.port, "CONFIG GET port")


def command_count(cli, srv):
    out = cli.one("COMMAND", "COUNT")
    expect_true(out.isdigit() and int(out) >= 30, "COMMAND COUNT is a number >= 30: %r" % out)
    # What redis-cli asks at start-up for its hints: name -> doc map, one pair per command.
    docs = srv.call("COMMAND", "DOCS")
    expect_true(isinstance(docs, list) and len(docs) == 2 * int(out),
                "COMMAND DOCS has a name/doc pair per command: %d items" % len(docs or []))
    names = docs[0::2]
    for name in (b"get", b"set", b"ping", b"config"):
        expect_in(name, names, "COMMAND DOCS names")
    expect_true(all(isinstance(d, list) for d in docs[1::2]), "each doc is an array")


def no_raw_nil(cli):
    expect_eq(cli.run("GET", "no-such-key", extra=["--no-raw"]), "(nil)\n", "GET --no-raw")
    expect_eq(cli.run("INCR", "nr", extra=["--no-raw"]), "(integer) 1\n", "INCR --no-raw")
    expect_eq(cli.run("SET", "nr", "x", extra=["--no-raw"]), "OK\n", "SET --no-raw")
    expect_eq(cli.run("GET", "nr", extra=["--no-raw"]), '"x"\n', "GET --no-raw")
    expect_eq(cli.run("GETX", "nr", extra=["--no-raw"]),
              "(error) ERR unknown command 'GETX', with args beginning with: 'nr' \n",
              "unknown command --no-raw")


def command_file(cli):
    script = ("PING\nSET file:a 1\nINCR file:a\nGET file:a\nSET file:b \"two words\"\n"
              "GET file:b\nGET file:none\nDEL file:a file:b\nEXISTS file:a\n")
    out = cli.run(input=script.encode())
    expect_eq(out.split("\n"), ["PONG", "OK", "2", "2", "OK", "two words", "", "2", "0", ""],
              "replies to a command file on stdin")


def pipe_mode(cli, srv):
    n = 10000
    before = srv.call("DBSIZE")
    payload = b"".join(encode("SET", "pipe:%d" % i, "value-%d" % i) for i in range(n))
    out = cli.run(input=payload, extra=["--pipe"], timeout=60)
    expect_in("errors: 0, replies: %d" % n, out, "redis-cli --pipe summary")
    expect_eq(srv.call("DBSIZE"), before + n, "DBSIZE after --pipe")
    expect_eq(srv.call("GET", "pipe:9999"), b"value-9999", "last piped key")
    expect_eq(srv.call("GET", "pipe:0"), b"value-0", "first piped key")


def pipe_mode_with_errors(cli, srv):
    payload = encode("SET", "pe", "x") + encode("INCR", "pe") + encode("GET", "pe")
    res = run_tool([cli.bin, "-p", str(srv.port), "--pipe"], input=payload, timeout=30,
                   check_rc=False)
    out = res.stdout.decode("utf-8", "replace")
    expect_in("errors: 1, replies: 3", out, "redis-cli --pipe summary")


class PtyReader:
    """Output of a child on a pty master, read until a marker (bounded)."""

    def __init__(self, fd, proc):
        self.fd, self.proc, self.buf = fd, proc, b""

    def until(self, needle, timeout=10.0):
        """Reads until needle appears; returns the output up to and including it."""
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                fail("interactive redis-cli: %r not seen within %.0fs; output so far %r"
                     % (needle, timeout, self.buf))
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # EIO: the child closed the pty
                    chunk = b""
                if not chunk:
                    fail("interactive redis-cli ended before %r; output %r (exit %r)"
                         % (needle, self.buf, self.proc.poll()))
                self.buf += chunk
        cut = self.buf.index(needle) + len(needle)
        out, self.buf = self.buf[:cut], self.buf[cut:]
        return out


def interactive(cli, srv):
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="dumb", HOME=srv.dir)  # no ~/.rediscli_history of the user
    proc = spawn([cli.bin, "-p", str(srv.port)], stdin=slave, stdout=slave, stderr=slave,
                 env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    try:
        tty = PtyReader(master, proc)
        prompt = b"127.0.0.1:%d> " % srv.port
        banner = tty.until(prompt, 15)
        expect_true(b"ERR" not in banner and b"rror" not in banner,
                    "no error when redis-cli starts: %r" % banner)
        for line, answer in ((b"PING", b"PONG"), (b'SET tty "a b"', b"OK"),
                             (b"GET tty", b'"a b"'), (b"GET tty-missing", b"(nil)"),
                             (b"INCR tty-n", b"(integer) 1")):
            os.write(master, line + b"\r")
            out = tty.until(prompt)
            expect_in(answer, out, "interactive reply to %r" % line)
            expect_true(b"ERR" not in out, "no error for %r: %r" % (line, out))
        os.write(master, b"quit\r")
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            fail("interactive redis-cli did not exit after quit")
        expect_eq(rc, 0, "redis-cli exit status")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        os.close(master)
    expect_eq(srv.call("GET", "tty"), b"a b", "value set interactively")


def main(binary):
    with Server(binary, workers=2) as srv:
        cli = Cli(srv)
        check("PING, SET/GET with spaces, ECHO", basics, cli)
        check("INCR sequence, INCRBY, DECR, INCR error", incr_sequence, cli)
        check("MSET/MGET (raw and --no-raw)", mset_mget, cli)
        check("DBSIZE", dbsize, cli, srv)
        check("INFO server has tcp_port", info_server, cli, srv)
        check("CONFIG GET port", config_get_port, cli, srv)
        check("COMMAND COUNT and COMMAND DOCS", command_count, cli, srv)
        check("--no-raw formatting: nil, integer, status, bulk, error", no_raw_nil, cli)
        check("a file of commands on stdin", command_file, cli)
        check("--pipe with 10,000 generated SETs", pipe_mode, cli, srv)
        check("--pipe counts error replies", pipe_mode_with_errors, cli, srv)
        check("interactive redis-cli on a pty (COMMAND DOCS at start, PING, quit)",
              interactive, cli, srv)
        check("server still healthy", lambda: expect_eq(srv.call("PING"), "PONG"))


if __name__ == "__main__":
    run_main(main)
