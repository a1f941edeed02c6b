// The intset: binary search over members of one adaptive width, widened in place.
#include "intset.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace mini_redis {

namespace {

int64_t load(const char* p, size_t width) {
    switch (width) {
        case 2: {
            int16_t v;
            std::memcpy(&v, p, sizeof v);
            return v;
        }
        case 4: {
            int32_t v;
            std::memcpy(&v, p, sizeof v);
            return v;
        }
        default: {
            int64_t v;
            std::memcpy(&v, p, sizeof v);
            return v;
        }
    }
}

void store(char* p, size_t width, int64_t v) {
    switch (width) {
        case 2: {
            auto x = static_cast<int16_t>(v);
            std::memcpy(p, &x, sizeof x);
            break;
        }
        case 4: {
            auto x = static_cast<int32_t>(v);
            std::memcpy(p, &x, sizeof x);
            break;
        }
        default:
            std::memcpy(p, &v, sizeof v);
            break;
    }
}

}  // namespace

IntSet::~IntSet() {
    std::free(block_);
}

IntSet::IntSet(const IntSet& other) {
    if (other.block_ == nullptr) return;
    const size_t bytes = kHeader + other.size() * other.width();
    block_ = static_cast<char*>(std::malloc(bytes));
    if (block_ == nullptr) throw std::bad_alloc();
    std::memcpy(block_, other.block_, bytes);
}

IntSet& IntSet::operator=(const IntSet& other) {
    if (this != &other) {
        IntSet copy(other);
        *this = std::move(copy);
    }
    return *this;
}

IntSet& IntSet::operator=(IntSet&& other) noexcept {
    if (this != &other) {
        std::free(block_);
        block_ = other.block_;
        other.block_ = nullptr;
    }
    return *this;
}

size_t IntSet::allocatedBytes() const {
    return block_ == nullptr ? 0 : malloc_usable_size(block_);
}

size_t IntSet::widthFor(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

int64_t IntSet::at(size_t i) const {
    return load(data() + i * width(), width());
}

void IntSet::set(size_t i, int64_t v) {
    store(data() + i * width(), width(), v);
}

size_t IntSet::search(int64_t v, bool& found) const {
    found = false;
    const size_t n = size();
    if (n == 0) return 0;
    // Outside the width's range: neither here nor anywhere but an end.
    if (widthFor(v) > width()) return v < 0 ? 0 : n;
    size_t lo = 0, hi = n;
    const size_t w = width();
    const char* d = data();
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int64_t m = load(d + mid * w, w);
        if (m < v) {
            lo = mid + 1;
        } else if (m > v) {
            hi = mid;
        } else {
            found = true;
            return mid;
        }
    }
    return lo;
}

bool IntSet::contains(int64_t v) const {
    bool found = false;
    search(v, found);
    return found;
}

void IntSet::reserve(size_t count, size_t width) {
    const size_t need = kHeader + count * width;
    if (block_ != nullptr && malloc_usable_size(block_) >= need) return;
    const bool fresh = block_ == nullptr;
    void* p = std::realloc(block_, need);
    if (p == nullptr) throw std::bad_alloc();
    block_ = static_cast<char*>(p);
    if (fresh) {
        header()[0] = static_cast<uint32_t>(width);
        header()[1] = 0;
    }
}

void IntSet::maybeShrink() {
    const size_t need = kHeader + size() * width();
    if (block_ == nullptr || malloc_usable_size(block_) / 2 < need) return;
    if (void* p = std::realloc(block_, need)) block_ = static_cast<char*>(p);
}

void IntSet::upgrade(size_t w) {
    const size_t old = width();
    const size_t n = size();
    reserve(n, w);
    // From the last member backwards, so no member is overwritten before it is read.
    for (size_t i = n; i-- > 0;) store(data() + i * w, w, load(data() + i * old, old));
    header()[0] = static_cast<uint32_t>(w);
}

bool IntSet::insert(int64_t v) {
    const size_t need_width = widthFor(v);
    if (block_ == nullptr) {
        reserve(1, need_width);
    } else if (need_width > width()) {
        upgrade(need_width);
    }
    bool found = false;
    const size_t i = search(v, found);
    if (found) return false;
    const size_t n = size();
    const size_t w = width();
    reserve(n + 1, w);
    std::memmove(data() + (i + 1) * w, data() + i * w, (n - i) * w);
    set(i, v);
    header()[1] = static_cast<uint32_t>(n + 1);
    return true;
}

void IntSet::eraseAt(size_t i) {
    const size_t n = size();
    const size_t w = width();
    std::memmove(data() + i * w, data() + (i + 1) * w, (n - i - 1) * w);
    header()[1] = static_cast<uint32_t>(n - 1);
    maybeShrink();
}

bool IntSet::erase(int64_t v) {
    bool found = false;
    const size_t i = search(v, found);
    if (!found) return false;
    eraseAt(i);
    return true;
}

void IntSet::eraseFlagged(const bool* drop) {
    const size_t n = size();
    const size_t w = width();
    size_t out = 0;
    for (size_t i = 0; i < n; ++i) {
        if (drop[i]) continue;
        if (out != i) std::memcpy(data() + out * w, data() + i * w, w);
        ++out;
    }
    if (block_ != nullptr) header()[1] = static_cast<uint32_t>(out);
    maybeShrink();
}

void IntSet::clear() {
    std::free(block_);
    block_ = nullptr;
}

}  // namespace mini_redis
