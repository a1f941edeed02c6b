// MULTI, EXEC, DISCARD, WATCH, UNWATCH through the command fixture; each reply checked against
// Redis 7.0.15 first.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

namespace {
const std::string kQueued = simple("QUEUED");
const std::string kExecAbort =
    error("EXECABORT Transaction discarded because of previous errors.");
}  // namespace

TEST_CASE("MULTI queues, EXEC runs in order and answers one array") {
    Server s;
    CHECK(s.cmd({"MULTI"}) == ok());
    CHECK(s.cmd({"SET", "a", "1"}) == kQueued);
    CHECK(s.cmd({"INCR", "a"}) == kQueued);
    CHECK(s.cmd({"GET", "a"}) == kQueued);
    CHECK(s.store().size() == 0);  // nothing ran yet
    CHECK(s.cmd({"EXEC"}) == array({ok(), integer(2), bulk("2")}));
    CHECK(s.cmd({"GET", "a"}) == bulk("2"));
    // Empty transaction.
    CHECK(s.run({{"MULTI"}, {"EXEC"}}) == ok() + "*0\r\n");
    // A command failing at run time does not stop the others (no rollback).
    s.cmd({"SET", "n", "5"});
    CHECK(s.run({{"MULTI"}, {"INCR", "n"}, {"SET", "n", "abc"}, {"INCR", "n"}, {"EXEC"}}) ==
          ok() + kQueued + kQueued + kQueued +
              array({integer(6), ok(), error("ERR value is not an integer or out of range")}));
    // SELECT inside a transaction applies to what follows it, and stays after EXEC.
    CHECK(s.run({{"MULTI"}, {"SELECT", "1"}, {"SET", "k", "in1"}, {"EXEC"}}) ==
          ok() + kQueued + kQueued + array({ok(), ok()}));
    CHECK(s.session().db == 1);
    CHECK(s.cmd({"GET", "k"}) == bulk("in1"));
    // A keyspace-wide command inside EXEC (it locks every shard).
    CHECK(s.run({{"MULTI"}, {"SET", "x", "1"}, {"DBSIZE"}, {"FLUSHDB"}, {"DBSIZE"}, {"EXEC"}}) ==
          ok() + kQueued + kQueued + kQueued + kQueued +
              array({ok(), integer(2), ok(), integer(0)}));
}

