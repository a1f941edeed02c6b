// BlockedClients and the store's side of the WAKE-UP RULE: the ready sink of LockScope (which
// writes report a key, judged when the scope ends), first-come first-served queues, one retry
// per key at a time, a retry that finds nothing keeping its place, ends (timeout, CLIENT
// UNBLOCK) that arrive while a retry is out, and a client leaving nothing behind.
#include "blocked_clients.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "clock.h"
#include "list_value.h"
#include "lock_scope.h"

using namespace mini_redis;

namespace {

constexpr int64_t kStart = 1'700'000'000'000;

struct Fixture {
    ManualClock clock{kStart};
    Store store{16, 8, KeyHash::process(), clock};
    EventLoop loop;
    BlockedClients blocked{store, loop};
    std::vector<ReadyKey> sink;

    // RPUSH through a scope with a ready sink, as a worker runs it.
    void push(std::string_view key, std::string_view v = "v") {
        LockScope scope(store);
        scope.setReadySink(&sink);
        std::string_view keys[] = {key};
        scope.lockKeys(keys);
        Lookup l = scope.find(0, key, ValueType::List);
        if (l) {
            static_cast<ListValue*>(KeyTable::collection(l.entry))->push(ListValue::End::Tail, v);
            scope.modified(0, key);
        } else {
            auto list = std::make_unique<ListValue>(128);
            list->push(ListValue::End::Tail, v);
            scope.setCollection(0, key, ValueType::List, std::move(list));
        }
    }
    void setString(std::string_view key) {
        LockScope scope(store);
        scope.setReadySink(&sink);
        std::string_view keys[] = {key};
        scope.lockKeys(keys);
        scope.setString(0, key, "s");
    }
    void del(std::string_view key) {
        LockScope scope(store);
        scope.setReadySink(&sink);
        std::string_view keys[] = {key};
        scope.lockKeys(keys);
        scope.remove(0, key);
    }
    static BlockRequest request(std::vector<std::string> keys, int64_t deadline = 0,
                                ValueType type = ValueType::List) {
        BlockRequest r;
        r.type = type;
        r.keys = std::move(keys);
        r.deadline_ms = deadline;
        return r;
    }
};

const ConnRef A{1, 1}, B{2, 1}, C{3, 1};

}  // namespace

TEST_CASE("a write reports a key only while a client waits on it, and only if it holds a list") {
    Fixture f;
    f.push("k");
    CHECK(f.sink.empty());  // nobody waits
    f.blocked.block(A, 10, Fixture::request({"k"}), 0);
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{A});  // already there: tried at once
    f.del("k");
    CHECK(f.sink.empty());  // a delete makes nothing ready
    f.setString("k");
    CHECK(f.sink.empty());  // a string does not serve a list waiter
    f.del("k");
    f.push("k");
    REQUIRE(f.sink.size() == 1);
    CHECK(f.sink[0] == ReadyKey{0, "k", ValueType::List});
    f.sink.clear();
    f.blocked.unblock(A);
    f.push("k");
    CHECK(f.sink.empty());  // the store's count left with the client
    CHECK(f.blocked.size() == 0);
}

TEST_CASE("a key pushed and emptied again inside one scope wakes nobody") {
    Fixture f;
    f.blocked.block(A, 10, Fixture::request({"k"}), 0);
    CHECK(f.blocked.takeRetries().empty());
    {
        LockScope scope(f.store);
        scope.setReadySink(&f.sink);
        std::string_view keys[] = {"k"};
        scope.lockKeys(keys);
        auto list = std::make_unique<ListValue>(128);
        list->push(ListValue::End::Tail, "v");
        scope.setCollection(0, "k", ValueType::List, std::move(list));
        Lookup l = scope.find(0, "k", ValueType::List);
        static_cast<ListValue*>(KeyTable::collection(l.entry))
            ->pop(ListValue::End::Head, 1, [](std::string_view) {});
        scope.modified(0, "k");
    }
    CHECK(f.sink.empty());
}

