"""Real client libraries against the server: ioredis 6, node-redis 6, 5 and 4, redis-py and
redis-cli, each running the checks in tests/clients/ (scripts that print one line per check).

    /usr/bin/python3 clients_test.py BUILD/src/mini-redis-server   # as meson runs it
    /usr/bin/python3 clients_test.py --against-redis [REDIS-SERVER] # validate the checks
                                                                    # against real Redis

Each script gets two fresh servers: one plain and one with requirepass. Against mini-redis
they are harness Servers; with --against-redis they are Debian's /usr/bin/redis-server (or the
one named) on free loopback ports with persistence off, so every check can be shown to hold
for Redis itself.

The node packages are pinned in tests/clients/package-lock.json and installed with `npm ci`
into a temp dir (never into the source tree or anywhere global; npm keeps its own cache in
~/.npm, so later runs work offline). Without node/npm, or when the registry cannot be reached
and the cache lacks a package, the node tests are skipped (exit 77) with the reason. NODE and
NPM in the environment choose other binaries (e.g. to try another node version).
"""
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Conn, Server, fail, free_port, run_tests, skip, spawn,  # noqa: E402
                     temp_dir)

CLIENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients")
PASSWORD = "clients-test-secret"
SCRIPT_TIMEOUT = 120  # seconds for one script (each check inside has its own 15 s limit)
NPM_TIMEOUT = 180
NODE_MIN_MAJOR = 18  # Debian 12's nodejs; the pinned packages are checked to work there

# clients_test.py [--against-redis] [BINARY]: pull the flag out before the harness reads argv.
AGAINST_REDIS = "--against-redis" in sys.argv
if AGAINST_REDIS:
    sys.argv.remove("--against-redis")
    if len(sys.argv) < 2:
        sys.argv.append("/usr/bin/redis-server")
BINARY = harness.binary_from_argv()


# ---------------------------------------------------------------------------------------------
# The servers a script runs against


class RedisServer:
    """Debian's redis-server on a free loopback port, no persistence, its output in a log in
    its own temp dir; spawned through the harness, so its exit sweep kills it too."""

    def __init__(self, binary, requirepass=None):
        self.dir = temp_dir("clients-redis-")
        self.log_path = os.path.join(self.dir, "redis.log")
        for _ in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", self.dir, "--daemonize", "no"]
            if requirepass:
                args += ["--requirepass", requirepass]
            with open(self.log_path, "wb") as log:
                self.proc = spawn(args, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=subprocess.STDOUT)
            if self._wait_ready():
                return
            self.stop()
        fail("redis-server did not come up; log:\n%s" % self.log())

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with Conn(self.port, timeout=2) as c:
                    reply = c.call("PING")
                    if reply == "PONG" or str(reply).startswith("NOAUTH"):
                        return True
            except (OSError, AssertionError, ConnectionError):
                pass
            time.sleep(0.05)
        return False

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def servers():
    """(plain, with requirepass): the kind under test, fresh and empty."""
    if AGAINST_REDIS:
        return RedisServer(BINARY), RedisServer(BINARY, requirepass=PASSWORD)
    return Server(BINARY), Server(BINARY, config={"requirepass": PASSWORD})


