// Process-wide logger: one line per message to stderr, with time and level (journald-friendly).
#pragma once

#include <atomic>
#include <string_view>

namespace mini_redis {

// Ordered from most to least chatty, as Redis's loglevel.
enum class LogLevel {
    Debug,    // internals, per-event detail
    Verbose,  // per-connection events (open/close)
    Info,     // start-up, shutdown steps, reloads (the default)
    Notice,   // noteworthy but expected conditions
    Warning,  // something an operator should look at
};

// Any thread. Each message is written with a single write(2), so lines never interleave.
class Log {
  public:
    static void setLevel(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
    static LogLevel level() { return level_.load(std::memory_order_relaxed); }
    static bool enabled(LogLevel level) { return level >= Log::level(); }
    static void write(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

    // Parses "debug", "verbose", "info", "notice", "warning"; false if unknown.
    static bool parseLevel(std::string_view name, LogLevel& out);
    static const char* levelName(LogLevel level);

  private:
    static std::atomic<LogLevel> level_;
};

}  // namespace mini_redis

#define LOG_AT(lvl, ...)                                                                 \
    do {                                                                                 \
        if (::mini_redis::Log::enabled(lvl)) ::mini_redis::Log::write(lvl, __VA_ARGS__); \
    } while (0)
#define LOG_DEBUG(...) LOG_AT(::mini_redis::LogLevel::Debug, __VA_ARGS__)
#define LOG_VERBOSE(...) LOG_AT(::mini_redis::LogLevel::Verbose, __VA_ARGS__)
#define LOG_INFO(...) LOG_AT(::mini_redis::LogLevel::Info, __VA_ARGS__)
#define LOG_NOTICE(...) LOG_AT(::mini_redis::LogLevel::Notice, __VA_ARGS__)
#define LOG_WARNING(...) LOG_AT(::mini_redis::LogLevel::Warning, __VA_ARGS__)
