// mini-redis-server: command line, configuration, then the server on the main thread.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "build_config.h"
#include "config.h"
#include "event_loop.h"
#include "log.h"
#include "server.h"

using namespace mini_redis;

namespace {

constexpr const char* kUsage =
    "Usage: mini-redis-server [options]\n"
    "\n"
    "A Redis-compatible in-memory key-value server.\n"
    "\n"
    "Options (flags override the config file):\n"
    "  --config FILE     JSON configuration file (default: built-in defaults)\n"
    "  --port N          TCP port (default 9999)\n"
    "  --bind ADDR       address to listen on (default 127.0.0.1)\n"
    "  --workers N|auto  worker threads (default: one per CPU)\n"
    "  --loglevel LEVEL  debug, verbose, info, notice or warning\n"
    "  --KEY VALUE       any other configuration key, in CONFIG SET's form\n"
    "                    (e.g. --dir data --appendonly yes --appendfsync always)\n"
    "  --check-config    validate the configuration, print it as JSON, and exit 0 (or 1)\n"
    "  --version         print the version and exit\n"
    "  --help            print this help and exit\n";

int fail(const std::string& message) {
    std::fprintf(stderr, "mini-redis-server: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path;
    bool check_only = false;
    std::vector<std::pair<std::string, std::string>> overrides;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&](const char* flag) -> const char* {
            if (i + 1 >= argc) return nullptr;
            (void)flag;
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (arg == "--version" || arg == "-v") {
            std::printf("mini-redis-server %s\n", MINI_REDIS_VERSION);
            return 0;
        } else if (arg == "--check-config") {
            check_only = true;
        } else if (arg == "--config" || arg == "--port" || arg == "--bind" || arg == "--workers" ||
                   arg == "--loglevel") {
            const char* v = value(argv[i]);
            if (v == nullptr) return fail(std::string(arg) + " needs a value (see --help)");
            if (arg == "--config") {
                config_path = v;
            } else {
                overrides.emplace_back(std::string(arg.substr(2)), v);
            }
        } else if (arg.starts_with("--") && arg.size() > 2 &&
                   Config{}.get(arg.substr(2)).has_value()) {
            // Any other configuration key, as redis-server takes them (--dir data --appendonly
            // yes); the value is checked with the rest, after the file.
            const char* v = value(argv[i]);
            if (v == nullptr) return fail(std::string(arg) + " needs a value (see --help)");
            overrides.emplace_back(std::string(arg.substr(2)), v);
        } else {
            return fail("unknown argument '" + std::string(arg) + "' (see --help)");
        }
    }

    Config config;
    if (!config_path.empty()) {
        if (auto err = Config::loadFile(config_path, config)) return fail(*err);
    }
    for (const auto& [key, value] : overrides) {
        if (auto err = config.set(key, value)) return fail("--" + key + ": " + *err);
    }
    if (check_only) {
        std::printf("%s\n", config.toJson(/*hide_secrets=*/true).c_str());
        std::fprintf(stderr, "configuration OK%s%s%s\n", config_path.empty() ? "" : ": ",
                     config_path.c_str(),
                     config.requirepass.empty() ? "" : " (requirepass is set; shown as null)");
        return 0;
    }
    Log::setLevel(config.loglevel);

    // Before any thread starts, so every thread inherits the mask and the signals arrive
    // only through the reactor's signalfd.
    EventLoop::blockSignals({SIGINT, SIGTERM, SIGHUP});
    ::signal(SIGPIPE, SIG_IGN);

    try {
        Server server(config, overrides);
        std::string err = server.start();
        if (!err.empty()) {
            LOG_WARNING("cannot start: %s", err.c_str());
            return 1;
        }
        return server.run();
    } catch (const std::exception& e) {
        LOG_WARNING("fatal: %s", e.what());
        return 1;
    }
}
