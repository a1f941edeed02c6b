// How a connection is named outside the registry: its slot and the slot's generation.
#pragma once

#include <cstdint>

namespace mini_redis {

// A plain value, safe to copy to any thread (STYLE 11: never a pointer to a Connection).
// The registry reuses a slot once its connection has closed and bumps the slot's generation,
// so a ConnRef held by a job, a completion or a timer for a client that has left finds
// nothing: its reply is dropped. Generation 0 names nothing. (The CLIENT ID a client sees is
// its own counter, never reused; see Connection::id().)
struct ConnRef {
    uint32_t slot = 0;
    uint32_t generation = 0;

    bool valid() const { return generation != 0; }
    friend bool operator==(ConnRef, ConnRef) = default;
};

}  // namespace mini_redis
