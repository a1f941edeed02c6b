// Keyspace notifications: the flag letters (parsed and written back as Redis 7.0 does), the
// notifier's queue and wake-up, the channel names, and the events commands collect.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "command_fixture.h"
#include "keyspace_event_flags.h"
#include "keyspace_notifier.h"
#include "lock_scope.h"

using namespace mini_redis;
namespace ev = mini_redis::keyspace_events;

namespace {

// What CONFIG GET answers after CONFIG SET `in` (observed on redis-server 7.0.15).
std::string canonical(std::string_view in) {
    auto flags = ev::parseFlags(in);
    REQUIRE(flags.has_value());
    return ev::formatFlags(*flags);
}

// "event(key)" for each queued event, in order; empties the queue.
std::vector<std::string> drained(Store& store) {
    std::vector<KeyEvent> events;
    store.notifier().drain(events);
    std::vector<std::string> out;
    for (const KeyEvent& e : events) {
        std::string s = e.name;
        // Built with append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
        s.append("(").append(std::to_string(e.db)).append(":").append(e.key).append(")");
        out.push_back(s);
    }
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("flag letters parse and format as Redis 7.0's CONFIG GET shows them") {
    CHECK(canonical("") == "");
    CHECK(canonical("KEA") == "AKE");
    CHECK(canonical("KA") == "AK");
    CHECK(canonical("KEAmn") == "AKEm");  // with A, Redis writes neither n nor the classes
    CHECK(canonical("Ad") == "A");
    CHECK(canonical("Am") == "Am");
    CHECK(canonical("dtmKEg") == "gtdKEm");
    CHECK(canonical("Ed") == "dE");
    CHECK(canonical("nK") == "nK");
    CHECK(canonical("n") == "n");
    CHECK(canonical("g$lshzxet") == "g$lshzxet");
    CHECK(canonical("Kx") == "xK");
    CHECK(canonical("KKxx") == "xK");
    CHECK_FALSE(ev::parseFlags("KEAq").has_value());
    CHECK_FALSE(ev::parseFlags("a").has_value());
    CHECK_FALSE(ev::parseFlags(" ").has_value());
    CHECK(*ev::parseFlags("A") == ev::kAll);
    CHECK((ev::kAll & (ev::kKeyMiss | ev::kNew)) == 0);
}

TEST_CASE("the notifier is active only with a channel letter, and wakes once per drain") {
    KeyspaceNotifier n;
    n.setFlags(*ev::parseFlags("A"));
    CHECK(n.active() == 0);  // no K or E: nothing is worth collecting
    n.setFlags(*ev::parseFlags("Kl"));
    CHECK(n.active() == ev::kList);
    n.setFlags(*ev::parseFlags("EA"));
    CHECK(n.active() == ev::kAll);

    int wakes = 0;
    n.setWake([&] { ++wakes; });
    std::vector<KeyEvent> batch{{ev::kString, "set", 0, "a"}};
    n.post(batch);
    CHECK(batch.empty());
    CHECK(wakes == 1);
    batch = {{ev::kString, "set", 0, "b"}, {ev::kGeneric, "del", 1, "c"}};
    n.post(batch);
    CHECK(wakes == 1);  // the first wake-up is still pending: coalesced
    std::vector<KeyEvent> none;
    n.post(none);
    CHECK(wakes == 1);
    std::vector<KeyEvent> out;
    n.drain(out);
    REQUIRE(out.size() == 3);
    CHECK(out[0].key == "a");
    CHECK(out[1].key == "b");
    CHECK(std::string(out[2].name) == "del");
    batch = {{ev::kString, "set", 0, "d"}};
    n.post(batch);
    CHECK(wakes == 2);  // drained: the next post wakes again
}

TEST_CASE("messages: keyspace channel first, then keyevent, as K and E choose") {
    KeyEvent e{ev::kList, "lpush", 3, "my key"};
    std::vector<std::pair<std::string, std::string>> sent;
    auto send = [&](std::string_view ch, std::string_view msg) {
        sent.emplace_back(std::string(ch), std::string(msg));
    };
    KeyspaceNotifier::messages(e, ev::kKeyspace | ev::kKeyevent | ev::kAll, send);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0] == std::make_pair(std::string("__keyspace@3__:my key"), std::string("lpush")));
    CHECK(sent[1] == std::make_pair(std::string("__keyevent@3__:lpush"), std::string("my key")));
    sent.clear();
    KeyspaceNotifier::messages(e, ev::kKeyevent | ev::kList, send);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].first == "__keyevent@3__:lpush");
}

