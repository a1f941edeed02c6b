// Redis 7.0's multi-part AOF manifest: its text format (parse and format), and the names of
// the files it lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis {

// What a listed file is to the AOF (the manifest's `type` letter).
enum class AofFileType : char {
    Base = 'b',     // the snapshot the incr files apply to (RESP, or RDB with a preamble)
    History = 'h',  // replaced by a rewrite; deleted once the new manifest is on disk
    Incr = 'i',     // commands appended after the base, in seq order
};

struct AofFileInfo {
    std::string name;  // a plain file name inside the AOF directory (no '/')
    int64_t seq = 0;
    AofFileType type = AofFileType::Base;

    bool operator==(const AofFileInfo&) const = default;
};

// A plain value; the owner (AofDirectory, or the loader) decides which thread touches it.
// Lines are `file <name> seq <n> type <b|h|i>`, written base first, then history, then incr
// (as Redis 7.0 writes them); a name that needs it is quoted and escaped as Redis does.
struct AofManifest {
    std::optional<AofFileInfo> base;
    std::vector<AofFileInfo> history;
    std::vector<AofFileInfo> incrs;  // strictly increasing seq; the last is the one appended to
    int64_t base_seq = 0;            // the highest base seq used (the next base is +1)
    int64_t incr_seq = 0;            // the highest incr seq used (the next incr is +1)

    bool empty() const { return !base && incrs.empty() && history.empty(); }

    // Parses a manifest's text as Redis 7.0 reads it: '#' lines are comments, trailing
    // whitespace (CR included) is dropped, keys other than file/seq/type are ignored (Redis
    // keeps them for later versions). Errors (line number and why): a line without its
    // newline, an empty line, unbalanced quotes, a missing file/seq/type, a bad seq, an
    // unknown type, a second base, a duplicate file name, incr seqs not increasing, an
    // empty manifest.
    static std::optional<AofManifest> parse(std::string_view text, std::string* error);
    // The manifest's text, as Redis 7.0 writes it.
    std::string format() const;

    // `<prefix>.<seq>.base.rdb` (or `.base.aof`), `<prefix>.<seq>.incr.aof`,
    // `<prefix>.manifest`, where prefix is appendfilename.
    static std::string baseName(std::string_view prefix, int64_t seq, bool rdb);
    static std::string incrName(std::string_view prefix, int64_t seq);
    static std::string manifestName(std::string_view prefix);

    // A name as the manifest writes it: as is, or in double quotes with Redis's escapes when it
    // holds a space, a quote, a backslash or a byte that is not printable.
    static std::string quoteName(std::string_view name);
};

}  // namespace mini_redis
