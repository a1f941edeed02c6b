"""Differential test: the same random command sequences go to mini-redis and to Debian's
redis-server 7.0.15, and every reply must be the same bytes.

    /usr/bin/python3 tests/integration/differential_test.py <mini-redis-server>
        [--seed N] [--seconds S] [--families a,b,c] [--keep-going] [--against-redis]

Each seed drives its own random run (diff_generators.py makes the commands) over three
connections per server, interleaved, so per-connection state (SELECT, MULTI/EXEC/WATCH,
HELLO 3) is exercised; the third connection switches to RESP3 and back now and then. Replies
are read raw (resp_raw.py) and compared byte for byte, except for the few commands in ALLOW,
whose replies are truly nondeterministic and are compared after normalising.

Seeds: FIXED_SEED always, plus one random seed per run (both printed); `--seed N` runs just N.
The time (`--seconds`, else $DIFF_SECONDS, else 60) is split evenly between them. On a
mismatch it prints the seed, the step, the last commands sent and both replies, and exits 1;
with --keep-going it flushes both servers, reconnects, goes on, and ends with a summary
grouped by command. Exit 0 when every reply matched, 77 (skip) without /usr/bin/redis-server.

--against-redis compares two redis-servers instead: it must always pass, which checks the
reader, the allow-list and that the generator has no races between the two servers.
"""
import argparse
import collections
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diff_generators as gen  # noqa: E402
import harness  # noqa: E402
from resp_raw import BadReply, NoReply, RawConn, encode  # noqa: E402

REDIS = "/usr/bin/redis-server"
FIXED_SEED = 20240601
DEFAULT_SECONDS = 60.0
CONNS = 3  # connections per server
RESP3_CONN = 2  # the connection that switches between HELLO 3 and HELLO 2
EPOCH_STEPS = 3000  # FLUSHALL this often, so APPEND/SETRANGE growth stays small (LCS)
HISTORY = 20  # commands shown before a mismatch


# ---------------------------------------------------------------------------------------------
# The allow-list: the only replies not compared byte for byte. Each comparator gets the
# command's arguments and the two parsed replies (resp_raw.Node) and says if they agree.


def _same_kind(_args, a, b):
    """Same type, and errors and nulls exactly equal: the value itself is not compared."""
    if a.kind != b.kind or a.is_null() != b.is_null():
        return False
    return a.raw == b.raw if a.is_error() else True


def _close_int(tolerance):
    """Integers that are equal, or both non-negative and at most `tolerance` apart."""
    def compare(_args, a, b):
        x, y = a.as_int(), b.as_int()
        if x is None or y is None:
            return a.raw == b.raw
        return x == y or (x >= 0 and y >= 0 and abs(x - y) <= tolerance)
    return compare


def _sorted_items(_args, a, b):
    if a.kind != "*" or b.kind != "*" or a.is_null() or b.is_null():
        return a.raw == b.raw
    return sorted(n.raw for n in a.value) == sorted(n.raw for n in b.value)


def _scan(_args, a, b):
    if a.kind != "*" or b.kind != "*" or len(a.value or []) != 2 or len(b.value or []) != 2:
        return a.raw == b.raw
    if a.value[0].value == b.value[0].value == b"0":  # both complete: same keys, any order
        return _sorted_items(None, a.value[1], b.value[1])
    return a.value[1].kind == b.value[1].kind == "*"


def _sorted_members(_args, a, b):
    """Members in table order (a RESP3 set or an array): compared sorted."""
    if a.kind != b.kind or a.kind not in "*~" or a.is_null() or b.is_null():
        return a.raw == b.raw
    return sorted(n.raw for n in a.value) == sorted(n.raw for n in b.value)


