// What the framer's tests share (frame_parser_test.cpp, frame_parser_incremental_test.cpp):
// a frame as a list of strings, a one-shot parse, and a frame written as RESP.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser.h"

namespace mini_redis::frame_test {

using Frame = std::vector<std::string>;

inline Frame argsOf(const ArgList& list, size_t from = 0) {
    Frame out;
    for (size_t i = from; i < list.size(); ++i) out.emplace_back(list[i]);
    return out;
}

// One-shot parse: a fresh parser given all of `input` at once.
inline ParseResult parseFrame(std::string_view input, const ParserLimits& limits, ArgList& out) {
    FrameParser parser;
    return parser.parse(input, limits, out);
}

// A frame as a RESP multibulk. (Built with append: GCC 12 warns falsely, -Wrestrict, on the
// "literal" + std::string form once this is inlined.)
inline std::string resp(const Frame& frame) {
    std::string out(1, '*');
    out += std::to_string(frame.size());
    out += "\r\n";
    for (const auto& arg : frame) {
        out += '$';
        out += std::to_string(arg.size());
        out += "\r\n";
        out += arg;
        out += "\r\n";
    }
    return out;
}

}  // namespace mini_redis::frame_test
