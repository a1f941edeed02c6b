// What the store records for the append-only log (write_log.h, lock_scope.h): a write command
// as sent, or the deterministic form its handler chose; nothing for reads and no-ops; an
// expired key as DEL; EXEC as one transaction; the database of each record.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "command_fixture.h"
#include "write_log.h"

using namespace mini_redis;
using namespace mini_redis::test;

namespace {

// A WriteLog that keeps each scope's records as text: "db:NAME arg arg | ..." per append.
class CapturingLog : public WriteLog {
  public:
    bool active() const override { return on; }
    uint64_t replyBarrier() const override { return 0; }
    uint64_t append(const ScopeLog& records) override {
        std::string text = records.transaction() ? "TX " : "";
        const auto& marks = records.marks();
        const std::string& b = records.bytes();
        for (size_t m = 0; m < marks.size(); ++m) {
            const size_t end = m + 1 < marks.size() ? marks[m + 1].offset : b.size();
            size_t pos = marks[m].offset;
            while (pos < end) {
                // *N\r\n then N times $len\r\nbytes\r\n
                size_t eol = b.find("\r\n", pos);
                const int n = std::stoi(b.substr(pos + 1, eol - pos - 1));
                pos = eol + 2;
                if (!text.empty() && text != "TX ") text += " | ";
                text += std::to_string(marks[m].db) + ":";
                for (int i = 0; i < n; ++i) {
                    eol = b.find("\r\n", pos);
                    const size_t len = std::stoul(b.substr(pos + 1, eol - pos - 1));
                    pos = eol + 2;
                    if (i) text += ' ';
                    text.append(b, pos, len);
                    pos += len + 2;
                }
            }
        }
        appends.push_back(text);
        return ++seq;
    }
    int writeError() const override { return 0; }

    bool on = true;
    uint64_t seq = 0;
    std::vector<std::string> appends;
};

struct Fixture {
    Fixture() { server.store().setWriteLog(&log); }
    ~Fixture() { server.store().setWriteLog(nullptr); }
    // The records of one command, or "" when it logged nothing.
    std::string logged(const Args& args) {
        log.appends.clear();
        server.cmd(args);
        std::string all;
        for (const std::string& a : log.appends) {
            if (!all.empty()) all += " || ";
            all += a;
        }
        return all;
    }
    CapturingLog log;
    Server server;
};

}  // namespace

TEST_CASE("a write is recorded as sent; reads and writes that change nothing are not") {
    Fixture f;
    CHECK(f.logged({"SET", "k", "v"}) == "0:SET k v");
    CHECK(f.logged({"GET", "k"}).empty());
    CHECK(f.logged({"DEL", "missing"}).empty());
    CHECK(f.logged({"RPUSH", "l", "a", "b"}) == "0:RPUSH l a b");
    CHECK(f.logged({"LPOP", "nothing"}).empty());
    CHECK(f.logged({"FLUSHDB"}) == "0:FLUSHDB");  // every flush, as Redis propagates it
    CHECK(f.server.cmd({"SELECT", "5"}) == ok());
    CHECK(f.logged({"INCR", "n"}) == "5:INCR n");
    CHECK(f.logged({"SET", "x", "1", "NX"}) == "5:SET x 1");
    CHECK(f.logged({"SET", "x", "2", "NX"}).empty());  // not set: nothing happened
}

TEST_CASE("relative times are recorded as absolute ones") {
    Fixture f;
    const int64_t now = f.server.nowMs();
    CHECK(f.logged({"SET", "k", "v", "EX", "10"}) ==
          "0:SET k v PXAT " + std::to_string(now + 10000));
    CHECK(f.logged({"EXPIRE", "k", "20"}) == "0:PEXPIREAT k " + std::to_string(now + 20000));
    CHECK(f.logged({"SETEX", "s", "5", "v"}) == "0:SET s v PXAT " + std::to_string(now + 5000));
    CHECK(f.logged({"PSETEX", "p", "500", "v"}) ==
          "0:SET p v PXAT " + std::to_string(now + 500));
    CHECK(f.logged({"GETEX", "k", "PX", "300"}) == "0:PEXPIREAT k " + std::to_string(now + 300));
    CHECK(f.logged({"GETEX", "k", "PERSIST"}) == "0:PERSIST k");
    CHECK(f.logged({"EXPIRE", "s", "-1"}) == "0:DEL s");  // a past time deletes
    CHECK(f.logged({"SET", "k", "w", "KEEPTTL"}) == "0:SET k w");  // no TTL to keep
    CHECK(f.logged({"EXPIRE", "k", "100"}) == "0:PEXPIREAT k " + std::to_string(now + 100000));
    CHECK(f.logged({"SET", "k", "z", "KEEPTTL"}) == "0:SET k z KEEPTTL");
}

