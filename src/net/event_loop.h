// A small edge-triggered epoll loop: fds with callbacks, timers, deferred work and signals.
// It knows nothing about Redis, connections or workers.
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mini_redis {

// Loop thread only (the thread that calls run()), except stop() before run() and the
// static blockSignals(), which main calls before any other thread exists.
class EventLoop {
  public:
    using IoCallback = std::function<void(uint32_t events)>;
    using Callback = std::function<void()>;
    using TimerId = uint64_t;
    using Clock = std::chrono::steady_clock;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Watches `fd` for `events` (EPOLLET is added: every handler must drain until EAGAIN).
    // Registered once per fd; modify() only when the set of events watched must change.
    void add(int fd, uint32_t events, IoCallback cb);
    // Stops watching `fd` (the caller closes it). Safe from inside any callback, even for an
    // fd whose event is still pending in the current batch: that event is dropped.
    void remove(int fd);
    // Changes the events watched for `fd` (EPOLLET is added). Readiness is re-checked, so an
    // fd already ready for a newly added event reports it at once.
    void modify(int fd, uint32_t events);

    TimerId runAfter(std::chrono::milliseconds delay, Callback cb);
    TimerId runEvery(std::chrono::milliseconds interval, Callback cb);
    void cancel(TimerId id);

    // Runs `cb` after the current batch of events, before the loop blocks again. This is the
    // ready list: a handler capped for fairness re-queues itself here, since edge-triggered
    // epoll will not report the fd again.
    void defer(Callback cb);

    // Blocks `signals` in the calling thread (and so in threads it creates later).
    static void blockSignals(std::initializer_list<int> signals);
    // Delivers `signals` (already blocked) through a signalfd in this loop.
    void watchSignals(std::initializer_list<int> signals, std::function<void(int)> cb);

    // Runs `cb` once per loop round, just before the loop waits for events (after IO, timers
    // and deferred work). Used to hand off work gathered during the round in one go.
    void setBeforeWait(Callback cb) { before_wait_ = std::move(cb); }

    void run();
    void stop() { running_ = false; }
    bool isLoopThread() const { return std::this_thread::get_id() == thread_id_; }

  private:
    // Heap-allocated so a running callback stays put if the table grows or the fd is removed.
    struct Watch {
        IoCallback cb;
        uint32_t generation = 0;
    };
    struct Timer {
        Callback cb;
        std::chrono::milliseconds interval{0};  // 0 = one-shot
        Clock::time_point due;
    };

    int nextTimeoutMs() const;
    void runTimers();
    void runDeferred();

    int epoll_fd_ = -1;
    int signal_fd_ = -1;
    bool running_ = false;
    std::thread::id thread_id_;
    std::vector<std::unique_ptr<Watch>> watches_;  // indexed by fd; null when not watched
    std::vector<std::unique_ptr<Watch>> retired_;  // removed during dispatch, freed after it
    uint32_t next_generation_ = 1;
    std::vector<Callback> deferred_;
    std::multimap<Clock::time_point, TimerId> timer_order_;
    std::unordered_map<TimerId, Timer> timers_;
    TimerId next_timer_id_ = 1;
    std::function<void(int)> on_signal_;
    Callback before_wait_;
};

}  // namespace mini_redis
