#include <algorithm>
#include <filesystem>
#include <unistd.h>
#include <random>

#include "storage/sqlite_storage.hpp"
#include "storage_suite.hpp"

namespace boucle::storage::testing {

namespace {

std::unique_ptr<Storage> open_temp_sqlite(bool reopen) {
  // One file per test, removed when a new test starts.
  static std::filesystem::path path;
  if (!reopen) {
    if (!path.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
      }
    }
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path = std::filesystem::temp_directory_path() /
           ("boucle-storage-" + std::to_string(::getpid()) + "-" + name + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }
  return open_sqlite(path.string(), SqliteOptions{Durability::normal});
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StorageSuite,
                         ::testing::Values(StorageFactory{"sqlite", open_temp_sqlite}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteMigrations, SchemaIsAtTheLatestVersion) {
  auto path = std::filesystem::temp_directory_path() /
              ("boucle-migrate-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto db = open_sqlite(path.string());
    EXPECT_EQ(db->schema_version(), sqlite_latest_schema_version());
  }
  {
    auto db = open_sqlite(path.string());  // re-opening runs no migration twice
    EXPECT_EQ(db->schema_version(), sqlite_latest_schema_version());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace boucle::storage::testing
