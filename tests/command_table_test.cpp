// Unit tests for CommandTable: registration rules, lookup, arity, and every entry's sanity.
#include "command_table.h"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using mini_redis::CommandSpec;
using mini_redis::CommandTable;

namespace {

void noopHandler(mini_redis::CommandContext&) {}

CommandSpec spec(std::string_view name, int arity) {
    return CommandSpec{name, arity, 0, 0, 0, 0, noopHandler, "test", "", "A test command"};
}

}  // namespace

TEST_CASE("build() registers every family") {
    CommandTable table = CommandTable::build();
    CHECK(table.all().size() >= 30);
    for (const char* name :
         {"get", "set", "mget", "mset", "incr", "del", "exists", "keys", "ping", "echo", "quit",
          "hello", "client", "command", "config", "info", "help", "flushall", "dbsize"}) {
        CAPTURE(name);
        CHECK(table.find(name) != nullptr);
    }
}

TEST_CASE("find() is case-insensitive and returns the table's own entry") {
    CommandTable table = CommandTable::build();
    const CommandSpec* get = table.find("get");
    REQUIRE(get != nullptr);
    CHECK(get->name == "get");
    CHECK(table.find("GET") == get);
    CHECK(table.find("GeT") == get);
    CHECK(table.find("mSeTnX") == table.find("msetnx"));
    CHECK(table.find("MSETNX")->name == "msetnx");
}

TEST_CASE("find() of an unknown name is nullptr") {
    CommandTable table = CommandTable::build();
    CHECK(table.find("foo") == nullptr);
    CHECK(table.find("") == nullptr);
    CHECK(table.find("ge") == nullptr);
    CHECK(table.find("gett") == nullptr);
    CHECK(table.find("get ") == nullptr);
    CHECK(table.find(std::string("get\0", 4)) == nullptr);
    CHECK(table.find(std::string(1000, 'g')) == nullptr);
}

TEST_CASE("arityOk: +N exact, -N at least N, counting the name") {
    CommandSpec exact = spec("exact", 3);
    CHECK_FALSE(CommandTable::arityOk(exact, 1));
    CHECK_FALSE(CommandTable::arityOk(exact, 2));
    CHECK(CommandTable::arityOk(exact, 3));
    CHECK_FALSE(CommandTable::arityOk(exact, 4));

    CommandSpec at_least = spec("atleast", -2);
    CHECK_FALSE(CommandTable::arityOk(at_least, 1));
    CHECK(CommandTable::arityOk(at_least, 2));
    CHECK(CommandTable::arityOk(at_least, 3));
    CHECK(CommandTable::arityOk(at_least, 100));

    CommandSpec any = spec("any", -1);
    CHECK(CommandTable::arityOk(any, 1));
    CHECK(CommandTable::arityOk(any, 5));

    CommandTable table = CommandTable::build();
    const CommandSpec* get = table.find("get");
    REQUIRE(get != nullptr);
    CHECK(get->arity == 2);
    CHECK(CommandTable::arityOk(*get, 2));
    CHECK_FALSE(CommandTable::arityOk(*get, 3));
    const CommandSpec* set = table.find("set");
    REQUIRE(set != nullptr);
    CHECK(set->arity == -3);
    CHECK_FALSE(CommandTable::arityOk(*set, 2));
    CHECK(CommandTable::arityOk(*set, 5));
}

TEST_CASE("add() rejects duplicates and malformed entries") {
    CommandTable table;
    table.add(spec("mine", 1));
    CHECK(table.find("MINE") != nullptr);
    CHECK_THROWS_AS(table.add(spec("mine", 2)), std::logic_error);
    CHECK(table.all().size() == 1);
    CHECK(table.find("mine")->arity == 1);  // the first declaration stands

    CHECK_THROWS_AS(table.add(spec("Upper", 1)), std::logic_error);
    CHECK_THROWS_AS(table.add(spec("zero", 0)), std::logic_error);
    CommandSpec no_handler = spec("nohandler", 1);
    no_handler.handler = nullptr;
    CHECK_THROWS_AS(table.add(no_handler), std::logic_error);
    CHECK(table.all().size() == 1);

    // A family registered twice is a duplicate at start-up.
    CommandTable twice;
    mini_redis::registerStringCommands(twice);
    CHECK_THROWS_AS(mini_redis::registerStringCommands(twice), std::logic_error);
    // And a built table already holds every name: adding any of them again throws.
    CommandTable built = CommandTable::build();
    CHECK_THROWS_AS(built.add(spec("get", 2)), std::logic_error);
    CHECK_THROWS_AS(built.add(spec("ping", -1)), std::logic_error);
}

