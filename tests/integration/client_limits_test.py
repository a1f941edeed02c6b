"""Per-client limits: output buffer limits on slow consumers, backpressure, idle timeout,
maxclients.

A client that pipelines thousands of GETs of a 512 KiB value and never reads must be cut off
(soft limit held too long, or hard limit), with a log line, while the server's memory stays
bounded and other clients keep getting answers. A client that reads slowly but does read must
get every reply. Idle clients go after `timeout`; maxclients refuses the extra ones with
Redis's error and counts them.
"""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Conn, RespError, Server, binary_from_argv,  # noqa: E402
                     parse_info, run_tests, wait_for)

BINARY = binary_from_argv()
BIG = 512 * 1024
RSS_BOUND = 300 * 1024 * 1024
MAX_CLIENTS_REPLY = b"-ERR max number of clients reached\r\n"


class RssSampler(threading.Thread):
    """Samples the server's VmRSS every 20 ms until stopped; keeps the peak."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.peak = max(self.peak, self.server.rss_bytes())
            except OSError:
                return
            self.done.wait(0.02)

    def stop(self):
        self.done.set()
        self.join(5)
        return self.peak


def slow_consumer_run(config, expect_reason):
    """Starts a server with `config`, lets a client pipeline GETs of a 512 KiB value without
    ever reading, and checks the disconnect, the memory bound and the other clients."""
    with Server(BINARY, config=config, workers=2) as srv:
        with srv.conn() as good:
            good.ok("SET", "big", "x" * BIG)
            good.ok("SET", "small", "fine")
            sampler = RssSampler(srv)
            sampler.start()
            victim = socket.create_connection(("127.0.0.1", srv.port))
            # Default socket buffers: a tiny SO_RCVBUF would leave the kernel trickling the
            # last bytes in zero-window probes long after the server closed the socket.
            victim.setblocking(False)
            request = Conn.encode("GET", "big") * 4000  # ~2 GB of replies
            sent = 0
            send_failed = False
            answers = 0
            deadline = time.monotonic() + 25
            try:
                while time.monotonic() < deadline:
                    if sent < len(request) and not send_failed:
                        try:
                            sent += victim.send(request[sent:sent + 65536])
                        except BlockingIOError:
                            pass
                        except OSError:  # reset: the server already dropped us
                            send_failed = True
                    # Another client is served all along.
                    assert good.call("GET", "small") == b"fine"
                    answers += 1
                    clients = parse_info(good.call("INFO", "clients"))
                    if clients["connected_clients"] == "1":
                        break
                    time.sleep(0.02)
                assert parse_info(good.call("INFO", "clients"))["connected_clients"] == "1", \
                    "slow consumer not disconnected within 25 s (sent %d bytes)" % sent
                # Its socket ends in EOF or reset once the kernel's buffered bytes are read.
                victim.setblocking(True)
                victim.settimeout(10)
                got, closed = 0, False
                read_deadline = time.monotonic() + 20
                while time.monotonic() < read_deadline:
                    try:
                        chunk = victim.recv(1 << 20)
                    except (ConnectionResetError, BrokenPipeError):
                        closed = True
                        break
                    except socket.timeout:
                        break
                    if not chunk:
                        closed = True
                        break
                    got += len(chunk)
                assert closed, "victim socket still open after the disconnect (read %d)" % got
                assert got < 64 * 1024 * 1024, "victim got %d bytes" % got
            finally:
                victim.close()
                peak = sampler.stop()
            print("  server RSS peak %d MB; victim sent %d bytes" % (peak >> 20, sent))
            problems = []
            # The disconnect is logged (at the default loglevel) with its reason.
            log = srv.log()
            lines = [ln for ln in log.splitlines() if "disconnected" in ln]
            if not any("output buffer" in ln and expect_reason in ln for ln in lines):
                problems.append("no 'disconnected ... output buffer %s' line in the log:\n%s"
                                % (expect_reason, log))
            if peak >= RSS_BOUND:
                problems.append("server RSS peaked at %d MB (bound %d MB)"
                                % (peak >> 20, RSS_BOUND >> 20))
            assert not problems, "\n".join(problems)
            assert answers > 0
            # Afterwards: still correct, and INFO is sane.
            assert good.call("GET", "small") == b"fine"
            assert len(good.call("GET", "big")) == BIG
            stats = parse_info(good.call("INFO", "stats"))
            assert int(stats["client_output_buffer_limit_disconnections"]) >= 1, stats
            clients = parse_info(good.call("INFO", "clients"))
            assert clients["connected_clients"] == "1", clients
            assert int(stats["total_commands_processed"]) > answers


def test_slow_consumer_soft_limit():
    slow_consumer_run({"client-output-buffer-soft-limit": 1048576,
                       "client-output-buffer-soft-seconds": 2}, "soft limit")


def test_slow_consumer_hard_limit():
    slow_consumer_run({"client-output-buffer-hard-limit": 4 * 1024 * 1024,
                       "client-output-buffer-soft-limit": 0}, "hard limit")


def test_backpressure_slow_reader_gets_everything():
    with Server(BINARY, config={}, workers=2) as srv:
        with srv.conn() as setup:
            value = bytes(range(256)) * 512  # 128 KiB, not one repeated byte
            setup.ok("SET", "v", value)
        # 200 x 128 KiB = 25 MB of replies: far past the 8 MiB mark where the server stops
        # reading the client's requests until it catches up.
        count = 200
        with srv.conn(timeout=20) as c:
            c.send_raw(Conn.encode("GET", "v") * count)
            for i in range(count):
                if i % 10 == 0:
                    time.sleep(0.02)  # slow, but reading
                reply = c.read_reply()
                assert reply == value, "reply %d wrong (%r...)" % (i, bytes(reply or b"")[:20])
            assert c.call("PING") == "PONG"

        # Large input too: 16 MB of SETs sent while the replies are read slowly.
        n, chunk = 2000, b"z" * 8192
        with srv.conn(timeout=20) as c:
            payload = b"".join(Conn.encode("SET", "in:%d" % i, chunk) for i in range(n))
            errors = []

            def send():
                try:
                    c.sock.sendall(payload)
                except OSError as e:
                    errors.append(e)

            sender = threading.Thread(target=send, daemon=True)
            sender.start()
            for i in range(n):
                if i % 100 == 0:
                    time.sleep(0.01)
                assert c.read_reply() == "OK", i
            sender.join(20)
            assert not sender.is_alive() and not errors, errors
            assert c.call("DBSIZE") == n + 1
            assert c.call("GET", "in:%d" % (n - 1)) == chunk


def test_idle_timeout():
    with Server(BINARY, config={"timeout": 1}) as srv:
        idle = srv.conn()
        busy = srv.conn()
        try:
            assert idle.call("PING") == "PONG"
            assert busy.call("PING") == "PONG"
            started = time.monotonic()
            closed_at = None
            while time.monotonic() - started < 4.0:
                assert busy.call("PING") == "PONG", "active client was closed"
                if closed_at is None and idle.is_closed(0.3):
                    closed_at = time.monotonic() - started
                elif closed_at is not None:
                    time.sleep(0.3)
            if closed_at is None:
                assert idle.is_closed(4), "idle client still open after ~8 s with timeout 1"
            assert busy.call("PING") == "PONG"
            stats = parse_info(busy.call("INFO", "clients"))
            assert stats["connected_clients"] == "1", stats
        finally:
            idle.close()
            busy.close()
    # timeout 0 (the default): idle clients stay.
    with Server(BINARY, config={}) as srv:
        with srv.conn() as c:
            assert c.call("PING") == "PONG"
            assert not c.is_closed(2.5), "idle client closed with timeout 0"
            assert c.call("PING") == "PONG"


def refused(port):
    """Connects and expects the maxclients refusal: the exact error, then EOF."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        data = b""
        while True:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        assert data == MAX_CLIENTS_REPLY, "got %r" % data


