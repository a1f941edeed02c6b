// The list operations that take elements off a list and reply with them: the one path of
// LPOP/RPOP, LMPOP and LMOVE/RPOPLPUSH, for their blocking forms to reuse once a key is ready.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "command_context.h"
#include "list_value.h"

namespace mini_redis {

// The reply a pop is written as.
enum class PopReply : uint8_t {
    Single,       // one bulk string (LPOP key)
    Array,        // an array of the elements (LPOP key count)
    KeyAndArray,  // [key, [elements]] (LMPOP)
    KeyAndSingle,  // [key, element] (BLPOP)
};

// The list at a lookup's entry; nullptr when the lookup found nothing.
inline ListValue* listOf(const Lookup& l) {
    return l ? static_cast<ListValue*>(KeyTable::collection(l.entry)) : nullptr;
}

// LEFT / RIGHT (any case) as an end; false for anything else.
bool parseListEnd(std::string_view arg, ListValue::End& end);

// Pops up to `count` (>= 1) elements from `end` of `list`, the non-empty list at (db, key),
// replies with them as `shape` says, and reports the change (the key goes if it emptied).
void popAndReply(CommandContext& ctx, int db, std::string_view key, ListValue& list,
                 ListValue::End end, size_t count, PopReply shape);

// Moves one element from `from` of `src` (the non-empty list at src_key) to `to` of the list at
// dst_key, made if `dst` is null (the caller checked its type), replies with the element, and
// reports both changes. src_key and dst_key may be the same key (a rotation).
void moveAndReply(CommandContext& ctx, int db, std::string_view src_key, ListValue& src,
                  ListValue::End from, std::string_view dst_key, ListValue* dst, ListValue::End to);

}  // namespace mini_redis
