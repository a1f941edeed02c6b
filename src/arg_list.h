// A flat list of binary-safe arguments: one byte buffer plus end offsets, so a batch of
// commands costs two allocations however many arguments it has.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis {

// Single owner at a time (moved between threads inside a Batch, never shared).
class ArgList {
  public:
    size_t size() const { return ends_.size(); }
    bool empty() const { return ends_.empty(); }
    std::string_view operator[](size_t i) const {
        size_t begin = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(bytes_).substr(begin, ends_[i] - begin);
    }

    void append(std::string_view arg) {
        bytes_.append(arg);
        ends_.push_back(bytes_.size());
    }
    // Byte-at-a-time building, for inline requests with escapes: push bytes, then close.
    void pushByte(char c) { bytes_.push_back(c); }
    void closeArg() { ends_.push_back(bytes_.size()); }

    // Drops arguments past the first `n` (and any bytes of an unclosed one).
    void truncate(size_t n) {
        ends_.resize(n);
        bytes_.resize(n == 0 ? 0 : ends_[n - 1]);
    }
    void clear() {
        bytes_.clear();
        ends_.clear();
    }
    size_t byteSize() const { return bytes_.size(); }

  private:
    std::string bytes_;
    std::vector<size_t> ends_;
};

}  // namespace mini_redis