def _random_members(args, a, b):
    """SPOP and SRANDMEMBER: one random member is compared by type; with a count, the same
    number of members, distinct for a positive count, and all the same when the count passed
    the cardinality (everything came back)."""
    if a.kind != b.kind or a.is_error() or b.is_error() or a.is_null() != b.is_null():
        return a.raw == b.raw
    if a.kind not in "*~":
        return True
    if len(a.value) != len(b.value):
        return False
    count = int(args[2])
    if count > 0 and len(a.value) < count:
        return _sorted_members(args, a, b)
    if count > 0:
        return all(len(set(n.raw for n in r.value)) == len(r.value) for r in (a, b))
    return True


def _sscan(args, a, b):
    """SSCAN: a pass that started at cursor 0 and ended in one call is compared sorted; one that
    started elsewhere in a hash table returns what that table's buckets hold: shape only."""
    if args[2] in (b"0", b"+0", b"-0", b"", b"00"):
        return _scan(args, a, b)
    if a.is_error() or b.is_error():
        return a.raw == b.raw
    return _scan(args, a, b) or (a.kind == b.kind == "*" and len(a.value) == len(b.value) == 2)


def _hello(_args, a, b):
    """HELLO's map, with the values of `id` and `version` left out."""
    def strip(n):
        if n.kind not in "*%" or n.is_null():
            return n.raw
        items = [x.raw for x in n.value]
        for i in range(0, len(items) - 1, 2):
            if n.value[i].value in (b"id", b"version"):
                items[i + 1] = b"?"
        return (n.kind, len(items), items)
    return strip(a) == strip(b)


def _shape(n):
    """A reply's types and lengths, values left out (errors kept whole)."""
    if n.is_error():
        return n.raw
    if n.kind in "*~%>" and n.value is not None:
        return (n.kind, tuple(_shape(x) for x in n.value))
    return (n.kind, n.is_null())


def _same_shape(_args, a, b):
    return _shape(a) == _shape(b)


def _zscan(_args, a, b):
    """A complete ZSCAN pass (cursor 0 on both): the same member/score pairs in any order."""
    if a.kind != "*" or b.kind != "*" or len(a.value or []) != 2 or len(b.value or []) != 2:
        return a.raw == b.raw
    if a.value[0].value == b.value[0].value == b"0":
        def pairs(n):
            items = [x.raw for x in n.value[1].value]
            return sorted(zip(items[::2], items[1::2]))
        return pairs(a) == pairs(b)
    return a.value[1].kind == b.value[1].kind == "*"


ALLOW = {
    # A random key: only "nil or a key" is comparable.
    "RANDOMKEY": _same_kind,
    # SCAN's cursor depends on the hash table's layout, so does the order of a full pass.
    "SCAN": _scan,
    # KEYS returns the keys in table order, which differs: compared sorted.
    "KEYS": _sorted_items,
    # The two servers receive a command at slightly different moments (milliseconds apart,
    # more on a loaded machine), and the seconds are rounded: a small tolerance.
    "TTL": _close_int(2),
    "PTTL": _close_int(2000),
    "EXPIRETIME": _close_int(2),
    "PEXPIRETIME": _close_int(2000),
    # Idle time and LFU counter depend on the clock and on a random (logarithmic) counter.
    "OBJECT IDLETIME": _same_kind,
    "OBJECT FREQ": _same_kind,
    # Random members: only the reply's shape (how many, of which types) is comparable.
    "ZRANDMEMBER": _same_shape,
    # A complete pass in the dict's order: compared as sorted member/score pairs.
    "ZSCAN": _zscan,
    # Bytes used depend on each server's representation of the value.
    "MEMORY USAGE": _same_kind,
    # The client id counts every connection the server has seen (readiness probes
    # included), and the version is each server's own.
    "HELLO": _hello,
    # Sets: members come in hash table order, random ones at random (diff_gen_sets.py keeps
    # the two servers' sets equal all the same).
    "SMEMBERS": _sorted_members,
    "SINTER": _sorted_members,
    "SUNION": _sorted_members,
    "SDIFF": _sorted_members,
    "SPOP": _random_members,
    "SRANDMEMBER": _random_members,
    "SSCAN": _sscan,
    # INFO and DEBUG describe the server itself; diff_generators never sends them.
    # Hashes: a hashtable's order and random picks (see diff_gen_hashes.COMPARE).
    **gen.diff_gen_hashes.COMPARE,
}


