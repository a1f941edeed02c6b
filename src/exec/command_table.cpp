// Command table construction and lookup.
#include "command_table.h"

#include <algorithm>
#include <stdexcept>

namespace mini_redis {

CommandTable CommandTable::build() {
    CommandTable table;
    registerStringCommands(table);
    registerStringRangeCommands(table);
    registerKeyspaceCommands(table);
    registerConnectionCommands(table);
    registerClientCommands(table);
    registerPubSubCommands(table);
    registerServerCommands(table);
    registerExpireCommands(table);
    registerTransactionCommands(table);
    registerBitCommands(table);
    registerObjectCommands(table);
    registerListCommands(table);
    registerBlockingCommands(table);
    registerListRangeCommands(table);
    registerHashCommands(table);
    registerSetCommands(table);
    registerZSetCommands(table);
    registerSortCommands(table);
    return table;
}

namespace {

// Lower-cases `name` into `buf` (of `cap` bytes); false if it does not fit.
bool lowerInto(char* buf, size_t cap, std::string_view name) {
    if (name.size() >= cap) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    return true;
}

void checkSpec(const CommandSpec& spec) {
    std::string key(spec.name);
    for (char c : key) {
        if (c >= 'A' && c <= 'Z') throw std::logic_error("command name not lower case: " + key);
    }
    // A container's handler runs only when the container alone satisfies its arity (COMMAND).
    const bool runs = spec.subcommands.empty() || CommandTable::arityOk(spec, 1);
    if ((runs && spec.handler == nullptr) || spec.arity == 0) {
        throw std::logic_error("command declared without handler or arity: " + key);
    }
}

}  // namespace

void CommandTable::add(const CommandSpec& spec) {
    checkSpec(spec);
    if (isSubcommand(spec))
        throw std::logic_error("subcommand declared alone: " + std::string(spec.name));
    std::vector<std::string> names{std::string(spec.name)};
    for (const CommandSpec& sub : spec.subcommands) {
        checkSpec(sub);
        const std::string prefix = names[0] + "|";
        if (!sub.name.starts_with(prefix) || sub.name.size() == prefix.size() ||
            sub.name.substr(prefix.size()).find('|') != std::string_view::npos) {
            throw std::logic_error("subcommand not named " + prefix +
                                   "sub: " + std::string(sub.name));
        }
        if (!sub.subcommands.empty() || (sub.flags & kCmdReactor) != (spec.flags & kCmdReactor)) {
            throw std::logic_error("subcommand nested or routed apart from its container: " +
                                   std::string(sub.name));
        }
        names.emplace_back(sub.name);
    }
    for (auto it = names.begin(); it != names.end(); ++it) {
        if (index_.contains(*it) || std::find(names.begin(), it, *it) != it) {
            throw std::logic_error("command declared twice: " + *it);
        }
    }
    for (size_t i = 0; i < names.size(); ++i) index_.emplace(names[i], specs_.size() + i);
    specs_.push_back(spec);
    specs_.insert(specs_.end(), spec.subcommands.begin(), spec.subcommands.end());
    ++commands_;
    // The containers' spans point at the table's own copies (the vector may have moved).
    for (size_t i = 0; i < specs_.size(); ++i) {
        const size_t n = specs_[i].subcommands.size();
        if (n > 0) specs_[i].subcommands = std::span<const CommandSpec>(&specs_[i + 1], n);
    }
    const size_t len = spec.name.size();
    if ((spec.flags & kCmdReactor) && len < 32) reactor_name_lengths_ |= 1u << len;
}

const CommandSpec* CommandTable::find(std::string_view name) const {
    char lower[32];
    if (name.find('|') != std::string_view::npos || !lowerInto(lower, sizeof lower, name))
        return nullptr;
    auto it = index_.find(std::string_view(lower, name.size()));
    return it == index_.end() ? nullptr : &specs_[it->second];
}

const CommandSpec* CommandTable::findSubcommand(const CommandSpec& container,
                                                std::string_view sub) const {
    // The key is the fullname: the container's (lower-case) name, '|', the subcommand.
    char full[64];
    const size_t n = container.name.size() + 1;
    if (container.subcommands.empty() || n >= sizeof full ||
        sub.find('|') != std::string_view::npos || !lowerInto(full + n, sizeof full - n, sub))
        return nullptr;
    std::copy(container.name.begin(), container.name.end(), full);
    full[n - 1] = '|';
    auto it = index_.find(std::string_view(full, n + sub.size()));
    return it == index_.end() ? nullptr : &specs_[it->second];
}

const CommandSpec* CommandTable::findByFullName(std::string_view name) const {
    const size_t bar = name.find('|');
    if (bar == std::string_view::npos) return find(name);
    const CommandSpec* container = find(name.substr(0, bar));
    return container ? findSubcommand(*container, name.substr(bar + 1)) : nullptr;
}

const CommandSpec* CommandTable::resolve(std::span<const std::string_view> argv,
                                         const CommandSpec** container) const {
    const CommandSpec* spec = find(argv[0]);
    if (spec == nullptr || argv.size() == 1 || spec->subcommands.empty()) return spec;
    if (container != nullptr) *container = spec;
    return findSubcommand(*spec, argv[1]);
}

void CommandTable::keysOf(const CommandSpec& spec, std::span<const std::string_view> argv,
                          std::vector<std::string_view>& out) {
    if (spec.find_keys != nullptr) {
        thread_local std::vector<size_t> idx;
        idx.clear();
        spec.find_keys(argv, idx);
        for (size_t i : idx) {
            if (i < argv.size()) out.push_back(argv[i]);
        }
        return;
    }
    if (spec.first_key <= 0) return;
    const int argc = static_cast<int>(argv.size());
    const int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
    const int step = spec.key_step > 0 ? spec.key_step : 1;
    for (int i = spec.first_key; i <= last && i < argc; i += step)
        out.push_back(argv[static_cast<size_t>(i)]);
}

std::vector<std::string_view> CommandTable::flagNames(uint32_t flags) {
    static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
        {kCmdWrite, "write"}, {kCmdReadOnly, "readonly"}, {kCmdFast, "fast"},
        {kCmdAdmin, "admin"}, {kCmdPubSub, "pubsub"},     {kCmdBlocking, "blocking"},
        {kCmdNoAuth, "no_auth"},
        {kCmdLoading, "loading"},
        {kCmdStale, "stale"},
        {kCmdNoMulti, "no_multi"},
    };
    std::vector<std::string_view> out;
    for (const auto& [bit, name] : kNames) {
        if (flags & bit) out.push_back(name);
    }
    return out;
}

}  // namespace mini_redis
