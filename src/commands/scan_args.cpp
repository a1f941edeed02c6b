// Cursor and option parsing for the SCAN family.
#include "scan_args.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "command_args.h"
#include "errors.h"

namespace mini_redis {

bool parseScanCursor(std::string_view arg, uint64_t& out) {
    const std::string s(arg);
    if (std::isspace(static_cast<unsigned char>(s.c_str()[0]))) return false;
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE) return false;
    out = v;
    return true;
}

const char* parseScanOptions(std::span<const std::string_view> args, ScanOptions& out) {
    for (size_t i = 0; i < args.size(); i += 2) {
        const bool has_value = i + 1 < args.size();
        if (equalsNoCase(args[i], "count") && has_value) {
            if (!parseInteger(args[i + 1], out.count)) return errors::kNotInteger;
            if (out.count < 1) return errors::kSyntax;
        } else if (equalsNoCase(args[i], "match") && has_value) {
            out.pattern = args[i + 1];
            out.use_pattern = out.pattern != "*";
        } else {
            return errors::kSyntax;
        }
    }
    return nullptr;
}

}  // namespace mini_redis
