"""Pub/sub against the real binary: redis-py's PubSub, Redis 7.0's exact reply bytes in RESP2
and RESP3 (push frames), the RESP2 pub/sub mode's restrictions, publish order from one
publisher to several subscribers (one of them busy with its own requests, so messages wait
for its batches: the PUSH RULE), a SUBSCRIBE pipelined with a PING while messages flow, a slow
subscriber over the pubsub class's hard limit disconnected while the others keep receiving,
counts from PUBLISH / PUBSUB / INFO / CLIENT LIST, and a subscriber leaving nothing behind."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, binary_from_argv, check, expect_eq, expect_in, expect_true,  # noqa: E402
                     parse_info, run_tests, skip, wait_for, RespPush)

try:
    import redis
except ImportError:  # only Debian's /usr/bin/python3 has python3-redis
    redis = None

BINARY = binary_from_argv()
CONTEXT_ERR = (b"-ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
               b"QUIT / RESET are allowed in this context\r\n")


def read_exact(c, n, timeout=10.0):
    """Exactly n raw bytes from a harness Conn (what is already buffered first)."""
    deadline = time.monotonic() + timeout
    while len(c.buf) - c.pos < n:
        c.sock.settimeout(max(0.05, deadline - time.monotonic()))
        chunk = c.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("closed after %r" % bytes(c.buf[c.pos:]))
        c.buf += chunk
    out = bytes(c.buf[c.pos:c.pos + n])
    c.pos += n
    return out


def raw(c, data, expected, what):
    c.send(data)
    expect_eq(read_exact(c, len(expected)), expected, what)


def test_redis_py():
    if redis is None:
        skip("python3-redis not installed")
    with Server(BINARY) as srv:
        r = redis.Redis(port=srv.port)
        p = r.pubsub()
        p.subscribe("news")
        expect_eq(p.get_message(timeout=5),
                  {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1},
                  "subscribe confirmation")
        p.psubscribe("n*")
        expect_eq(p.get_message(timeout=5)["data"], 2, "psubscribe count")
        expect_eq(r.publish("news", "hello"), 2, "PUBLISH counts channel + pattern receivers")
        expect_eq(p.get_message(timeout=5),
                  {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"},
                  "message")
        expect_eq(p.get_message(timeout=5),
                  {"type": "pmessage", "pattern": b"n*", "channel": b"news", "data": b"hello"},
                  "pmessage")
        expect_eq(r.pubsub_numsub("news", "none"), [(b"news", 1), (b"none", 0)], "NUMSUB")
        expect_eq(r.pubsub_numpat(), 1, "NUMPAT")
        expect_eq(r.pubsub_channels(), [b"news"], "CHANNELS")
        expect_eq(r.pubsub_channels("x*"), [], "CHANNELS x*")
        p.unsubscribe("news")
        expect_eq(p.get_message(timeout=5)["type"], "unsubscribe", "unsubscribe")
        expect_eq(r.publish("news", "again"), 1, "only the pattern left")
        expect_eq(p.get_message(timeout=5)["type"], "pmessage", "pattern still receives")
        p.punsubscribe()
        expect_eq(p.get_message(timeout=5)["data"], 0, "punsubscribe count")
        expect_eq(r.publish("news", "nobody"), 0, "no receivers")
        p.close()
        r.close()


def test_resp2_bytes_and_restrictions():
    with Server(BINARY) as srv, srv.conn() as c:
        raw(c, b"UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\n",
            b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n",
            "unsubscribe with nothing subscribed")
        raw(c, b"SUBSCRIBE a b a\r\nGET x\r\nPING\r\nPING hi\r\n",
            b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
            b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n" + CONTEXT_ERR % b"get" +
            b"*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$2\r\nhi\r\n",
            "subscribe, GET refused, PING in pub/sub mode")
        raw(c, b"PSUBSCRIBE p*\r\nCONFIG GET x\r\nMULTI\r\nCLIENT ID\r\nFOO\r\nGET\r\n",
            b"*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n" + CONTEXT_ERR % b"config|get" +
            CONTEXT_ERR % b"multi" + CONTEXT_ERR % b"client|id" +
            b"-ERR unknown command 'FOO', with args beginning with: \r\n"
            b"-ERR wrong number of arguments for 'get' command\r\n",
            "subcommand fullname, MULTI, CLIENT refused; unknown and arity errors first")
        raw(c, b"UNSUBSCRIBE x a\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\nPING\r\nGET x\r\n",
            b"*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:3\r\n"
            b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n"
            b"*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:1\r\n"
            b"*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n+PONG\r\n$-1\r\n",
            "unsubscribing all leaves pub/sub mode")
        # Arity, PUBSUB's errors and HELP.
        raw(c, b"SUBSCRIBE\r\nPUBLISH a\r\nPUBSUB\r\nPUBSUB FOO\r\nPUBSUB NUMSUB\r\n"
               b"PUBSUB NUMPAT x\r\nPUBSUB CHANNELS x y\r\n",
            b"-ERR wrong number of arguments for 'subscribe' command\r\n"
            b"-ERR wrong number of arguments for 'publish' command\r\n"
            b"-ERR wrong number of arguments for 'pubsub' command\r\n"
            b"-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n*0\r\n"
            b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"
            b"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. "
            b"Try PUBSUB HELP.\r\n",
            "arity and PUBSUB errors")
        help_lines = c.call("PUBSUB", "HELP")
        expect_eq(len(help_lines), 14, "PUBSUB HELP lines")


def test_resp2_message_bytes():
    with Server(BINARY) as srv, srv.conn() as c, srv.conn() as pub:
        raw(c, b"SUBSCRIBE a\r\nPSUBSCRIBE p*\r\n",
            b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:2\r\n",
            "subscribed")
        expect_eq(pub.call("PUBLISH", "a", "m1"), 1, "PUBLISH a")
        expect_eq(pub.call("PUBLISH", "px", "m2"), 1, "PUBLISH px")
        want = (b"*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nm1\r\n"
                b"*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npx\r\n$2\r\nm2\r\n")
        expect_eq(read_exact(c, len(want)), want, "message and pmessage bytes")
        raw(c, b"RESET\r\nGET x\r\n", b"+RESET\r\n$-1\r\n", "RESET leaves pub/sub mode")
        expect_eq(pub.call("PUBSUB", "NUMSUB", "a"), [b"a", 0], "RESET unsubscribed")
        expect_eq(pub.call("PUBSUB", "NUMPAT"), 0, "RESET punsubscribed")


def test_resp3_push_frames():
    with Server(BINARY) as srv, srv.conn() as c, srv.conn() as pub:
        c.call("HELLO", "3")
        raw(c, b"SUBSCRIBE a\r\nGET x\r\nPING\r\nPSUBSCRIBE a*\r\n",
            b">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n_\r\n+PONG\r\n"
            b">3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:2\r\n",
            "RESP3: confirmations are pushes, any command runs")
        expect_eq(pub.call("PUBLISH", "a", "hi"), 2, "PUBLISH")
        want = (b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"
                b">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n")
        expect_eq(read_exact(c, len(want)), want, "push frames")
        # A subscriber publishing to itself gets the message before PUBLISH's reply.
        raw(c, b"PUBLISH a me\r\n",
            b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nme\r\n"
            b">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nme\r\n:2\r\n",
            "own message first")
        raw(c, b"UNSUBSCRIBE\r\nPUNSUBSCRIBE zz\r\nUNSUBSCRIBE\r\n",
            b">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n"
            b">3\r\n$12\r\npunsubscribe\r\n$2\r\nzz\r\n:1\r\n"
            b">3\r\n$11\r\nunsubscribe\r\n_\r\n:1\r\n", "RESP3 unsubscribe")


def test_publish_order_many_subscribers():
    """One publisher, pipelined; subscribers by channel (RESP2), by pattern, and a RESP3 one
    that keeps sending its own GETs meanwhile (messages wait for its batches)."""
    n = 3000
    with Server(BINARY, workers=4) as srv:
        subs = [srv.conn() for _ in range(3)]
        subs[0].call("SUBSCRIBE", "ch")
        subs[1].call("PSUBSCRIBE", "c*")
        subs[2].call("HELLO", "3")
        subs[2].call("SUBSCRIBE", "ch")
        subs[2].call("SET", "k", "v")
        stop = threading.Event()
        busy_replies = []

        def busy():  # pipelined GETs from the RESP3 subscriber while messages arrive
            while not stop.is_set():
                subs[2].send(b"GET k\r\n" * 20)
                time.sleep(0.001)
        with srv.conn() as pub:
            t = threading.Thread(target=busy)
            t.start()
            try:
                counts = []
                for chunk in range(0, n, 100):  # pipelined, in chunks, while GETs flow
                    pub.send(b"".join(pub.encode("PUBLISH", "ch", str(i))
                                      for i in range(chunk, chunk + 100)))
                    counts += pub.read_replies(100)
                    time.sleep(0.002)
            finally:
                stop.set()
                t.join()
        expect_eq(set(counts), {3}, "every PUBLISH reached three subscribers")
        for who, c in enumerate(subs):
            got = []
            while len(got) < n:
                m = c.read_reply()
                if who == 2 and not isinstance(m, RespPush):
                    expect_eq(m, b"v", "the busy subscriber's GET replies")
                    busy_replies.append(m)
                    continue
                got.append(m[-1])
            expect_eq(got, [str(i).encode() for i in range(n)], "subscriber %d order" % who)
        expect_true(busy_replies, "GETs were answered among the messages")
        for c in subs:
            c.close()


def test_subscribe_pipelined_with_ping_while_publishing():
    with Server(BINARY) as srv, srv.conn() as pub:
        stop = threading.Event()

        def publisher():
            while not stop.is_set():
                pub.call("PUBLISH", "hot", "x")
        t = threading.Thread(target=publisher)
        t.start()
        try:
            for _ in range(50):
                with srv.conn() as c:
                    c.send(b"SUBSCRIBE hot\r\nPING\r\n")
                    first = c.read_reply()
                    expect_eq(first, [b"subscribe", b"hot", 1], "confirmation comes first")
                    while True:  # messages may come between, never before the confirmation
                        m = c.read_reply()
                        if m == [b"pong", b""]:
                            break
                        expect_eq(m, [b"message", b"hot", b"x"], "a message")
        finally:
            stop.set()
            t.join()


def test_slow_subscriber_disconnected():
    config = {"client-output-buffer-pubsub-hard-limit": 1 << 20,
              "client-output-buffer-pubsub-soft-limit": 0}
    with Server(BINARY, config=config) as srv, srv.conn() as fast, srv.conn() as pub:
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", srv.port))
        slow.sendall(b"SUBSCRIBE big\r\n")
        fast.call("SUBSCRIBE", "big")
        wait_for(lambda: pub.call("PUBSUB", "NUMSUB", "big")[1] == 2, what="two subscribers")
        payload = "x" * 65536
        got = 0
        for i in range(100):  # 6.4 MiB: far past the slow one's 1 MiB
            expect_true(pub.call("PUBLISH", "big", payload) >= 1, "a receiver left")
            m = fast.read_reply()
            expect_eq(m[0], b"message", "fast subscriber keeps receiving")
            got += 1
        expect_eq(got, 100, "fast subscriber got everything")
        wait_for(lambda: pub.call("PUBSUB", "NUMSUB", "big")[1] == 1,
                 what="the slow subscriber gone")
        srv.wait_log("output buffer hard limit reached (pubsub class)")
        info = parse_info(pub.call("INFO", "stats").decode())
        expect_true(int(info["client_output_buffer_limit_disconnections"]) >= 1,
                    "disconnection counted")
        slow.close()


def test_counts_and_cleanup():
    with Server(BINARY) as srv, srv.conn() as obs:
        c = srv.conn()
        c.call("SUBSCRIBE", "a", "b")
        c.call("PSUBSCRIBE", "x*")
        line = obs.call("CLIENT", "LIST").decode()
        sub_line = [ln for ln in line.splitlines() if "sub=2" in ln]
        expect_eq(len(sub_line), 1, "CLIENT LIST sub=2")
        expect_in("flags=P ", sub_line[0], "flags=P")
        expect_in("psub=1 ", sub_line[0], "psub=1")
        info = parse_info(obs.call("INFO", "stats").decode())
        expect_eq((info["pubsub_channels"], info["pubsub_patterns"]), ("2", "1"), "INFO")
        expect_eq(sorted(obs.call("PUBSUB", "CHANNELS")), [b"a", b"b"], "CHANNELS")
        expect_eq(obs.call("PUBSUB", "CHANNELS", "a"), [b"a"], "CHANNELS a")
        c.close()
        wait_for(lambda: obs.call("PUBSUB", "NUMPAT") == 0, what="patterns cleaned")
        expect_eq(obs.call("PUBSUB", "NUMSUB", "a", "b"), [b"a", 0, b"b", 0], "channels cleaned")
        expect_eq(obs.call("PUBSUB", "CHANNELS"), [], "no channels")
        info = parse_info(obs.call("INFO", "stats").decode())
        expect_eq((info["pubsub_channels"], info["pubsub_patterns"]), ("0", "0"), "INFO after")
        expect_eq(obs.call("PUBLISH", "a", "x"), 0, "nobody receives")
        # PUBLISH inside MULTI: queued, and run by EXEC (on the reactor, client_control_test).
        obs.call("MULTI")
        check("PUBLISH in MULTI", lambda: expect_eq(obs.call("PUBLISH", "a", "x"), "QUEUED", "q"))
        expect_eq(obs.call("EXEC"), [0], "EXEC runs it")


def test_subscriber_exempt_from_idle_timeout():
    with Server(BINARY, config={"timeout": 1}) as srv, srv.conn() as sub, srv.conn() as idle:
        sub.call("SUBSCRIBE", "quiet")
        idle.call("PING")
        time.sleep(3.5)  # the cron closes idle clients once a second
        expect_true(idle.is_closed(), "the idle client was closed")
        with srv.conn() as pub:
            expect_eq(pub.call("PUBLISH", "quiet", "still"), 1, "the subscriber is still there")
        expect_eq(sub.read_reply(), [b"message", b"quiet", b"still"], "and receives")


if __name__ == "__main__":
    run_tests([test_redis_py, test_resp2_bytes_and_restrictions, test_resp2_message_bytes,
               test_resp3_push_frames, test_publish_order_many_subscribers,
               test_subscribe_pipelined_with_ping_while_publishing,
               test_slow_subscriber_disconnected, test_counts_and_cleanup,
               test_subscriber_exempt_from_idle_timeout])
