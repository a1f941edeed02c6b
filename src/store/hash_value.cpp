// The hash value: the listpack form, the switch to a table, random picks.
#include "hash_value.h"

#include <algorithm>
#include <unordered_set>

namespace mini_redis {

HashValue::HashValue(const HashValue& other) : Collection(), form_(other.form_) {}

size_t HashValue::memoryBytes() const {
    if (const FieldTable* t = table()) return sizeof(HashValue) + sizeof(FieldTable) + t->memoryBytes();
    return sizeof(HashValue) + list().allocatedBytes();
}

std::optional<std::string_view> HashValue::get(std::string_view field) const {
    if (table()) return table()->get(field);
    const size_t pos = list().find(field, list().begin(), 2);
    if (pos == list().end()) return std::nullopt;
    return list().at(list().next(pos));
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits) {
    if (!table()) {
        const auto longest = static_cast<int64_t>(std::max(field.size(), value.size()));
        if (longest > limits.max_listpack_value) {
            toTable(length() + 1);
        } else {
            const size_t pos = list().find(field, list().begin(), 2);
            if (pos != list().end()) {
                list().replace(list().next(pos), value);
                // As Redis: any write to a listpack hash longer than the (possibly lowered)
                // entry limit converts it, an update included.
                if (static_cast<int64_t>(length()) > limits.max_listpack_entries) {
                    toTable(length());
                }
                return false;
            }
            list().insertPair(list().end(), field, value);
            if (static_cast<int64_t>(length()) > limits.max_listpack_entries) toTable(length());
            return true;
        }
    }
    return table()->set(field, value);
}

bool HashValue::erase(std::string_view field) {
    if (table()) return table()->erase(field);
    const size_t pos = list().find(field, list().begin(), 2);
    if (pos == list().end()) return false;
    list().erase(pos, 2);
    return true;
}

void HashValue::toTable(size_t expected) {
    auto table = std::make_unique<FieldTable>(expected);
    forEach([&](std::string_view f, std::string_view v) { table->set(f, v); });
    form_.toBig(std::move(table));
}

std::pair<std::string_view, std::string_view> HashValue::randomPair(Random& rng) const {
    if (table()) {
        const size_t i = table()->randomSlot(rng);
        return {table()->fieldAt(i), table()->valueAt(i)};
    }
    std::uniform_int_distribution<int64_t> any(0, static_cast<int64_t>(length()) - 1);
    const size_t pos = list().seek(any(rng) * 2);
    return {list().at(pos), list().at(list().next(pos))};
}

void HashValue::fieldPositions(std::vector<size_t>& out) const {
    out.clear();
    out.reserve(length());
    for (size_t pos = list().begin(), end = list().end(); pos < end;) {
        out.push_back(pos);
        pos = list().next(list().next(pos));
    }
}

void HashValue::distinctPicks(size_t count, Random& rng, std::vector<size_t>& out) const {
    out.clear();
    if (!table()) {
        // Pick `count` of the n pairs by selection sampling: each is kept with probability
        // (still needed) / (still left), which keeps them in listpack order.
        size_t left = length();
        size_t need = count;
        for (size_t pos = list().begin(), end = list().end(); pos < end && need > 0; --left) {
            if (std::uniform_int_distribution<size_t>(0, left - 1)(rng) < need) {
                out.push_back(pos);
                --need;
            }
            pos = list().next(list().next(pos));
        }
        return;
    }
    if (count * 3 > table()->size()) {
        // Many of them: a partial shuffle of every used slot.
        for (size_t i = 0, n = table()->slotCount(); i < n; ++i) {
            if (table()->slotUsed(i)) out.push_back(i);
        }
        for (size_t k = 0; k < count; ++k) {
            std::uniform_int_distribution<size_t> rest(k, out.size() - 1);
            std::swap(out[k], out[rest(rng)]);
        }
        out.resize(count);
        return;
    }
    // Few of them: random draws, repeats skipped.
    std::unordered_set<size_t> seen;
    seen.reserve(count * 2);
    while (out.size() < count) {
        const size_t i = table()->randomSlot(rng);
        if (seen.insert(i).second) out.push_back(i);
    }
}

}  // namespace mini_redis
