// The one forked child at a time (BGSAVE, and the AOF rewrite): forked with every store shard
// locked, so it writes one instant's data; reaped on the reactor, which then runs a callback.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "event_loop.h"
#include "lock_scope.h"
#include "store.h"

namespace mini_redis {

// Reactor thread only (start, kill and the callbacks). One child at a time, as Redis runs one.
//
// THE CHILD'S RULE: between fork and _exit the child runs only `work`, which may read the store
// without locks (the parent held every shard at fork, so no writer was mid-change and the
// child's copy is frozen) and do plain system calls; it must take no lock, log through nothing
// that locks, and touch no other thread's state (those threads do not exist in the child).
class ChildProcess {
  public:
    enum class Purpose : uint8_t {
        None = 0,  // no child running
        Rdb = 1,   // BGSAVE
        Aof = 2,   // BGREWRITEAOF
    };
    // Called on the reactor once the child has been reaped: `ok` when it exited with 0;
    // `status` is waitpid's.
    using Done = std::function<void(bool ok, int status)>;

    ChildProcess(EventLoop& loop, Store& store) : loop_(loop), store_(store) {}
    ~ChildProcess();  // kills and reaps a child still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool running() const { return pid_ > 0; }
    Purpose purpose() const { return purpose_; }
    pid_t pid() const { return pid_; }

    // Forks (every shard locked across the fork); the child runs `work` and _exits with its
    // result. Returns an error text when a child is already running or fork failed.
    // `held`: a scope of the caller's that already holds every shard (a command inside EXEC);
    // else the shards are locked here.
    std::string start(Purpose purpose, const std::function<int()>& work, Done done,
                      LockScope* held = nullptr);
    // Kills the running child (SIGUSR1, as Redis does) and reaps it; `done` is not called.
    void kill();

  private:
    void reap();
    void cleanup();

    EventLoop& loop_;
    Store& store_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    EventLoop::TimerId poll_timer_{};
    bool polling_ = false;
    Purpose purpose_ = Purpose::None;
    Done done_;
};

}  // namespace mini_redis
