// KeyTable: the compact per-shard hash table, checked against std::unordered_map as a model.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "key_table.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <unordered_map>

using mini_redis::KeyTable;
using namespace std::string_literals;

namespace {
bool put(KeyTable& t, std::string_view k, std::string_view v) {
    return t.put(k, t.hashOf(k), v);
}
std::optional<std::string_view> find(const KeyTable& t, std::string_view k) {
    return t.find(k, t.hashOf(k));
}
}  // namespace

TEST_CASE("put reports new keys, overwrites keep one entry, values are binary-safe") {
    KeyTable t;
    CHECK(put(t, "a", "1"));
    CHECK_FALSE(put(t, "a", "longer value than before, past any in-place room"));
    CHECK(find(t, "a") == "longer value than before, past any in-place room");
    CHECK(put(t, "bin\0key"s, "v\r\n\0x"s));
    CHECK(find(t, "bin\0key"s) == "v\r\n\0x"s);
    CHECK_FALSE(find(t, "bin").has_value());
    CHECK(put(t, "", ""));  // the empty key is a key
    CHECK(find(t, "") == "");
    CHECK(t.size() == 3);
}

TEST_CASE("append creates, extends, and keeps the key") {
    KeyTable t;
    CHECK(t.append("k", t.hashOf("k"), "ab") == "ab");
    for (int i = 0; i < 1000; ++i) t.append("k", t.hashOf("k"), "c");
    CHECK(find(t, "k")->size() == 1002);
    CHECK(t.size() == 1);
}

TEST_CASE("erase with backward shift keeps every other key reachable") {
    KeyTable t;
    for (int i = 0; i < 5000; ++i) put(t, "k" + std::to_string(i), std::to_string(i));
    for (int i = 0; i < 5000; i += 3)
        CHECK(t.erase("k" + std::to_string(i), t.hashOf("k" + std::to_string(i))));
    for (int i = 0; i < 5000; ++i) {
        auto v = find(t, "k" + std::to_string(i));
        if (i % 3 == 0) {
            CHECK_FALSE(v.has_value());
        } else {
            REQUIRE(v.has_value());
            CHECK(*v == std::to_string(i));
        }
    }
    CHECK_FALSE(t.erase("k0", t.hashOf("k0")));
}

TEST_CASE("randomised operations agree with unordered_map") {
    std::mt19937_64 rng(7);
    KeyTable t;
    std::unordered_map<std::string, std::string> model;
    for (int step = 0; step < 200000; ++step) {
        std::string k = "key" + std::to_string(rng() % 3000);
        uint64_t h = t.hashOf(k);
        switch (rng() % 4) {
            case 0: {
                std::string v(rng() % 48, static_cast<char>('a' + rng() % 26));
                CHECK(t.put(k, h, v) == (model.count(k) == 0));
                model[k] = v;
                break;
            }
            case 1:
                CHECK(t.erase(k, h) == (model.erase(k) == 1));
                break;
            case 2: {
                std::string s(rng() % 4, 'z');
                model[k] += s;
                CHECK(t.append(k, h, s) == model[k]);
                break;
            }
            default: {
                auto v = t.find(k, h);
                auto it = model.find(k);
                REQUIRE(v.has_value() == (it != model.end()));
                if (v) CHECK(*v == it->second);
            }
        }
    }
    CHECK(t.size() == model.size());
    size_t seen = 0;
    t.forEach([&](std::string_view k, std::string_view v) {
        ++seen;
        CHECK(model.at(std::string(k)) == v);
    });
    CHECK(seen == model.size());
}

TEST_CASE("memoryBytes tracks entries and returns to zero on clear") {
    KeyTable t;
    CHECK(t.memoryBytes() == 0);
    for (int i = 0; i < 1000; ++i) put(t, "key:" + std::to_string(i), std::string(16, 'v'));
    // Each entry holds 8 header bytes + key + value; the slot array adds 8 bytes a slot.
    CHECK(t.memoryBytes() >= 1000 * (8 + 8 + 16) + 1000 * 8);
    CHECK(t.memoryBytes() < 1000 * 100);  // compact: well under unordered_map's ~170 B/key
    t.clear();
    CHECK(t.size() == 0);
    CHECK(t.memoryBytes() == 0);
    CHECK_FALSE(find(t, "key:1").has_value());
}
