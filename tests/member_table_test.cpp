// Unit tests for MemberTable: random operations against a std::set model, the scan cursor's
// guarantee while the table grows and shrinks, uniform random slots, memory per member.
#include "member_table.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using mini_redis::MemberTable;

namespace {

// prefix + a number (+ ':' + another). (Built with append: GCC 12 warns falsely on the
// "literal" + std::string form.)
std::string name(const char* prefix, unsigned long long a) {
    std::string out(prefix);
    out.append(std::to_string(a));
    return out;
}
std::string name(const char* prefix, unsigned long long a, unsigned long long b) {
    std::string out = name(prefix, a);
    out.append(":").append(std::to_string(b));
    return out;
}

std::set<std::string> contents(const MemberTable& t) {
    std::set<std::string> out;
    size_t n = 0;
    t.forEach([&](std::string_view m) {
        out.emplace(m);
        ++n;
    });
    CHECK(n == out.size());  // no member twice
    return out;
}

std::string randomMember(std::mt19937_64& rng) {
    // Mostly short; sometimes past one varint byte of length (127) and with NULs.
    const size_t len = rng() % 10 == 0 ? 120 + rng() % 20 : rng() % 8;
    std::string s(len, '\0');
    for (auto& c : s) c = static_cast<char>('a' + rng() % 4);
    if (len > 2 && rng() % 5 == 0) s[1] = '\0';
    return s;
}

}  // namespace

TEST_CASE("random operations against std::set") {
    std::mt19937_64 rng(7);
    MemberTable t;
    std::set<std::string> model;
    for (int step = 0; step < 20000; ++step) {
        const std::string m = randomMember(rng);
        const int op = static_cast<int>(rng() % 10);
        // Phases: mostly growing, then mostly shrinking, so both resizes happen many times.
        const bool growing = (step / 2500) % 2 == 0;
        if (op < (growing ? 7 : 3)) {
            CHECK(t.insert(m) == model.insert(m).second);
        } else if (op < 9) {
            CHECK(t.erase(m) == (model.erase(m) == 1));
        } else if (t.size() > 0) {
            const size_t slot = t.randomSlot(rng);
            CHECK(model.erase(std::string(t.slotMember(slot))) == 1);
            t.eraseSlot(slot);
        }
        CHECK(t.contains(m) == (model.count(m) == 1));
        REQUIRE(t.size() == model.size());
        if (step % 50 == 0) CHECK(contents(t) == model);
        // Kept between 1/8 and 3/4 full (a table of 8 slots may hold fewer).
        if (t.size() > 0) {
            CHECK(t.size() * 4 <= t.slotCount() * 3);
            CHECK((t.slotCount() == 8 || t.size() * 8 >= t.slotCount()));
        } else {
            CHECK(t.slotCount() == 0);
            CHECK(t.memoryBytes() == 0);  // an emptied table holds nothing
        }
    }
}

TEST_CASE("the empty member, binary members, copies and moves") {
    MemberTable t;
    CHECK(t.insert(""));
    CHECK_FALSE(t.insert(""));
    CHECK(t.insert(std::string("a\0b", 3)));
    CHECK_FALSE(t.contains("a"));
    CHECK(t.contains(std::string("a\0b", 3)));
    for (int i = 0; i < 100; ++i) t.insert(name("m", i));
    MemberTable copy(t);
    CHECK(contents(copy) == contents(t));
    CHECK(copy.memoryBytes() == t.memoryBytes());
    copy.erase("");
    CHECK(t.contains(""));
    MemberTable moved(std::move(copy));
    CHECK(moved.size() == 101);
    t = std::move(moved);
    CHECK(t.size() == 101);
    CHECK_FALSE(t.contains(""));
    t.clear();
    CHECK(t.size() == 0);
    CHECK(t.memoryBytes() == 0);
}

TEST_CASE("scan: every member present for the whole pass comes back, through growth and shrink") {
    std::mt19937_64 rng(11);
    for (int round = 0; round < 30; ++round) {
        MemberTable t;
        const int initial = 1 + static_cast<int>(rng() % 300);
        std::set<std::string> stable;  // never removed during the pass
        std::vector<std::string> transient;
        for (int i = 0; i < initial; ++i) {
            std::string m = name("s", round, i);
            t.insert(m);
            stable.insert(m);
        }
        std::set<std::string> seen;
        uint64_t cursor = 0;
        int steps = 0;
        do {
            cursor = t.scanStep(cursor, [&](std::string_view m) { seen.emplace(m); });
            // Between steps the table grows (adds) or shrinks (the transient members go).
            const int what = static_cast<int>(rng() % 4);
            if (what == 0) {
                for (int k = 0; k < 200; ++k) {
                    transient.push_back(name("t", steps, k));
                    t.insert(transient.back());
                }
            } else if (what == 1) {
                for (const auto& m : transient) t.erase(m);
                transient.clear();
            }
            ++steps;
            REQUIRE(steps < 1000000);
        } while (cursor != 0);
        for (const auto& m : stable) CHECK(seen.count(m) == 1);
    }
}

TEST_CASE("scan without changes visits each member exactly once") {
    MemberTable t;
    for (int i = 0; i < 5000; ++i) t.insert(std::to_string(i));
    std::map<std::string, int> times;
    uint64_t cursor = 0;
    do {
        cursor = t.scanStep(cursor, [&](std::string_view m) { ++times[std::string(m)]; });
    } while (cursor != 0);
    CHECK(times.size() == 5000);
    for (const auto& [m, n] : times) CHECK(n == 1);
    CHECK(MemberTable().scanStep(12345, [](std::string_view) {}) == 0);
}

TEST_CASE("randomSlot is uniform over members") {
    MemberTable t;
    for (int i = 0; i < 20; ++i) t.insert(name("m", i));
    // Remove some so slots and members differ in number.
    for (int i = 0; i < 20; i += 3) t.erase(name("m", i));
    std::mt19937_64 rng(3);
    std::map<std::string, int> hits;
    const int draws = 130000;
    for (int i = 0; i < draws; ++i) ++hits[std::string(t.slotMember(t.randomSlot(rng)))];
    REQUIRE(hits.size() == t.size());
    const double expected = static_cast<double>(draws) / static_cast<double>(t.size());
    for (const auto& [m, n] : hits) {
        CHECK(n > expected * 0.9);
        CHECK(n < expected * 1.1);
    }
}

TEST_CASE("memory per member: below Redis's dictEntry + sds + bucket") {
    MemberTable t;
    const int n = 100000;
    for (int i = 0; i < n; ++i) t.insert(name("member:", i));  // 8-12 bytes
    // Redis 7.0 on jemalloc: dictEntry 24 -> 32, sds of 12 bytes (3 + 12 + 1) -> 16, and one
    // 8-byte bucket per member at the least: 56 bytes.
    const double per_member = static_cast<double>(t.memoryBytes()) / n;
    MESSAGE("bytes per member: " << per_member);
    CHECK(per_member < 40);
    // Counting is incremental and exact: emptying it gives everything back.
    for (int i = 0; i < n; ++i) t.erase(name("member:", i));
    CHECK(t.memoryBytes() == 0);
}
