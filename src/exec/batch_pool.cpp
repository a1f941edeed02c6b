// The reactor's pool of spare batches.
#include "batch_pool.h"

namespace mini_redis {

std::unique_ptr<Batch> BatchPool::take() {
    if (spare_.empty()) return std::make_unique<Batch>();
    auto batch = std::move(spare_.back());
    spare_.pop_back();
    return batch;
}

void BatchPool::recycle(std::unique_ptr<Batch> batch) {
    // Capacity, not size: a cleared buffer keeps its capacity, so a pooled batch that once
    // held a large request would pin that memory for good.
    if (spare_.size() >= kMaxSpare || batch->args.retainedBytes() > kMaxBatchBytes ||
        batch->reply.capacity() > kMaxBatchBytes ||
        batch->argc.capacity() * sizeof(uint32_t) > kMaxBatchBytes) {
        return;
    }
    batch->reset();
    spare_.push_back(std::move(batch));
}

}  // namespace mini_redis
