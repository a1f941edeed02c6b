// What the sorted-set command tests share (commands_zset_test.cpp,
// commands_zset_range_test.cpp): reply helpers and a server holding a small sorted set.
#pragma once

#include <string>
#include <vector>

#include "command_fixture.h"

namespace mini_redis::test {

inline std::string wrongType() {
    return error("WRONGTYPE Operation against a key holding the wrong kind of value");
}
inline std::string syntaxError() {
    return error("ERR syntax error");
}
inline std::string notInteger() {
    return error("ERR value is not an integer or out of range");
}
inline std::string bulks(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(bulk(i));
    return array(out);
}
inline std::string emptyArray() {
    return "*0\r\n";
}
// "a" + n, without the literal + std::string form GCC 12 warns about.
inline std::string named(const char* prefix, int n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

// A server with z = {a:1, b:2, c:3} and a string key s.
struct Fixture {
    Server s;
    Fixture() {
        REQUIRE(s.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c"}) == integer(3));
        REQUIRE(s.cmd({"SET", "s", "v"}) == ok());
    }
};

}  // namespace mini_redis::test