def command_name(args):
    name = args[0].decode("latin-1").upper() if args else ""
    if name in ("OBJECT", "MEMORY") and len(args) > 1:
        name += " " + args[1].decode("latin-1").upper()
    return name


def replies_agree(args, ref, sut, queued):
    """True when the replies match: byte for byte, or by ALLOW's rule for the command; EXEC's
    array element by element, each by the rule of the command queued in its place."""
    if ref.raw == sut.raw:
        return True
    name = command_name(args)
    if name == "EXEC" and ref.kind == sut.kind == "*" and ref.value is not None and \
            sut.value is not None and len(ref.value) == len(sut.value) == len(queued):
        return all(replies_agree(q, x, y, []) for q, x, y in zip(queued, ref.value, sut.value))
    rule = ALLOW.get(name)
    return rule is not None and rule(args, ref, sut)


# ---------------------------------------------------------------------------------------------
# Servers


def is_process_on_port(port, pid):
    """True when the server answering on port is process pid. Other tests on this machine
    start servers on free ports too: if ours lost the race for the port, PING alone would
    find theirs, and the FLUSHALL that starts each seed would empty it."""
    try:
        with harness.Conn(port, timeout=2.0) as c:
            info = c.call("INFO", "server")
    except (OSError, harness.CheckFailed, ConnectionError):
        return False
    return isinstance(info, bytes) and harness.parse_info(info).get("process_id") == str(pid)


