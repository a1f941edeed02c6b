"""The one harness for the black-box integration tests: start mini-redis-server on a free
127.0.0.1 port, talk raw RESP and inline over sockets, run real client tools, clean up.

Standard library only (tests that use python3-redis import it themselves). Every process
started here (servers and tools) is stopped: by the context managers, by an atexit sweep, and
on SIGTERM/SIGINT/SIGHUP to the test itself.

How to write a test: add tests/integration/NAME_test.py and put 'NAME' in tests/meson.build's
`integration_tests`. Meson runs it as `/usr/bin/python3 NAME_test.py <mini-redis-server>`:

    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from harness import Server, binary_from_argv, check, expect_eq, run_tests, skip  # noqa: E402

    BINARY = binary_from_argv()

    def test_ping():
        with Server(BINARY, config={"maxclients": 10}) as srv, srv.conn() as c:
            expect_eq(c.call("PING"), "PONG", "PING")
            check("a named step", lambda: expect_eq(srv.call("ECHO", "x"), b"x"))

    if __name__ == "__main__":
        run_tests([test_ping])

- Server: its own temp dir, config file and log; `config` as a dict (written as JSON, with
  the port in it, so a SIGHUP test can rewrite it with write_config) or a path; `args` adds
  flags; `conn()`, `call()`, `info()`, `log()`, `wait_log()`, `signal()`, `rss_bytes()`.
  Leaving the `with` block stops it with SIGTERM and fails the test unless it exits 0.
- Conn: one raw socket with a RESP2 reader. Replies: str (+simple), RespError (-error, a str
  that never equals a simple string), int, bytes or None (bulk), list or None (array).
- Checks: plain `assert`, or expect_eq/expect_in/expect_error/wait_for (which say expected vs
  actual); check(name, fn, ...) prints a named step inside a test.
- run_tests runs each test in order and goes on after a failure; a failure prints the
  traceback and the log of every server that test started. skip(reason) (or tool(name) for a
  missing program) skips a test; the file then exits 77, which meson reports as skipped.
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

SKIP_EXIT = 77
START_TIMEOUT = 10.0  # seconds for a server to answer PING after exec
STOP_TIMEOUT = 15.0  # seconds for a server to exit after SIGTERM before it is killed

_servers = []  # every Server started, for the log dump and the atexit sweep
_processes = []  # every other Popen started through spawn(), for the sweep
_dirs = []  # every temp_dir(), removed at exit


# ---------------------------------------------------------------------------------------------
# Outcome plumbing


class CheckFailed(AssertionError):
    """A check's expectation did not hold; the message says expected vs actual."""


class Skip(Exception):
    """A test cannot run here (a required tool is absent): run_tests reports it skipped."""


def fail(msg):
    raise CheckFailed(msg)


def skip(reason):
    """Skips the running test (raises Skip)."""
    raise Skip(reason)


# Set (to the -Dsanitizers value) by tests/meson.build in a sanitizer build.
SANITIZED = os.environ.get("MINI_REDIS_SANITIZED", "")


def skip_if_sanitized(reason):
    """Skips the running test in an ASan/UBSan build, saying why. Only for a test whose cost
    under the sanitizers is out of proportion (the README's Tests section lists them); it
    still runs in the release pass."""
    if SANITIZED:
        raise Skip("not run under -Dsanitizers=%s: %s" % (SANITIZED, reason))


# Why an RSS bound means nothing under ASan (the usual reason for skipped_when_sanitized).
ASAN_RSS = ("ASan's allocator keeps freed blocks in a quarantine of up to 256 MB and pads "
            "every block, so RSS does not measure the server's own memory use")


def skipped_when_sanitized(what, reason=ASAN_RSS):
    """In an ASan/UBSan build, prints that `what` is not checked, and why, and returns True;
    else False. For one measurement inside a test that is otherwise worth running there:
        if not skipped_when_sanitized("the RSS bound"):
            expect_true(grown < bound, ...)"""
    if SANITIZED:
        print("     not checked under -Dsanitizers=%s: %s (%s)" % (SANITIZED, what, reason),
              flush=True)
        return True
    return False


