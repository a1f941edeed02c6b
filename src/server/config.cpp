// The option table and the JSON loader built on it.
#include "config.h"

#include <sys/stat.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "command_args.h"
#include "config_option.h"
#include "keyspace_event_flags.h"

namespace mini_redis {

namespace {

using config_option::Error;
using config_option::Json;
using config_option::Option;
using config_option::boolOption;
using config_option::formatSavePoints;
using config_option::intOption;
using config_option::parseSavePoints;
using config_option::plainFileName;
using config_option::stringOption;


// What an error says it got instead of a secret's value: its type and size, never its text.
std::string hiddenString(size_t bytes) {
    return "a string of " + std::to_string(bytes) + " bytes (not shown)";
}

std::string hiddenValue(const Json& v) {
    if (v.is_string()) return hiddenString(v.get_ref<const std::string&>().size());
    return std::string("a JSON ") + v.type_name() + " (not shown)";
}

// nlohmann's parse errors end in "; last read: '<the text near the error>'" (then maybe
// "; expected ..."): that text can be a password, so only the position and the reason stay.
std::string withoutLastRead(std::string message) {
    static constexpr std::string_view kLastRead = "; last read: '";
    size_t from = message.find(kLastRead);
    if (from == std::string::npos) return message;
    size_t expected = message.rfind("'; expected ");
    if (expected != std::string::npos && expected >= from + kLastRead.size()) {
        return message.substr(0, from) + message.substr(expected + 1);
    }
    return message.substr(0, from);
}

const std::vector<Option>& options() {
    static const std::vector<Option> table = [] {
        std::vector<Option> t;
        {
            Option opt;
            opt.name = "bind";
            opt.live = false;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                if (s.empty()) return "a non-empty IPv4 or IPv6 address";
                c.bind = std::string(s);
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) return "a string (an IPv4 or IPv6 address)";
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) { return c.bind; };
            opt.toJson = [](const Config& c) { return Json(c.bind); };
            t.push_back(opt);
        }
        t.push_back(intOption("port", &Config::port, 1, 65535, false));
        {
            Option opt = intOption("workers", &Config::workers, 1, 256, false);
            auto parseInt = opt.fromString;
            opt.fromString = [parseInt](Config& c, std::string_view s) -> Error {
                if (s == "auto") {
                    c.workers = 0;
                    return std::nullopt;
                }
                if (parseInt(c, s)) return "\"auto\" or an integer from 1 to 256";
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (v.is_string()) return f(c, v.get<std::string>());
                if (v.is_number_integer()) return f(c, std::to_string(v.get<int64_t>()));
                return "\"auto\" or an integer from 1 to 256";
            };
            opt.toString = [](const Config& c) {
                return c.workers == 0 ? std::string("auto") : std::to_string(c.workers);
            };
            opt.toJson = [](const Config& c) {
                return c.workers == 0 ? Json("auto") : Json(c.workers);
            };
            t.push_back(opt);
        }
        {
            Option opt;
            opt.name = "loglevel";
            opt.live = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                if (!Log::parseLevel(s, c.loglevel)) {
                    return "one of \"debug\", \"verbose\", \"info\", \"notice\", \"warning\"";
                }
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) {
                    return "one of \"debug\", \"verbose\", \"info\", \"notice\", \"warning\"";
                }
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) { return std::string(Log::levelName(c.loglevel)); };
            opt.toJson = [](const Config& c) { return Json(Log::levelName(c.loglevel)); };
            t.push_back(opt);
        }
        t.push_back(intOption("maxclients", &Config::maxclients, 1, 1000000, true));
        t.push_back(intOption("proto-inline-max-size", &Config::proto_inline_max_size, 1024,
                              64LL * 1024 * 1024, true));
        t.push_back(intOption("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024,
                              4LL * 1024 * 1024 * 1024, true));
        t.push_back(intOption("proto-max-multibulk-len", &Config::proto_max_multibulk_len, 1,
                              INT32_MAX, true));
        t.push_back(intOption("client-query-buffer-limit", &Config::client_query_buffer_limit,
                              1024 * 1024, 16LL * 1024 * 1024 * 1024, true));
        // Each database costs a table header per shard (about 16 KiB): bounded accordingly.
        t.push_back(intOption("databases", &Config::databases, 1, 1024, false));
        t.push_back(intOption("hz", &Config::hz, 1, 500, true));
        t.push_back(intOption("shutdown-timeout", &Config::shutdown_timeout, 0, 3600, true));
        {
            Option opt;
            opt.name = "requirepass";
            opt.live = true;
            opt.secret = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                if (s.size() > 512) return "a string of at most 512 bytes";
                c.requirepass = std::string(s);
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) return "a string (empty for no password)";
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) { return c.requirepass; };
            opt.toJson = [](const Config& c) { return Json(c.requirepass); };
            t.push_back(opt);
        }
        t.push_back(intOption("timeout", &Config::timeout, 0, 365LL * 86400, true));
        t.push_back(intOption("tcp-keepalive", &Config::tcp_keepalive, 0, 86400, true));
        t.push_back(intOption("client-output-buffer-hard-limit", &Config::output_hard_limit, 0,
                              INT64_MAX, true));
        t.push_back(intOption("client-output-buffer-soft-limit", &Config::output_soft_limit, 0,
                              INT64_MAX, true));
        t.push_back(intOption("client-output-buffer-soft-seconds", &Config::output_soft_seconds, 0,
                              86400, true));
        t.push_back(intOption("client-output-buffer-pubsub-hard-limit",
                              &Config::pubsub_output_hard_limit, 0, INT64_MAX, true));
        t.push_back(intOption("client-output-buffer-pubsub-soft-limit",
                              &Config::pubsub_output_soft_limit, 0, INT64_MAX, true));
        t.push_back(intOption("client-output-buffer-pubsub-soft-seconds",
                              &Config::pubsub_output_soft_seconds, 0, 86400, true));
        t.push_back(intOption("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1,
                              INT64_MAX, true));
        t.push_back(intOption("slowlog-max-len", &Config::slowlog_max_len, 0, 1000000, true));
        t.push_back(intOption("tracking-table-max-keys", &Config::tracking_table_max_keys, 0,
                              INT64_MAX, true));
        // Redis 7.0 also answers to the 6.x "ziplist" names of these.
        auto aliased = [](Option opt, const char* alias) {
            opt.alias = alias;
            return opt;
        };
        // Any int, as Redis takes it (below -5 counts as -5).
        t.push_back(aliased(intOption("list-max-listpack-size", &Config::list_max_listpack_size,
                                      INT32_MIN, INT32_MAX, true),
                            "list-max-ziplist-size"));
        t.push_back(aliased(intOption("hash-max-listpack-entries",
                                      &Config::hash_max_listpack_entries, 0, INT32_MAX, true),
                            "hash-max-ziplist-entries"));
        t.push_back(aliased(intOption("hash-max-listpack-value", &Config::hash_max_listpack_value,
                                      0, INT32_MAX, true),
                            "hash-max-ziplist-value"));
        t.push_back(intOption("set-max-intset-entries", &Config::set_max_intset_entries, 0,
                              INT32_MAX, true));
        t.push_back(aliased(intOption("zset-max-listpack-entries",
                                      &Config::zset_max_listpack_entries, 0, INT32_MAX, true),
                            "zset-max-ziplist-entries"));
        t.push_back(aliased(intOption("zset-max-listpack-value", &Config::zset_max_listpack_value,
                                      0, INT32_MAX, true),
                            "zset-max-ziplist-value"));
        {
            Option opt;
            opt.name = "notify-keyspace-events";
            opt.live = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                auto flags = keyspace_events::parseFlags(s);
                // (CONFIG SET answers Redis's own text: server_commands.cpp checks first.)
                if (!flags) return "a string of the letters Ag$lshzxeKEtmdn (\"\" = off)";
                c.notify_keyspace_events = *flags;
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) return "a string of the letters Ag$lshzxeKEtmdn (\"\" = off)";
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) {
                return keyspace_events::formatFlags(c.notify_keyspace_events);
            };
            opt.toJson = [](const Config& c) {
                return Json(keyspace_events::formatFlags(c.notify_keyspace_events));
            };
            t.push_back(opt);
        }
        // The append-only file (src/persist/). Turning it on or off, and the sync policy,
        // take effect at once; its directory and file names at the next start.
        t.push_back(boolOption("appendonly", &Config::appendonly, true));
        {
            Option opt;
            opt.name = "appendfsync";
            opt.live = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                for (const char* policy : {"always", "everysec", "no"}) {
                    if (equalsNoCase(s, policy)) {
                        c.appendfsync = policy;
                        return std::nullopt;
                    }
                }
                return std::string("\"always\", \"everysec\" or \"no\"");
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) return std::string("\"always\", \"everysec\" or \"no\"");
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) { return c.appendfsync; };
            opt.toJson = [](const Config& c) { return Json(c.appendfsync); };
            t.push_back(opt);
        }
        t.push_back(stringOption("appenddirname", &Config::appenddirname, false, plainFileName));
        t.push_back(stringOption("appendfilename", &Config::appendfilename, false, plainFileName));
        t.push_back(intOption("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage,
                              0, INT32_MAX, true));
        t.push_back(intOption("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0,
                              INT64_MAX, true));
        // How start-up treats a torn tail of the AOF (persist/aof_reader.h).
        t.push_back(boolOption("aof-load-truncated", &Config::aof_load_truncated, true));
        // RDB snapshots (persist/).
        {
            Option opt;
            opt.name = "dir";
            opt.live = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                struct stat st{};
                if (s.empty() || ::stat(std::string(s).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
                    return "an existing directory";
                }
                c.dir = std::string(s);
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) return "a string (an existing directory)";
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) { return c.dir; };
            opt.toJson = [](const Config& c) { return Json(c.dir); };
            t.push_back(opt);
        }
        {
            Option opt;
            opt.name = "dbfilename";
            opt.live = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                if (s.empty() || s.find('/') != std::string_view::npos) {
                    return "dbfilename can't be a path, just a filename";
                }
                c.dbfilename = std::string(s);
                return std::nullopt;
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                if (!v.is_string()) return "a string (a file name)";
                return f(c, v.get<std::string>());
            };
            opt.toString = [](const Config& c) { return c.dbfilename; };
            opt.toJson = [](const Config& c) { return Json(c.dbfilename); };
            t.push_back(opt);
        }
        {
            Option opt;
            opt.name = "save";
            opt.live = true;
            opt.fromString = [](Config& c, std::string_view s) -> Error {
                return parseSavePoints(s, c.save);
            };
            opt.fromJson = [f = opt.fromString](Config& c, const Json& v) -> Error {
                const char* expected = "a list of [seconds, changes] pairs ([] = off)";
                if (v.is_string()) return f(c, v.get<std::string>());
                if (!v.is_array()) return expected;
                std::vector<std::pair<int64_t, int64_t>> points;
                for (const auto& p : v) {
                    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() ||
                        !p[1].is_number_integer() || p[0].get<int64_t>() < 0 ||
                        p[1].get<int64_t>() < 0) {
                        return expected;
                    }
                    points.emplace_back(p[0].get<int64_t>(), p[1].get<int64_t>());
                }
                c.save = std::move(points);
                return std::nullopt;
            };
            opt.toString = [](const Config& c) { return formatSavePoints(c.save); };
            opt.toJson = [](const Config& c) {
                Json out = Json::array();
                for (const auto& [sec, changes] : c.save) out.push_back(Json::array({sec, changes}));
                return out;
            };
            t.push_back(opt);
        }
        t.push_back(boolOption("rdbcompression", &Config::rdbcompression, true));
        t.push_back(boolOption("rdbchecksum", &Config::rdbchecksum, true));
        t.push_back(boolOption("stop-writes-on-bgsave-error", &Config::stop_writes_on_bgsave_error,
                               true));
        return t;
    }();
    return table;
}

