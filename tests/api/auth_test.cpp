#include <thread>

#include "api_fixture.hpp"

namespace boucle::testing {

using Auth = ApiTest;

TEST_F(Auth, LogoutRevokesTheToken) {
  auto c = anonymous();
  c.token = login(c, "rep.a@test.fr", "password-rep-1");
  EXPECT_EQ(c.get("/api/v1/me").status, 200);
  EXPECT_EQ(c.post("/api/v1/auth/logout", json::object{}).status, 204);
  auto r = c.get("/api/v1/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST_F(Auth, WrongPasswordsAreRateLimited) {
  auto c = anonymous();
  for (int i = 0; i < 5; ++i) {
    auto r = c.post("/api/v1/auth/login", json::object{{"email", "manager@test.fr"}, {"password", "guess"}});
    EXPECT_EQ(r.status, 401) << i;
  }
  auto r = c.post("/api/v1/auth/login", json::object{{"email", "manager@test.fr"}, {"password", "guess"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(r.header("retry-after").empty());
  // Even the right password waits until the window has passed.
  r = c.post("/api/v1/auth/login", json::object{{"email", "manager@test.fr"}, {"password", "password-manager-1"}});
  EXPECT_EQ(r.status, 429);
  // Another account is not locked by this one's failures.
  EXPECT_EQ(c.post("/api/v1/auth/login", json::object{{"email", "rep.b@test.fr"}, {"password", "password-rep-1"}})
                .status,
            200);
}

TEST_F(Auth, UnknownEmailLooksLikeWrongPassword) {
  auto c = anonymous();
  auto unknown = c.post("/api/v1/auth/login", json::object{{"email", "nobody@test.fr"}, {"password", "x"}});
  auto wrong = c.post("/api/v1/auth/login", json::object{{"email", "rep.b@test.fr"}, {"password", "x"}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(Auth, DeletedUsersLoseAccess) {
  auto admin = as(world_->admin_token);
  auto u = admin.post("/api/v1/users", json::object{{"email", "temp@test.fr"}, {"name", "Temp"}, {"role", "rep"},
                                                    {"password", "temporary-pass"}});
  ASSERT_EQ(u.status, 201);
  auto c = anonymous();
  c.token = login(c, "temp@test.fr", "temporary-pass");
  EXPECT_EQ(c.get("/api/v1/me").status, 200);
  EXPECT_EQ(admin.del("/api/v1/users/" + std::to_string(u.json().at("id").as_int64())).status, 204);
  EXPECT_EQ(c.get("/api/v1/me").status, 401);
}

TEST(TokenExpiry, ExpiredTokensAreRefused) {
  const auto db = temp_database("expiry");
  ASSERT_EQ(add_user(db, "admin", "admin@test.fr", "admin-password-1"), 0);
  ServerProcess server(db, {"--token-ttl", "1"});
  HttpClient c(server.port());
  c.token = login(c, "admin@test.fr", "admin-password-1");
  EXPECT_EQ(c.get("/api/v1/me").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(c.get("/api/v1/me").status, 401);
  server.terminate();
  remove_database(db);
}

TEST(UserAdd, RefusesShortPasswordsAndDuplicates) {
  const auto db = temp_database("useradd");
  EXPECT_NE(add_user(db, "admin", "a@test.fr", "short"), 0);
  EXPECT_EQ(add_user(db, "admin", "a@test.fr", "long-enough-1"), 0);
  EXPECT_NE(add_user(db, "rep", "A@test.fr", "long-enough-2"), 0);  // emails are case-insensitive
  remove_database(db);
}

}  // namespace boucle::testing
