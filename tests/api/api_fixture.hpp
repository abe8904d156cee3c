#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "http_client.hpp"
#include "server_process.hpp"

// A real `boucle serve` on a fresh database, shared by a test suite: an admin (from the CLI),
// a manager and two reps (through the API), each rep with stores, and a small catalogue.
namespace boucle::testing {

namespace json = boost::json;

struct World {
  std::string db;
  std::unique_ptr<ServerProcess> server;
  std::string admin_token, manager_token, rep_a_token, rep_b_token;
  std::int64_t rep_a = 0, rep_b = 0;
  std::int64_t store_a = 0, store_b = 0;  // one store of each rep (others exist)
  std::int64_t product = 0, product2 = 0;
};

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  static HttpClient as(const std::string& token);
  static HttpClient anonymous();
  static std::int64_t last_seq();  // the server's change sequence, read as admin

  static World* world_;
};

std::string login(HttpClient& c, const std::string& email, const std::string& password);

}  // namespace boucle::testing