TEST_CASE("an expired key is recorded as DEL where it expires") {
    Fixture f;
    f.server.cmd({"SET", "k", "v", "PX", "100"});
    f.server.clock().advance(200);
    CHECK(f.logged({"GET", "k"}) == "0:DEL k");
    f.server.cmd({"SET", "j", "v", "PX", "100"});
    f.server.clock().advance(200);
    CHECK(f.logged({"SET", "j", "new"}) == "0:DEL j | 0:SET j new");
}

TEST_CASE("random and computed results are recorded as what they did") {
    Fixture f;
    f.server.cmd({"SADD", "s", "a", "b", "c"});
    const Resp popped = f.server.parsed({"SPOP", "s"});
    (void)popped;
    f.server.cmd({"SADD", "s", "a", "b", "c"});
    const std::string spop = f.logged({"SPOP", "s", "2"});
    CHECK(spop.rfind("0:SREM s ", 0) == 0);
    CHECK(std::count(spop.begin(), spop.end(), ' ') == 3);  // SREM s m1 m2
    CHECK(f.logged({"INCRBYFLOAT", "f", "0.1"}) == "0:SET f 0.1 KEEPTTL");
    CHECK(f.logged({"INCRBYFLOAT", "f", "0.2"}) == "0:SET f 0.3 KEEPTTL");
    CHECK(f.logged({"HINCRBYFLOAT", "h", "x", "1.5"}) == "0:HSET h x 1.5");
    f.server.cmd({"RPUSH", "q", "a", "b", "c"});
    CHECK(f.logged({"BLPOP", "empty", "q", "0"}) == "0:LPOP q");
    CHECK(f.logged({"BRPOP", "q", "0"}) == "0:RPOP q");
    CHECK(f.logged({"BLMOVE", "q", "q2", "LEFT", "RIGHT", "0"}) == "0:LMOVE q q2 LEFT RIGHT");
    f.server.cmd({"RPUSH", "q", "x", "y"});
    CHECK(f.logged({"BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "5"}) == "0:LMPOP 1 q RIGHT COUNT 5");
    f.server.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
    CHECK(f.logged({"BZPOPMAX", "z", "0"}) == "0:ZPOPMAX z");
    CHECK(f.logged({"BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"}) == "0:ZMPOP 1 z MIN COUNT 2");
}

TEST_CASE("EXEC's writes are one transaction, each command in its database") {
    Fixture f;
    f.server.cmd({"MULTI"});
    f.server.cmd({"SET", "a", "1"});
    f.server.cmd({"SELECT", "2"});
    f.server.cmd({"INCR", "b"});
    f.server.cmd({"GET", "a"});
    CHECK(f.logged({"EXEC"}) == "TX 0:SET a 1 | 2:INCR b");
}

TEST_CASE("nothing is recorded while the log is off") {
    Fixture f;
    f.log.on = false;
    CHECK(f.logged({"SET", "k", "v"}).empty());
}

TEST_CASE("RESTORE is recorded with its absolute TTL and REPLACE") {
    Fixture f;
    f.server.cmd({"SET", "k", "v"});
    const Resp dumped = f.server.parsed({"DUMP", "k"});
    REQUIRE(dumped.type == '$');
    const int64_t now = f.server.nowMs();
    CHECK(f.logged({"RESTORE", "r", "5000", dumped.text}) ==
          "0:RESTORE r " + std::to_string(now + 5000) + " " + dumped.text + " REPLACE ABSTTL");
    CHECK(f.logged({"RESTORE", "s", "0", dumped.text}) ==
          "0:RESTORE s 0 " + dumped.text + " REPLACE");
}