TEST_CASE("every registered command is well formed") {
    CommandTable table = CommandTable::build();
    std::set<std::string_view> names;
    for (const CommandSpec& s : table.all()) {
        CAPTURE(s.name);
        CHECK(names.insert(s.name).second);
        CHECK(!s.name.empty());
        for (char c : s.name) CHECK((c < 'A' || c > 'Z'));
        CHECK(s.arity != 0);
        // Only a container that cannot run alone (arity needs a subcommand) has no handler.
        CHECK((s.handler != nullptr || (!s.subcommands.empty() && !CommandTable::arityOk(s, 1))));
        CHECK(!s.summary.empty());
        CHECK(!s.group.empty());
        CHECK(table.findByFullName(s.name) == &s);
        CHECK(table.index(s) == static_cast<size_t>(&s - table.all().data()));
        for (const CommandSpec& sub : s.subcommands) {
            CHECK(sub.name.starts_with(std::string(s.name) + "|"));
            CHECK(&sub > &s);
            CHECK(&sub < table.all().data() + table.all().size());  // the table's own copy
        }

        // Key positions as COMMAND INFO reports them: none, or a sane range.
        if (s.first_key == 0) {
            CHECK(s.last_key == 0);
            CHECK(s.key_step == 0);
        } else {
            CHECK(s.first_key > 0);
            CHECK(s.key_step > 0);
            CHECK((s.last_key < 0 || s.last_key >= s.first_key));  // negative: from the end
            // The keys fit the arity: an exact-arity command reaches its last key.
            int min_args = s.arity > 0 ? s.arity : -s.arity;
            CHECK(s.first_key < min_args);
            if (s.arity > 0 && s.last_key > 0) CHECK(s.last_key < s.arity);
        }
        // Read-only and write are exclusive.
        CHECK_FALSE(((s.flags & mini_redis::kCmdWrite) && (s.flags & mini_redis::kCmdReadOnly)));
    }
    CHECK(names.size() == table.all().size());
}

TEST_CASE("key positions of commands with keys") {
    CommandTable table = CommandTable::build();
    auto keys = [&](const char* name) {
        const CommandSpec* s = table.find(name);
        REQUIRE(s != nullptr);
        return std::tuple<int, int, int>{s->first_key, s->last_key, s->key_step};
    };
    CHECK(keys("get") == std::tuple{1, 1, 1});
    CHECK(keys("set") == std::tuple{1, 1, 1});
    CHECK(keys("mget") == std::tuple{1, -1, 1});
    CHECK(keys("mset") == std::tuple{1, -1, 2});
    CHECK(keys("msetnx") == std::tuple{1, -1, 2});
    CHECK(keys("del") == std::tuple{1, -1, 1});
    CHECK(keys("exists") == std::tuple{1, -1, 1});
    CHECK(keys("ping") == std::tuple{0, 0, 0});
    CHECK(keys("keys") == std::tuple{0, 0, 0});
}

TEST_CASE("flagNames spells flags as COMMAND INFO does") {
    using namespace mini_redis;
    CHECK(CommandTable::flagNames(0).empty());
    CHECK(CommandTable::flagNames(kCmdWrite) == std::vector<std::string_view>{"write"});
    CHECK(CommandTable::flagNames(kCmdReadOnly | kCmdFast) ==
          std::vector<std::string_view>{"readonly", "fast"});
    CHECK(CommandTable::flagNames(kCmdAdmin | kCmdNoAuth | kCmdLoading | kCmdStale) ==
          std::vector<std::string_view>{"admin", "no_auth", "loading", "stale"});
}

