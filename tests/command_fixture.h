// The command fixture: batches run through CommandExecutor against a real store on a
// ManualClock, replies checked as raw RESP (so exact error texts and reply types are what is
// asserted). Shared by the tests/commands_*_test.cpp files.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "batch.h"
#include "clock.h"
#include "command_executor.h"
#include "command_table.h"
#include "config.h"
#include "errors.h"
#include "server_stats.h"
#include "shared_config.h"
#include "store.h"
#include "lock_scope.h"
#include "transaction.h"

namespace mini_redis::test {

using Args = std::vector<std::string>;

// A type byte, a line and CRLF. (Built with append: GCC 12 warns falsely on the
// "literal" + std::string form.)
inline std::string line(char type, std::string_view text) {
    std::string out(1, type);
    out.append(text);
    out.append("\r\n");
    return out;
}

// Expected replies, spelled out as RESP.
inline std::string ok() {
    return "+OK\r\n";
}
inline std::string simple(std::string_view s) {
    return line('+', s);
}
inline std::string error(std::string_view s) {
    return line('-', s);
}
inline std::string integer(int64_t n) {
    return line(':', std::to_string(n));
}
inline std::string nil() {
    return "$-1\r\n";
}
inline std::string nilArray() {
    return "*-1\r\n";
}
inline std::string bulk(std::string_view s) {
    std::string out = line('$', std::to_string(s.size()));
    out.append(s);
    out.append("\r\n");
    return out;
}
inline std::string arityError(std::string_view name) {
    std::string text = "ERR wrong number of arguments for '";
    text.append(name);
    text.append("' command");
    return error(text);
}

// A parsed reply, for the commands whose replies are nested arrays.
struct Resp {
    char type = 0;  // '+', '-', ':', '$' or '*'
    bool nil = false;
    std::string text;  // simple, error or bulk
    int64_t integer = 0;
    std::vector<Resp> items;
};

inline Resp readReply(std::string_view in, size_t& pos) {
    REQUIRE(pos < in.size());
    Resp r;
    r.type = in[pos];
    size_t eol = in.find("\r\n", pos);
    REQUIRE(eol != std::string_view::npos);
    std::string line(in.substr(pos + 1, eol - pos - 1));
    pos = eol + 2;
    switch (r.type) {
        case '+':
        case '-':
            r.text = line;
            break;
        case ':':
            r.integer = std::stoll(line);
            break;
        case '$': {
            long long n = std::stoll(line);
            if (n < 0) {
                r.nil = true;
                break;
            }
            REQUIRE(pos + static_cast<size_t>(n) + 2 <= in.size());
            r.text = std::string(in.substr(pos, static_cast<size_t>(n)));
            REQUIRE(in.substr(pos + static_cast<size_t>(n), 2) == "\r\n");
            pos += static_cast<size_t>(n) + 2;
            break;
        }
        case '*': {
            long long n = std::stoll(line);
            if (n < 0) {
                r.nil = true;
                break;
            }
            for (long long i = 0; i < n; ++i) r.items.push_back(readReply(in, pos));
            break;
        }
        default:
            FAIL("not a RESP reply: " << in.substr(pos));
            break;
    }
    return r;
}

// Parses exactly one reply; anything left over is a failure.
inline Resp parseReply(std::string_view in) {
    size_t pos = 0;
    Resp r = readReply(in, pos);
    CHECK(pos == in.size());
    return r;
}

class Server;

// One connection: its session and its MULTI/WATCH state live across batches, as the reactor
// keeps them; the transaction is moved into each batch and back out, as the connection does.
class Client {
  public:
    Client(Server& server, uint64_t id);

    // Runs the requests as one batch (one read's worth of pipelined requests); returns every
    // reply's raw bytes. The batch itself stays in last() for its flags.
    std::string run(const std::vector<Args>& requests);
    std::string cmd(const Args& args) { return run({args}); }
    Resp parsed(const Args& args) { return parseReply(cmd(args)); }

    const Batch& last() const { return last_; }
    ClientSession& session() { return session_; }
    Transaction* tx() { return tx_.get(); }

  private:
    Server& server_;
    ClientSession session_;
    std::unique_ptr<Transaction> tx_;
    Batch last_;
};

// The server core without sockets: a table, a store on a ManualClock (starting at the real
// time, so absolute Unix times in tests make sense), the shared config, one worker's stats,
// and a default client; more clients share the same store.
class Server {
  public:
    explicit Server(Config config = Config{})
        : clock_(std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count()),
          store_(16, 256, KeyHash::process(), clock_),
          table_(CommandTable::build()),
          config_(std::move(config)),
          stats_(1),
          executor_(table_, store_, config_, stats_),
          main_(*this, 42) {
        main_.session().peer = "127.0.0.1:40000";
    }

    std::string run(const std::vector<Args>& requests) { return main_.run(requests); }
    std::string cmd(const Args& args) { return main_.cmd(args); }
    Resp parsed(const Args& args) { return main_.parsed(args); }
    const Batch& last() const { return main_.last(); }
    ClientSession& session() { return main_.session(); }
    Client& client() { return main_; }
    // Another connection to the same server (destroy it before the server).
    std::unique_ptr<Client> connect(uint64_t id) { return std::make_unique<Client>(*this, id); }

    ManualClock& clock() { return clock_; }
    int64_t nowMs() const { return clock_.nowMs(); }
    Store& store() { return store_; }
    SharedConfig& config() { return config_; }
    ServerStats& stats() { return stats_; }
    const CommandTable& table() const { return table_; }
    const CommandExecutor& executor() const { return executor_; }

  private:
    ManualClock clock_;
    Store store_;
    CommandTable table_;
    SharedConfig config_;
    ServerStats stats_;
    CommandExecutor executor_;
    Client main_;  // last: destroyed first, while the store is still there
};

inline Client::Client(Server& server, uint64_t id) : server_(server) {
    session_.id = id;
    session_.peer = "127.0.0.1:" + std::to_string(40000 + id);
}

inline std::string Client::run(const std::vector<Args>& requests) {
    last_.reset();
    for (const Args& request : requests) {
        for (const std::string& arg : request) last_.args.append(arg);
        last_.argc.push_back(static_cast<uint32_t>(request.size()));
    }
    last_.session = session_;
    last_.tx = std::move(tx_);
    server_.executor().run(last_, server_.stats().workers[0]);
    session_ = last_.session;
    tx_ = std::move(last_.tx);
    return last_.reply;
}

inline bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

inline std::vector<std::string> texts(const Resp& array) {
    std::vector<std::string> out;
    for (const Resp& item : array.items) out.push_back(item.text);
    return out;
}

// CONFIG GET's flat name/value array as a map.
inline std::map<std::string, std::string> pairs(const Resp& array) {
    std::map<std::string, std::string> out;
    REQUIRE(array.items.size() % 2 == 0);
    for (size_t i = 0; i < array.items.size(); i += 2) {
        out[array.items[i].text] = array.items[i + 1].text;
    }
    return out;
}

// RESP for an array of replies.
inline std::string array(const std::vector<std::string>& items) {
    std::string out = line('*', std::to_string(items.size()));
    for (const std::string& item : items) out += item;
    return out;
}

}  // namespace mini_redis::test