def check(name, fn, *args, **kwargs):
    """Runs one named check; prints 'ok' with its duration or raises (the first failure ends
    the test in run_main). Returns fn's value."""
    started = time.monotonic()
    print("---- %s" % name, flush=True)
    try:
        value = fn(*args, **kwargs)
    except Skip:
        raise
    except BaseException:
        print("FAIL %s (%.2fs)" % (name, time.monotonic() - started), flush=True)
        raise
    print("ok   %s (%.2fs)" % (name, time.monotonic() - started), flush=True)
    return value


_binary = None


def binary_from_argv():
    """The server binary named by argv[1] (absolute). Exits 2 with a usage line when it is
    missing or not executable."""
    global _binary
    if _binary is None:
        if len(sys.argv) < 2:
            print("usage: %s <path-to-mini-redis-server>" % sys.argv[0])
            sys.exit(2)
        path = os.path.abspath(sys.argv[1])
        if not os.access(path, os.X_OK):
            print("not an executable: %s" % path)
            sys.exit(2)
        _binary = path
    return _binary


def run_tests(tests):
    """The runner: runs each test (a function of no arguments) in order, prints PASS, FAIL or
    SKIP with its time, and after a failure its traceback and the log of every server it
    started, then goes on with the next test. Every process is stopped at the end. Exits 1 if
    a test failed, else 77 (meson: skipped) if one was skipped, else 0."""
    binary_from_argv()
    _install_signal_handlers()
    failed, skipped = [], []
    for test in tests:
        name = getattr(test, "__name__", repr(test))
        first_server = len(_servers)
        started = time.monotonic()
        try:
            test()
        except Skip as e:
            skipped.append(name)
            print("SKIP %s: %s" % (name, e), flush=True)
        except Exception:  # noqa: BLE001 -- report every failure, then go on
            failed.append(name)
            traceback.print_exc(file=sys.stdout)
            _cleanup_all()
            dump_logs(_servers[first_server:])
            print("FAIL %s (%.1fs)" % (name, time.monotonic() - started), flush=True)
        else:
            print("PASS %s (%.1fs)" % (name, time.monotonic() - started), flush=True)
        _cleanup_all()
    _remove_dirs()
    print("%s: %d passed, %d failed%s, %d skipped" % (
        os.path.basename(sys.argv[0]), len(tests) - len(failed) - len(skipped), len(failed),
        (" (" + ", ".join(failed) + ")") if failed else "", len(skipped)), flush=True)
    sys.exit(1 if failed else SKIP_EXIT if skipped else 0)


def run_main(main):
    """Shorthand for a file with one test that takes the binary: run_tests([main(binary)])."""
    def test():
        main(binary_from_argv())

    test.__name__ = getattr(main, "__name__", "main")
    run_tests([test])


def dump_logs(servers=None):
    for srv in _servers if servers is None else servers:
        print("======== server log (%s) ========" % " ".join(srv.cmd), flush=True)
        print(srv.log(), flush=True)


def _install_signal_handlers():
    # Turn termination signals (a meson timeout, Ctrl-C) into SystemExit so the sweep runs.
    def handler(signo, _frame):
        raise SystemExit(128 + signo)

    for signo in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signo, handler)


def _cleanup_all():
    for proc in list(_processes):
        _kill(proc)
    for srv in list(_servers):
        srv.kill()


def _remove_dirs():
    for d in [srv.dir for srv in _servers] + _dirs:
        shutil.rmtree(d, ignore_errors=True)


def _kill(proc):
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGCONT)  # a test may have stopped it
            proc.kill()
            proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass


@atexit.register
def _sweep():
    _cleanup_all()
    _remove_dirs()


# ---------------------------------------------------------------------------------------------
# Assertions that say expected vs actual


def _short(v, limit=300):
    r = repr(v)
    return r if len(r) <= limit else r[:limit] + "...(%d chars)" % len(r)


def expect_eq(actual, expected, what="value"):
    if actual != expected:
        fail("%s:\n  expected %s\n  actual   %s" % (what, _short(expected), _short(actual)))
    return actual


def expect_true(cond, what):
    if not cond:
        fail("expected: %s" % what)


def expect_in(needle, haystack, what="text"):
    if needle not in haystack:
        fail("%s: expected to contain %s\n  actual %s"
             % (what, _short(needle), _short(haystack, 2000)))


def expect_error(reply, prefix, what="reply"):
    """reply must be an error reply (RespError) whose text starts with prefix."""
    if not isinstance(reply, RespError) or not str(reply).startswith(prefix):
        fail("%s:\n  expected error starting %r\n  actual   %s" % (what, prefix, _short(reply)))


