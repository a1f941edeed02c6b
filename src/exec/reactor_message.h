// The one message type that travels to the reactor thread: from workers (a finished batch)
// and from any thread (a task to run on the loop). The reactor answers with Batches on each
// worker's own queue; nothing else crosses threads.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <variant>

#include "batch.h"

namespace mini_redis {

// A worker ran the batch: its replies are in `batch->reply`, and the batch names its
// connection by ConnRef. The reactor appends the replies (ORDER RULE, request_pipeline.cpp).
struct BatchDone {
    // A constructor, not an aggregate: clang 14 cannot build an aggregate in place from
    // parentheses (std::in_place_type in worker.cpp), a C++20 feature it lacks.
    BatchDone() = default;
    explicit BatchDone(std::unique_ptr<Batch> b) : batch(std::move(b)) {}
    std::unique_ptr<Batch> batch;
};

// Runs `fn` on the reactor thread, in the order posted by the posting thread (muduo's
// queueInLoop): how another thread reaches reactor-owned state without touching it.
struct RunOnLoop {
    std::function<void()> fn;
};

// A write left a key that blocked clients wait on holding a list or a sorted set (LockScope's
// ready sink; the WAKE-UP RULE in blocked_clients.h). Posted by the worker that ran the write,
// before that batch's BatchDone; the reactor tries the key's first waiter again.
struct KeyReady {
    KeyReady() = default;
    explicit KeyReady(ReadyKey k) : key(std::move(k)) {}
    ReadyKey key;
};

// CLIENT TRACKING: what one scope's writes (or one expire step) invalidated. Posted by the
// writing thread as the scope ends, before the writer's BatchDone; the reactor sends the
// invalidation messages (ClientTracking::deliver) under the PUSH RULE.
struct Invalidate {
    Invalidate() = default;
    explicit Invalidate(Invalidation i) : inv(std::move(i)) {}
    Invalidation inv;
};

// Any thread builds one; the inbox moves it to the reactor thread, the only one that handles
// it (RequestPipeline::onInbox()). A new kind is added here, with its handler there.
//
// What reaches a connection without being its own reply needs no kind of its own: MONITOR
// lines travel in the BatchDone of the batch that ran the commands, tracking invalidations in
// Invalidate, and pub/sub messages are delivered on the reactor itself (PUBLISH runs there,
// kCmdReactor; keyspace events come through KeyspaceNotifier's queue; both end in
// ClientRegistry::publish), all under the PUSH RULE (request_pipeline.cpp). A worker never
// touches a connection: everything it owes one travels in these messages.
using ReactorMessage = std::variant<BatchDone, RunOnLoop, KeyReady, Invalidate>;

}  // namespace mini_redis
