"""redis-benchmark smoke run: SET/GET/INCR/MSET without and with pipelining finish cleanly,
report a requests-per-second line each, no errors, and the counters come out exact. No timing
is asserted."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, expect_eq, expect_true, fail, run_main,  # noqa: E402
                     run_tool, tool)

N = 20000
TESTS = {"SET": "SET", "GET": "GET", "INCR": "INCR", "MSET": "MSET (10 keys)"}


def bench(srv, state, extra):
    rb = tool("redis-benchmark")
    args = [rb, "-h", "127.0.0.1", "-p", str(srv.port), "-t", "set,get,incr,mset",
            "-n", str(N), "-q"] + extra
    res = run_tool(args, timeout=120, check_rc=False)
    out = (res.stdout + res.stderr).decode("utf-8", "replace")
    # -q still draws progress with carriage returns; the final lines follow the last \r.
    lines = [part.strip() for line in out.split("\n") for part in line.split("\r")]
    lines = [line for line in lines if line]
    expect_eq(res.returncode, 0, "redis-benchmark exit status (output %r)" % out[-2000:])
    for name, label in TESTS.items():
        pattern = re.compile(r"^%s: [0-9.]+ requests per second" % re.escape(label))
        found = [line for line in lines if pattern.match(line)]
        if not found:
            fail("no requests-per-second line for %s in:\n%s" % (name, "\n".join(lines[-20:])))
        print("     " + found[-1])
    bad = [line for line in lines
           if "ERR" in line or "error" in line.lower() or "could not" in line.lower()
           or "warning" in line.lower()]
    expect_eq(bad, [], "error/warning lines in redis-benchmark output")
    state["runs"] += 1
    if "-r" in extra:
        # Random keys: the INCRs are spread over counter:000000000NNN, adding up to N.
        with srv.conn() as c:
            keys = [k for k in c.call("KEYS", "counter:0*")]
            values = c.call("MGET", *keys) if keys else []
        expect_eq(sum(int(v) for v in values), N, "sum of the random counters")
    else:
        # Fixed key names without -r: every INCR hit one counter.
        state["fixed_runs"] += 1
        expect_eq(srv.call("GET", "counter:__rand_int__"), str(N * state["fixed_runs"]).encode(),
                  "INCR counter after %d run(s)" % state["fixed_runs"])
        expect_eq(srv.call("STRLEN", "key:__rand_int__"), 3, "value written by SET/MSET (-d 3)")


def stats_add_up(srv, state):
    stats = srv.info("stats")
    processed = int(stats["total_commands_processed"])
    expected = state["runs"] * 4 * N
    expect_true(processed >= expected, "total_commands_processed %d >= %d" % (processed, expected))
    clients = int(srv.info("clients")["connected_clients"])
    expect_true(clients <= 51, "benchmark clients gone (connected_clients %d)" % clients)


def main(binary):
    with Server(binary, workers=2) as srv:
        state = {"runs": 0, "fixed_runs": 0}
        check("redis-benchmark -t set,get,incr,mset -n %d -q" % N, bench, srv, state, [])
        check("the same with -P 16", bench, srv, state, ["-P", "16"])
        check("the same with -c 8 -P 4 and random keys", bench, srv, state,
              ["-c", "8", "-P", "4", "-r", "1000"])
        check("INFO stats count the commands", stats_add_up, srv, state)


if __name__ == "__main__":
    run_main(main)
