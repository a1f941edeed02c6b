// CLIENT PAUSE / UNPAUSE: the pause itself (mode, end, its timer) and the requests it holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "batch.h"
#include "command_table.h"
#include "conn_ref.h"
#include "event_loop.h"
#include "transaction.h"

namespace mini_redis {

// Reactor thread only (owned by ClientRegistry; CLIENT PAUSE runs on the reactor).
//
// A held request is one framed request the pause applies to, kept here in a Batch of its own
// until the pause ends; its client frames nothing after it meanwhile (RequestPipeline), so
// its requests still run in the order sent. A held client has no batch out: it holds no
// worker thread, only its buffered input (reading stops past the backpressure mark).
class ClientPause {
  public:
    enum class Mode : uint8_t {
        None,   // not paused
        Write,  // requests that may replicate (writes, PUBLISH, EXEC of a writing MULTI) wait
        All,    // every request waits (CLIENT UNPAUSE too: only the timeout ends it, as Redis)
    };
    // Told when a pause starts (true) and ends (false): the store's expiry stops and resumes,
    // and the pipeline runs the held requests.
    using Listener = std::function<void(bool paused)>;

    explicit ClientPause(EventLoop& loop) : loop_(loop) {}
    ~ClientPause();
    ClientPause(const ClientPause&) = delete;
    ClientPause& operator=(const ClientPause&) = delete;

    void setListener(Listener listener) { listener_ = std::move(listener); }

    // CLIENT PAUSE: as Redis, a pause never shortens or weakens one in force (the stronger
    // mode and the later end win).
    void pause(std::chrono::milliseconds timeout, Mode mode);
    // CLIENT UNPAUSE, or the timer: the pause ends and the listener runs the held requests.
    void unpause();
    bool active() const { return mode_ != Mode::None; }

    // Whether a request must wait now: `argv` resolved (an unknown command or a wrong arity
    // is answered at once, as Redis rejects them before it looks at the pause); `tx` is the
    // client's MULTI state, for EXEC.
    bool holds(const CommandTable& table, std::span<const std::string_view> argv,
               const Transaction* tx) const;

    void hold(ConnRef ref, std::unique_ptr<Batch> request);
    // Cheap test first: nothing is held (one branch on the request path).
    bool anyHeld() const { return !held_.empty(); }
    bool isHeld(ConnRef ref) const;
    // The client's held request once the pause no longer applies to it; null while it does.
    std::unique_ptr<Batch> release(ConnRef ref, const CommandTable& table, const Transaction* tx);
    // A client that leaves drops its held request (ClientRegistry::close).
    void drop(ConnRef ref);
    // The clients with a held request (for the listener to resume), oldest first.
    std::vector<ConnRef> heldClients() const;

  private:
    EventLoop& loop_;
    Listener listener_;
    Mode mode_ = Mode::None;
    std::chrono::steady_clock::time_point end_{};
    EventLoop::TimerId timer_ = 0;
    bool timer_armed_ = false;
    std::vector<std::pair<ConnRef, std::unique_ptr<Batch>>> held_;
};

}  // namespace mini_redis
