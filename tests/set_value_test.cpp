// Unit tests for SetValue: random operations against a std::set model after every step (with
// intset width upgrades and the switch to the table by count and by a non-integer), the
// canonical-integer rule, clone, random draws, SPOP, and the scan cursor across growth.
#include "set_value.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

using mini_redis::SetValue;

namespace {

// prefix + a number. (Built with append: GCC 12 warns falsely on the
// "literal" + std::string form.)
std::string name(const char* prefix, unsigned long long a) {
    std::string out(prefix);
    out.append(std::to_string(a));
    return out;
}

std::set<std::string> contents(const SetValue& s) {
    std::set<std::string> out;
    size_t n = 0;
    s.forEach([&](std::string_view m) {
        out.emplace(m);
        ++n;
    });
    CHECK(n == out.size());
    return out;
}

void checkSame(const SetValue& s, const std::set<std::string>& model) {
    REQUIRE(s.length() == model.size());
    CHECK(contents(s) == model);
}

// clang-format off
const char* const kIntegers[] = {"0", "1", "-1", "7", "-32768", "32767", "32768", "70000",
                                 "-2147483648", "2147483647", "2147483648", "-2147483649",
                                 "9223372036854775807", "-9223372036854775808", "123456789012"};
const char* const kNotIntegers[] = {"007", "+1", "-0", " 1", "1 ", "1.0", "0x10", "",
                                    "9223372036854775808", "-9223372036854775809", "abc"};
// clang-format on

std::string randomMember(std::mt19937_64& rng, bool ints_only) {
    if (ints_only || rng() % 4 != 0) {
        if (rng() % 3 == 0) return kIntegers[rng() % std::size(kIntegers)];
        return std::to_string(static_cast<int64_t>(rng() % 2000) - 1000);
    }
    if (rng() % 2 == 0) return kNotIntegers[rng() % std::size(kNotIntegers)];
    return name("m", rng() % 300);
}

}  // namespace

TEST_CASE("canonical integers, as Redis's string2ll") {
    int64_t v = 0;
    for (const char* s : kIntegers) CHECK(SetValue::asInteger(s, v));
    CHECK(SetValue::asInteger("-9223372036854775808", v));
    CHECK(v == INT64_MIN);
    for (const char* s : kNotIntegers) CHECK_FALSE(SetValue::asInteger(s, v));
}

TEST_CASE("forms: the first member picks, a non-integer or too many switch, never back") {
    auto s = SetValue::forMember("5");
    CHECK(s->encoding() == "intset");
    CHECK(s->add("5", 3));
    CHECK_FALSE(s->add("5", 3));
    CHECK(s->intsetWidth() == 2);
    CHECK(s->add("100000", 3));
    CHECK(s->intsetWidth() == 4);
    CHECK(s->add("-9223372036854775808", 3));
    CHECK(s->intsetWidth() == 8);
    CHECK(s->encoding() == "intset");
    CHECK(s->add("6", 3));  // the fourth member passes 3 entries
    CHECK(s->encoding() == "hashtable");
    CHECK(s->remove("6"));
    CHECK(s->remove("100000"));
    CHECK(s->encoding() == "hashtable");  // never back in 7.0
    checkSame(*s, {"5", "-9223372036854775808"});

    auto t = SetValue::forMember("007");
    CHECK(t->encoding() == "hashtable");
    auto u = SetValue::forMember("1");
    u->add("1", 512);
    u->add("2", 512);
    CHECK_FALSE(u->add("2", 0));  // a duplicate adds nothing, so no switch either
    CHECK(u->encoding() == "intset");
    CHECK(u->add("01", 512));  // not canonical: a string
    CHECK(u->encoding() == "hashtable");
    checkSame(*u, {"1", "2", "01"});
    CHECK(u->contains("1"));
    CHECK_FALSE(u->contains("+1"));
    // An intset answers non-integers without converting them.
    auto w = SetValue::forMember("1");
    w->add("1", 512);
    CHECK_FALSE(w->contains("01"));
    CHECK_FALSE(w->remove("x"));
    CHECK(w->encoding() == "intset");
}

TEST_CASE("random operations against std::set, both forms") {
    for (int round = 0; round < 6; ++round) {
        std::mt19937_64 rng(static_cast<uint64_t>(round) + 100);
        const bool ints_only = round % 2 == 0;
        const int64_t max_ints = round < 2 ? 512 : round < 4 ? 16 : 0;
        auto s = std::make_unique<SetValue>();
        std::set<std::string> model;
        bool was_table = false;
        for (int step = 0; step < 3000; ++step) {
            const std::string m = randomMember(rng, ints_only);
            const int op = static_cast<int>(rng() % 10);
            if (op < 6) {
                CHECK(s->add(m, max_ints) == model.insert(m).second);
            } else if (op < 9) {
                CHECK(s->remove(m) == (model.erase(m) == 1));
            } else if (s->length() > 0) {
                std::vector<std::string> popped;
                s->popRandom(1 + rng() % 3, rng, popped);
                for (const auto& p : popped) CHECK(model.erase(p) == 1);
            }
            CHECK(s->contains(m) == (model.count(m) == 1));
            checkSame(*s, model);
            // The form follows the rule, and a table stays a table.
            bool all_ints = true;
            int64_t v = 0;
            for (const auto& x : model) all_ints = all_ints && SetValue::asInteger(x, v);
            if (was_table) CHECK(s->encoding() == "hashtable");
            if (s->isIntset()) {
                CHECK(all_ints);
                CHECK(static_cast<int64_t>(model.size()) <= max_ints);
            }
            was_table = was_table || !s->isIntset();
            if (s->length() == 0 && rng() % 2 == 0) {
                s = std::make_unique<SetValue>();  // the key went; a new one starts compact
                was_table = false;
            }
        }
        if (round < 2 && ints_only) CHECK(s->isIntset());
    }
}

