// Slow log storage.
#include "slow_log.h"

#include <ctime>

namespace mini_redis {

namespace {
constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgBytes = 128;
}  // namespace

void SlowLog::add(std::span<const std::string_view> argv, int64_t duration_us,
                  const std::string& peer, const std::string& client_name, size_t max_len) {
    SlowLogEntry entry;
    entry.unix_time = static_cast<int64_t>(std::time(nullptr));
    entry.duration_us = duration_us;
    entry.peer = peer;
    entry.client_name = client_name;
    size_t shown = std::min(argv.size(), kMaxArgs);
    for (size_t i = 0; i < shown; ++i) {
        // The last slot says how many were left out, as Redis does.
        if (i == kMaxArgs - 1 && argv.size() > kMaxArgs) {
            entry.args.push_back("... (" + std::to_string(argv.size() - kMaxArgs + 1) +
                                 " more arguments)");
            break;
        }
        std::string_view a = argv[i];
        if (a.size() > kMaxArgBytes) {
            entry.args.push_back(std::string(a.substr(0, kMaxArgBytes)) + "... (" +
                                 std::to_string(a.size() - kMaxArgBytes) + " more bytes)");
        } else {
            entry.args.emplace_back(a);
        }
    }
    std::lock_guard lock(mu_);
    entry.id = next_id_++;
    entries_.push_front(std::move(entry));
    while (entries_.size() > max_len) entries_.pop_back();
}

std::vector<SlowLogEntry> SlowLog::newest(int64_t count) const {
    std::lock_guard lock(mu_);
    size_t n = count < 0 ? entries_.size() : std::min(entries_.size(), static_cast<size_t>(count));
    return std::vector<SlowLogEntry>(entries_.begin(), entries_.begin() + static_cast<long>(n));
}

size_t SlowLog::size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
}

void SlowLog::reset() {
    std::lock_guard lock(mu_);
    entries_.clear();
}

}  // namespace mini_redis
