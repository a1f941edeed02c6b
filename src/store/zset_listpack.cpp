// Sorted pairs in a listpack: linear walks, as Redis's zzl* functions (a compact set is small).
#include "zset_listpack.h"

#include <climits>
#include <cstring>
#include <string>

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

double ZSetListpack::scoreOf(std::string_view entry) {
    const size_t n = static_cast<uint8_t>(entry.back());
    const char* p = entry.data() + entry.size() - 1 - n;
    if (n == kDoubleBytes) {
        double d;
        std::memcpy(&d, p, kDoubleBytes);
        return d;
    }
    // Sign-extend the n little-endian bytes.
    uint64_t u = 0;
    for (size_t i = n; i-- > 0;) u = (u << 8) | static_cast<uint8_t>(p[i]);
    const int shift = static_cast<int>(64 - 8 * n);
    return static_cast<double>(static_cast<int64_t>(u << shift) >> shift);
}

void ZSetListpack::insertEntry(size_t pos, std::string_view member, double score) {
    char small[128];
    std::string big;
    const size_t need = member.size() + kDoubleBytes + 1;
    char* buf = small;
    if (need > sizeof small) {
        big.resize(need);
        buf = big.data();
    }
    if (!member.empty()) std::memcpy(buf, member.data(), member.size());
    char* p = buf + member.size();
    size_t n = kDoubleBytes;
    int64_t ll = 0;
    if (scoreAsInteger(score, ll) && ll >= -(int64_t{1} << 55) && ll < (int64_t{1} << 55)) {
        // The fewest bytes whose sign extension gives ll back.
        n = 1;
        while (n < 7 && (ll < -(int64_t{1} << (8 * n - 1)) || ll >= (int64_t{1} << (8 * n - 1)))) {
            ++n;
        }
        auto u = static_cast<uint64_t>(ll);
        for (size_t i = 0; i < n; ++i, u >>= 8) p[i] = static_cast<char>(u & 0xff);
    } else {
        if (scoreAsInteger(score, ll)) score = static_cast<double>(ll);  // -0 stored as 0
        std::memcpy(p, &score, kDoubleBytes);
    }
    p[n] = static_cast<char>(n);
    lp_.insert(pos, {buf, member.size() + n + 1});
}

size_t ZSetListpack::find(std::string_view member, double* score) const {
    for (size_t pos = lp_.begin(), stop = lp_.end(); pos < stop; pos = lp_.next(pos)) {
        const std::string_view e = lp_.at(pos);
        if (memberOf(e) == member) {
            if (score != nullptr) *score = scoreOf(e);
            return pos;
        }
    }
    return lp_.end();
}

void ZSetListpack::insert(std::string_view member, double score) {
    score = storedScore(score);
    size_t pos = lp_.begin();
    for (const size_t stop = lp_.end(); pos < stop; pos = lp_.next(pos)) {
        const std::string_view e = lp_.at(pos);
        if (zsetLess(score, member, scoreOf(e), memberOf(e))) break;
    }
    insertEntry(pos, member, score);
}

void ZSetListpack::append(std::string_view member, double score) {
    insertEntry(lp_.end(), member, storedScore(score));
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
