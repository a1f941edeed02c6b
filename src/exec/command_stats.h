// Per-command and per-error counters behind INFO commandstats, errorstats and latencystats.
// Each instance has exactly one writer (a worker, or the reactor for its own commands), so
// counting is a relaxed load and store on memory no other thread writes: no atomic
// read-modify-write, no shared cache line on the hot path. INFO sums every writer's copy.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace mini_redis {

// Single-writer increment: only the owning thread may call it on a given counter.
inline void bumpCounter(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// A log-linear histogram of nanoseconds: 4 buckets per power of two (values within 25%),
// up to about 73 minutes (longer goes in the last bucket).
struct LatencyHistogram {
    static constexpr size_t kBuckets = 4 * 41;
    std::atomic<uint64_t> buckets[kBuckets] = {};

    static size_t bucketOf(uint64_t ns) {
        if (ns < 4) return static_cast<size_t>(ns);
        const int e = 63 - __builtin_clzll(ns);  // >= 2
        const size_t idx = 4 * static_cast<size_t>(e - 1) + ((ns >> (e - 2)) & 3);
        return idx < kBuckets ? idx : kBuckets - 1;
    }
    // The largest value that falls in bucket `idx`.
    static uint64_t upperBound(size_t idx) {
        if (idx < 4) return idx;
        const int e = static_cast<int>(idx / 4) + 1;
        const uint64_t lower = (4 + idx % 4) << (e - 2);
        return lower + (uint64_t{1} << (e - 2)) - 1;
    }
};

// One command's counters. Writer: the owner of the CommandStats holding it.
struct CommandCounters {
    std::atomic<uint64_t> calls{0};     // handler ran
    std::atomic<uint64_t> nanos{0};     // time in the handler
    std::atomic<uint64_t> rejected{0};  // refused before running (arity, NOAUTH)
    std::atomic<uint64_t> failed{0};    // ran and replied with an error
    LatencyHistogram latency;
};

// Counters for each command of the table, indexed by CommandTable::index(). The array is
// made by its writer on first use (it alone knows when work starts) and published with a
// release store, so a reader sees either nothing or an initialized array.
class CommandStats {
  public:
    ~CommandStats() { delete[] table_.load(std::memory_order_relaxed); }

    // Writer only: the counters, made on the first call with room for `commands` entries.
    CommandCounters* forWriter(size_t commands) {
        CommandCounters* t = table_.load(std::memory_order_relaxed);
        if (t == nullptr) {
            t = new CommandCounters[commands];
            size_ = commands;
            table_.store(t, std::memory_order_release);
        }
        return t;
    }
    // Any thread: the counters (or nullptr before the writer's first command) and their count.
    const CommandCounters* read(size_t& count) const {
        const CommandCounters* t = table_.load(std::memory_order_acquire);
        count = t != nullptr ? size_ : 0;
        return t;
    }

  private:
    std::atomic<CommandCounters*> table_{nullptr};
    size_t size_ = 0;  // written before the release store of table_
};

// Error replies by their code (the first word: ERR, WRONGTYPE, NOAUTH, ...), as Redis counts
// them. Like Redis, at most kMaxCodes distinct codes are tracked; the total counts them all.
class ErrorCounters {
  public:
    static constexpr size_t kMaxCodes = 32;
    static constexpr size_t kMaxCodeBytes = 31;

    // Writer only. `text` is the error without its leading '-'.
    void count(std::string_view text) {
        bumpCounter(total_);
        std::string_view code = text.substr(0, text.find(' '));
        if (code.size() > kMaxCodeBytes) code = code.substr(0, kMaxCodeBytes);
        const size_t used = used_.load(std::memory_order_relaxed);
        for (size_t i = 0; i < used; ++i) {
            if (code == slots_[i].code) {
                bumpCounter(slots_[i].count);
                return;
            }
        }
        if (used == kMaxCodes) return;
        std::memcpy(slots_[used].code, code.data(), code.size());
        slots_[used].code[code.size()] = '\0';
        bumpCounter(slots_[used].count);
        used_.store(used + 1, std::memory_order_release);  // publishes the code's text
    }
    uint64_t total() const { return total_.load(std::memory_order_relaxed); }
    // Any thread: codes [0, size()) may be read with code() and countOf().
    size_t size() const { return used_.load(std::memory_order_acquire); }
    std::string_view code(size_t i) const { return slots_[i].code; }
    uint64_t countOf(size_t i) const { return slots_[i].count.load(std::memory_order_relaxed); }

  private:
    struct Slot {
        char code[kMaxCodeBytes + 1] = {};
        std::atomic<uint64_t> count{0};
    };
    Slot slots_[kMaxCodes];
    std::atomic<size_t> used_{0};
    std::atomic<uint64_t> total_{0};
};

}  // namespace mini_redis
