// string2ld and ld2string (LD_STR_HUMAN), as Redis 7.0 has them.
#include "long_double_text.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mini_redis {

bool parseLongDouble(std::string_view s, long double& out) {
    if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
    char buf[kMaxLongDoubleChars];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    errno = 0;
    char* end = nullptr;
    const long double v = std::strtold(buf, &end);
    if (std::isspace(static_cast<unsigned char>(buf[0])) || *end != '\0' ||
        static_cast<size_t>(end - buf) != s.size()) {
        return false;
    }
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) {
        return false;
    }
    if (errno == EINVAL || std::isnan(v)) return false;
    out = v;
    return true;
}

size_t formatLongDouble(long double v, char* buf) {
    int n = std::snprintf(buf, kMaxLongDoubleChars, "%.17Lf", v);
    if (n < 0 || static_cast<size_t>(n) + 1 > kMaxLongDoubleChars) return 0;  // as Redis: ""
    auto len = static_cast<size_t>(n);
    if (std::memchr(buf, '.', len) != nullptr) {
        while (buf[len - 1] == '0') --len;
        if (buf[len - 1] == '.') --len;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        len = 1;
    }
    return len;
}

bool addLongDouble(long double value, long double incr, char* buf, std::string_view& text) {
    value += incr;
    if (std::isnan(value) || std::isinf(value)) return false;
    text = std::string_view(buf, formatLongDouble(value, buf));
    return true;
}

}  // namespace mini_redis
