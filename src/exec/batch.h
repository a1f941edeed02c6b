// The unit of work handed from the reactor to a worker and back: all the complete requests
// read from one connection in one go, and then their replies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arg_list.h"
#include "block_request.h"
#include "client_session.h"
#include "conn_ref.h"
#include "transaction.h"

namespace mini_redis {

// Owned by exactly one thread at a time: the reactor builds it, moves it to a worker queue,
// the worker fills `reply` and posts it back in a BatchDone message, the reactor takes it back.
// It names its connection by ConnRef (slot and generation), never by pointer.
struct Batch {
    ConnRef conn;
    size_t worker = 0;                // which worker ran it (for the load heap)
    ArgList args;                     // every argument of every request, in order
    std::vector<uint32_t> argc;       // arguments per request
    ClientSession session;            // the connection's state, copied in and back out
    std::unique_ptr<Transaction> tx;  // the connection's MULTI/WATCH state, moved in and out
    std::string reply;                // RESP bytes of every reply, in request order
    // MONITOR lines of the commands run in this pass (built only while someone monitors); the
    // reactor hands them to every monitor when the batch comes back (ClientRegistry).
    std::string monitor_lines;
    // Requests run so far, across passes: a worker stops a pass once the replies reach
    // kReplyChunkBytes, and the reactor sends the batch again for the rest once the client
    // has taken its replies. Fewer than argc.size() for good after QUIT or overflow.
    uint32_t executed = 0;
    int64_t load = 0;          // what the load heap was charged for this pass
    bool close_after = false;  // QUIT ran: close once `reply` is written
    bool overflow = false;     // replies passed the output hard limit: stopped, close
    // A blocking command found nothing: `executed` points at it, nothing after it ran, and
    // the reactor keeps the batch until a key is ready, the timeout, or CLIENT UNBLOCK.
    BlockRequest block;
    // This pass starts with a blocked command tried again (a key it waits on became ready):
    // a key of the wrong type then means "still nothing", not WRONGTYPE (Redis serves a
    // blocked client only from a key of the type it waits for).
    bool retrying = false;
    // Keys this batch's writes left ready for blocked clients (posted as KeyReady).
    std::vector<ReadyKey> ready_keys;
    // The append-only log's position just past this pass's records (0: it wrote none). With
    // appendfsync always the reactor holds the replies until the log is synced to it.
    uint64_t aof_seq = 0;
    // The start-up loader's batch (AOF replay): runs while clients still get -LOADING.
    bool replay = false;

    size_t requests() const { return argc.size(); }
    // More requests to run in a later pass.
    bool unfinished() const {
        return executed < argc.size() && !close_after && !overflow && !block.active();
    }
    void reset() {
        conn = {};
        tx.reset();
        worker = 0;
        args.clear();
        argc.clear();
        reply.clear();
        monitor_lines.clear();
        executed = 0;
        load = 0;
        close_after = false;
        overflow = false;
        block.clear();
        retrying = false;
        ready_keys.clear();
        aof_seq = 0;
        replay = false;
    }
};

}  // namespace mini_redis
