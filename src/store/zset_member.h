// One member of a large sorted set: its score and its bytes in one allocation, shared by the
// score tree (which orders members) and the member index (which finds them by name).
#pragma once

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace mini_redis {

// Not thread-safe: owned by its ZSetValue (guarded by the key's shard). Layout: the score,
// the length, then the bytes (12 bytes of header: a member of up to 20 bytes takes one 32-byte
// block of the allocator).
struct __attribute__((packed)) ZMember {
    double score;  // at offset 0 of a malloc block: aligned
    uint32_t len;

    const char* bytes() const { return reinterpret_cast<const char*>(this) + sizeof(ZMember); }
    std::string_view name() const { return {bytes(), len}; }

    // A fresh member; `allocated` grows by the bytes the allocator gave it.
    static ZMember* make(std::string_view name, double score, size_t& allocated) {
        void* block = std::malloc(sizeof(ZMember) + name.size());
        if (block == nullptr) throw std::bad_alloc();
        auto* m = static_cast<ZMember*>(block);
        m->score = score;
        m->len = static_cast<uint32_t>(name.size());
        if (!name.empty()) std::memcpy(static_cast<char*>(block) + sizeof(ZMember), name.data(),
                                       name.size());
        allocated += malloc_usable_size(block);
        return m;
    }
    // Frees it; `allocated` shrinks by what make() counted.
    static void destroy(ZMember* m, size_t& allocated) {
        allocated -= malloc_usable_size(m);
        std::free(m);
    }
};
static_assert(sizeof(ZMember) == 12, "score and length, packed");

// Redis's member order (sdscmp): bytes compared as unsigned, a prefix before the longer string.
inline int compareMembers(std::string_view a, std::string_view b) {
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    if (c != 0) return c;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// The order of a sorted set: by score, then by member bytes. -0.0 and 0.0 are the same score.
inline bool zsetLess(double s1, std::string_view m1, double s2, std::string_view m2) {
    if (s1 < s2) return true;
    if (s1 > s2) return false;
    return compareMembers(m1, m2) < 0;
}

}  // namespace mini_redis
