// Unit tests for the RDB writer, loader and value codec: every type in both encodings round
// trips (value, encoding, TTL, database), DUMP-style value bytes match Redis's, and a file
// truncated at any byte or damaged anywhere loads as an error, never a crash.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "clock.h"
#include "hash_value.h"
#include "list_value.h"
#include "lock_scope.h"
#include "rdb_loader.h"
#include "rdb_writer.h"
#include "set_value.h"
#include "value_codec.h"
#include "zset_value.h"

using namespace mini_redis;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct Fixture {
    ManualClock clock{kNow};
    Store store{16, 8, KeyHash::process(), clock};
};

void put(Store& store, int db, std::string_view key, std::unique_ptr<Collection> c, ValueType t,
         int64_t at = kNoExpiry) {
    LockScope scope(store);
    scope.lockAll();
    scope.setCollection(db, key, t, std::move(c), at);
}

void putString(Store& store, int db, std::string_view key, std::string_view v,
               int64_t at = kNoExpiry) {
    LockScope scope(store);
    scope.lockAll();
    scope.setString(db, key, v, at);
}

// Everything about a key that a round trip must keep: type, encoding, TTL, contents (in order
// for lists and sorted sets, sorted for sets and hashes).
std::string describe(const KeyTable::Entry* e) {
    std::string out = std::string(typeName(KeyTable::type(e))) +
                      " ttl=" + std::to_string(KeyTable::expireAt(e)) + " ";
    const Collection* c = KeyTable::collection(e);
    std::vector<std::string> items;
    switch (KeyTable::type(e)) {
        case ValueType::String:
            return out + std::string(KeyTable::value(e));
        case ValueType::List: {
            auto* l = static_cast<const ListValue*>(c);
            l->forRange(0, l->length(), [&](std::string_view v) { items.emplace_back(v); });
            break;
        }
        case ValueType::Set:
            static_cast<const SetValue*>(c)->forEach(
                [&](std::string_view m) { items.emplace_back(m); });
            std::sort(items.begin(), items.end());
            break;
        case ValueType::Hash:
            static_cast<const HashValue*>(c)->forEach([&](std::string_view f, std::string_view v) {
                items.push_back(std::string(f) + "=" + std::string(v));
            });
            std::sort(items.begin(), items.end());
            break;
        case ValueType::ZSet: {
            auto* z = static_cast<const ZSetValue*>(c);
            for (auto cur = z->at(0); cur.valid(); cur.next()) {
                items.push_back(std::string(cur.member()) + ":" + std::to_string(cur.score()));
            }
            break;
        }
    }
    out += std::string(c->encoding()) + " [";
    for (auto& i : items) out += i + ",";
    return out + "]";
}

std::map<std::string, std::string> snapshot(Store& store) {
    std::map<std::string, std::string> out;
    LockScope scope(store);
    scope.lockAll();
    for (int db = 0; db < store.databases(); ++db) {
        store.forEachEntryHeld(db, [&](const KeyTable::Entry* e) {
            out[std::to_string(db) + "/" + std::string(KeyTable::key(e))] = describe(e);
        });
    }
    return out;
}

void fill(Store& s) {
    const HashLimits hl;
    const ZSetValue::Limits zl;
    putString(s, 0, "int", "12345");
    putString(s, 0, "big-int", "123456789012345");
    putString(s, 0, "neg", "-7");
    putString(s, 0, "text", "hello");
    putString(s, 0, "long", std::string(1004, 'a'));
    putString(s, 0, "empty", "");
    putString(s, 0, "ttl", "soon", kNow + 60000);
    putString(s, 0, "expired", "gone", kNow - 1);  // not loaded back
    putString(s, 3, "other-db", "x");

    auto small_list = std::make_unique<ListValue>(-2);
    for (auto v : {"a", "1", "-300", "b"}) small_list->push(ListValue::End::Tail, v);
    put(s, 0, "list", std::move(small_list), ValueType::List);
    auto big_list = std::make_unique<ListValue>(-2);
    for (int i = 0; i < 5000; ++i)
        big_list->push(ListValue::End::Tail, std::string("element-").append(std::to_string(i)));
    REQUIRE(big_list->nodeCount() > 1);
    put(s, 1, "biglist", std::move(big_list), ValueType::List, kNow + 1000000);

    auto iset = std::make_unique<SetValue>();
    for (auto v : {"5", "-70000", "1", "9000000000"}) iset->add(v, 512);
    put(s, 0, "intset", std::move(iset), ValueType::Set);
    auto hset = SetValue::forMember("m");
    for (auto v : {"m", "n", "1"}) hset->add(v, 512);
    put(s, 0, "set", std::move(hset), ValueType::Set);

    auto lph = std::make_unique<HashValue>();
    lph->set("f1", "v1", hl);
    lph->set("n", "42", hl);
    put(s, 0, "hash", std::move(lph), ValueType::Hash);
    auto bigh = std::make_unique<HashValue>();
    for (int i = 0; i < 600; ++i)
        bigh->set(std::string("field").append(std::to_string(i)), std::to_string(i), hl);
    REQUIRE_FALSE(bigh->isListpack());
    put(s, 2, "bighash", std::move(bigh), ValueType::Hash);

    auto lpz = ZSetValue::forFirstMember("a", zl);
    lpz->add("a", 1, 0, zl);
    lpz->add("b", 2.5, 0, zl);
    lpz->add("c", -1e300, 0, zl);
    lpz->add("inf", INFINITY, 0, zl);
    put(s, 0, "zset", std::move(lpz), ValueType::ZSet);
    auto bigz = ZSetValue::forFirstMember("m0", zl);
    for (int i = 0; i < 300; ++i)
        bigz->add(std::string("m").append(std::to_string(i)), i * 0.5, 0, zl);
    REQUIRE_FALSE(bigz->compact());
    put(s, 0, "bigzset", std::move(bigz), ValueType::ZSet);
}

}  // namespace

