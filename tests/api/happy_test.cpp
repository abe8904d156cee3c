#include <map>
#include <set>

#include "api_fixture.hpp"

namespace boucle::testing {

using HappyPath = ApiTest;

TEST_F(HappyPath, HealthAndMetrics) {
  auto c = anonymous();
  auto h = c.get("/healthz");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.json().at("status"), "ok");
  auto home = c.get("/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(home.body.find("/api/openapi.json"), std::string::npos);
  auto m = c.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("boucle_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("boucle_http_request_duration_seconds_bucket{le=\"+Inf\"}"),
            std::string::npos);
}

TEST_F(HappyPath, StoreCrudWithVersions) {
  auto c = as(world_->manager_token);
  auto created = c.post("/api/v1/stores",
                        json::object{{"code", "M-1"},
                                     {"name", "Carrefour Market Vienne"},
                                     {"lat", 45.525},
                                     {"lon", 4.874},
                                     {"channel", "super"},
                                     {"opening_hours", {{"mon", json::array{json::array{"08:30", "19:30"}}}}},
                                     {"assigned_rep_id", world_->rep_a},
                                     {"tags", json::array{"bio"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = created.json().at("id").as_int64();
  EXPECT_EQ(created.header("etag"), "\"1\"");
  const std::string path = "/api/v1/stores/" + std::to_string(id);

  auto got = c.get(path);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("opening_hours").at("mon").at(0).at(1), "19:30");

  auto patched = c.patch(path, json::object{{"name", "Carrefour Market Vienne Sud"}}, "\"1\"");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("version"), 2);
  EXPECT_GT(patched.json().at("seq").as_int64(), got.json().at("seq").as_int64());

  auto stale = c.patch(path, json::object{{"name", "lost update"}}, "\"1\"");
  EXPECT_EQ(stale.status, 412);
  auto stale_body = c.patch(path, json::object{{"name", "lost update"}, {"version", 1}});
  EXPECT_EQ(stale_body.status, 409);
  auto none = c.patch(path, json::object{{"name", "lost update"}});
  EXPECT_EQ(none.status, 428);
  EXPECT_EQ(c.get(path).json().at("name"), "Carrefour Market Vienne Sud");

  const auto before = last_seq();
  EXPECT_EQ(c.del(path).status, 204);
  EXPECT_EQ(c.get(path).status, 404);
  EXPECT_EQ(c.del(path).status, 404);
  auto changes = c.get("/api/v1/changes?since=" + std::to_string(before)).json();
  ASSERT_EQ(changes.at("items").as_array().size(), 1u);
  EXPECT_EQ(changes.at("items").at(0).at("deleted"), true);
  EXPECT_EQ(changes.at("items").at(0).at("kind"), "store");
}

TEST_F(HappyPath, FullVisitWithAuditAndOrder) {
  auto rep = as(world_->rep_a_token);
  auto v = rep.post("/api/v1/visits", json::object{{"store_id", world_->store_a}, {"type", "deep"}});
  ASSERT_EQ(v.status, 201) << v.body;
  EXPECT_EQ(v.json().at("rep_id"), world_->rep_a);
  const std::string path = "/api/v1/visits/" + std::to_string(v.json().at("id").as_int64());

  // 2 km from the store: flagged as far, with the distance computed by the server.
  auto in = rep.post(path + "/check-in", json::object{{"lat", 45.7820}, {"lon", 4.8357},
                                                      {"reason", "parking"}});
  ASSERT_EQ(in.status, 200) << in.body;
  auto checkin = in.json().at("checkin");
  EXPECT_EQ(checkin.at("far"), true);
  EXPECT_NEAR(checkin.at("distance_m").as_double(), 2001, 15);
  EXPECT_EQ(in.json().at("status"), "in_progress");
  EXPECT_EQ(rep.post(path + "/check-in", json::object{{"lat", 45.764}, {"lon", 4.8357}}).status, 409);

  auto audit = rep.post("/api/v1/audits", json::object{{"visit_id", v.json().at("id")},
                                                        {"product_id", world_->product},
                                                        {"present", true},
                                                        {"facings", 4},
                                                        {"shelf_price_cents", 259},
                                                        {"promo", false}});
  ASSERT_EQ(audit.status, 201) << audit.body;
  EXPECT_EQ(audit.json().at("store_id"), world_->store_a);
  auto dup = rep.post("/api/v1/audits", json::object{{"visit_id", v.json().at("id")},
                                                      {"product_id", world_->product},
                                                      {"present", false}});
  EXPECT_EQ(dup.status, 409);

  auto order = rep.post("/api/v1/orders",
                        json::object{{"visit_id", v.json().at("id")},
                                     {"client_id", "dev1-order-1"},
                                     {"lines", json::array{json::object{{"product_id", world_->product},
                                                                        {"quantity", 12}},
                                                           json::object{{"product_id", world_->product2},
                                                                        {"quantity", 6},
                                                                        {"unit_price_cents", 300}}}}});
  ASSERT_EQ(order.status, 201) << order.body;
  EXPECT_EQ(order.json().at("total_cents"), 12 * 249 + 6 * 300);
  // Re-sending the same client id is idempotent: the same order comes back, nothing new.
  const auto seq = last_seq();
  auto again = rep.post("/api/v1/orders",
                        json::object{{"visit_id", v.json().at("id")},
                                     {"client_id", "dev1-order-1"},
                                     {"lines", json::array{json::object{{"product_id", world_->product},
                                                                        {"quantity", 12}}}}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("id"), order.json().at("id"));
  EXPECT_EQ(last_seq(), seq);

  auto out = rep.post(path + "/check-out", json::object{{"report", "Rayon rangé, commande prise"},
                                                        {"next_steps", "Revoir la tête de gondole"}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.json().at("status"), "done");
  EXPECT_EQ(out.json().at("report"), "Rayon rangé, commande prise");

  auto audits = rep.get("/api/v1/audits?visit_id=" + std::to_string(v.json().at("id").as_int64()));
  ASSERT_EQ(audits.status, 200);
  EXPECT_EQ(audits.json().at("items").as_array().size(), 1u);
}

TEST_F(HappyPath, PaginationWalksEveryStoreOnce) {
  auto c = as(world_->admin_token);
  std::set<std::int64_t> ids;
  std::string cursor;
  int pages = 0;
  do {
    auto r = c.get("/api/v1/stores?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200);
    auto body = r.json();
    for (auto& s : body.at("items").as_array()) EXPECT_TRUE(ids.insert(s.at("id").as_int64()).second);
    cursor = body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
    ++pages;
  } while (!cursor.empty() && pages < 100);
  auto all = c.get("/api/v1/stores?limit=500").json().at("items").as_array().size();
  EXPECT_EQ(ids.size(), all);
  EXPECT_GE(all, 4u);
}

TEST_F(HappyPath, RepsAreIsolated) {
  auto a = as(world_->rep_a_token);
  auto stores = a.get("/api/v1/stores?limit=500").json().at("items").as_array();
  ASSERT_FALSE(stores.empty());
  for (auto& s : stores) EXPECT_EQ(s.at("assigned_rep_id"), world_->rep_a);
  // B's store: 404 on read, on update, and as a visit target; nothing about it leaks.
  auto b_store = "/api/v1/stores/" + std::to_string(world_->store_b);
  auto r = a.get(b_store);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("Hyper B1"), std::string::npos);
  auto unknown = a.get("/api/v1/stores/999999");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(r.json().at("type"), unknown.json().at("type"));
  EXPECT_EQ(r.json().at("detail").as_string(), "no store " + std::to_string(world_->store_b));
  auto visit = a.post("/api/v1/visits", json::object{{"store_id", world_->store_b}});
  EXPECT_EQ(visit.status, 422);

  auto b = as(world_->rep_b_token);
  auto bv = b.post("/api/v1/visits", json::object{{"store_id", world_->store_b}});
  ASSERT_EQ(bv.status, 201);
  const auto bv_path = "/api/v1/visits/" + std::to_string(bv.json().at("id").as_int64());
  EXPECT_EQ(a.get(bv_path).status, 404);
  EXPECT_EQ(a.post(bv_path + "/check-in", json::object{{"lat", 45.0}, {"lon", 4.0}}).status, 404);
  EXPECT_EQ(a.del(bv_path).status, 404);
  EXPECT_EQ(a.get("/api/v1/users/" + std::to_string(world_->rep_b)).status, 404);

  auto changes = a.get("/api/v1/changes?since=0&limit=2000").json();
  for (auto& ch : changes.at("items").as_array()) {
    if (ch.at("kind") == "store") {
      EXPECT_NE(ch.at("id"), world_->store_b);
    }
    if (ch.at("kind") == "visit") {
      EXPECT_NE(ch.at("id"), bv.json().at("id"));
    }
    if (ch.at("kind") == "user") {
      EXPECT_EQ(ch.at("id"), world_->rep_a);
    }
  }
  EXPECT_EQ(b.get(bv_path).status, 200);
}

TEST_F(HappyPath, ChangesPageBySequence) {
  auto c = as(world_->admin_token);
  std::int64_t since = 0;
  std::set<std::pair<std::string, std::int64_t>> seen;
  std::int64_t prev = 0;
  for (int i = 0; i < 1000; ++i) {
    auto body = c.get("/api/v1/changes?limit=3&since=" + std::to_string(since)).json();
    for (auto& ch : body.at("items").as_array()) {
      EXPECT_GT(ch.at("seq").as_int64(), prev);
      prev = ch.at("seq").as_int64();
      EXPECT_TRUE(seen.insert({std::string(ch.at("kind").as_string()), ch.at("id").as_int64()}).second);
    }
    since = body.at("next_since").as_int64();
    if (!body.at("has_more").as_bool()) break;
  }
  EXPECT_GE(seen.size(), 10u);
}

TEST_F(HappyPath, OpenApiDescribesWhatIsServed) {
  auto c = as(world_->admin_token);
  auto doc = c.get("/api/openapi.json");
  ASSERT_EQ(doc.status, 200);
  auto spec = doc.json();
  EXPECT_EQ(spec.at("openapi"), "3.1.0");
  const auto& paths = spec.at("paths").as_object();
  for (const char* p : {"/api/v1/stores", "/api/v1/stores/{id}", "/api/v1/visits/{id}/check-in",
                        "/api/v1/changes", "/api/v1/imports/sales", "/api/v1/auth/login"}) {
    EXPECT_TRUE(paths.contains(p)) << p;
  }
  // Every referenced schema exists.
  const auto& schemas = spec.at("components").at("schemas").as_object();
  std::function<void(const json::value&)> walk = [&](const json::value& v) {
    if (v.is_object()) {
      for (auto& [k, x] : v.as_object()) {
        if (k == "$ref") {
          std::string ref(x.as_string());
          EXPECT_TRUE(schemas.contains(ref.substr(ref.rfind('/') + 1))) << ref;
        }
        walk(x);
      }
    } else if (v.is_array()) {
      for (auto& x : v.as_array()) walk(x);
    }
  };
  walk(spec);
  // A served store has exactly the properties its schema lists.
  auto store = c.get("/api/v1/stores/" + std::to_string(world_->store_a)).json().as_object();
  const auto& props = schemas.at("Store").at("properties").as_object();
  EXPECT_EQ(store.size(), props.size());
  for (auto& [k, v] : store) EXPECT_TRUE(props.contains(k)) << k;
  // One record of every kind, then each must have exactly the properties of its schema.
  auto rep = as(world_->rep_a_token);
  auto visit = rep.post("/api/v1/visits", json::object{{"store_id", world_->store_a}});
  ASSERT_EQ(visit.status, 201);
  const auto visit_path = "/api/v1/visits/" + std::to_string(visit.json().at("id").as_int64());
  ASSERT_EQ(rep.post(visit_path + "/check-in", json::object{{"lat", 45.764}, {"lon", 4.836}}).status, 200);
  ASSERT_EQ(rep.post("/api/v1/audits", json::object{{"visit_id", visit.json().at("id")},
                                                    {"product_id", world_->product}, {"present", true}})
                .status,
            201);
  ASSERT_EQ(rep.post("/api/v1/orders", json::object{{"visit_id", visit.json().at("id")},
                                                    {"lines", json::array{json::object{
                                                                  {"product_id", world_->product}, {"quantity", 1}}}}})
                .status,
            201);
  ASSERT_EQ(rep.post(visit_path + "/check-out", json::object{}).status, 200);
  ASSERT_EQ(c.post("/api/v1/assortment-rules", json::object{{"channel", "super"}, {"product_id", world_->product}})
                .status,
            201);
  ASSERT_EQ(c.post_csv("/api/v1/imports/sales", "store_code,sku,week,units\nA-1,SKU-1,2026-W47,3\n").status, 200);
  const std::map<std::string, std::string> schema_of = {
      {"user", "User"},   {"store", "Store"}, {"product", "Product"}, {"assortment_rule", "AssortmentRule"},
      {"visit", "Visit"}, {"audit", "Audit"}, {"order", "Order"},     {"sales", "SalesFact"}};
  std::set<std::string> kinds_checked;
  const auto changes = c.get("/api/v1/changes?limit=2000").json();
  for (const auto& ch : changes.at("items").as_array()) {
    if (ch.at("deleted").as_bool()) continue;
    const std::string kind(ch.at("kind").as_string());
    const auto& props = schemas.at(schema_of.at(kind)).at("properties").as_object();
    const auto& data = ch.at("data").as_object();
    EXPECT_EQ(data.size(), props.size()) << kind;
    for (auto& [k, v] : data) EXPECT_TRUE(props.contains(k)) << kind << "." << k;
    kinds_checked.insert(kind);
  }
  EXPECT_EQ(kinds_checked.size(), schema_of.size());
  auto user = c.get("/api/v1/me").json().as_object();
  for (auto& [k, v] : user) EXPECT_TRUE(schemas.at("User").at("properties").as_object().contains(k)) << k;
  EXPECT_FALSE(user.contains("password_hash"));
}

TEST_F(HappyPath, SalesImportUpsertsAndAcceptsIsoWeeks) {
  auto c = as(world_->admin_token);
  auto r = c.post_csv("/api/v1/imports/sales",
                      "store_code,sku,week,units,revenue\nA-1,SKU-1,2026-11-23,10,24.90\n"
                      "A-1,SKU-2,2026-W48,4,\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("created"), 2);
  r = c.post_csv("/api/v1/imports/sales", "store_code,sku,week,units\nA-1,SKU-1,2026-11-23,12\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("updated"), 1);
  auto sales = c.get("/api/v1/sales?store_id=" + std::to_string(world_->store_a)).json();
  int units = 0;
  for (auto& s : sales.at("items").as_array()) {
    EXPECT_EQ(s.at("week"), "2026-11-23");  // 2026-W48 starts on Monday 23 November
    units += static_cast<int>(s.at("units").as_int64());
  }
  EXPECT_EQ(units, 16);
  // Reps see the sales of their own stores only.
  EXPECT_EQ(as(world_->rep_b_token).get("/api/v1/sales").json().at("items").as_array().size(), 0u);
}

}  // namespace boucle::testing
