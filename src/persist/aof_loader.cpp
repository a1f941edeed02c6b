// AOF replay: each file read by AofReader, its commands run in batches by CommandExecutor.
#include "aof_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "aof_reader.h"
#include "log.h"
#include "rdb_loader.h"

namespace mini_redis {

namespace {

// A replay batch holds this many commands (or this many argument bytes) before it runs: big
// enough that batching pays, small enough that progress moves.
constexpr size_t kBatchCommands = 512;
constexpr size_t kBatchBytes = 1024 * 1024;

uint64_t fileSize(const std::string& path, bool* exists) {
    struct stat st {};
    *exists = ::stat(path.c_str(), &st) == 0;
    return *exists ? static_cast<uint64_t>(st.st_size) : 0;
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

}  // namespace

AofLoadResult AofLoader::load(AofDirectory& dir, const std::string& legacy_path,
                              bool load_truncated) {
    AofLoadResult result;
    std::string err;
    if (!dir.load(&err)) {
        result.error = err;
        return result;
    }
    bool upgraded = false;
    if (!dir.upgradeFromLegacy(legacy_path, &upgraded, &err)) {
        result.error = err;
        return result;
    }
    if (upgraded) {
        LOG_WARNING(
            "AOF: moved the old single AOF %s into %s and wrote a manifest for it "
            "(the multi-part layout of Redis 7.0)",
            legacy_path.c_str(), dir.path().c_str());
    }
    const AofManifest& m = dir.manifest();
    if (m.empty()) {
        result.ok = true;  // a new AOF: nothing to load
        return result;
    }
    result.found = true;
    std::vector<const AofFileInfo*> files;
    if (m.base) files.push_back(&*m.base);
    for (const auto& f : m.incrs) files.push_back(&f);
    uint64_t total = 0;
    for (const AofFileInfo* f : files) {
        bool exists = false;
        total += fileSize(dir.filePath(f->name), &exists);
        if (!exists) {
            result.error = "AOF file " + dir.filePath(f->name) + ", listed in the manifest " +
                           dir.manifestPath() + ", does not exist: " + std::strerror(errno);
            return result;
        }
    }
    progress_.total_bytes.store(total, std::memory_order_relaxed);
    uint64_t done = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string path = dir.filePath(files[i]->name);
        bool exists = false;
        const uint64_t size = fileSize(path, &exists);
        if (!replayFile(path, files[i]->name, i + 1 == files.size(), load_truncated, done,
                        result)) {
            return result;
        }
        done += size;
        progress_.loaded_bytes.store(done, std::memory_order_relaxed);
    }
    result.ok = true;
    return result;
}

void AofLoader::flush(Batch& batch) {
    while (batch.executed < batch.argc.size()) {
        executor_.run(batch, stats_);
        if (batch.block.active()) {  // a blocking command that found nothing: it did nothing
            batch.block.clear();
            ++batch.executed;
        }
        batch.reply.clear();
        batch.monitor_lines.clear();
        batch.ready_keys.clear();
        batch.overflow = false;
        if (batch.close_after) break;  // QUIT in an AOF: nothing after it in this batch
    }
    batch.close_after = false;
    batch.args.clear();
    batch.argc.clear();
    batch.executed = 0;
}

bool AofLoader::replayFile(const std::string& path, const std::string& name, bool last,
                           bool load_truncated, uint64_t done_before, AofLoadResult& result) {
    AofReader reader;
    std::string err;
    if (!reader.open(path, &err)) {
        result.error = "cannot load the AOF: " + err;
        return false;
    }
    if (reader.isRdb()) {
        // Written with the RDB preamble: the snapshot first, then any commands after it. A
        // Redis 7 base ends with the snapshot; an AOF of Redis 4 to 6 (the single file that
        // upgradeFromLegacy moved in) goes on with the commands written since its rewrite.
        auto progress = [&](uint64_t done, uint64_t) {
            progress_.loaded_bytes.store(done_before + done, std::memory_order_relaxed);
            return cancel_ == nullptr || !cancel_->load(std::memory_order_relaxed);
        };
        RdbLoadResult r =
            loadRdbBytes(reader.bytes(), store_, progress, limits_, RdbTrailing::Allow);
        if (!r.ok) {
            result.error = "cannot load the RDB preamble of " + path + ": " + r.error;
            return false;
        }
        if (r.consumed == reader.size()) {
            LOG_INFO("AOF: loaded the RDB base %s", name.c_str());
            return true;
        }
        LOG_INFO("AOF: loaded the RDB preamble of %s (%llu bytes); replaying the commands after it",
                 name.c_str(), static_cast<unsigned long long>(r.consumed));
        reader.seek(r.consumed);
    }
    // Each file is replayed by a client of its own, as Redis does: database 0, no MULTI open.
    Batch batch;
    batch.replay = true;
    batch.session.authenticated = true;
    size_t batch_bytes = 0;
    std::vector<std::string_view> argv;
    uint64_t at = 0;
    uint64_t commands = 0;
    while (true) {
        AofReader::Status s = reader.next(argv, &at);
        if (s == AofReader::Status::Command) {
            if (table_.resolve(argv) == nullptr) {
                result.error = "unknown command '" + printable(argv[0]) + "' in AOF file " + path +
                               " at offset " + std::to_string(at);
                return false;
            }
            for (std::string_view a : argv) batch.args.append(a);
            batch.argc.push_back(static_cast<uint32_t>(argv.size()));
            batch_bytes += reader.offset() - at;
            ++commands;
            if (batch.argc.size() >= kBatchCommands || batch_bytes >= kBatchBytes) {
                flush(batch);
                batch_bytes = 0;
                progress_.loaded_bytes.store(done_before + reader.offset(),
                                             std::memory_order_relaxed);
                if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
                    result.error = "loading of " + path + " interrupted (shutting down)";
                    return false;
                }
            }
            continue;
        }
        flush(batch);
        result.commands += commands;
        if (s == AofReader::Status::End) break;
        if (s == AofReader::Status::Corrupt) {
            result.error = "AOF file " + path + " is corrupt at offset " +
                           std::to_string(reader.problemOffset()) + " (" + reader.problem() +
                           "); refusing to start (redis-check-aof --fix can cut the file there)";
            return false;
        }
        // Torn: the file ends inside a command (or a transaction).
        const uint64_t good = reader.problemOffset();
        const uint64_t size = reader.size();
        if (!last) {
            result.error = "AOF file " + path + " ends in a torn command at offset " +
                           std::to_string(good) + " of " + std::to_string(size) +
                           " bytes, but it is not the last file; refusing to start";
            return false;
        }
        if (!load_truncated) {
            result.error = "AOF file " + path + " ends in a torn command at offset " +
                           std::to_string(good) + " of " + std::to_string(size) +
                           " bytes; refusing to start (aof-load-truncated is no: set it to "
                           "yes to cut the torn command off, or run redis-check-aof --fix)";
            return false;
        }
        reader.close();
        int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(good)) != 0 || ::fsync(fd) != 0) {
            result.error = "cannot truncate the torn AOF file " + path + " to " +
                           std::to_string(good) + " bytes: " + std::strerror(errno);
            if (fd >= 0) ::close(fd);
            return false;
        }
        ::close(fd);
        LOG_WARNING(
            "AOF file %s ends in a torn command (the process died mid-write): truncated "
            "it at offset %llu, dropping %llu bytes, as aof-load-truncated is yes",
            path.c_str(), static_cast<unsigned long long>(good),
            static_cast<unsigned long long>(size - good));
        result.truncated = true;
        break;
    }
    LOG_INFO("AOF: replayed %llu commands from %s", static_cast<unsigned long long>(commands),
             name.c_str());
    return true;
}

}  // namespace mini_redis
