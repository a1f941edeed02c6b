"""Small helpers for the operations tests (service, auth, operator commands, limits, reload).

Starts mini-redis-server on a free 127.0.0.1 port with its stderr in a log file, speaks raw
RESP over a socket, and cleans up every process it started. Standard library only, so the
tests run under any python3; the tests that use python3-redis import it themselves.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The pieces both harnesses need are harness.py's (its only import-time effect is an atexit
# sweep of the servers it started itself).
import harness  # noqa: E402
from harness import free_port, parse_info, wait_for  # noqa: E402,F401

SKIP = 77
_started = []  # every Server we launched, for the atexit sweep


def skip(reason):
    """Skips the whole file (before any test ran): prints the reason, exits 77."""
    print("SKIP: " + reason)
    sys.exit(SKIP)


class Skipped(Exception):
    """Raised by skip_test(): run_tests() records the test as skipped, not failed."""


def skip_test(reason):
    raise Skipped(reason)


class RespError(Exception):
    """An error reply (-ERR ...); str() is the text without the leading '-'."""


class Conn(harness.Conn):
    """A raw RESP2 client over one TCP socket. Replies: str for +simple, RespError for -err,
    int, bytes or None for bulks, list or None for arrays."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        super().__init__(port, timeout=timeout, host=host)  # socket, close, context manager
        self.buf = b""  # this class reads with its own _line()/read_reply()

    encode = staticmethod(harness.encode)

    def send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self.read_reply() for _ in range(n)]
        raise AssertionError("bad reply line %r" % line)

    def call(self, *args):
        """Sends one command and returns its reply (an error reply is returned, not raised)."""
        self.send_raw(self.encode(*args))
        return self.read_reply()

    def ok(self, *args):
        """Sends one command; raises if the reply is an error."""
        reply = self.call(*args)
        if isinstance(reply, RespError):
            raise AssertionError("%r -> -%s" % (args, reply))
        return reply

    def is_closed(self, timeout=5.0):
        """True once the server has closed this socket (EOF or reset) within timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True


class Server:
    """One mini-redis-server process on a free port. `config` (a dict) is written as JSON and
    passed with --config; `port` goes on the command line unless the config names one."""

    def __init__(self, binary, config=None, args=(), env=None, port=None, workers=2,
                 wait=True, tmpdir=None):
        self.binary = os.path.abspath(binary)
        self.dir = tmpdir or tempfile.mkdtemp(prefix="mini-redis-test-")
        self._own_dir = tmpdir is None
        self.log_path = os.path.join(self.dir, "server.log")
        self.config_path = None
        cmd = [self.binary]
        if config is not None:
            config = dict(config)
            if "port" not in config:
                config["port"] = port or free_port()
            config.setdefault("workers", workers)
            self.port = config["port"]
            self.config_path = os.path.join(self.dir, "mini-redis.json")
            self.write_config(config)
            cmd += ["--config", self.config_path]
        else:
            self.port = port or free_port()
            cmd += ["--port", str(self.port), "--workers", str(workers)]
        cmd += list(args)
        full_env = dict(os.environ)
        full_env.pop("NOTIFY_SOCKET", None)
        full_env.pop("WATCHDOG_USEC", None)
        full_env.pop("WATCHDOG_PID", None)
        if env:
            full_env.update(env)
        self._log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                         stderr=subprocess.STDOUT, env=full_env)
        except OSError:
            self._log.close()
            if self._own_dir:
                shutil.rmtree(self.dir, ignore_errors=True)
            raise
        self.pid = self.proc.pid
        _started.append(self)
        if wait:
            try:
                self.wait_ready()
            except BaseException:
                self.cleanup()
                raise

    def write_config(self, config):
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            if isinstance(config, str):
                f.write(config)
            else:
                json.dump(config, f, indent=2)
        os.replace(tmp, self.config_path)

    def wait_ready(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("server exited with %s during start-up; log:\n%s"
                                     % (self.proc.returncode, self.log()))
            try:
                with Conn(self.port, timeout=2) as c:
                    reply = c.call("PING")
                    if reply == "PONG" or str(reply).startswith("NOAUTH"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("server not answering PING on port %d; log:\n%s"
                                     % (self.port, self.log()))
            time.sleep(0.05)

    def conn(self, timeout=10.0):
        return Conn(self.port, timeout=timeout)

    def log(self):
        self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_log(self, text, timeout=10.0, start=0):
        """Waits until `text` appears in the log after offset `start`; returns the log."""
        return wait_for(lambda: text in self.log()[start:] and self.log(), timeout=timeout,
                        what="log line containing %r" % text)

    def rss_bytes(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def signal(self, signo):
        self.proc.send_signal(signo)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=15.0):
        """SIGTERM (SIGCONT first, in case a test stopped it), wait; SIGKILL if it hangs.
        Returns the exit status."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGCONT)
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            except ProcessLookupError:
                pass
        self._log.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


@atexit.register
def _sweep():
    for s in _started:
        if s.proc.poll() is None:
            try:
                s.proc.send_signal(signal.SIGCONT)
                s.proc.kill()
                s.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if s._own_dir:
            shutil.rmtree(s.dir, ignore_errors=True)


def _exit_on_signal(signo, _frame):
    # A meson timeout or Ctrl-C: unwind (SystemExit is not caught by run_tests) so the
    # atexit sweep kills every server.
    raise SystemExit(128 + signo)


def run_tests(tests):
    """Runs each test function in order, prints PASS/FAIL/SKIP lines; exits 1 on any failure,
    else 77 if a test was skipped (a needed tool is absent), else 0."""
    for signo in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signo, _exit_on_signal)
    failed, skipped = [], []
    for test in tests:
        started = time.monotonic()
        try:
            test()
        except Skipped as e:
            skipped.append(test.__name__)
            print("SKIP %s: %s" % (test.__name__, e))
        except Exception:  # noqa: BLE001 -- report every failure, then go on
            failed.append(test.__name__)
            print("FAIL %s (%.1fs)" % (test.__name__, time.monotonic() - started))
            traceback.print_exc()
        else:
            print("PASS %s (%.1fs)" % (test.__name__, time.monotonic() - started))
        sys.stdout.flush()
    print("%d passed, %d failed%s, %d skipped" % (
        len(tests) - len(failed) - len(skipped), len(failed),
        (" (" + ", ".join(failed) + ")") if failed else "", len(skipped)))
    sys.exit(1 if failed else SKIP if skipped else 0)


def binary_from_argv():
    if len(sys.argv) < 2:
        print("usage: %s <path-to-mini-redis-server>" % sys.argv[0])
        sys.exit(2)
    path = sys.argv[1]
    if not os.access(path, os.X_OK):
        print("not an executable: %s" % path)
        sys.exit(2)
    return os.path.abspath(path)
