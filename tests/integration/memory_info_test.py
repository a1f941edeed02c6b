"""INFO memory's allocator fields: mem_allocator names the allocator the build was configured
with (and that library is the one mapped into the process), mem_fragmentation_ratio and
mem_fragmentation_bytes are Redis's used_memory_rss / used_memory and the difference.

Run as `/usr/bin/python3 memory_info_test.py <mini-redis-server> <glibc|jemalloc|mimalloc>`;
meson passes the configured allocator (after the sanitizer fallback in meson.build).
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, expect_eq, expect_true, fail, run_main  # noqa: E402

# The configured allocator -> (mem_allocator pattern, a library name in /proc/PID/maps).
EXPECTED = {
    "glibc": (r"libc", None),
    "jemalloc": (r"jemalloc-\d+\.\d+\.\d+", "libjemalloc"),
    "mimalloc": (r"mimalloc-\d+\.\d+\.\d+", "libmimalloc"),
}
RATIO = re.compile(r"\d+\.\d\d")  # "%.2f", as Redis prints it


def allocator_fields(srv, configured):
    pattern, library = EXPECTED[configured]
    fields = srv.info("memory")
    name = fields.get("mem_allocator")
    expect_true(name is not None and re.fullmatch(pattern, name) is not None,
                "mem_allocator %r names the configured %s" % (name, configured))
    with open("/proc/%d/maps" % srv.proc.pid) as maps:
        mapped = maps.read()
    for other in ("libjemalloc", "libmimalloc"):
        expect_eq(other in mapped, other == library, "%s mapped into the server" % other)


def ratio_of(fields):
    text = fields.get("mem_fragmentation_ratio")
    if text is None or not RATIO.fullmatch(text):
        fail("mem_fragmentation_ratio %r is not a number with two decimals" % (text,))
    return float(text)


def empty_store(srv):
    fields = srv.info("memory")
    expect_eq(fields["used_memory"], "0", "used_memory with nothing stored")
    expect_eq(ratio_of(fields), 0.0, "the ratio while it is undefined")
    expect_eq(fields["mem_fragmentation_bytes"], fields["used_memory_rss"],
              "mem_fragmentation_bytes with nothing stored")


def with_data(srv):
    with srv.conn() as c:
        for i in range(1000):
            c.send_cmd("SET", "key:%d" % i, "v" * 100)
        replies = c.read_replies(1000)
    expect_true(all(r == "OK" for r in replies), "1000 SETs answered OK")
    fields = srv.info("memory")
    used, rss = int(fields["used_memory"]), int(fields["used_memory_rss"])
    expect_true(used > 100 * 1000, "used_memory %d counts the values" % used)
    ratio = ratio_of(fields)
    expect_true(ratio > 0, "mem_fragmentation_ratio %s is positive" % ratio)
    # RSS is read a moment apart from INFO's own reading: allow it to move by 1 MiB.
    expect_true(abs(ratio - rss / used) <= 0.01 + (1 << 20) / used,
                "ratio %s is used_memory_rss / used_memory (%d / %d)" % (ratio, rss, used))
    frag_bytes = int(fields["mem_fragmentation_bytes"])
    expect_true(abs(frag_bytes - (rss - used)) <= 1 << 20,
                "mem_fragmentation_bytes %d is rss - used (%d)" % (frag_bytes, rss - used))


def purge_returns_pages(srv, configured):
    """MEMORY PURGE answers OK; with jemalloc it hands freed pages back at once, not after the
    ~10 s decay: 64 MiB of values are stored and flushed, and RSS must fall by half of that
    between the reading with the data loaded and the one just after the purge."""
    value = "v" * 4000
    with srv.conn() as c:
        for i in range(16384):
            c.send_cmd("SET", "big:%d" % i, value)
        replies = c.read_replies(16384)
    expect_true(all(r == "OK" for r in replies), "16384 SETs of 4000 bytes answered OK")
    loaded = int(srv.info("memory")["used_memory_rss"])
    expect_eq(srv.call("FLUSHALL"), "OK", "FLUSHALL")
    expect_eq(srv.info("memory")["used_memory"], "0", "used_memory after FLUSHALL")
    expect_eq(srv.call("MEMORY", "PURGE"), "OK", "MEMORY PURGE")
    after = int(srv.info("memory")["used_memory_rss"])
    if configured == "jemalloc":
        # A CI run under load once saw only part of the pages go at the first purge; a second
        # and third purge, 0.1 s apart, are allowed. jemalloc's decay alone returns a few
        # percent in that time (seen: none in 0.3 s), far from the 32 MiB asked for.
        for _ in range(2):
            if after <= loaded - (32 << 20):
                break
            time.sleep(0.1)
            expect_eq(srv.call("MEMORY", "PURGE"), "OK", "MEMORY PURGE, again")
            after = int(srv.info("memory")["used_memory_rss"])
        # Measured against the RSS with the data loaded, not against a reading taken after
        # FLUSHALL: jemalloc's own decay may already have returned part of the pages by then
        # (CI saw 89 -> 69 MiB), which says nothing about PURGE. Without a purge, the pages
        # of 64 MiB just freed stay resident for seconds.
        expect_true(after <= loaded - (32 << 20),
                    "RSS with 64 MiB loaded, then after FLUSHALL and MEMORY PURGE, fell by at "
                    "least 32 MiB (%d -> %d)" % (loaded, after))


def in_full_info(srv):
    fields = srv.info()
    for name in ("mem_allocator", "mem_fragmentation_ratio", "mem_fragmentation_bytes"):
        expect_true(name in fields, "INFO (all sections) has %s" % name)


def main(binary):
    if len(sys.argv) < 3 or sys.argv[2] not in EXPECTED:
        print("usage: memory_info_test.py <mini-redis-server> <%s>" % "|".join(EXPECTED))
        sys.exit(2)
    configured = sys.argv[2]
    with Server(binary, workers=2) as srv:
        check("mem_allocator names the configured allocator (%s)" % configured,
              allocator_fields, srv, configured)
        check("empty store: ratio undefined (0.00), bytes = RSS", empty_store, srv)
        check("with data: ratio = rss / used_memory, positive", with_data, srv)
        check("the fields are in INFO without a section", in_full_info, srv)
        check("MEMORY PURGE returns freed pages", purge_returns_pages, srv, configured)


run_main(main)
