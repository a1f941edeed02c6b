// The reactor's request pipeline: read, frame, batch, dispatch to the least-loaded worker,
// take the finished batch back from the inbox, write the replies; under the ORDER RULE.
// One class in four files: request_pipeline.cpp (the flow), _reactor.cpp (requests run on
// this thread), _blocked.cpp (blocking commands), _hold.cpp (CLIENT PAUSE, the SYNC RULE).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "aof_log.h"
#include "batch.h"
#include "batch_pool.h"
#include "client_pause.h"
#include "client_registry.h"
#include "command_executor.h"
#include "command_table.h"
#include "conn_ref.h"
#include "connection.h"
#include "event_loop.h"
#include "load_heap.h"
#include "reactor_config.h"
#include "reactor_inbox.h"
#include "server_stats.h"
#include "worker.h"

namespace mini_redis {

// Reactor thread only. Reaches connections through the registry by ConnRef, workers through
// their queues, and hears back from them only through the inbox's messages.
class RequestPipeline {
  public:
    RequestPipeline(EventLoop& loop, ClientRegistry& registry, ReactorConfig& cfg,
                    const CommandTable& table, const CommandExecutor& executor, ServerStats& stats,
                    LoadHeap& heap, const std::vector<std::unique_ptr<Worker>>& workers,
                    ReactorInbox& inbox);
    RequestPipeline(const RequestPipeline&) = delete;
    RequestPipeline& operator=(const RequestPipeline&) = delete;

    // Once the workers run: watches the inbox and hands batches over before each wait.
    void start();
    // An epoll event on a client's socket (the registry's EventHandler).
    void onConnectionEvent(ConnRef ref, uint32_t events);
    // CLIENT PAUSE ended: the held requests run (ClientPause's listener calls it).
    void resumePaused();
    // Shutdown: nothing more is read or framed; each client closes once its batch out (if
    // any) has come back and its output is written. Idle clients close now.
    void drain();
    // appendfsync always: the log whose sync a write's replies wait for (null: none).
    void setAofLog(const AofLog* aof) { aof_ = aof; }
    // The log was synced further (or stopped holding): batches now covered go out.
    void releaseSynced();

  private:
    void onInbox();
    void onBatchDone(std::unique_ptr<Batch> batch);
    // SYNC RULE: the batch's writes are in the log but not yet on disk, and must be.
    bool mustWaitForSync(const Batch& batch) const;
    // Hands the batches picked this loop round to their workers: one enqueue each.
    void flushOutbox();
    // Writes the output of connections pub/sub messages were appended to this round.
    void flushPushed();
    // Sends the batches of blocked clients BlockedClients wants tried again (a key is ready).
    void serveRetries();
    // A batch came back stopped at a blocking command (a first try or a retry): the client
    // waits, or goes on. True if the batch was kept (the client is Blocked).
    bool onBlockingDone(Connection& conn, std::unique_ptr<Batch>& batch);
    // Ends a blocked client's wait without serving it: the timeout's null or -UNBLOCKED as the
    // blocking command's reply, then the rest of its batch.
    void endWait(ConnRef ref, BlockedClients::End end);
    void readFrom(Connection& conn);
    // Puts the connection on the loop's ready list for another read (once).
    void scheduleRead(Connection& conn);
    void processInput(Connection& conn);
    // Runs one kCmdReactor request (the batch holds just it) right here, in its place. False
    // when the SYNC RULE holds its replies: `batch` was taken and the connection waits for it
    // (WaitingForBatch) as for a worker's batch; true when its replies are in the output.
    bool runOnReactor(Connection& conn, std::unique_ptr<Batch>& batch);
    void dispatch(Connection& conn, std::unique_ptr<Batch> batch);
    // Whether the request named `name` runs on this thread (kCmdReactor, or EXEC of a
    // transaction that queued such a command).
    bool runsOnReactor(const Connection& conn, std::string_view name) const;
    // CLIENT PAUSE: moves the request at `before` (argc arguments) out of `batch` into a held
    // request of its own if the pause applies to it; false (and nothing moved) otherwise.
    bool holdIfPaused(Connection& conn, Batch& batch, size_t before, size_t argc);
    // Hands the batch's MONITOR lines (if any) to every monitor, and clears them.
    void feedMonitors(Batch& batch);
    // Writes pending output and decides what the connection does next. False if it closed.
    bool flushConnection(Connection& conn);
    // The client must still AUTH (a password is set and it has not given it).
    bool mustAuth(const Connection& conn) const;
    // Unparsed input beyond which reading stops while the client waits for its replies.
    size_t inputPauseBytes(const Connection& conn) const;

    EventLoop& loop_;
    ClientRegistry& registry_;
    ReactorConfig& cfg_;
    const CommandTable& table_;
    const CommandExecutor& executor_;
    ServerStats& stats_;
    LoadHeap& heap_;
    const std::vector<std::unique_ptr<Worker>>& workers_;
    ReactorInbox& inbox_;
    ClientPause& pause_;  // the registry's
    BatchPool pool_;
    // Batches picked for each worker during this loop round, handed over before the loop
    // waits (one enqueue and at most one wake-up per worker per round).
    std::vector<std::vector<std::unique_ptr<Batch>>> outbox_;
    std::vector<ReactorMessage> drained_;  // one inbox drain (kept for its capacity)
    std::vector<ConnRef> touched_;         // connections whose batch came back in it
    bool draining_ = false;
    // SYNC RULE (appendfsync always): a batch whose writes reached the log is kept here,
    // whole, until the log is synced past them; then it is handled as if it had just come
    // back. Its connection stays WaitingForBatch, so the ORDER RULE holds unchanged. A batch
    // run on this thread (an EXEC holding PUBLISH or CLIENT) waits here the same way.
    const AofLog* aof_ = nullptr;
    std::vector<std::unique_ptr<Batch>> unsynced_;
};

}  // namespace mini_redis
