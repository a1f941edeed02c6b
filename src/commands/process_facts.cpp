// Facts about this process for INFO: RSS, CPU time, ids, and Redis's number formats.
#include "process_facts.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <vector>

namespace mini_redis::process {

namespace {

// 40 random hex digits (run_id, master_replid).
std::string randomHex40() {
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 40; ++i) s += "0123456789abcdef"[rd() & 15];
    return s;
}

}  // namespace

// Redis's bytesToHuman: 1023B, 1.00K, 1.50M, ...
std::string human(uint64_t n) {
    static constexpr const char* kUnits = "KMGTPE";
    if (n < 1024) return std::to_string(n) + "B";
    double d = static_cast<double>(n) / 1024;
    size_t unit = 0;
    while (d >= 1024 && unit + 1 < 6) {
        d /= 1024;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%c", d, kUnits[unit]);
    return buf;
}

const std::string& runId() {
    static const std::string id = randomHex40();
    return id;
}

const std::string& replId() {
    static const std::string id = randomHex40();
    return id;
}

uint64_t rssBytes() {
    std::ifstream statm("/proc/self/statm");
    uint64_t pages_total = 0, pages_rss = 0;
    statm >> pages_total >> pages_rss;
    return pages_rss * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string cpuSeconds(const timeval& tv) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%ld.%06ld", static_cast<long>(tv.tv_sec),
                  static_cast<long>(tv.tv_usec));
    return buf;
}

// The main thread's user and system CPU (the reactor runs on it; INFO runs on a worker, so
// RUSAGE_THREAD would name the wrong thread). From /proc, in clock ticks.
bool mainThreadCpu(timeval& user, timeval& sys) {
    std::ifstream stat("/proc/self/task/" + std::to_string(getpid()) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    size_t close = line.rfind(')');  // the name may hold spaces; fields follow its ')'
    if (close == std::string::npos) return false;
    std::vector<std::string> fields;
    size_t pos = close + 2;
    while (pos < line.size()) {
        size_t end = line.find(' ', pos);
        if (end == std::string::npos) end = line.size();
        fields.push_back(line.substr(pos, end - pos));
        pos = end + 1;
    }
    if (fields.size() < 13) return false;  // utime and stime are fields 14 and 15 of stat
    const long ticks = sysconf(_SC_CLK_TCK);
    auto toTv = [&](const std::string& s) {
        const long long t = std::atoll(s.c_str());
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(t / ticks);
        tv.tv_usec = static_cast<suseconds_t>((t % ticks) * 1000000 / ticks);
        return tv;
    };
    user = toTv(fields[11]);
    sys = toTv(fields[12]);
    return true;
}

}  // namespace mini_redis::process
