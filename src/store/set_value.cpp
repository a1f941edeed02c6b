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

SetValue::SetValue(const SetValue& other) : Collection(), form_(other.form_) {}

SetValue::~SetValue() = default;

std::unique_ptr<SetValue> SetValue::forMember(std::string_view first) {
    int64_t v = 0;
    if (asInteger(first, v)) return std::make_unique<SetValue>();
    return withTable(1);
}

std::unique_ptr<SetValue> SetValue::withTable(size_t expected) {
    auto set = std::make_unique<SetValue>();
    set->form_.toBig(std::make_unique<MemberTable>(expected));
    return set;
}

size_t SetValue::memoryBytes() const {
    if (const MemberTable* t = table()) {
        return sizeof(SetValue) + sizeof(MemberTable) + t->memoryBytes();
    }
    return sizeof(SetValue) + ints().allocatedBytes();
}

void SetValue::toTable(size_t expected) {
    auto table = std::make_unique<MemberTable>(expected);
    IntText text;
    for (size_t i = 0, n = ints().size(); i < n; ++i) table->insert(format(ints().at(i), text));
    form_.toBig(std::move(table));
}

bool SetValue::add(std::string_view member, int64_t max_intset_entries) {
    if (table()) return table()->insert(member);
    int64_t v = 0;
    if (!asInteger(member, v)) {
        toTable(ints().size() + 1);
        return table()->insert(member);
    }
    if (!ints().insert(v)) return false;
    // As Redis: the intset takes the member, then converts when it has grown too big.
    if (static_cast<int64_t>(ints().size()) > max_intset_entries) toTable(ints().size());
    return true;
}

bool SetValue::remove(std::string_view member) {
    if (table()) return table()->erase(member);
    int64_t v = 0;
    return asInteger(member, v) && ints().erase(v);
}

bool SetValue::contains(std::string_view member) const {
    if (table()) return table()->contains(member);
    int64_t v = 0;
    return asInteger(member, v) && ints().contains(v);
}

size_t SetValue::randomPosition(Random& rng) const {
    if (table()) return table()->randomSlot(rng);
    return static_cast<size_t>(rng() % ints().size());
}

std::string_view SetValue::memberAt(size_t pos, IntText& text) const {
    if (table()) return table()->slotMember(pos);
    return format(ints().at(pos), text);
}

void SetValue::distinctPositions(size_t count, Random& rng, std::vector<size_t>& out) const {
    const size_t n = length();
    if (count * 3 > n) {
        // Many of them (Redis's case 3): a partial shuffle of every position, O(n).
        std::vector<size_t> all;
        all.reserve(n);
        if (table()) {
            for (size_t i = 0; i < table()->slotCount(); ++i) {
                if (table()->slotUsed(i)) all.push_back(i);
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
        if (table()) {
            table()->clear();
        } else {
            ints().clear();
        }
        return;
    }
    IntText text;
    if (table()) {
        // One random slot at a time: the table keeps itself at least 1/8 full, so each draw
        // takes a few tries at most, and erasing is O(1).
        for (size_t i = 0; i < count; ++i) {
            const size_t slot = table()->randomSlot(rng);
            out.emplace_back(table()->slotMember(slot));
            table()->eraseSlot(slot);
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
        out.emplace_back(format(ints().at(pos), text));
    }
    ints().eraseFlagged(drop.get());
}

}  // namespace mini_redis
