// The pipeline's held work: requests held by CLIENT PAUSE, and replies held by the SYNC RULE
// (appendfsync always) until the append-only file is on disk.
#include <string_view>
#include <vector>

#include "request_pipeline.h"

namespace mini_redis {

using State = Connection::State;

bool RequestPipeline::holdIfPaused(Connection& conn, Batch& batch, size_t before, size_t argc) {
    thread_local std::vector<std::string_view> argv;
    argv.clear();
    for (size_t i = before; i < before + argc; ++i) argv.push_back(batch.args[i]);
    if (!pause_.holds(table_, argv, conn.tx.get())) return false;
    auto held = pool_.take();
    batch.args.moveTailTo(before, held->args);
    held->argc.push_back(static_cast<uint32_t>(argc));
    pause_.hold(conn.ref(), std::move(held));
    return true;
}

void RequestPipeline::resumePaused() {
    // The pause ended: each held client's request runs now if nothing of its own is out
    // (else once its batch is back, from onInbox), then its framing goes on.
    for (ConnRef ref : pause_.heldClients()) {
        if (Connection* conn = registry_.find(ref); conn && conn->state() == State::Reading) {
            flushConnection(*conn);
        }
    }
}

bool RequestPipeline::mustWaitForSync(const Batch& batch) const {
    return batch.aof_seq != 0 && aof_ != nullptr && aof_->active() &&
           aof_->policy() == FsyncPolicy::Always && batch.aof_seq > aof_->syncedSeq();
}

void RequestPipeline::releaseSynced() {
    // Runs inside onInbox() (a RunOnLoop task): the connections go to touched_ and are
    // written once the drain ends. Kept ones stay in their order.
    size_t kept = 0;
    for (size_t i = 0; i < unsynced_.size(); ++i) {
        if (mustWaitForSync(*unsynced_[i])) {
            unsynced_[kept++] = std::move(unsynced_[i]);
        } else {
            onBatchDone(std::move(unsynced_[i]));
        }
    }
    unsynced_.resize(kept);
}

}  // namespace mini_redis
