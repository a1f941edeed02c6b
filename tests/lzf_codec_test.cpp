// Unit tests for LzfCodec: round trips, incompressible input, corrupt input.
#include "lzf_codec.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

using mini_redis::LzfCodec;

TEST_CASE("compressible text round-trips and is smaller") {
    std::string in;
    for (int i = 0; i < 200; ++i) in += "hello world ";
    std::string packed, back;
    REQUIRE(LzfCodec::compress(in, packed));
    CHECK(packed.size() < in.size() - 4);
    REQUIRE(LzfCodec::decompress(packed, in.size(), back));
    CHECK(back == in);
}

TEST_CASE("random bytes do not compress; tiny inputs are refused") {
    std::mt19937 rng(7);
    std::string in;
    for (int i = 0; i < 100; ++i) in.push_back(static_cast<char>(rng()));
    std::string out;
    CHECK_FALSE(LzfCodec::compress(in, out));
    CHECK_FALSE(LzfCodec::compress("abcd", out));
}

TEST_CASE("a wrong length or corrupt data fails to decompress") {
    std::string in(1000, 'x'), packed, back;
    REQUIRE(LzfCodec::compress(in, packed));
    CHECK_FALSE(LzfCodec::decompress(packed, 999, back));
    CHECK_FALSE(LzfCodec::decompress(packed, 1001, back));
    CHECK_FALSE(LzfCodec::decompress(packed.substr(0, packed.size() / 2), 1000, back));
}
