// Unit tests for the Redis byte formats: listpack (built and parsed), intset, ziplist and
// zipmap (parsed), each on known bytes and on corrupt input.
#include "redis_listpack.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "redis_intset.h"
#include "redis_ziplist.h"

using namespace mini_redis;

namespace {

std::vector<std::string> parseAll(std::string_view bytes, bool& ok) {
    std::vector<std::string> out;
    std::string err;
    ok = RedisListpack::parse(
        bytes,
        [&](std::string_view v) {
            out.emplace_back(v);
            return true;
        },
        err);
    return out;
}

}  // namespace

TEST_CASE("listpack bytes as Redis lays them out") {
    RedisListpack lp;
    lp.append("a");
    lp.append("1");
    std::string bytes = lp.finish();
    // 6 header + [81 'a' 02] + [01 01] + FF
    const std::string want("\x0c\x00\x00\x00\x02\x00\x81\x61\x02\x01\x01\xff", 12);
    CHECK(bytes == want);
}

TEST_CASE("every integer width and string length round-trips") {
    std::vector<std::string> in = {"0",
                                   "127",
                                   "128",
                                   "-1",
                                   "4095",
                                   "-4096",
                                   "4096",
                                   "32767",
                                   "-32768",
                                   "8388607",
                                   "-8388608",
                                   "2147483647",
                                   "-2147483648",
                                   "9223372036854775807",
                                   "-9223372036854775808",
                                   "007",
                                   "-0",
                                   "+1",
                                   "",
                                   std::string(63, 'x'),
                                   std::string(64, 'y'),
                                   std::string(4095, 'z'),
                                   std::string(4096, 'w'),
                                   std::string(70000, 'q')};
    RedisListpack lp;
    for (auto& s : in) lp.append(s);
    std::string bytes = lp.finish();
    bool ok;
    CHECK(parseAll(bytes, ok) == in);
    CHECK(ok);
}

TEST_CASE("a truncated or damaged listpack is an error, never a crash") {
    RedisListpack lp;
    for (int i = 0; i < 20; ++i)
        lp.append(i % 2 ? std::to_string(i * 1000) : std::string(i * 10, 'v'));
    std::string bytes = lp.finish();
    bool ok;
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        parseAll(bytes.substr(0, cut), ok);
        CHECK_FALSE(ok);
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x5a);
        parseAll(bad, ok);  // may parse (a changed string byte) or fail; must not crash
    }
}

TEST_CASE("intset: built as Redis lays it out, parsed back, corrupt input refused") {
    std::string b = RedisIntset::build({-3, 1, 70000}, 4);
    CHECK(b == std::string("\x04\x00\x00\x00\x03\x00\x00\x00\xfd\xff\xff\xff\x01\x00\x00\x00"
                           "\x70\x11\x01\x00",
                           20));
    std::vector<int64_t> got;
    std::string err;
    REQUIRE(RedisIntset::parse(
        b, [&](int64_t v) { got.push_back(v); }, err));
    CHECK(got == std::vector<int64_t>{-3, 1, 70000});
    CHECK_FALSE(RedisIntset::parse(
        b.substr(0, 19), [](int64_t) {}, err));
    std::string unordered = RedisIntset::build({5, 1}, 2);
    CHECK_FALSE(RedisIntset::parse(
        unordered, [](int64_t) {}, err));
    std::string badwidth = RedisIntset::build({1}, 3);
    CHECK_FALSE(RedisIntset::parse(
        badwidth, [](int64_t) {}, err));
}

TEST_CASE("ziplist: strings and each integer encoding") {
    // zlbytes, zltail, zllen=4, entries: "ab", int8 -5, immediate 7, int16 300; end.
    std::string z;
    auto le = [&](uint64_t v, int n) {
        for (int i = 0; i < n; ++i) z.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    le(0, 4);
    le(0, 4);
    le(4, 2);
    z += std::string(
        "\x00\x02"
        "ab",
        4);
    z += std::string("\x04\xfe\xfb", 3);
    z += std::string("\x03\xf8", 2);
    z += std::string("\x02\xc0\x2c\x01", 4);
    z.push_back('\xff');
    for (int i = 0; i < 4; ++i) z[i] = static_cast<char>((z.size() >> (8 * i)) & 0xff);
    std::vector<std::string> got;
    std::string err;
    REQUIRE(RedisZiplist::parse(
        z,
        [&](std::string_view v) {
            got.emplace_back(v);
            return true;
        },
        err));
    CHECK(got == std::vector<std::string>{"ab", "-5", "7", "300"});
    for (size_t cut = 0; cut < z.size(); ++cut) {
        CHECK_FALSE(RedisZiplist::parse(
            z.substr(0, cut), [](std::string_view) { return true; }, err));
    }
}

TEST_CASE("zipmap: pairs with free bytes") {
    std::string m("\x02\x01k\x02\x01vv\x00\x03key\x01\x00x\xff", 16);
    std::vector<std::string> got;
    std::string err;
    REQUIRE(RedisZiplist::parseZipmap(
        m,
        [&](std::string_view v) {
            got.emplace_back(v);
            return true;
        },
        err));
    CHECK(got == std::vector<std::string>{"k", "vv", "key", "x"});
    for (size_t cut = 0; cut < m.size(); ++cut) {
        CHECK_FALSE(RedisZiplist::parseZipmap(
            m.substr(0, cut), [](std::string_view) { return true; }, err));
    }
}
