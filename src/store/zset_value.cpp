// The two forms of a sorted set behind one interface, and the moves between them.
#include "zset_value.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

namespace mini_redis {

ZSetValue::ZSetValue(bool compact) {
    if (!compact) big_ = std::make_unique<Large>();
}

ZSetValue::ZSetValue(const ZSetValue& other) : Collection(), lp_(other.lp_) {
    if (!other.big_) return;
    big_ = std::make_unique<Large>();
    big_->index.reserve(other.length());
    // In order: every insert lands at the end of the tree, whose leaves then stay full.
    other.big_->tree.forEach([this](const ZMember* m) {
        ZMember* copy = newMember(m->name(), m->score);
        big_->index.insert(copy);
        big_->tree.insert(copy);
    });
}

ZSetValue::~ZSetValue() {
    freeLarge();
}

void ZSetValue::freeLarge() {
    if (!big_) return;
    size_t bytes = big_->member_bytes;
    big_->tree.forEach([&bytes](const ZMember* m) { ZMember::destroy(const_cast<ZMember*>(m), bytes); });
    big_.reset();
}

ZMember* ZSetValue::newMember(std::string_view name, double score) {
    return ZMember::make(name, score, big_->member_bytes);
}

std::unique_ptr<ZSetValue> ZSetValue::forFirstMember(std::string_view member,
                                                     const Limits& limits) {
    const bool compact = limits.max_entries != 0 &&
                         static_cast<int64_t>(member.size()) <= limits.max_value;
    return std::make_unique<ZSetValue>(compact);
}

size_t ZSetValue::memoryBytes() const {
    size_t bytes = sizeof(ZSetValue) + lp_.allocatedBytes();
    if (big_) {
        bytes += sizeof(Large) + big_->index.memoryBytes() + big_->tree.memoryBytes() +
                 big_->member_bytes;
    }
    return bytes;
}

bool ZSetValue::score(std::string_view member, double& out) const {
    if (big_) {
        const ZMember* m = big_->index.find(member);
        if (m == nullptr) return false;
        out = m->score;
        return true;
    }
    return lp_.find(member, &out) != lp_.end();
}

std::optional<size_t> ZSetValue::rank(std::string_view member) const {
    if (big_) {
        const ZMember* m = big_->index.find(member);
        if (m == nullptr) return std::nullopt;
        return big_->tree.rank(m);
    }
    const size_t pos = lp_.find(member);
    if (pos == lp_.end()) return std::nullopt;
    return lp_.rankOf(pos);
}

size_t ZSetValue::scoreBound(double s, bool strict) const {
    return big_ ? big_->tree.scoreBound(s, strict) : lp_.scoreBound(s, strict);
}

size_t ZSetValue::lexBound(std::string_view m, bool strict, size_t from) const {
    if (big_) {
        const size_t r = big_->tree.lexBound(m, strict);
        return r < from ? from : r;
    }
    return lp_.lexBound(m, strict, from);
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
    if (r >= length()) {
        if (!big_) c.lp_ = &lp_;
        return c;
    }
    if (big_) {
        c.tpos_ = big_->tree.at(r);
    } else {
        c.lp_ = &lp_;
        c.pos_ = lp_.seek(r);
    }
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
    if (big_) {
        rec = big_->index.find(member);
        present = rec != nullptr;
        if (present) current = rec->score;
    } else {
        pos = lp_.find(member, &current);
        present = pos != lp_.end();
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
        if (big_) {
            big_->tree.erase(rec);
            rec->score = score;
            big_->tree.insert(rec);
        } else {
            lp_.erase(pos);
            lp_.insert(member, score);
        }
        if (result_score != nullptr) *result_score = score;
        return AddResult::Updated;
    }
    if (xx) return AddResult::Skipped;
    if (!big_ && (static_cast<int64_t>(lp_.size()) + 1 > limits.max_entries ||
                  static_cast<int64_t>(member.size()) > limits.max_value)) {
        convertToLarge();
    }
    if (big_) {
        rec = newMember(member, score);
        big_->index.insert(rec);
        big_->tree.insert(rec);
    } else {
        lp_.insert(member, score);
    }
    // Redis answers ZADD INCR with the score it was given (a -0 stays -0 in the reply).
    if (result_score != nullptr) *result_score = score;
    return AddResult::Added;
}

bool ZSetValue::remove(std::string_view member) {
    if (!big_) {
        const size_t pos = lp_.find(member);
        if (pos == lp_.end()) return false;
        lp_.erase(pos);
        return true;
    }
    ZMember* rec = big_->index.find(member);
    if (rec == nullptr) return false;
    big_->tree.erase(rec);
    big_->index.erase(rec);
    ZMember::destroy(rec, big_->member_bytes);
    return true;
}

void ZSetValue::removeRanks(size_t from, size_t n) {
    if (n == 0) return;
    assert(from + n <= length());
    if (!big_) {
        lp_.eraseRanks(from, n);
        return;
    }
    std::vector<ZMember*> doomed;
    doomed.reserve(n);
    ScoreTree::Pos p = big_->tree.at(from);
    for (size_t i = 0; i < n; ++i, ScoreTree::next(p)) doomed.push_back(ScoreTree::member(p));
    for (ZMember* rec : doomed) {
        big_->tree.erase(rec);
        big_->index.erase(rec);
        ZMember::destroy(rec, big_->member_bytes);
    }
}

void ZSetValue::convertToLarge() {
    if (big_) return;
    auto large = std::make_unique<Large>();
    large->index.reserve(lp_.size());
    for (size_t p = lp_.begin(), stop = lp_.end(); p < stop; p = lp_.next(p)) {
        ZMember* rec = ZMember::make(lp_.member(p), lp_.score(p), large->member_bytes);
        large->index.insert(rec);
        large->tree.insert(rec);
    }
    big_ = std::move(large);
    lp_ = ZSetListpack();
}

void ZSetValue::compactIfFits(const Limits& limits) {
    if (!big_ || static_cast<int64_t>(length()) > limits.max_entries) return;
    bool fits = true;
    big_->tree.forEach([&](const ZMember* m) {
        if (static_cast<int64_t>(m->len) > limits.max_value) fits = false;
    });
    if (!fits) return;
    ZSetListpack lp;
    big_->tree.forEach([&lp](const ZMember* m) { lp.append(m->name(), m->score); });
    freeLarge();
    lp_ = std::move(lp);
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
    if (big_) {
        for (size_t r : ranks) out.push_back(at(r));
        return out;
    }
    // A listpack is walked once into a table of positions.
    std::vector<size_t> positions;
    positions.reserve(n);
    for (size_t p = lp_.begin(), stop = lp_.end(); p < stop; p = lp_.next(p)) positions.push_back(p);
    for (size_t r : ranks) {
        Cursor c;
        c.lp_ = &lp_;
        c.pos_ = positions[r];
        out.push_back(c);
    }
    return out;
}

void ZSetValue::verify() const {
    if (!big_) return;
    big_->tree.verify();
    if (big_->index.size() != big_->tree.size()) {
        std::fprintf(stderr, "ZSetValue::verify: index and tree sizes differ\n");
        std::abort();
    }
    big_->tree.forEach([this](const ZMember* m) {
        if (big_->index.find(m->name()) != m) {
            std::fprintf(stderr, "ZSetValue::verify: member missing from the index\n");
            std::abort();
        }
    });
}

}  // namespace mini_redis
