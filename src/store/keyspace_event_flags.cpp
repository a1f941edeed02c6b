// Parsing and formatting of the notify-keyspace-events letters.
#include "keyspace_event_flags.h"

#include <span>

namespace mini_redis::keyspace_events {

namespace {
struct Letter {
    char letter;
    uint32_t bit;
};
// In the order formatFlags() writes the class letters.
constexpr Letter kClassLetters[] = {
    {'g', kGeneric}, {'$', kString},  {'l', kList},   {'s', kSet},    {'h', kHash}, {'z', kZset},
    {'x', kExpired}, {'e', kEvicted}, {'t', kStream}, {'d', kModule}, {'n', kNew},
};
}  // namespace

std::optional<uint32_t> parseFlags(std::string_view text) {
    // The letters that are not one class each.
    static constexpr Letter kOtherLetters[] = {
        {'A', kAll}, {'K', kKeyspace}, {'E', kKeyevent}, {'m', kKeyMiss}};
    auto bitOf = [](std::span<const Letter> letters, char c) -> uint32_t {
        for (const Letter& l : letters) {
            if (l.letter == c) return l.bit;
        }
        return 0;
    };
    uint32_t flags = 0;
    for (char c : text) {
        const uint32_t bit = bitOf(kOtherLetters, c) | bitOf(kClassLetters, c);
        if (bit == 0) return std::nullopt;
        flags |= bit;
    }
    return flags;
}

std::string formatFlags(uint32_t flags) {
    std::string out;
    if ((flags & kAll) == kAll) {
        out += 'A';
    } else {
        for (const Letter& l : kClassLetters) {
            if (flags & l.bit) out += l.letter;
        }
    }
    if (flags & kKeyspace) out += 'K';
    if (flags & kKeyevent) out += 'E';
    if (flags & kKeyMiss) out += 'm';
    return out;
}

}  // namespace mini_redis::keyspace_events
