// Unit tests for ClientPause: which requests each mode holds (resolved through the real
// command table: unknown commands and wrong arities are never held), a pause never weakened
// or shortened by a later one, held requests released only once the pause no longer applies,
// a client that leaves dropping its request, and the listener told of start and end (the
// timer included, through a real EventLoop).
#include "client_pause.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string_view>
#include <vector>

#include "store.h"

using namespace mini_redis;
using Mode = ClientPause::Mode;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    EventLoop loop;
    CommandTable table = CommandTable::build();
    ClientPause pause{loop};
    std::vector<bool> told;
    Fixture() {
        pause.setListener([this](bool paused) { told.push_back(paused); });
    }
    bool holds(std::vector<std::string_view> argv, const Transaction* tx = nullptr) {
        return pause.holds(table, argv, tx);
    }
    static std::unique_ptr<Batch> request(std::vector<std::string_view> argv) {
        auto b = std::make_unique<Batch>();
        for (auto a : argv) b->args.append(a);
        b->argc.push_back(static_cast<uint32_t>(argv.size()));
        return b;
    }
};

}  // namespace

TEST_CASE("nothing is held while not paused") {
    Fixture f;
    CHECK_FALSE(f.pause.active());
    CHECK_FALSE(f.holds({"SET", "k", "v"}));
    CHECK_FALSE(f.pause.anyHeld());
}

TEST_CASE("WRITE holds what may replicate; ALL holds every valid request") {
    Fixture f;
    f.pause.pause(100s, Mode::Write);
    CHECK(f.told == std::vector<bool>{true});
    CHECK(f.holds({"SET", "k", "v"}));
    CHECK(f.holds({"expire", "k", "10"}));
    CHECK(f.holds({"PUBLISH", "c", "m"}));
    CHECK_FALSE(f.holds({"GET", "k"}));
    CHECK_FALSE(f.holds({"CLIENT", "UNPAUSE"}));
    CHECK_FALSE(f.holds({"PING"}));
    CHECK_FALSE(f.holds({"SET", "k"}));     // wrong arity: answered at once
    CHECK_FALSE(f.holds({"NOSUCH", "x"}));  // unknown: answered at once

    Store store;
    Transaction reading(store), writing(store);
    reading.begin();
    reading.noteQueued(false, false);
    writing.begin();
    writing.noteQueued(false, true);
    CHECK_FALSE(f.holds({"EXEC"}, &reading));
    CHECK(f.holds({"EXEC"}, &writing));

    f.pause.pause(1ms, Mode::All);  // stronger mode wins; the earlier end stays
    CHECK(f.holds({"GET", "k"}));
    CHECK(f.holds({"CLIENT", "UNPAUSE"}));
    CHECK_FALSE(f.holds({"GET"}));
    f.pause.pause(1ms, Mode::Write);  // never weakened
    CHECK(f.holds({"PING"}));
    CHECK(f.told == std::vector<bool>{true});  // still the one pause
    f.pause.unpause();
    CHECK(f.told == std::vector<bool>{true, false});
    CHECK_FALSE(f.pause.active());
}

TEST_CASE("held requests: released once the pause is over, dropped when their client leaves") {
    Fixture f;
    const ConnRef a{1, 1}, b{2, 1};
    f.pause.pause(100s, Mode::Write);
    f.pause.hold(a, Fixture::request({"SET", "k", "v"}));
    f.pause.hold(b, Fixture::request({"DEL", "k"}));
    CHECK(f.pause.anyHeld());
    CHECK(f.pause.isHeld(a));
    CHECK(f.pause.release(a, f.table, nullptr) == nullptr);  // still paused
    CHECK(f.pause.heldClients() == std::vector<ConnRef>{a, b});
    f.pause.drop(b);
    CHECK_FALSE(f.pause.isHeld(b));
    f.pause.unpause();
    auto got = f.pause.release(a, f.table, nullptr);
    REQUIRE(got != nullptr);
    CHECK(got->args[0] == "SET");
    CHECK_FALSE(f.pause.anyHeld());
}

TEST_CASE("the timer ends the pause") {
    Fixture f;
    f.pause.pause(20ms, Mode::All);
    f.loop.runAfter(2000ms, [&] { f.loop.stop(); });  // a bound, should the timer not fire
    f.pause.setListener([&](bool paused) {
        f.told.push_back(paused);
        if (!paused) f.loop.stop();
    });
    f.loop.run();
    CHECK_FALSE(f.pause.active());
    CHECK(f.told == std::vector<bool>{true, false});
}
