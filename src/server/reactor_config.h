// The reactor's snapshot of the running configuration, refreshed when CONFIG SET or a reload
// has replaced it.
#pragma once

#include <cstdint>
#include <memory>

#include "config.h"
#include "shared_config.h"

namespace mini_redis {

// Reactor thread only. One per server, shared by the registry, the pipeline and the
// lifecycle, so a refresh by any of them is seen by all.
class ReactorConfig {
  public:
    explicit ReactorConfig(SharedConfig& shared) : shared_(shared), snapshot_(shared.get()) {}

    // Takes a fresh snapshot if the config changed (one atomic load when it has not).
    void refresh() {
        uint64_t version = shared_.version();
        if (version == version_) return;
        version_ = version;
        snapshot_ = shared_.get();
    }

    const Config& operator*() const { return *snapshot_; }
    const Config* operator->() const { return snapshot_.get(); }

  private:
    SharedConfig& shared_;
    std::shared_ptr<const Config> snapshot_;
    uint64_t version_ = 0;
};

}  // namespace mini_redis
