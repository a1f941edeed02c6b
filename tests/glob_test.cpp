// Unit tests for globMatch: Redis's glob syntax, case folding, and linear-time backtracking.
#include "glob.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace std::string_literals;
using mini_redis::globMatch;

TEST_CASE("literal patterns match only themselves") {
    CHECK(globMatch("hello", "hello"));
    CHECK_FALSE(globMatch("hello", "hell"));
    CHECK_FALSE(globMatch("hello", "helloo"));
    CHECK_FALSE(globMatch("hello", "Hello"));
    CHECK(globMatch("a\0b"s, "a\0b"s));  // binary-safe
    CHECK_FALSE(globMatch("a\0b"s, "a\0c"s));
}

TEST_CASE("* matches any run, including none") {
    CHECK(globMatch("*", "anything"));
    CHECK(globMatch("*", ""));
    CHECK(globMatch("h*o", "hello"));
    CHECK(globMatch("h*o", "ho"));
    CHECK_FALSE(globMatch("h*o", "hellx"));
    CHECK(globMatch("user:*", "user:"));
    CHECK(globMatch("user:*", "user:123"));
    CHECK_FALSE(globMatch("user:*", "user"));
    CHECK(globMatch("*:*", "a:b"));
    CHECK_FALSE(globMatch("*:*", "ab"));
    CHECK(globMatch("**", "x"));
    CHECK(globMatch("a*b*c", "aXXbYYc"));
    CHECK(globMatch("a*b*c", "abbbc"));
    CHECK_FALSE(globMatch("a*b*c", "aXXcYYb"));
    // The star must backtrack: the first 'b' is not the one that lets the rest match.
    CHECK(globMatch("*bc", "abxbc"));
    CHECK(globMatch("a*bc*d", "abcbcxd"));
}

TEST_CASE("? matches exactly one byte") {
    CHECK(globMatch("h?llo", "hello"));
    CHECK(globMatch("h?llo", "hallo"));
    CHECK_FALSE(globMatch("h?llo", "hllo"));
    CHECK_FALSE(globMatch("h?llo", "heello"));
    CHECK(globMatch("???", "abc"));
    CHECK_FALSE(globMatch("???", "ab"));
    CHECK(globMatch("?", "\0"s));
}

TEST_CASE("[abc] sets, [^a] negation, [a-z] ranges") {
    CHECK(globMatch("h[ae]llo", "hello"));
    CHECK(globMatch("h[ae]llo", "hallo"));
    CHECK_FALSE(globMatch("h[ae]llo", "hillo"));
    CHECK_FALSE(globMatch("h[ae]llo", "hllo"));

    CHECK(globMatch("h[^e]llo", "hallo"));
    CHECK_FALSE(globMatch("h[^e]llo", "hello"));
    CHECK_FALSE(globMatch("h[^e]llo", "hllo"));

    CHECK(globMatch("h[a-b]llo", "hallo"));
    CHECK(globMatch("h[a-b]llo", "hbllo"));
    CHECK_FALSE(globMatch("h[a-b]llo", "hcllo"));
    CHECK(globMatch("[a-z]", "m"));
    CHECK_FALSE(globMatch("[a-z]", "M"));
    CHECK(globMatch("[z-a]", "m"));  // reversed ranges work, as in Redis
    CHECK(globMatch("[0-9][0-9]", "42"));
    CHECK_FALSE(globMatch("[0-9][0-9]", "4x"));
    CHECK(globMatch("[^0-9]", "x"));
    CHECK_FALSE(globMatch("[^0-9]", "5"));
    CHECK(globMatch("[a-cx-z]", "y"));
    CHECK_FALSE(globMatch("[a-cx-z]", "m"));
    CHECK(globMatch("key[*]", "key*"));  // special characters are literal inside a set
    CHECK_FALSE(globMatch("key[*]", "keyx"));
    CHECK(globMatch("*[0-9]", "abc7"));
}

TEST_CASE("a range may end in ']': Redis then reads the class as unclosed (KEYS k[2-])") {
    // Checked against redis-server 7.0.15: KEYS k[2-] returns k2, k4, k5 and not k1.
    CHECK(globMatch("k[2-]", "k2"));
    CHECK(globMatch("k[2-]", "k5"));
    CHECK(globMatch("k[2-]", "k]"));
    CHECK_FALSE(globMatch("k[2-]", "k1"));
    CHECK_FALSE(globMatch("k[2-]", "k^"));
}

TEST_CASE("backslash escapes a special character") {
    CHECK(globMatch("a\\*b", "a*b"));
    CHECK_FALSE(globMatch("a\\*b", "axb"));
    CHECK_FALSE(globMatch("a\\*b", "ab"));
    CHECK(globMatch("a\\?", "a?"));
    CHECK_FALSE(globMatch("a\\?", "ab"));
    CHECK(globMatch("\\[x]", "[x]"));
    CHECK_FALSE(globMatch("\\[x]", "x"));
    CHECK(globMatch("a\\\\b", "a\\b"));
    CHECK(globMatch("[\\]]", "]"));
    CHECK(globMatch("[\\^a]", "^"));
    CHECK(globMatch("*\\*", "abc*"));
    CHECK_FALSE(globMatch("*\\*", "abc"));
}

TEST_CASE("nocase folds ASCII letters on both sides") {
    CHECK(globMatch("HELLO", "hello", true));
    CHECK(globMatch("hello", "HeLLo", true));
    CHECK_FALSE(globMatch("HELLO", "hello", false));
    CHECK(globMatch("h*O", "HELLO", true));
    CHECK(globMatch("[A-Z]", "q", true));
    CHECK(globMatch("[a-z]", "Q", true));
    CHECK(globMatch("[^A]", "b", true));
    CHECK_FALSE(globMatch("[^A]", "a", true));
    CHECK(globMatch("MAX*", "maxclients", true));
}

TEST_CASE("patterns against the empty string") {
    CHECK(globMatch("", ""));
    CHECK(globMatch("*", ""));
    CHECK(globMatch("***", ""));
    CHECK_FALSE(globMatch("?", ""));
    CHECK_FALSE(globMatch("a", ""));
    CHECK_FALSE(globMatch("[a]", ""));
    CHECK_FALSE(globMatch("[^a]", ""));
    CHECK_FALSE(globMatch("*a", ""));
    CHECK_FALSE(globMatch("", "a"));
}

TEST_CASE("a pathological pattern finishes quickly") {
    // Naive recursive backtracking is exponential in the stars here; a match on the last star
    // only is linear per star.
    const std::string text(1000, 'a');
    auto started = std::chrono::steady_clock::now();
    CHECK_FALSE(globMatch("a*a*a*a*a*a*a*a*a*a*b", text));
    CHECK_FALSE(globMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
    CHECK(globMatch("a*a*a*a*a*a*a*a*a*a*a", text));
    CHECK(globMatch("*a*a*a*a*a*a*a*a*a*a?", text));
    const std::string long_text(100000, 'a');
    CHECK_FALSE(globMatch("*a*a*a*a*b", long_text));
    auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(elapsed < std::chrono::seconds(2));
}
