// Indexed binary min-heap.
#include "load_heap.h"

#include <cassert>
#include <utility>

namespace mini_redis {

LoadHeap::LoadHeap(size_t workers) : load_(workers, 0), heap_(workers), slot_(workers) {
    assert(workers > 0);
    for (size_t i = 0; i < workers; ++i) heap_[i] = slot_[i] = i;
}

void LoadHeap::add(size_t worker, int64_t delta) {
    assert(worker < load_.size());
    load_[worker] += delta;
    assert(load_[worker] >= 0);
    if (delta < 0) {
        siftUp(slot_[worker]);
    } else {
        siftDown(slot_[worker]);
    }
}

void LoadHeap::swapSlots(size_t i, size_t j) {
    std::swap(heap_[i], heap_[j]);
    slot_[heap_[i]] = i;
    slot_[heap_[j]] = j;
}

void LoadHeap::siftUp(size_t i) {
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!less(heap_[i], heap_[parent])) break;
        swapSlots(i, parent);
        i = parent;
    }
}

void LoadHeap::siftDown(size_t i) {
    const size_t n = heap_.size();
    while (true) {
        size_t smallest = i;
        size_t l = 2 * i + 1, r = l + 1;
        if (l < n && less(heap_[l], heap_[smallest])) smallest = l;
        if (r < n && less(heap_[r], heap_[smallest])) smallest = r;
        if (smallest == i) break;
        swapSlots(i, smallest);
        i = smallest;
    }
}

}  // namespace mini_redis
