// Small argument-parsing helpers shared by the command families.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>

namespace mini_redis {

// Parses a base-10 64-bit integer as Redis does (no '+', spaces or leading zeros).
inline bool parseInteger(std::string_view s, int64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    if (s.size() > 1 && (s[0] == '0' || (s[0] == '-' && s[1] == '0'))) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

// ASCII case-insensitive equality against a lower-case literal.
inline bool equalsNoCase(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (c != lower[i]) return false;
    }
    return true;
}

}  // namespace mini_redis