def wait_for(predicate, timeout=10.0, interval=0.05, what="condition"):
    """Polls predicate() until truthy (bounded); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            fail("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# RESP


class RespError(str):
    """An error reply; the str is its text without the leading '-'."""

    def __repr__(self):
        return "RespError(%s)" % str.__repr__(self)

    # An error never equals a simple string with the same text (either way round: Python
    # asks the subclass first).
    def __eq__(self, other):
        return isinstance(other, RespError) and str.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


class Incomplete(Exception):
    """The buffer ends inside a reply."""


class BadReply(AssertionError):
    """The bytes are not a well-formed RESP2/RESP3 reply."""


def encode(*args):
    """One RESP multibulk request from str/bytes/int arguments."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, int):
            a = str(a)
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(b"\r\n")
    return b"".join(out)


class RespMap(dict):
    """A RESP3 map (%). Keys that are lists come back as tuples, so they can be keys."""


class RespSet(list):
    """A RESP3 set (~), in the order sent; equal to a list with the same items."""


class RespPush(list):
    """A RESP3 push (>); equal to a list with the same items."""


class Verbatim(bytes):
    """A RESP3 verbatim string (=): the text as bytes, its three-letter format in .format."""

    def __new__(cls, text, fmt):
        obj = bytes.__new__(cls, text)
        obj.format = fmt
        return obj


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in v.items())
    return v


def _blob(buf, nxt, n, kind):
    if len(buf) < nxt + n + 2:
        raise Incomplete()
    if buf[nxt + n:nxt + n + 2] != b"\r\n":
        raise BadReply("%s of %d not followed by CRLF at offset %d" % (kind, n, nxt + n))
    return bytes(buf[nxt:nxt + n]), nxt + n + 2


