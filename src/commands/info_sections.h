// What InfoReport's section writers share (info_report.cpp, info_command_stats.cpp): INFO's
// "name:value" line format and the sum over every writer's counters. Nothing else includes it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "command_context.h"

namespace mini_redis::info {

// Any thread: each writes to the caller's string or reads relaxed counters.

inline void field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out += ':';
    out.append(value);
    out += "\r\n";
}

inline void field(std::string& out, std::string_view name, uint64_t value) {
    field(out, name, std::to_string(value));
}

inline void fieldInt(std::string& out, std::string_view name, int64_t value) {
    field(out, name, std::to_string(value));
}

// A double with printf's "%.Nf", as Redis prints ratios and percentages.
inline void fieldFixed(std::string& out, std::string_view name, double value, int decimals = 2,
                       std::string_view suffix = "") {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string text(buf);
    text.append(suffix);
    field(out, name, text);
}

// Every writer's counters summed: the workers' and the reactor's.
template <typename Fn>
void forEachWriter(const ServerStats& st, Fn fn) {
    for (const auto& w : st.workers) fn(w);
    fn(st.reactor);
}

}  // namespace mini_redis::info
