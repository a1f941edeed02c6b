// What the framer's tests share (frame_parser_test.cpp, frame_parser_incremental_test.cpp):
// a frame as a list of strings, a one-shot parse, and a frame written as RESP.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser.h"
#include "resp_command.h"

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

// A frame as a RESP multibulk.
inline std::string resp(const Frame& frame) {
    return test::respCommand(frame);
}

}  // namespace mini_redis::frame_test
