// Dispatch of one batch: the only place unknown commands and wrong arity are rejected.
#include "command_executor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "monitor_line.h"

namespace mini_redis {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Redis's reply for an unknown command, byte for byte: the name and the arguments are printed
// as C strings (a NUL ends them), the name to at most 128 bytes, and the arguments only while
// the list is under 128 bytes, each cut to what is left of those 128.
void replyUnknown(Reply& reply, std::span<const std::string_view> argv) {
    auto cString = [](std::string_view s) { return s.substr(0, s.find('\0')); };
    std::string text = "ERR unknown command '";
    text.append(cString(argv[0]).substr(0, 128));
    text += "', with args beginning with: ";
    std::string args;
    for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
        args += '\'';
        args.append(cString(argv[i]).substr(0, 128 - args.size() + 1));
        args += "' ";
    }
    reply.error(text + args);
}

// Redis's reply for a container's unknown subcommand: the subcommand as a C string cut to 128
// bytes, then the container's name in capitals.
void replyUnknownSubcommand(Reply& reply, const CommandSpec& container, std::string_view sub) {
    std::string text(sub.substr(0, sub.find('\0')).substr(0, 128));
    std::string name(container.name);
    for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    reply.errorf(errors::kUnknownSubcommandFmt, text.c_str(), name.c_str());
}

// The arguments as the slow log may keep them: passwords replaced, as Redis does.
std::span<const std::string_view> redactSecrets(const CommandSpec& spec,
                                                std::span<const std::string_view> argv) {
    static constexpr std::string_view kRedacted = "(redacted)";
    thread_local std::vector<std::string_view> copy;
    auto redact = [&](size_t from, size_t to) {
        copy.assign(argv.begin(), argv.end());
        for (size_t i = from; i < to && i < copy.size(); ++i) copy[i] = kRedacted;
        return std::span<const std::string_view>(copy);
    };
    if (spec.name == "auth") return redact(1, argv.size());
    if (spec.name == "hello") {
        // Every AUTH pair: a client may repeat the option.
        copy.assign(argv.begin(), argv.end());
        for (size_t i = 2; i < copy.size(); ++i) {
            if (equalsNoCase(argv[i], "auth")) {
                for (size_t j = i + 1; j < i + 3 && j < copy.size(); ++j) copy[j] = kRedacted;
                i += 2;
            }
        }
        return copy;
    }
    if (spec.name == "config|set") {
        copy.assign(argv.begin(), argv.end());
        for (size_t i = 2; i + 1 < copy.size(); i += 2) {
            if (equalsNoCase(copy[i], "requirepass")) copy[i + 1] = kRedacted;
        }
        return copy;
    }
    return argv;
}

// What a RESP2 client in pub/sub mode may still run (Redis's processCommand list; SSUBSCRIBE
// and SUNSUBSCRIBE do not exist here).
bool allowedWhileSubscribed(const CommandSpec& spec) {
    static constexpr std::string_view kAllowed[] = {"ping",         "subscribe", "unsubscribe",
                                                    "psubscribe",   "quit",      "reset",
                                                    "punsubscribe"};
    for (std::string_view name : kAllowed) {
        if (spec.name == name) return true;
    }
    return false;
}

// A client in MONITOR mode is a replica to Redis: commands that read or write the keyspace (or
// may replicate: PUBLISH) are refused.
bool refusedToMonitor(const CommandSpec& spec) {
    return (spec.flags & kCmdReadOnly) || mayReplicate(spec);
}

// Where invoke() appends MONITOR lines: the running batch's own buffer, set by run() for its
// duration (this thread's batch; EXEC's queued commands land there too, in the order run).
thread_local std::string* t_monitor_out = nullptr;

// One handler run, in this thread's own counters (single writer: no atomic RMW).
void recordCall(CommandCounters& c, uint64_t ns, bool failed) {
    bumpCounter(c.calls);
    bumpCounter(c.nanos, ns);
    if (failed) bumpCounter(c.failed);
    bumpCounter(c.latency.buckets[LatencyHistogram::bucketOf(ns)]);
}

}  // namespace

