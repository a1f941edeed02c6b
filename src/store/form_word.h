// One pointer-sized word holding a collection's compact form or a pointer to its big form, so
// a small hash, set or sorted set costs a 16-byte object (vtable pointer + this word) like
// Redis's robj, instead of a compact block plus an always-null big-form pointer.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace mini_redis {

// Not thread-safe: part of its collection, guarded by the key's shard.
//
// `Compact` is a class whose only member is a pointer to a malloc'd block or nullptr (Listpack,
// IntSet, ZSetListpack): bit 0 of that word is always clear. The big form is held as its
// pointer with bit 0 set, which is how the two are told apart. The word starts compact (and
// empty); toBig() and toCompact() switch, freeing the form left behind.
template <class Compact, class Big>
class FormWord {
    static_assert(sizeof(Compact) == sizeof(uintptr_t), "a compact form is one block pointer");
    static_assert(alignof(Big) >= 2, "bit 0 of a big form's pointer must be free");

  public:
    FormWord() { new (&compact_) Compact(); }
    ~FormWord() { destroy(); }
    FormWord(const FormWord& other) {
        if (Big* b = other.big()) {
            setWord(reinterpret_cast<uintptr_t>(new Big(*b)) | kBigBit);
        } else {
            new (&compact_) Compact(other.compact_);
        }
    }
    FormWord& operator=(const FormWord&) = delete;

    bool isBig() const { return (word() & kBigBit) != 0; }
    // The big form, or nullptr while compact.
    Big* big() const {
        const uintptr_t w = word();
        return (w & kBigBit) ? reinterpret_cast<Big*>(w & ~kBigBit) : nullptr;
    }
    // The compact form (only while compact).
    Compact& compact() {
        assert(!isBig());
        return compact_;
    }
    const Compact& compact() const {
        assert(!isBig());
        return compact_;
    }

    // Makes `b` the value, freeing the current form.
    void toBig(std::unique_ptr<Big> b) {
        assert(b != nullptr);
        destroy();
        setWord(reinterpret_cast<uintptr_t>(b.release()) | kBigBit);
    }
    // Makes `c` the value, freeing the current form.
    void toCompact(Compact&& c) {
        if (isBig()) {
            delete big();
            new (&compact_) Compact(std::move(c));
        } else {
            compact_ = std::move(c);
        }
    }

  private:
    static constexpr uintptr_t kBigBit = 1;

    // The word's bits, whichever form it holds (reading the other union member: GCC and Clang
    // define this type punning).
    uintptr_t word() const { return bits_; }
    // Only when no Compact object is alive in the storage.
    void setWord(uintptr_t w) { bits_ = w; }
    void destroy() {
        if (Big* b = big()) {
            delete b;
        } else {
            compact_.~Compact();
        }
    }

    union {
        Compact compact_;  // alive while bit 0 of the word is clear
        uintptr_t bits_;   // the same word as bits (the big form's tagged pointer)
    };
};

}  // namespace mini_redis
