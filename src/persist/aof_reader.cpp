// The AOF reader: a mapped file parsed in place, one command at a time.
#include "aof_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mini_redis {

namespace {

// Bounds on what one command may claim, as the server's own limits allow at most
// (proto-max-multibulk-len, proto-max-bulk-len): a count past them is corruption, not a
// command the end of the file cut.
constexpr int64_t kMaxArgs = INT32_MAX;
constexpr int64_t kMaxBulk = 4LL * 1024 * 1024 * 1024;

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != b[i]) return false;
    }
    return true;
}

std::string shown(char c) {
    if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
    return hex;
}

}  // namespace

AofReader::~AofReader() {
    close();
}

bool AofReader::open(const std::string& path, std::string* error) {
    close();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (error) *error = "cannot open " + path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        if (error) *error = "cannot stat " + path + ": " + std::strerror(errno);
        ::close(fd);
        return false;
    }
    if (st.st_size > 0) {
        void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            if (error) *error = "cannot map " + path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        ::madvise(p, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
        map_ = p;
        map_size_ = static_cast<size_t>(st.st_size);
        bytes_ = std::string_view(static_cast<const char*>(p), map_size_);
    }
    ::close(fd);
    return true;
}

void AofReader::openBytes(std::string_view bytes) {
    close();
    bytes_ = bytes;
}

void AofReader::close() {
    if (map_ != nullptr) ::munmap(map_, map_size_);
    map_ = nullptr;
    map_size_ = 0;
    bytes_ = {};
    pos_ = 0;
    in_multi_ = false;
    multi_offset_ = 0;
    problem_offset_ = 0;
    problem_.clear();
}

AofReader::Parse AofReader::bad(size_t at, std::string what) {
    problem_offset_ = at;
    problem_ = std::move(what);
    return Parse::Bad;
}

// `<prefix><digits>\r\n`: the value in `value`, `pos` past the CRLF.
AofReader::Parse AofReader::parseNumber(size_t& pos, char prefix, int64_t& value) {
    const size_t n = bytes_.size();
    if (pos >= n) return Parse::NeedMore;
    if (bytes_[pos] != prefix) {
        return bad(pos, std::string("expected '") + prefix + "', found " + shown(bytes_[pos]));
    }
    ++pos;
    value = 0;
    size_t digits = 0;
    while (pos < n && bytes_[pos] >= '0' && bytes_[pos] <= '9') {
        if (value > (INT64_MAX - 9) / 10) return bad(pos, "a number too large");
        value = value * 10 + (bytes_[pos] - '0');
        ++pos;
        ++digits;
    }
    if (pos >= n) return Parse::NeedMore;
    if (digits == 0) return bad(pos, "expected a digit, found " + shown(bytes_[pos]));
    if (bytes_[pos] != '\r') return bad(pos, "expected a digit or CR, found " + shown(bytes_[pos]));
    if (pos + 1 >= n) return Parse::NeedMore;
    if (bytes_[pos + 1] != '\n')
        return bad(pos + 1, "expected LF, found " + shown(bytes_[pos + 1]));
    pos += 2;
    return Parse::Ok;
}

AofReader::Parse AofReader::parseCommand(size_t& pos, std::vector<std::string_view>& argv) {
    argv.clear();
    const size_t start = pos;
    int64_t count = 0;
    if (Parse p = parseNumber(pos, '*', count); p != Parse::Ok) return p;
    if (count < 1 || count > kMaxArgs)
        return bad(start, "a command of " + std::to_string(count) + " arguments");
    for (int64_t i = 0; i < count; ++i) {
        const size_t at = pos;
        int64_t len = 0;
        if (Parse p = parseNumber(pos, '$', len); p != Parse::Ok) return p;
        if (len > kMaxBulk) return bad(at, "an argument of " + std::to_string(len) + " bytes");
        const size_t need = static_cast<size_t>(len) + 2;
        if (bytes_.size() - pos < need) {
            // Every byte there is must still be the argument (the CRLF may be partly there).
            return Parse::NeedMore;
        }
        if (bytes_[pos + static_cast<size_t>(len)] != '\r') {
            return bad(pos + static_cast<size_t>(len),
                       "expected CR after " + std::to_string(len) + " bytes, found " +
                           shown(bytes_[pos + static_cast<size_t>(len)]));
        }
        if (bytes_[pos + static_cast<size_t>(len) + 1] != '\n') {
            return bad(pos + static_cast<size_t>(len) + 1,
                       "expected LF, found " + shown(bytes_[pos + static_cast<size_t>(len) + 1]));
        }
        argv.emplace_back(bytes_.data() + pos, static_cast<size_t>(len));
        pos += need;
    }
    return Parse::Ok;
}

AofReader::Status AofReader::next(std::vector<std::string_view>& argv, uint64_t* at) {
    while (true) {
        if (pos_ >= bytes_.size()) {
            if (in_multi_) {  // the EXEC never came: cut at the MULTI, as Redis does
                problem_offset_ = multi_offset_;
                return Status::Torn;
            }
            return Status::End;
        }
        if (bytes_[pos_] == '#') {  // an annotation line (Redis's "#TS:<unix time>")
            size_t nl = bytes_.find('\n', pos_);
            if (nl == std::string_view::npos) {
                problem_offset_ = in_multi_ ? multi_offset_ : pos_;
                return Status::Torn;
            }
            pos_ = nl + 1;
            continue;
        }
        size_t pos = pos_;
        switch (parseCommand(pos, argv)) {
            case Parse::NeedMore:
                problem_offset_ = in_multi_ ? multi_offset_ : pos_;
                return Status::Torn;
            case Parse::Bad:
                return Status::Corrupt;
            case Parse::Ok:
                break;
        }
        if (at) *at = pos_;
        if (equalsNoCase(argv[0], "multi")) {
            in_multi_ = true;
            multi_offset_ = pos_;
        } else if (equalsNoCase(argv[0], "exec")) {
            in_multi_ = false;
        }
        pos_ = pos;
        return Status::Command;
    }
}

}  // namespace mini_redis
