// sd_notify wrapper.
#include "service_notifier.h"

#include <time.h>

#include <cstdlib>

#include "build_config.h"
#include "log.h"

#if MINI_REDIS_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace mini_redis {

ServiceNotifier::ServiceNotifier() {
#if MINI_REDIS_HAVE_SYSTEMD
    const char* socket = std::getenv("NOTIFY_SOCKET");
    active_ = socket != nullptr && socket[0] != '\0';
    uint64_t usec = 0;
    if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0) {
        watchdog_ = std::chrono::microseconds(usec);
    }
#endif
}

void ServiceNotifier::send(const std::string& state) {
#if MINI_REDIS_HAVE_SYSTEMD
    if (!active_) return;
    int rc = sd_notify(/*unset_environment=*/0, state.c_str());
    if (rc < 0) LOG_DEBUG("sd_notify failed: %d", rc);
#else
    (void)state;
#endif
}

void ServiceNotifier::ready(const std::string& status) {
    send("READY=1\nSTATUS=" + status);
}

void ServiceNotifier::status(const std::string& status) {
    send("STATUS=" + status);
}

void ServiceNotifier::reloading() {
    // MONOTONIC_USEC lets systemd (Type=notify-reload) match the reload to this message.
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
    send("RELOADING=1\nSTATUS=reloading configuration\nMONOTONIC_USEC=" + std::to_string(usec));
}

void ServiceNotifier::stopping(const std::string& status) {
    send("STOPPING=1\nSTATUS=" + status);
}

void ServiceNotifier::watchdogPing() {
    send("WATCHDOG=1");
}

}  // namespace mini_redis
