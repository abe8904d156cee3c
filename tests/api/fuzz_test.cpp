#include <random>

#include "mutate.hpp"

#include "api_fixture.hpp"

// Seeded random and mutated bodies against the real server: never a 5xx, never a hang, every
// refusal a problem document, and the server still healthy afterwards.
namespace boucle::testing {

using Fuzz = ApiTest;

namespace {

const std::string JSON_ALPHABET = std::string("{}[]\",:0123456789.eE+-truefalsn \\u\xC3\xA9\xFF") + '\0';

std::string mutate(std::string s, std::mt19937_64& rng) {
  return testing::mutate(std::move(s), rng, JSON_ALPHABET, 6);
}

}  // namespace

TEST_F(Fuzz, MutatedBodiesGetProblemsNotCrashes) {
  std::mt19937_64 rng(42);
  auto c = as(world_->manager_token);
  const std::string store = std::to_string(world_->store_a);
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"/api/v1/stores", R"({"code":"F-1","name":"Fuzz","lat":45.1,"lon":4.9,"channel":"super","opening_hours":{"mon":[["08:00","12:00"]]},"tags":["a"]})"},
      {"/api/v1/visits", R"({"store_id":)" + store + R"(,"type":"deep","planned_at":"2026-11-27T09:00:00Z"})"},
      {"/api/v1/orders", R"({"store_id":)" + store + R"(,"lines":[{"product_id":)" +
                             std::to_string(world_->product) + R"(,"quantity":2}]})"},
      {"/api/v1/users", R"({"email":"f@x.fr","name":"F","role":"rep","password":"0123456789"})"},
  };
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto& [path, body] = seeds[rng() % seeds.size()];
    const std::string mutated = mutate(body, rng);
    auto r = c.request("POST", path, mutated,
                       {{"Content-Type", "application/json"},
                        {"Authorization", "Bearer " + world_->manager_token}});
    ASSERT_LT(r.status, 500) << path << " " << mutated << " -> " << r.body;
    if (r.status >= 400) {
      ++refused;
      ASSERT_EQ(r.header("content-type"), "application/problem+json") << r.body;
      ASSERT_NO_THROW(r.json());
    }
  }
  EXPECT_GT(refused, 1000);
  const std::string csv = "code;name;lat;lon;mon\nZ-1;\"Shop; one\";45,1;4,9;08:00-12:00\n";
  for (int i = 0; i < 300; ++i) {
    auto r = c.post_csv("/api/v1/imports/stores", mutate(csv, rng));
    ASSERT_LT(r.status, 500) << r.body;
  }
  EXPECT_EQ(anonymous().get("/healthz").status, 200);
}

}  // namespace boucle::testing
