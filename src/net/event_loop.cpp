// epoll loop implementation.
#include "event_loop.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mini_redis {

namespace {

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// epoll_event.data carries fd and generation, so a stale event for a reused fd is ignored.
uint64_t pack(int fd, uint32_t generation) {
    return (static_cast<uint64_t>(generation) << 32) | static_cast<uint32_t>(fd);
}

}  // namespace

EventLoop::EventLoop() : thread_id_(std::this_thread::get_id()) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) fail("epoll_create1");
}

EventLoop::~EventLoop() {
    if (signal_fd_ >= 0) ::close(signal_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EventLoop::add(int fd, uint32_t events, IoCallback cb) {
    assert(fd >= 0);
    if (static_cast<size_t>(fd) >= watches_.size()) watches_.resize(fd + 64);
    assert(!watches_[fd]);
    auto w = std::make_unique<Watch>();
    w->cb = std::move(cb);
    w->generation = next_generation_++;
    epoll_event ev{};
    ev.events = events | EPOLLET;
    ev.data.u64 = pack(fd, w->generation);
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll_ctl(ADD)");
    watches_[fd] = std::move(w);
}

void EventLoop::modify(int fd, uint32_t events) {
    assert(fd >= 0 && static_cast<size_t>(fd) < watches_.size() && watches_[fd]);
    epoll_event ev{};
    ev.events = events | EPOLLET;
    ev.data.u64 = pack(fd, watches_[fd]->generation);
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0) fail("epoll_ctl(MOD)");
}

void EventLoop::remove(int fd) {
    if (fd < 0 || static_cast<size_t>(fd) >= watches_.size() || !watches_[fd]) return;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    // The callback may be running right now (a handler removing its own fd): keep it alive
    // until the current dispatch round ends.
    retired_.push_back(std::move(watches_[fd]));
}

EventLoop::TimerId EventLoop::runAfter(std::chrono::milliseconds delay, Callback cb) {
    TimerId id = next_timer_id_++;
    Timer t{std::move(cb), std::chrono::milliseconds(0), Clock::now() + delay};
    timer_order_.emplace(t.due, id);
    timers_.emplace(id, std::move(t));
    return id;
}

EventLoop::TimerId EventLoop::runEvery(std::chrono::milliseconds interval, Callback cb) {
    assert(interval.count() > 0);
    TimerId id = next_timer_id_++;
    Timer t{std::move(cb), interval, Clock::now() + interval};
    timer_order_.emplace(t.due, id);
    timers_.emplace(id, std::move(t));
    return id;
}

void EventLoop::cancel(TimerId id) {
    timers_.erase(id);
}

void EventLoop::defer(Callback cb) {
    deferred_.push_back(std::move(cb));
}

void EventLoop::blockSignals(std::initializer_list<int> signals) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : signals) sigaddset(&mask, s);
    if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) fail("pthread_sigmask");
}

void EventLoop::watchSignals(std::initializer_list<int> signals, std::function<void(int)> cb) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : signals) sigaddset(&mask, s);
    signal_fd_ = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd_ < 0) fail("signalfd");
    on_signal_ = std::move(cb);
    add(signal_fd_, EPOLLIN, [this](uint32_t) {
        signalfd_siginfo info{};
        while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            on_signal_(static_cast<int>(info.ssi_signo));
        }
    });
}

int EventLoop::nextTimeoutMs() const {
    if (!deferred_.empty()) return 0;
    // Skip cancelled entries lazily: they are dropped in runTimers().
    for (const auto& [due, id] : timer_order_) {
        if (timers_.count(id) == 0) continue;
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now());
        // Round up so a timer is never woken for just before it is due.
        return wait.count() <= 0 ? 0 : static_cast<int>(wait.count()) + 1;
    }
    return -1;
}

void EventLoop::runTimers() {
    auto now = Clock::now();
    while (!timer_order_.empty() && timer_order_.begin()->first <= now) {
        TimerId id = timer_order_.begin()->second;
        timer_order_.erase(timer_order_.begin());
        auto it = timers_.find(id);
        if (it == timers_.end()) continue;  // cancelled
        Callback cb = it->second.cb;        // copy: the callback may cancel its own timer
        if (it->second.interval.count() > 0) {
            it->second.due = now + it->second.interval;
            timer_order_.emplace(it->second.due, id);
        } else {
            timers_.erase(it);
        }
        cb();
    }
}

void EventLoop::runDeferred() {
    // Work deferred while running deferred work waits for the next round, after fresh IO.
    std::vector<Callback> batch;
    batch.swap(deferred_);
    for (auto& cb : batch) cb();
}

void EventLoop::run() {
    thread_id_ = std::this_thread::get_id();
    running_ = true;
    epoll_event events[256];
    while (running_) {
        if (before_wait_) before_wait_();
        int n = ::epoll_wait(epoll_fd_, events, 256, nextTimeoutMs());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int i = 0; i < n && running_; ++i) {
            int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
            uint32_t generation = static_cast<uint32_t>(events[i].data.u64 >> 32);
            if (static_cast<size_t>(fd) >= watches_.size()) continue;
            Watch* w = watches_[fd].get();
            if (w == nullptr || w->generation != generation) continue;  // removed meanwhile
            w->cb(events[i].events);
        }
        retired_.clear();
        if (running_) runTimers();
        if (running_) runDeferred();
        retired_.clear();
    }
}

}  // namespace mini_redis
