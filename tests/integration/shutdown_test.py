"""Graceful shutdown on SIGINT and SIGTERM: with pipelines in flight every client gets a
well-formed prefix of its replies, idle clients are closed, new connections are refused, the
server exits 0 within the grace period; a client that never reads cannot hold it past
shutdown-timeout."""
import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BadReply, Server, check, encode, expect_eq, expect_in,  # noqa: E402
                     expect_true, fail, parse_all, run_main, wait_for)

SLACK = 5.0  # seconds allowed beyond shutdown-timeout (shared, noisy machines)


def pipeline(prefix, n):
    """n interleaved SET/INCR commands and the replies they must get, in order."""
    parts, expected = [], []
    ctr = 0
    for i in range(n):
        if i % 2 == 0:
            parts.append(encode("SET", "%s:%d" % (prefix, i), "value-%d" % i))
            expected.append("OK")
        else:
            parts.append(encode("INCR", "%s:ctr" % prefix))
            ctr += 1
            expected.append(ctr)
    return b"".join(parts), expected


def check_prefix(name, data, expected, at_least=0):
    """data (everything read until the server closed) must be a sequence of complete,
    correct replies: a prefix of expected, with no partial reply at the end."""
    try:
        replies, leftover = parse_all(data)
    except BadReply as e:
        fail("%s: corrupt reply stream: %s" % (name, e))
    if leftover:
        fail("%s: partial reply at the end after %d complete replies: %r"
             % (name, len(replies), leftover[:80]))
    if len(replies) > len(expected):
        fail("%s: %d replies for %d requests" % (name, len(replies), len(expected)))
    for i, (got, want) in enumerate(zip(replies, expected)):
        if got != want:
            fail("%s: reply #%d: expected %r, got %r" % (name, i, want, got))
    if len(replies) < at_least:
        fail("%s: only %d replies, expected at least %d" % (name, len(replies), at_least))
    print("     %s: %d of %d replies delivered, all correct" % (name, len(replies), len(expected)))
    return len(replies)


def read_all_until_closed(conn, timeout):
    """Everything the server sends until it closes (EOF or reset); fails if still open."""
    return conn.read_until_closed(timeout)


