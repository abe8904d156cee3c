#include <ctime>
#include <set>

#include "api_fixture.hpp"

// POST /api/v1/visits/{id}/complete against the real server: a whole visit (check-in, audits,
// order, check-out) uploaded in one transaction, with the rules of the single endpoints, and
// nothing written on any error.
namespace boucle::testing {

namespace {

std::string iso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::set<std::string> fields_of(const HttpResponse& r) {
  std::set<std::string> out;
  const auto body = r.json();
  if (const auto* errors = body.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) out.insert(std::string(e.at("field").as_string()));
  }
  return out;
}

}  // namespace

class CompleteVisit : public ApiTest {
 protected:
  // A new planned visit of rep A's store.
  static std::int64_t planned_visit() {
    auto rep = as(world_->rep_a_token);
    auto v = rep.post("/api/v1/visits", json::object{{"store_id", world_->store_a}});
    EXPECT_EQ(v.status, 201) << v.body;
    return v.json().at("id").as_int64();
  }

  static std::string path(std::int64_t visit) {
    return "/api/v1/visits/" + std::to_string(visit) + "/complete";
  }

  // Products beyond the fixture's two, created once.
  static const std::vector<std::int64_t>& products() {
    static std::vector<std::int64_t>* ids = nullptr;
    if (ids) return *ids;
    ids = new std::vector<std::int64_t>{world_->product, world_->product2};
    auto manager = as(world_->manager_token);
    for (int i = 3; i <= 8; ++i) {
      auto r =
          manager.post("/api/v1/products", json::object{{"sku", "CV-" + std::to_string(i)},
                                                        {"name", "Produit " + std::to_string(i)},
                                                        {"price_cents", 100 * i}});
      if (r.status != 201) throw std::runtime_error("product create failed: " + r.body);
      ids->push_back(r.json().at("id").as_int64());
    }
    return *ids;
  }

  // A valid whole visit an hour and a half ago, 2 km from store A.
  static json::object body() {
    const auto now = std::time(nullptr);
    return json::object{
        {"type", "deep"},
        {"checkin",
         {{"at", iso(now - 5400)}, {"lat", 45.7820}, {"lon", 4.8357}, {"reason", "parking"}}},
        {"audits", json::array{json::object{{"product_id", world_->product},
                                            {"present", true},
                                            {"facings", 4},
                                            {"shelf_price_cents", 259},
                                            {"out_of_stock", false},
                                            {"promo", true}},
                               json::object{{"product_id", world_->product2}, {"present", false}}}},
        {"order",
         {{"lines", json::array{json::object{{"product_id", world_->product}, {"quantity", 12}},
                                json::object{{"product_id", world_->product2},
                                             {"quantity", 6},
                                             {"unit_price_cents", 300}}}}}},
        {"checkout",
         {{"at", iso(now - 1800)},
          {"lat", 45.7641},
          {"lon", 4.8358},
          {"report", "Rayon rangé, commande prise"},
          {"next_steps", "Revoir la tête de gondole"}}}};
  }

  // The visit is still planned and has no audit and no order; nothing at all was written.
  static void expect_untouched(std::int64_t visit, std::int64_t seq_before) {
    auto admin = as(world_->admin_token);
    const auto id = std::to_string(visit);
    auto v = admin.get("/api/v1/visits/" + id).json();
    EXPECT_EQ(v.at("status"), "planned");
    EXPECT_TRUE(v.at("checkin").is_null());
    EXPECT_EQ(v.at("version"), 1);
    EXPECT_TRUE(admin.get("/api/v1/audits?visit_id=" + id).json().at("items").as_array().empty());
    EXPECT_TRUE(admin.get("/api/v1/orders?visit_id=" + id).json().at("items").as_array().empty());
    EXPECT_EQ(last_seq(), seq_before);
  }
};

