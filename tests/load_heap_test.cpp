// Unit tests for LoadHeap: least-loaded choice, tie-breaking, and agreement with brute force.
#include "load_heap.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

using mini_redis::LoadHeap;

namespace {

// The reference answer: the lowest load, and among equals the lowest index.
size_t bruteLeast(const std::vector<int64_t>& loads) {
    size_t best = 0;
    for (size_t i = 1; i < loads.size(); ++i) {
        if (loads[i] < loads[best]) best = i;
    }
    return best;
}

}  // namespace

TEST_CASE("a fresh heap has every worker at zero and picks worker 0") {
    LoadHeap heap(5);
    CHECK(heap.size() == 5);
    for (size_t i = 0; i < 5; ++i) CHECK(heap.load(i) == 0);
    CHECK(heap.least() == 0);
}

TEST_CASE("a single worker is always the least loaded") {
    LoadHeap heap(1);
    heap.add(0, 7);
    CHECK(heap.least() == 0);
    CHECK(heap.load(0) == 7);
    heap.add(0, -7);
    CHECK(heap.load(0) == 0);
}

TEST_CASE("least() picks the minimum load") {
    LoadHeap heap(4);
    heap.add(0, 5);
    heap.add(1, 3);
    heap.add(2, 9);
    heap.add(3, 4);
    CHECK(heap.least() == 1);
    heap.add(1, 2);  // 5 5 9 4
    CHECK(heap.least() == 3);
    heap.add(2, -8);  // 5 5 1 4
    CHECK(heap.least() == 2);
    CHECK(heap.load(2) == 1);
}

TEST_CASE("ties go to the lower index") {
    LoadHeap heap(6);
    for (size_t i = 0; i < 6; ++i) heap.add(i, 3);
    CHECK(heap.least() == 0);
    heap.add(0, 1);
    CHECK(heap.least() == 1);
    // Worker 4 drops to a tie with nobody lower, then worker 2 joins it: 2 wins.
    heap.add(4, -2);
    CHECK(heap.least() == 4);
    heap.add(2, -2);
    CHECK(heap.least() == 2);
    // Raising the higher index of a tie must not disturb the choice.
    heap.add(4, 1);
    CHECK(heap.least() == 2);
    heap.add(2, 1);  // 4 3 2 3 2 3
    CHECK(heap.least() == 2);
    heap.add(2, 1);  // 4 3 3 3 2 3
    CHECK(heap.least() == 4);
}

TEST_CASE("dispatching to least() spreads work round-robin over equal workers") {
    LoadHeap heap(4);
    std::vector<size_t> order;
    for (int i = 0; i < 8; ++i) {
        size_t w = heap.least();
        order.push_back(w);
        heap.add(w, 1);
    }
    CHECK(order == std::vector<size_t>{0, 1, 2, 3, 0, 1, 2, 3});
}

TEST_CASE("randomized: heap agrees with brute-force argmin") {
    std::mt19937_64 rng(20240601);
    for (size_t workers = 1; workers <= 17; ++workers) {
        CAPTURE(workers);
        LoadHeap heap(workers);
        std::vector<int64_t> loads(workers, 0);
        for (int op = 0; op < 10000; ++op) {
            size_t w = rng() % workers;
            int64_t delta;
            if (rng() % 2 == 0 || loads[w] == 0) {
                delta = static_cast<int64_t>(rng() % 5 + 1);
            } else {
                delta = -static_cast<int64_t>(rng() % static_cast<uint64_t>(loads[w]) + 1);
            }
            heap.add(w, delta);
            loads[w] += delta;
            REQUIRE(heap.least() == bruteLeast(loads));
            REQUIRE(heap.load(w) == loads[w]);
        }
        for (size_t i = 0; i < workers; ++i) CHECK(heap.load(i) == loads[i]);
    }
}

TEST_CASE("dispatch and complete: in-flight work tracks outstanding batches and drains to zero") {
    // The reactor's use: send each batch to least(), +1; when a batch completes, -1 on its
    // worker. Completions come back in a random order.
    constexpr size_t kWorkers = 7;
    LoadHeap heap(kWorkers);
    std::mt19937 rng(7);
    std::vector<size_t> in_flight;  // worker of each outstanding batch
    std::vector<int64_t> loads(kWorkers, 0);
    for (int step = 0; step < 20000; ++step) {
        bool dispatch = in_flight.empty() || (in_flight.size() < 50 && rng() % 3 != 0);
        if (dispatch) {
            size_t w = heap.least();
            REQUIRE(w == bruteLeast(loads));
            heap.add(w, 1);
            ++loads[w];
            in_flight.push_back(w);
        } else {
            size_t pick = rng() % in_flight.size();
            size_t w = in_flight[pick];
            in_flight[pick] = in_flight.back();
            in_flight.pop_back();
            heap.add(w, -1);
            --loads[w];
            REQUIRE(heap.least() == bruteLeast(loads));
        }
    }
    while (!in_flight.empty()) {
        heap.add(in_flight.back(), -1);
        in_flight.pop_back();
    }
    for (size_t i = 0; i < kWorkers; ++i) CHECK(heap.load(i) == 0);
    CHECK(heap.least() == 0);
}
