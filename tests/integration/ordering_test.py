"""Per-connection ordering with 8 workers: 10,000 pipelined, interleaved commands on a few
keys, written in large chunks or in many tiny writes, and every reply checked in order
against a model of the store computed here."""
import os
import random
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (RespError, Server, check, encode, expect_eq, expect_true, fail,  # noqa: E402
                     run_main)

N = 10000
INT_RE = re.compile(rb"-?(0|[1-9][0-9]*)")
NOT_INT = RespError("ERR value is not an integer or out of range")


def as_int(value):
    if value is None:
        return 0
    if INT_RE.fullmatch(value) and -2 ** 63 <= int(value) < 2 ** 63:
        return int(value)
    return None


class Model:
    """The store as the server should see it after each command, and the reply it owes."""

    def __init__(self):
        self.kv = {}

    def incrby(self, key, delta):
        n = as_int(self.kv.get(key))
        if n is None:
            return NOT_INT
        self.kv[key] = str(n + delta).encode()
        return n + delta


def make_workload(prefix, n, rng):
    """Returns (request bytes, expected replies) for n commands on prefix's few keys."""
    model = Model()
    kv = model.kv
    parts, expected = [], []
    for i in range(n):
        k = ("%s:k%d" % (prefix, i % 5)).encode()
        c = ("%s:c%d" % (prefix, i % 3)).encode()
        op = rng.randrange(14)
        if op in (0, 1):
            v = b"val-%d" % i
            parts.append(encode(b"SET", k, v))
            kv[k] = v
            expected.append("OK")
        elif op in (2, 3):
            parts.append(encode(b"INCR", c))
            expected.append(model.incrby(c, 1))
        elif op in (4, 5):
            parts.append(encode(b"GET", k))
            expected.append(kv.get(k))
        elif op == 6:
            d = rng.randrange(-1000, 1000)
            parts.append(encode(b"INCRBY", c, d))
            expected.append(model.incrby(c, d))
        elif op == 7:
            parts.append(encode(b"APPEND", k, b"+%d" % i))
            kv[k] = kv.get(k, b"") + b"+%d" % i
            expected.append(len(kv[k]))
        elif op == 8:
            parts.append(encode(b"DEL", k))
            expected.append(1 if kv.pop(k, None) is not None else 0)
        elif op == 9:
            keys = [("%s:k%d" % (prefix, j)).encode() for j in range(5)]
            parts.append(encode(b"MGET", *keys))
            expected.append([kv.get(x) for x in keys])
        elif op == 10:
            v = b"gs-%d" % i
            parts.append(encode(b"GETSET", k, v))
            expected.append(kv.get(k))
            kv[k] = v
        elif op == 11:
            parts.append(encode(b"INCR", k))  # often an error: k holds words
            expected.append(model.incrby(k, 1))
        elif op == 12:
            parts.append(b"ECHO %s-%d\r\n" % (prefix.encode(), i))  # inline among RESP
            expected.append(b"%s-%d" % (prefix.encode(), i))
        else:
            parts.append(encode(b"EXISTS", k, c))
            expected.append((k in kv) + (c in kv))
    return b"".join(parts), expected, model


def send_large(sock, payload, pieces=4):
    step = len(payload) // pieces + 1
    for off in range(0, len(payload), step):
        sock.sendall(payload[off:off + step])


def send_tiny(sock, payload, rng):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    off, writes = 0, 0
    while off < len(payload):
        size = rng.randint(1, 64)
        sock.sendall(payload[off:off + size])
        off += size
        writes += 1
        if writes % 1000 == 0:
            time.sleep(0.001)  # let the server see some of them as separate reads
    return writes


