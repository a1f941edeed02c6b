// KeyHash: libsodium's SipHash-2-4 and the process-wide seed from getrandom.
#include "key_hash.h"

#include <sodium.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace mini_redis {

namespace {

static_assert(KeyHash::kSeedBytes == crypto_shorthash_KEYBYTES);
static_assert(crypto_shorthash_BYTES == sizeof(uint64_t));

// 16 bytes from the kernel's random source. Blocks only while the kernel's pool is not yet
// initialised (early boot), which is the point: a guessable seed would defeat the hash.
KeyHash::Seed randomSeed() {
    KeyHash::Seed seed;
    size_t got = 0;
    while (got < seed.size()) {
        ssize_t n = ::getrandom(seed.data() + got, seed.size() - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(),
                                    "cannot seed the key hash: getrandom");
        }
        got += static_cast<size_t>(n);
    }
    return seed;
}

}  // namespace

const KeyHash& KeyHash::process() {
    static const KeyHash hash(randomSeed());
    return hash;
}

KeyHash::KeyHash(const Seed& seed, Function fn) : seed_(seed), fn_(fn) {
    // libsodium asks for sodium_init() before any other call; once per process is enough.
    static const int sodium = sodium_init();
    if (sodium < 0) throw std::runtime_error("cannot initialise libsodium");
}

uint64_t KeyHash::sipHash(const Seed& seed, std::string_view s) {
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, reinterpret_cast<const unsigned char*>(s.data()), s.size(), seed.data());
    // SipHash defines its output as a little-endian word; the byte order chosen here only
    // permutes the values, so a plain copy serves on any host.
    uint64_t h;
    std::memcpy(&h, out, sizeof h);
    return h;
}

}  // namespace mini_redis
