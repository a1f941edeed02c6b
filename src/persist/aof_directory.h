// The AOF directory on disk (dir/appenddirname): its manifest, read and switched atomically, the
// files it names, and the steps a rewrite takes so that a crash at any point leaves a
// directory that loads.
#pragma once

#include <string>
#include <string_view>

#include "aof_manifest.h"

namespace mini_redis {

// One owner thread at a time: the start-up loader, then the AOF writer (the lead's, on the
// reactor). Nothing here is synchronised; the file system calls block.
class AofDirectory {
  public:
    // `dir` is the AOF directory's path (dir/appenddirname); `prefix` is appendfilename.
    AofDirectory(std::string dir, std::string prefix);

    const std::string& path() const { return dir_; }
    const std::string& prefix() const { return prefix_; }
    std::string filePath(std::string_view name) const { return dir_ + "/" + std::string(name); }
    std::string manifestPath() const { return filePath(AofManifest::manifestName(prefix_)); }
    const AofManifest& manifest() const { return manifest_; }

    // Reads the manifest. A missing directory or manifest is not an error: the manifest is
    // then empty (a new AOF). Errors name the manifest's path and the line.
    bool load(std::string* error);

    // Redis 7.0's upgrade from one old-style AOF: when there is no manifest and `legacy_path`
    // (dir/appendfilename) exists, the directory is created, a manifest naming that file as
    // base (seq 1) is persisted, and the file is moved into the directory. Also finishes an
    // upgrade that a crash interrupted between those two steps. Returns false on an IO error;
    // `*upgraded` says whether anything was done.
    bool upgradeFromLegacy(const std::string& legacy_path, bool* upgraded, std::string* error);

    // Creates the directory if it does not exist.
    bool ensureDir(std::string* error);

    // Writes `m` as the manifest atomically: a temp file in the directory, fsync, rename over
    // the manifest, fsync the directory. On success `m` becomes manifest(); on failure the
    // old manifest stays, on disk and here.
    bool persist(const AofManifest& m, std::string* error);

    // The next incr file (seq incr_seq + 1): created empty, then a manifest listing it is
    // persisted, and only then is its fd (O_WRONLY | O_APPEND, close-on-exec; the caller owns
    // it) returned, so nothing is ever written to a file the manifest does not name. Called
    // at start-up (the file the AOF writer appends to) and when a rewrite starts (the writes
    // made during the rewrite go to the new incr). -1 on error, the manifest unchanged.
    int openNewIncr(std::string* error);

    // At start-up, after loading: the file the AOF writer appends to. As Redis 7.0 does, the
    // last incr file is reopened (O_WRONLY | O_APPEND, close-on-exec; the caller owns the fd);
    // with none, a new one is made (openNewIncr). -1 on error.
    int openForAppend(std::string* error);

    // The name the next base gets (seq base_seq + 1); a rewrite writes into a temp file of
    // its own in the directory and hands it to installRewrite().
    std::string nextBaseName(bool rdb) const;

    // A rewrite succeeded: `temp_path` (a file inside the directory, fsynced by the writer)
    // holds the new base. It is renamed to nextBaseName(rdb); a manifest with it as base, the
    // old base and every incr but the last marked history, and the last incr (the one
    // openNewIncr() opened when the rewrite started) is persisted; then the history files
    // are deleted. A crash before the manifest's rename leaves the old manifest, whose files
    // are all still there; after it, the new one.
    bool installRewrite(const std::string& temp_path, bool rdb, std::string* error);

    // Deletes the files marked history, after persisting a manifest without them.
    bool deleteHistory(std::string* error);

  private:
    bool fsyncDir(std::string* error) const;

    std::string dir_;
    std::string prefix_;
    AofManifest manifest_;
};

}  // namespace mini_redis
