// The listening TCP socket: bind, and accept until EAGAIN, surviving fd exhaustion.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace mini_redis {

// Reactor thread only.
class Listener {
  public:
    Listener() = default;
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds and listens (IPv4 or IPv6 literal). Returns an error text on failure.
    std::string open(const std::string& address, int port, int backlog);
    void close();
    int fd() const { return fd_; }
    // The port actually bound.
    int port() const { return port_; }

    // Accepts every pending connection (edge-triggered: until EAGAIN), calling
    // onAccept(fd, "ip:port") for each, with the socket non-blocking and TCP_NODELAY set.
    // On EMFILE/ENFILE it accepts and closes one connection using a reserved fd, so the
    // pending client is told (by a close) instead of the loop spinning on a ready socket.
    void acceptAll(const std::function<void(int fd, std::string peer)>& onAccept);

  private:
    int fd_ = -1;
    int port_ = 0;
    int reserve_fd_ = -1;             // an fd held back for the EMFILE dance
    unsigned long long refused_ = 0;  // connections closed for lack of descriptors
    std::chrono::steady_clock::time_point last_refusal_log_{};
};

}  // namespace mini_redis
