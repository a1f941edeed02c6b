// RedisIntset: the byte layout Redis's intset.c keeps in memory and writes as is.
#include "redis_intset.h"

namespace mini_redis {

std::string RedisIntset::build(const std::vector<int64_t>& sorted, size_t width) {
    std::string out;
    out.reserve(8 + sorted.size() * width);
    auto put = [&](uint64_t v, size_t n) {
        for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    put(width, 4);
    put(sorted.size(), 4);
    for (int64_t v : sorted) put(static_cast<uint64_t>(v), width);
    return out;
}

bool RedisIntset::parse(std::string_view bytes, const std::function<void(int64_t)>& fn,
                        std::string& error) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    auto load = [&](size_t at, size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[at + i]) << (8 * i);
        return v;
    };
    if (bytes.size() < 8) {
        error = "intset shorter than its header";
        return false;
    }
    const size_t width = load(0, 4);
    const size_t count = load(4, 4);
    if (width != 2 && width != 4 && width != 8) {
        error = "intset with a bad width";
        return false;
    }
    if ((bytes.size() - 8) / width != count || (bytes.size() - 8) % width != 0 || count == 0) {
        error = "intset length does not match its count";
        return false;
    }
    int64_t prev = 0;
    for (size_t i = 0; i < count; ++i) {
        uint64_t u = load(8 + i * width, width);
        if (width < 8 && (u & (uint64_t{1} << (8 * width - 1)))) u |= ~uint64_t{0} << (8 * width);
        const int64_t v = static_cast<int64_t>(u);
        if (i > 0 && v <= prev) {
            error = "intset members out of order";
            return false;
        }
        prev = v;
        fn(v);
    }
    return true;
}

}  // namespace mini_redis