bool CommandExecutor::invoke(const CommandSpec& spec, std::span<const std::string_view> argv,
                             LockScope& scope, Reply& reply, ClientSession& session,
                             std::unique_ptr<Transaction>& tx, const Config& config,
                             WorkerStats& worker_stats, ClientDirectory* clients,
                             BlockRequest* block, bool retrying) const {
    CommandContext ctx{argv,         spec,   store_,   reply,   session, config, config_, stats_,
                       worker_stats, table_, slowlog_, clients, scope,   tx,     *this};
    ctx.block = block;
    ctx.retrying = retrying;
    // CLIENT CACHING YES|NO applies to the next command only (CLIENT TRACKINGINFO still shows
    // it; CLIENT CACHING sets it).
    const int8_t caching = session.tracking.caching;
    // INFO commandstats/errorstats/latencystats: this thread's own counters (command_stats.h).
    CommandCounters* counters = worker_stats.per_command.forWriter(table_.all().size());
    const uint64_t errors_before = worker_stats.errors.total();
    auto started = SteadyClock::now();
    scope.setReadLookups((spec.flags & kCmdReadOnly) != 0);  // "keymiss" events (m)
    const uint64_t writes_before = scope.writes();
    const int db_before = session.db;
    scope.takeCustomLogged();
    spec.handler(ctx);
    // APPEND-ONLY LOG: a write command that wrote is recorded as sent, unless its handler
    // recorded a replayable form itself (lock_scope.h).
    if ((spec.flags & kCmdWrite) && !scope.takeCustomLogged() && scope.writes() != writes_before) {
        scope.logDefault(db_before, argv);
    }
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - started).count();
    recordCall(counters[table_.index(spec)], static_cast<uint64_t>(ns),
               worker_stats.errors.total() != errors_before);
    reply.setProtocol(session.resp);  // HELLO may have changed it
    if (session.tracking.on && !session.tracking.bcast && (spec.flags & kCmdReadOnly)) {
        trackKeys(spec, argv, scope, session, caching);
    }
    // As Redis: kept across CLIENT subcommands and inside MULTI (it then covers EXEC).
    if (session.tracking.caching != -1 && !spec.name.starts_with("client") &&
        !(tx && tx->inMulti())) {
        session.tracking.caching = -1;
    }
    // MONITOR: built here, on the thread that ran the command, once it has run (the database
    // shown is the one after it, as in Redis); admin commands are never shown. The lines go
    // back to the reactor inside the batch's BatchDone (a ReactorMessage), which appends them
    // to every monitor: so a monitor sees each client's commands in the order they ran, and
    // different clients' batches in the order they completed. Building them on the reactor
    // as requests are framed would cost no per-batch buffer, but would show commands that a
    // worker then rejects or queues in MULTI, and EXEC's commands not at all.
    if (stats_.monitors.load(std::memory_order_relaxed) != 0 && t_monitor_out != nullptr &&
        !(spec.flags & kCmdAdmin) && !retrying) {  // a blocked command shows once
        appendMonitorLine(*t_monitor_out, session.db, session.peer, redactSecrets(spec, argv));
    }
    if (config.slowlog_log_slower_than >= 0 && ns / 1000 >= config.slowlog_log_slower_than) {
        slowlog_.add(redactSecrets(spec, argv), ns / 1000, session.peer, session.name,
                     static_cast<size_t>(config.slowlog_max_len));
    }
    return ctx.close_after;
}

void CommandExecutor::trackKeys(const CommandSpec& spec, std::span<const std::string_view> argv,
                                LockScope& scope, const ClientSession& session,
                                int8_t caching) const {
    // Redis's rule: every read-only command's keys, whatever it answered; OPTIN only right
    // after CLIENT CACHING YES, OPTOUT unless right after CLIENT CACHING NO.
    const TrackingState& t = session.tracking;
    if ((t.optin && caching != 1) || (t.optout && caching == 0)) return;
    thread_local std::vector<std::string_view> keys;
    keys.clear();
    CommandTable::keysOf(spec, argv, keys);
    for (std::string_view k : keys) scope.track(k, session.id);
}

void CommandExecutor::execQueued(CommandContext& ctx) const {
    Transaction& tx = *ctx.tx;
    const auto& queued = tx.queued();
    // The scope covers every key of every queued request and every watched key, locked once.
    std::vector<std::vector<std::string_view>> argvs(queued.size());
    std::vector<const CommandSpec*> specs(queued.size());
    std::vector<std::string_view> keys;
    bool everything = false;
    for (size_t i = 0; i < queued.size(); ++i) {
        for (const std::string& a : queued[i]) argvs[i].push_back(a);
        specs[i] = table_.resolve(argvs[i]);  // found and arity-checked when queued
        if (specs[i]->flags & kCmdKeyspace) everything = true;
        CommandTable::keysOf(*specs[i], argvs[i], keys);
    }
    for (const auto& w : tx.watched()) keys.push_back(w.second);
    LockScope scope(store_);
    scope.setReadySink(ctx.scope.readySink());  // clients blocked on its keys: after EXEC
    scope.setLogSeqSink(ctx.scope.logSeqSink());
    scope.setTransactionLog();
    scope.setClient(ctx.session.id);
    if (everything) {
        scope.lockAll();
    } else if (!keys.empty()) {
        scope.lockKeys(keys);
    }
    // A watched key that expired since WATCH is deleted by this lookup, which marks it dirty.
    for (const auto& [db, key] : tx.watched()) scope.find(db, key);
    if (tx.dirty()) {
        tx.reset(&scope);
        ctx.reply.nilArray();
        return;
    }
    ctx.reply.arrayHeader(queued.size());
    for (size_t i = 0; i < queued.size(); ++i) {
        ctx.session.last_command = specs[i]->name;
        if ((specs[i]->flags & kCmdReactor) && ctx.clients == nullptr) {
            // A reactor command (CLIENT) queued while EXEC runs on a worker: it has no view
            // of the clients, and its handler would dereference a null directory.
            std::string name(specs[i]->name);
            ctx.reply.errorf(errors::kNotInExecFmt, name.c_str());
            continue;
        }
        invoke(*specs[i], argvs[i], scope, ctx.reply, ctx.session, ctx.tx, ctx.config,
               ctx.worker_stats, ctx.clients);
    }
    tx.reset(&scope);
}

