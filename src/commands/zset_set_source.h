// A plain set as an input of ZUNION/ZINTER/ZDIFF/ZINTERCARD: Redis reads it as a sorted set
// whose every score is 1. The one place the sorted-set family reads a set's members.
#pragma once

#include <cstddef>
#include <string_view>

#include "value.h"

#include "set_value.h"

namespace mini_redis::set_source {

// Any thread holding the set's shard.
inline size_t length(const Collection* set) {
    return set->length();
}

// Calls fn(member) for every member.
template <class Fn>
void forEach(const Collection* set, Fn&& fn) {
    static_cast<const SetValue*>(set)->forEach(fn);
}

inline bool contains(const Collection* set, std::string_view member) {
    return static_cast<const SetValue*>(set)->contains(member);
}

}  // namespace mini_redis::set_source
