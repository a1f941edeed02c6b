// Sorted pairs in a listpack: linear walks, as Redis's zzl* functions (a compact set is small).
#include "zset_listpack.h"

#include <charconv>
#include <climits>
#include <cstring>

#include "zset_member.h"

namespace mini_redis {

namespace {
constexpr size_t kDoubleBytes = sizeof(double);
}  // namespace

bool ZSetListpack::scoreAsInteger(double d, int64_t& out) {
    // Redis 7.0's double2ll: within +-LLONG_MAX/2 every integral double converts exactly.
    if (d < static_cast<double>(LLONG_MAX / 2) * -1 || d > static_cast<double>(LLONG_MAX / 2)) {
        return false;
    }
    if (d != d) return false;  // NaN (never stored; kept for safety)
    const auto ll = static_cast<long long>(d);
    if (static_cast<double>(ll) != d) return false;
    out = ll;
    return true;
}

double ZSetListpack::storedScore(double d) {
    int64_t ll = 0;
    return scoreAsInteger(d, ll) ? static_cast<double>(ll) : d;
}

std::string_view ZSetListpack::encodeScore(double d, char* buf) {
    int64_t ll = 0;
    if (scoreAsInteger(d, ll)) {
        if (ll > -1000000 && ll < 10000000) {
            auto [end, ec] = std::to_chars(buf, buf + 24, ll);
            (void)ec;
            return {buf, static_cast<size_t>(end - buf)};
        }
        d = static_cast<double>(ll);
    }
    std::memcpy(buf, &d, kDoubleBytes);
    return {buf, kDoubleBytes};
}

double ZSetListpack::decodeScore(std::string_view entry) {
    if (entry.size() == kDoubleBytes) {
        double d;
        std::memcpy(&d, entry.data(), kDoubleBytes);
        return d;
    }
    int64_t ll = 0;
    std::from_chars(entry.data(), entry.data() + entry.size(), ll);
    return static_cast<double>(ll);
}

size_t ZSetListpack::find(std::string_view member, double* score) const {
    const size_t pos = lp_.find(member, lp_.begin(), 2);
    if (pos != lp_.end() && score != nullptr) *score = this->score(pos);
    return pos;
}

void ZSetListpack::insert(std::string_view member, double score) {
    score = storedScore(score);
    size_t pos = lp_.begin();
    const size_t stop = lp_.end();
    while (pos < stop) {
        const size_t score_pos = lp_.next(pos);
        const double s = decodeScore(lp_.at(score_pos));
        if (zsetLess(score, member, s, lp_.at(pos))) break;
        pos = lp_.next(score_pos);
    }
    char buf[24];
    lp_.insertPair(pos, member, encodeScore(score, buf));
}

void ZSetListpack::append(std::string_view member, double score) {
    char buf[24];
    lp_.insertPair(lp_.end(), member, encodeScore(score, buf));
}

size_t ZSetListpack::rankOf(size_t pos) const {
    size_t r = 0;
    for (size_t p = lp_.begin(); p < pos; p = next(p)) ++r;
    return r;
}

size_t ZSetListpack::scoreBound(double s, bool strict) const {
    size_t r = 0;
    for (size_t p = lp_.begin(), stop = lp_.end(); p < stop; p = next(p), ++r) {
        const double x = score(p);
        if (strict ? x > s : x >= s) break;
    }
    return r;
}

size_t ZSetListpack::lexBound(std::string_view m, bool strict, size_t from) const {
    size_t r = from;
    for (size_t p = seek(from), stop = lp_.end(); p < stop; p = next(p), ++r) {
        const int c = compareMembers(member(p), m);
        if (strict ? c > 0 : c >= 0) break;
    }
    return r;
}

}  // namespace mini_redis
