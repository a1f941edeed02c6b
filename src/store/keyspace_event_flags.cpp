// Parsing and formatting of the notify-keyspace-events letters.
#include "keyspace_event_flags.h"

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
    uint32_t flags = 0;
    for (char c : text) {
        switch (c) {
            case 'A': flags |= kAll; continue;
            case 'K': flags |= kKeyspace; continue;
            case 'E': flags |= kKeyevent; continue;
            case 'm': flags |= kKeyMiss; continue;
            default: break;
        }
        bool known = false;
        for (const Letter& l : kClassLetters) {
            if (l.letter == c) {
                flags |= l.bit;
                known = true;
                break;
            }
        }
        if (!known) return std::nullopt;
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
