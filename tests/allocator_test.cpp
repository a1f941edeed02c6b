// Unit tests for the allocator unit: the configured malloc (meson -Dallocator) is the one that
// runs, for malloc() and for operator new, and INFO's name for it is Redis's spelling.
#include "allocator.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "build_config.h"

#if MINI_REDIS_ALLOCATOR_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
#include <mimalloc.h>
#endif

namespace allocator = mini_redis::allocator;

TEST_CASE("the name is Redis's mem_allocator spelling for the configured allocator") {
    std::string name = allocator::name();
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    CHECK(name.rfind("jemalloc-", 0) == 0);
    CHECK(name.find_first_of("-", 9) == std::string::npos);  // "jemalloc-5.3.0", no git suffix
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
    CHECK(name.rfind("mimalloc-", 0) == 0);
#else
    CHECK(name == "libc");
#endif
}

// ASan and TSan put their own malloc in front of glibc's (meson.build then configures glibc).
// GCC says so with __SANITIZE_*__, clang through __has_feature.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZER_MALLOC 1
#endif
#endif
#ifdef SANITIZER_MALLOC
constexpr bool kSanitizerMalloc = true;
#else
constexpr bool kSanitizerMalloc = false;
#endif

TEST_CASE("malloc reaches the configured allocator") {
    if (!kSanitizerMalloc) CHECK(allocator::mallocIsConfigured());
}

// Stored through a volatile pointer so that the compiler cannot elide the new/delete pair.
char* volatile new_sink = nullptr;

TEST_CASE("operator new reaches the configured allocator too") {
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    uint64_t before = 0, after = 0;
    size_t len = sizeof before;
    REQUIRE(mallctl("thread.allocated", &before, &len, nullptr, 0) == 0);
    new_sink = new char[1 << 20];
    REQUIRE(mallctl("thread.allocated", &after, &len, nullptr, 0) == 0);
    CHECK(after - before >= (1u << 20));
#elif MINI_REDIS_ALLOCATOR_MIMALLOC
    new_sink = new char[64];
    CHECK(mi_is_in_heap_region(new_sink));
#else
    new_sink = new char[64];
    CHECK(new_sink != nullptr);  // glibc is the default operator new; nothing to tell apart
#endif
    delete[] new_sink;
}

TEST_CASE("jemalloc purges in the background unless MALLOC_CONF says otherwise") {
#if MINI_REDIS_ALLOCATOR_JEMALLOC
    if (std::getenv("MALLOC_CONF") == nullptr) CHECK(allocator::backgroundPurging());
#else
    CHECK_FALSE(allocator::backgroundPurging());
#endif
}
