// Listening socket.
#include "listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "log.h"

namespace mini_redis {

namespace {

std::string peerName(const sockaddr_storage& addr) {
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (addr.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
    }
    return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

Listener::~Listener() {
    close();
    if (reserve_fd_ >= 0) ::close(reserve_fd_);
}

void Listener::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

std::string Listener::open(const std::string& address, int port, int backlog) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port);
    int rc = getaddrinfo(address.c_str(), service.c_str(), &hints, &res);
    if (rc != 0) return "bad bind address '" + address + "': " + gai_strerror(rc);
    std::string error;
    int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
    } else {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (::bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
            error = "cannot bind " + address + ":" + service + ": " + std::strerror(errno);
        } else if (::listen(fd, backlog) < 0) {
            error = std::string("listen: ") + std::strerror(errno);
        }
    }
    freeaddrinfo(res);
    if (!error.empty()) {
        if (fd >= 0) ::close(fd);
        return error;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    fd_ = fd;
    if (reserve_fd_ < 0) reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    return {};
}

void Listener::acceptAll(const std::function<void(int fd, std::string peer)>& onAccept) {
    while (fd_ >= 0) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        int fd =
            ::accept4(fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if ((errno == EMFILE || errno == ENFILE) && reserve_fd_ >= 0) {
                // accept4 reports EMFILE before it looks for a pending connection, so this
                // says nothing about whether one is waiting. Free the reserve, take one
                // client and close it (it sees a clean close, not a hang), then re-reserve.
                ::close(reserve_fd_);
                int victim = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                int victim_errno = errno;
                if (victim >= 0) ::close(victim);
                reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (victim < 0) {
                    // Nothing was pending after all (EAGAIN), or it failed: stop here; the
                    // next connection makes a new edge.
                    if (victim_errno != EAGAIN && victim_errno != EWOULDBLOCK) {
                        LOG_WARNING("accept: %s", std::strerror(victim_errno));
                    }
                    return;
                }
                ++refused_;
                auto now = std::chrono::steady_clock::now();
                if (now - last_refusal_log_ >= std::chrono::seconds(1)) {
                    LOG_WARNING(
                        "accept: out of file descriptors; refused %llu connection(s) "
                        "so far (raise LimitNOFILE/ulimit -n or lower maxclients)",
                        static_cast<unsigned long long>(refused_));
                    last_refusal_log_ = now;
                }
                continue;
            }
            LOG_WARNING("accept: %s", std::strerror(errno));
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        onAccept(fd, peerName(addr));
    }
}

}  // namespace mini_redis
