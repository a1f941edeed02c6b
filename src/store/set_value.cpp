// The set value: the intset/table switch, membership, random draws.
#include "set_value.h"

#include <algorithm>
#include <unordered_set>

namespace mini_redis {

bool SetValue::asInteger(std::string_view s, int64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    if (s.size() > 1 && (s[0] == '0' || (s[0] == '-' && s[1] == '0'))) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

SetValue::SetValue(const SetValue& other) : Collection(), ints_(other.ints_) {
    if (other.table_) table_ = std::make_unique<MemberTable>(*other.table_);
}

SetValue::~SetValue() = default;

std::unique_ptr<SetValue> SetValue::forMember(std::string_view first) {
    int64_t v = 0;
    if (asInteger(first, v)) return std::make_unique<SetValue>();
    return withTable(1);
}

std::unique_ptr<SetValue> SetValue::withTable(size_t expected) {
    auto set = std::make_unique<SetValue>();
    set->table_ = std::make_unique<MemberTable>(expected);
    return set;
}

size_t SetValue::memoryBytes() const {
    size_t bytes = sizeof(SetValue) + ints_.allocatedBytes();
    if (table_) bytes += sizeof(MemberTable) + table_->memoryBytes();
    return bytes;
}

void SetValue::toTable(size_t expected) {
    auto table = std::make_unique<MemberTable>(expected);
    IntText text;
    for (size_t i = 0, n = ints_.size(); i < n; ++i) table->insert(format(ints_.at(i), text));
    ints_.clear();
    table_ = std::move(table);
}

bool SetValue::add(std::string_view member, int64_t max_intset_entries) {
    if (table_) return table_->insert(member);
    int64_t v = 0;
    if (!asInteger(member, v)) {
        toTable(ints_.size() + 1);
        return table_->insert(member);
    }
    if (!ints_.insert(v)) return false;
    // As Redis: the intset takes the member, then converts when it has grown too big.
    if (static_cast<int64_t>(ints_.size()) > max_intset_entries) toTable(ints_.size());
    return true;
}

bool SetValue::remove(std::string_view member) {
    if (table_) return table_->erase(member);
    int64_t v = 0;
    return asInteger(member, v) && ints_.erase(v);
}

bool SetValue::contains(std::string_view member) const {
    if (table_) return table_->contains(member);
    int64_t v = 0;
    return asInteger(member, v) && ints_.contains(v);
}

size_t SetValue::randomPosition(Random& rng) const {
    if (table_) return table_->randomSlot(rng);
    return static_cast<size_t>(rng() % ints_.size());
}

std::string_view SetValue::memberAt(size_t pos, IntText& text) const {
    if (table_) return table_->slotMember(pos);
    return format(ints_.at(pos), text);
}

void SetValue::distinctPositions(size_t count, Random& rng, std::vector<size_t>& out) const {
    const size_t n = length();
    if (count * 3 > n) {
        // Many of them (Redis's case 3): a partial shuffle of every position, O(n).
        std::vector<size_t> all;
        all.reserve(n);
        if (table_) {
            for (size_t i = 0; i < table_->slotCount(); ++i) {
                if (table_->slotUsed(i)) all.push_back(i);
            }
        } else {
            for (size_t i = 0; i < n; ++i) all.push_back(i);
        }
        for (size_t i = 0; i < count; ++i) {
            const size_t j = i + static_cast<size_t>(rng() % (n - i));
            std::swap(all[i], all[j]);
            out.push_back(all[i]);
        }
        return;
    }
    // Few of them (Redis's case 4): draw until `count` different ones came up, O(count).
    std::unordered_set<size_t> seen;
    seen.reserve(count * 2);
    while (out.size() < count) {
        const size_t pos = randomPosition(rng);
        if (seen.insert(pos).second) out.push_back(pos);
    }
}

void SetValue::randomMembers(size_t count, bool distinct, Random& rng,
                             std::vector<std::string>& out) const {
    IntText text;
    if (!distinct) {
        for (size_t i = 0; i < count; ++i) out.emplace_back(memberAt(randomPosition(rng), text));
        return;
    }
    if (count >= length()) {
        forEach([&](std::string_view m) { out.emplace_back(m); });
        return;
    }
    std::vector<size_t> positions;
    positions.reserve(count);
    distinctPositions(count, rng, positions);
    for (size_t pos : positions) out.emplace_back(memberAt(pos, text));
}

void SetValue::popRandom(size_t count, Random& rng, std::vector<std::string>& out) {
    const size_t n = length();
    if (count >= n) {
        forEach([&](std::string_view m) { out.emplace_back(m); });
        if (table_) {
            table_->clear();
        } else {
            ints_.clear();
        }
        return;
    }
    IntText text;
    if (table_) {
        // One random slot at a time: the table keeps itself at least 1/8 full, so each draw
        // takes a few tries at most, and erasing is O(1).
        for (size_t i = 0; i < count; ++i) {
            const size_t slot = table_->randomSlot(rng);
            out.emplace_back(table_->slotMember(slot));
            table_->eraseSlot(slot);
        }
        return;
    }
    // An intset loses them in one pass rather than one move of the tail each.
    std::vector<size_t> positions;
    positions.reserve(count);
    distinctPositions(count, rng, positions);
    std::unique_ptr<bool[]> drop(new bool[n]());
    for (size_t pos : positions) {
        drop[pos] = true;
        out.emplace_back(format(ints_.at(pos), text));
    }
    ints_.eraseFlagged(drop.get());
}

}  // namespace mini_redis
