// Unit tests for ReactorInbox and ReactorMessage: every kind in and out, per-producer order,
// coalesced wake-ups (one edge per drain), and no message or wake-up lost under many threads.
#include "reactor_inbox.h"

#include <doctest/doctest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>
#include <variant>
#include <vector>

using namespace mini_redis;

namespace {

// The reactor's view of the inbox: its eventfd, edge-triggered, in an epoll set of its own.
class Watcher {
  public:
    explicit Watcher(const ReactorInbox& inbox) : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLET;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, inbox.fd(), &ev);
    }
    ~Watcher() { ::close(epoll_fd_); }
    // Whether a new edge came within `timeout_ms`.
    bool edge(int timeout_ms) {
        epoll_event ev{};
        return ::epoll_wait(epoll_fd_, &ev, 1, timeout_ms) == 1;
    }

  private:
    int epoll_fd_;
};

std::unique_ptr<Batch> batchFor(uint32_t slot, uint32_t generation, uint32_t seq) {
    auto batch = std::make_unique<Batch>();
    batch->conn = ConnRef{slot, generation};
    batch->executed = seq;
    return batch;
}

}  // namespace

TEST_CASE("a BatchDone and a RunOnLoop come out as posted, in order") {
    ReactorInbox inbox;
    int ran = 0;
    inbox.post(BatchDone{batchFor(3, 7, 1)});
    inbox.post(RunOnLoop{[&ran] { ++ran; }});
    inbox.post(BatchDone{batchFor(4, 1, 2)});

    std::vector<ReactorMessage> out;
    CHECK(inbox.drain(out) == 3);
    REQUIRE(out.size() == 3);
    REQUIRE(std::holds_alternative<BatchDone>(out[0]));
    CHECK(std::get<BatchDone>(out[0]).batch->conn == ConnRef{3, 7});
    REQUIRE(std::holds_alternative<RunOnLoop>(out[1]));
    std::get<RunOnLoop>(out[1]).fn();
    CHECK(ran == 1);
    REQUIRE(std::holds_alternative<BatchDone>(out[2]));
    CHECK(std::get<BatchDone>(out[2]).batch->executed == 2);

    out.clear();
    CHECK(inbox.drain(out) == 0);
    CHECK(out.empty());
}

TEST_CASE("a KeyReady and an Invalidate keep their place before the writer's BatchDone") {
    // A worker posts a batch's KeyReady and Invalidate messages before its BatchDone: the
    // reactor sees the key ready (and sends the invalidation) before the writer's reply.
    ReactorInbox inbox;
    std::vector<ReactorMessage> batch;
    batch.emplace_back(KeyReady(ReadyKey{0, "list", ValueType::List}));
    Invalidation inv;
    inv.keys.push_back({"k", {7, 9}});
    inv.by_client = 9;
    batch.emplace_back(Invalidate(std::move(inv)));
    batch.emplace_back(BatchDone(batchFor(5, 2, 1)));
    inbox.postAll(batch.data(), batch.size());
    std::vector<ReactorMessage> out;
    REQUIRE(inbox.drain(out) == 3);
    REQUIRE(std::holds_alternative<KeyReady>(out[0]));
    CHECK(std::get<KeyReady>(out[0]).key == ReadyKey{0, "list", ValueType::List});
    REQUIRE(std::holds_alternative<Invalidate>(out[1]));
    CHECK(std::get<Invalidate>(out[1]).inv.keys[0].second == std::vector<uint64_t>{7, 9});
    CHECK(std::get<Invalidate>(out[1]).inv.by_client == 9);
    REQUIRE(std::holds_alternative<BatchDone>(out[2]));
    CHECK(std::get<BatchDone>(out[2]).batch->conn == ConnRef{5, 2});
}