const Option* findOption(std::string_view name) {
    for (const auto& opt : options()) {
        if (name == opt.name || (opt.alias != nullptr && name == opt.alias)) return &opt;
    }
    return nullptr;
}

std::string knownKeys() {
    std::string out;
    for (const auto& opt : options()) {
        if (!out.empty()) out += ", ";
        out += opt.name;
    }
    return out;
}

}  // namespace

int Config::effectiveWorkers() const {
    if (workers > 0) return static_cast<int>(workers);
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

std::optional<std::string> Config::loadFile(const std::string& path, Config& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return path + ": cannot open file";
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) return path + ": cannot read file";
    return loadJson(text.str(), path, out);
}

std::optional<std::string> Config::loadJson(std::string_view text, const std::string& source,
                                            Config& out) {
    Json doc;
    try {
        doc = Json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const Json::exception& e) {
        return source + ": invalid JSON: " + withoutLastRead(e.what());
    }
    if (!doc.is_object()) return source + ": expected a JSON object at the top level";
    Config next = out;
    for (const auto& [key, value] : doc.items()) {
        const Option* opt = findOption(key);
        if (opt == nullptr) {
            return source + ": unknown key '" + key + "' (known keys: " + knownKeys() + ")";
        }
        if (auto expected = opt->fromJson(next, value)) {
            return source + ": key '" + key + "': expected " + *expected + ", got " +
                   (opt->secret ? hiddenValue(value) : value.dump());
        }
    }
    next.config_file = source;
    out = std::move(next);
    return std::nullopt;
}

