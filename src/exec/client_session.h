// Per-connection state that commands read and change (name, selected db, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "conn_ref.h"

namespace mini_redis {

// The longest client name CLIENT SETNAME or HELLO ... SETNAME accepts: a name is kept for the
// connection's whole life, so it is bounded (the text is errors::kClientNameTooLong).
inline constexpr size_t kMaxClientNameBytes = 4096;

// CLIENT TRACKING's settings of one connection (Redis 7.0's client-side caching).
struct TrackingState {
    bool on = false;
    bool bcast = false;   // every write to a key under `prefixes` (all keys if none) is told
    bool optin = false;   // only keys read right after CLIENT CACHING YES are tracked
    bool optout = false;  // keys read right after CLIENT CACHING NO are not tracked
    bool noloop = false;  // not told of its own writes
    uint64_t redirect = 0;  // CLIENT ID the invalidations go to (0: this client, RESP3)
    // CLIENT CACHING YES (1) / NO (0) for the next command only; -1: not given.
    int8_t caching = -1;
    std::vector<std::string> prefixes;  // BCAST only
};

// Travels inside the connection's one in-flight Batch and is copied back by the reactor on
// completion, so exactly one thread touches it at a time (the hand-off is the queue).
struct ClientSession {
    uint64_t id = 0;                // CLIENT ID; never reused in a server's lifetime
    ConnRef ref;                    // the connection's ConnRef (the pub/sub registry's key)
    std::string name;               // CLIENT SETNAME
    std::string peer;               // "ip:port"
    int db = 0;                     // SELECT; only 0 exists
    bool authenticated = true;      // false until AUTH when requirepass is set at connect time
    std::string_view last_command;  // the table's name of the last command run (CLIENT LIST)
    int resp = 2;                   // protocol of the replies: 2, or 3 after HELLO 3
    std::string lib_name;           // CLIENT SETINFO LIB-NAME (Redis 7.2)
    std::string lib_ver;            // CLIENT SETINFO LIB-VER
    bool no_evict = false;          // CLIENT NO-EVICT: accepted; nothing is evicted anyway
    bool no_touch = false;          // CLIENT NO-TOUCH: accepted; no LRU/LFU is kept anyway
    // Channels plus patterns subscribed (kept by the pub/sub commands on the reactor). Nonzero
    // is Redis's pub/sub mode: in RESP2 only (P)(UN)SUBSCRIBE, PING, QUIT, RESET may run.
    size_t subscriptions = 0;
    TrackingState tracking;  // CLIENT TRACKING (its commands run on the reactor)
    // MONITOR ran: the client gets every command's line (ClientRegistry keeps the list) and may
    // no longer touch the keyspace ("Replica can't interact with the keyspace"). RESET ends it.
    bool monitor = false;
    // CLIENT REPLY OFF: no reply at all (errors included) until CLIENT REPLY ON; MONITOR lines
    // are dropped too, pub/sub pushes still go out (as 7.0). SKIP: the next command's reply
    // is dropped (CommandExecutor::run applies both, per request). RESET clears both.
    bool reply_off = false;
    bool reply_skip_next = false;
};

// The flags field of a CLIENT LIST line: N (none), or O (MONITOR), P (subscribed), b (blocked
// by BLPOP and friends), t (tracking), e (NO-EVICT) and T (NO-TOUCH), in Redis's order.
inline std::string clientListFlags(const ClientSession& s, bool blocked = false) {
    std::string flags;
    if (s.monitor) flags += 'O';
    if (s.subscriptions > 0) flags += 'P';
    if (blocked) flags += 'b';
    if (s.tracking.on) flags += 't';
    if (s.no_evict) flags += 'e';
    if (s.no_touch) flags += 'T';
    return flags.empty() ? std::string("N") : flags;
}

}  // namespace mini_redis
