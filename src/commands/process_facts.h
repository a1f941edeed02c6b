// Facts about this process for INFO: RSS, CPU time, ids, and Redis's number formats.
// Free functions; any thread.
#pragma once

#include <sys/time.h>

#include <cstdint>
#include <string>

namespace mini_redis::process {

// Redis's bytesToHuman: 1023B, 1.00K, 1.50M, ...
std::string human(uint64_t n);
// 40 hex digits, made once per process: INFO's run_id and master_replid.
const std::string& runId();
const std::string& replId();
// Resident set size, from /proc/self/statm.
uint64_t rssBytes();
// "seconds.micros", as Redis prints CPU times.
std::string cpuSeconds(const timeval& tv);
// The main thread's user and system CPU time (the reactor runs there); false if unreadable.
bool mainThreadCpu(timeval& user, timeval& sys);

}  // namespace mini_redis::process
