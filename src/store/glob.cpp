// Glob matching with backtracking on the last '*' only, so it runs in O(pattern * text).
#include "glob.h"

#include <cctype>
#include <utility>

namespace mini_redis {

namespace {

char fold(char c, bool nocase) {
    return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Matches a [...] class at pattern[p] (p points after '['); sets p past the closing ']'.
bool matchClass(std::string_view pat, size_t& p, char c, bool nocase) {
    bool negate = false;
    if (p < pat.size() && pat[p] == '^') {
        negate = true;
        ++p;
    }
    bool matched = false;
    while (p < pat.size() && pat[p] != ']') {
        if (pat[p] == '\\' && p + 1 < pat.size()) {
            ++p;
            if (fold(pat[p], nocase) == fold(c, nocase)) matched = true;
            ++p;
        } else if (p + 2 < pat.size() && pat[p + 1] == '-') {
            // As Redis: "[a-]" ranges from 'a' to ']' (the bracket becomes the range's end and
            // the class runs on, unclosed, to the end of the pattern).
            char lo = fold(pat[p], nocase);
            char hi = fold(pat[p + 2], nocase);
            if (lo > hi) std::swap(lo, hi);
            char fc = fold(c, nocase);
            if (fc >= lo && fc <= hi) matched = true;
            p += 3;
        } else {
            if (fold(pat[p], nocase) == fold(c, nocase)) matched = true;
            ++p;
        }
    }
    if (p < pat.size()) ++p;  // the ']'
    return matched != negate;
}

}  // namespace

bool globMatch(std::string_view pat, std::string_view text, bool nocase) {
    size_t p = 0, t = 0;
    size_t star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        if (p < pat.size()) {
            char pc = pat[p];
            if (pc == '*') {
                while (p < pat.size() && pat[p] == '*') ++p;
                if (p == pat.size()) return true;
                star_p = p;
                star_t = t;
                continue;
            }
            if (pc == '?') {
                ++p;
                ++t;
                continue;
            }
            if (pc == '[') {
                size_t q = p + 1;
                if (matchClass(pat, q, text[t], nocase)) {
                    p = q;
                    ++t;
                    continue;
                }
            } else {
                char lit = pc;
                size_t next = p + 1;
                if (pc == '\\' && p + 1 < pat.size()) {
                    lit = pat[p + 1];
                    next = p + 2;
                }
                if (fold(lit, nocase) == fold(text[t], nocase)) {
                    p = next;
                    ++t;
                    continue;
                }
            }
        }
        if (star_p == std::string_view::npos) return false;
        p = star_p;
        t = ++star_t;
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

}  // namespace mini_redis
