// libFuzzer target for the request framer (FrameParser): no crash or sanitizer report on any
// input, and the same frames and errors however the bytes are split into reads.
//
// Input layout (the seeds in fuzz/corpus/frame_parser/ follow it):
//   byte 0      flags: bit 0 = small limits (inline 64, bulk 64 KiB, multibulk 16), otherwise
//               the defaults; bit 1 = every other read's frames go into a list that
//               already holds arguments of earlier requests (as a batch does);
//               bit 2 = the client has not authenticated (Redis 7.0's tight limits);
//               bit 3 = a large argument's bytes go straight into directBuffer(), as the
//               socket read does when nothing else is buffered
//   byte 1      n = number of read sizes (taken mod 16)
//   n bytes     read sizes, each byte b meaning b + 1 bytes; they repeat until the end
//               (n = 0: one byte per read)
//   the rest    the bytes a client sends on one connection
//
// Properties checked (a violation prints what differed and traps):
//   1. Contract of every parse() call: `consumed` is at most the bytes given; Complete leaves
//      the parser idle holding nothing; NeedMore and Error leave `out` as it was (a partial
//      request's arguments wait in the parser); after an Error the parser is idle.
//   2. One-shot: one parser, the whole stream buffered, the reactor's loop (parse, drop the
//      consumed bytes, repeat until NeedMore or Error).
//      In pieces: a second parser gets the stream in the reads above, the loop running after
//      each read, each frame into a fresh list as each batch is. It must give the same
//      frames in order and end the same way: the same error after the same frames, or
//      NeedMore with the same bytes taken and the same bytes held. So a growing prefix of a
//      request gives NeedMore until the whole request is there, then that request.
//   3. Linear work: bytesExamined() stays within 3 x the bytes fed, however they were split.
//   The bytes not yet received sit right after the buffered ones in an ASan-poisoned block,
//   so a read past what the parser was given is reported.
//
// One difference is allowed, under small limits only: a header line longer than the limit
// that has no CR yet is refused as "too big (m)bulk count string" while the one-shot parse,
// which sees the whole line, calls it an "invalid (m)bulk length". Redis behaves the same
// (its limit applies only while the line is unterminated); both close the connection.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define FUZZ_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define FUZZ_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
#ifndef FUZZ_POISON
#define FUZZ_POISON(p, n) ((void)(p), (void)(n))
#define FUZZ_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace {

using mini_redis::ArgList;
using mini_redis::FrameParser;
using mini_redis::ParseResult;
using mini_redis::ParserLimits;
using mini_redis::ParseStatus;

using Frame = std::vector<std::string>;

// How a run ended.
struct Outcome {
    std::vector<Frame> frames;
    bool error = false;  // false: stopped at NeedMore
    std::string error_text;
    size_t taken = 0;  // stream bytes the parser consumed (or had written into its block)
    size_t held = 0;   // heldBytes() at the end
};

