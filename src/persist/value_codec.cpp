// ValueCodec: Redis 7.0's rdbSaveObject / rdbLoadObject forms for every type we hold.
#include "value_codec.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "config.h"
#include "list_value.h"
#include "rdb_format.h"
#include "redis_intset.h"
#include "redis_listpack.h"
#include "redis_ziplist.h"
#include "set_value.h"

namespace mini_redis {

CollectionLimits CollectionLimits::fromConfig(const Config& c) {
    CollectionLimits l;
    l.list_fill = c.list_max_listpack_size;
    l.hash = HashLimits{c.hash_max_listpack_entries, c.hash_max_listpack_value};
    l.set_max_intset_entries = c.set_max_intset_entries;
    l.zset = ZSetValue::Limits{c.zset_max_listpack_entries, c.zset_max_listpack_value};
    return l;
}

namespace {

// A zset score as Redis 7.0 puts it in a listpack: an integer when double2ll takes it, else
// its %.17g text ("inf", "-inf").
void appendScore(RedisListpack& lp, double score) {
    int64_t iv;
    if (ZSetListpack::scoreAsInteger(score, iv)) {
        lp.appendInteger(iv);
        return;
    }
    char buf[64];
    int n;
    if (std::isinf(score)) {
        n = std::snprintf(buf, sizeof buf, "%s", score > 0 ? "inf" : "-inf");
    } else {
        n = std::snprintf(buf, sizeof buf, "%.17g", score);
    }
    lp.append(std::string_view(buf, static_cast<size_t>(n)));
}

bool parseScore(std::string_view text, double& out) {
    std::string s(text);
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && end == s.c_str() + s.size() && !std::isnan(out);
}

void writeList(const ListValue& list, RdbEncoder& enc) {
    std::vector<std::string> nodes;
    RedisListpack lp;
    bool started = false;
    list.forRange(
        0, list.length(),
        [&](size_t, size_t) {
            if (started) nodes.push_back(std::exchange(lp, RedisListpack()).finish());
            started = true;
        },
        [&](std::string_view v) { lp.append(v); });
    if (started) nodes.push_back(lp.finish());
    enc.length(nodes.size());
    for (const auto& n : nodes) {
        enc.length(rdb::kQuicklistPacked);
        enc.blob(n);
    }
}

void writeSet(const SetValue& set, RdbEncoder& enc) {
    if (set.isIntset()) {
        std::vector<int64_t> ints;
        ints.reserve(set.length());
        set.forEach([&](std::string_view m) {
            int64_t v = 0;
            SetValue::asInteger(m, v);
            ints.push_back(v);
        });
        enc.blob(RedisIntset::build(ints, set.intsetWidth()));
        return;
    }
    enc.length(set.length());
    set.forEach([&](std::string_view m) { enc.string(m); });
}

void writeHash(const HashValue& hash, RdbEncoder& enc) {
    if (hash.isListpack()) {
        RedisListpack lp;
        hash.forEach([&](std::string_view f, std::string_view v) {
            lp.append(f);
            lp.append(v);
        });
        enc.blob(lp.finish());
        return;
    }
    enc.length(hash.length());
    hash.forEach([&](std::string_view f, std::string_view v) {
        enc.string(f);
        enc.string(v);
    });
}

void writeZSet(const ZSetValue& z, RdbEncoder& enc) {
    if (z.compact()) {
        RedisListpack lp;
        for (auto c = z.at(0); c.valid(); c.next()) {
            lp.append(c.member());
            appendScore(lp, c.score());
        }
        enc.blob(lp.finish());
        return;
    }
    // Greatest first, as Redis writes a skiplist (its loader then inserts at the head).
    enc.length(z.length());
    for (auto c = z.at(z.length() - 1); c.valid(); c.prev()) {
        enc.string(c.member());
        enc.binaryDouble(c.score());
    }
}

// Readers. Each builds the value through its public operations under `limits`.

bool readListElements(std::string_view blob, bool ziplist, ListValue& list, RdbDecoder& dec) {
    std::string err;
    auto push = [&](std::string_view v) {
        list.push(ListValue::End::Tail, v);
        return true;
    };
    bool ok =
        ziplist ? RedisZiplist::parse(blob, push, err) : RedisListpack::parse(blob, push, err);
    return ok || dec.fail(err.empty() ? "bad list node" : err);
}

bool readList(uint8_t type, RdbDecoder& dec, const CollectionLimits& limits, DecodedValue& out) {
    auto list = std::make_unique<ListValue>(limits.list_fill);
    std::string s;
    if (type == rdb::kTypeList) {
        uint64_t n;
        if (!dec.length(n)) return false;
        while (n-- > 0) {
            if (!dec.string(s)) return false;
            list->push(ListValue::End::Tail, s);
        }
    } else if (type == rdb::kTypeListZiplist) {
        if (!dec.string(s) || !readListElements(s, true, *list, dec)) return false;
    } else {
        uint64_t nodes;
        if (!dec.length(nodes)) return false;
        while (nodes-- > 0) {
            uint64_t container = rdb::kQuicklistPacked;
            if (type == rdb::kTypeListQuicklist2 && !dec.length(container)) return false;
            if (!dec.string(s)) return false;
            if (container == rdb::kQuicklistPlain) {
                list->push(ListValue::End::Tail, s);
            } else if (container == rdb::kQuicklistPacked) {
                if (!readListElements(s, type == rdb::kTypeListQuicklist, *list, dec)) return false;
            } else {
                return dec.fail("bad quicklist node container");
            }
        }
    }
    out.type = ValueType::List;
    if (list->length() > 0) out.coll = std::move(list);
    return true;
}

bool readSet(uint8_t type, RdbDecoder& dec, const CollectionLimits& limits, DecodedValue& out) {
    std::unique_ptr<SetValue> set;
    std::string s;
    bool dup = false;
    if (type == rdb::kTypeSet) {
        uint64_t n;
        if (!dec.length(n)) return false;
        set = static_cast<int64_t>(n) > limits.set_max_intset_entries
                  ? SetValue::withTable(std::min<uint64_t>(n, dec.remaining()))
                  : std::make_unique<SetValue>();
        while (n-- > 0) {
            if (!dec.string(s)) return false;
            if (!set->add(s, limits.set_max_intset_entries))
                return dec.fail("duplicate set member");
        }
    } else {
        if (!dec.string(s)) return false;
        set = std::make_unique<SetValue>();
        std::string err;
        SetValue::IntText text;
        bool ok = RedisIntset::parse(
            s,
            [&](int64_t v) {
                if (!set->add(SetValue::format(v, text), limits.set_max_intset_entries)) dup = true;
            },
            err);
        if (!ok) return dec.fail(err);
    }
    if (dup) return dec.fail("duplicate set member");
    out.type = ValueType::Set;
    if (set->length() > 0) out.coll = std::move(set);
    return true;
}

bool readHash(uint8_t type, RdbDecoder& dec, const CollectionLimits& limits, DecodedValue& out) {
    auto hash = std::make_unique<HashValue>();
    std::string f, v;
    if (type == rdb::kTypeHash) {
        uint64_t n;
        if (!dec.length(n)) return false;
        while (n-- > 0) {
            if (!dec.string(f) || !dec.string(v)) return false;
            if (!hash->set(f, v, limits.hash)) return dec.fail("duplicate hash field");
        }
    } else {
        std::string blob, err;
        if (!dec.string(blob)) return false;
        bool have_field = false, dup = false;
        auto pair = [&](std::string_view e) {
            if (!have_field) {
                f.assign(e);
                have_field = true;
                return true;
            }
            have_field = false;
            if (!hash->set(f, e, limits.hash)) dup = true;
            return !dup;
        };
        bool ok = type == rdb::kTypeHashZipmap    ? RedisZiplist::parseZipmap(blob, pair, err)
                  : type == rdb::kTypeHashZiplist ? RedisZiplist::parse(blob, pair, err)
                                                  : RedisListpack::parse(blob, pair, err);
        if (dup) return dec.fail("duplicate hash field");
        if (!ok) return dec.fail(err);
        if (have_field) return dec.fail("hash with a field and no value");
    }
    out.type = ValueType::Hash;
    if (hash->length() > 0) out.coll = std::move(hash);
    return true;
}

bool readZSet(uint8_t type, RdbDecoder& dec, const CollectionLimits& limits, DecodedValue& out) {
    std::unique_ptr<ZSetValue> z;
    bool dup = false, bad_score = false;
    auto add = [&](std::string_view member, double score) {
        if (!z) z = ZSetValue::forFirstMember(member, limits.zset);
        if (z->add(member, score, ZSetValue::kAddNx, limits.zset) != ZSetValue::AddResult::Added) {
            dup = true;
        }
    };
    if (type == rdb::kTypeZSet || type == rdb::kTypeZSet2) {
        uint64_t n;
        if (!dec.length(n)) return false;
        std::string m;
        while (n-- > 0 && !dup) {
            double score;
            if (!dec.string(m)) return false;
            if (type == rdb::kTypeZSet2 ? !dec.binaryDouble(score) : !dec.textDouble(score)) {
                return false;
            }
            if (std::isnan(score)) return dec.fail("sorted set score is NaN");
            add(m, score);
        }
    } else {
        std::string blob, err, member;
        if (!dec.string(blob)) return false;
        bool have_member = false;
        auto pair = [&](std::string_view e) {
            if (!have_member) {
                member.assign(e);
                have_member = true;
                return true;
            }
            have_member = false;
            double score;
            if (!parseScore(e, score)) {
                bad_score = true;
                return false;
            }
            add(member, score);
            return !dup;
        };
        bool ok = type == rdb::kTypeZSetZiplist ? RedisZiplist::parse(blob, pair, err)
                                                : RedisListpack::parse(blob, pair, err);
        if (bad_score) return dec.fail("bad sorted set score");
        if (dup) return dec.fail("duplicate sorted set member");
        if (!ok) return dec.fail(err);
        if (have_member) return dec.fail("sorted set member with no score");
    }
    if (dup) return dec.fail("duplicate sorted set member");
    out.type = ValueType::ZSet;
    if (z && z->length() > 0) out.coll = std::move(z);
    return true;
}

}  // namespace

uint8_t ValueCodec::rdbType(const KeyTable::Entry* e) {
    switch (KeyTable::type(e)) {
        case ValueType::String:
            return rdb::kTypeString;
        case ValueType::List:
            return rdb::kTypeListQuicklist2;
        case ValueType::Set:
            return static_cast<const SetValue*>(KeyTable::collection(e))->isIntset()
                       ? rdb::kTypeSetIntset
                       : rdb::kTypeSet;
        case ValueType::Hash:
            return static_cast<const HashValue*>(KeyTable::collection(e))->isListpack()
                       ? rdb::kTypeHashListpack
                       : rdb::kTypeHash;
        case ValueType::ZSet:
            return static_cast<const ZSetValue*>(KeyTable::collection(e))->compact()
                       ? rdb::kTypeZSetListpack
                       : rdb::kTypeZSet2;
    }
    return rdb::kTypeString;
}

void ValueCodec::write(const KeyTable::Entry* e, RdbEncoder& enc) {
    const Collection* c = KeyTable::collection(e);
    switch (KeyTable::type(e)) {
        case ValueType::String:
            enc.string(KeyTable::value(e));
            return;
        case ValueType::List:
            writeList(*static_cast<const ListValue*>(c), enc);
            return;
        case ValueType::Set:
            writeSet(*static_cast<const SetValue*>(c), enc);
            return;
        case ValueType::Hash:
            writeHash(*static_cast<const HashValue*>(c), enc);
            return;
        case ValueType::ZSet:
            writeZSet(*static_cast<const ZSetValue*>(c), enc);
            return;
    }
}

bool ValueCodec::read(uint8_t type, RdbDecoder& dec, const CollectionLimits& limits,
                      DecodedValue& out) {
    out = DecodedValue{};
    switch (type) {
        case rdb::kTypeString:
            out.type = ValueType::String;
            return dec.string(out.str);
        case rdb::kTypeList:
        case rdb::kTypeListZiplist:
        case rdb::kTypeListQuicklist:
        case rdb::kTypeListQuicklist2:
            return readList(type, dec, limits, out);
        case rdb::kTypeSet:
        case rdb::kTypeSetIntset:
            return readSet(type, dec, limits, out);
        case rdb::kTypeHash:
        case rdb::kTypeHashZipmap:
        case rdb::kTypeHashZiplist:
        case rdb::kTypeHashListpack:
            return readHash(type, dec, limits, out);
        case rdb::kTypeZSet:
        case rdb::kTypeZSet2:
        case rdb::kTypeZSetZiplist:
        case rdb::kTypeZSetListpack:
            return readZSet(type, dec, limits, out);
        case rdb::kTypeStreamListpacks:
        case rdb::kTypeStreamListpacks2:
            return dec.fail("streams are not supported (RDB type " + std::to_string(type) + ")");
        case rdb::kTypeModule:
        case rdb::kTypeModule2:
            return dec.fail("module values are not supported (RDB type " + std::to_string(type) +
                            ")");
        default:
            return dec.fail("unknown value type " + std::to_string(type));
    }
}

}  // namespace mini_redis