std::optional<std::string> Config::set(std::string_view key, std::string_view value) {
    const Option* opt = findOption(key);
    if (opt == nullptr) return "unknown key '" + std::string(key) + "'";
    if (auto expected = opt->fromString(*this, value)) {
        std::string got;
        if (opt->secret) {
            got = hiddenString(value.size());
        } else {  // built with append: GCC 12 warns falsely (-Wrestrict) on "'" + std::string
            got.append(1, '\'').append(value).append(1, '\'');
        }
        return "key '" + std::string(key) + "': expected " + *expected + ", got " + got;
    }
    return std::nullopt;
}

std::optional<std::string> Config::get(std::string_view key) const {
    const Option* opt = findOption(key);
    if (opt == nullptr) return std::nullopt;
    return opt->toString(*this);
}

std::vector<std::pair<std::string, std::string>> Config::all() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& opt : options()) {
        out.emplace_back(opt.name, opt.toString(*this));
        if (opt.alias != nullptr) out.emplace_back(opt.alias, opt.toString(*this));
    }
    return out;
}

std::string Config::toJson(bool hide_secrets) const {
    Json doc = Json::object();
    for (const auto& opt : options()) {
        Json value = opt.toJson(*this);
        if (hide_secrets && opt.secret && value != Json("")) value = nullptr;
        doc[opt.name] = std::move(value);
    }
    return doc.dump(2);
}

bool Config::isLive(std::string_view key) {
    const Option* opt = findOption(key);
    return opt != nullptr && opt->live;
}

bool Config::isSecret(std::string_view key) {
    const Option* opt = findOption(key);
    return opt != nullptr && opt->secret;
}

}  // namespace mini_redis