TEST_F(CompleteVisit, OneRequestDoesTheWholeVisit) {
  auto rep = as(world_->rep_a_token);
  const auto visit = planned_visit();
  const auto b = body();
  auto r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto out = r.json().as_object();
  EXPECT_EQ(out.at("id"), visit);
  EXPECT_EQ(out.at("status"), "done");
  EXPECT_EQ(out.at("type"), "deep");
  EXPECT_EQ(out.at("version"), 2) << "the visit is written once";
  EXPECT_EQ(r.header("etag"), "\"2\"");
  EXPECT_EQ(out.at("checkin").at("at"), b.at("checkin").at("at"));
  EXPECT_EQ(out.at("checkin").at("far"), true);
  EXPECT_EQ(out.at("checkin").at("reason"), "parking");
  EXPECT_NEAR(out.at("checkin").at("distance_m").as_double(), 2001, 15);
  EXPECT_EQ(out.at("checkout").at("at"), b.at("checkout").at("at"));
  EXPECT_EQ(out.at("report"), "Rayon rangé, commande prise");
  EXPECT_EQ(out.at("next_steps"), "Revoir la tête de gondole");

  // The audits and the order exist, attached to the visit, in the body's order.
  const auto& audit_ids = out.at("audit_ids").as_array();
  ASSERT_EQ(audit_ids.size(), 2u);
  auto first = rep.get("/api/v1/audits/" + std::to_string(audit_ids[0].as_int64())).json();
  EXPECT_EQ(first.at("visit_id"), visit);
  EXPECT_EQ(first.at("product_id"), world_->product);
  EXPECT_EQ(first.at("facings"), 4);
  EXPECT_EQ(first.at("promo"), true);
  EXPECT_EQ(first.at("rep_id"), world_->rep_a);
  auto second = rep.get("/api/v1/audits/" + std::to_string(audit_ids[1].as_int64())).json();
  EXPECT_EQ(second.at("product_id"), world_->product2);
  EXPECT_EQ(second.at("present"), false);
  ASSERT_TRUE(out.at("order_id").is_int64());
  auto order = rep.get("/api/v1/orders/" + std::to_string(out.at("order_id").as_int64())).json();
  EXPECT_EQ(order.at("visit_id"), visit);
  EXPECT_EQ(order.at("store_id"), world_->store_a);
  EXPECT_EQ(order.at("total_cents"), 12 * 249 + 6 * 300);

  // GET answers the same visit, without the ids of the upload.
  auto got = rep.get("/api/v1/visits/" + std::to_string(visit)).json().as_object();
  for (const auto& [k, v] : got) EXPECT_EQ(out.at(k), v) << k;
  EXPECT_EQ(out.size(), got.size() + 2);

  // Done is done: a second upload is a conflict that says why.
  auto again = rep.post(path(visit), b);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.json().at("detail").as_string().find("planned"), json::string::npos)
      << again.body;

  // Described in the OpenAPI document, with exactly the properties served.
  auto spec = rep.get("/api/openapi.json").json();
  const auto& op = spec.at("paths").at("/api/v1/visits/{id}/complete").at("post");
  EXPECT_TRUE(op.as_object().contains("requestBody"));
  const auto& props =
      spec.at("components").at("schemas").at("VisitCompleted").at("properties").as_object();
  EXPECT_EQ(out.size(), props.size());
  for (const auto& [k, v] : out) EXPECT_TRUE(props.contains(k)) << k;
}

TEST_F(CompleteVisit, WithoutAuditsOrOrder) {
  auto rep = as(world_->rep_a_token);
  const auto visit = planned_visit();
  auto b = body();
  b.erase("audits");
  b.erase("type");
  b["order"] = json::object{{"lines", json::array{}}};
  b["checkout"] = json::object{{"at", b.at("checkout").at("at")}};
  auto r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("type"), "quick");
  EXPECT_TRUE(r.json().at("audit_ids").as_array().empty());
  EXPECT_TRUE(r.json().at("order_id").is_null());
  EXPECT_TRUE(r.json().at("checkout").at("lat").is_null());
  EXPECT_TRUE(rep.get("/api/v1/orders?visit_id=" + std::to_string(visit))
                  .json()
                  .at("items")
                  .as_array()
                  .empty());
}

TEST_F(CompleteVisit, AnInvalidAuditWritesNothing) {
  auto rep = as(world_->rep_a_token);
  const auto& ids = products();
  const auto visit = planned_visit();
  const auto seq = last_seq();
  auto b = body();
  json::array audits;
  for (std::size_t i = 0; i < 7; ++i) {
    audits.push_back(json::object{{"product_id", ids[i]}, {"present", true}, {"facings", 2}});
  }
  audits[5].as_object()["present"] = false;  // facings without the product: invalid
  b["audits"] = audits;
  auto r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"audits[5].facings"})) << r.body;
  expect_untouched(visit, seq);

  // An unknown product, found only inside the transaction after four audits were written:
  // those are rolled back too.
  audits[5].as_object()["present"] = true;
  audits[5].as_object()["product_id"] = 999'999;
  b["audits"] = audits;
  r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"audits[5].product_id"})) << r.body;
  expect_untouched(visit, seq);

  // An order line naming an unknown product; a check-out before the check-in.
  audits[5].as_object()["product_id"] = ids[5];
  b["audits"] = audits;
  b["order"] =
      json::object{{"lines", json::array{json::object{{"product_id", 999'999}, {"quantity", 1}}}}};
  r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"order.lines[0].product_id"})) << r.body;
  expect_untouched(visit, seq);
  b = body();
  b["checkout"].as_object()["at"] = iso(std::time(nullptr) - 7200);
  r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"checkout.at"})) << r.body;
  expect_untouched(visit, seq);

  // The same body, valid, then goes through.
  b = body();
  b["audits"] = audits;
  b["audits"].as_array()[5].as_object()["product_id"] = ids[5];
  r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("audit_ids").as_array().size(), 7u);
}