TEST_CASE("subcommands: lookup, resolution and registration rules") {
    using namespace mini_redis;
    CommandTable table = CommandTable::build();
    const CommandSpec* object = table.find("OBJECT");
    REQUIRE(object != nullptr);
    const CommandSpec* encoding = table.findSubcommand(*object, "EnCoDiNg");
    REQUIRE(encoding != nullptr);
    CHECK(encoding->name == "object|encoding");
    CHECK(encoding->arity == 3);
    CHECK(encoding->first_key == 2);
    CHECK(table.findByFullName("Object|Encoding") == encoding);
    CHECK(table.find("object|encoding") == nullptr);  // a fullname is no command name
    CHECK(table.findSubcommand(*object, "nosuch") == nullptr);
    CHECK(table.findSubcommand(*object, std::string(200, 'x')) == nullptr);
    CHECK(table.findSubcommand(*table.find("get"), "x") == nullptr);

    std::vector<std::string_view> argv{"object", "ENCODING", "k"};
    const CommandSpec* container = nullptr;
    CHECK(table.resolve(argv, &container) == encoding);
    CHECK(container == object);
    argv = {"object", "nosuch"};
    container = nullptr;
    CHECK(table.resolve(argv, &container) == nullptr);
    CHECK(container == object);
    argv = {"object"};
    CHECK(table.resolve(argv) == object);  // alone: the container's own arity applies
    argv = {"nosuch", "x"};
    container = nullptr;
    CHECK(table.resolve(argv, &container) == nullptr);
    CHECK(container == nullptr);
    std::vector<std::string_view> key_out;
    argv = {"object", "encoding", "k"};
    CommandTable::keysOf(*encoding, argv, key_out);
    CHECK(key_out == std::vector<std::string_view>{"k"});

    static const CommandSpec kSubs[] = {
        {"box|one", 2, 0, 0, 0, 0, noopHandler, "test", "", "One"},
        {"box|two", 3, 0, 0, 0, 0, noopHandler, "test", "", "Two"},
    };
    CommandTable mine;
    mine.add(spec("first", 1));
    CommandSpec box = spec("box", -2);
    box.handler = nullptr;
    box.subcommands = kSubs;
    mine.add(box);
    static std::vector<std::string> fillers;  // the table keeps views of the names
    for (int i = 0; i < 50; ++i) fillers.push_back("filler" + std::to_string(i));
    for (const std::string& name : fillers) mine.add(spec(name, 1));  // reallocates
    CommandTable moved = std::move(mine);
    const CommandSpec* b = moved.find("box");
    REQUIRE(b != nullptr);
    REQUIRE(b->subcommands.size() == 2);
    CHECK(&b->subcommands[0] == b + 1);
    CHECK(moved.findSubcommand(*b, "TWO") == &b->subcommands[1]);
    CHECK(moved.commandCount() == 52);
    CHECK(moved.all().size() == 54);

    CHECK_THROWS_AS(moved.add(box), std::logic_error);  // duplicate container
    static const CommandSpec kDup[] = {
        {"dup|a", 2, 0, 0, 0, 0, noopHandler, "test", "", "A"},
        {"dup|a", 2, 0, 0, 0, 0, noopHandler, "test", "", "A again"},
    };
    static const CommandSpec kMisnamed[] = {
        {"other|a", 2, 0, 0, 0, 0, noopHandler, "test", "", "A"},
    };
    static const CommandSpec kNotReactor[] = {
        {"react|a", 2, 0, 0, 0, 0, noopHandler, "test", "", "A"},
    };
    CommandSpec dup = spec("dup", -2);
    dup.subcommands = kDup;
    CHECK_THROWS_AS(moved.add(dup), std::logic_error);
    CommandSpec misnamed = spec("misnamed", -2);
    misnamed.subcommands = kMisnamed;
    CHECK_THROWS_AS(moved.add(misnamed), std::logic_error);
    CommandSpec react = spec("react", -2);
    react.flags = kCmdReactor;
    react.subcommands = kNotReactor;
    CHECK_THROWS_AS(moved.add(react), std::logic_error);
    CommandSpec runs_alone = spec("alone", -1);  // may run with no subcommand: needs a handler
    runs_alone.handler = nullptr;
    runs_alone.subcommands = kSubs;
    CHECK_THROWS_AS(moved.add(runs_alone), std::logic_error);
    CHECK_THROWS_AS(moved.add(spec("x|y", 1)), std::logic_error);
    CHECK(moved.all().size() == 54);
}
