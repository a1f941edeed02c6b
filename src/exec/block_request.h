// What a blocking command (BLPOP, BZPOPMIN, BLMOVE, ...) leaves in its batch when it found
// nothing to pop: the keys to wait on and until when. The reactor's BlockedClients takes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "value.h"

namespace mini_redis {

// Travels in the connection's batch (one thread at a time, like the session).
struct BlockRequest {
    int db = 0;
    ValueType type = ValueType::List;  // what makes one of the keys ready
    std::vector<std::string> keys;     // in the command's order (first-come, first-served)
    int64_t deadline_ms = 0;           // absolute, the store clock's; 0 = wait forever

    bool active() const { return !keys.empty(); }
    void clear() {
        keys.clear();
        deadline_ms = 0;
    }
};

}  // namespace mini_redis
