// Unit tests for Reply: every type in RESP2 and RESP3, byte for byte as Redis 7.0 writes them,
// error framing (CR/LF), and the per-code error counters the encoder feeds.
#include "reply.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "command_stats.h"

using mini_redis::CommandStats;
using mini_redis::ErrorCounters;
using mini_redis::LatencyHistogram;
using mini_redis::Reply;

namespace {

// What `fn` writes in the given protocol.
template <typename Fn>
std::string encode(int protocol, Fn fn) {
    std::string out;
    Reply r(out, protocol);
    fn(r);
    return out;
}

}  // namespace

TEST_CASE("RESP2 is the default and unchanged") {
    std::string out;
    Reply r(out);
    CHECK(r.protocol() == 2);
    r.simple("OK");
    r.integer(-42);
    r.bulk("bar");
    r.bulk("");
    r.nil();
    r.arrayHeader(2);
    r.nilArray();
    CHECK(out == "+OK\r\n:-42\r\n$3\r\nbar\r\n$0\r\n\r\n$-1\r\n*2\r\n*-1\r\n");
}

TEST_CASE("nulls: $-1 and *-1 in RESP2, _ in RESP3") {
    CHECK(encode(2, [](Reply& r) { r.nil(); }) == "$-1\r\n");
    CHECK(encode(2, [](Reply& r) { r.nilArray(); }) == "*-1\r\n");
    CHECK(encode(3, [](Reply& r) { r.nil(); }) == "_\r\n");
    CHECK(encode(3, [](Reply& r) { r.nilArray(); }) == "_\r\n");
}

TEST_CASE("aggregates: map, set, push") {
    CHECK(encode(3, [](Reply& r) { r.mapHeader(7); }) == "%7\r\n");
    CHECK(encode(2, [](Reply& r) { r.mapHeader(7); }) == "*14\r\n");
    CHECK(encode(3, [](Reply& r) { r.mapHeader(0); }) == "%0\r\n");
    CHECK(encode(2, [](Reply& r) { r.mapHeader(0); }) == "*0\r\n");
    CHECK(encode(3, [](Reply& r) { r.setHeader(3); }) == "~3\r\n");
    CHECK(encode(2, [](Reply& r) { r.setHeader(3); }) == "*3\r\n");
    CHECK(encode(3, [](Reply& r) { r.pushHeader(3); }) == ">3\r\n");
    CHECK(encode(2, [](Reply& r) { r.pushHeader(3); }) == "*3\r\n");
    CHECK(encode(3, [](Reply& r) { r.arrayHeader(2); }) == "*2\r\n");
}

TEST_CASE("doubles as Redis 7.0 formats them (%.17g, inf, -inf, nan)") {
    CHECK(encode(3, [](Reply& r) { r.doubleValue(1.1); }) == ",1.1000000000000001\r\n");
    CHECK(encode(2, [](Reply& r) { r.doubleValue(1.1); }) == "$18\r\n1.1000000000000001\r\n");
    CHECK(encode(3, [](Reply& r) { r.doubleValue(3); }) == ",3\r\n");
    CHECK(encode(3, [](Reply& r) { r.doubleValue(-0.5); }) == ",-0.5\r\n");
    CHECK(encode(3, [](Reply& r) { r.doubleValue(1e300); }) == ",1.0000000000000001e+300\r\n");
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(encode(3, [&](Reply& r) { r.doubleValue(inf); }) == ",inf\r\n");
    CHECK(encode(3, [&](Reply& r) { r.doubleValue(-inf); }) == ",-inf\r\n");
    CHECK(encode(2, [&](Reply& r) { r.doubleValue(inf); }) == "$3\r\ninf\r\n");
    CHECK(encode(2, [&](Reply& r) { r.doubleValue(-inf); }) == "$4\r\n-inf\r\n");
    CHECK(encode(3, [](Reply& r) { r.doubleValue(std::nan("")); }) == ",nan\r\n");
    CHECK(encode(3, [](Reply& r) { r.doubleValue(-std::nan("")); }) == ",nan\r\n");
    CHECK(encode(2, [](Reply& r) { r.doubleValue(std::nan("")); }) == "$3\r\nnan\r\n");
}

