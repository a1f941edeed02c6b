// ChildProcess: fork under every shard lock, reap through a pidfd on the loop (or, where the
// kernel has no pidfd, a 50 ms waitpid poll).
#include "child_process.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "lock_scope.h"

namespace mini_redis {

ChildProcess::~ChildProcess() {
    kill();
}

std::string ChildProcess::start(Purpose purpose, const std::function<int()>& work, Done done,
                                LockScope* held) {
    if (running()) return "another child process is active";
    pid_t pid;
    {
        // Every shard locked: no worker is inside a change, so the child's copy is consistent.
        std::optional<LockScope> own;
        if (held == nullptr || !held->holdsAll()) {
            own.emplace(store_);
            own->lockAll();
        }
        pid = ::fork();
        if (pid == 0) {
            // The child: only the work, then out without destructors (the scope's unlock, the
            // parent's threads' state) or atexit handlers.
            ::signal(SIGUSR1, SIG_DFL);
            sigset_t all;
            sigemptyset(&all);
            ::sigprocmask(SIG_SETMASK, &all, nullptr);  // SIGUSR1 (kill()) must reach it
            int rc = work();
            ::_exit(rc == 0 ? 0 : 1);
        }
    }
    if (pid < 0) return std::string("fork: ") + std::strerror(errno);
    pid_ = pid;
    purpose_ = purpose;
    done_ = std::move(done);
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd_ >= 0) {
        loop_.add(pidfd_, EPOLLIN, [this](uint32_t) { reap(); });
    } else {
        polling_ = true;
        poll_timer_ = loop_.runEvery(std::chrono::milliseconds(50), [this] { reap(); });
    }
    return {};
}

void ChildProcess::reap() {
    if (!running()) return;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return;  // not yet
    if (r < 0 && errno == EINTR) return;
    Done done = std::move(done_);
    cleanup();
    const bool ok = r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (done) done(ok, status);
}

void ChildProcess::kill() {
    if (!running()) return;
    ::kill(pid_, SIGUSR1);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    cleanup();
}

void ChildProcess::cleanup() {
    if (pidfd_ >= 0) {
        loop_.remove(pidfd_);
        ::close(pidfd_);
        pidfd_ = -1;
    }
    if (polling_) {
        loop_.cancel(poll_timer_);
        polling_ = false;
    }
    pid_ = -1;
    purpose_ = Purpose::None;
    done_ = nullptr;
}

}  // namespace mini_redis
