// The configured allocator's name, its start-up settings and a self-check (see allocator.h).
#include "allocator.h"

#include <malloc.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "build_config.h"

#if MINI_REDIS_ALLOCATOR_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
#include <mimalloc.h>
#endif

#if MINI_REDIS_ALLOCATOR_JEMALLOC
// jemalloc reads this before its first allocation. Background threads purge dirty pages on
// jemalloc's decay schedule (dirty_decay_ms, 10 s) even when no thread allocates, so what a
// FLUSHALL or a departed client freed goes back to the OS while the server sits idle; without
// them purging happens only as a side effect of later allocations. Redis does the same
// (`jemalloc-bg-thread yes`). The threads block every signal, so the signalfd plumbing is
// unaffected. MALLOC_CONF=background_thread:false in the environment turns them off.
extern "C" {
const char* malloc_conf = "background_thread:true";
}
#endif

namespace mini_redis::allocator {

namespace {

// Kept out of the optimizer's reach, so a malloc/free pair in a probe is not elided.
void* volatile probe_sink = nullptr;

}  // namespace

std::string name() {
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    const char* version = nullptr;
    size_t len = sizeof version;
    if (mallctl("version", &version, &len, nullptr, 0) == 0 && version != nullptr) {
        // "5.3.0-0-g54eaed1d..." -> "5.3.0", as Redis prints it.
        return "jemalloc-" + std::string(version, std::strcspn(version, "-"));
    }
    return "jemalloc";
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
    int v = mi_version();  // major * 100 + minor * 10 + patch: 209 is 2.0.9
    return "mimalloc-" + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
           std::to_string(v % 10);
#else
    return "libc";
#endif
}

bool mallocIsConfigured() {
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    // jemalloc counts what each thread allocated; a block it did not hand out leaves the count.
    constexpr size_t kSize = 1 << 20;
    uint64_t before = 0, after = 0;
    size_t len = sizeof before;
    if (mallctl("thread.allocated", &before, &len, nullptr, 0) != 0) return false;
    probe_sink = std::malloc(kSize);
    if (mallctl("thread.allocated", &after, &len, nullptr, 0) != 0) return false;
    std::free(probe_sink);
    return after - before >= kSize;
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
    probe_sink = std::malloc(64);
    bool ours = mi_is_in_heap_region(probe_sink);
    std::free(probe_sink);
    return ours;
#else
    // glibc's counters move for a block larger than its thread cache (1 KiB) and smaller
    // than its mmap threshold (128 KiB): such a block is carved from an arena.
    constexpr size_t kSize = 64 << 10;
    struct mallinfo2 before = mallinfo2();
    probe_sink = std::malloc(kSize);
    struct mallinfo2 after = mallinfo2();
    std::free(probe_sink);
    return after.uordblks + after.hblkhd >= before.uordblks + before.hblkhd + kSize;
#endif
}

bool backgroundPurging() {
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    bool enabled = false;
    size_t len = sizeof enabled;
    return mallctl("background_thread", &enabled, &len, nullptr, 0) == 0 && enabled;
#else
    return false;
#endif
}

void purge() {
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    // The calling thread's cache first (its blocks would keep their pages dirty), then every
    // arena's dirty and muzzy pages.
    mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
    char name[64];
    std::snprintf(name, sizeof name, "arena.%u.purge", static_cast<unsigned>(MALLCTL_ARENAS_ALL));
    mallctl(name, nullptr, nullptr, nullptr, 0);
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
    mi_collect(true);
#else
    malloc_trim(0);
#endif
}

}  // namespace mini_redis::allocator
