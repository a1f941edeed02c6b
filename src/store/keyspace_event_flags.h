// notify-keyspace-events: the event classes as bits, and Redis's flag-letter string forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mini_redis::keyspace_events {

// One bit per letter of Redis's notify-keyspace-events string. K and E choose the channels;
// the others choose which classes of events are sent.
inline constexpr uint32_t kKeyspace = 1u << 0;  // K: __keyspace@<db>__:<key>, message = event
inline constexpr uint32_t kKeyevent = 1u << 1;  // E: __keyevent@<db>__:<event>, message = key
inline constexpr uint32_t kGeneric = 1u << 2;   // g: DEL, EXPIRE, RENAME, ...
inline constexpr uint32_t kString = 1u << 3;    // $
inline constexpr uint32_t kList = 1u << 4;      // l
inline constexpr uint32_t kSet = 1u << 5;       // s
inline constexpr uint32_t kHash = 1u << 6;      // h
inline constexpr uint32_t kZset = 1u << 7;      // z
inline constexpr uint32_t kExpired = 1u << 8;   // x
inline constexpr uint32_t kEvicted = 1u << 9;   // e (accepted; nothing is evicted)
inline constexpr uint32_t kStream = 1u << 10;   // t (accepted; there are no streams)
inline constexpr uint32_t kKeyMiss = 1u << 11;  // m: a read command found no key
inline constexpr uint32_t kModule = 1u << 12;   // d (accepted; there are no modules)
inline constexpr uint32_t kNew = 1u << 13;      // n: a key was added
// A: every class but m and n (as in Redis).
inline constexpr uint32_t kAll =
    kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;

// Parses Redis's letters ("" = off); nothing on a letter Redis does not know.
std::optional<uint32_t> parseFlags(std::string_view text);
// The form CONFIG GET answers, as Redis 7.0 writes it: "A" for all classes (then m and n are
// not written, as Redis does not), else the class letters in g$lshzxetdn order; then K, E, m.
std::string formatFlags(uint32_t flags);

// The error text CONFIG SET gives for a letter it does not know (after Redis's prefix).
inline constexpr std::string_view kInvalidFlags =
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

}  // namespace mini_redis::keyspace_events
