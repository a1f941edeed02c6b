// writeRdb: the file's framing around ValueCodec; buffered, checksummed as it goes.
#include "rdb_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>

#include "crc64.h"
#include "info_report.h"
#include "rdb_encoder.h"
#include "value_codec.h"

namespace mini_redis {

namespace {

constexpr size_t kFlushBytes = 256 * 1024;

// Writes the snapshot through `sink` (called with each full buffer and at the end).
bool writeSnapshot(Store& store, const RdbOptions& opts,
                   const std::function<bool(std::string_view)>& sink) {
    std::string buf;
    buf.reserve(kFlushBytes * 2);
    RdbEncoder enc(buf, opts.compression);
    uint64_t crc = 0;
    auto flush = [&]() {
        if (opts.checksum) crc = Crc64::update(crc, buf.data(), buf.size());
        bool ok = sink(buf);
        buf.clear();
        return ok;
    };
    char header[16];
    std::snprintf(header, sizeof header, "REDIS%04d", kRdbVersion);
    buf.append(header);
    auto aux = [&](std::string_view key, std::string_view value) {
        enc.byte(rdb::kOpAux);
        enc.string(key);
        enc.string(value);
    };
    auto auxInt = [&](std::string_view key, int64_t value) {
        enc.byte(rdb::kOpAux);
        enc.string(key);
        enc.integerString(value);
    };
    aux("redis-ver", kRedisVersion);
    auxInt("redis-bits", sizeof(void*) * 8);
    auxInt("ctime", static_cast<int64_t>(std::time(nullptr)));
    auxInt("used-mem", static_cast<int64_t>(store.usedBytes()));
    auxInt("aof-base", 0);
    for (int db = 0; db < store.databases(); ++db) {
        const size_t keys = store.dbSize(db);
        if (keys == 0) continue;
        enc.byte(rdb::kOpSelectDb);
        enc.length(static_cast<uint64_t>(db));
        enc.byte(rdb::kOpResizeDb);
        enc.length(keys);
        enc.length(store.dbExpires(db));
        bool ok = true;
        store.forEachEntryHeld(db, [&](const KeyTable::Entry* e) {
            if (!ok) return;
            const int64_t at = KeyTable::expireAt(e);
            if (at != kNoExpiry) {
                enc.byte(rdb::kOpExpireTimeMs);
                enc.millis(at);
            }
            enc.byte(ValueCodec::rdbType(e));
            enc.string(KeyTable::key(e));
            ValueCodec::write(e, enc);
            if (buf.size() >= kFlushBytes) ok = flush();
        });
        if (!ok) return false;
    }
    enc.byte(rdb::kOpEof);
    if (opts.checksum) crc = Crc64::update(crc, buf.data(), buf.size());
    for (int i = 0; i < 8; ++i) enc.byte(static_cast<uint8_t>((crc >> (8 * i)) & 0xff));
    return sink(buf);
}

}  // namespace

bool writeRdb(int fd, Store& store, const RdbOptions& opts, std::string* error) {
    return writeSnapshot(store, opts, [&](std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::write(fd, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                if (error) *error = std::string("write error: ") + std::strerror(errno);
                return false;
            }
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    });
}

std::string rdbBytes(Store& store, const RdbOptions& opts) {
    std::string out;
    writeSnapshot(store, opts, [&](std::string_view data) {
        out.append(data);
        return true;
    });
    return out;
}

}  // namespace mini_redis
