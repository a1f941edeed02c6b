// A list of binary-safe arguments: small ones packed in one byte buffer, large ones each in
// a heap block of their own (read straight from the socket into it, then only moved), so a
// batch of commands costs a few allocations however many arguments it has.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mini_redis {

// A large argument's own block: exactly the bytes of one argument, never copied once filled.
struct BigArg {
    std::unique_ptr<char[]> bytes;
    size_t size = 0;
};

// Single owner at a time (moved between threads inside a Batch, never shared).
class ArgList {
  public:
    size_t size() const { return slots_.size(); }
    bool empty() const { return slots_.empty(); }
    std::string_view operator[](size_t i) const {
        const Slot& s = slots_[i];
        if (s.begin & kBigBit) return {big_[s.begin & ~kBigBit].bytes.get(), s.size};
        return {bytes_.data() + s.begin, s.size};
    }

    void append(std::string_view arg) {
        slots_.push_back({bytes_.size(), arg.size()});
        bytes_.append(arg);
        closed_ = bytes_.size();
    }
    // Takes a large argument's block as it is (no copy).
    void appendBig(BigArg arg) {
        slots_.push_back({big_.size() | kBigBit, arg.size});
        big_.push_back(std::move(arg));
    }
    // Byte-at-a-time building, for inline requests with escapes: push bytes, then close.
    void pushByte(char c) { bytes_.push_back(c); }
    void closeArg() {
        slots_.push_back({closed_, bytes_.size() - closed_});
        closed_ = bytes_.size();
    }

    // Moves the arguments from index `from` on to the end of `dst` (small ones are copied,
    // large ones moved), leaving the first `from` here.
    void moveTailTo(size_t from, ArgList& dst) {
        for (size_t i = from; i < slots_.size(); ++i) {
            const Slot& s = slots_[i];
            if (s.begin & kBigBit) {
                dst.appendBig(std::move(big_[s.begin & ~kBigBit]));
            } else {
                dst.append({bytes_.data() + s.begin, s.size});
            }
        }
        truncate(from);
    }

    // Drops arguments past the first `n` (and any bytes of an unclosed one).
    void truncate(size_t n) {
        if (n >= slots_.size()) {
            bytes_.resize(closed_);  // only an unclosed argument's bytes go
            return;
        }
        slots_.resize(n);
        closed_ = smallEnd(n);
        bytes_.resize(closed_);
        size_t bigs = 0;
        for (size_t i = n; i-- > 0;) {
            if (slots_[i].begin & kBigBit) {
                bigs = (slots_[i].begin & ~kBigBit) + 1;
                break;
            }
        }
        big_.resize(bigs);
    }
    // Empties the list; keeps the small-argument buffers' capacity (large blocks are freed).
    void clear() {
        closed_ = 0;
        bytes_.clear();
        slots_.clear();
        big_.clear();
    }
    // Empties the list and gives back all its memory.
    void release() {
        closed_ = 0;
        std::string().swap(bytes_);
        std::vector<Slot>().swap(slots_);
        std::vector<BigArg>().swap(big_);
    }
    // Bytes of argument data held (small and large).
    size_t byteSize() const {
        size_t n = bytes_.size();
        for (const BigArg& b : big_) n += b.size;
        return n;
    }
    // Heap bytes the list keeps even once cleared: what a pooled list would pin.
    size_t retainedBytes() const {
        return bytes_.capacity() + slots_.capacity() * sizeof(Slot) +
               big_.capacity() * sizeof(BigArg);
    }

  private:
    // Where the small bytes of the first `n` arguments end.
    size_t smallEnd(size_t n) const {
        for (size_t i = n; i-- > 0;) {
            if (!(slots_[i].begin & kBigBit)) return slots_[i].begin + slots_[i].size;
        }
        return 0;
    }

    static constexpr size_t kBigBit = size_t{1} << (sizeof(size_t) * 8 - 1);
    struct Slot {
        size_t begin;  // offset in bytes_, or kBigBit | index in big_
        size_t size;
    };
    std::string bytes_;
    std::vector<Slot> slots_;
    std::vector<BigArg> big_;
    size_t closed_ = 0;  // end of the last closed small argument's bytes
};

}  // namespace mini_redis
