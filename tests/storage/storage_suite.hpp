#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "storage/storage.hpp"

// The storage suite every implementation must pass. An implementation registers a factory with
// INSTANTIATE_TEST_SUITE_P(Name, StorageSuite, ::testing::Values(StorageFactory{...})).
namespace boucle::storage::testing {

struct StorageFactory {
  std::string name;
  // Opens a fresh, empty storage; called again with reopen = true, opens the same one again.
  std::function<std::unique_ptr<Storage>(bool reopen)> open;
};

inline std::string PrintToString(const StorageFactory& f) { return f.name; }
inline void PrintTo(const StorageFactory& f, std::ostream* os) { *os << f.name; }

class StorageSuite : public ::testing::TestWithParam<StorageFactory> {
 protected:
  void SetUp() override { db_ = GetParam().open(false); }
  void reopen() {
    db_.reset();
    db_ = GetParam().open(true);
  }
  Storage& db() { return *db_; }

 private:
  std::unique_ptr<Storage> db_;
};

}  // namespace boucle::storage::testing
