// The pipeline's requests that run on the reactor thread itself: commands that need the
// reactor's view of clients (kCmdReactor: CLIENT, PUBLISH, SUBSCRIBE, ...) and the EXEC of a
// transaction that queued one. Where they are framed is in processInput (ORDER RULE); the
// SYNC RULE holds their replies as it holds a worker's (request_pipeline_hold.cpp).
#include <cassert>
#include <memory>
#include <string_view>

#include "request_pipeline.h"

namespace mini_redis {

namespace {

using State = Connection::State;

// EXEC of a transaction that queued a command running on the reactor (CLIENT, PUBLISH,
// SUBSCRIBE...) runs on the reactor too, where those commands can reach the clients; it
// locks the store's shards there as a worker would. Decided when EXEC is framed: everything
// framed before it that could queue such a command has run by then (a reactor command is
// never framed into a batch with later requests; it runs before they are framed).
bool execOnReactor(const Connection& conn, std::string_view name) {
    return conn.tx && conn.tx->holdsReactorCommand() && name.size() == 4 &&
           (name[0] | 0x20) == 'e' && (name[1] | 0x20) == 'x' && (name[2] | 0x20) == 'e' &&
           (name[3] | 0x20) == 'c';
}

}  // namespace

bool RequestPipeline::runOnReactor(Connection& conn, std::unique_ptr<Batch>& batch) {
    assert(conn.state() == State::Reading);  // ORDER RULE: nothing of this client is out
    batch->conn = conn.ref();
    batch->session = conn.session();
    batch->tx = std::move(conn.tx);
    executor_.run(*batch, stats_.reactor, &registry_);
    // Writes made here (an EXEC run on this thread) may wake blocked clients too.
    for (const ReadyKey& k : batch->ready_keys) registry_.blocked().keyReady(k);
    batch->ready_keys.clear();
    if (mustWaitForSync(*batch)) {
        // SYNC RULE, as for a worker's batch: the connection waits as if this batch were out
        // (no worker load to give back), and releaseSynced() hands it to onBatchDone.
        batch->worker = 0;
        batch->load = 0;
        conn.setState(State::WaitingForBatch);
        unsynced_.push_back(std::move(batch));
        return false;
    }
    // The command may have closed other connections, never this one (it is marked instead).
    conn.session() = std::move(batch->session);
    conn.tx = std::move(batch->tx);
    conn.appendOutput(batch->reply);
    if (batch->close_after) conn.setState(State::Closing);
    feedMonitors(*batch);  // after the reply: a monitor sees its own command after its answer
    return true;
}

bool RequestPipeline::runsOnReactor(const Connection& conn, std::string_view name) const {
    if (execOnReactor(conn, name)) return true;
    const CommandSpec* spec = table_.mayRunOnReactor(name) ? table_.find(name) : nullptr;
    return spec != nullptr && (spec->flags & kCmdReactor);
}

}  // namespace mini_redis
