"""The fan-out workload of scripts/bench (--fanout): one PUBLISH to many subscribers.

For each server in turn (rounds alternate the servers, as the redis-benchmark matrix does):
  - SUBSCRIBERS connections (default 1,000) subscribe to one channel; a reader process holds
    them all and counts the bytes each receives (every message has the same size, so
    "received everything" is a byte count; nothing is parsed on the hot path);
  - pipelined: the publisher sends MESSAGES PUBLISHes in one stream and reads the replies;
    the time from the first byte sent to the moment the last subscriber has its last message
    gives deliveries per second (messages x subscribers / seconds) and messages per second;
  - one by one: MESSAGES / 4 PUBLISHes, each waiting for its reply (which comes once the server
    has queued the message for every subscriber): the p50 / p99 of that round trip;
  - every reply must be the subscriber count, and every subscriber must receive every
    message: anything else fails the run.
Timings are never asserted on; only the ratios mean anything on a shared machine.
"""

import multiprocessing
import resource
import selectors
import socket
import statistics
import time

CHANNEL = b"fanout"
PAYLOAD = b"m" * 16
PUBLISH = b"*3\r\n$7\r\nPUBLISH\r\n$6\r\nfanout\r\n$16\r\n" + PAYLOAD + b"\r\n"
# What each subscriber receives per message (RESP2).
MESSAGE = b"*3\r\n$7\r\nmessage\r\n$6\r\nfanout\r\n$16\r\n" + PAYLOAD + b"\r\n"
CONFIRM = b"*3\r\n$9\r\nsubscribe\r\n$6\r\nfanout\r\n:1\r\n"


class FanoutError(Exception):
    """The run is unusable (a lost message, a wrong reply, a server that went away)."""


