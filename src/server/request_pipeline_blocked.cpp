// The request pipeline's part for blocked clients (BLPOP and friends): a batch that came
// back stopped at a blocking command, retries of the waiters BlockedClients picks, and the end
// of a wait by timeout or CLIENT UNBLOCK. The WAKE-UP and SERVING RULES are in
// blocked_clients.h; the ORDER and PUSH RULES in request_pipeline.cpp.
#include <memory>
#include <string>

#include "errors.h"
#include "reply.h"
#include "request_pipeline.h"

namespace mini_redis {

using State = Connection::State;

bool RequestPipeline::onBlockingDone(Connection& conn, std::unique_ptr<Batch>& batch) {
    BlockedClients& blocked = registry_.blocked();
    const ConnRef ref = conn.ref();
    if (blocked.isBlocked(ref)) {  // a retry came back
        const bool still = batch->block.active() && batch->executed == blocked.position(ref);
        const BlockedClients::End end = blocked.retryDone(ref, still);
        if (still) {
            batch->reply.clear();
            batch->block.clear();  // the wait registered first stands (its deadline, its place)
            conn.parked = std::move(batch);
            conn.setState(State::Blocked);
            if (end != BlockedClients::End::None) endWait(ref, end);
            return true;
        }
    }
    if (!batch->block.active()) return false;
    // A first wait (or a later blocking command of the same batch, after a retry served the
    // earlier one). PUSH RULE: the replies before it are in, so held messages go now.
    registry_.releaseHeldPushes(conn);
    batch->reply.clear();
    blocked.block(ref, conn.id(), batch->block, batch->executed);
    batch->block.clear();
    conn.parked = std::move(batch);
    conn.setState(State::Blocked);
    return true;
}

void RequestPipeline::serveRetries() {
    BlockedClients& blocked = registry_.blocked();
    while (blocked.hasRetries()) {
        for (ConnRef ref : blocked.takeRetries()) {
            Connection* conn = registry_.find(ref);
            if (conn == nullptr || conn->state() != State::Blocked) continue;
            conn->parked->retrying = true;
            dispatch(*conn, std::move(conn->parked));
        }
    }
}

void RequestPipeline::endWait(ConnRef ref, BlockedClients::End end) {
    Connection* conn = registry_.find(ref);
    if (conn == nullptr || conn->state() != State::Blocked) return;
    registry_.blocked().unblock(ref);
    std::unique_ptr<Batch> batch = std::move(conn->parked);
    std::string text;
    Reply reply(text, conn->session().resp);
    if (end == BlockedClients::End::Error) {
        reply.error(errors::kUnblockedByClient);
    } else {
        reply.nilArray();  // Redis answers every blocking command's timeout with a null array
    }
    conn->appendOutput(text);
    ++batch->executed;  // past the blocking command
    if (batch->unfinished()) {
        conn->parked = std::move(batch);
        conn->setState(State::Parked);
    } else {
        pool_.recycle(std::move(batch));
        if (!conn->pending_error.empty()) {
            conn->appendOutput(conn->pending_error);
            conn->pending_error.clear();
            conn->setState(State::Closing);
        } else {
            conn->setState(State::Reading);
        }
    }
    flushConnection(*conn);
}

}  // namespace mini_redis