def rejected(c):
    return int(parse_info(c.call("INFO", "stats"))["rejected_connections"])


def test_maxclients_from_config():
    with Server(BINARY, config={"maxclients": 3}) as srv:
        conns = [srv.conn() for _ in range(3)]
        try:
            for c in conns:
                assert c.call("PING") == "PONG"
            assert rejected(conns[0]) == 0
            refused(srv.port)
            refused(srv.port)
            assert rejected(conns[0]) == 2
            for c in conns:  # the admitted ones are unaffected
                assert c.call("PING") == "PONG"
            conns.pop().close()

            def admitted():
                c = Conn(srv.port)
                reply = c.call("PING")
                if reply == "PONG":
                    return c
                c.close()
                return None
            conns.append(wait_for(admitted, 10, what="a free slot after a client left"))
            try:
                import redis
            except ImportError:
                return
            r = redis.Redis(port=srv.port, socket_timeout=5)
            try:
                r.ping()
            except redis.exceptions.ConnectionError:
                pass  # its text depends on when redis-py notices the early reply
            else:
                raise AssertionError("python3-redis connected past maxclients")
            finally:
                r.close()
        finally:
            for c in conns:
                c.close()


def test_maxclients_config_set():
    with Server(BINARY, config={}) as srv:
        with srv.conn() as admin, srv.conn() as second, srv.conn() as third:
            assert admin.call("CONFIG", "SET", "maxclients", "2") == "OK"
            # Lowering it keeps everyone already connected...
            assert second.call("PING") == "PONG" and third.call("PING") == "PONG"
            # ...and refuses newcomers.
            refused(srv.port)
            assert rejected(admin) == 1
            assert admin.call("CONFIG", "SET", "maxclients", "4") == "OK"
            with srv.conn() as fourth:
                assert fourth.call("PING") == "PONG"
                refused(srv.port)
                assert rejected(admin) == 2
            reply = admin.call("CONFIG", "SET", "maxclients", "0")
            assert isinstance(reply, RespError), reply
            assert admin.call("CONFIG", "GET", "maxclients") == [b"maxclients", b"4"]


if __name__ == "__main__":
    run_tests([
        test_slow_consumer_soft_limit,
        test_slow_consumer_hard_limit,
        test_backpressure_slow_reader_gets_everything,
        test_idle_timeout,
        test_maxclients_from_config,
        test_maxclients_config_set,
    ])