TEST_CASE("first come, first served: one retry per key at a time") {
    Fixture f;
    f.blocked.block(A, 10, Fixture::request({"k"}), 0);
    f.blocked.block(B, 11, Fixture::request({"k"}), 0);
    f.blocked.block(C, 12, Fixture::request({"other", "k"}), 3);
    CHECK(f.blocked.size() == 3);
    CHECK(f.blocked.position(C) == 3);
    f.blocked.keyReady({0, "k", ValueType::List});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{A});
    f.blocked.keyReady({0, "k", ValueType::List});  // A's retry is out: noted, not sent
    CHECK(f.blocked.takeRetries().empty());
    CHECK(f.blocked.retryDone(A, false) == BlockedClients::End::None);  // A served
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{B});          // the next in line
    CHECK(f.blocked.retryDone(B, false) == BlockedClients::End::None);
    CHECK(f.blocked.takeRetries().empty());  // no KeyReady came meanwhile: nothing more
    f.blocked.keyReady({0, "k", ValueType::List});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{C});
    CHECK(f.blocked.retryDone(C, false) == BlockedClients::End::None);
    CHECK(f.blocked.size() == 0);
}

TEST_CASE("a retry that finds nothing keeps its place in line") {
    Fixture f;
    f.blocked.block(A, 10, Fixture::request({"k"}), 0);
    f.blocked.block(B, 11, Fixture::request({"k"}), 0);
    f.blocked.keyReady({0, "k", ValueType::List});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{A});
    CHECK(f.blocked.retryDone(A, true) == BlockedClients::End::None);  // someone was faster
    CHECK(f.blocked.takeRetries().empty());
    f.blocked.keyReady({0, "k", ValueType::List});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{A});  // still first
    f.blocked.keyReady({0, "k", ValueType::List});              // written again meanwhile
    CHECK(f.blocked.retryDone(A, true) == BlockedClients::End::None);
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{A});  // so it is tried again
}

TEST_CASE("a client that leaves while served hands the key to the next") {
    Fixture f;
    f.blocked.block(A, 10, Fixture::request({"k"}), 0);
    f.blocked.block(B, 11, Fixture::request({"k"}), 0);
    f.blocked.keyReady({0, "k", ValueType::List});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{A});
    f.blocked.keyReady({0, "k", ValueType::List});
    f.blocked.unblock(A);  // disconnected with its retry out
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{B});
    f.blocked.unblock(B);
    CHECK(f.blocked.size() == 0);
    ConnRef found;
    CHECK_FALSE(f.blocked.findById(11, found));
}

TEST_CASE("waiters for another type let the key pass to the right one") {
    Fixture f;
    f.blocked.block(A, 10, Fixture::request({"k"}, 0, ValueType::List), 0);
    f.blocked.block(B, 11, Fixture::request({"k"}, 0, ValueType::ZSet), 0);
    f.blocked.keyReady({0, "k", ValueType::ZSet});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{B});
}

TEST_CASE("the timeout and CLIENT UNBLOCK end a wait, or wait for its retry to come back") {
    Fixture f;
    std::vector<std::pair<ConnRef, BlockedClients::End>> ended;
    f.blocked.setEndHandler([&](ConnRef r, BlockedClients::End e) {
        ended.emplace_back(r, e);
        f.blocked.unblock(r);
    });
    f.blocked.block(A, 10, Fixture::request({"k"}, kStart + 20), 0);
    f.blocked.block(B, 11, Fixture::request({"k2"}, kStart + 20), 0);
    CHECK(f.blocked.withTimeout() == 2);
    f.blocked.keyReady({0, "k2", ValueType::List});
    CHECK(f.blocked.takeRetries() == std::vector<ConnRef>{B});  // B's retry is out
    f.loop.runAfter(std::chrono::milliseconds(200), [&] { f.loop.stop(); });
    f.loop.run();
    REQUIRE(ended.size() == 1);
    CHECK(ended[0].first == A);
    CHECK(ended[0].second == BlockedClients::End::Timeout);
    CHECK(f.blocked.retryDone(B, true) == BlockedClients::End::Timeout);  // reported now
    f.blocked.unblock(B);
    CHECK(f.blocked.withTimeout() == 0);

    f.blocked.block(C, 12, Fixture::request({"k"}), 0);
    CHECK(f.blocked.requestEnd(12, BlockedClients::End::Error));
    CHECK(ended.back() == std::make_pair(C, BlockedClients::End::Error));
    CHECK_FALSE(f.blocked.requestEnd(12, BlockedClients::End::Error));  // not blocked now
    CHECK(f.blocked.size() == 0);
}
