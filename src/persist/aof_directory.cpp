// The AOF directory's file operations: manifest load and atomic switch, new incr, rewrite.
#include "aof_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mini_redis {

namespace {

// Manifests are tiny (Redis's lines are at most 1 KiB); one bigger than this is not one.
constexpr off_t kMaxManifestBytes = 16 * 1024 * 1024;

std::string sysError(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

bool writeAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

AofDirectory::AofDirectory(std::string dir, std::string prefix)
    : dir_(std::move(dir)), prefix_(std::move(prefix)) {}

bool AofDirectory::load(std::string* error) {
    manifest_ = AofManifest{};
    const std::string path = manifestPath();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return true;  // a new AOF
        if (error) *error = sysError("cannot open the AOF manifest", path);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size > kMaxManifestBytes) {
        if (error) *error = "the AOF manifest " + path + " is unreadable or too big";
        ::close(fd);
        return false;
    }
    std::string text(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < text.size()) {
        ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    text.resize(got);
    std::string why;
    auto parsed = AofManifest::parse(text, &why);
    if (!parsed) {
        if (error) *error = "bad AOF manifest " + path + ": " + why;
        return false;
    }
    manifest_ = std::move(*parsed);
    return true;
}

bool AofDirectory::ensureDir(std::string* error) {
    if (::mkdir(dir_.c_str(), 0755) == 0 || errno == EEXIST) return true;
    if (error) *error = sysError("cannot create the AOF directory", dir_);
    return false;
}

bool AofDirectory::fsyncDir(std::string* error) const {
    int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (error) *error = sysError("cannot fsync the AOF directory", dir_);
        if (fd >= 0) ::close(fd);
        return false;
    }
    ::close(fd);
    return true;
}

bool AofDirectory::persist(const AofManifest& m, std::string* error) {
    if (!ensureDir(error)) return false;
    const std::string tmp = filePath("temp-" + AofManifest::manifestName(prefix_));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (error) *error = sysError("cannot create", tmp);
        return false;
    }
    const std::string text = m.format();
    if (!writeAll(fd, text) || ::fsync(fd) != 0) {
        if (error) *error = sysError("cannot write", tmp);
        ::close(fd);
        ::unlink(tmp.c_str());
        return false;
    }
    ::close(fd);
    const std::string path = manifestPath();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        if (error) *error = sysError("cannot rename the new manifest onto", path);
        ::unlink(tmp.c_str());
        return false;
    }
    // The rename is the switch; once the directory is synced it survives a power loss.
    if (!fsyncDir(error)) return false;
    manifest_ = m;
    return true;
}

bool AofDirectory::upgradeFromLegacy(const std::string& legacy_path, bool* upgraded,
                                     std::string* error) {
    *upgraded = false;
    if (!exists(legacy_path)) return true;
    const std::string target = filePath(prefix_);
    if (manifest_.empty()) {
        AofManifest m;
        m.base = AofFileInfo{prefix_, 1, AofFileType::Base};
        m.base_seq = 1;
        if (!persist(m, error)) return false;
    } else if (!(manifest_.base && manifest_.base->name == prefix_ && !exists(target))) {
        return true;  // a manifest of its own: the old file is not part of this AOF
    }
    if (::rename(legacy_path.c_str(), target.c_str()) != 0) {
        if (error) *error = sysError("cannot move the old AOF into", target);
        return false;
    }
    *upgraded = true;
    return fsyncDir(error);
}

int AofDirectory::openNewIncr(std::string* error) {
    if (!ensureDir(error)) return -1;
    AofManifest next = manifest_;
    ++next.incr_seq;
    const std::string name = AofManifest::incrName(prefix_, next.incr_seq);
    const std::string path = filePath(name);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (error) *error = sysError("cannot create the AOF file", path);
        return -1;
    }
    next.incrs.push_back(AofFileInfo{name, next.incr_seq, AofFileType::Incr});
    if (!persist(next, error)) {
        ::close(fd);
        ::unlink(path.c_str());
        return -1;
    }
    return fd;
}

int AofDirectory::openForAppend(std::string* error) {
    if (manifest_.incrs.empty()) return openNewIncr(error);
    const std::string path = filePath(manifest_.incrs.back().name);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 && error) *error = sysError("cannot open the AOF file", path);
    return fd;
}

std::string AofDirectory::nextBaseName(bool rdb) const {
    return AofManifest::baseName(prefix_, manifest_.base_seq + 1, rdb);
}

bool AofDirectory::installRewrite(const std::string& temp_path, bool rdb, std::string* error) {
    AofManifest next = manifest_;
    const std::string name = nextBaseName(rdb);
    const std::string path = filePath(name);
    if (::rename(temp_path.c_str(), path.c_str()) != 0) {
        if (error) *error = sysError("cannot rename the rewritten AOF to", path);
        return false;
    }
    if (next.base) {
        next.base->type = AofFileType::History;
        next.history.push_back(*next.base);
    }
    next.base_seq += 1;
    next.base = AofFileInfo{name, next.base_seq, AofFileType::Base};
    while (next.incrs.size() > 1) {
        AofFileInfo old = next.incrs.front();
        next.incrs.erase(next.incrs.begin());
        old.type = AofFileType::History;
        next.history.push_back(std::move(old));
    }
    if (!persist(next, error)) {
        ::unlink(path.c_str());  // not named by the manifest on disk: the old AOF stands
        return false;
    }
    return deleteHistory(error);
}

bool AofDirectory::deleteHistory(std::string* error) {
    if (manifest_.history.empty()) return true;
    AofManifest next = manifest_;
    auto doomed = std::move(next.history);
    next.history.clear();
    if (!persist(next, error)) return false;
    for (const auto& f : doomed) ::unlink(filePath(f.name).c_str());
    return true;
}

}  // namespace mini_redis
