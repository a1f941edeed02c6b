// Reads one AOF file back, command by command, telling a torn tail (the process died
// mid-write) from corruption before the tail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis {

// One thread (the loader's). The file is mapped read-only for the reader's life; the views
// next() hands out point into the mapping and stay valid until close() or destruction.
//
// A file is a sequence of RESP multibulk commands (`*N\r\n` then N times `$len\r\n<bytes>\r\n`)
// and '#' annotation lines (Redis's `#TS:` timestamps), which are skipped. At any offset the
// bytes left are either:
//   - a whole command: Status::Command;
//   - nothing: Status::End;
//   - the start of a command that the end of the file cuts (every byte so far valid):
//     Status::Torn, at the offset that command starts;
//   - bytes that no command starts or continues with: Status::Corrupt, at the offset of the
//     first bad byte, with what was expected.
// A MULTI whose EXEC never comes (the file ends inside the transaction) is torn at the
// MULTI's offset, as Redis cuts it: its commands were only queued, never run.
class AofReader {
  public:
    enum class Status {
        Command,  // argv holds the next command; *at its offset
        End,      // the file is done, every command whole
        Torn,     // the file ends in the middle of a command (or a transaction)
        Corrupt,  // a bad byte (problem() says what, problemOffset() where)
    };

    AofReader() = default;
    ~AofReader();
    AofReader(const AofReader&) = delete;
    AofReader& operator=(const AofReader&) = delete;

    // Maps `path`. An error names the file and what failed.
    bool open(const std::string& path, std::string* error);
    // Reads from `bytes` instead (tests; the caller keeps them alive).
    void openBytes(std::string_view bytes);
    void close();

    // The file starts with an RDB snapshot ("REDIS"): a base written with the RDB preamble.
    bool isRdb() const { return bytes_.starts_with("REDIS"); }
    std::string_view bytes() const { return bytes_; }
    uint64_t size() const { return bytes_.size(); }
    // Where the next command starts (bytes consumed so far).
    uint64_t offset() const { return pos_; }
    // Starts reading at `offset` (after an RDB preamble).
    void seek(uint64_t offset) { pos_ = offset; }

    Status next(std::vector<std::string_view>& argv, uint64_t* at);

    // After Torn: where the good part ends (the file is cut there). After Corrupt: the offset
    // of the bad byte.
    uint64_t problemOffset() const { return problem_offset_; }
    // After Corrupt: what was expected there.
    const std::string& problem() const { return problem_; }

  private:
    enum class Parse { Ok, NeedMore, Bad };
    Parse parseCommand(size_t& pos, std::vector<std::string_view>& argv);
    Parse parseNumber(size_t& pos, char prefix, int64_t& value);
    Parse bad(size_t at, std::string what);

    std::string_view bytes_;
    void* map_ = nullptr;
    size_t map_size_ = 0;
    size_t pos_ = 0;
    bool in_multi_ = false;
    size_t multi_offset_ = 0;
    uint64_t problem_offset_ = 0;
    std::string problem_;
};

}  // namespace mini_redis