TEST_CASE("EXEC and DISCARD without MULTI; DISCARD drops the queue") {
    Server s;
    CHECK(s.cmd({"EXEC"}) == error("ERR EXEC without MULTI"));
    CHECK(s.cmd({"DISCARD"}) == error("ERR DISCARD without MULTI"));
    CHECK(s.run({{"MULTI"}, {"SET", "a", "1"}, {"DISCARD"}}) == ok() + kQueued + ok());
    CHECK(s.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(s.cmd({"EXEC"}) == error("ERR EXEC without MULTI"));
}

TEST_CASE("EXECABORT after an unknown command or wrong arity while queueing") {
    Server s;
    CHECK(s.run({{"MULTI"}, {"SET", "a", "1"}, {"nosuchcmd", "x"}, {"EXEC"}}) ==
          ok() + kQueued +
              error("ERR unknown command 'nosuchcmd', with args beginning with: 'x' ") +
              kExecAbort);
    CHECK(s.cmd({"GET", "a"}) == nil());
    CHECK(s.run({{"MULTI"}, {"SET", "a", "1"}, {"GET"}, {"EXEC"}}) ==
          ok() + kQueued + arityError("get") + kExecAbort);
    CHECK(s.cmd({"GET", "a"}) == nil());
    // The transaction is over: a later EXEC has no MULTI, and a new one works.
    CHECK(s.cmd({"EXEC"}) == error("ERR EXEC without MULTI"));
    CHECK(s.run({{"MULTI"}, {"SET", "a", "2"}, {"EXEC"}}) == ok() + kQueued + array({ok()}));
    // Across batches too (the transaction travels with the connection).
    CHECK(s.cmd({"MULTI"}) == ok());
    CHECK(s.cmd({"SET", "b"}) == arityError("set"));
    CHECK(s.cmd({"SET", "b", "1"}) == kQueued);
    CHECK(s.cmd({"EXEC"}) == kExecAbort);
    CHECK(s.cmd({"EXISTS", "b"}) == integer(0));
}

TEST_CASE("nested MULTI is an error that does not abort the transaction") {
    Server s;
    CHECK(s.run({{"MULTI"}, {"MULTI"}, {"SET", "a", "2"}, {"EXEC"}}) ==
          ok() + error("ERR MULTI calls can not be nested") + kQueued + array({ok()}));
    CHECK(s.cmd({"GET", "a"}) == bulk("2"));
}

TEST_CASE("WATCH inside MULTI is an error that does not abort the transaction") {
    Server s;
    CHECK(s.run({{"MULTI"}, {"WATCH", "a"}, {"SET", "a", "1"}, {"EXEC"}}) ==
          ok() + error("ERR WATCH inside MULTI is not allowed") + kQueued + array({ok()}));
}

TEST_CASE("WATCH, then a write by another connection: EXEC answers a nil array") {
    Server s;
    auto other = s.connect(2);
    s.cmd({"SET", "a", "1"});
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    CHECK(other->cmd({"SET", "a", "9"}) == ok());
    CHECK(s.run({{"MULTI"}, {"SET", "a", "2"}, {"EXEC"}}) == ok() + kQueued + nilArray());
    CHECK(s.cmd({"GET", "a"}) == bulk("9"));
    // The watch is gone after EXEC: the next transaction runs.
    CHECK(s.run({{"MULTI"}, {"SET", "a", "3"}, {"EXEC"}}) == ok() + kQueued + array({ok()}));

    // A write after MULTI, before EXEC, counts too; and a delete.
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    CHECK(s.run({{"MULTI"}, {"SET", "a", "4"}}) == ok() + kQueued);
    CHECK(other->cmd({"DEL", "a"}) == integer(1));
    CHECK(s.cmd({"EXEC"}) == nilArray());
    CHECK(s.cmd({"EXISTS", "a"}) == integer(0));

    // A write to the same name in another database does not.
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    other->run({{"SELECT", "1"}, {"SET", "a", "x"}});
    CHECK(s.run({{"MULTI"}, {"SET", "a", "5"}, {"EXEC"}}) == ok() + kQueued + array({ok()}));

    // Nor one to a key that is not watched; UNWATCH forgets.
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    CHECK(s.cmd({"UNWATCH"}) == ok());
    other->run({{"SELECT", "0"}, {"SET", "a", "y"}, {"SET", "b", "y"}});
    CHECK(s.run({{"MULTI"}, {"GET", "a"}, {"EXEC"}}) == ok() + kQueued + array({bulk("y")}));

    // The watching connection's own write fails its transaction as well (Redis does too).
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    CHECK(s.cmd({"SET", "a", "mine"}) == ok());
    CHECK(s.run({{"MULTI"}, {"GET", "a"}, {"EXEC"}}) == ok() + kQueued + nilArray());
}

TEST_CASE("WATCH, then FLUSHDB or FLUSHALL: fails only if the key existed") {
    Server s;
    auto other = s.connect(2);
    s.cmd({"SET", "a", "1"});
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    other->cmd({"FLUSHALL"});
    CHECK(s.run({{"MULTI"}, {"PING"}, {"EXEC"}}) == ok() + kQueued + nilArray());
    CHECK(s.cmd({"WATCH", "absent"}) == ok());
    other->cmd({"FLUSHDB"});
    CHECK(s.run({{"MULTI"}, {"PING"}, {"EXEC"}}) == ok() + kQueued + array({simple("PONG")}));
}

TEST_CASE("WATCH, then the key expires (ManualClock): EXEC answers a nil array") {
    Server s;
    s.cmd({"SET", "x", "1"});
    CHECK(s.cmd({"PEXPIRE", "x", "100"}) == integer(1));
    CHECK(s.cmd({"WATCH", "x"}) == ok());
    s.clock().advance(200);
    // Nobody touched it: EXEC's own lookup finds it expired.
    CHECK(s.run({{"MULTI"}, {"GET", "x"}, {"EXEC"}}) == ok() + kQueued + nilArray());

    // Not yet expired at EXEC: runs.
    s.cmd({"SET", "y", "1", "PX", "100"});
    CHECK(s.cmd({"WATCH", "y"}) == ok());
    s.clock().advance(50);
    CHECK(s.run({{"MULTI"}, {"GET", "y"}, {"EXEC"}}) == ok() + kQueued + array({bulk("1")}));

    // Watching a key that had already expired when WATCH ran: its deletion does not count.
    s.cmd({"SET", "z", "1", "PX", "10"});
    s.clock().advance(11);
    CHECK(s.cmd({"WATCH", "z"}) == ok());
    CHECK(s.run({{"MULTI"}, {"GET", "z"}, {"EXEC"}}) == ok() + kQueued + array({nil()}));
}

TEST_CASE("UNWATCH queued inside a transaction with watched keys runs") {
    Server s;
    s.cmd({"SET", "a", "1"});
    CHECK(s.cmd({"WATCH", "a"}) == ok());
    CHECK(s.run({{"MULTI"}, {"UNWATCH"}, {"GET", "a"}, {"EXEC"}}) ==
          ok() + kQueued + kQueued + array({ok(), bulk("1")}));
    // Nothing is left watched.
    auto other = s.connect(2);
    other->cmd({"SET", "a", "2"});
    CHECK(s.run({{"MULTI"}, {"GET", "a"}, {"EXEC"}}) == ok() + kQueued + array({bulk("2")}));
}

// CLIENT runs on the reactor, and EXEC on a worker has no view of the clients (it crashed the
// server once). So a reactor-only command sent inside MULTI is refused when it is queued, and
// the transaction aborts, as Redis does for a command it does not allow in MULTI. The
// subcommand is resolved first: an unknown one gets Redis's unknown-subcommand error instead.
TEST_CASE("a queued command that needs the reactor does not crash EXEC") {
    Server s;
    const std::string refused = error("ERR Command not allowed inside a transaction");
    CHECK(s.run({{"MULTI"},
                 {"CLIENT", "LIST"},
                 {"SET", "a", "1"},
                 {"CLIENT", "KILL", "x:1"},
                 {"EXEC"}}) == ok() + refused + kQueued + refused + kExecAbort);
    // Nothing was applied, and the transaction is over.
    CHECK(s.cmd({"GET", "a"}) == nil());
    CHECK(s.cmd({"EXEC"}) == error("ERR EXEC without MULTI"));
    CHECK(s.run({{"MULTI"}, {"CLIENT", "NOSUCH"}, {"SET", "a", "1"}, {"EXEC"}}) ==
          ok() + error("ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.") + kQueued + kExecAbort);
    CHECK(s.cmd({"GET", "a"}) == nil());
    // The connection is usable afterwards, and a later transaction runs.
    CHECK(s.cmd({"PING"}) == simple("PONG"));
    CHECK(s.run({{"MULTI"}, {"SET", "a", "1"}, {"EXEC"}}) == ok() + kQueued + array({ok()}));
    CHECK(s.cmd({"GET", "a"}) == bulk("1"));
}

TEST_CASE("a connection that goes away with keys watched leaves no watch behind") {
    Server s;
    {
        auto other = s.connect(2);
        CHECK(other->cmd({"WATCH", "a", "b", "c"}) == ok());
        CHECK(other->tx() != nullptr);
        CHECK(other->tx()->watched().size() == 3);
    }
    // Writes after it is gone touch nothing freed (ASan would see it).
    CHECK(s.cmd({"MSET", "a", "1", "b", "2", "c", "3"}) == ok());
}
