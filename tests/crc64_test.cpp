// Unit tests for Crc64: Redis's check value, incremental updates, every alignment.
#include "crc64.h"

#include <doctest/doctest.h>

#include <string>

using mini_redis::Crc64;

TEST_CASE("the check value Redis's crc64 test uses") {
    CHECK(Crc64::update(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    CHECK(Crc64::update(0, "", 0) == 0);
}

TEST_CASE("a long input in pieces gives the same crc as in one go, at every split") {
    std::string s;
    for (int i = 0; i < 300; ++i) s.push_back(static_cast<char>(i * 7 + 3));
    const uint64_t whole = Crc64::update(0, s.data(), s.size());
    // The byte-at-a-time path agrees with the sliced one.
    uint64_t bytewise = 0;
    for (char c : s) bytewise = Crc64::update(bytewise, &c, 1);
    CHECK(bytewise == whole);
    for (size_t cut = 0; cut <= s.size(); ++cut) {
        uint64_t c = Crc64::update(0, s.data(), cut);
        CHECK(Crc64::update(c, s.data() + cut, s.size() - cut) == whole);
    }
}