TEST_F(CompleteVisit, EveryFieldErrorHasItsPath) {
  auto rep = as(world_->rep_a_token);
  const auto visit = planned_visit();
  const auto seq = last_seq();
  const auto now = std::time(nullptr);
  json::object b{
      {"type", "long"},
      {"color", "red"},
      {"checkin", {{"at", iso(now + 86'400)}, {"lat", 91}, {"speed", 3}}},
      {"audits",
       json::array{
           json::object{{"product_id", world_->product}, {"present", "yes"}},
           json::object{{"product_id", world_->product}, {"present", true}, {"x", 1}},
           json::object{{"product_id", world_->product2}, {"present", true}, {"facings", 2000}},
           "audit"}},
      {"order",
       {{"status", "draft"},
        {"lines", json::array{json::object{{"product_id", world_->product}, {"quantity", 0}}}}}},
      {"checkout", {{"lat", 45.7}, {"report", 12}}}};
  auto r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 422) << r.body;
  const std::set<std::string> expected{"type",
                                       "color",
                                       "checkin.at",
                                       "checkin.lat",
                                       "checkin.lon",
                                       "checkin.speed",
                                       "audits[0].present",
                                       "audits[1].product_id",
                                       "audits[1].x",
                                       "audits[2].facings",
                                       "audits[3]",
                                       "order.status",
                                       "order.lines[0].quantity",
                                       "checkout.at",
                                       "checkout.lon",
                                       "checkout.report"};
  EXPECT_EQ(fields_of(r), expected) << r.body;
  // Check-in and check-out are required; the audits are at most 500.
  r = rep.post(path(visit), json::object{{"audits", json::array(501, json::object{})}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"checkin", "checkout", "audits"})) << r.body;
  expect_untouched(visit, seq);
}

TEST_F(CompleteVisit, PermissionsAndStatesAreThoseOfCheckIn) {
  const auto visit = planned_visit();
  const auto seq = last_seq();
  // Another rep does not see the visit; an unknown id is the same 404.
  auto other = as(world_->rep_b_token);
  auto r = other.post(path(visit), body());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(other.post(path(999'999), body()).json().at("type"), r.json().at("type"));
  expect_untouched(visit, seq);

  // A cancelled visit cannot be completed.
  auto rep = as(world_->rep_a_token);
  ASSERT_EQ(rep.patch("/api/v1/visits/" + std::to_string(visit),
                      json::object{{"status", "cancelled"}, {"version", 1}})
                .status,
            200);
  r = rep.post(path(visit), body());
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.json().at("detail").as_string().find("cancelled"), json::string::npos) << r.body;

  // A visit already checked in neither: the upload is for a visit done offline in full.
  const auto started = planned_visit();
  ASSERT_EQ(rep.post("/api/v1/visits/" + std::to_string(started) + "/check-in",
                     json::object{{"lat", 45.764}, {"lon", 4.8357}})
                .status,
            200);
  EXPECT_EQ(rep.post(path(started), body()).status, 409);

  // A manager may upload a rep's visit; the records are the rep's.
  const auto visit2 = planned_visit();
  auto manager = as(world_->manager_token);
  r = manager.post(path(visit2), body());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("rep_id"), world_->rep_a);
  auto audit =
      manager.get("/api/v1/audits/" + std::to_string(r.json().at("audit_ids").at(0).as_int64()));
  EXPECT_EQ(audit.json().at("rep_id"), world_->rep_a);
}

TEST_F(CompleteVisit, ClientIdsAreIdempotentWithinTheVisitOnly) {
  auto rep = as(world_->rep_a_token);
  const auto visit = planned_visit();
  // An audit sent earlier (while planned) with a client id is the same audit in the upload.
  auto early = rep.post("/api/v1/audits", json::object{{"visit_id", visit},
                                                       {"product_id", world_->product},
                                                       {"client_id", "cv-audit-1"},
                                                       {"present", true}});
  ASSERT_EQ(early.status, 201) << early.body;
  auto b = body();
  b["audits"].as_array()[0].as_object()["client_id"] = "cv-audit-1";
  b["order"].as_object()["client_id"] = "cv-order-1";
  auto r = rep.post(path(visit), b);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("audit_ids").at(0), early.json().at("id"));
  EXPECT_EQ(rep.get("/api/v1/audits?visit_id=" + std::to_string(visit))
                .json()
                .at("items")
                .as_array()
                .size(),
            2u);

  // The same client ids on another visit are conflicts, and nothing is written.
  const auto visit2 = planned_visit();
  const auto seq = last_seq();
  b = body();
  b["audits"].as_array()[1].as_object()["client_id"] = "cv-audit-1";
  r = rep.post(path(visit2), b);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"audits[1].client_id"})) << r.body;
  expect_untouched(visit2, seq);
  b = body();
  b["order"].as_object()["client_id"] = "cv-order-1";
  r = rep.post(path(visit2), b);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"order.client_id"})) << r.body;
  expect_untouched(visit2, seq);
}

}  // namespace boucle::testing
