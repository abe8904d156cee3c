#include "api_fixture.hpp"

namespace boucle::testing {

World* ApiTest::world_ = nullptr;

std::string login(HttpClient& c, const std::string& email, const std::string& password) {
  auto r = c.post("/api/v1/auth/login", json::object{{"email", email}, {"password", password}});
  if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
  return std::string(r.json().at("token").as_string());
}

HttpClient ApiTest::as(const std::string& token) {
  HttpClient c(world_->server->port());
  c.token = token;
  return c;
}

HttpClient ApiTest::anonymous() { return HttpClient(world_->server->port()); }

std::int64_t ApiTest::last_seq() {
  auto c = as(world_->admin_token);
  return c.get("/api/v1/changes?since=0&limit=1").json().at("last_seq").as_int64();
}

void ApiTest::SetUpTestSuite() {
  world_ = new World;
  auto& w = *world_;
  w.db = temp_database(::testing::UnitTest::GetInstance()->current_test_suite()->name());
  if (add_user(w.db, "admin", "admin@test.fr", "admin-password-1") != 0) {
    throw std::runtime_error("boucle user add failed");
  }
  w.server = std::make_unique<ServerProcess>(w.db);
  HttpClient c(w.server->port());
  w.admin_token = login(c, "admin@test.fr", "admin-password-1");
  c.token = w.admin_token;
  auto make_user = [&](const std::string& email, const std::string& role) {
    auto r = c.post("/api/v1/users", json::object{{"email", email},
                                                  {"name", email},
                                                  {"role", role},
                                                  {"password", "password-" + role + "-1"},
                                                  {"home", {{"lat", 45.76}, {"lon", 4.83}}}});
    if (r.status != 201) throw std::runtime_error("user create failed: " + r.body);
    return r.json().at("id").as_int64();
  };
  make_user("manager@test.fr", "manager");
  w.rep_a = make_user("rep.a@test.fr", "rep");
  w.rep_b = make_user("rep.b@test.fr", "rep");
  w.manager_token = login(c, "manager@test.fr", "password-manager-1");
  w.rep_a_token = login(c, "rep.a@test.fr", "password-rep-1");
  w.rep_b_token = login(c, "rep.b@test.fr", "password-rep-1");
  auto r = c.post_csv("/api/v1/imports/stores",
                      "code;name;lat;lon;channel;rep_email;mon;sat\n"
                      "A-1;Super A1;45,7640;4,8357;super;rep.a@test.fr;08:30-12:30 14:00-19:00;\n"
                      "A-2;Proxi A2;45,7700;4,8400;proxi;rep.a@test.fr;;09:00-12:00\n"
                      "B-1;Hyper B1;44,9334;4,8924;hyper;rep.b@test.fr;08:30-21:00;08:30-21:00\n"
                      "B-2;Super B2;44,9400;4,9000;super;rep.b@test.fr;;\n");
  if (r.status != 200) throw std::runtime_error("store import failed: " + r.body);
  const auto stores = c.get("/api/v1/stores?limit=500").json();
  for (auto& s : stores.at("items").as_array()) {
    if (s.at("code") == "A-1") w.store_a = s.at("id").as_int64();
    if (s.at("code") == "B-1") w.store_b = s.at("id").as_int64();
  }
  r = c.post_csv("/api/v1/imports/products",
                 "sku,name,ean,brand,range,price\n"
                 "SKU-1,Biscuit nature,3017620422003,Maison,Classique,2.49\n"
                 "SKU-2,Biscuit chocolat,,Maison,Nouveau,3.10\n");
  if (r.status != 200) throw std::runtime_error("product import failed: " + r.body);
  const auto products = c.get("/api/v1/products").json();
  for (auto& p : products.at("items").as_array()) {
    if (p.at("sku") == "SKU-1") w.product = p.at("id").as_int64();
    if (p.at("sku") == "SKU-2") w.product2 = p.at("id").as_int64();
  }
}

void ApiTest::TearDownTestSuite() {
  world_->server.reset();
  remove_database(world_->db);
  delete world_;
  world_ = nullptr;
}

}  // namespace boucle::testing