def run_connection(srv, prefix, seed, tiny, results):
    """One connection's full run; puts None (success) or a failure text into results."""
    try:
        rng = random.Random(seed)
        payload, expected, model = make_workload(prefix, N, rng)
        with srv.conn(timeout=30) as c:
            err = []

            def writer():
                try:
                    if tiny:
                        send_tiny(c.sock, payload, rng)
                    else:
                        send_large(c.sock, payload)
                except OSError as e:
                    err.append(e)

            t = threading.Thread(target=writer)
            t.start()  # replies are read while the writer is still writing
            got = []
            for i in range(N):
                reply = c.read_reply()
                if reply != expected[i]:
                    fail("%s (seed %d): reply #%d: expected %r, got %r; previous replies ok"
                         % (prefix, seed, i, expected[i], reply))
                got.append(reply)
            t.join(60)
            if t.is_alive() or err:
                fail("%s: writer did not finish cleanly: %r" % (prefix, err))
            expect_true(c.is_open(0.05), "connection still open after the run")
            expect_eq(len(c.buf) - c.pos, 0, "no extra bytes after reply #%d" % N)
            # The store agrees with the model at the end.
            keys = sorted(model.kv)
            expect_eq(c.call("MGET", *keys), [model.kv[k] for k in keys], "final values")
        results[prefix] = None
    except Exception as e:  # noqa: BLE001 -- handed to the main thread
        results[prefix] = "%s: %s" % (type(e).__name__, e)


def one(srv, prefix, seed, tiny):
    results = {}
    run_connection(srv, prefix, seed, tiny, results)
    if results[prefix]:
        fail(results[prefix])


def several(srv, tag, count, seed, tiny_mask):
    results = {}
    threads = []
    for j in range(count):
        prefix = "%s%d" % (tag, j)
        th = threading.Thread(target=run_connection,
                              args=(srv, prefix, seed + j, bool(tiny_mask & (1 << j)), results))
        threads.append(th)
        th.start()
    for th in threads:
        th.join(120)
        expect_true(not th.is_alive(), "connection thread finished within 120 s")
    failures = {p: r for p, r in results.items() if r}
    expect_eq(failures, {}, "per-connection failures")
    expect_eq(len(results), count, "connections that reported")


def half_closed(srv):
    """A client that pipelines 3,000 GETs of a 12,000-byte value (three batches, about 36 MB
    of replies, far past the output pause), shuts down its sending side and only then reads:
    every reply comes, in order, before the server closes (nc -N / -q0 with a command file)."""
    value = b"x" * 12000
    with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as sock:
        sock.sendall(encode("SET", "big", value))
        expect_eq(sock.recv(100), b"+OK\r\n", "SET big")
        n = 3000
        sock.sendall(b"GET big\r\n" * n)
        sock.shutdown(socket.SHUT_WR)
        time.sleep(1.0)  # the server reads the EOF and fills its output before we read
        got = bytearray()
        while True:
            data = sock.recv(1 << 20)
            if not data:
                break
            got += data
    one = b"$12000\r\n" + value + b"\r\n"
    expect_eq(len(got) // len(one), n, "replies received before the close")
    expect_true(bytes(got) == one * n, "every reply whole and in order")


def main(binary):
    seed = int(os.environ.get("ORDERING_SEED", time.time_ns() % 1000000))
    print("seed %d (set ORDERING_SEED to repeat)" % seed)
    with Server(binary, workers=8) as srv:
        check("10,000 pipelined commands in 4 large writes, every reply in order",
              one, srv, "big", seed, False)
        check("10,000 pipelined commands in many tiny writes of random sizes",
              one, srv, "tiny", seed + 100, True)
        check("3 connections at once on disjoint keys (large writes)",
              several, srv, "large", 3, seed + 200, 0)
        check("3 connections at once on disjoint keys (mixed tiny and large writes)",
              several, srv, "mixed", 3, seed + 300, 0b101)
        check("server still answers", lambda: expect_eq(srv.call("PING"), "PONG"))
    with Server(binary, workers=2) as srv:
        check("a half-closed pipelining client gets every reply before the close",
              half_closed, srv)


if __name__ == "__main__":
    run_main(main)