def run_script(argv, what):
    """Runs one client script against fresh servers; prints its per-check lines; fails the
    test, naming the checks that failed, if it exits non-zero."""
    plain, auth = servers()
    with plain, auth:
        env = dict(os.environ, REDIS_PORT=str(plain.port), REDIS_AUTH_PORT=str(auth.port),
                   REDIS_PASSWORD=PASSWORD)
        proc = spawn(argv, cwd=os.path.dirname(argv[1]), env=env, stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            out, _ = proc.communicate(timeout=SCRIPT_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            fail("%s: no result within %d s; output:\n%s" % (
                what, SCRIPT_TIMEOUT, out.decode("utf-8", "replace")))
        text = out.decode("utf-8", "replace")
        for line in text.splitlines():
            print("     " + line, flush=True)
        if proc.returncode != 0:
            failed = [ln[5:] for ln in text.splitlines() if ln.startswith("FAIL ")]
            fail("%s exited %d; failed checks:\n  %s" % (
                what, proc.returncode, "\n  ".join(failed) or "(none reported; see above)"))


# ---------------------------------------------------------------------------------------------
# Node: `npm ci` once into a temp dir, then one script per client library

_node = {}  # "dir": the install (scripts + node_modules), or "skip": why node tests cannot run

# npm's messages when the registry cannot be reached (and the cache lacks a package).
OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|"
                     r"EHOSTUNREACH|ENOTCACHED|network|socket hang up", re.I)


def node_install():
    """The directory holding the node scripts and their node_modules, or Skip."""
    if "skip" in _node:
        skip(_node["skip"])
    if "dir" in _node:
        return _node["dir"]
    node = os.environ.get("NODE") or shutil.which("node") or shutil.which("nodejs")
    npm = os.environ.get("NPM") or shutil.which("npm")
    if not node or not npm:
        _node["skip"] = ("node or npm not found on PATH (scripts/install-deps installs Debian's "
                         "nodejs and npm)")
        skip(_node["skip"])
    version = subprocess.run([node, "--version"], stdout=subprocess.PIPE,
                             text=True).stdout.strip()
    major = int(re.match(r"v(\d+)", version).group(1)) if version.startswith("v") else 0
    if major < NODE_MIN_MAJOR:
        _node["skip"] = "node %s is older than %d" % (version, NODE_MIN_MAJOR)
        skip(_node["skip"])
    work = temp_dir("clients-node-")
    for name in os.listdir(CLIENTS_DIR):
        if name.endswith(".js") or name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(CLIENTS_DIR, name), work)
    env = dict(os.environ, npm_config_update_notifier="false", npm_config_loglevel="warn")
    # Fail fast when the registry is unreachable (npm's defaults retry for minutes).
    for key, value in (("fetch_retries", "1"), ("fetch_retry_mintimeout", "2000"),
                       ("fetch_retry_maxtimeout", "5000"), ("fetch_timeout", "30000")):
        env.setdefault("npm_config_" + key, value)
    started = time.monotonic()
    try:
        res = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                             cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=NPM_TIMEOUT)
        out, rc = res.stdout.decode("utf-8", "replace"), res.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace") + "\n(timed out)", None
    if rc != 0:
        if rc is None or OFFLINE.search(out):
            _node["skip"] = "npm ci could not fetch the pinned packages (offline?):\n" + out[-2000:]
            skip(_node["skip"])
        fail("npm ci failed (exit %r):\n%s" % (rc, out[-4000:]))
    print("     npm ci: %.1fs, node %s at %s" % (time.monotonic() - started, version, node),
          flush=True)
    _node["dir"] = work
    _node["node"] = node
    return work


def node_test(script, *args):
    def test():
        work = node_install()
        run_script([_node["node"], os.path.join(work, script)] + list(args),
                   " ".join([script] + list(args)))
    return test


test_ioredis = node_test("ioredis_test.js")
test_node_redis_6 = node_test("node_redis_test.js", "redis")
test_node_redis_5 = node_test("node_redis_test.js", "redis5")
test_node_redis_4 = node_test("node_redis_test.js", "redis4")
for _t, _n in ((test_ioredis, "ioredis_6"), (test_node_redis_6, "node_redis_6"),
               (test_node_redis_5, "node_redis_5"), (test_node_redis_4, "node_redis_4")):
    _t.__name__ = _n


# ---------------------------------------------------------------------------------------------
# Python: redis-py and redis-cli, run under this interpreter (/usr/bin/python3 from meson)


def test_redis_py():
    if importlib.util.find_spec("redis") is None:
        skip("python3-redis is not installed for %s" % sys.executable)
    run_script([sys.executable, os.path.join(CLIENTS_DIR, "redis_py_test.py")],
               "redis_py_test.py")


def test_redis_cli():
    harness.tool("redis-cli")
    run_script([sys.executable, os.path.join(CLIENTS_DIR, "redis_cli_test.py")],
               "redis_cli_test.py")


if __name__ == "__main__":
    print("server under test: %s%s" % (BINARY, " (--against-redis)" if AGAINST_REDIS else ""),
          flush=True)
    run_tests([test_ioredis, test_node_redis_6, test_node_redis_5, test_node_redis_4,
               test_redis_py, test_redis_cli])