std::string CommandExecutor::diskErrorText(const Config& config) const {
    if (writesDeniedByDiskError(config)) return errors::kMisconfRdb;
    const WriteLog* log = store_.writeLog();
    if (log == nullptr || !log->active() || log->writeError() == 0) return {};
    char text[256];
    std::snprintf(text, sizeof text, errors::kMisconfAofFmt, std::strerror(log->writeError()));
    return text;
}

void CommandExecutor::run(Batch& batch, WorkerStats& worker_stats, ClientDirectory* clients) const {
    // Each thread keeps its snapshot until the config changes: no lock per batch.
    thread_local std::shared_ptr<const Config> config;
    thread_local uint64_t config_version = 0;
    if (uint64_t v = config_.version(); v != config_version || !config) {
        config = config_.get();
        config_version = v;
    }
    Reply reply(batch.reply, batch.session.resp);
    // INFO commandstats/errorstats/latencystats: this thread's own counters (command_stats.h).
    reply.setErrorCounters(&worker_stats.errors);
    CommandCounters* counters = worker_stats.per_command.forWriter(table_.all().size());
    thread_local std::vector<std::string_view> argv;
    t_monitor_out = &batch.monitor_lines;
    // CLIENT REPLY OFF|SKIP: whatever a request appended (its reply or its error) is cut off
    // again once it is done, on every path out of the loop body below.
    struct ReplyGate {
        std::string& out;
        ClientSession& session;
        size_t mark;
        bool skip;
        ~ReplyGate() {
            if (skip || session.reply_off) out.resize(mark);
        }
    };
    const uint32_t first = batch.executed;
    const bool retrying = batch.retrying;
    batch.retrying = false;
    size_t next_arg = 0;
    for (uint32_t i = 0; i < first; ++i) next_arg += batch.argc[i];
    while (batch.executed < batch.argc.size()) {
        if (batch.executed > first && batch.reply.size() >= kReplyChunkBytes) break;
        const uint32_t argc = batch.argc[batch.executed];
        argv.clear();
        for (uint32_t i = 0; i < argc; ++i) argv.push_back(batch.args[next_arg + i]);
        next_arg += argc;
        ++batch.executed;
        ReplyGate gate{batch.reply, batch.session, batch.reply.size(),
                       batch.session.reply_skip_next};
        batch.session.reply_skip_next = false;  // CLIENT REPLY SKIP covers one command

        // The command, or a container's subcommand (argv[1]): both checked the same way.
        const CommandSpec* container = nullptr;
        const CommandSpec* spec = table_.resolve(argv, &container);
        if (spec == nullptr) {
            container ? replyUnknownSubcommand(reply, *container, argv[1])
                      : replyUnknown(reply, argv);
            if (batch.tx && batch.tx->inMulti()) batch.tx->abort();
            continue;
        }
        if (!CommandTable::arityOk(*spec, argc)) {
            std::string name(spec->name);
            bumpCounter(counters[table_.index(*spec)].rejected);
            if (spec->name == "exec") {
                // Redis ends the transaction when EXEC itself is rejected, in or out of MULTI.
                char text[128];
                std::snprintf(text, sizeof text, errors::kWrongArityFmt, name.c_str());
                reply.error(std::string(errors::kExecAbortBecause) + (text + 4));
                if (batch.tx) batch.tx->reset();
                continue;
            }
            reply.errorf(errors::kWrongArityFmt, name.c_str());
            if (batch.tx && batch.tx->inMulti()) batch.tx->abort();
            continue;
        }
        if (!batch.session.authenticated && !(spec->flags & kCmdNoAuth) &&
            !config->requirepass.empty()) {
            reply.error(errors::kNoAuth);
            bumpCounter(counters[table_.index(*spec)].rejected);
            continue;
        }
        // Start-up loading: only commands flagged "loading" run (Redis's order: after AUTH,
        // before MULTI queues anything; a refused command aborts the transaction).
        if (!batch.replay && stats_.loading.active.load(std::memory_order_acquire) &&
            !(spec->flags & kCmdLoading)) {
            reply.error(errors::kLoading);
            bumpCounter(counters[table_.index(*spec)].rejected);
            if (batch.tx && batch.tx->inMulti()) batch.tx->abort();
            continue;
        }
        if (batch.session.monitor && refusedToMonitor(*spec)) {
            reply.error(errors::kMonitorKeyspace);
            bumpCounter(counters[table_.index(*spec)].rejected);
            if (batch.tx && batch.tx->inMulti()) batch.tx->abort();
            continue;
        }
        // Redis's pub/sub mode: a RESP2 client with subscriptions may only (un)subscribe, PING,
        // QUIT and RESET (a RESP3 client, whose messages are push frames, may run anything).
        if (batch.session.subscriptions > 0 && batch.session.resp == 2 &&
            !allowedWhileSubscribed(*spec)) {
            std::string name(spec->name);
            reply.errorf(errors::kPubSubContextFmt, name.c_str());
            bumpCounter(counters[table_.index(*spec)].rejected);
            if (batch.tx && batch.tx->inMulti()) batch.tx->abort();
            continue;
        }
        // MISCONF, Redis's two cases in its order: the last background save failed and
        // stop-writes-on-bgsave-error is on (with save points set), or the append-only file
        // cannot be written. Writes (an EXEC holding one, and PING, as Redis) are refused until
        // the save or the write succeeds again; reads go on.
        if ((spec->flags & kCmdWrite) || spec->name == "ping" ||
            (spec->name == "exec" && batch.tx && batch.tx->holdsWrite())) {
            if (std::string misconf = diskErrorText(*config); !misconf.empty()) [[unlikely]] {
                reply.error(misconf);
                bumpCounter(counters[table_.index(*spec)].rejected);
                if (batch.tx && batch.tx->inMulti()) batch.tx->abort();
                continue;
            }
        }
        batch.session.last_command = spec->name;
        // Inside MULTI, everything but the transaction commands themselves is queued.
        if (batch.tx && batch.tx->inMulti() && !(spec->flags & kCmdNoQueue)) {
            if (spec->flags & kCmdNoMulti) {
                reply.error(errors::kNotInTransaction);
                batch.tx->abort();
                continue;
            }
            // Commands that need the reactor's view of clients (CLIENT, PUBLISH, SUBSCRIBE)
            // are queued on the reactor (where they run), and the transaction notes it: its
            // EXEC then runs on the reactor too (RequestPipeline routes it). Without a client
            // directory (a worker, which never gets them, or a test fixture) they are refused
            // and the transaction aborts.
            if ((spec->flags & kCmdReactor) && clients == nullptr) {
                reply.error(errors::kNotInTransaction);
                batch.tx->abort();
                continue;
            }
            batch.tx->noteQueued(spec->flags & kCmdReactor, mayReplicate(*spec));
            batch.tx->queue(argv);
            reply.simple("QUEUED");
            continue;
        }
        LockScope scope(store_);
        scope.setReadySink(&batch.ready_keys);
        scope.setLogSeqSink(&batch.aof_seq);
        scope.setClient(batch.session.id);
        if (!(spec->flags & kCmdKeyspace)) {
            thread_local std::vector<std::string_view> keys;
            keys.clear();
            CommandTable::keysOf(*spec, argv, keys);
            if (!keys.empty()) scope.lockKeys(keys);
        }
        const bool close_after =
            invoke(*spec, argv, scope, reply, batch.session, batch.tx, *config, worker_stats,
                   clients, &batch.block, retrying && batch.executed == first + 1);
        if (batch.block.active()) {  // nothing to pop: this request waits, and all after it
            --batch.executed;
            batch.session.reply_skip_next = gate.skip;  // CLIENT REPLY SKIP covers its reply
            break;
        }
        if (close_after) {
            batch.close_after = true;
            break;
        }
        // CONFIG SET must be visible to the very next command, even in this batch.
        if (uint64_t v = config_.version(); v != config_version) {
            config = config_.get();
            config_version = v;
        }
        if (config->output_hard_limit > 0 &&
            batch.reply.size() > static_cast<size_t>(config->output_hard_limit)) {
            batch.overflow = true;  // the reactor disconnects; no point producing more
            break;
        }
    }
    t_monitor_out = nullptr;
    // SYNC RULE, for reads too: under appendfsync always no reply leaves before the writes it
    // may have seen are on disk, whoever made them (as Redis answers a loop round only after
    // its fsync). Every write a command read was appended before the read took its lock.
    if (store_.logging()) {
        batch.aof_seq = std::max(batch.aof_seq, store_.writeLog()->replyBarrier());
    }
    worker_stats.commands.fetch_add(batch.executed - first, std::memory_order_relaxed);
    worker_stats.batches.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace mini_redis