def raise_fd_limit(needed):
    """Lifts the soft RLIMIT_NOFILE (inherited by the servers started after) to fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, needed))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < needed:
        raise FanoutError(f"the open-file limit ({hard}) is below the {needed} the fan-out "
                          "workload needs (ulimit -n)")


def _subscriber_process(host, port, count, expected_bytes, conn):
    """Child: opens `count` subscribers, reports ready, then counts bytes until each has
    `expected_bytes` (after its confirmation) or the parent says stop; sends back the time the
    last one completed (time.monotonic, one clock for both processes) or an error."""
    try:
        sel = selectors.DefaultSelector()
        socks = []
        for _ in range(count):
            s = socket.create_connection((host, port), timeout=30)
            s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$6\r\nfanout\r\n")
            socks.append(s)
        for s in socks:  # confirmations, one by one (small, quick)
            got = b""
            while len(got) < len(CONFIRM):
                chunk = s.recv(len(CONFIRM) - len(got))
                if not chunk:
                    raise FanoutError("a subscriber was closed before its confirmation")
                got += chunk
            if got != CONFIRM:
                raise FanoutError(f"unexpected SUBSCRIBE reply {got!r}")
            s.setblocking(False)
        conn.send(("ready", None))
        while True:
            target = conn.recv()  # bytes each subscriber must receive in this phase
            if target is None:
                break
            left = {}
            for s in socks:
                left[s] = target
                sel.register(s, selectors.EVENT_READ)
            last = time.monotonic()
            deadline = last + 120
            while left:
                for key, _ in sel.select(timeout=1.0):
                    s = key.fileobj
                    try:
                        data = s.recv(1 << 20)
                    except BlockingIOError:
                        continue
                    if not data:
                        raise FanoutError("a subscriber was disconnected")
                    left[s] -= len(data)
                    if left[s] <= 0:
                        if left[s] < 0:
                            raise FanoutError("a subscriber received more than was published")
                        del left[s]
                        sel.unregister(s)
                        last = time.monotonic()
                if time.monotonic() > deadline:
                    raise FanoutError(f"{len(left)} subscribers still waiting after 120 s")
            conn.send(("done", last))
        for s in socks:
            s.close()
    except Exception as err:  # reported to the parent, which fails the run
        conn.send(("error", f"{type(err).__name__}: {err}"))


def _read_replies(sock, count, expected):
    """Reads `count` integer replies, each `expected`."""
    want = (b":%d\r\n" % expected) * count
    got = bytearray()
    while len(got) < len(want):
        chunk = sock.recv(max(1 << 16, len(want) - len(got)))
        if not chunk:
            raise FanoutError("the publisher was disconnected")
        got += chunk
    if bytes(got) != want:
        raise FanoutError(f"unexpected PUBLISH replies (first: {bytes(got[:40])!r})")


def measure_once(host, port, subscribers, messages):
    """One measurement against one server: a dict of results."""
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=_subscriber_process,
                                   args=(host, port, subscribers, 0, child), daemon=True)
    proc.start()
    try:
        kind, value = parent.recv()
        if kind != "ready":
            raise FanoutError(f"subscribers: {value}")
        with socket.create_connection((host, port), timeout=60) as pub:
            pub.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # Pipelined: everything at once, the replies read as they come.
            parent.send(messages * len(MESSAGE))
            started = time.monotonic()
            stream = PUBLISH * messages
            pub.sendall(stream)
            _read_replies(pub, messages, subscribers)
            kind, value = parent.recv()
            if kind != "done":
                raise FanoutError(f"subscribers: {value}")
            elapsed = max(value - started, 1e-9)
            # One by one: the round trip of each PUBLISH.
            sequential = max(messages // 4, 1)
            parent.send(sequential * len(MESSAGE))
            latencies = []
            for _ in range(sequential):
                t0 = time.monotonic()
                pub.sendall(PUBLISH)
                _read_replies(pub, 1, subscribers)
                latencies.append(time.monotonic() - t0)
            kind, value = parent.recv()
            if kind != "done":
                raise FanoutError(f"subscribers: {value}")
        parent.send(None)
        latencies.sort()
        return {
            "deliveries_per_s": messages * subscribers / elapsed,
            "messages_per_s": messages / elapsed,
            "publish_p50_ms": 1000 * latencies[len(latencies) // 2],
            "publish_p99_ms": 1000 * latencies[min(len(latencies) - 1,
                                                   int(len(latencies) * 0.99))],
        }
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)


def run_fanout(servers, rounds, subscribers, messages, host, ensure_alive, log=print):
    """Every round, every server in turn; returns {server name: [result per round]}."""
    results = {s.name: [] for s in servers}
    for round_no in range(1, rounds + 1):
        for server in servers:
            result = measure_once(host, server.port, subscribers, messages)
            ensure_alive(server)
            results[server.name].append(result)
            log(f"[fanout] round {round_no} {server.name:<10} "
                f"{result['deliveries_per_s']:,.0f} deliveries/s, "
                f"publish p50 {result['publish_p50_ms']:.3f} ms "
                f"p99 {result['publish_p99_ms']:.3f} ms")
    return results


def summarize_fanout(results, mini, redis):
    """Rows of (metric, {server: median}, mini/redis ratio of the per-round values or None)."""
    rows = []
    for metric in ("deliveries_per_s", "messages_per_s", "publish_p50_ms", "publish_p99_ms"):
        medians = {name: statistics.median(r[metric] for r in rs) for name, rs in results.items()}
        ratio = None
        if mini in results and redis in results:
            ratios = [m[metric] / r[metric] for m, r in zip(results[mini], results[redis])
                      if r[metric] > 0]
            ratio = statistics.median(ratios) if ratios else None
        rows.append((metric, medians, ratio))
    return rows


def format_fanout_markdown(rows, names, subscribers, messages):
    lines = [f"{subscribers} subscribers on one channel; {messages} pipelined PUBLISHes of "
             f"{len(PAYLOAD)}-byte messages (deliveries/s = messages x subscribers / time until "
             f"the last subscriber has the last message), then {max(messages // 4, 1)} "
             "PUBLISHes one at a time (the round trip's p50 / p99). `mini/redis` is the median "
             "of the per-round ratios (for the latencies, below 1 is better).", "",
             "| metric | " + " | ".join(names) + " | mini/redis |",
             "|---|" + "---:|" * (len(names) + 1)]
    for metric, medians, ratio in rows:
        cells = [f"{medians[n]:,.3f}" if metric.endswith("_ms") else f"{medians[n]:,.0f}"
                 for n in names]
        lines.append(f"| {metric} | " + " | ".join(cells) + " | "
                     + ("n/a" if ratio is None else f"{ratio:.2f}") + " |")
    return "\n".join(lines)
