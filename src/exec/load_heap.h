// Min-heap of workers keyed by outstanding work, for least-loaded dispatch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mini_redis {

// Reactor thread only (no lock: the reactor is the only reader and writer). Loads are
// outstanding requests: added when a batch is dispatched, subtracted when it completes.
// Ties go to the lower worker index, so the choice is deterministic.
class LoadHeap {
  public:
    explicit LoadHeap(size_t workers);

    // The least-loaded worker. O(1).
    size_t least() const { return heap_[0]; }
    // Adds `delta` (negative on completion) to a worker's load. O(log n).
    void add(size_t worker, int64_t delta);
    int64_t load(size_t worker) const { return load_[worker]; }
    size_t size() const { return load_.size(); }

  private:
    bool less(size_t a, size_t b) const {
        return load_[a] != load_[b] ? load_[a] < load_[b] : a < b;
    }
    void swapSlots(size_t i, size_t j);
    void siftUp(size_t i);
    void siftDown(size_t i);

    std::vector<int64_t> load_;  // by worker
    std::vector<size_t> heap_;   // worker ids in heap order
    std::vector<size_t> slot_;   // by worker: its index in heap_
};

}  // namespace mini_redis
