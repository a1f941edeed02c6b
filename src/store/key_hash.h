// The keyed hash for every table of client-chosen strings (keys now; hash fields, set members and
// sorted-set members later), so that nobody outside the process can compute which names collide.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mini_redis {

// SipHash-2-4 (libsodium's crypto_shorthash, the keyed hash Redis adopted against hash
// flooding) under a 128-bit seed. The process-wide instance draws its seed from getrandom once;
// the seed is never exposed (no accessor, not in INFO, logs or errors).
//
// Bit use, fixed for every table that takes this hash: the low bits pick a table's slot, the top
// 16 bits are a table's tag, bits 32..47 pick the store shard. All come from one keyed value, so
// a client can aim at neither a shard nor a probe run.
//
// Any thread: immutable after construction.
class KeyHash {
  public:
    static constexpr size_t kSeedBytes = 16;
    using Seed = std::array<unsigned char, kSeedBytes>;
    // The function behind a KeyHash. Production always uses SipHash; tests inject others (such
    // as the old unkeyed std::hash) to show what the seed buys.
    using Function = uint64_t (*)(const Seed& seed, std::string_view s);

    // The hash every table in this process uses. The first call draws the seed from getrandom
    // (Store's constructor makes it at start-up) and throws std::system_error if the kernel
    // gives no randomness; later calls return the same object.
    static const KeyHash& process();

    // SipHash-2-4 under a chosen seed: reproducible placements for tests.
    explicit KeyHash(const Seed& seed) : KeyHash(seed, &sipHash) {}
    // Tests only: another function over the same seed.
    KeyHash(const Seed& seed, Function fn);

    uint64_t operator()(std::string_view s) const { return fn_(seed_, s); }

  private:
    static uint64_t sipHash(const Seed& seed, std::string_view s);

    Seed seed_;
    Function fn_;
};

}  // namespace mini_redis