[[noreturn]] void violation(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "frame_parser_fuzz: property violated: %s\n%s\n", what, detail.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

std::string show(std::string_view s) {
    std::string out;
    for (unsigned char c : s.substr(0, 120)) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    if (s.size() > 120) out += "...(" + std::to_string(s.size()) + " bytes)";
    return out;
}

std::string describe(const Outcome& o) {
    std::string s = std::to_string(o.frames.size()) + " frame(s), then ";
    s += o.error ? "error \"" + o.error_text + "\""
                 : "need more (" + std::to_string(o.taken) + " bytes taken, " +
                       std::to_string(o.held) + " held)";
    for (const Frame& f : o.frames) {
        s += "\n  [";
        for (const std::string& a : f) s += " \"" + show(a) + "\"";
        s += " ]";
    }
    return s;
}

// A batch's argument list; with `prefilled`, arguments of earlier requests are already in it.
void startList(ArgList& list, bool prefilled) {
    if (prefilled) {
        list.append("SET");
        list.append(std::string_view("k\0\r\n", 4));
    }
}

void keptEarlier(const ArgList& list, size_t count, bool prefilled) {
    if (list.size() < count) violation("earlier arguments dropped");
    if (prefilled && (list[0] != "SET" || list[1] != std::string_view("k\0\r\n", 4))) {
        violation("earlier arguments changed");
    }
}

// One parse() call with the contract checks of property 1. A completed frame goes to `o`.
ParseResult parseChecked(FrameParser& parser, std::string_view in, const ParserLimits& limits,
                         ArgList& list, bool prefilled, Outcome& o) {
    const size_t args_before = list.size();
    const size_t bytes_before = list.byteSize();
    ParseResult r = parser.parse(in, limits, list);
    if (r.consumed > in.size()) {
        violation("consumed more than given",
                  std::to_string(r.consumed) + " > " + std::to_string(in.size()));
    }
    keptEarlier(list, args_before, prefilled);
    if ((r.status == ParseStatus::Error) == r.error.empty()) {
        violation("an error text exactly when the status is Error", r.error);
    }
    switch (r.status) {
        case ParseStatus::Complete: {
            if (!parser.idle() || parser.heldBytes() != 0) {
                violation("parser not idle after Complete", std::to_string(parser.heldBytes()));
            }
            Frame f;
            for (size_t i = args_before; i < list.size(); ++i) f.emplace_back(list[i]);
            o.frames.push_back(std::move(f));
            break;
        }
        case ParseStatus::Error:
            if (!parser.idle() || parser.heldBytes() != 0) violation("parser not idle after Error");
            [[fallthrough]];
        case ParseStatus::NeedMore:
            if (list.size() != args_before || list.byteSize() != bytes_before) {
                violation("NeedMore/Error changed the argument list", show(in));
            }
            break;
    }
    return r;
}

bool isLimitError(const std::string& text) {
    return text == "Protocol error: too big mbulk count string" ||
           text == "Protocol error: too big bulk count string";
}

bool isLengthError(const std::string& text) {
    return text == "Protocol error: invalid multibulk length" ||
           text == "Protocol error: invalid bulk length";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const uint8_t flags = data[0];
    const size_t nsizes = data[1] % 16;
    if (size < 2 + nsizes) return 0;
    std::vector<size_t> read_sizes;
    for (size_t i = 0; i < nsizes; ++i) read_sizes.push_back(size_t{data[2 + i]} + 1);
    if (read_sizes.empty()) read_sizes.push_back(1);
    const std::string_view stream(reinterpret_cast<const char*>(data) + 2 + nsizes,
                                  size - 2 - nsizes);

    ParserLimits limits;
    if (flags & 1) {
        limits.inline_max = 64;  // above any valid header line ("$-9223372036854775808")
        limits.bulk_max = 64 * 1024;
        limits.multibulk_max = 16;
    }
    const bool prefilled = flags & 2;
    limits.authenticated = !(flags & 4);
    const bool direct = flags & 8;

    // One-shot. libFuzzer's copy of the input is exactly its size: ASan guards its end.
    Outcome whole;
    {
        FrameParser parser;
        ArgList list;
        startList(list, prefilled);
        size_t pos = 0;
        while (true) {
            ParseResult r =
                parseChecked(parser, stream.substr(pos), limits, list, prefilled, whole);
            pos += r.consumed;
            if (r.status == ParseStatus::Complete) continue;
            if (r.status == ParseStatus::Error) {
                whole.error = true;
                whole.error_text = r.error;
            }
            break;
        }
        whole.taken = pos;
        whole.held = parser.heldBytes();
        if (parser.bytesExamined() > 3 * stream.size()) {
            violation(
                "one-shot examined more than 3 bytes per byte",
                std::to_string(parser.bytesExamined()) + " for " + std::to_string(stream.size()));
        }
    }

    // In pieces. `buf` holds the stream; [start, at) is what the connection has buffered and
    // not yet handed over; bytes from `at` on have not arrived and stay poisoned.
    Outcome pieces;
    {
        std::unique_ptr<char[]> buf(new char[stream.size() + 1]);
        std::memcpy(buf.get(), stream.data(), stream.size());
        FUZZ_POISON(buf.get(), stream.size() + 1);
        FrameParser parser;
        size_t start = 0;
        size_t at = 0;
        for (size_t i = 0; at < stream.size() && !pieces.error; ++i) {
            size_t n = std::min(read_sizes[i % read_sizes.size()], stream.size() - at);
            // One read: into the parser's block while nothing else is buffered, else the buffer.
            while (n > 0) {
                std::span<char> target =
                    direct && start == at ? parser.directBuffer() : std::span<char>();
                if (!target.empty()) {
                    size_t k = std::min(n, target.size());
                    std::memcpy(target.data(), stream.data() + at, k);
                    parser.commitDirect(k);
                    at += k;
                    start = at;
                    n -= k;
                } else {
                    FUZZ_UNPOISON(buf.get() + at, n);
                    at += n;
                    n = 0;
                }
            }
            // The reactor's loop over what is buffered, into a new batch's list.
            const bool earlier = prefilled && i % 2 == 0;
            ArgList list;
            startList(list, earlier);
            while (true) {
                // An empty buffer is passed as the server's empty buffer is: a null view.
                std::string_view buffered = start == at
                                                ? std::string_view()
                                                : std::string_view(buf.get() + start, at - start);
                ParseResult r = parseChecked(parser, buffered, limits, list, earlier, pieces);
                start += r.consumed;
                if (r.status == ParseStatus::Complete) continue;
                if (r.status == ParseStatus::Error) {
                    pieces.error = true;
                    pieces.error_text = r.error;
                }
                break;
            }
        }
        FUZZ_UNPOISON(buf.get(), stream.size() + 1);
        pieces.taken = start;
        pieces.held = parser.heldBytes();
        if (parser.bytesExamined() > 3 * at) {
            violation("examined more than 3 bytes per byte fed in pieces",
                      std::to_string(parser.bytesExamined()) + " for " + std::to_string(at));
        }
    }

    bool same = pieces.frames == whole.frames && pieces.error == whole.error &&
                pieces.error_text == whole.error_text &&
                (whole.error || (pieces.taken == whole.taken && pieces.held == whole.held));
    if (!same && (flags & 1) && pieces.error && whole.error && pieces.frames == whole.frames &&
        isLimitError(pieces.error_text) && isLengthError(whole.error_text)) {
        same = true;  // the allowed difference (see the top of this file)
    }
    if (!same) {
        violation("split parse differs from one-shot parse",
                  "one-shot:  " + describe(whole) + "\nin pieces: " + describe(pieces));
    }
    return 0;
}