def parse_reply(buf, pos=0):
    """Parses one RESP2 or RESP3 reply from buf at pos. Returns (value, next_pos); raises
    Incomplete if buf ends inside it, BadReply if it is malformed. RESP2 values: +x -> str,
    -x -> RespError, :n -> int, $ -> bytes or None, * -> list or None. RESP3 adds: _ -> None,
    #t/#f -> bool, ,x -> float, (n -> int, %n -> RespMap, ~n -> RespSet, >n -> RespPush,
    =n -> Verbatim, !n -> RespError; an attribute (|n) is read and skipped."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        if len(buf) - pos > 1 << 20:
            raise BadReply("no CRLF in %d bytes" % (len(buf) - pos))
        raise Incomplete()
    kind = buf[pos:pos + 1]
    line = bytes(buf[pos + 1:end])
    nxt = end + 2
    if kind == b"+":
        return line.decode("utf-8", "replace"), nxt
    if kind == b"-":
        return RespError(line.decode("utf-8", "replace")), nxt
    if kind == b"_":
        if line:
            raise BadReply("null with data %r at offset %d" % (line, pos))
        return None, nxt
    if kind == b"#":
        if line not in (b"t", b"f"):
            raise BadReply("boolean %r at offset %d" % (line, pos))
        return line == b"t", nxt
    if kind == b",":
        try:
            return float(line), nxt  # float() reads inf, -inf and nan
        except ValueError:
            raise BadReply("bad double %r at offset %d" % (line, pos)) from None
    try:
        n = int(line)
    except ValueError:
        raise BadReply("bad header %r at offset %d" % (bytes(buf[pos:end]), pos)) from None
    if kind in (b":", b"("):
        return n, nxt
    if kind == b"$":
        if n < 0:
            if n != -1:
                raise BadReply("bulk length %d" % n)
            return None, nxt
        return _blob(buf, nxt, n, "bulk")
    if kind == b"*":
        if n < 0:
            if n != -1:
                raise BadReply("array length %d" % n)
            return None, nxt
        items = []
        for _ in range(n):
            item, nxt = parse_reply(buf, nxt)
            items.append(item)
        return items, nxt
    if n < 0:
        raise BadReply("length %d for %r at offset %d" % (n, kind, pos))
    if kind == b"=":
        text, nxt = _blob(buf, nxt, n, "verbatim")
        if len(text) < 4 or text[3:4] != b":":
            raise BadReply("verbatim without its format at offset %d: %r" % (pos, text[:8]))
        return Verbatim(text[4:], text[:3].decode("ascii", "replace")), nxt
    if kind == b"!":
        text, nxt = _blob(buf, nxt, n, "blob error")
        return RespError(text.decode("utf-8", "replace")), nxt
    if kind in (b"~", b">"):
        items = RespSet() if kind == b"~" else RespPush()
        for _ in range(n):
            item, nxt = parse_reply(buf, nxt)
            items.append(item)
        return items, nxt
    if kind in (b"%", b"|"):
        m = RespMap()
        for _ in range(n):
            k, nxt = parse_reply(buf, nxt)
            v, nxt = parse_reply(buf, nxt)
            m[_hashable(k)] = v
        if kind == b"|":
            return parse_reply(buf, nxt)  # the attribute's value follows it
        return m, nxt
    raise BadReply("unknown reply type %r at offset %d: %r" % (kind, pos, bytes(buf[pos:pos + 40])))


def parse_all(buf):
    """Parses every complete reply in buf. Returns (replies, leftover bytes)."""
    replies, pos = [], 0
    while pos < len(buf):
        try:
            value, pos2 = parse_reply(buf, pos)
        except Incomplete:
            break
        replies.append(value)
        pos = pos2
    return replies, bytes(buf[pos:])


class Conn:
    """A raw client socket with a RESP reader. Timeouts everywhere (default 10 s). `buf` keeps
    what was received (read_reply consumes from `pos`), for messages and byte checks."""

    encode = staticmethod(encode)

    def __init__(self, port, timeout=10.0, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.buf = bytearray()
        self.pos = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    send_raw = send

    def send_cmd(self, *args):
        self.send(encode(*args))

    def _fill(self, timeout=None):
        self.sock.settimeout(timeout or self.timeout)
        try:
            chunk = self.sock.recv(1 << 18)
        except socket.timeout:
            fail("timed out (%.1fs) waiting for a reply; have %s" % (
                timeout or self.timeout, _short(bytes(self.buf[self.pos:]))))
        if not chunk:
            raise ConnectionError("server closed the connection; unparsed %s" % _short(
                bytes(self.buf[self.pos:])))
        if self.pos > (1 << 20) and self.pos > len(self.buf) // 2:
            del self.buf[:self.pos]
            self.pos = 0
        self.buf += chunk

    def read_reply(self, timeout=None):
        """Reads one reply (an error reply is returned as RespError, not raised)."""
        while True:
            try:
                value, self.pos = parse_reply(self.buf, self.pos)
                return value
            except Incomplete:
                self._fill(timeout)

    def read_replies(self, n, timeout=None):
        return [self.read_reply(timeout) for _ in range(n)]

    def call(self, *args):
        """Sends one command, returns its reply (an error reply is returned, not raised)."""
        self.send_cmd(*args)
        return self.read_reply()

    def ok(self, *args):
        """Sends one command; fails the test if the reply is an error."""
        reply = self.call(*args)
        if isinstance(reply, RespError):
            fail("%r -> -%s" % (args, reply))
        return reply

    def inline(self, line):
        """Sends one inline command line (CRLF added) and reads its reply."""
        if isinstance(line, str):
            line = line.encode()
        self.send(line + b"\r\n")
        return self.read_reply()

    def read_until_closed(self, timeout=10.0, what="connection"):
        """Reads until the server closes (EOF or reset); returns every unread byte. Fails if
        the connection is still open after timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                fail("%s: still open after %.1fs, the server did not close it; unread %s" % (
                    what, timeout, _short(bytes(self.buf[self.pos:]))))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 18)
            except socket.timeout:
                continue
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            if not chunk:
                rest = bytes(self.buf[self.pos:])
                self.pos = len(self.buf)
                return rest
            self.buf += chunk

    def expect_closed(self, timeout=10.0, what="connection"):
        """The server must close this connection with nothing more to read."""
        rest = self.read_until_closed(timeout, what)
        expect_eq(rest, b"", "%s: bytes before the server closed it" % what)

    def is_closed(self, timeout=5.0):
        """True once the server closes this socket (EOF or reset) within timeout seconds;
        whatever arrives meanwhile is kept in buf."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not chunk:
                return True
            self.buf += chunk

    def is_open(self, wait=0.2):
        """True when no EOF/reset arrives within `wait` seconds (data is buffered, not lost)."""
        self.sock.settimeout(wait)
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            return True
        except (ConnectionResetError, BrokenPipeError):
            return False
        if not chunk:
            return False
        self.buf += chunk
        return True


def connect(port, timeout=10.0):
    return Conn(port, timeout)


def recv_exact(sock, n, timeout=10.0):
    """Exactly n bytes from a plain socket, or a failure naming what arrived."""
    sock.settimeout(timeout)
    data = bytearray()
    while len(data) < n:
        try:
            chunk = sock.recv(n - len(data))
        except socket.timeout:
            fail("timed out after %r of %d bytes" % (bytes(data), n))
        if not chunk:
            fail("connection closed after %r of %d bytes" % (bytes(data), n))
        data += chunk
    return bytes(data)


def parse_info(text):
    """INFO text -> {field: value}; headers and blank lines skipped."""
    if isinstance(text, bytes):
        text = text.decode()
    fields = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value
    return fields


# ---------------------------------------------------------------------------------------------
# Processes


def free_port():
    """A port free on 127.0.0.1 right now (bind port 0, read it, release)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool(name):
    """Absolute path of a required tool, or Skip when it is not installed."""
    path = shutil.which(name)
    if not path:
        raise Skip("%s not found on PATH" % name)
    return path