def expect_refused(port):
    """A new connection must be refused (the listener is closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))
    except ConnectionRefusedError:
        return
    except OSError as e:
        fail("connect after the signal: expected ECONNREFUSED, got %r" % e)
    finally:
        s.close()
    fail("connect after the signal succeeded; expected it to be refused")


def signal_with_pipelines(binary, signo):
    grace = 5
    with Server(binary, workers=4, config={"shutdown-timeout": grace}, loglevel="verbose") as srv:
        idle = [srv.conn() for _ in range(3)]
        expect_eq(idle[0].call("SET", "idle", "1"), "OK", "an idle client's earlier command")
        big_payload, big_expected = pipeline("big", 50000)
        small = [pipeline("small%d" % j, 5000) for j in range(2)]
        big = srv.conn(timeout=30)
        smalls = [srv.conn(timeout=30) for _ in small]
        # Nobody reads before the signal: the big pipeline is fully written (sendall returned),
        # so the server has read much of it and has batches in flight.
        for conn, (payload, _) in zip(smalls, small):
            conn.send(payload)
        write_err = []

        def write_big():
            try:
                big.send(big_payload)
            except OSError as e:
                write_err.append(e)

        writer = threading.Thread(target=write_big)
        writer.start()
        writer.join(60)
        expect_true(not writer.is_alive() and not write_err,
                    "50,000-command pipeline written (error %r)" % write_err)
        # Make sure each pipelined client has had its first reply bytes (so the server has
        # dispatched some of its work) without consuming them.
        for conn in smalls + [big]:
            conn.sock.settimeout(10)
            expect_true(conn.sock.recv(1, socket.MSG_PEEK) != b"", "first reply bytes arrive")
        log_before = len(srv.log())
        t0 = time.monotonic()
        srv.signal(signo)
        name = signal.Signals(signo).name
        srv.wait_log("received %s" % name, timeout=10, start=log_before)
        expect_refused(srv.port)

        datas = {}

        def reader(key, conn):
            try:
                datas[key] = read_all_until_closed(conn, grace + SLACK)
            except Exception as e:  # noqa: BLE001 -- checked below
                datas[key] = e

        readers = [threading.Thread(target=reader, args=("big", big))]
        readers += [threading.Thread(target=reader, args=("small%d" % j, c))
                    for j, c in enumerate(smalls)]
        readers += [threading.Thread(target=reader, args=("idle%d" % j, c))
                    for j, c in enumerate(idle)]
        for r in readers:
            r.start()
        rc = srv.wait_exit(grace + SLACK)
        elapsed = time.monotonic() - t0
        for r in readers:
            r.join(grace + SLACK + 5)
        print("     exit %d after %.2fs" % (rc, elapsed))
        expect_eq(rc, 0, "exit status after %s" % name)
        for key, value in datas.items():
            if isinstance(value, Exception):
                fail("%s: %s" % (key, value))
        check_prefix("big pipeline", datas["big"], big_expected, at_least=1)
        for j, (_, expected) in enumerate(small):
            check_prefix("small pipeline %d" % j, datas["small%d" % j], expected, at_least=1)
        for j in range(len(idle)):
            expect_eq(datas["idle%d" % j], b"", "idle client %d: closed with nothing to read" % j)
        log = srv.log()[log_before:]
        expect_in("shutdown", log, "server log after %s" % name)
        for c in idle + smalls + [big]:
            c.close()


def never_reading_client(binary):
    grace = 1
    with Server(binary, workers=2, config={"shutdown-timeout": grace}) as srv:
        with srv.conn() as setup:
            expect_eq(setup.call("SET", "huge", b"x" * (1 << 20)), "OK", "SET a 1 MiB value")
        stuck = srv.conn()
        stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.send(encode("GET", "huge") * 32)  # 32 MiB of replies it never reads
        idle = srv.conn()
        expect_eq(idle.call("PING"), "PONG", "idle client works before the signal")

        def output_backlog():
            info = srv.info("clients")
            return int(info.get("connected_clients", "0")) >= 2 and srv.alive()

        wait_for(output_backlog, timeout=5, what="both clients connected")
        time.sleep(0.3)  # let the GETs run and the socket buffers fill
        log_before = len(srv.log())
        t0 = time.monotonic()
        srv.signal(signal.SIGTERM)
        srv.wait_log("received SIGTERM", timeout=10, start=log_before)
        alive = srv.alive()
        expect_refused(srv.port)
        print("     new connection refused (server %s at the time)"
              % ("still in its grace period" if alive else "already gone"))
        expect_eq(read_all_until_closed(idle, grace + SLACK), b"", "idle client closed")
        rc = srv.wait_exit(grace + SLACK)
        elapsed = time.monotonic() - t0
        print("     exit %d after %.2fs (shutdown-timeout %ds)" % (rc, elapsed, grace))
        expect_eq(rc, 0, "exit status")
        expect_in("shutdown", srv.log()[log_before:], "server log")
        # (The stuck client's socket may still be draining what the kernel had queued: with
        # its tiny receive window that takes a while, and it no longer involves the server.)
        stuck.close()
        idle.close()


def second_signal_skips_wait(binary):
    grace = 30
    with Server(binary, workers=2, config={"shutdown-timeout": grace}) as srv:
        with srv.conn() as setup:
            setup.call("SET", "huge", b"y" * (1 << 20))
        stuck = srv.conn()
        stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.send(encode("GET", "huge") * 16)
        time.sleep(0.3)
        log_before = len(srv.log())
        srv.signal(signal.SIGINT)
        srv.wait_log("received SIGINT", timeout=10, start=log_before)
        time.sleep(0.2)
        expect_true(srv.alive(), "server waits for the stuck client (grace %ds)" % grace)
        t0 = time.monotonic()
        srv.signal(signal.SIGINT)
        rc = srv.wait_exit(SLACK)
        print("     exit %d %.2fs after the second SIGINT" % (rc, time.monotonic() - t0))
        expect_eq(rc, 0, "exit status")
        stuck.close()


def quiet_server(binary, signo):
    with Server(binary, workers=2) as srv:
        expect_eq(srv.call("PING"), "PONG", "PING")
        srv.signal(signo)
        expect_eq(srv.wait_exit(5 + SLACK), 0, "exit status of an idle server")
        expect_in("shutdown", srv.log(), "server log")


def main(binary):
    for signo in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(signo).name
        check("%s with a 50,000-command pipeline and two 5,000-command pipelines in flight, "
              "3 idle clients" % name, signal_with_pipelines, binary, signo)
        check("%s on an idle server: exit 0" % name, quiet_server, binary, signo)
    check("shutdown-timeout 1 and a client that never reads 32 MiB of replies",
          never_reading_client, binary)
    check("a second signal ends the grace period at once", second_signal_skips_wait, binary)


if __name__ == "__main__":
    run_main(main)
