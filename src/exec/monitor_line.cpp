// MONITOR's line format (monitor_line.h).
#include "monitor_line.h"

#include <cstdio>
#include <ctime>

namespace mini_redis {

void appendQuotedArg(std::string& out, std::string_view arg) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char ch : arg) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\a':
                out += "\\a";
                break;
            case '\b':
                out += "\\b";
                break;
            default:
                if (c >= 0x20 && c < 0x7f) {  // isprint() in the C locale
                    out += ch;
                } else {
                    out += "\\x";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xf];
                }
        }
    }
    out += '"';
}

void appendMonitorLine(std::string& out, int db, std::string_view peer,
                       std::span<const std::string_view> argv) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    char head[64];
    const int n = std::snprintf(head, sizeof head, "+%lld.%06ld [%d ",
                                static_cast<long long>(now.tv_sec), now.tv_nsec / 1000, db);
    out.append(head, static_cast<size_t>(n));
    out += peer;
    out += ']';
    for (std::string_view arg : argv) {
        out += ' ';
        appendQuotedArg(out, arg);
    }
    out += "\r\n";
}

}  // namespace mini_redis
