"""Client-side caching (CLIENT TRACKING) against the real binary: the same multi-client
scripts run on mini-redis and on Debian's redis-server, and every connection's bytes must be
the same (RESP2 through REDIRECT to a __redis__:invalidate subscriber, RESP3 pushes, NOLOOP,
BCAST with prefixes, OPTIN/OPTOUT with CLIENT CACHING, FLUSHALL, every error text); then what
cannot be scripted byte for byte: invalidations for keys the active expire cycle removes, the
tracking-table-max-keys bound, a cache kept by a RESP3 client under a concurrent writer that
must end equal to the server's value (an invalidation never lost nor overtaking the reply it
invalidates), and INFO's tracking fields."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (start_reference_redis, Server, binary_from_argv, encode,  # noqa: E402
                     expect_eq, expect_true, parse_info, run_tests, skip, wait_for,
                     RespPush)

BINARY = binary_from_argv()


class Script:
    """Named raw connections to one server; run(steps) sends each step and gathers what every
    connection received until all are quiet, returning one transcript per connection."""

    def __init__(self, port, names):
        self.conns = {n: socket.create_connection(("127.0.0.1", port)) for n in names}
        self.ids = {}
        for n, s in self.conns.items():
            s.sendall(encode("CLIENT", "ID"))
            self.ids[n] = int(self._read_line(s)[1:])
        self.out = {n: b"" for n in names}

    @staticmethod
    def _read_line(s):
        data = b""
        while not data.endswith(b"\r\n"):
            data += s.recv(1)
        return data[:-2]

    def _quiesce(self, quiet=0.15, limit=5.0):
        end = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() - last < quiet and time.monotonic() < end:
            got = False
            for n, s in self.conns.items():
                s.settimeout(0.01)
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    continue
                if chunk:
                    self.out[n] += chunk
                    got = True
            if got:
                last = time.monotonic()

    def run(self, steps):
        for name, cmd in steps:
            args = [a.format(**{k: str(v) for k, v in self.ids.items()}) for a in cmd.split(" ")]
            self.conns[name].sendall(encode(*args))
            self._quiesce()
        # Client ids differ between servers: name them where they appear (a's GETREDIR and
        # TRACKINGINFO, naming b).
        result = dict(self.out)
        for other in ("b", "d"):
            result["a"] = result["a"].replace(b":%d\r\n" % self.ids[other],
                                              b":<%s>\r\n" % other.encode())
        return result

    def close(self):
        for s in self.conns.values():
            s.close()


STEPS = [
    ("w", "FLUSHALL"),
    # RESP2 without REDIRECT: accepted, nothing is sent.
    ("a", "CLIENT TRACKING ON"), ("a", "CLIENT TRACKINGINFO"), ("a", "CLIENT GETREDIR"),
    ("a", "GET k"), ("a", "MGET k k2"), ("w", "SET k 1"), ("a", "CLIENT TRACKING OFF"),
    ("a", "CLIENT TRACKINGINFO"), ("a", "CLIENT GETREDIR"),
    # RESP2 through REDIRECT to a subscriber of __redis__:invalidate.
    ("b", "SUBSCRIBE __redis__:invalidate"),
    ("a", "CLIENT TRACKING ON REDIRECT {b}"), ("a", "GET k"), ("a", "GET k2"),
    ("a", "CLIENT GETREDIR"), ("a", "CLIENT TRACKINGINFO"),
    ("w", "SET k 2"), ("w", "DEL k2"), ("w", "SET k2 x"), ("w", "SET k 3"),
    ("a", "GET k"), ("a", "HGET h f"), ("w", "HSET h f v"), ("a", "GET k"), ("w", "EXPIRE k 100"),
    ("a", "GET k"), ("w", "FLUSHALL"),
    ("a", "CLIENT TRACKING ON REDIRECT 999999"), ("a", "CLIENT TRACKING OFF"),
    # RESP3 pushes, NOLOOP.
    ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON NOLOOP"), ("a", "GET k"), ("a", "SET k 5"),
    ("a", "GET k"), ("w", "SET k 6"), ("a", "GET k"), ("a", "CLIENT TRACKING OFF"),
    ("a", "CLIENT TRACKING ON"), ("a", "GET k"), ("a", "SET k 7"), ("a", "CLIENT TRACKING OFF"),
    # BCAST with prefixes.
    ("a", "CLIENT TRACKING ON BCAST PREFIX a PREFIX b"), ("a", "CLIENT TRACKINGINFO"),
    ("w", "SET abc 1"), ("w", "SET bcd 2"), ("w", "SET zzz 3"), ("w", "MSET a1 1 a2 2"),
    ("w", "DEL a1 zzz"), ("a", "CLIENT TRACKING OFF"), ("a", "CLIENT TRACKING ON BCAST"),
    ("a", "CLIENT TRACKINGINFO"), ("w", "SET anything 1"), ("a", "CLIENT TRACKING OFF"),
    # OPTIN / OPTOUT.
    ("a", "CLIENT TRACKING ON OPTIN"), ("a", "GET o1"), ("a", "CLIENT CACHING YES"),
    ("a", "GET o2"), ("a", "CLIENT TRACKINGINFO"), ("w", "SET o1 1"), ("w", "SET o2 2"),
    ("a", "CLIENT TRACKING OFF"), ("a", "CLIENT TRACKING ON OPTOUT"), ("a", "CLIENT CACHING NO"),
    ("a", "CLIENT TRACKINGINFO"), ("a", "GET o3"), ("a", "CLIENT TRACKINGINFO"), ("a", "GET o4"),
    ("w", "SET o3 1"), ("w", "SET o4 1"),
    # Errors.
    ("a", "CLIENT TRACKING ON OPTIN"), ("a", "CLIENT CACHING YES"), ("a", "CLIENT TRACKING OFF"),
    ("a", "CLIENT CACHING YES"), ("a", "CLIENT TRACKING ON OPTIN OPTOUT"),
    ("a", "CLIENT TRACKING ON PREFIX a"), ("a", "CLIENT TRACKING ON BCAST OPTIN"),
    ("a", "CLIENT TRACKING ON BCAST PREFIX a PREFIX ab"),
    ("a", "CLIENT TRACKING ON BCAST PREFIX ab"), ("a", "CLIENT TRACKING ON BCAST PREFIX a"),
    ("a", "CLIENT TRACKING ON"), ("a", "CLIENT TRACKING OFF"), ("a", "CLIENT TRACKING ON"),
    ("a", "CLIENT TRACKING ON BCAST"), ("a", "CLIENT TRACKING FOO"),
    ("a", "CLIENT TRACKING ON FOO"), ("a", "CLIENT TRACKING"), ("a", "CLIENT CACHING maybe"),
    ("a", "CLIENT TRACKING ON REDIRECT x"), ("a", "CLIENT TRACKING ON REDIRECT"),
    ("a", "CLIENT GETREDIR x"), ("a", "CLIENT TRACKINGINFO x"), ("a", "CLIENT TRACKING OFF"),
    # A RESP3 client whose REDIRECT target left is told, each time; TRACKINGINFO shows it.
    ("a", "CLIENT TRACKING OFF"), ("a", "CLIENT TRACKING ON REDIRECT {d}"), ("a", "GET r"),
    ("d", "QUIT"), ("w", "SET r 1"), ("a", "GET r"), ("w", "SET r 2"),
    ("a", "CLIENT TRACKINGINFO"), ("a", "CLIENT TRACKING OFF"),
    # A flush tells every tracking client; RESET turns tracking off.
    ("a", "CLIENT TRACKING ON"), ("a", "GET f"), ("c", "HELLO 3"),
    ("c", "CLIENT TRACKING ON BCAST PREFIX q"), ("w", "FLUSHALL"), ("a", "RESET"),
    ("a", "CLIENT TRACKINGINFO"),
]


def without_hello(raw):
    out = b""
    while True:
        start = raw.find(b"%7\r\n$6\r\nserver")
        if start < 0:
            return out + raw
        end = raw.find(b"*0\r\n", start) + 4
        out += raw[:start] + b"<hello>"
        raw = raw[end:]


def test_scripts_match_redis():
    started = start_reference_redis()
    if started is None:
        skip("redis-server is not installed")
    port, ref = started
    try:
        with Server(BINARY) as srv:
            results = []
            for p in (srv.port, port):
                script = Script(p, ["w", "a", "b", "c", "d"])
                try:
                    results.append(script.run(STEPS))
                finally:
                    script.close()
            ours, theirs = results
            for name in ("w", "a", "b", "c", "d"):
                expect_true(len(theirs[name]) > 0, "the reference answered")
                expect_eq(without_hello(ours[name]), without_hello(theirs[name]),
                          "connection %s, byte for byte" % name)
    finally:
        ref.terminate()
        ref.wait(10)


def test_active_expiry_and_table_bound():
    with Server(BINARY) as srv, srv.conn() as a, srv.conn() as w:
        a.call("HELLO", "3")
        expect_eq(a.call("CLIENT", "TRACKING", "ON"), "OK", "tracking on")
        w.ok("SET", "soon", "v", "PX", "100")
        expect_eq(a.call("GET", "soon"), b"v", "read while alive")
        # Nobody reads it again: the active expire cycle removes it and the reader is told.
        push = a.read_reply(timeout=10)
        expect_eq(push, RespPush([b"invalidate", [b"soon"]]), "invalidated on expiry")
        # The table is bounded: past tracking-table-max-keys, keys are forgotten and their
        # readers told (as if they changed).
        w.ok("CONFIG", "SET", "tracking-table-max-keys", "10")
        time.sleep(0.3)  # the bound reaches the store with the next stats sample (100 ms)
        for i in range(200):
            a.send_cmd("GET", "t%d" % i)
        got = []
        while len([r for r in got if not isinstance(r, RespPush)]) < 200:
            got.append(a.read_reply())
        # Pushes held behind a batch follow its replies: a later PING's reply comes after them.
        a.send_cmd("PING")
        while not got or got[-1] != "PONG":
            got.append(a.read_reply())
        evicted = [k for r in got if isinstance(r, RespPush) for k in r[1]]
        expect_true(len(evicted) >= 150, "readers of forgotten keys told (%d)" % len(evicted))
        info = parse_info(w.call("INFO", "stats").decode())
        expect_true(int(info["tracking_total_keys"]) <= 10,
                    "bounded: %s keys" % info["tracking_total_keys"])
        clients = parse_info(w.call("INFO", "clients").decode())
        expect_eq(clients["tracking_clients"], "1", "INFO tracking_clients")
        a_id = a.call("CLIENT", "ID")
        line = [ln for ln in w.call("CLIENT", "LIST").decode().splitlines()
                if ln.startswith("id=%d " % a_id)]
        expect_true(line and " flags=t " in line[0], "CLIENT LIST flags=t")
        a.close()
        wait_for(lambda: parse_info(w.call("INFO", "clients").decode())["tracking_clients"] == "0",
                 what="a closed tracking client leaves the count")


def test_cache_stays_coherent_under_writes():
    """A RESP3 client keeps a local cache of one key, dropping it on each invalidation, while
    another client increments the key 3,000 times; when the writer is done the cache (if it
    holds the key) equals the server's value: no invalidation was lost or delivered before the
    reply it invalidates."""
    with Server(BINARY) as srv, srv.conn() as a, srv.conn() as w:
        a.call("HELLO", "3")
        a.call("CLIENT", "TRACKING", "ON")
        w.ok("SET", "n", "0")
        done = threading.Event()

        def write():
            with srv.conn() as ww:
                for _ in range(3000):
                    ww.call("INCR", "n")
            done.set()

        t = threading.Thread(target=write)
        t.start()
        cache = {}
        reads = 0

        def absorb(reply):
            if isinstance(reply, RespPush):
                for k in reply[1] or []:
                    cache.pop(k, None)
                return True
            return False

        def sync():  # everything sent before PING's reply is read by then
            a.send_cmd("PING")
            while absorb(a.read_reply()):
                pass

        while not done.is_set():
            if b"n" not in cache:
                a.send_cmd("GET", "n")
                while True:
                    r = a.read_reply()
                    if not absorb(r):
                        cache[b"n"] = r
                        reads += 1
                        break
            sync()
        t.join()
        sync()
        expect_true(reads > 1, "the cache was refilled (%d reads)" % reads)
        expect_eq(w.call("GET", "n"), b"3000", "all increments")
        if b"n" in cache:
            expect_eq(cache[b"n"], b"3000", "the cached value is the server's")


if __name__ == "__main__":
    run_tests([test_scripts_match_redis, test_active_expiry_and_table_bound,
               test_cache_stays_coherent_under_writes])
