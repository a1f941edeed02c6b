// Argument parsing of the MPOP commands (LMPOP, ZMPOP).
#include "mpop_args.h"

#include <algorithm>

#include "command_args.h"
#include "errors.h"

namespace mini_redis {

const char* parseMpopNumkeys(std::span<const std::string_view> argv, size_t numkeys_at,
                             size_t& numkeys) {
    int64_t n = 0;
    if (!parseInteger(argv[numkeys_at], n) || n < 1) return errors::kNumkeysNotPositive;
    // The keys, then <where>, must follow numkeys.
    if (static_cast<uint64_t>(n) >= argv.size() - numkeys_at - 1) return errors::kSyntax;
    numkeys = static_cast<size_t>(n);
    return nullptr;
}

const char* parseMpop(std::span<const std::string_view> argv, size_t numkeys_at,
                      std::string_view first, std::string_view second, MpopArgs& out) {
    size_t numkeys = 0;
    if (const char* err = parseMpopNumkeys(argv, numkeys_at, numkeys)) return err;
    const size_t where = numkeys_at + 1 + numkeys;
    if (equalsNoCase(argv[where], first)) {
        out.second = false;
    } else if (equalsNoCase(argv[where], second)) {
        out.second = true;
    } else {
        return errors::kSyntax;
    }
    out.keys = argv.subspan(numkeys_at + 1, numkeys);
    return parseMpopCount(argv.subspan(where + 1), out.count);
}

const char* parseMpopCount(std::span<const std::string_view> options, int64_t& count) {
    count = -1;  // no COUNT yet
    for (size_t j = 0; j < options.size(); ++j) {
        if (count == -1 && equalsNoCase(options[j], "count") && j + 1 < options.size()) {
            if (!parseInteger(options[++j], count) || count < 1) return errors::kCountNotPositive;
        } else {
            return errors::kSyntax;
        }
    }
    if (count == -1) count = 1;
    return nullptr;
}

void mpopKeys(std::span<const std::string_view> argv, std::vector<size_t>& out) {
    int64_t numkeys = 0;
    if (argv.size() < 3 || !parseInteger(argv[1], numkeys) || numkeys < 1) return;
    const size_t n = std::min(static_cast<uint64_t>(numkeys), uint64_t{argv.size() - 2});
    for (size_t i = 0; i < n; ++i) out.push_back(2 + i);
}

}  // namespace mini_redis
