#!/bin/bash
# Smoke test for scripts/bench: a --quick run against the given mini-redis binary
# must produce report.md with a SET row, and non-empty throughput.png / latency.png.
# Usage: tests/bench_smoke_test.sh PATH/TO/mini-redis-server
# Timings are not checked. Exit 0 on success, 1 on failure.
set -u

server=${1:?usage: $0 PATH/TO/mini-redis-server}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT

failures=0
check() {  # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then
        echo "ok: $what"
    else
        echo "FAIL: $what"
        failures=$((failures + 1))
    fi
}

echo "running: scripts/bench --quick --server $server --out $out"
timeout 300 "$repo/scripts/bench" --quick --server "$server" --out "$out"
status=$?

check "scripts/bench exited 0 (got $status)" test "$status" -eq 0
check "report.md exists and is non-empty" test -s "$out/report.md"
check "throughput.png exists and is non-empty" test -s "$out/throughput.png"
check "latency.png exists and is non-empty" test -s "$out/latency.png"
check "raw.csv exists and is non-empty" test -s "$out/raw.csv"
check "report.md has a table row for SET" grep -q '^| set_get_[a-z0-9_]*/SET |' "$out/report.md"

if [ "$failures" -ne 0 ]; then
    echo "bench smoke test: $failures check(s) failed; output kept in a copy:"
    keep=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke-failed.XXXXXX")
    cp -r "$out"/. "$keep"/ && echo "  $keep"
    exit 1
fi
echo "bench smoke test: all checks passed"
exit 0
