// The connection family through the command fixture: PING ECHO QUIT HELLO CLIENT AUTH.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

TEST_CASE("PING, ECHO") {
    Server s;
    CHECK(s.cmd({"PING"}) == "+PONG\r\n");
    CHECK(s.cmd({"ping", "hello world"}) == bulk("hello world"));
    CHECK(s.cmd({"ECHO", "a\r\nb"}) == bulk("a\r\nb"));
    CHECK(s.cmd({"ECHO", ""}) == bulk(""));
}

TEST_CASE("QUIT replies OK, closes, and nothing after it in the batch runs") {
    Server s;
    std::string reply = s.run({{"PING"}, {"QUIT"}, {"SET", "k", "v"}, {"PING"}});
    CHECK(reply == "+PONG\r\n+OK\r\n");
    CHECK(s.last().close_after);
    CHECK(s.last().executed == 2);
    CHECK(s.cmd({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("HELLO: RESP2 by default, RESP3 on request") {
    Server s;
    for (const Args& args : {Args{"HELLO"}, Args{"HELLO", "2"}}) {
        Resp r = s.parsed(args);
        REQUIRE(r.type == '*');
        REQUIRE(r.items.size() == 14);
        CHECK(r.items[0].text == "server");
        CHECK(r.items[4].text == "proto");
        CHECK(r.items[5].type == ':');
        CHECK(r.items[5].integer == 2);
        CHECK(r.items[6].text == "id");
        CHECK(r.items[7].integer == 42);
    }
    CHECK(s.cmd({"HELLO", "4"}) == error("NOPROTO unsupported protocol version"));
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "via-hello"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name == "via-hello");
    // HELLO 3 answers a map, already in RESP3, and switches the session.
    CHECK(s.cmd({"HELLO", "3"}).rfind("%7\r\n$6\r\nserver\r\n", 0) == 0);
    CHECK(s.session().resp == 3);
    CHECK(s.cmd({"HELLO", "2"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().resp == 2);
}

TEST_CASE("CLIENT SETNAME, GETNAME, ID change and read the session") {
    Server s;
    CHECK(s.cmd({"CLIENT", "ID"}) == integer(42));
    CHECK(s.cmd({"CLIENT", "GETNAME"}) == nil());
    CHECK(s.cmd({"CLIENT", "SETNAME", "worker-1"}) == ok());
    CHECK(s.session().name == "worker-1");
    CHECK(s.cmd({"CLIENT", "GETNAME"}) == bulk("worker-1"));
    CHECK(s.cmd({"CLIENT", "SETNAME", "has space"}) ==
          error("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(s.session().name == "worker-1");
    // Within one batch too: the session travels with it.
    CHECK(s.run({{"CLIENT", "SETNAME", "b"}, {"CLIENT", "GETNAME"}}) == ok() + bulk("b"));
    CHECK(s.cmd({"CLIENT", "NOPE"}) == error("ERR unknown subcommand 'NOPE'. Try CLIENT HELP."));
}

TEST_CASE("AUTH gates commands when requirepass is set") {
    Config config;
    config.requirepass = "secret";
    Server s(config);
    s.session().authenticated = false;
    CHECK(s.cmd({"GET", "k"}) == error("NOAUTH Authentication required."));
    CHECK(s.cmd({"AUTH", "wrong"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK_FALSE(s.session().authenticated);
    CHECK(s.cmd({"AUTH", "secret"}) == ok());
    CHECK(s.session().authenticated);
    CHECK(s.cmd({"GET", "k"}) == nil());
}

TEST_CASE("client names: HELLO SETNAME is checked as CLIENT SETNAME is, and bounded") {
    const std::string bad_name =
        error("ERR Client names cannot contain spaces, newlines or special characters.");
    // The bound's number in the error text is the constant's.
    const std::string too_long = error(errors::kClientNameTooLong);
    CHECK(contains(too_long, std::to_string(kMaxClientNameBytes) + " bytes"));
    Server s;
    for (const std::string& name :
         {"has space"s, "new\nline"s, "cr\r"s, "tab\t"s, "nul\0x"s, "del\x7f"s, "high\xc3\xa9"s}) {
        CAPTURE(name);
        CHECK(s.cmd({"CLIENT", "SETNAME", name}) == bad_name);
        CHECK(s.cmd({"HELLO", "2", "SETNAME", name}) == bad_name);
        CHECK(s.session().name.empty());
    }
    const std::string longest(kMaxClientNameBytes, 'n');
    CHECK(s.cmd({"CLIENT", "SETNAME", longest + "n"}) == too_long);
    CHECK(s.cmd({"HELLO", "2", "SETNAME", longest + "n"}) == too_long);
    CHECK(s.session().name.empty());
    CHECK(s.cmd({"CLIENT", "SETNAME", longest}) == ok());
    CHECK(s.session().name == longest);
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "~!printable#ASCII"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name == "~!printable#ASCII");
    // The last SETNAME wins; an empty name clears it, as in Redis.
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "a", "SETNAME", "b"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name == "b");
    CHECK(s.cmd({"HELLO", "2", "SETNAME", ""}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name.empty());
    // A bad name anywhere refuses the whole HELLO: an earlier good SETNAME is not applied.
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "good", "SETNAME", "b d"}) == bad_name);
    CHECK(s.session().name.empty());
}

TEST_CASE("HELLO before AUTH changes nothing; with AUTH the name comes after the password") {
    Config config;
    config.requirepass = "secret";
    Server s(config);
    s.session().authenticated = false;
    const std::string noauth = s.cmd({"HELLO", "2", "SETNAME", "early"});
    CHECK(noauth.rfind("-NOAUTH HELLO must be called with the client already authenticated", 0) ==
          0);
    CHECK(s.session().name.empty());
    CHECK_FALSE(s.session().authenticated);
    // The name is checked before the password is tried (Redis's order).
    CHECK(s.cmd({"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "a b"}) ==
          error("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK_FALSE(s.session().authenticated);
    // A wrong password: WRONGPASS, and neither the name nor the state changes.
    CHECK(s.cmd({"HELLO", "2", "AUTH", "default", "wrong", "SETNAME", "early"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "early", "AUTH", "default", "wrong"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(s.session().name.empty());
    CHECK_FALSE(s.session().authenticated);
    // CLIENT SETNAME needs AUTH like any other command.
    CHECK(s.cmd({"CLIENT", "SETNAME", "early"}) == error("NOAUTH Authentication required."));
    CHECK(s.session().name.empty());
    // The right password, with SETNAME before or after AUTH: both apply.
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "named", "AUTH", "default", "secret"})
              .rfind("*14\r\n", 0) == 0);
    CHECK(s.session().authenticated);
    CHECK(s.session().name == "named");
    CHECK(s.cmd({"CLIENT", "GETNAME"}) == bulk("named"));
}
