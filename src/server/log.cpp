// Logger implementation: formats "<UTC time> <pid> <level> <message>" and writes it in one call.
#include "log.h"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace mini_redis {

std::atomic<LogLevel> Log::level_{LogLevel::Info};

namespace {
struct LevelName {
    LogLevel level;
    const char* name;
};
constexpr LevelName kLevelNames[] = {
    {LogLevel::Debug, "debug"},   {LogLevel::Verbose, "verbose"}, {LogLevel::Info, "info"},
    {LogLevel::Notice, "notice"}, {LogLevel::Warning, "warning"},
};
}  // namespace

const char* Log::levelName(LogLevel level) {
    for (const auto& entry : kLevelNames) {
        if (entry.level == level) return entry.name;
    }
    return "info";
}

bool Log::parseLevel(std::string_view name, LogLevel& out) {
    for (const auto& entry : kLevelNames) {
        if (name == entry.name) {
            out = entry.level;
            return true;
        }
    }
    return false;
}

void Log::write(LogLevel level, const char* fmt, ...) {
    char line[2048];
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm utc{};
    gmtime_r(&tv.tv_sec, &utc);
    int n =
        std::snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %d %-7s ",
                      utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                      utc.tm_sec, static_cast<int>(tv.tv_usec / 1000), getpid(), levelName(level));
    va_list args;
    va_start(args, fmt);
    int m = std::vsnprintf(line + n, sizeof line - n - 1, fmt, args);
    va_end(args);
    size_t len = static_cast<size_t>(n) + (m < 0 ? 0 : std::min<size_t>(m, sizeof line - n - 2));
    line[len++] = '\n';
    ssize_t ignored = ::write(STDERR_FILENO, line, len);
    (void)ignored;
}

}  // namespace mini_redis
