"""Bad input: each malformed request gets Redis's exact protocol error and only that
connection is closed; a witness client connected throughout keeps getting correct answers.
Also client mistakes that keep the connection, maxclients, abrupt disconnects and a 10 MiB
value."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (CheckFailed, RespError, Server, check, encode,  # noqa: E402
                     expect_eq, expect_error, expect_true, run_main, wait_for)

PROTO = "ERR Protocol error: "


class Witness:
    """A client connected for the whole test; after every bad client it must still work."""

    def __init__(self, srv):
        self.conn = srv.conn()
        self.n = 0

    def verify(self):
        self.n += 1
        expect_eq(self.conn.call("PING"), "PONG", "witness PING")
        key, value = "witness", "round-%d" % self.n
        expect_eq(self.conn.call("SET", key, value), "OK", "witness SET")
        expect_eq(self.conn.call("GET", key), value.encode(), "witness GET")
        expect_eq(self.conn.inline("INCR witness-ctr"), self.n, "witness inline INCR")


def protocol_error(srv, witness, payload, detail, before=()):
    """payload gets `replies before` then '-ERR Protocol error: detail' and a close."""
    with srv.conn() as c:
        c.send(payload)
        for i, want in enumerate(before):
            expect_eq(c.read_reply(), want, "reply #%d before the error" % i)
        expect_eq(c.read_reply(), RespError(PROTO + detail), "error reply")
        c.expect_closed()
    witness.verify()


def keeps_connection(srv, witness):
    with srv.conn() as c:
        expect_eq(c.call("NOSUCHCMD", "a", "b"),
                  RespError("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' "),
                  "unknown command")
        expect_eq(c.call("GET"), RespError("ERR wrong number of arguments for 'get' command"),
                  "GET without a key")
        expect_eq(c.call("SET", "k"), RespError("ERR wrong number of arguments for 'set' command"),
                  "SET with one argument")
        expect_eq(c.inline("get a b"), RespError("ERR wrong number of arguments for 'get' command"),
                  "inline GET with two keys")
        expect_error(c.call("SET", "k", "v", "BOGUS"), "ERR syntax error", "SET bad option")
        expect_error(c.call("SELECT", "16"), "ERR DB index is out of range", "SELECT 16")
        expect_error(c.call("HELLO", "4"), "NOPROTO", "HELLO 4")
        c.send(b"*0\r\n*-1\r\n")  # empty multibulks are skipped, like Redis
        expect_eq(c.call("PING"), "PONG", "connection still usable")
        expect_true(c.is_open(), "connection still open")
    witness.verify()


def partial_wait(srv, witness):
    # An incomplete request is not an error: the server waits for the rest.
    with srv.conn() as c:
        c.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nhel")
        expect_true(c.is_open(0.3), "connection open while the request is incomplete")
        expect_eq(len(c.buf), 0, "no reply to an incomplete request")
        c.send(b"lo\r\n")
        expect_eq(c.read_reply(), b"hello", "reply once complete")
    witness.verify()


def half_request_then_gone(srv, witness):
    with srv.conn() as c:
        c.send(b"*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc")
    witness.verify()
    expect_eq(srv.call("GET", "half"), None, "the half SET never ran")
    clients_gone(srv)


def reset_mid_pipeline(srv, witness):
    payload = b"".join(encode("SET", "rst:%d" % (i % 100), "v" * 100) for i in range(20000))
    for attempt in range(3):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            s.sendall(payload[:len(payload) // 2])
            s.recv(10)  # the server is working on it
        except OSError:
            pass
        s.close()  # RST with requests and replies in flight
    witness.verify()

    clients_gone(srv)


def clients_gone(srv):
    """Only the witness and the caller remain (every bad client was closed server-side)."""
    state = {}

    def settled():
        with srv.conn() as c:
            state["list"] = c.call("CLIENT", "LIST")
        return state["list"].count(b"\n") == 2  # witness + this caller

    try:
        wait_for(settled, timeout=5, what="connections closed server-side")
    except AssertionError:
        msg = "clients still connected besides the witness and the caller:\n%s" % (
            state["list"].decode("utf-8", "replace"))
        raise CheckFailed(msg) from None


def big_value(srv, witness):
    value = os.urandom(1024) * (10 * 1024)  # 10 MiB
    with srv.conn(timeout=30) as c:
        expect_eq(c.call("SET", "big", value), "OK", "SET 10 MiB")
        got = c.call("GET", "big")
        expect_true(got == value, "GET returns the 10 MiB value intact (got %d bytes)"
                    % len(got or b""))
        expect_eq(c.call("STRLEN", "big"), len(value), "STRLEN")
        expect_eq(c.call("APPEND", "big", "!"), len(value) + 1, "APPEND to it")
        expect_eq(c.call("DEL", "big"), 1, "DEL")
    witness.verify()


def bulk_header_split(srv, witness):
    # Valid requests split at awkward places still work (no false protocol errors).
    with srv.conn() as c:
        req = encode("SET", "split", "a\r\nb") + encode("GET", "split")
        for b in req:
            c.send(bytes([b]))
        expect_eq(c.read_replies(2), ["OK", b"a\r\nb"], "byte-at-a-time request")
    witness.verify()


def maxclients(binary):
    with Server(binary, workers=2, config={"maxclients": 5}) as srv:
        def only_probe():
            return srv.info("clients").get("connected_clients") == "1"

        wait_for(only_probe, timeout=10, what="start-up probe connection gone")
        conns = [srv.conn() for _ in range(5)]
        for i, c in enumerate(conns):
            expect_eq(c.call("PING"), "PONG", "client %d of 5" % (i + 1))
        with srv.conn() as sixth:
            expect_eq(sixth.read_reply(), RespError("ERR max number of clients reached"),
                      "6th connection")
            sixth.expect_closed()
        for i, c in enumerate(conns):
            expect_eq(c.call("SET", "mc%d" % i, i), "OK", "client %d still works" % (i + 1))
        conns.pop().close()

        def accepted():
            with srv.conn() as c:
                c.send(b"PING\r\n")
                return c.read_reply() == "PONG"

        wait_for(accepted, timeout=10, what="a new client accepted after one left")
        stats = srv.call("INFO", "stats").decode()
        expect_true("rejected_connections:" in stats, "INFO stats has rejected_connections")
        rejected = [l for l in stats.splitlines() if l.startswith("rejected_connections:")][0]
        expect_true(int(rejected.split(":")[1]) >= 1, "rejected_connections >= 1: %s" % rejected)
        for c in conns:
            expect_eq(c.call("PING"), "PONG", "the others still work")
            c.close()


def query_buffer_limit(binary):
    with Server(binary, workers=2, config={"client-query-buffer-limit": 1 << 20}) as srv:
        witness = Witness(srv)
        with srv.conn() as c:
            c.send(b"*2\r\n$4\r\nECHO\r\n$2000000\r\n")
            try:
                for _ in range(20):
                    c.send(b"z" * 65536)
            except OSError:
                pass  # the server may close while we are still sending
            expect_eq(c.read_reply(), RespError(PROTO + "client query buffer limit reached"),
                      "error reply")
            c.read_until_closed()
        witness.verify()


def main(binary):
    with Server(binary, workers=2) as srv:
        witness = Witness(srv)
        witness.verify()
        check("non-numeric multibulk count *x", protocol_error, srv, witness, b"*x\r\n",
              "invalid multibulk length")
        check("empty multibulk count *", protocol_error, srv, witness, b"*\r\n",
              "invalid multibulk length")
        check("negative bulk length $-5", protocol_error, srv, witness, b"*1\r\n$-5\r\n",
              "invalid bulk length")
        check("non-numeric bulk length $abc", protocol_error, srv, witness,
              b"*1\r\n$abc\r\n", "invalid bulk length")
        check("missing '$' (*1 then :5)", protocol_error, srv, witness, b"*1\r\n:5\r\n",
              "expected '$', got ':'")
        check("missing CRLF after bulk data", protocol_error, srv, witness,
              b"*1\r\n$3\r\nfooXX", "expected CRLF after bulk data")
        check("unbalanced quotes in an inline request", protocol_error, srv, witness,
              b'SET a "b\r\n', "unbalanced quotes in request")
        check("inline request over proto-inline-max-size (70,000 bytes, no newline)",
              protocol_error, srv, witness, b"x" * 70000, "too big inline request")
        check("valid inline and RESP commands before a bad frame get their replies first",
              protocol_error, srv, witness,
              b"PING\r\nSET before 1\r\n*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n*x\r\nPING\r\n",
              "invalid multibulk length", before=["PONG", "OK", b"z"])
        check("commands before a bad bulk in the same write get their replies first",
              protocol_error, srv, witness,
              encode("INCR", "before-ctr") + encode("GET", "before-ctr") + b"*1\r\n$-5\r\n",
              "invalid bulk length", before=[1, b"1"])
        check("unknown command, wrong arity, bad options keep the connection",
              keeps_connection, srv, witness)
        check("an incomplete request waits for the rest", partial_wait, srv, witness)
        check("a request split byte by byte", bulk_header_split, srv, witness)
        check("10 MiB value round-trips", big_value, srv, witness)
    with Server(binary, workers=2,
                config={"proto-max-multibulk-len": 16, "proto-max-bulk-len": 1024}) as srv:
        witness = Witness(srv)
        check("multibulk count over proto-max-multibulk-len (16)", protocol_error, srv, witness,
              b"*17\r\n", "invalid multibulk length")
        check("multibulk count at proto-max-multibulk-len is fine",
              lambda: expect_eq(srv.call("DEL", *(["k"] * 15)), 0, "DEL with 16 args"))
        check("bulk length over proto-max-bulk-len (1024, sent $2000)", protocol_error, srv,
              witness, b"*2\r\n$4\r\nECHO\r\n$2000\r\n", "invalid bulk length")
        check("bulk length at proto-max-bulk-len is fine",
              lambda: expect_eq(srv.call("ECHO", "e" * 1024), b"e" * 1024, "ECHO 1024 bytes"))
    check("client-query-buffer-limit (1 MiB) reached by one incomplete request",
          query_buffer_limit, binary)
    check("maxclients 5: the 6th is refused, the 5 work, a new one fits after one leaves",
          maxclients, binary)
    with Server(binary, workers=2) as srv:
        witness = Witness(srv)
        check("reset (SO_LINGER 0) mid-pipeline, 3 times", reset_mid_pipeline, srv, witness)
        check("half a request, then disconnect", half_request_then_gone, srv, witness)


if __name__ == "__main__":
    run_main(main)
