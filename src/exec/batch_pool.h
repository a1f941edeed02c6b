// Spare batches for reuse, so a busy reactor does not allocate one per read.
#pragma once

#include <memory>
#include <vector>

#include "batch.h"

namespace mini_redis {

// Reactor thread only (batches come back to it from the workers inside BatchDone messages).
class BatchPool {
  public:
    // A cleared batch: a pooled one if there is one.
    std::unique_ptr<Batch> take();
    // Keeps small batches for reuse; lets big ones go so a burst does not pin memory.
    void recycle(std::unique_ptr<Batch> batch);
    size_t size() const { return spare_.size(); }

    // Spare batches kept, and the most memory one may keep (so the pool stays small).
    static constexpr size_t kMaxSpare = 256;
    static constexpr size_t kMaxBatchBytes = 64 * 1024;

  private:
    std::vector<std::unique_ptr<Batch>> spare_;
};

}  // namespace mini_redis
