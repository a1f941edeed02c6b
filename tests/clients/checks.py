"""Shared plumbing for the Python client scripts (redis_py_test.py, redis_cli_test.py): the
same contract as common.js for the node scripts, so the runner treats every script alike.

Environment (set by tests/integration/clients_test.py): REDIS_PORT (a fresh server without a
password), REDIS_AUTH_PORT (one with requirepass REDIS_PASSWORD). Output: "ok   NAME (0.12s)"
or "FAIL NAME: why" per check, "skip NAME: why" for a check that cannot run here, then
"SCRIPT: N passed, M failed (names)"; exit status 1 when a check failed.

Raw connections and assertions come from tests/integration/harness.py (standard library).
"""
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import (CheckFailed, Conn, expect_eq, expect_in, expect_true,  # noqa: E402
                     run_tool)

__all__ = ["AUTH_PORT", "PASSWORD", "PORT", "CheckFailed", "Conn", "SkipCheck", "check",
           "expect_eq", "expect_in", "expect_true", "finish", "get_in_db", "run_tool",
           "ttl_near"]

try:
    PORT = int(os.environ["REDIS_PORT"])
    AUTH_PORT = int(os.environ["REDIS_AUTH_PORT"])
    PASSWORD = os.environ["REDIS_PASSWORD"]
except (KeyError, ValueError):
    print("set REDIS_PORT, REDIS_AUTH_PORT and REDIS_PASSWORD (see clients_test.py)")
    sys.exit(2)

_results = []  # (name, passed)


class SkipCheck(Exception):
    """This check cannot run here (say why); it counts as neither passed nor failed."""


def check(name, fn):
    """Runs fn() as one named check; a failure is printed and the next check still runs."""
    started = time.monotonic()
    try:
        fn()
    except SkipCheck as e:
        print("skip %s: %s" % (name, e), flush=True)
        return
    except CheckFailed as e:
        _results.append((name, False))
        print("FAIL %s: %s" % (name, e), flush=True)
        return
    except Exception as e:  # noqa: BLE001 -- a client exception is this check's failure
        _results.append((name, False))
        tb = traceback.format_exc().rstrip().replace("\n", "\n       ")
        print("FAIL %s: %s: %s\n       %s" % (name, type(e).__name__, e, tb), flush=True)
        return
    _results.append((name, True))
    print("ok   %s (%.2fs)" % (name, time.monotonic() - started), flush=True)


def finish(script):
    failed = [n for n, passed in _results if not passed]
    print("%s: %d passed, %d failed%s" % (script, len(_results) - len(failed), len(failed),
                                          " (%s)" % ", ".join(failed) if failed else ""),
          flush=True)
    sys.exit(1 if failed else 0)


def get_in_db(db, key, port=None):
    """GET key in database db over a raw connection (bytes or None)."""
    with Conn(port or PORT) as c:
        expect_eq(c.call("SELECT", db), "OK", "raw SELECT %d" % db)
        return c.call("GET", key)


def ttl_near(ttl, n, what="TTL"):
    """TTL right after setting n seconds is n, or n-1 once a second boundary passed."""
    expect_true(ttl in (n, n - 1), "%s is %d or %d, got %r" % (what, n, n - 1, ttl))