def start_redis():
    """Debian's redis-server on a free port, in a temp dir, killed by the harness at exit.
    Returns (port, log path)."""
    d = harness.temp_dir("diff-redis-")
    log_path = os.path.join(d, "redis.log")
    for _ in range(3):  # the free port may be taken before redis binds it
        port = harness.free_port()
        with open(log_path, "ab") as log:
            proc = harness.spawn([REDIS, "--save", "", "--appendonly", "no", "--port", str(port),
                                  "--bind", "127.0.0.1", "--dir", d], cwd=d,
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + harness.START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if is_process_on_port(port, proc.pid):
                return port, log_path
            time.sleep(0.05)
        harness._kill(proc)
    sys.exit("redis-server did not start; log:\n" + open(log_path).read()[-2000:])


# ---------------------------------------------------------------------------------------------
# One seed


class ConnState:
    """What the driver knows of one connection pair, from the reference server's replies."""

    def __init__(self):
        self.in_multi = False
        self.queued = []  # commands answered +QUEUED since MULTI, for comparing EXEC
        self.multi_len = 0  # after this many queued commands, steer towards EXEC
        self.resp3 = False


def show(args):
    """A command for people: plain arguments as they are, others as Python bytes literals."""
    return " ".join(a.decode() if a and all(33 <= ch < 127 and ch not in b"'\\" for ch in a)
                    else repr(a)[1:] for a in args)


def short(raw, limit=600):
    r = repr(raw)
    return r if len(r) <= limit else r[:limit] + "...(%d bytes)" % len(raw)


class Mismatch(Exception):
    pass


class Run:
    """Drives one seed against two servers: `ref` (Debian's redis-server) and `sut`."""

    def __init__(self, seed, families, ref_port, sut_port, commands=None):
        self.seed = seed
        self.families = families
        self.commands = commands  # if set, only these command names are sent
        self.rng = random.Random(seed)
        self.ctx = gen.Ctx(self.rng, int(time.time() * 1000))
        self.ports = (ref_port, sut_port)
        self.history = collections.deque(maxlen=HISTORY)
        self.step = 0
        self.conns = []
        self.reconnect()

    def reconnect(self):
        """Fresh connections (all per-connection state gone) and empty servers."""
        for pair in self.conns:
            for c in pair:
                c.close()
        self.conns = [(RawConn(self.ports[0]), RawConn(self.ports[1])) for _ in range(CONNS)]
        self.state = [ConnState() for _ in range(CONNS)]
        self.send(0, [b"FLUSHALL"])

    def next_command(self, i):
        st = self.state[i]
        if i == RESP3_CONN and not st.in_multi and self.rng.random() < 0.003:
            return [b"HELLO", b"2" if st.resp3 else b"3"]
        self.ctx.in_multi = st.in_multi
        if st.in_multi and len(st.queued) >= st.multi_len:
            return gen.generate(self.ctx, "transactions")
        return gen.generate(self.ctx, gen.pick_family(self.ctx, self.families))

    def send(self, i, args):
        """Sends args on connection pair i; raises Mismatch unless the replies agree."""
        self.step += 1
        self.history.append((self.step, i, args))
        ref_conn, sut_conn = self.conns[i]
        data = encode(args)
        ref_conn.send(data)
        try:
            sut_conn.send(data)
        except OSError as e:
            raise Mismatch("send to the server under test failed: %s" % e) from None
        ref = ref_conn.read()
        try:
            sut = sut_conn.read()
        except (NoReply, BadReply) as e:
            raise Mismatch("reference %s\n  tested    %s" % (short(ref.raw), e)) from None
        st = self.state[i]
        if not replies_agree(args, ref, sut, st.queued):
            raise Mismatch("reference %s\n  tested    %s" % (short(ref.raw), short(sut.raw)))
        self.track(st, args, ref)

    def track(self, st, args, ref):
        name = command_name(args)
        if st.in_multi:
            # EXEC ends the transaction unless it was refused: an array, a RESP2 nil array, a
            # RESP3 null (a WATCH failed on the RESP3 connection), or EXECABORT.
            if name == "EXEC" and (not ref.is_error() or ref.raw.startswith(b"-EXECABORT")):
                st.in_multi, st.queued = False, []
            elif name == "DISCARD" and ref.raw == b"+OK\r\n":
                st.in_multi, st.queued = False, []
            elif ref.raw == b"+QUEUED\r\n":
                st.queued.append(args)
        elif name == "MULTI" and ref.raw == b"+OK\r\n":
            st.in_multi, st.queued, st.multi_len = True, [], self.rng.randint(0, 8)
        elif name == "HELLO" and not ref.is_error():
            st.resp3 = args[1:2] == [b"3"]

    def run(self, seconds, keep_going, report):
        """Sends commands until `seconds` have passed. Returns False after a mismatch (with
        keep_going: only when the server under test no longer accepts connections)."""
        deadline = time.monotonic() + seconds
        ok = True
        while time.monotonic() < deadline:
            try:
                self.one_step()
            except Mismatch as e:
                ok = False
                report(self, self.history[-1][2], str(e))
                if not keep_going:
                    return False
                try:
                    self.reconnect()
                except (OSError, Mismatch) as e:
                    print("cannot go on: %s" % e, flush=True)
                    return False
        return ok

    def one_step(self):
        """Sends the next command (or the periodic FLUSHALL), and its follow-up if any."""
        if self.step // EPOCH_STEPS != (self.step + 1) // EPOCH_STEPS:
            i = next((j for j in range(CONNS) if not self.state[j].in_multi), None)
            if i is not None:
                self.send(i, [b"FLUSHALL"])
                return
        i = self.rng.randrange(CONNS)
        args = self.next_command(i)
        name = command_name(args)
        if name == "MULTI" and "transactions" not in self.families:
            return  # only the transactions family may open one: no one would close it
        if self.commands is not None and name.split(" ")[0] not in self.commands:
            return
        self.send(i, args)
        if self.ctx.followup:
            self.send(i, self.ctx.followup)


# ---------------------------------------------------------------------------------------------
# main


class Reporter:
    """Prints each mismatch (the first in full, then one per command group) and counts them."""

    def __init__(self, keep_going):
        self.keep_going = keep_going
        self.groups = collections.OrderedDict()

    def __call__(self, run, args, detail):
        name = command_name(args)
        first = name not in self.groups
        self.groups.setdefault(name, 0)
        self.groups[name] += 1
        if first or not self.keep_going:
            print("\nMISMATCH seed %d step %d on connection %d: %s" % (
                run.seed, run.step, run.history[-1][1], show(args)), flush=True)
            print("  last commands (step conn command):")
            for step, i, a in run.history:
                print("    %6d %d %s" % (step, i, show(a)))
            print("  " + detail, flush=True)
            print("  replay: --seed %d --families %s%s" % (
                run.seed, ",".join(run.families),
                " --commands " + ",".join(sorted(run.commands)) if run.commands else ""))

    def summary(self):
        if self.groups:
            print("\nmismatches by command: " + ", ".join(
                "%s x%d" % kv for kv in self.groups.items()), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("binary", nargs="?", help="mini-redis-server (not needed with --against-redis)")
    p.add_argument("--seed", type=int, action="append",
                   help="run only this seed (repeatable)")
    p.add_argument("--seconds", type=float,
                   default=float(os.environ.get("DIFF_SECONDS", DEFAULT_SECONDS)))
    p.add_argument("--families", default=",".join(
        n for n, (_, on, _) in gen.FAMILIES.items() if on),
        help="comma-separated, from: " + ",".join(gen.FAMILIES))
    p.add_argument("--commands", help="comma-separated command names: send only these (for a "
                   "server that lacks the others; HELLO is one of them)")
    p.add_argument("--keep-going", action="store_true",
                   help="after a mismatch flush, reconnect and go on; summarise at the end")
    p.add_argument("--against-redis", action="store_true",
                   help="compare two redis-servers (checks the tester itself)")
    opts = p.parse_args()
    families = [f for f in opts.families.split(",") if f]
    unknown = [f for f in families if f not in gen.FAMILIES]
    if unknown or not families:
        p.error("unknown families %s; known: %s" % (unknown, ",".join(gen.FAMILIES)))
    if not os.access(REDIS, os.X_OK):
        print("SKIP: %s not installed (scripts/install-deps installs redis-server)" % REDIS)
        sys.exit(harness.SKIP_EXIT)
    if not opts.against_redis and not opts.binary:
        p.error("the mini-redis-server binary is required (or --against-redis)")
    harness._install_signal_handlers()

    ref_port, _ = start_redis()
    sut = None
    if opts.against_redis:
        sut_port, _ = start_redis()
        what = "redis-server against redis-server"
    else:
        sut = harness.Server(os.path.abspath(opts.binary))
        sut_port = sut.port
        if not is_process_on_port(sut_port, sut.pid):
            sys.exit("port %d is not answered by the mini-redis just started" % sut_port)
        what = "mini-redis against redis-server"
    seeds = opts.seed or [FIXED_SEED, random.SystemRandom().randrange(1, 2**31)]
    per_seed = opts.seconds / len(seeds)
    print("differential: %s; seeds %s, %.0fs each; families %s" % (
        what, " ".join(map(str, seeds)), per_seed, ",".join(families)), flush=True)

    reporter = Reporter(opts.keep_going)
    ok = True
    for seed in seeds:
        started = time.monotonic()
        commands = None
        if opts.commands:
            commands = set(opts.commands.upper().split(","))
        run = Run(seed, families, ref_port, sut_port, commands)
        ok = run.run(per_seed, opts.keep_going, reporter) and ok
        print("seed %d: %d commands in %.1fs" % (seed, run.step, time.monotonic() - started),
              flush=True)
        if not ok and not opts.keep_going:
            break
    reporter.summary()
    if sut is not None:
        status = sut.stop()
        if status != 0:
            print("mini-redis exited with status %r; log tail:\n%s" % (status, sut.log()[-3000:]))
            ok = False
    ok = ok and not reporter.groups
    print("differential: %s" % ("PASS" if ok else "FAIL"), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
