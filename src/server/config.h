// Server configuration: the JSON file's schema, validation, defaults and string forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log.h"

namespace mini_redis {

// A plain value; copy it freely. Not synchronised: the owner decides which thread touches it.
// Every key is declared once in config.cpp's option table, which drives the JSON loader,
// --check-config, command-line overrides and CONFIG GET/SET alike.
struct Config {
    std::string bind = "127.0.0.1";
    int64_t port = 9999;
    int64_t workers = 0;  // 0 = "auto": one per CPU
    LogLevel loglevel = LogLevel::Info;
    int64_t maxclients = 10000;
    int64_t proto_inline_max_size = 64 * 1024;
    int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
    int64_t proto_max_multibulk_len = 1024 * 1024;
    int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
    int64_t databases = 16;        // SELECT 0 .. databases-1; fixed at start
    int64_t hz = 10;               // active expire cycles per second
    int64_t shutdown_timeout = 5;  // seconds
    std::string requirepass;       // empty: no AUTH needed
    int64_t timeout = 0;           // idle seconds before a client is closed; 0 = never
    int64_t tcp_keepalive = 300;   // seconds between TCP keepalive probes; 0 = off
    // Per-client unsent output: over `hard` bytes, or over `soft` bytes for `soft_seconds`,
    // the client is disconnected. 0 disables that limit.
    int64_t output_hard_limit = 256LL * 1024 * 1024;
    int64_t output_soft_limit = 64LL * 1024 * 1024;
    int64_t output_soft_seconds = 60;
    // The same for a subscribed client (Redis's pubsub class: 32mb 8mb 60).
    int64_t pubsub_output_hard_limit = 32LL * 1024 * 1024;
    int64_t pubsub_output_soft_limit = 8LL * 1024 * 1024;
    int64_t pubsub_output_soft_seconds = 60;
    int64_t slowlog_log_slower_than = 10000;  // microseconds; -1 = off, 0 = log everything
    int64_t slowlog_max_len = 128;
    // CLIENT TRACKING's table: keys remembered at most (0 = unbounded); past it, a key is
    // forgotten and its readers told, as Redis does.
    int64_t tracking_table_max_keys = 1000000;
    // When a collection leaves its compact form (Redis's names and defaults). Lists: the
    // size of each packed node (negative: -1..-5 = 4..64 KiB; positive: that many items).
    int64_t list_max_listpack_size = -2;
    int64_t hash_max_listpack_entries = 512;
    int64_t hash_max_listpack_value = 64;
    int64_t set_max_intset_entries = 512;
    int64_t zset_max_listpack_entries = 128;
    int64_t zset_max_listpack_value = 64;
    // notify-keyspace-events as bits (keyspace_event_flags.h); 0 = off.
    uint32_t notify_keyspace_events = 0;
    // The append-only file (Redis's names and defaults): on or off; when it is synced
    // ("always", "everysec", "no"); its directory (inside `dir`) and the files' base name;
    // an automatic rewrite once it grew by this percentage over its size after the last
    // rewrite (0 = never) and is at least this big; aof-load-truncated: a torn last command
    // is cut off at start-up (else the server refuses to start).
    bool appendonly = false;
    std::string appendfsync = "everysec";
    std::string appenddirname = "appendonlydir";
    std::string appendfilename = "appendonly.aof";
    int64_t auto_aof_rewrite_percentage = 100;
    int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
    bool aof_load_truncated = true;
    // RDB snapshots (persist/): the file is dir/dbfilename; `save` holds Redis's save points
    // as (seconds, changes) pairs, empty = no automatic saves.
    std::string dir = ".";
    std::string dbfilename = "dump.rdb";
    std::vector<std::pair<int64_t, int64_t>> save;
    bool rdbcompression = true;
    bool rdbchecksum = true;
    bool stop_writes_on_bgsave_error = true;

    std::string config_file;  // where it was loaded from; empty for built-in defaults

    // Worker threads to start: `workers`, or the CPU count when it is "auto".
    int effectiveWorkers() const;

    // Loads `path` over the defaults. Returns an error naming the file, the key and what was
    // expected, or nothing on success.
    static std::optional<std::string> loadFile(const std::string& path, Config& out);
    // Parses JSON text as if read from `source` (a file name, for messages).
    static std::optional<std::string> loadJson(std::string_view text, const std::string& source,
                                               Config& out);

    // Sets one key from its string form (command-line flags, CONFIG SET).
    std::optional<std::string> set(std::string_view key, std::string_view value);
    // The string form of one key, or nothing if there is no such key.
    std::optional<std::string> get(std::string_view key) const;
    // Every key with its current value, in table order.
    std::vector<std::pair<std::string, std::string>> all() const;
    // Pretty JSON of the effective configuration (for --check-config). With hide_secrets, a
    // set secret (requirepass) is written as null: visible as set, never shown, and a file
    // saved from this output fails to load instead of silently changing the password.
    std::string toJson(bool hide_secrets) const;
    // Whether a key can change while the server runs (else it needs a restart).
    static bool isLive(std::string_view key);
    // Whether a key's value is a secret: never logged, echoed in an error or printed (CONFIG
    // GET still returns it, as Redis does).
    static bool isSecret(std::string_view key);
};

}  // namespace mini_redis
