// The packed-entry encoding: varint lengths forwards, a reversed varint backwards.
#include "listpack.h"

#include <malloc.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "varint.h"

namespace mini_redis {

size_t Listpack::entryBytes(size_t len) {
    const size_t body = varint::size(len) + len;
    return body + varint::size(body);
}

Listpack::~Listpack() {
    std::free(block_);
}

Listpack::Listpack(const Listpack& other) {
    if (other.block_ != nullptr) {
        block_ = static_cast<char*>(std::malloc(other.usedBytes()));
        if (block_ == nullptr) throw std::bad_alloc();
        std::memcpy(block_, other.block_, other.usedBytes());
    }
}

Listpack& Listpack::operator=(const Listpack& other) {
    if (this != &other) {
        Listpack copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
    if (this != &other) {
        std::free(block_);
        block_ = other.block_;
        other.block_ = nullptr;
    }
    return *this;
}

size_t Listpack::allocatedBytes() const {
    return block_ == nullptr ? 0 : malloc_usable_size(block_);
}

size_t Listpack::next(size_t pos) const {
    assert(pos < end());
    size_t len = 0;
    size_t hdr = varint::get(block_ + pos, len);
    return pos + hdr + len + varint::size(hdr + len);
}

size_t Listpack::prev(size_t pos) const {
    assert(pos > begin() && pos <= end());
    size_t back_size = 0;
    size_t body = varint::getBack(block_ + pos, back_size);
    return pos - back_size - body;
}

std::string_view Listpack::at(size_t pos) const {
    assert(pos < end());
    size_t len = 0;
    size_t hdr = varint::get(block_ + pos, len);
    return {block_ + pos + hdr, len};
}

size_t Listpack::seek(int64_t index) const {
    const auto n = static_cast<int64_t>(size());
    if (index < 0) index += n;
    if (index < 0 || index >= n) return end();
    size_t pos;
    if (index <= n / 2) {
        pos = begin();
        for (int64_t i = 0; i < index; ++i) pos = next(pos);
    } else {
        pos = end();
        for (int64_t i = n; i > index; --i) pos = prev(pos);
    }
    return pos;
}

size_t Listpack::find(std::string_view v, size_t from, size_t step) const {
    const size_t stop = end();
    size_t pos = from;
    while (pos < stop) {
        if (at(pos) == v) return pos;
        for (size_t i = 0; i < step && pos < stop; ++i) pos = next(pos);
    }
    return stop;
}

void Listpack::resize(size_t pos, ptrdiff_t grow) {
    const size_t used = usedBytes() == 0 ? kHeader : usedBytes();
    const size_t fresh = static_cast<size_t>(static_cast<ptrdiff_t>(used) + grow);
    if (grow > 0) {
        char* bigger = static_cast<char*>(std::realloc(block_, fresh));
        if (bigger == nullptr) throw std::bad_alloc();
        if (block_ == nullptr) {
            reinterpret_cast<uint32_t*>(bigger)[0] = kHeader;
            reinterpret_cast<uint32_t*>(bigger)[1] = 0;
        }
        block_ = bigger;
        std::memmove(block_ + pos + grow, block_ + pos, used - pos);
    } else if (grow < 0) {
        std::memmove(block_ + pos, block_ + pos - grow, used - pos + grow);
        char* smaller = static_cast<char*>(std::realloc(block_, fresh));
        if (smaller != nullptr) block_ = smaller;
    }
    header()[0] = static_cast<uint32_t>(fresh);
}

size_t Listpack::writeEntry(char* at, std::string_view v) {
    size_t hdr = varint::put(at, v.size());
    if (!v.empty()) std::memcpy(at + hdr, v.data(), v.size());
    return hdr + v.size() + varint::putBack(at + hdr + v.size(), hdr + v.size());
}

size_t Listpack::insert(size_t pos, std::string_view v) {
    assert(pos >= begin() && pos <= end());
    resize(pos, static_cast<ptrdiff_t>(entryBytes(v.size())));
    writeEntry(block_ + pos, v);
    header()[1] += 1;
    return pos;
}

size_t Listpack::insertPair(size_t pos, std::string_view a, std::string_view b) {
    assert(pos >= begin() && pos <= end());
    const size_t first = entryBytes(a.size());
    resize(pos, static_cast<ptrdiff_t>(first + entryBytes(b.size())));
    writeEntry(block_ + pos, a);
    writeEntry(block_ + pos + first, b);
    header()[1] += 2;
    return pos;
}

size_t Listpack::replace(size_t pos, std::string_view v) {
    const size_t old = next(pos) - pos;
    const size_t fresh = entryBytes(v.size());
    if (fresh > old) {
        resize(pos + old, static_cast<ptrdiff_t>(fresh - old));
    } else if (fresh < old) {
        resize(pos + fresh, -static_cast<ptrdiff_t>(old - fresh));
    }
    writeEntry(block_ + pos, v);
    return pos;
}

size_t Listpack::erase(size_t pos, size_t n) {
    size_t stop = pos;
    for (size_t i = 0; i < n && stop < end(); ++i) {
        stop = next(stop);
        header()[1] -= 1;
    }
    if (stop > pos) resize(pos, -static_cast<ptrdiff_t>(stop - pos));
    if (size() == 0) clear();
    return pos;
}

void Listpack::clear() {
    std::free(block_);
    block_ = nullptr;
}

}  // namespace mini_redis
