// The count rules of the random reads.
#include "random_count.h"

#include "command_args.h"
#include "errors.h"

namespace mini_redis {

const char* parseRandomCount(std::string_view arg, int64_t& count) {
    if (!parseInteger(arg, count)) return errors::kNotInteger;
    if (count == INT64_MIN) return errors::kCountOutOfLongRange;
    return nullptr;
}

const char* checkPairedRandomCount(int64_t count) {
    if (count < -(INT64_MAX / 2) || count > INT64_MAX / 2) return errors::kValueOutOfRange;
    return nullptr;
}

const char* checkRandomDraws(int64_t count) {
    if (count < 0 && static_cast<uint64_t>(-count) > kMaxRandomDraws) {
        return errors::kValueOutOfRange;
    }
    return nullptr;
}

}  // namespace mini_redis
