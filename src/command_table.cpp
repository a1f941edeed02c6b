// Command table construction and lookup.
#include "command_table.h"

#include <stdexcept>

namespace mini_redis {

CommandTable CommandTable::build() {
    CommandTable table;
    registerStringCommands(table);
    registerStringRangeCommands(table);
    registerKeyspaceCommands(table);
    registerConnectionCommands(table);
    registerServerCommands(table);
    registerExpireCommands(table);
    registerTransactionCommands(table);
    registerBitCommands(table);
    registerObjectCommands(table);
    return table;
}

void CommandTable::add(const CommandSpec& spec) {
    std::string key(spec.name);
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') throw std::logic_error("command name not lower case: " + key);
    }
    if (spec.handler == nullptr || spec.arity == 0) {
        throw std::logic_error("command declared without handler or arity: " + key);
    }
    if (!index_.emplace(key, specs_.size()).second) {
        throw std::logic_error("command declared twice: " + key);
    }
    specs_.push_back(spec);
    if ((spec.flags & kCmdReactor) && key.size() < 32) reactor_name_lengths_ |= 1u << key.size();
}

const CommandSpec* CommandTable::find(std::string_view name) const {
    char lower[32] = {};
    if (name.size() >= sizeof lower) return nullptr;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    auto it = index_.find(std::string_view(lower, name.size()));
    return it == index_.end() ? nullptr : &specs_[it->second];
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
    for (int i = spec.first_key; i <= last && i < argc; i += step) out.push_back(argv[static_cast<size_t>(i)]);
}

std::vector<std::string_view> CommandTable::flagNames(uint32_t flags) {
    static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
        {kCmdWrite, "write"}, {kCmdReadOnly, "readonly"}, {kCmdFast, "fast"},
        {kCmdAdmin, "admin"}, {kCmdNoAuth, "no_auth"},    {kCmdLoading, "loading"},
        {kCmdStale, "stale"},
    };
    std::vector<std::string_view> out;
    for (const auto& [bit, name] : kNames) {
        if (flags & bit) out.push_back(name);
    }
    return out;
}

}  // namespace mini_redis
