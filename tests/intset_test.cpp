// Unit tests for IntSet: random operations against a std::set model, width upgrades, copies.
#include "intset.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <vector>

using mini_redis::IntSet;

namespace {

void checkSame(const IntSet& s, const std::set<int64_t>& model) {
    REQUIRE(s.size() == model.size());
    size_t i = 0;
    for (int64_t v : model) {
        CHECK(s.at(i) == v);
        ++i;
    }
}

// Values of every width, so a run upgrades 2 -> 4 -> 8 bytes at random moments.
int64_t randomValue(std::mt19937_64& rng, int width_bias) {
    switch (rng() % static_cast<uint64_t>(width_bias)) {
        case 0:
            return static_cast<int64_t>(rng());
        case 1:
            return static_cast<int32_t>(rng());
        default:
            return static_cast<int16_t>(rng() % 200) - 100;
    }
}

}  // namespace

TEST_CASE("widths: 2, 4, 8 bytes, widened in place, never narrowed") {
    IntSet s;
    CHECK(s.width() == 2);
    CHECK(s.insert(5));
    CHECK(s.insert(-32768));
    CHECK(s.insert(32767));
    CHECK(s.width() == 2);
    CHECK(s.insert(32768));  // past int16: every member widens to 4 bytes
    CHECK(s.width() == 4);
    CHECK(s.insert(-2147483648LL));
    CHECK(s.width() == 4);
    CHECK(s.insert(-2147483649LL));  // below int32, goes first
    CHECK(s.width() == 8);
    CHECK(s.insert(INT64_MAX));
    CHECK(s.insert(INT64_MIN));
    checkSame(s, {INT64_MIN, -2147483649LL, -2147483648LL, -32768, 5, 32767, 32768, INT64_MAX});
    CHECK(s.erase(INT64_MAX));
    CHECK(s.erase(INT64_MIN));
    CHECK(s.erase(-2147483649LL));
    CHECK(s.width() == 8);  // as Redis: an intset never narrows
    CHECK_FALSE(s.insert(5));
    CHECK_FALSE(s.erase(6));
    CHECK(s.contains(32768));
    CHECK_FALSE(s.contains(INT64_MAX));
    // A value too wide for the current width is looked for without a search.
    IntSet narrow;
    narrow.insert(1);
    CHECK_FALSE(narrow.contains(1LL << 40));
    CHECK_FALSE(narrow.contains(-(1LL << 40)));
    CHECK_FALSE(narrow.erase(1LL << 40));
}

TEST_CASE("random operations against std::set") {
    for (int width_bias : {3, 20, 400}) {
        std::mt19937_64 rng(static_cast<uint64_t>(width_bias));
        IntSet s;
        std::set<int64_t> model;
        for (int step = 0; step < 4000; ++step) {
            const int64_t v =
                (rng() % 3 == 0 && !model.empty())
                    ? *std::next(model.begin(), static_cast<long>(rng() % model.size()))
                    : randomValue(rng, width_bias);
            const int op = static_cast<int>(rng() % 10);
            if (op < 6) {
                CHECK(s.insert(v) == model.insert(v).second);
            } else if (op < 9) {
                CHECK(s.erase(v) == (model.erase(v) == 1));
            } else if (!model.empty()) {
                const size_t i = rng() % model.size();
                model.erase(std::next(model.begin(), static_cast<long>(i)));
                s.eraseAt(i);
            }
            CHECK(s.contains(v) == (model.count(v) == 1));
            checkSame(s, model);
            if (s.size() > 0) CHECK(s.allocatedBytes() >= 8 + s.size() * s.width());
        }
    }
}

TEST_CASE("eraseFlagged, copies, moves, memory given back") {
    IntSet s;
    for (int64_t v = 0; v < 1000; ++v) s.insert(v * 3);
    const size_t full = s.allocatedBytes();
    std::vector<char> drop(s.size());
    std::set<int64_t> model;
    for (size_t i = 0; i < drop.size(); ++i) {
        drop[i] = (i % 4 != 0);
        if (!drop[i]) model.insert(static_cast<int64_t>(i) * 3);
    }
    bool flags[1000];
    for (size_t i = 0; i < 1000; ++i) flags[i] = drop[i] != 0;
    s.eraseFlagged(flags);
    checkSame(s, model);
    CHECK(s.allocatedBytes() < full);  // three quarters went: the block shrank

    IntSet copy(s);
    checkSame(copy, model);
    copy.insert(1);
    CHECK_FALSE(s.contains(1));
    IntSet moved(std::move(copy));
    CHECK(moved.contains(1));
    CHECK(copy.size() == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
    s = moved;
    CHECK(s.contains(1));
    s.clear();
    CHECK(s.size() == 0);
    CHECK(s.allocatedBytes() == 0);
}
