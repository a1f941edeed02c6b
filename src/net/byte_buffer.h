// A growable byte buffer with a read cursor, for socket input and output: reads go straight
// into spare capacity (no zero-filling), consumed bytes are dropped by moving the cursor.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace mini_redis {

// Single owner (a Connection, on the reactor thread).
class ByteBuffer {
  public:
    std::string_view readable() const { return {data_.get() + begin_, end_ - begin_}; }
    size_t size() const { return end_ - begin_; }
    bool empty() const { return begin_ == end_; }
    size_t capacity() const { return capacity_; }

    void consume(size_t n) {
        begin_ += n;
        if (begin_ == end_) begin_ = end_ = 0;  // empty: start over at the front, for free
    }

    // Makes room for at least `n` more bytes at the end; returns where they go.
    char* prepare(size_t n) {
        if (capacity_ - end_ >= n) return data_.get() + end_;
        size_t used = end_ - begin_;
        if (begin_ > 0 && capacity_ - used >= n && begin_ >= used) {
            // Enough room once the unread bytes move to the front (cheap: they are fewer
            // than the consumed ones).
            std::memmove(data_.get(), data_.get() + begin_, used);
        } else {
            size_t want = std::max(capacity_ * 2, used + n);
            auto bigger = std::make_unique_for_overwrite<char[]>(want);
            if (used > 0) std::memcpy(bigger.get(), data_.get() + begin_, used);
            data_ = std::move(bigger);
            capacity_ = want;
        }
        begin_ = 0;
        end_ = used;
        return data_.get() + end_;
    }
    size_t writable() const { return capacity_ - end_; }
    void commit(size_t n) { end_ += n; }

    void append(std::string_view bytes) {
        if (bytes.empty()) return;  // (an unallocated buffer has no pointer to copy to)
        std::memcpy(prepare(bytes.size()), bytes.data(), bytes.size());
        end_ += bytes.size();
    }

    // Frees the storage when it is empty and larger than `keep` bytes (after a burst).
    void shrinkIfIdle(size_t keep) {
        if (empty() && capacity_ > keep) {
            data_.reset();
            capacity_ = begin_ = end_ = 0;
        }
    }

  private:
    std::unique_ptr<char[]> data_;
    size_t capacity_ = 0;
    size_t begin_ = 0;
    size_t end_ = 0;
};

}  // namespace mini_redis
