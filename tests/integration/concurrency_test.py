"""200 concurrent clients, each on its own keys, each checking its own replies; afterwards the
server's counters (DBSIZE, commands processed, connected clients) add up."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, Server, check, encode, expect_eq, expect_true, fail,  # noqa: E402
                     run_main, wait_for)

CLIENTS = 200
ROUNDS = 30
PIPELINED_PER_ROUND = 2  # besides SET, GET and INCR: a pipelined APPEND + STRLEN


def client_work(port, idx, connected, start, errors):
    try:
        with Conn(port, timeout=30) as c:
            c.call("PING")  # the server has accepted this one
            connected.wait(60)
            start.wait(60)  # every client is connected before any starts working
            key = "cli%d:val" % idx
            ctr = "cli%d:ctr" % idx
            for r in range(ROUNDS):
                v = "v%d-%d" % (idx, r)
                got = c.call("SET", key, v)
                if got != "OK":
                    fail("client %d round %d: SET -> %r" % (idx, r, got))
                got = c.call("GET", key)
                if got != v.encode():
                    fail("client %d round %d: GET -> %r, expected %r" % (idx, r, got, v))
                got = c.call("INCR", ctr)
                if got != r + 1:
                    fail("client %d round %d: INCR -> %r, expected %d" % (idx, r, got, r + 1))
                # A pipelined pair too: APPEND then STRLEN.
                log = "cli%d:log" % idx
                c.send(encode("APPEND", log, "x") + encode("STRLEN", log))
                got = c.read_replies(2)
                if got != [r + 1, r + 1]:
                    fail("client %d round %d: APPEND/STRLEN -> %r" % (idx, r, got))
            got = c.call("MGET", key, ctr, "cli%d:log" % idx)
            expected = [("v%d-%d" % (idx, ROUNDS - 1)).encode(), str(ROUNDS).encode(),
                        b"x" * ROUNDS]
            if got != expected:
                fail("client %d: final MGET -> %r, expected %r" % (idx, got, expected))
    except Exception as e:  # noqa: BLE001 -- collected for the main thread
        errors.append("client %d: %s: %s" % (idx, type(e).__name__, e))
        connected.abort()
        start.abort()


def run_clients(srv, state):
    connected = threading.Barrier(CLIENTS + 1)
    start = threading.Barrier(CLIENTS + 1)
    errors = []
    threads = [threading.Thread(target=client_work, args=(srv.port, i, connected, start, errors))
               for i in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        connected.wait(60)
        # Every client has had a PONG and none has started: all of them are connected now.
        state["peak_clients"] = int(srv.info("clients").get("connected_clients", "0"))
        start.wait(60)
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join(120)
        expect_true(not t.is_alive(), "client thread finished within 120 s")
    expect_eq(errors[:5], [], "client failures (first 5 of %d)" % len(errors))


def counters_add_up(srv, state):
    expect_eq(srv.call("DBSIZE"), 3 * CLIENTS, "DBSIZE (3 keys per client)")
    stats = srv.info("stats")
    processed = int(stats["total_commands_processed"])
    expected = CLIENTS * (ROUNDS * (3 + PIPELINED_PER_ROUND) + 1)
    expect_true(processed - state["base_processed"] >= expected,
                "total_commands_processed grew by >= %d (from %d to %d)"
                % (expected, state["base_processed"], processed))
    conns = int(stats["total_connections_received"])
    expect_true(conns - state["base_connections"] >= CLIENTS,
                "total_connections_received grew by >= %d (from %d to %d)"
                % (CLIENTS, state["base_connections"], conns))


def clients_back_to_one(srv, state):
    expect_true(state["peak_clients"] >= CLIENTS + 1,
                "connected_clients while all %d were connected (plus the INFO caller): %d"
                % (CLIENTS, state["peak_clients"]))

    def settled():
        return int(srv.info("clients")["connected_clients"]) == 1

    wait_for(settled, timeout=10, what="connected_clients back to 1 (only the INFO caller)")


def keys_are_right(srv):
    with srv.conn() as c:
        c.send(b"".join(encode("GET", "cli%d:ctr" % i) for i in range(CLIENTS)))
        got = c.read_replies(CLIENTS)
        expect_eq(got, [str(ROUNDS).encode()] * CLIENTS, "every client's counter")


def main(binary):
    with Server(binary, workers=4) as srv:
        stats = srv.info("stats")
        state = {"base_processed": int(stats["total_commands_processed"]),
                 "base_connections": int(stats["total_connections_received"])}
        check("%d concurrent clients x %d rounds of SET/GET/INCR/APPEND+STRLEN"
              % (CLIENTS, ROUNDS), run_clients, srv, state)
        check("DBSIZE and INFO stats add up", counters_add_up, srv, state)
        check("connected_clients back to 1 after they leave", clients_back_to_one, srv, state)
        check("every counter is exact", keys_are_right, srv)
        check("server still answers", lambda: expect_eq(srv.call("PING"), "PONG"))


if __name__ == "__main__":
    run_main(main)