TEST_CASE("clone is deep, memoryBytes follows every change") {
    for (const char* first : {"1", "a"}) {
        auto s = SetValue::forMember(first);
        const size_t empty = s->memoryBytes();
        for (int i = 0; i < 300; ++i) s->add(std::to_string(i), 512);
        s->add(first, 512);
        CHECK(s->memoryBytes() > empty);
        std::unique_ptr<mini_redis::Collection> copy(s->clone());
        auto* c = static_cast<SetValue*>(copy.get());
        CHECK(c->encoding() == s->encoding());
        CHECK(contents(*c) == contents(*s));
        CHECK(c->memoryBytes() == s->memoryBytes());
        c->add("new", 512);
        c->remove("1");
        CHECK_FALSE(s->contains("new"));
        CHECK(s->contains("1"));
        // Removing everything gives the members' memory back.
        for (int i = 0; i < 300; ++i) s->remove(std::to_string(i));
        s->remove(first);
        CHECK(s->length() == 0);
        CHECK(s->memoryBytes() <= empty + 64);
    }
}

TEST_CASE("randomMembers: SRANDMEMBER's count semantics") {
    std::mt19937_64 rng(5);
    for (const char* extra : {"", "x"}) {  // an intset, then a table
        auto s = std::make_unique<SetValue>();
        for (int i = 0; i < 30; ++i) s->add(std::to_string(i * 7), 512);
        if (*extra) s->add(extra, 512);
        const std::set<std::string> all = contents(*s);
        for (size_t count :
             {size_t{0}, size_t{1}, size_t{5}, size_t{10}, size_t{11}, size_t{29}, s->length()}) {
            std::vector<std::string> out;
            s->randomMembers(count, true, rng, out);
            CHECK(out.size() == count);
            std::set<std::string> distinct(out.begin(), out.end());
            CHECK(distinct.size() == count);  // positive count: no duplicates
            for (const auto& m : out) CHECK(all.count(m) == 1);
        }
        std::vector<std::string> out;
        s->randomMembers(200, false, rng, out);  // negative count: draws with repeats
        CHECK(out.size() == 200);
        std::set<std::string> distinct(out.begin(), out.end());
        CHECK(distinct.size() < out.size());
        for (const auto& m : out) CHECK(all.count(m) == 1);
        CHECK(contents(*s) == all);  // nothing changed
    }
}

TEST_CASE("random picks are roughly uniform in both forms") {
    std::mt19937_64 rng(9);
    for (const char* extra : {"", "x"}) {
        auto s = std::make_unique<SetValue>();
        for (int i = 0; i < 10; ++i) s->add(std::to_string(i), 512);
        if (*extra) s->add(extra, 512);
        std::map<std::string, int> hits;
        SetValue::IntText text;
        const int draws = 110000;
        for (int i = 0; i < draws; ++i)
            ++hits[std::string(s->memberAt(s->randomPosition(rng), text))];
        REQUIRE(hits.size() == s->length());
        const double expected = static_cast<double>(draws) / static_cast<double>(s->length());
        for (const auto& [m, n] : hits) {
            CHECK(n > expected * 0.9);
            CHECK(n < expected * 1.1);
        }
    }
}

TEST_CASE("popRandom: distinct members, removed, all of them at or past the length") {
    std::mt19937_64 rng(13);
    for (const char* extra : {"", "x"}) {
        for (size_t count :
             {size_t{1}, size_t{3}, size_t{40}, size_t{99}, size_t{100}, size_t{1000}}) {
            auto s = std::make_unique<SetValue>();
            std::set<std::string> model;
            for (int i = 0; i < 99; ++i) {
                s->add(std::to_string(i), 512);
                model.insert(std::to_string(i));
            }
            if (*extra) {
                s->add(extra, 512);
                model.insert(extra);
            }
            std::vector<std::string> popped;
            s->popRandom(count, rng, popped);
            CHECK(popped.size() == std::min(count, model.size()));
            for (const auto& m : popped) CHECK(model.erase(m) == 1);  // each once, a member
            checkSame(*s, model);
        }
    }
}

TEST_CASE("scan: an intset answers everything at once; a table keeps the cursor promise") {
    auto s = std::make_unique<SetValue>();
    for (int i = 0; i < 100; ++i) s->add(std::to_string(i), 512);
    for (uint64_t cursor : {uint64_t{0}, uint64_t{5}, uint64_t{123456}}) {
        std::set<std::string> seen;
        CHECK(s->scan(cursor, 1, [&](std::string_view m) { seen.emplace(m); }) == 0);
        CHECK(seen.size() == 100);
    }

    // A table: members present for the whole pass come back at least once, while others are
    // added (growth, and the intset -> table switch itself before the pass) and removed.
    std::mt19937_64 rng(17);
    s->add("x", 512);
    const std::set<std::string> stable = contents(*s);
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0, grow = 0;
    do {
        cursor = s->scan(cursor, 1 + rng() % 5, [&](std::string_view m) { seen.emplace(m); });
        for (int k = 0; k < 40; ++k) s->add(name("g", grow++), 512);
        if (rng() % 3 == 0) {
            for (int k = 0; k < grow; ++k) s->remove(name("g", k));
        }
        REQUIRE(++calls < 100000);
    } while (cursor != 0);
    for (const auto& m : stable) CHECK(seen.count(m) == 1);
}
