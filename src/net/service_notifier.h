// Talks to the service manager (systemd's sd_notify): READY, STATUS, RELOADING, STOPPING,
// WATCHDOG. A no-op when built without libsystemd or not started by a service manager.
#pragma once

#include <chrono>
#include <string>

namespace mini_redis {

// Reactor thread only (it is called from the loop, so a stuck loop stops the watchdog pings).
class ServiceNotifier {
  public:
    ServiceNotifier();

    // Whether NOTIFY_SOCKET was set (systemd Type=notify, or a test playing the manager).
    bool active() const { return active_; }
    // The watchdog interval asked for by WATCHDOG_USEC, or zero when there is none.
    std::chrono::microseconds watchdogInterval() const { return watchdog_; }

    void ready(const std::string& status);
    void status(const std::string& status);
    void reloading();
    void stopping(const std::string& status);
    void watchdogPing();

  private:
    void send(const std::string& state);

    bool active_ = false;
    std::chrono::microseconds watchdog_{0};
};

}  // namespace mini_redis
