// A plain set as an input of ZUNION/ZINTER/ZDIFF/ZINTERCARD: Redis reads it as a sorted set
// whose every score is 1. The one place the sorted-set family reads a set's members.
#pragma once

#include <cassert>
#include <cstddef>
#include <string_view>

#include "value.h"

// The set family's value class (SetValue: length(), forEach(fn(member)), contains(member)).
// A branch without it has no command that creates a set, so no set can reach these functions;
// once set_value.h is there they read through it.
#if __has_include("set_value.h")
#include "set_value.h"
#define MINI_REDIS_ZSET_READS_SETS 1
#else
#define MINI_REDIS_ZSET_READS_SETS 0
#endif

namespace mini_redis::set_source {

// Any thread holding the set's shard.
inline size_t length(const Collection* set) {
    return set->length();
}

// Calls fn(member) for every member.
template <class Fn>
void forEach(const Collection* set, Fn&& fn) {
#if MINI_REDIS_ZSET_READS_SETS
    static_cast<const SetValue*>(set)->forEach(fn);
#else
    (void)set;
    (void)fn;
    assert(!"a set value without the set family");
#endif
}

inline bool contains(const Collection* set, std::string_view member) {
#if MINI_REDIS_ZSET_READS_SETS
    return static_cast<const SetValue*>(set)->contains(member);
#else
    (void)set;
    (void)member;
    assert(!"a set value without the set family");
    return false;
#endif
}

}  // namespace mini_redis::set_source
