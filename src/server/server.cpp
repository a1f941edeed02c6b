// The server's lifecycle: construction and start, SIGHUP reload, graceful shutdown, and the
// reactor's periodic chores (stats sampling, the service manager's status and watchdog).
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "build_config.h"
#include "log.h"

namespace mini_redis {

namespace {

bool isLoopback(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

constexpr int kListenBacklog = 511;

}  // namespace

Server::Server(Config config, std::vector<std::pair<std::string, std::string>> overrides)
    : overrides_(std::move(overrides)),
      config_(config),
      cfg_(config_),
      table_(CommandTable::build()),
      stats_(static_cast<size_t>(config.effectiveWorkers())),
      store_(static_cast<size_t>(config.databases)),
      executor_(table_, store_, config_, stats_),
      expire_cycle_(store_, config_),
      heap_(static_cast<size_t>(config.effectiveWorkers())),
      registry_(loop_, cfg_, stats_, store_,
                [this](ConnRef ref, uint32_t events) { pipeline_.onConnectionEvent(ref, events); }),
      pipeline_(loop_, registry_, cfg_, table_, executor_, stats_, heap_, workers_, inbox_),
      child_(loop_, store_),
      rdb_(store_, child_, stats_.rdb),
      aof_(store_, child_, stats_.aof),
      ops_samples_(10, 0),
      loader_(table_, executor_, store_, stats_.loading) {
    stats_.config_file = config.config_file;
    store_.setInvalidationListener(this);
    store_.setTrackingMaxKeys(static_cast<size_t>(config.tracking_table_max_keys));
    // The append-only file: every scope's writes go to its log; under appendfsync always a
    // batch's replies wait for the sync (the SYNC RULE, request_pipeline.h), released on the
    // loop after each sync.
    store_.setWriteLog(&aof_.log());
    pipeline_.setAofLog(&aof_.log());
    aof_.setSyncedCallback(
        [this] { inbox_.post(RunOnLoop{[this] { pipeline_.releaseSynced(); }}); });
}

void Server::invalidated(Invalidation&& inv) {
    inbox_.post(ReactorMessage(std::in_place_type<Invalidate>, std::move(inv)));
}

Server::~Server() {
    expire_cycle_.stop();
    for (auto& w : workers_) w->stop();
}

std::string Server::start() {
    // SIGXFSZ would kill the process when a file passes RLIMIT_FSIZE; ignored, the write
    // fails with EFBIG instead and the AOF answers MISCONF until it succeeds, as on a full disk.
    ::signal(SIGXFSZ, SIG_IGN);
    rdb_.startupStatus();
    registry_.setPersistence(&rdb_, &aof_, [this](bool final_save) {
        final_save_ = final_save ? FinalSave::IfDirty : FinalSave::None;
        loop_.defer([this] { beginShutdown("SHUTDOWN"); });
    });
    std::string err = listener_.open(cfg_->bind, static_cast<int>(cfg_->port), kListenBacklog);
    if (!err.empty()) return err;
    stats_.tcp_port = listener_.port();
    // Keyspace events: workers and the expire cycle queue them; the first event after a drain
    // wakes the reactor, which publishes the whole queue (keyspace_notifier.h has the order).
    store_.notifier().setFlags(cfg_->notify_keyspace_events);
    store_.notifier().setWake([this] { inbox_.post(RunOnLoop{[this] { publishKeyEvents(); }}); });
    for (size_t i = 0; i < stats_.workers.size(); ++i) {
        workers_.push_back(std::make_unique<Worker>(i, executor_, inbox_, stats_.workers[i]));
        workers_.back()->start();
    }
    pipeline_.start();
    // CLIENT PAUSE: nothing expires while paused; when it ends the held requests run.
    registry_.clientPause().setListener([this](bool paused) {
        store_.setExpiryPaused(paused);
        if (!paused) pipeline_.resumePaused();
    });
    expire_cycle_.start();
    loop_.add(listener_.fd(), EPOLLIN, [this](uint32_t) { registry_.acceptAll(listener_); });
    loop_.watchSignals({SIGINT, SIGTERM, SIGHUP}, [this](int signo) { onSignal(signo); });
    loop_.runEvery(std::chrono::milliseconds(100), [this] {
        sampleStats();
        rdb_.cron(*cfg_);
        aof_.apply(*cfg_);  // CONFIG SET / SIGHUP of appendonly, appendfsync
    });
    loop_.runEvery(std::chrono::milliseconds(1000), [this] {
        registry_.cron();
        aof_.cron(*cfg_);
        notifier_.status(statusLine());
    });
    if (cfg_->requirepass.empty() && !isLoopback(cfg_->bind)) {
        LOG_WARNING(
            "listening on %s with no requirepass: anyone who can reach this address "
            "can read and change every key; set requirepass or bind to 127.0.0.1",
            cfg_->bind.c_str());
    }
    startWatchdog();
    // The dataset loads on its own thread while clients already connect (they get -LOADING);
    // the service manager hears READY=1 only once it is in (onLoaded).
    if (StartupLoader::needed(*cfg_)) {
        LOG_INFO("loading the dataset from %s",
                 cfg_->appendonly ? "the append only file" : "the RDB file");
        loader_.start(*cfg_, [this](bool ok, const std::string& error) {
            inbox_.post(RunOnLoop{[this, ok, error] { onLoaded(ok, error); }});
        });
        notifier_.status(statusLine());
    } else {
        if (std::string err = aof_.open(*cfg_); !err.empty()) return "AOF: " + err;
        notifier_.ready(statusLine());
    }
    LOG_INFO("mini-redis %s ready: listening on %s:%d, %zu workers, pid %d, config %s",
             MINI_REDIS_VERSION, cfg_->bind.c_str(), listener_.port(), workers_.size(), getpid(),
             cfg_->config_file.empty() ? "(built-in defaults)" : cfg_->config_file.c_str());
    return {};
}

void Server::onLoaded(bool ok, const std::string& error) {
    std::string why = error;
    if (ok) {
        rdb_.loadedStatus();
        // The AOF records from before the first client write: loading ends after it opens.
        if (std::string err = aof_.open(*cfg_); !err.empty()) {
            ok = false;
            why = "AOF: " + err;
        }
    }
    if (ok) {
        loader_.finish();
        notifier_.ready(statusLine());
        LOG_INFO("dataset loaded: ready to accept commands (%zu keys)", store_.size());
        return;
    }
    LOG_WARNING("cannot start: %s", why.c_str());
    exit_code_ = 1;
    notifier_.stopping("the dataset could not be loaded");
    shutting_down_ = true;
    shutdown_started_ = std::chrono::steady_clock::now();
    finishShutdown("the dataset could not be loaded");
}

int Server::run() {
    loop_.run();
    loader_.cancelAndJoin();  // a load still running stops at its next batch
    // Workers finish whatever is queued, then exit. What they post meanwhile is dropped
    // here, explicitly: every client is closed, so no reply has anywhere to go.
    expire_cycle_.stop();
    for (auto& w : workers_) w->stop();
    std::vector<ReactorMessage> dropped;
    inbox_.drain(dropped);
    dropped.clear();
    // Every write made is now in the log: written and synced before the process ends.
    if (!aof_.close()) {
        LOG_WARNING("AOF: records could not be written before exiting");
        exit_code_ = 1;
    }
    LOG_INFO("all %zu workers joined; bye", workers_.size());
    return exit_code_;
}

void Server::publishKeyEvents() {
    thread_local std::vector<KeyEvent> events;
    store_.notifier().drain(events);
    const uint32_t flags = store_.notifier().flags();
    for (const KeyEvent& e : events) {
        KeyspaceNotifier::messages(e, flags,
                                   [this](std::string_view channel, std::string_view message) {
                                       registry_.publish(channel, message);
                                   });
    }
    events.clear();
}

void Server::onSignal(int signo) {
    if (signo == SIGHUP) {
        reload();
        return;
    }
    // Redis saves at SIGTERM / SIGINT when save points are set, and does not exit when that
    // save fails: exiting would lose the dataset. So the save comes first, as SHUTDOWN's
    // does, while everything still runs; what changes while the replies in flight finish is
    // saved again in finishShutdown (IfDirty), so every acknowledged write is in the file.
    if (!shutting_down_) {
        final_save_ = FinalSave::None;
        cfg_.refresh();
        if (!cfg_->save.empty()) {
            if (std::string err = rdb_.saveForShutdown(*cfg_); !err.empty()) {
                LOG_WARNING("Error trying to save the DB, can't exit.");
                LOG_WARNING("%s received but errors trying to shut down the server, check the "
                            "logs for more information",
                            signo == SIGINT ? "SIGINT" : "SIGTERM");
                return;
            }
            final_save_ = FinalSave::IfDirty;
        }
    }
    beginShutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
}

void Server::reload() {
    notifier_.reloading();
    struct ReadyAgain {  // whatever happens, tell the service manager we are serving again
        Server& s;
        ~ReadyAgain() { s.notifier_.ready(s.statusLine()); }
    } ready_again{*this};
    const std::string path = cfg_->config_file;
    if (path.empty()) {
        LOG_WARNING("SIGHUP: no config file to reload (started without --config)");
        return;
    }
    Config fresh;
    if (auto err = Config::loadFile(path, fresh)) {
        LOG_WARNING("SIGHUP: reload failed, running config unchanged: %s", err->c_str());
        return;
    }
    // Command-line flags still win over the file, as they did at start.
    for (const auto& [key, value] : overrides_) {
        if (auto err = fresh.set(key, value)) {
            LOG_WARNING("SIGHUP: reload failed: --%s: %s", key.c_str(), err->c_str());
            return;
        }
    }
    auto running = config_.get();
    auto err = config_.update([&](Config& next) -> std::optional<std::string> {
        for (const auto& [key, value] : fresh.all()) {
            if (running->get(key) == value) continue;
            // A secret's value never reaches the log, at any level: only that it changed.
            const bool secret = Config::isSecret(key);
            if (!Config::isLive(key)) {
                LOG_WARNING("SIGHUP: '%s' changed%s%s; it takes effect only after a restart",
                            key.c_str(), secret ? "" : " to ", secret ? "" : value.c_str());
                continue;
            }
            if (auto e = next.set(key, value)) return e;
            if (secret) {
                LOG_INFO("SIGHUP: %s changed", key.c_str());
            } else {
                LOG_INFO("SIGHUP: %s = %s", key.c_str(), value.c_str());
            }
        }
        return std::nullopt;
    });
    if (err) {
        LOG_WARNING("SIGHUP: reload failed, running config unchanged: %s", err->c_str());
        return;
    }
    cfg_.refresh();
    Log::setLevel(cfg_->loglevel);
    store_.notifier().setFlags(cfg_->notify_keyspace_events);
    LOG_INFO("SIGHUP: configuration reloaded from %s", path.c_str());
}

void Server::beginShutdown(const char* why) {
    if (shutting_down_) {
        finishShutdown("second signal: not waiting any longer");
        return;
    }
    shutting_down_ = true;
    shutdown_started_ = std::chrono::steady_clock::now();
    notifier_.stopping(std::string("shutting down on ") + why);
    size_t batches_out = 0;
    for (ConnRef ref : registry_.refs()) {
        if (const Connection* conn = registry_.find(ref);
            conn && conn->state() == Connection::State::WaitingForBatch) {
            ++batches_out;
        }
    }
    LOG_INFO(
        "received %s: shutting down (no new connections; %zu clients, %zu batches in "
        "flight; grace %llds)",
        why, registry_.size(), batches_out, static_cast<long long>(cfg_->shutdown_timeout));
    loop_.remove(listener_.fd());
    listener_.close();
    registry_.stopAdmitting([this] { finishShutdown("all replies delivered"); });
    pipeline_.drain();
    loop_.runAfter(std::chrono::seconds(cfg_->shutdown_timeout),
                   [this] { finishShutdown("grace period over"); });
    if (registry_.size() == 0) finishShutdown("all replies delivered");
}

void Server::finishShutdown(const char* why) {
    if (!loop_.isLoopThread() || shutdown_finished_) return;
    shutdown_finished_ = true;
    size_t dropped = registry_.closeAll();
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - shutdown_started_);
    LOG_INFO("shutdown: %s after %lld ms (%zu clients closed unfinished); stopping workers", why,
             static_cast<long long>(waited.count()), dropped);
    cfg_.refresh();
    if (final_save_ == FinalSave::IfDirty && rdb_.dirty() > 0) {
        if (std::string err = rdb_.saveForShutdown(*cfg_); !err.empty()) {
            LOG_WARNING("Error trying to save the DB before exiting");
        }
    } else {
        rdb_.abortBgsave(*cfg_);  // a BGSAVE in flight is not waited for (Redis kills it too)
    }
    loop_.stop();
}

void Server::sampleStats() {
    cfg_.refresh();
    store_.setTrackingMaxKeys(static_cast<size_t>(cfg_->tracking_table_max_keys));
    uint64_t used = store_.usedBytes();
    if (used > stats_.used_memory_peak.load(std::memory_order_relaxed)) {
        stats_.used_memory_peak.store(used, std::memory_order_relaxed);
    }
    uint64_t total = stats_.totalCommands();
    // The oldest sample is one second old: the ring holds ten 100 ms samples.
    uint64_t oldest = ops_samples_[ops_sample_pos_];
    ops_samples_[ops_sample_pos_] = total;
    ops_sample_pos_ = (ops_sample_pos_ + 1) % ops_samples_.size();
    stats_.ops_per_sec.store(total - oldest, std::memory_order_relaxed);
}

void Server::startWatchdog() {
    auto interval = notifier_.watchdogInterval();
    if (interval.count() <= 0) return;
    // Ping at half the interval, from the loop itself: if the loop is stuck, pings stop.
    auto half = std::max(std::chrono::milliseconds(1),
                         std::chrono::duration_cast<std::chrono::milliseconds>(interval / 2));
    notifier_.watchdogPing();
    loop_.runEvery(half, [this] { notifier_.watchdogPing(); });
    LOG_INFO("systemd watchdog: pinging every %lld ms", static_cast<long long>(half.count()));
}

std::string Server::statusLine() const {
    char line[160];
    if (stats_.loading.active.load(std::memory_order_relaxed)) {
        std::snprintf(line, sizeof line, "loading %d%%",
                      static_cast<int>(stats_.loading.percent()));
        return line;
    }
    std::snprintf(line, sizeof line, "serving %zu clients, %llu ops/s, %zu keys", registry_.size(),
                  static_cast<unsigned long long>(stats_.ops_per_sec.load()), store_.size());
    return line;
}

}  // namespace mini_redis
