// The RDB loader: header, opcodes, keys (through ValueCodec), EOF and the checksum.
#include "rdb_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "crc64.h"
#include "lock_scope.h"
#include "rdb_decoder.h"
#include "rdb_format.h"

namespace mini_redis {

namespace {

constexpr size_t kKeysPerScope = 1024;  // keys stored under one LockScope (all shards held)
constexpr uint64_t kProgressBytes = 1 << 20;

RdbLoadResult failed(std::string error) {
    RdbLoadResult r;
    r.error = std::move(error);
    return r;
}

}  // namespace

RdbLoadResult loadRdbBytes(std::string_view bytes, Store& store, const RdbProgress& progress,
                           const CollectionLimits& limits, RdbTrailing trailing) {
    RdbLoadResult result;
    if (bytes.size() < 9 || bytes.substr(0, 5) != "REDIS") {
        return failed("not an RDB file (no REDIS signature)");
    }
    int version = 0;
    for (char c : bytes.substr(5, 4)) {
        if (c < '0' || c > '9') return failed("bad RDB version in the header");
        version = version * 10 + (c - '0');
    }
    if (version < 1 || version > kRdbVersion) {
        return failed("can't handle RDB format version " + std::to_string(version));
    }
    RdbDecoder dec(bytes.substr(9), 9);
    const int64_t now = store.clock().nowMs();
    int db = 0;
    int64_t expire_at = kNoExpiry;
    std::unique_ptr<LockScope> scope;
    size_t in_scope = 0;
    uint64_t next_progress = kProgressBytes;
    std::string key, s1, s2;
    DecodedValue value;
    while (true) {
        uint8_t type;
        if (!dec.byte(type)) return failed(dec.error());
        if (progress && dec.pos() >= next_progress) {
            if (!progress(dec.pos() + 9, bytes.size())) {
                return failed("interrupted at offset " + std::to_string(dec.pos() + 9));
            }
            next_progress = dec.pos() + kProgressBytes;
        }
        switch (type) {
            case rdb::kOpEof: {
                if (version >= 5) {
                    const size_t crc_at = dec.pos() + 9;  // offset of the checksum in `bytes`
                    std::string_view stored;
                    if (!dec.fixed(8, stored)) return failed(dec.error());
                    uint64_t want = 0;
                    for (int i = 0; i < 8; ++i) {
                        want |= static_cast<uint64_t>(static_cast<uint8_t>(stored[i])) << (8 * i);
                    }
                    if (want != 0 && Crc64::update(0, bytes.data(), crc_at) != want) {
                        return failed("wrong RDB checksum (at offset " + std::to_string(crc_at) +
                                      ")");
                    }
                }
                if (trailing == RdbTrailing::Refuse && !dec.atEnd()) {
                    dec.fail("bytes after the end of the RDB");
                }
                if (!dec.ok()) return failed(dec.error());
                scope.reset();
                result.consumed = dec.pos() + 9;
                if (progress) progress(result.consumed, bytes.size());
                result.ok = true;
                return result;
            }
            case rdb::kOpSelectDb: {
                uint64_t n;
                if (!dec.length(n)) return failed(dec.error());
                if (n >= static_cast<uint64_t>(store.databases())) {
                    dec.fail("database " + std::to_string(n) + " out of range (databases is " +
                             std::to_string(store.databases()) + ")");
                    return failed(dec.error());
                }
                db = static_cast<int>(n);
                continue;
            }
            case rdb::kOpResizeDb: {
                uint64_t a, b;
                if (!dec.length(a) || !dec.length(b)) return failed(dec.error());
                continue;
            }
            case rdb::kOpAux:
                if (!dec.string(s1) || !dec.string(s2)) return failed(dec.error());
                continue;
            case rdb::kOpExpireTimeMs:
                if (!dec.millis(expire_at)) return failed(dec.error());
                continue;
            case rdb::kOpExpireTime:
                if (!dec.seconds(expire_at)) return failed(dec.error());
                expire_at *= 1000;
                continue;
            case rdb::kOpIdle: {
                uint64_t idle;
                if (!dec.length(idle)) return failed(dec.error());
                continue;
            }
            case rdb::kOpFreq: {
                uint8_t freq;
                if (!dec.byte(freq)) return failed(dec.error());
                continue;
            }
            case rdb::kOpModuleAux:
                dec.fail("module data is not supported");
                return failed(dec.error());
            case rdb::kOpFunction:
            case rdb::kOpFunction2:
                dec.fail("functions are not supported");
                return failed(dec.error());
            default:
                break;
        }
        // A key: its value type, name and value.
        if (!dec.string(key)) return failed(dec.error());
        if (!ValueCodec::read(type, dec, limits, value)) return failed(dec.error());
        const int64_t at = expire_at;
        expire_at = kNoExpiry;
        if (at != kNoExpiry && at < now) continue;  // expired: skipped, as Redis's master does
        if (value.type != ValueType::String && !value.coll) continue;  // empty: no key
        if (!scope || in_scope == kKeysPerScope) {
            scope.reset();
            scope = std::make_unique<LockScope>(store);
            scope->lockAll();
            in_scope = 0;
        }
        ++in_scope;
        if (value.type == ValueType::String) {
            scope->setString(db, key, value.str, at);
        } else {
            scope->setCollection(db, key, value.type, std::move(value.coll), at);
        }
        ++result.keys;
    }
}

RdbLoadResult loadRdbFile(const std::string& path, Store& store, const RdbProgress& progress,
                          const CollectionLimits& limits) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return failed(path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        return failed(path + ": " + std::strerror(e));
    }
    const size_t size = static_cast<size_t>(st.st_size);
    if (size == 0) {
        ::close(fd);
        return failed(path + ": empty file");
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) return failed(path + ": mmap: " + std::strerror(errno));
    ::madvise(map, size, MADV_SEQUENTIAL);
    RdbLoadResult r = loadRdbBytes(std::string_view(static_cast<const char*>(map), size), store,
                                   progress, limits);
    ::munmap(map, size);
    if (!r.ok) r.error = path + ": " + r.error;
    return r;
}

}  // namespace mini_redis