TEST_CASE("booleans, big numbers, verbatim strings") {
    CHECK(encode(3, [](Reply& r) { r.boolean(true); }) == "#t\r\n");
    CHECK(encode(3, [](Reply& r) { r.boolean(false); }) == "#f\r\n");
    CHECK(encode(2, [](Reply& r) { r.boolean(true); }) == ":1\r\n");
    CHECK(encode(2, [](Reply& r) { r.boolean(false); }) == ":0\r\n");
    CHECK(encode(3, [](Reply& r) { r.bigNumber("12345678901234567890"); }) ==
          "(12345678901234567890\r\n");
    CHECK(encode(2, [](Reply& r) { r.bigNumber("12345678901234567890"); }) ==
          "$20\r\n12345678901234567890\r\n");
    // The length counts the "txt:" prefix; the text may hold CR LF.
    CHECK(encode(3, [](Reply& r) { r.verbatim("txt", "a\r\nb"); }) == "=8\r\ntxt:a\r\nb\r\n");
    CHECK(encode(3, [](Reply& r) { r.verbatim("txt", ""); }) == "=4\r\ntxt:\r\n");
    CHECK(encode(2, [](Reply& r) { r.verbatim("txt", "a\r\nb"); }) == "$4\r\na\r\nb\r\n");
}

TEST_CASE("errors: CR and LF become spaces, in both protocols and in errorLine") {
    CHECK(encode(2, [](Reply& r) { r.error("ERR bad\r\nthing"); }) == "-ERR bad  thing\r\n");
    CHECK(encode(3, [](Reply& r) { r.error("ERR bad\nthing"); }) == "-ERR bad thing\r\n");
    CHECK(Reply::errorLine("ERR Protocol error: expected '$', got '\r'") ==
          "-ERR Protocol error: expected '$', got ' '\r\n");
    CHECK(Reply::errorLine("") == "-\r\n");
    CHECK(encode(2, [](Reply& r) { r.errorf("ERR %s and %d", "x\r", 3); }) == "-ERR x  and 3\r\n");
}

TEST_CASE("the protocol can change between replies (HELLO mid-batch)") {
    std::string out;
    Reply r(out);
    r.nil();
    r.setProtocol(3);
    CHECK(r.protocol() == 3);
    r.nil();
    r.setProtocol(2);
    r.nil();
    CHECK(out == "$-1\r\n_\r\n$-1\r\n");
}

TEST_CASE("errors are counted by code when counters are attached") {
    ErrorCounters counters;
    std::string out;
    Reply r(out);
    r.error("ERR one");  // not attached yet: not counted
    r.setErrorCounters(&counters);
    r.error("ERR two");
    r.error("WRONGTYPE Operation against a key holding the wrong kind of value");
    r.errorf("ERR %s", "three");
    r.error("NOAUTH");
    CHECK(counters.total() == 4);
    REQUIRE(counters.size() == 3);
    CHECK(counters.code(0) == "ERR");
    CHECK(counters.countOf(0) == 2);
    CHECK(counters.code(1) == "WRONGTYPE");
    CHECK(counters.code(2) == "NOAUTH");
}

TEST_CASE("error codes beyond the cap are counted in the total only") {
    ErrorCounters counters;
    for (size_t i = 0; i < ErrorCounters::kMaxCodes + 5; ++i) {
        std::string text = "E";  // built by appending: GCC 12 warns (-Wrestrict) on "E" + ...
        text += std::to_string(i);
        text += " x";
        counters.count(text);
    }
    CHECK(counters.size() == ErrorCounters::kMaxCodes);
    CHECK(counters.total() == ErrorCounters::kMaxCodes + 5);
    counters.count(std::string(100, 'X'));  // a long code is cut, not overflowing its slot
    CHECK(counters.total() == ErrorCounters::kMaxCodes + 6);
}

TEST_CASE("latency buckets: exact below 4 ns, then within 25%, monotonic") {
    size_t last = 0;
    for (uint64_t ns = 0; ns < 100000; ++ns) {
        size_t b = LatencyHistogram::bucketOf(ns);
        CHECK(b >= last);
        last = b;
        CHECK(ns <= LatencyHistogram::upperBound(b));
        if (b > 0) CHECK(ns > LatencyHistogram::upperBound(b - 1));
        if (ns >= 4) CHECK(LatencyHistogram::upperBound(b) <= ns + ns / 4);
    }
    CHECK(LatencyHistogram::bucketOf(~uint64_t{0}) == LatencyHistogram::kBuckets - 1);
}

TEST_CASE("command counters appear once their writer has made them") {
    CommandStats stats;
    size_t n = 99;
    CHECK(stats.read(n) == nullptr);
    CHECK(n == 0);
    auto* c = stats.forWriter(5);
    CHECK(stats.forWriter(5) == c);  // made once
    mini_redis::bumpCounter(c[2].calls, 3);
    const auto* r = stats.read(n);
    CHECK(n == 5);
    CHECK(r[2].calls.load() == 3);
}
