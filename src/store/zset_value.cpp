// The two forms of a sorted set behind one interface, and the moves between them.
#include "zset_value.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

namespace mini_redis {

ZSetValue::ZSetValue(bool compact) {
    if (!compact) form_.toBig(std::make_unique<Large>());
}

ZSetValue::ZSetValue(const ZSetValue& other) : Collection() {
    const Large* from = other.big();
    if (from == nullptr) {
        form_.toCompact(ZSetListpack(other.lp()));
        return;
    }
    auto large = std::make_unique<Large>();
    large->index.reserve(other.length());
    // In order: every insert lands at the end of the tree, whose leaves then stay full.
    from->tree.forEach([&large](const ZMember* m) {
        ZMember* copy = ZMember::make(m->name(), m->score, large->member_bytes);
        large->index.insert(copy);
        large->tree.insert(copy);
    });
    form_.toBig(std::move(large));
}

ZSetValue::~ZSetValue() = default;

ZSetValue::Large::~Large() {
    size_t bytes = member_bytes;
    tree.forEach([&bytes](const ZMember* m) { ZMember::destroy(const_cast<ZMember*>(m), bytes); });
}

ZMember* ZSetValue::newMember(std::string_view name, double score) {
    return ZMember::make(name, score, big()->member_bytes);
}

std::unique_ptr<ZSetValue> ZSetValue::forFirstMember(std::string_view member,
                                                     const Limits& limits) {
    const bool compact = limits.max_entries != 0 &&
                         static_cast<int64_t>(member.size()) <= limits.max_value;
    return std::make_unique<ZSetValue>(compact);
}

size_t ZSetValue::memoryBytes() const {
    if (const Large* l = big()) {
        return sizeof(ZSetValue) + sizeof(Large) + l->index.memoryBytes() +
               l->tree.memoryBytes() + l->member_bytes;
    }
    return sizeof(ZSetValue) + lp().allocatedBytes();
}

bool ZSetValue::score(std::string_view member, double& out) const {
    if (big()) {
        const ZMember* m = big()->index.find(member);
        if (m == nullptr) return false;
        out = m->score;
        return true;
    }
    return lp().find(member, &out) != lp().end();
}

std::optional<size_t> ZSetValue::rank(std::string_view member) const {
    if (big()) {
        const ZMember* m = big()->index.find(member);
        if (m == nullptr) return std::nullopt;
        return big()->tree.rank(m);
    }
    const size_t pos = lp().find(member);
    if (pos == lp().end()) return std::nullopt;
    return lp().rankOf(pos);
}

size_t ZSetValue::scoreBound(double s, bool strict) const {
    return big() ? big()->tree.scoreBound(s, strict) : lp().scoreBound(s, strict);
}

size_t ZSetValue::lexBound(std::string_view m, bool strict, size_t from) const {
    if (big()) {
        const size_t r = big()->tree.lexBound(m, strict);
        return r < from ? from : r;
    }
    return lp().lexBound(m, strict, from);
}

std::string_view ZSetValue::Cursor::member() const {
    return lp_ != nullptr ? lp_->member(pos_) : ScoreTree::member(tpos_)->name();
}

double ZSetValue::Cursor::score() const {
    return lp_ != nullptr ? lp_->score(pos_) : ScoreTree::score(tpos_);
}

void ZSetValue::Cursor::next() {
    if (lp_ == nullptr) {
        ScoreTree::next(tpos_);
        return;
    }
    pos_ = lp_->next(pos_);
    if (pos_ >= lp_->end()) pos_ = kNowhere;
}

void ZSetValue::Cursor::prev() {
    if (lp_ == nullptr) {
        ScoreTree::prev(tpos_);
        return;
    }
    pos_ = pos_ == lp_->begin() ? kNowhere : lp_->prev(pos_);
}

ZSetValue::Cursor ZSetValue::at(size_t r) const {
    Cursor c;
    if (const Large* l = big()) {
        if (r < l->tree.size()) c.tpos_ = l->tree.at(r);
        return c;
    }
    const ZSetListpack& compact = lp();
    c.lp_ = &compact;
    if (r < compact.size()) c.pos_ = compact.seek(r);
    return c;
}

ZSetValue::AddResult ZSetValue::add(std::string_view member, double score, unsigned flags,
                                    const Limits& limits, double* result_score) {
    const bool incr = flags & kAddIncr, nx = flags & kAddNx, xx = flags & kAddXx;
    const bool gt = flags & kAddGt, lt = flags & kAddLt;
    if (std::isnan(score)) return AddResult::NotANumber;
    // Where the member is now: its record (large form) or position (listpack).
    ZMember* rec = nullptr;
    size_t pos = 0;
    double current = 0;
    bool present;
    if (big()) {
        rec = big()->index.find(member);
        present = rec != nullptr;
        if (present) current = rec->score;
    } else {
        pos = lp().find(member, &current);
        present = pos != lp().end();
    }
    if (present) {
        if (nx) return AddResult::Skipped;
        if (incr) {
            score += current;
            if (std::isnan(score)) return AddResult::NotANumber;
        }
        if ((lt && score >= current) || (gt && score <= current)) return AddResult::Skipped;
        if (score == current) {
            if (result_score != nullptr) *result_score = score;
            return AddResult::Same;
        }
        if (big()) {
            big()->tree.erase(rec);
            rec->score = score;
            big()->tree.insert(rec);
        } else {
            lp().erase(pos);
            lp().insert(member, score);
        }
        if (result_score != nullptr) *result_score = score;
        return AddResult::Updated;
    }
    if (xx) return AddResult::Skipped;
    if (!big() && (static_cast<int64_t>(lp().size()) + 1 > limits.max_entries ||
                  static_cast<int64_t>(member.size()) > limits.max_value)) {
        convertToLarge();
    }
    if (big()) {
        rec = newMember(member, score);
        big()->index.insert(rec);
        big()->tree.insert(rec);
    } else {
        lp().insert(member, score);
    }
    // Redis answers ZADD INCR with the score it was given (a -0 stays -0 in the reply).
    if (result_score != nullptr) *result_score = score;
    return AddResult::Added;
}

bool ZSetValue::remove(std::string_view member) {
    if (!big()) {
        const size_t pos = lp().find(member);
        if (pos == lp().end()) return false;
        lp().erase(pos);
        return true;
    }
    ZMember* rec = big()->index.find(member);
    if (rec == nullptr) return false;
    big()->tree.erase(rec);
    big()->index.erase(rec);
    ZMember::destroy(rec, big()->member_bytes);
    return true;
}

void ZSetValue::removeRanks(size_t from, size_t n) {
    if (n == 0) return;
    assert(from + n <= length());
    if (!big()) {
        lp().eraseRanks(from, n);
        return;
    }
    std::vector<ZMember*> doomed;
    doomed.reserve(n);
    ScoreTree::Pos p = big()->tree.at(from);
    for (size_t i = 0; i < n; ++i, ScoreTree::next(p)) doomed.push_back(ScoreTree::member(p));
    for (ZMember* rec : doomed) {
        big()->tree.erase(rec);
        big()->index.erase(rec);
        ZMember::destroy(rec, big()->member_bytes);
    }
}

void ZSetValue::convertToLarge() {
    if (big()) return;
    auto large = std::make_unique<Large>();
    large->index.reserve(lp().size());
    for (size_t p = lp().begin(), stop = lp().end(); p < stop; p = lp().next(p)) {
        ZMember* rec = ZMember::make(lp().member(p), lp().score(p), large->member_bytes);
        large->index.insert(rec);
        large->tree.insert(rec);
    }
    form_.toBig(std::move(large));
}

void ZSetValue::compactIfFits(const Limits& limits) {
    if (!big() || static_cast<int64_t>(length()) > limits.max_entries) return;
    bool fits = true;
    big()->tree.forEach([&](const ZMember* m) {
        if (static_cast<int64_t>(m->len) > limits.max_value) fits = false;
    });
    if (!fits) return;
    ZSetListpack lp;
    big()->tree.forEach([&lp](const ZMember* m) { lp.append(m->name(), m->score); });
    form_.toCompact(std::move(lp));
}

std::vector<ZSetValue::Cursor> ZSetValue::randomMembers(size_t count, bool distinct,
                                                        Random& rng) const {
    const size_t n = length();
    std::vector<size_t> ranks;
    ranks.reserve(count);
    if (distinct) {
        // Floyd's sampling: `count` different ranks in O(count).
        assert(count < n);
        std::unordered_set<size_t> chosen;
        for (size_t j = n - count; j < n; ++j) {
            size_t t = std::uniform_int_distribution<size_t>(0, j)(rng);
            if (!chosen.insert(t).second) {
                chosen.insert(j);
                t = j;
            }
            ranks.push_back(t);
        }
    } else {
        std::uniform_int_distribution<size_t> pick(0, n - 1);
        for (size_t i = 0; i < count; ++i) ranks.push_back(pick(rng));
    }
    std::vector<Cursor> out;
    out.reserve(count);
    if (big()) {
        for (size_t r : ranks) out.push_back(at(r));
        return out;
    }
    // A listpack is walked once into a table of positions.
    std::vector<size_t> positions;
    positions.reserve(n);
    for (size_t p = lp().begin(), stop = lp().end(); p < stop; p = lp().next(p)) positions.push_back(p);
    for (size_t r : ranks) {
        Cursor c;
        c.lp_ = &lp();
        c.pos_ = positions[r];
        out.push_back(c);
    }
    return out;
}

void ZSetValue::verify() const {
    if (!big()) return;
    big()->tree.verify();
    if (big()->index.size() != big()->tree.size()) {
        std::fprintf(stderr, "ZSetValue::verify: index and tree sizes differ\n");
        std::abort();
    }
    big()->tree.forEach([this](const ZMember* m) {
        if (big()->index.find(m->name()) != m) {
            std::fprintf(stderr, "ZSetValue::verify: member missing from the index\n");
            std::abort();
        }
    });
}

}  // namespace mini_redis