def temp_dir(prefix="mini-redis-it-"):
    """A new temporary directory, removed when the test file ends."""
    d = tempfile.mkdtemp(prefix=prefix)
    _dirs.append(d)
    return d


def spawn(args, **kwargs):
    """Popen that the harness kills on exit if the test has not."""
    proc = subprocess.Popen(args, **kwargs)
    _processes.append(proc)
    return proc


def start_reference_redis(args=()):
    """Debian's redis-server 7.0 on a free loopback port, for tests that compare bytes with it
    (no persistence unless `args` turn it on, e.g. "--appendonly", "yes", "--dir", d; stopped
    with the other processes): (port, process), or None when it is not installed."""
    exe = shutil.which("redis-server")
    if not exe:
        return None
    port = free_port()
    proc = spawn([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no"] + list(args),
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up():
        try:
            with Conn(port, timeout=2) as c:
                return c.call("PING") == "PONG"
        except OSError:
            return False
    wait_for(up, what="redis-server up")
    return port, proc


def run_tool(args, input=None, timeout=30.0, check_rc=True):
    """Runs a tool to completion (killed after timeout); returns CompletedProcess with bytes
    stdout/stderr. Fails on timeout, and on a non-zero exit when check_rc."""
    try:
        res = subprocess.run(args, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=timeout)
    except subprocess.TimeoutExpired as e:
        msg = "%s timed out after %.0fs; stdout %s stderr %s" % (
            " ".join(args), timeout, _short(e.stdout), _short(e.stderr))
        raise CheckFailed(msg) from None
    if check_rc and res.returncode != 0:
        fail("%s exited %d; stdout %s stderr %s" % (
            " ".join(args), res.returncode, _short(res.stdout, 2000), _short(res.stderr, 2000)))
    return res


def write_config(path, config):
    """Writes a config dict as JSON (or a str verbatim), atomically."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        if isinstance(config, str):
            f.write(config)
        else:
            json.dump(config, f, indent=2)
    os.replace(tmp, path)


class Server:
    """One mini-redis-server process on a free loopback port, with its own temp dir and its
    stdout+stderr in a log file there (kept until the test file ends, for failure dumps).

    `config`: a dict is written as JSON to <dir>/mini-redis.json and passed with --config; the
    port (a free one unless `port` is given or the dict names one) and `workers` go into the
    file, so a test can rewrite it with write_config() and SIGHUP. A str is the path of an
    existing file; the port, bind and workers then go on the command line, as they do with
    no config at all. `loglevel` adds --loglevel; `args` adds more flags; `env` adds to the
    environment (NOTIFY_SOCKET and WATCHDOG_* are removed unless given here). With
    wait=False it returns once the process runs, without waiting for PING.

    As a context manager: on a normal exit it is stopped with SIGTERM and must exit 0 (so a
    sanitizer's report at exit fails the test); after an exception it is killed."""

    def __init__(self, binary, config=None, workers=2, loglevel=None, args=(), env=None,
                 port=None, wait=True):
        self.binary = os.path.abspath(binary)
        self.workers = workers
        self.loglevel = loglevel
        self.args = list(args)
        self.env = env
        self.dir = tempfile.mkdtemp(prefix="mini-redis-it-")
        self.log_path = os.path.join(self.dir, "server.log")
        self.config_path = None
        self._config = None
        self._fixed_port = port
        if isinstance(config, dict):
            self._config = dict(config)
            self._config.setdefault("workers", workers)
            if "port" in self._config:
                self._fixed_port = self._config["port"]
            self.config_path = os.path.join(self.dir, "mini-redis.json")
        elif config is not None:
            self.config_path = config
        self.proc = None
        self.port = None
        self.cmd = [self.binary]
        self._log_file = None
        _servers.append(self)
        self.start(wait)

    def start(self, wait=True):
        for attempt in range(3):  # a free port can be taken between probe and bind
            self.port = self._fixed_port or free_port()
            self.cmd = [self.binary]
            if self._config is not None:
                self._config["port"] = self.port
                self.write_config(self._config)
                self.cmd += ["--config", self.config_path]
            else:
                self.cmd += ["--port", str(self.port), "--bind", "127.0.0.1",
                             "--workers", str(self.workers)]
                if self.config_path:
                    self.cmd += ["--config", self.config_path]
            if self.loglevel:
                self.cmd += ["--loglevel", self.loglevel]
            self.cmd += self.args
            env = dict(os.environ)
            for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
                env.pop(k, None)
            env.update(self.env or {})
            if self._log_file:
                self._log_file.close()
            self._log_file = open(self.log_path, "wb")
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                         stdout=self._log_file, stderr=subprocess.STDOUT,
                                         env=env)
            if not wait or self._wait_ready():
                return self
            if attempt < 2 and self._fixed_port is None and "in use" in self.log().lower():
                continue
            self.kill()
            fail("server did not come up (exit %r); log:\n%s" % (self.proc.poll(), self.log()))
        return self

    def _wait_ready(self):
        """True once PING is answered (PONG, or NOAUTH when requirepass is set)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with Conn(self.port, timeout=2.0) as c:
                    reply = c.call("PING")
                    if reply == "PONG" or str(reply).startswith("NOAUTH"):
                        return True
            except (OSError, CheckFailed, ConnectionError):
                pass
            time.sleep(0.05)
        self.kill()
        return False

    def write_config(self, config):
        """Rewrites the config file (a dict as JSON, a str verbatim), atomically."""
        if not self.config_path:
            fail("this server was started without a config file")
        write_config(self.config_path, config)

    # -- talking to it

    def conn(self, timeout=10.0):
        return Conn(self.port, timeout)

    def call(self, *args):
        """One command on a fresh connection."""
        with self.conn() as c:
            return c.call(*args)

    def info(self, section=None):
        reply = self.call("INFO", section) if section else self.call("INFO")
        if not isinstance(reply, bytes):
            fail("INFO replied %s" % _short(reply))
        return parse_info(reply)

    # -- the process

    @property
    def pid(self):
        return self.proc.pid

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_log(self, text, timeout=10.0, start=0):
        """Waits until text shows up in the log after byte offset start; returns the log."""
        wait_for(lambda: text in self.log()[start:], timeout,
                 what="server log line containing %r" % text)
        return self.log()

    def reload(self, expect, timeout=10.0):
        """Sends SIGHUP and waits for `expect` in the log lines it produces; returns them."""
        start = len(self.log())
        self.signal(signal.SIGHUP)
        self.wait_log(expect, timeout, start=start)
        return self.log()[start:]

    def rss_bytes(self):
        """The process's resident set size (VmRSS), in bytes."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        fail("no VmRSS for pid %d" % self.proc.pid)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signo):
        self.proc.send_signal(signo)

    def wait_exit(self, timeout):
        """Exit status within timeout seconds, or a failure."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            fail("server still running %.1fs after being asked to stop" % timeout)

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM (SIGCONT first, in case a test stopped it) and wait; SIGKILL if it is still
        running after timeout. Returns the exit status."""
        if self.alive():
            try:
                self.proc.send_signal(signal.SIGCONT)
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
            except ProcessLookupError:
                pass
        self.kill()  # reaps it and closes the log file
        return self.proc.returncode

    def kill(self):
        if self.proc is not None:
            _kill(self.proc)
        if self._log_file:
            self._log_file.close()

    cleanup = stop

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            self.kill()
            return
        was_running = self.alive()
        status = self.stop()
        if was_running and status != 0:
            fail("server exited with status %r when stopped at the end of the test; log:\n%s"
                 % (status, self.log()[-4000:]))
