#pragma once

#include <memory>
#include <string>

#include "storage/storage.hpp"

namespace boucle::storage {

enum class Durability {
  full,    // fsync the WAL at every commit: survives power loss, not only a process kill
  normal,  // fsync at checkpoints only: survives `kill -9`, may lose the last commits on power loss
};

struct SqliteOptions {
  Durability durability = Durability::full;
  int readers = 4;              // pooled read connections (more are opened on demand)
  int busy_timeout_ms = 10'000;
};

// Opens (creating if missing) the database at `path` and runs pending migrations.
std::unique_ptr<Storage> open_sqlite(const std::string& path, const SqliteOptions& options = {});

// The schema version this build migrates to.
int sqlite_latest_schema_version();

}  // namespace boucle::storage
