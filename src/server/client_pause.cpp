// CLIENT PAUSE's state and held requests (client_pause.h).
#include "client_pause.h"

#include <algorithm>

namespace mini_redis {

namespace {

// The request's arguments as views (a held or framed request is one Batch's tail).
std::vector<std::string_view> argvOf(const Batch& request) {
    std::vector<std::string_view> argv;
    argv.reserve(request.args.size());
    for (size_t i = 0; i < request.args.size(); ++i) argv.push_back(request.args[i]);
    return argv;
}

}  // namespace

ClientPause::~ClientPause() {
    if (timer_armed_) loop_.cancel(timer_);
}

void ClientPause::pause(std::chrono::milliseconds timeout, Mode mode) {
    const bool was_active = active();
    const auto end = std::chrono::steady_clock::now() + timeout;
    if (static_cast<uint8_t>(mode) > static_cast<uint8_t>(mode_)) mode_ = mode;
    if (!was_active || end > end_) {
        end_ = end;
        if (timer_armed_) loop_.cancel(timer_);
        timer_ = loop_.runAfter(timeout, [this] {
            timer_armed_ = false;
            unpause();
        });
        timer_armed_ = true;
    }
    if (!was_active && listener_) listener_(true);
}

void ClientPause::unpause() {
    if (timer_armed_) {
        loop_.cancel(timer_);
        timer_armed_ = false;
    }
    if (!active()) return;
    mode_ = Mode::None;
    if (listener_) listener_(false);
}

bool ClientPause::holds(const CommandTable& table, std::span<const std::string_view> argv,
                        const Transaction* tx) const {
    if (mode_ == Mode::None) return false;
    const CommandSpec* spec = table.resolve(argv);
    if (spec == nullptr || !CommandTable::arityOk(*spec, argv.size())) return false;
    if (mode_ == Mode::All) return true;
    if (mayReplicate(*spec)) return true;
    return spec->name == "exec" && tx != nullptr && tx->inMulti() && tx->holdsWrite();
}

void ClientPause::hold(ConnRef ref, std::unique_ptr<Batch> request) {
    held_.emplace_back(ref, std::move(request));
}

bool ClientPause::isHeld(ConnRef ref) const {
    return std::any_of(held_.begin(), held_.end(), [&](const auto& h) { return h.first == ref; });
}

std::unique_ptr<Batch> ClientPause::release(ConnRef ref, const CommandTable& table,
                                            const Transaction* tx) {
    auto it =
        std::find_if(held_.begin(), held_.end(), [&](const auto& h) { return h.first == ref; });
    if (it == held_.end()) return nullptr;
    if (active() && holds(table, argvOf(*it->second), tx)) return nullptr;
    std::unique_ptr<Batch> request = std::move(it->second);
    held_.erase(it);
    return request;
}

void ClientPause::drop(ConnRef ref) {
    std::erase_if(held_, [&](const auto& h) { return h.first == ref; });
}

std::vector<ConnRef> ClientPause::heldClients() const {
    std::vector<ConnRef> out;
    out.reserve(held_.size());
    for (const auto& h : held_) out.push_back(h.first);
    return out;
}

}  // namespace mini_redis
