// LzfCodec over liblzf's lzf_compress / lzf_decompress.
#include "lzf_codec.h"

#include <liblzf/lzf.h>

namespace mini_redis {

bool LzfCodec::compress(std::string_view in, std::string& out) {
    if (in.size() <= 4 || in.size() > 0xffffffffu) return false;
    out.resize(in.size() - 4);
    unsigned n = lzf_compress(in.data(), static_cast<unsigned>(in.size()), out.data(),
                              static_cast<unsigned>(out.size()));
    if (n == 0) return false;
    out.resize(n);
    return true;
}

bool LzfCodec::decompress(std::string_view in, size_t expected_len, std::string& out) {
    if (expected_len > 0xffffffffu || in.size() > 0xffffffffu) return false;
    out.resize(expected_len);
    if (expected_len == 0) return in.empty();
    unsigned n = lzf_decompress(in.data(), static_cast<unsigned>(in.size()), out.data(),
                                static_cast<unsigned>(expected_len));
    return n == expected_len;
}

}  // namespace mini_redis
