// Key names an attacker computes offline against the OLD, unkeyed key hash, for the hash
// flooding tests (key_hash_test and, through the hash_flood_names tool, hash_flood_test.py).
//
// The old hash was std::hash<std::string_view>: in libstdc++ a MurmurHash2 variant with a fixed,
// public seed, the same in every process. The old store picked the shard from its bits 32..47
// (mod 256 shards) and the slot from its low bits. The names here all land in one shard under
// that rule and share their low 8 bits, so in that shard's table they pile onto the same home
// slot modulo 256: 16 constrained bits, found by brute force in about 2^16 tries a name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flood {

inline uint64_t oldHash(std::string_view s) {
    return std::hash<std::string_view>{}(s);
}

constexpr size_t kOldShards = 256;
constexpr size_t kTargetShard = 42;
constexpr uint64_t kLowMask = 0xff;
constexpr uint64_t kTargetLow = 0x5a;

inline size_t oldShard(uint64_t h) {
    return ((h >> 32) & 0xffff) % kOldShards;
}

inline bool isFloodName(std::string_view s) {
    uint64_t h = oldHash(s);
    return oldShard(h) == kTargetShard && (h & kLowMask) == kTargetLow;
}

// The first `count` names of the form "flood:NNNNNNNNNN" (a 10-digit counter) that pass
// isFloodName. The counter is bumped in place: no allocation per try.
inline std::vector<std::string> oldHashFloodNames(size_t count) {
    std::vector<std::string> out;
    out.reserve(count);
    char name[] = "flood:0000000000";
    constexpr size_t kLen = sizeof name - 1;
    constexpr size_t kDigits = 6;  // offset of the first digit
    while (out.size() < count) {
        if (isFloodName(std::string_view(name, kLen))) out.emplace_back(name, kLen);
        for (size_t i = kLen - 1; i >= kDigits; --i) {
            if (name[i] != '9') {
                ++name[i];
                break;
            }
            name[i] = '0';
        }
    }
    return out;
}

}  // namespace flood
