// Unit tests for ClientRegistry and Connection's state machines: connections named by slot
// and generation (a ConnRef to a client that left finds nothing, even once its slot is
// reused), CLIENT IDs never reused, CLIENT KILL and LIST records, maxclients, shutdown's
// on_empty, and the legal moves of Connection::State and Connection::ReadSide.
#include "client_registry.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

using namespace mini_redis;
using State = Connection::State;
using ReadSide = Connection::ReadSide;

namespace {

// A registry on a real loopback listener, with `n` client sockets connected and accepted.
struct Fixture {
    explicit Fixture(Config config = {}) : shared(std::move(config)), cfg(shared), stats(1) {
        REQUIRE(listener.open("127.0.0.1", 0, 64).empty());
        stats.tcp_port = listener.port();
    }
    ~Fixture() {
        for (int fd : clients) ::close(fd);
    }
    // Connects one client and lets the registry accept whatever is pending.
    int connectOne() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(listener.port()));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        clients.push_back(fd);
        registry.acceptAll(listener);
        return fd;
    }
    // The connection with CLIENT ID `id`.
    Connection* byId(uint64_t id) {
        for (ConnRef ref : registry.refs()) {
            if (Connection* c = registry.find(ref); c && c->id() == id) return c;
        }
        return nullptr;
    }

    SharedConfig shared;
    ReactorConfig cfg;
    ServerStats stats;
    EventLoop loop;
    Listener listener;
    Store store{1, 4};
    std::vector<ConnRef> events;
    ClientRegistry registry{loop, cfg, stats, store, [this](ConnRef r, uint32_t) { events.push_back(r); }};
    std::vector<int> clients;
};

}  // namespace

TEST_CASE("a ConnRef names one client: after it closes, its reused slot answers a new one") {
    Fixture f;
    f.connectOne();
    f.connectOne();
    REQUIRE(f.registry.size() == 2);
    Connection* first = f.byId(1);
    REQUIRE(first != nullptr);
    const ConnRef old_ref = first->ref();
    CHECK(old_ref.valid());
    CHECK(f.registry.find(old_ref) == first);
    CHECK(f.stats.connected_clients.load() == 2);

    f.registry.close(*first, "test");
    CHECK(f.registry.size() == 1);
    CHECK(f.registry.find(old_ref) == nullptr);
    CHECK(f.stats.connected_clients.load() == 1);

    f.connectOne();  // takes the freed slot, under a new generation and a new CLIENT ID
    Connection* third = f.byId(3);
    REQUIRE(third != nullptr);
    CHECK(third->ref().slot == old_ref.slot);
    CHECK(third->ref().generation != old_ref.generation);
    CHECK(f.registry.find(old_ref) == nullptr);
    CHECK(f.registry.find(third->ref()) == third);
    CHECK(f.byId(1) == nullptr);
    CHECK(f.registry.find(ConnRef{}) == nullptr);
    CHECK(f.registry.find(ConnRef{1000, 1}) == nullptr);
    CHECK(f.stats.total_connections.load() == 3);
}

TEST_CASE("a new client starts Reading with its read side open") {
    Fixture f;
    f.connectOne();
    Connection* c = f.byId(1);
    REQUIRE(c != nullptr);
    CHECK(c->state() == State::Reading);
    CHECK(c->readSide() == ReadSide::Open);
    CHECK_FALSE(c->hasBatchOut());
    CHECK(c->session().id == 1);
}

TEST_CASE("CLIENT KILL closes others at once and marks the caller Closing") {
    Fixture f;
    for (int i = 0; i < 3; ++i) f.connectOne();
    const ConnRef victim = f.byId(2)->ref();

    ClientFilter one;
    one.id = 2;
    CHECK(f.registry.killClients(one, /*self_id=*/1) == 1);
    CHECK(f.registry.find(victim) == nullptr);

    ClientFilter self;
    self.id = 1;
    CHECK(f.registry.killClients(self, /*self_id=*/1) == 1);
    REQUIRE(f.byId(1) != nullptr);  // still there: it closes after this very reply
    CHECK(f.byId(1)->state() == State::Closing);

    ClientFilter all_but_me;
    all_but_me.skip_self = true;
    CHECK(f.registry.killClients(all_but_me, /*self_id=*/1) == 1);  // client 3
    CHECK(f.registry.size() == 1);
}

