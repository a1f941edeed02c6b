// INFO's per-command sections (commandstats, latencystats, errorstats): each command's
// counters summed over every writer, as Redis 7.0 prints them.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <vector>

#include "info_report.h"
#include "info_sections.h"

namespace mini_redis {

using namespace info;

namespace {

struct CommandTotals {
    uint64_t calls = 0, nanos = 0, rejected = 0, failed = 0;
    std::vector<uint64_t> buckets;
};

std::vector<CommandTotals> commandTotals(const ServerStats& st, size_t commands) {
    std::vector<CommandTotals> totals(commands);
    forEachWriter(st, [&](const WorkerStats& w) {
        size_t n = 0;
        const CommandCounters* c = w.per_command.read(n);
        for (size_t i = 0; i < n && i < commands; ++i) {
            CommandTotals& t = totals[i];
            t.calls += c[i].calls.load(std::memory_order_relaxed);
            t.nanos += c[i].nanos.load(std::memory_order_relaxed);
            t.rejected += c[i].rejected.load(std::memory_order_relaxed);
            t.failed += c[i].failed.load(std::memory_order_relaxed);
            if (t.buckets.empty()) t.buckets.assign(LatencyHistogram::kBuckets, 0);
            for (size_t b = 0; b < LatencyHistogram::kBuckets; ++b) {
                t.buckets[b] += c[i].latency.buckets[b].load(std::memory_order_relaxed);
            }
        }
    });
    return totals;
}

// The value (microseconds) at or below which `p` of the calls fell: the upper bound of the
// histogram bucket that holds that rank, so within 25% above the true value.
double percentileUsec(const std::vector<uint64_t>& buckets, uint64_t total, double p) {
    const auto rank = static_cast<uint64_t>(std::max(1.0, p / 100.0 * static_cast<double>(total)));
    uint64_t seen = 0;
    for (size_t b = 0; b < buckets.size(); ++b) {
        seen += buckets[b];
        if (seen >= rank) return static_cast<double>(LatencyHistogram::upperBound(b)) / 1000.0;
    }
    return 0;
}

}  // namespace

void InfoReport::commandstats(std::string& out) {
    const auto& specs = ctx_.table.all();
    auto totals = commandTotals(ctx_.stats, specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        const CommandTotals& t = totals[i];
        if (t.calls == 0 && t.rejected == 0 && t.failed == 0) continue;
        const uint64_t usec = t.nanos / 1000;
        char line[256];
        std::snprintf(line, sizeof line,
                      ":calls=%" PRIu64 ",usec=%" PRIu64
                      ",usec_per_call=%.2f,rejected_calls=%" PRIu64 ",failed_calls=%" PRIu64,
                      t.calls, usec,
                      t.calls == 0
                          ? 0.0
                          : static_cast<double>(t.nanos) / 1000.0 / static_cast<double>(t.calls),
                      t.rejected, t.failed);
        out += "cmdstat_";
        out.append(specs[i].name);
        out += line;
        out += "\r\n";
    }
}

void InfoReport::errorstats(std::string& out) {
    std::map<std::string, uint64_t> counts;  // sorted by code, as Redis lists them
    forEachWriter(ctx_.stats, [&](const WorkerStats& w) {
        const size_t n = w.errors.size();
        for (size_t i = 0; i < n; ++i) counts[std::string(w.errors.code(i))] += w.errors.countOf(i);
    });
    for (const auto& [code, count] : counts) {
        field(out, "errorstat_" + code, "count=" + std::to_string(count));
    }
}

void InfoReport::latencystats(std::string& out) {
    const auto& specs = ctx_.table.all();
    auto totals = commandTotals(ctx_.stats, specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        const CommandTotals& t = totals[i];
        if (t.calls == 0) continue;
        char line[160];
        std::snprintf(line, sizeof line, ":p50=%.3f,p99=%.3f,p99.9=%.3f",
                      percentileUsec(t.buckets, t.calls, 50),
                      percentileUsec(t.buckets, t.calls, 99),
                      percentileUsec(t.buckets, t.calls, 99.9));
        out += "latency_percentiles_usec_";
        out.append(specs[i].name);
        out += line;
        out += "\r\n";
    }
}

}  // namespace mini_redis