TEST_CASE("every type in both encodings round-trips with TTLs and databases") {
    for (bool compression : {true, false}) {
        for (bool checksum : {true, false}) {
            Fixture a;
            fill(a.store);
            std::string bytes = rdbBytes(a.store, RdbOptions{compression, checksum});
            CHECK(bytes.substr(0, 9) == "REDIS0010");
            Fixture b;
            RdbLoadResult r = loadRdbBytes(bytes, b.store, nullptr);
            INFO(r.error);
            REQUIRE(r.ok);
            auto want = snapshot(a.store);
            want.erase("0/expired");
            CHECK(r.keys == want.size());
            CHECK(snapshot(b.store) == want);
        }
    }
}

TEST_CASE("checksum: a flipped byte is caught; zeros mean none") {
    Fixture a;
    putString(a.store, 0, "k", "value");
    std::string bytes = rdbBytes(a.store, RdbOptions{});
    std::string bad = bytes;
    bad[bad.size() - 12] ^= 1;  // inside the value or EOF region
    Fixture b;
    CHECK_FALSE(loadRdbBytes(bad, b.store, nullptr).ok);
    std::string plain = rdbBytes(a.store, RdbOptions{true, false});
    CHECK(plain.substr(plain.size() - 8) == std::string(8, '\0'));
}

TEST_CASE("a file cut at every byte is an error, and a damaged one never crashes") {
    Fixture a;
    fill(a.store);
    {
        LockScope scope(a.store);
        scope.lockAll();
        scope.remove(1, "biglist");  // keep the file small: this loops over every byte
        scope.remove(2, "bighash");
        scope.remove(0, "bigzset");
    }
    std::string bytes = rdbBytes(a.store, RdbOptions{});
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        Fixture b;
        RdbLoadResult r = loadRdbBytes(std::string_view(bytes).substr(0, cut), b.store, nullptr);
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.error.empty());
    }
    // Without the checksum, a damaged byte reaches the value parsers.
    std::string plain = rdbBytes(a.store, RdbOptions{true, false});
    for (size_t i = 9; i < plain.size() - 9; ++i) {
        for (uint8_t x : {0x01, 0x80, 0xff}) {
            std::string bad = plain;
            bad[i] = static_cast<char>(bad[i] ^ x);
            Fixture b;
            loadRdbBytes(bad, b.store, nullptr);  // ok or an error; no crash, no hang
        }
    }
}

TEST_CASE("value bytes match what Redis 7.0 DUMPs") {
    Fixture a;
    putString(a.store, 0, "s", "hello");
    putString(a.store, 0, "i", "300");
    auto l = std::make_unique<ListValue>(-2);
    l->push(ListValue::End::Tail, "a");
    put(a.store, 0, "l", std::move(l), ValueType::List);
    LockScope scope(a.store);
    scope.lockAll();
    auto enc = [&](std::string_view key) {
        std::string out;
        RdbEncoder e(out);
        const KeyTable::Entry* entry = scope.find(0, key);
        e.byte(ValueCodec::rdbType(entry));
        ValueCodec::write(entry, e);
        return out;
    };
    // redis-server 7.0.15: DUMP of SET s hello, SET i 300, RPUSH l a (before the footer).
    CHECK(enc("s") == std::string("\x00\x05hello", 7));
    CHECK(enc("i") == std::string("\x00\xc1\x2c\x01", 4));
    CHECK(enc("l") == std::string("\x12\x01\x02\x0a\x0a\x00\x00\x00\x01\x00\x81\x61\x02\xff", 14));
}

TEST_CASE("streams and modules are refused by name; an unknown version too") {
    Fixture b;
    std::string file = std::string("REDIS0010") + "\x0f\x01k";
    RdbLoadResult r = loadRdbBytes(file, b.store, nullptr);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("stream") != std::string::npos);
    r = loadRdbBytes("REDIS0011\xff", b.store, nullptr);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("version 11") != std::string::npos);
}

TEST_CASE("random value bytes behind every type byte: an error or a value, never a crash") {
    std::mt19937 rng(12345);
    const CollectionLimits limits;
    for (int type = 0; type < 22; ++type) {
        for (int round = 0; round < 300; ++round) {
            std::string body(rng() % 64, '\0');
            for (char& c : body) c = static_cast<char>(rng());
            RdbDecoder dec(body);
            DecodedValue out;
            ValueCodec::read(static_cast<uint8_t>(type), dec, limits, out);
        }
    }
    // An LZF string claiming a huge length from a few bytes is refused before any allocation.
    std::string lie("\xc3\x02\x80\xff\xff\xff\xf0\x00\x00", 9);
    RdbDecoder dec(lie);
    std::string s;
    CHECK_FALSE(dec.string(s));
}