TEST_CASE("nothing is collected while notifications are off") {
    test::Server srv;
    srv.cmd({"SET", "k", "v", "EX", "100"});
    srv.cmd({"LPUSH", "l", "a"});
    srv.cmd({"DEL", "k", "l"});
    CHECK(drained(srv.store()).empty());
}

TEST_CASE("commands collect Redis's events in Redis's order") {
    test::Server srv;
    srv.store().notifier().setFlags(*ev::parseFlags("KEA"));
    srv.cmd({"SET", "k", "v", "EX", "100"});
    CHECK(drained(srv.store()) == Strings{"set(0:k)", "expire(0:k)"});
    srv.cmd({"SETNX", "k", "w"});  // not stored: no event
    CHECK(drained(srv.store()).empty());
    srv.cmd({"INCRBYFLOAT", "f", "1.5"});
    srv.cmd({"INCR", "n"});
    CHECK(drained(srv.store()) == Strings{"incrbyfloat(0:f)", "incrby(0:n)"});
    srv.cmd({"RPUSH", "l", "a", "b"});
    srv.cmd({"LMOVE", "l", "m", "LEFT", "RIGHT"});
    srv.cmd({"RPOP", "l"});
    CHECK(drained(srv.store()) ==
          Strings{"rpush(0:l)", "rpush(0:m)", "lpop(0:l)", "rpop(0:l)", "del(0:l)"});
    srv.cmd({"HSET", "h", "a", "1"});
    srv.cmd({"HDEL", "h", "a"});
    CHECK(drained(srv.store()) == Strings{"hset(0:h)", "hdel(0:h)", "del(0:h)"});
    srv.cmd({"ZADD", "z", "INCR", "1", "a"});
    srv.cmd({"RENAME", "z", "y"});
    CHECK(drained(srv.store()) == Strings{"zincr(0:z)", "rename_from(0:z)", "rename_to(0:y)"});
    srv.cmd({"SELECT", "2"});
    srv.cmd({"SADD", "s", "x"});
    srv.cmd({"MOVE", "s", "5"});
    CHECK(drained(srv.store()) == Strings{"sadd(2:s)", "move_from(2:s)", "move_to(5:s)"});
}

TEST_CASE("class letters filter what is collected; m and n only when asked") {
    test::Server srv;
    srv.store().notifier().setFlags(*ev::parseFlags("Kl"));
    srv.cmd({"SET", "k", "v"});
    srv.cmd({"LPUSH", "l", "a"});
    srv.cmd({"GET", "nokey"});
    CHECK(drained(srv.store()) == Strings{"lpush(0:l)"});
    srv.store().notifier().setFlags(*ev::parseFlags("KEAmn"));
    srv.cmd({"GET", "nokey"});
    srv.cmd({"SET", "k", "w"});  // exists: not new
    srv.cmd({"SET", "fresh", "w"});
    CHECK(drained(srv.store()) ==
          Strings{"keymiss(0:nokey)", "set(0:k)", "new(0:fresh)", "set(0:fresh)"});
}

TEST_CASE("lazy expiry reports expired (not del); the expire step does too") {
    test::Server srv;
    srv.store().notifier().setFlags(*ev::parseFlags("Ex"));
    srv.cmd({"SET", "a", "v", "PX", "10"});
    srv.cmd({"SET", "b", "v", "PX", "10"});
    CHECK(drained(srv.store()).empty());  // set and expire are not class x
    srv.clock().advance(20);
    CHECK(srv.cmd({"GET", "a"}) == test::nil());
    CHECK(drained(srv.store()) == Strings{"expired(0:a)"});
    size_t expired = 0;
    for (size_t s = 0; s < srv.store().shardCount(); ++s) {
        expired += srv.store().expireStep(s, 20).expired;
    }
    CHECK(expired == 1);
    CHECK(drained(srv.store()) == Strings{"expired(0:b)"});
}

TEST_CASE("a transaction's events come out together, in command order") {
    test::Server srv;
    srv.store().notifier().setFlags(*ev::parseFlags("KEA"));
    srv.run({{"MULTI"}, {"SET", "a", "1"}, {"INCRBY", "a", "2"}, {"DEL", "a"}, {"EXEC"}});
    CHECK(drained(srv.store()) == Strings{"set(0:a)", "incrby(0:a)", "del(0:a)"});
}
