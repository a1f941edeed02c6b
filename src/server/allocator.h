// The malloc the server is linked with (meson option `allocator`): its name for INFO, and a
// self-check that malloc() really reaches it.
#pragma once

#include <string>

namespace mini_redis::allocator {

// What INFO memory reports as mem_allocator, spelled as Redis spells it: "jemalloc-5.3.0",
// "libc", or (mimalloc, which Redis does not offer) "mimalloc-2.0.9". The version is the loaded
// library's, not the header's. Any thread.
std::string name();

// Whether a block from malloc() comes from the configured allocator. False means the link went
// wrong (another library's malloc interposed first) and `name()` would be a lie; the allocator
// unit test checks it. Any thread.
bool mallocIsConfigured();

// jemalloc only: whether its background threads purge freed pages (so memory goes back to the
// OS while the server is idle). Set at start-up through `malloc_conf`; MALLOC_CONF in the
// environment overrides it. False for the other allocators. Any thread.
bool backgroundPurging();

// Hands the pages of freed memory back to the OS now instead of on the allocator's decay
// schedule (MEMORY PURGE; benchmarks call it before reading RSS). Any thread; it may take a
// few milliseconds on a big heap.
void purge();

}  // namespace mini_redis::allocator
