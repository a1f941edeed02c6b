// The expiry family through the command fixture on a ManualClock: EXPIRE PEXPIRE EXPIREAT
// PEXPIREAT with NX XX GT LT, TTL PTTL EXPIRETIME PEXPIRETIME PERSIST, and the expiry options
// of SET, SETEX, PSETEX, GETEX. Each expected reply was first checked against Redis 7.0.15.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

namespace {
const std::string kSyntax = error("ERR syntax error");
const std::string kNotInteger = error("ERR value is not an integer or out of range");
std::string invalidExpire(std::string_view command) {
    std::string text = "ERR invalid expire time in '";
    text.append(command);
    text.append("' command");
    return error(text);
}
}  // namespace

TEST_CASE("EXPIRE sets a TTL; the key is gone once the clock passes it") {
    Server s;
    CHECK(s.cmd({"EXPIRE", "missing", "10"}) == integer(0));
    s.cmd({"SET", "k", "v"});
    CHECK(s.cmd({"TTL", "k"}) == integer(-1));
    CHECK(s.cmd({"TTL", "missing"}) == integer(-2));
    CHECK(s.cmd({"PTTL", "missing"}) == integer(-2));
    CHECK(s.cmd({"EXPIRE", "k", "10"}) == integer(1));
    CHECK(s.cmd({"TTL", "k"}) == integer(10));
    CHECK(s.cmd({"PTTL", "k"}) == integer(10000));
    CHECK(s.cmd({"EXPIRETIME", "k"}) == integer((s.nowMs() + 10000) / 1000));
    CHECK(s.cmd({"PEXPIRETIME", "k"}) == integer(s.nowMs() + 10000));
    CHECK(s.cmd({"EXPIRETIME", "missing"}) == integer(-2));
    s.clock().advance(9499);
    CHECK(s.cmd({"PTTL", "k"}) == integer(501));
    CHECK(s.cmd({"TTL", "k"}) == integer(1));  // rounded, as Redis does
    s.clock().advance(500);
    CHECK(s.cmd({"GET", "k"}) == bulk("v"));
    s.clock().advance(1);  // its exact expiry time: still live, as in Redis (gone once now > at)
    CHECK(s.cmd({"GET", "k"}) == bulk("v"));
    CHECK(s.cmd({"PTTL", "k"}) == integer(0));
    CHECK(s.store().expiredKeys() == 0);
    s.clock().advance(1);  // 1 ms past it
    CHECK(s.cmd({"GET", "k"}) == nil());
    CHECK(s.cmd({"TTL", "k"}) == integer(-2));
    CHECK(s.store().expiredKeys() == 1);
}

