// Unit tests for Listpack: random operations against a std::deque model, walked both ways.
#include "listpack.h"

#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>

using mini_redis::Listpack;

namespace {

void checkSame(const Listpack& lp, const std::deque<std::string>& model) {
    REQUIRE(lp.size() == model.size());
    size_t pos = lp.begin();
    for (const auto& s : model) {
        REQUIRE(pos < lp.end());
        CHECK(lp.at(pos) == s);
        pos = lp.next(pos);
    }
    CHECK(pos == lp.end());
    for (size_t i = model.size(); i-- > 0;) {
        pos = lp.prev(pos);
        CHECK(lp.at(pos) == model[i]);
    }
}

std::string randomValue(std::mt19937& rng) {
    // Mostly short, sometimes past one and two varint bytes (127, 16383).
    std::uniform_int_distribution<int> pick(0, 9);
    int kind = pick(rng);
    size_t len = kind < 6 ? rng() % 12 : kind < 9 ? 100 + rng() % 60 : 16300 + rng() % 200;
    std::string s(len, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

}  // namespace

TEST_CASE("an empty listpack holds no block") {
    Listpack lp;
    CHECK(lp.size() == 0);
    CHECK(lp.allocatedBytes() == 0);
    CHECK(lp.begin() == lp.end());
    CHECK(lp.seek(0) == lp.end());
    lp.pushBack("x");
    CHECK(lp.size() == 1);
    lp.erase(lp.begin());
    CHECK(lp.allocatedBytes() == 0);
}

TEST_CASE("entries take one length byte each way when short") {
    CHECK(Listpack::entryBytes(0) == 2);
    CHECK(Listpack::entryBytes(5) == 7);
    CHECK(Listpack::entryBytes(125) == 127);
    CHECK(Listpack::entryBytes(126) == 128);
    CHECK(Listpack::entryBytes(127) == 130);  // the body (1 + 127) needs a 2-byte back length
    Listpack lp;
    lp.pushBack("abc");
    lp.pushBack("");
    CHECK(lp.usedBytes() == Listpack::kHeader + 5 + 2);
}

TEST_CASE("random operations match a deque model") {
    for (uint32_t seed = 1; seed <= 20; ++seed) {
        std::mt19937 rng(seed);
        Listpack lp;
        std::deque<std::string> model;
        for (int step = 0; step < 400; ++step) {
            const int op = static_cast<int>(rng() % 7);
            if (op <= 2 || model.empty()) {
                size_t i = model.empty() ? 0 : rng() % (model.size() + 1);
                std::string v = randomValue(rng);
                size_t pos = i == model.size() ? lp.end() : lp.seek(static_cast<int64_t>(i));
                CHECK(lp.at(lp.insert(pos, v)) == v);
                model.insert(model.begin() + static_cast<ptrdiff_t>(i), v);
            } else if (op == 3) {
                size_t i = rng() % model.size();
                size_t n = 1 + rng() % 3;
                lp.erase(lp.seek(static_cast<int64_t>(i)), n);
                model.erase(model.begin() + static_cast<ptrdiff_t>(i),
                            model.begin() + static_cast<ptrdiff_t>(std::min(model.size(), i + n)));
            } else if (op == 4) {
                size_t i = rng() % model.size();
                std::string v = randomValue(rng);
                lp.replace(lp.seek(static_cast<int64_t>(i)), v);
                model[i] = v;
            } else if (op == 5) {
                std::string a = randomValue(rng), b = randomValue(rng);
                lp.insertPair(lp.begin(), a, b);
                model.push_front(b);
                model.push_front(a);
            } else {
                int64_t i = -1 - static_cast<int64_t>(rng() % model.size());
                CHECK(lp.at(lp.seek(i)) == model[model.size() + static_cast<size_t>(i)]);
                CHECK(lp.find(model.back(), lp.begin()) != lp.end());
            }
            checkSame(lp, model);
            Listpack copy(lp);
            CHECK(copy.size() == lp.size());
        }
    }
}

TEST_CASE("find looks at every step-th entry") {
    Listpack lp;
    lp.insertPair(lp.end(), "f1", "f2");
    lp.insertPair(lp.end(), "f2", "v");
    CHECK(lp.find("f2", lp.begin(), 2) == lp.seek(2));
    CHECK(lp.find("v", lp.begin(), 2) == lp.end());
    CHECK(lp.find("v", lp.begin(), 1) == lp.seek(3));
}