TEST_CASE("CLIENT LIST records come oldest first, one line each") {
    Fixture f;
    for (int i = 0; i < 3; ++i) f.connectOne();
    f.registry.close(*f.byId(1), "test");
    f.connectOne();  // id 4 reuses id 1's slot, but lists after 2 and 3
    std::string list = f.registry.describeClients({}, /*self_id=*/3, "client|list");
    CHECK(list.find("id=2 ") == 0);
    size_t pos3 = list.find("\nid=3 ");
    size_t pos4 = list.find("\nid=4 ");
    CHECK(pos3 != std::string::npos);
    CHECK(pos4 != std::string::npos);
    CHECK(pos3 < pos4);
    CHECK(list.find("cmd=client|list") != std::string::npos);
    CHECK(list.find("laddr=127.0.0.1:" + std::to_string(f.listener.port())) != std::string::npos);
}

TEST_CASE("maxclients refuses the extra client with Redis's error") {
    Config config;
    config.maxclients = 1;
    Fixture f(config);
    f.connectOne();
    int extra = f.connectOne();
    CHECK(f.registry.size() == 1);
    CHECK(f.stats.rejected_connections.load() == 1);
    char buf[128] = {};
    ssize_t n = ::recv(extra, buf, sizeof buf - 1, 0);
    REQUIRE(n > 0);
    CHECK(std::string(buf, static_cast<size_t>(n)) == "-ERR max number of clients reached\r\n");
}

TEST_CASE("after stopAdmitting, new clients are turned away and on_empty runs at the last close") {
    Fixture f;
    f.connectOne();
    f.connectOne();
    int empty_calls = 0;
    f.registry.stopAdmitting([&empty_calls] { ++empty_calls; });
    f.connectOne();  // accepted by the kernel, closed by the registry
    CHECK(f.registry.size() == 2);
    f.registry.close(*f.byId(1), "test");
    CHECK(empty_calls == 0);
    f.registry.close(*f.byId(2), "test");
    CHECK(empty_calls == 1);
}

TEST_CASE("closeAll closes every client and leaves no ConnRef valid") {
    Fixture f;
    for (int i = 0; i < 4; ++i) f.connectOne();
    std::vector<ConnRef> refs = f.registry.refs();
    CHECK(f.registry.closeAll() == 4);
    CHECK(f.registry.size() == 0);
    CHECK(f.stats.connected_clients.load() == 0);
    for (ConnRef ref : refs) CHECK(f.registry.find(ref) == nullptr);
}

TEST_CASE("Connection::State: only the ORDER RULE's moves are legal") {
    // At most one batch out: a new one only from Reading (framed) or Parked (its rest).
    CHECK(Connection::allowed(State::Reading, State::WaitingForBatch));
    CHECK(Connection::allowed(State::Parked, State::WaitingForBatch));
    CHECK_FALSE(Connection::allowed(State::WaitingForBatch, State::WaitingForBatch));
    // A batch comes back done, unfinished, or with QUIT.
    CHECK(Connection::allowed(State::WaitingForBatch, State::Reading));
    CHECK(Connection::allowed(State::WaitingForBatch, State::Parked));
    CHECK(Connection::allowed(State::WaitingForBatch, State::Closing));
    // A parked batch goes out again before anything else; nothing new is framed meanwhile.
    CHECK_FALSE(Connection::allowed(State::Parked, State::Reading));
    CHECK_FALSE(Connection::allowed(State::Reading, State::Parked));
    // Closing is for good.
    CHECK(Connection::allowed(State::Reading, State::Closing));
    CHECK(Connection::allowed(State::Closing, State::Closing));
    CHECK_FALSE(Connection::allowed(State::Closing, State::Reading));
    CHECK_FALSE(Connection::allowed(State::Closing, State::WaitingForBatch));
}

TEST_CASE("Connection::ReadSide: paused input resumes through the ready list; ended is final") {
    CHECK(Connection::allowed(ReadSide::Open, ReadSide::Queued));
    CHECK(Connection::allowed(ReadSide::Queued, ReadSide::Open));
    CHECK(Connection::allowed(ReadSide::Open, ReadSide::Paused));
    CHECK(Connection::allowed(ReadSide::Queued, ReadSide::Paused));
    CHECK(Connection::allowed(ReadSide::Paused, ReadSide::Queued));
    CHECK_FALSE(Connection::allowed(ReadSide::Paused, ReadSide::Open));
    CHECK(Connection::allowed(ReadSide::Paused, ReadSide::Ended));
    CHECK(Connection::allowed(ReadSide::Ended, ReadSide::Ended));
    CHECK_FALSE(Connection::allowed(ReadSide::Ended, ReadSide::Open));
    CHECK_FALSE(Connection::allowed(ReadSide::Ended, ReadSide::Queued));
}
