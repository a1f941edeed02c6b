// A vector that keeps its first N elements inline: no allocation for the common small case.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace mini_redis {

// Not thread-safe (a plain value). For trivially copyable T; elements past N spill to the heap.
template <class T, size_t N>
class SmallVector {
  public:
    void push_back(const T& v) {
        if (size_ < N) {
            inline_[size_] = v;
        } else {
            if (size_ == N) spill_.assign(inline_.begin(), inline_.end());
            spill_.push_back(v);
        }
        ++size_;
    }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T* begin() { return size_ <= N ? inline_.data() : spill_.data(); }
    T* end() { return begin() + size_; }
    const T* begin() const { return size_ <= N ? inline_.data() : spill_.data(); }
    const T* end() const { return begin() + size_; }
    const T& operator[](size_t i) const { return begin()[i]; }
    // Sorts and drops duplicates.
    void sortUnique() {
        std::sort(begin(), end());
        size_t n = static_cast<size_t>(std::unique(begin(), end()) - begin());
        if (size_ > N && n <= N) std::copy(spill_.begin(), spill_.begin() + n, inline_.begin());
        if (n > N) spill_.resize(n);
        size_ = n;
    }

  private:
    std::array<T, N> inline_{};
    std::vector<T> spill_;
    size_t size_ = 0;
};

}  // namespace mini_redis