TEST_CASE("PEXPIRE, EXPIREAT, PEXPIREAT; a time in the past deletes at once") {
    Server s;
    s.cmd({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"});
    CHECK(s.cmd({"PEXPIRE", "a", "1500"}) == integer(1));
    CHECK(s.cmd({"PTTL", "a"}) == integer(1500));
    const int64_t at_s = s.nowMs() / 1000 + 100;
    CHECK(s.cmd({"EXPIREAT", "b", std::to_string(at_s)}) == integer(1));
    CHECK(s.cmd({"EXPIRETIME", "b"}) == integer(at_s));
    CHECK(s.cmd({"PEXPIREAT", "c", std::to_string(s.nowMs() + 42)}) == integer(1));
    CHECK(s.cmd({"PTTL", "c"}) == integer(42));
    // Now or earlier: deleted, and the reply is still 1.
    CHECK(s.cmd({"EXPIRE", "d", "-1"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "d"}) == integer(0));
    CHECK(s.cmd({"PEXPIREAT", "c", std::to_string(s.nowMs())}) == integer(1));
    CHECK(s.cmd({"EXISTS", "c"}) == integer(0));
    CHECK(s.cmd({"EXPIRE", "a", "0"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "a"}) == integer(0));
    // The largest absolute millisecond time is accepted.
    CHECK(s.cmd({"PEXPIREAT", "b", "9223372036854775807"}) == integer(1));
    CHECK(s.cmd({"PEXPIRETIME", "b"}) == integer(9223372036854775807));
}

TEST_CASE("EXPIRE options NX XX GT LT: which apply, and which combinations are refused") {
    Server s;
    s.cmd({"SET", "k", "v"});
    const std::string nx_xx =
        error("ERR NX and XX, GT or LT options at the same time are not compatible");
    CHECK(s.cmd({"EXPIRE", "k", "100", "NX", "XX"}) == nx_xx);
    CHECK(s.cmd({"EXPIRE", "k", "100", "nx", "gt"}) == nx_xx);
    CHECK(s.cmd({"EXPIRE", "k", "100", "LT", "NX"}) == nx_xx);
    CHECK(s.cmd({"EXPIRE", "k", "100", "GT", "LT"}) ==
          error("ERR GT and LT options at the same time are not compatible"));
    CHECK(s.cmd({"EXPIRE", "k", "100", "foo"}) == error("ERR Unsupported option foo"));
    CHECK(s.cmd({"TTL", "k"}) == integer(-1));  // none of those changed anything

    // No TTL yet: XX and GT refuse (no TTL counts as infinite), LT applies.
    CHECK(s.cmd({"EXPIRE", "k", "100", "XX"}) == integer(0));
    CHECK(s.cmd({"EXPIRE", "k", "100", "GT"}) == integer(0));
    CHECK(s.cmd({"EXPIRE", "k", "100", "LT"}) == integer(1));
    CHECK(s.cmd({"EXPIRE", "k", "100", "NX"}) == integer(0));
    CHECK(s.cmd({"TTL", "k"}) == integer(100));
    // With a TTL of 100.
    CHECK(s.cmd({"EXPIRE", "k", "200", "NX"}) == integer(0));
    CHECK(s.cmd({"EXPIRE", "k", "200", "XX"}) == integer(1));
    CHECK(s.cmd({"EXPIRE", "k", "50", "GT"}) == integer(0));
    CHECK(s.cmd({"EXPIRE", "k", "200", "GT"}) == integer(0));  // equal is not greater
    CHECK(s.cmd({"EXPIRE", "k", "300", "GT"}) == integer(1));
    CHECK(s.cmd({"EXPIRE", "k", "100", "LT"}) == integer(1));
    CHECK(s.cmd({"EXPIRE", "k", "300", "LT"}) == integer(0));
    CHECK(s.cmd({"TTL", "k"}) == integer(100));
    // XX with GT or LT together is allowed; both must hold.
    CHECK(s.cmd({"EXPIRE", "k", "150", "XX", "GT"}) == integer(1));
    CHECK(s.cmd({"PERSIST", "k"}) == integer(1));
    CHECK(s.cmd({"EXPIRE", "k", "10", "XX", "LT"}) == integer(0));
    CHECK(s.cmd({"EXPIRE", "k", "10", "NX"}) == integer(1));
    CHECK(s.cmd({"TTL", "k"}) == integer(10));
    // Options on a missing key: 0.
    CHECK(s.cmd({"EXPIRE", "missing", "10", "XX"}) == integer(0));
}

TEST_CASE("EXPIRE errors: not a number, overflow once converted or added to now") {
    Server s;
    s.cmd({"SET", "k", "v"});
    CHECK(s.cmd({"EXPIRE", "k", "abc"}) == kNotInteger);
    CHECK(s.cmd({"EXPIRE", "k", "1.5"}) == kNotInteger);
    CHECK(s.cmd({"EXPIRE", "k", "9223372036854775807"}) == invalidExpire("expire"));
    // Fits once multiplied by 1000, not once now is added.
    CHECK(s.cmd({"EXPIRE", "k", "9223372036854775"}) == invalidExpire("expire"));
    CHECK(s.cmd({"EXPIRE", "k", "-9223372036854775808"}) == invalidExpire("expire"));
    CHECK(s.cmd({"PEXPIRE", "k", "9223372036854775807"}) == invalidExpire("pexpire"));
    CHECK(s.cmd({"EXPIREAT", "k", "9223372036854775807"}) == invalidExpire("expireat"));
    CHECK(s.cmd({"EXPIRE", "k"}) == arityError("expire"));
    CHECK(s.cmd({"TTL", "k"}) == integer(-1));
    CHECK(s.cmd({"EXISTS", "k"}) == integer(1));
}

TEST_CASE("PERSIST removes a TTL; overwrites clear it; other writes keep it") {
    Server s;
    CHECK(s.cmd({"PERSIST", "missing"}) == integer(0));
    s.cmd({"SET", "k", "v"});
    CHECK(s.cmd({"PERSIST", "k"}) == integer(0));
    s.cmd({"EXPIRE", "k", "100"});
    CHECK(s.cmd({"PERSIST", "k"}) == integer(1));
    CHECK(s.cmd({"TTL", "k"}) == integer(-1));
    // A plain SET clears a TTL; APPEND and INCR keep it.
    s.cmd({"EXPIRE", "k", "100"});
    CHECK(s.cmd({"APPEND", "k", "w"}) == integer(2));
    CHECK(s.cmd({"TTL", "k"}) == integer(100));
    s.cmd({"SET", "n", "1", "EX", "100"});
    CHECK(s.cmd({"INCR", "n"}) == integer(2));
    CHECK(s.cmd({"TTL", "n"}) == integer(100));
    CHECK(s.cmd({"SET", "k", "x"}) == ok());
    CHECK(s.cmd({"TTL", "k"}) == integer(-1));
    CHECK(s.cmd({"GETSET", "n", "3"}) == bulk("2"));
    CHECK(s.cmd({"TTL", "n"}) == integer(-1));
}

TEST_CASE("SET EX PX EXAT PXAT KEEPTTL set and keep TTLs") {
    Server s;
    CHECK(s.cmd({"SET", "a", "v", "EX", "10"}) == ok());
    CHECK(s.cmd({"PTTL", "a"}) == integer(10000));
    CHECK(s.cmd({"SET", "b", "v", "px", "1500"}) == ok());
    CHECK(s.cmd({"PTTL", "b"}) == integer(1500));
    const int64_t at_s = s.nowMs() / 1000 + 50;
    CHECK(s.cmd({"SET", "c", "v", "EXAT", std::to_string(at_s)}) == ok());
    CHECK(s.cmd({"EXPIRETIME", "c"}) == integer(at_s));
    CHECK(s.cmd({"SET", "d", "v", "PXAT", std::to_string(s.nowMs() + 7)}) == ok());
    CHECK(s.cmd({"PTTL", "d"}) == integer(7));
    // The same option twice: the last wins.
    CHECK(s.cmd({"SET", "e", "v", "EX", "10", "EX", "20"}) == ok());
    CHECK(s.cmd({"TTL", "e"}) == integer(20));
    // KEEPTTL keeps it; a plain SET drops it.
    CHECK(s.cmd({"SET", "e", "w", "KEEPTTL"}) == ok());
    CHECK(s.cmd({"TTL", "e"}) == integer(20));
    CHECK(s.cmd({"GET", "e"}) == bulk("w"));
    // GET with EX: the old value, and the new TTL.
    CHECK(s.cmd({"SET", "e", "x", "EX", "10", "GET"}) == bulk("w"));
    CHECK(s.cmd({"TTL", "e"}) == integer(10));
    // NX with GET on an existing key: the old value, nothing written, TTL unchanged.
    CHECK(s.cmd({"SET", "e", "y", "GET", "NX", "EX", "99"}) == bulk("x"));
    CHECK(s.cmd({"TTL", "e"}) == integer(10));
    s.clock().advance(10001);  // 1 ms past the 10 s expiries
    CHECK(s.cmd({"GET", "e"}) == nil());
    CHECK(s.cmd({"GET", "a"}) == nil());
    CHECK(s.cmd({"EXISTS", "c"}) == integer(1));
}

TEST_CASE("SET option conflicts are syntax errors; bad times are refused") {
    Server s;
    s.cmd({"SET", "s", "old"});
    CHECK(s.cmd({"SET", "s", "v", "EX", "10", "PX", "10"}) == kSyntax);
    CHECK(s.cmd({"SET", "s", "v", "EX", "10", "KEEPTTL"}) == kSyntax);
    CHECK(s.cmd({"SET", "s", "v", "KEEPTTL", "EX", "10"}) == kSyntax);
    CHECK(s.cmd({"SET", "s", "v", "NX", "XX"}) == kSyntax);
    CHECK(s.cmd({"SET", "s", "v", "EX"}) == kSyntax);
    CHECK(s.cmd({"SET", "s", "v", "PERSIST"}) == kSyntax);
    CHECK(s.cmd({"SET", "s", "v", "EX", "abc"}) == kNotInteger);
    CHECK(s.cmd({"SET", "s", "v", "EX", "0"}) == invalidExpire("set"));
    CHECK(s.cmd({"SET", "s", "v", "PX", "0"}) == invalidExpire("set"));
    CHECK(s.cmd({"SET", "s", "v", "EX", "-5"}) == invalidExpire("set"));
    CHECK(s.cmd({"SET", "s", "v", "EX", "9223372036854775807"}) == invalidExpire("set"));
    CHECK(s.cmd({"SET", "s", "v", "PX", "9223372036854775807"}) == invalidExpire("set"));
    CHECK(s.cmd({"SET", "s", "v", "EXAT", "9223372036854775807"}) == invalidExpire("set"));
    // None of them wrote.
    CHECK(s.cmd({"GET", "s"}) == bulk("old"));
    CHECK(s.cmd({"TTL", "s"}) == integer(-1));
}

TEST_CASE("SETEX, PSETEX, GETEX") {
    Server s;
    CHECK(s.cmd({"SETEX", "k", "10", "v"}) == ok());
    CHECK(s.cmd({"TTL", "k"}) == integer(10));
    CHECK(s.cmd({"PSETEX", "p", "1500", "v"}) == ok());
    CHECK(s.cmd({"PTTL", "p"}) == integer(1500));
    CHECK(s.cmd({"SETEX", "k", "0", "v"}) == invalidExpire("setex"));
    CHECK(s.cmd({"SETEX", "k", "-1", "v"}) == invalidExpire("setex"));
    CHECK(s.cmd({"PSETEX", "k", "0", "v"}) == invalidExpire("psetex"));
    CHECK(s.cmd({"SETEX", "k", "x", "v"}) == kNotInteger);
    CHECK(s.cmd({"SETEX", "k", "10"}) == arityError("setex"));

    CHECK(s.cmd({"GETEX", "missing"}) == nil());
    CHECK(s.cmd({"GETEX", "k"}) == bulk("v"));
    CHECK(s.cmd({"TTL", "k"}) == integer(10));
    CHECK(s.cmd({"GETEX", "k", "EX", "100"}) == bulk("v"));
    CHECK(s.cmd({"TTL", "k"}) == integer(100));
    CHECK(s.cmd({"GETEX", "k", "PERSIST"}) == bulk("v"));
    CHECK(s.cmd({"TTL", "k"}) == integer(-1));
    CHECK(s.cmd({"GETEX", "k", "PXAT", std::to_string(s.nowMs() + 5)}) == bulk("v"));
    CHECK(s.cmd({"PTTL", "k"}) == integer(5));
    CHECK(s.cmd({"GETEX", "k", "EX", "0"}) == invalidExpire("getex"));
    CHECK(s.cmd({"GETEX", "k", "PERSIST", "EX", "10"}) == kSyntax);
    CHECK(s.cmd({"GETEX", "k", "EX", "10", "PX", "10"}) == kSyntax);
    CHECK(s.cmd({"GETEX", "k", "KEEPTTL"}) == kSyntax);
    CHECK(s.cmd({"PTTL", "k"}) == integer(5));
    s.clock().advance(6);  // 1 ms past its expiry
    CHECK(s.cmd({"GETEX", "k"}) == nil());
}