TEST_CASE("postAll hands over many messages at once and drain appends past 64 at a time") {
    ReactorInbox inbox;
    std::vector<ReactorMessage> in;
    for (uint32_t i = 0; i < 200; ++i) in.emplace_back(BatchDone{batchFor(i, 1, i)});
    inbox.postAll(in.data(), in.size());

    std::vector<ReactorMessage> out;
    out.emplace_back(RunOnLoop{[] {}});  // drain appends: what was there stays
    CHECK(inbox.drain(out) == 200);
    REQUIRE(out.size() == 201);
    for (uint32_t i = 0; i < 200; ++i) {
        REQUIRE(std::holds_alternative<BatchDone>(out[i + 1]));
        CHECK(std::get<BatchDone>(out[i + 1]).batch->executed == i);
    }
}

TEST_CASE("wake-ups are coalesced: one edge until the reactor drains") {
    ReactorInbox inbox;
    Watcher watcher(inbox);
    CHECK_FALSE(watcher.edge(0));

    inbox.post(RunOnLoop{[] {}});
    CHECK(watcher.edge(0));
    inbox.post(RunOnLoop{[] {}});  // not drained yet: no second eventfd write, no new edge
    inbox.post(BatchDone{batchFor(0, 1, 0)});
    CHECK_FALSE(watcher.edge(0));

    std::vector<ReactorMessage> out;
    CHECK(inbox.drain(out) == 3);
    CHECK_FALSE(watcher.edge(0));  // draining itself signals nothing

    inbox.post(RunOnLoop{[] {}});  // after a drain, the next post wakes the reactor again
    CHECK(watcher.edge(0));
    out.clear();
    CHECK(inbox.drain(out) == 1);
}

TEST_CASE("many producers: nothing lost, each producer's messages in order, no lost wake-up") {
    constexpr uint32_t kProducers = 4;
    constexpr uint32_t kPerProducer = 20000;
    ReactorInbox inbox;
    Watcher watcher(inbox);
    std::atomic<uint32_t> tasks_run{0};

    std::vector<std::thread> producers;
    for (uint32_t p = 0; p < kProducers; ++p) {
        producers.emplace_back([&inbox, &tasks_run, p] {
            std::vector<ReactorMessage> round;
            for (uint32_t seq = 0; seq < kPerProducer;) {
                // Like a worker: a few finished batches in one go, now and then a task alone.
                if (seq % 7 == 3) {
                    inbox.post(RunOnLoop{[&tasks_run] { tasks_run.fetch_add(1); }});
                    ++seq;
                    continue;
                }
                for (int k = 0; k < 5 && seq < kPerProducer; ++k, ++seq) {
                    if (seq % 7 == 3) break;
                    round.emplace_back(BatchDone{batchFor(p, 1, seq)});
                }
                inbox.postAll(round.data(), round.size());
                round.clear();
            }
        });
    }

    // The reactor's loop: drain only after an edge, as the real one does. A wake-up lost
    // while messages wait would show as a timeout here.
    std::vector<uint32_t> next(kProducers, 0);
    uint32_t received = 0;
    uint32_t tasks = 0;
    bool in_order = true;
    std::vector<ReactorMessage> out;
    while (received < kProducers * kPerProducer) {
        if (!watcher.edge(5000)) break;
        out.clear();
        inbox.drain(out);
        for (ReactorMessage& m : out) {
            ++received;
            if (auto* done = std::get_if<BatchDone>(&m)) {
                uint32_t p = done->batch->conn.slot;
                // Tasks take sequence numbers too, so a producer's batches rise, with gaps.
                if (done->batch->executed < next[p]) in_order = false;
                next[p] = done->batch->executed + 1;
            } else {
                std::get<RunOnLoop>(m).fn();
                ++tasks;
            }
        }
    }
    for (auto& t : producers) t.join();
    CHECK(received == kProducers * kPerProducer);
    CHECK(in_order);
    CHECK(tasks == tasks_run.load());
    out.clear();
    CHECK(inbox.drain(out) == 0);
}
