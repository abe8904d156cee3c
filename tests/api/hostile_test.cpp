#include <set>

#include "api_fixture.hpp"

// Every class of bad input gets a problem+json answer with the right status, and changes
// nothing: the change sequence does not move.
namespace boucle::testing {

class Hostile : public ApiTest {
 protected:
  void SetUp() override { seq_before_ = last_seq(); }
  void TearDown() override {
    EXPECT_EQ(last_seq(), seq_before_) << "a refused request changed data";
    EXPECT_EQ(anonymous().get("/healthz").status, 200) << "the server stopped answering";
  }

  static void expect_problem(const HttpResponse& r, int status, const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    auto body = r.json();
    EXPECT_EQ(body.at("status"), status);
    EXPECT_TRUE(body.as_object().contains("type"));
    EXPECT_TRUE(body.as_object().contains("title"));
    EXPECT_TRUE(body.as_object().contains("detail"));
    if (!field.empty()) {
      bool found = false;
      for (auto& e : body.at("errors").as_array()) found = found || e.at("field").as_string() == field;
      EXPECT_TRUE(found) << "no error on field " << field << ": " << r.body;
    }
  }

  std::int64_t seq_before_ = 0;
};

TEST_F(Hostile, MalformedJson) {
  auto c = as(world_->manager_token);
  for (const char* body : {"{", "{\"code\": }", "nul", "{\"a\":1}}", "\xff\xfe", "[1,2",
                           "{\"name\":\"\xc3\x28\"}"}) {
    auto r = c.request("POST", "/api/v1/stores", body,
                       {{"Content-Type", "application/json"},
                        {"Authorization", "Bearer " + world_->manager_token}});
    expect_problem(r, 400);
  }
  std::string deep(200, '[');
  auto r = c.request("POST", "/api/v1/stores", deep,
                     {{"Content-Type", "application/json"},
                      {"Authorization", "Bearer " + world_->manager_token}});
  expect_problem(r, 400);
  expect_problem(c.post("/api/v1/stores", json::array{1, 2}), 422);
}

TEST_F(Hostile, WrongTypesMissingAndUnknownFields) {
  auto c = as(world_->manager_token);
  expect_problem(c.post("/api/v1/stores", json::object{{"code", 12}, {"name", "x"}, {"lat", 45}, {"lon", 4}}),
                 422, "code");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", "45"}, {"lon", 4}}),
                 422, "lat");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"lat", 45}, {"lon", 4}}), 422, "name");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", 4},
                                                     {"colour", "red"}}),
                 422, "colour");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", 4},
                                                     {"channel", "kiosk"}}),
                 422, "channel");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", 4},
                                                     {"timezone", "Mars/Olympus"}}),
                 422, "timezone");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", std::string(5000, 'x')},
                                                     {"lat", 45}, {"lon", 4}}),
                 422, "name");
  // All problems of one body are reported at once.
  auto r = c.post("/api/v1/stores", json::object{{"code", true}, {"lat", 1000}, {"bogus", 1}});
  expect_problem(r, 422);
  EXPECT_GE(r.json().at("errors").as_array().size(), 5u);
}

TEST_F(Hostile, OutOfRangeCoordinatesTimesAndHours) {
  auto c = as(world_->manager_token);
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 91}, {"lon", 4}}),
                 422, "lat");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", -181}}),
                 422, "lon");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", 4},
                                                     {"opening_hours", {{"mon", json::array{json::array{"19:00", "08:00"}}}}}}),
                 422, "opening_hours.mon[0]");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", 4},
                                                     {"opening_hours", {{"mon", json::array{json::array{"08:00", "25:00"}}}}}}),
                 422, "opening_hours.mon[0]");
  auto rep = as(world_->rep_a_token);
  expect_problem(rep.post("/api/v1/visits", json::object{{"store_id", world_->store_a}, {"planned_at", "tomorrow"}}),
                 422, "planned_at");
  expect_problem(rep.post("/api/v1/visits", json::object{{"store_id", world_->store_a}, {"type", "long"}}), 422,
                 "type");
}

TEST_F(Hostile, UnknownIds) {
  auto c = as(world_->admin_token);
  expect_problem(c.get("/api/v1/stores/987654"), 404);
  expect_problem(c.get("/api/v1/visits/987654"), 404);
  expect_problem(c.get("/api/v1/orders/987654"), 404);
  expect_problem(c.patch("/api/v1/products/987654", json::object{{"name", "x"}}, "\"1\""), 404);
  expect_problem(c.get("/api/v1/stores/abc"), 404);
  expect_problem(c.get("/api/v1/stores/-1"), 404);
  expect_problem(c.get("/api/v1/stores/99999999999999999999999"), 404);
  expect_problem(c.post("/api/v1/visits", json::object{{"store_id", 987654}}), 422, "store_id");
  expect_problem(c.post("/api/v1/audits", json::object{{"visit_id", 987654}, {"product_id", world_->product},
                                                      {"present", true}}),
                 422, "visit_id");
  expect_problem(c.post("/api/v1/orders", json::object{{"store_id", world_->store_a},
                                                      {"lines", json::array{json::object{{"product_id", 987654},
                                                                                         {"quantity", 1}}}}}),
                 422, "lines[0].product_id");
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "Z"}, {"name", "x"}, {"lat", 45}, {"lon", 4},
                                                     {"assigned_rep_id", 987654}}),
                 422, "assigned_rep_id");
}

TEST_F(Hostile, BodySizeContentTypeRoutesAndMethods) {
  auto c = as(world_->manager_token);
  std::string big = "{\"code\":\"" + std::string(2 << 20, 'x') + "\"}";
  auto r = c.request("POST", "/api/v1/stores", big,
                     {{"Content-Type", "application/json"},
                      {"Authorization", "Bearer " + world_->manager_token}});
  expect_problem(r, 413);
  r = c.request("POST", "/api/v1/stores", "{}",
                {{"Content-Type", "text/plain"}, {"Authorization", "Bearer " + world_->manager_token}});
  expect_problem(r, 415);
  r = c.request("POST", "/api/v1/stores", "{}", {{"Authorization", "Bearer " + world_->manager_token}});
  expect_problem(r, 415);
  r = c.request("POST", "/api/v1/imports/stores", "code,name,lat,lon\n",
                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + world_->manager_token}});
  expect_problem(r, 415);
  expect_problem(c.get("/api/v1/nothing-here"), 404);
  expect_problem(c.get("/api/v1/stores/"), 404);
  r = c.request("PUT", "/api/v1/stores", "", {{"Authorization", "Bearer " + world_->manager_token}});
  expect_problem(r, 405);
  EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
  EXPECT_NE(r.header("allow").find("POST"), std::string::npos);
  expect_problem(c.del("/api/v1/changes"), 405);
}

TEST_F(Hostile, BadQueryParameters) {
  auto c = as(world_->admin_token);
  expect_problem(c.get("/api/v1/stores?limit=0"), 400, "limit");
  expect_problem(c.get("/api/v1/stores?limit=100000"), 400, "limit");
  expect_problem(c.get("/api/v1/stores?limit=ten"), 400, "limit");
  expect_problem(c.get("/api/v1/stores?cursor=-5"), 400, "cursor");
  expect_problem(c.get("/api/v1/stores?colour=red"), 400, "colour");
  expect_problem(c.get("/api/v1/stores?channel=kiosk"), 400, "channel");
  expect_problem(c.get("/api/v1/changes?since=abc"), 400, "since");
  expect_problem(c.get("/api/v1/visits?store_id=0"), 400, "store_id");
}

TEST_F(Hostile, StaleVersionsAndStateConflicts) {
  auto c = as(world_->admin_token);
  const auto path = "/api/v1/stores/" + std::to_string(world_->store_a);
  const auto version = c.get(path).json().at("version").as_int64();
  expect_problem(c.patch(path, json::object{{"name", "x"}}, "\"" + std::to_string(version + 5) + "\""), 412);
  expect_problem(c.patch(path, json::object{{"name", "x"}, {"version", version + 5}}), 409);
  expect_problem(c.patch(path, json::object{{"name", "x"}}), 428);
  expect_problem(c.post("/api/v1/stores", json::object{{"code", "A-1"}, {"name", "dup"}, {"lat", 45}, {"lon", 4}}),
                 409);
}

TEST_F(Hostile, AnotherRepsRecords) {
  auto a = as(world_->rep_a_token);
  const auto b_store = "/api/v1/stores/" + std::to_string(world_->store_b);
  expect_problem(a.get(b_store), 404);
  expect_problem(a.patch(b_store, json::object{{"name", "mine now"}}, "\"1\""), 403);  // reps cannot edit stores
  expect_problem(a.post("/api/v1/visits", json::object{{"store_id", world_->store_b}}), 422, "store_id");
  expect_problem(a.post("/api/v1/orders", json::object{{"store_id", world_->store_b},
                                                      {"lines", json::array{json::object{{"product_id", world_->product},
                                                                                         {"quantity", 1}}}}}),
                 422, "store_id");
  // Filtering on another rep's store shows nothing rather than an error that confirms it exists.
  auto listed = a.get("/api/v1/visits?store_id=" + std::to_string(world_->store_b));
  EXPECT_EQ(listed.status, 200);
  EXPECT_TRUE(listed.json().at("items").as_array().empty());
}

TEST_F(Hostile, CsvWithBadRowsImportsNothing) {
  auto c = as(world_->admin_token);
  const std::string csv =
      "code,name,lat,lon,channel,mon\n"
      "OK-1,Fine store,45.1,4.9,super,08:00-12:00\n"
      "OK-2,,45.1,4.9,super,\n"             // line 3: name missing
      "OK-3,Bad lat,95,4.9,super,\n"        // line 4: lat out of range
      "OK-4,Bad hours,45.1,4.9,super,12:00-08:00\n"  // line 5
      "OK-5,Too,many,fields,here,x,y\n"     // line 6
      "OK-1,Duplicate,45.1,4.9,super,\n";   // line 7
  auto r = c.post_csv("/api/v1/imports/stores", csv);
  expect_problem(r, 422);
  std::set<int> lines;
  const auto body = r.json();
  for (auto& e : body.at("errors").as_array()) lines.insert(static_cast<int>(e.at("line").as_int64()));
  EXPECT_EQ(lines, (std::set<int>{3, 4, 5, 6, 7}));
  EXPECT_EQ(c.get("/api/v1/stores?limit=500").body.find("OK-1"), std::string::npos);

  expect_problem(c.post_csv("/api/v1/imports/stores", "code,name\nX,Y\n"), 422, "lat");
  expect_problem(c.post_csv("/api/v1/imports/stores", "code,name,lat,lon,wat\nX,Y,1,2,3\n"), 422, "wat");
  expect_problem(c.post_csv("/api/v1/imports/stores", ""), 422);
  expect_problem(c.post_csv("/api/v1/imports/sales",
                            "store_code,sku,week,units\nA-1,SKU-1,2026-11-24,3\nNOPE,SKU-1,2026-11-23,3\n"),
                 422, "week");
  expect_problem(c.post_csv("/api/v1/imports/products", "sku,name,ean\nP9,Bad ean,3017620422004\n"), 422, "ean");
}

TEST_F(Hostile, RawGarbageOnTheSocket) {
  auto c = anonymous();
  auto reply = c.raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos);
  reply = c.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  EXPECT_NE(reply.find("431"), std::string::npos);
  reply = c.raw("POST /api/v1/stores HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n");
  EXPECT_NE(reply.find("413"), std::string::npos);
}

TEST_F(Hostile, ExpectContinueIsAnsweredBeforeTheBody) {
  auto c = anonymous();
  // Headers only: a server that waits for the body would time out instead of answering 100.
  const std::string head =
      "POST /api/v1/imports/stores HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
      "Expect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n";
  EXPECT_TRUE(c.raw_until(head, "\r\n\r\n").starts_with("HTTP/1.1 100 Continue\r\n"));
}

TEST_F(Hostile, RolesAreEnforced) {
  auto rep = as(world_->rep_a_token);
  expect_problem(rep.post("/api/v1/users", json::object{{"email", "x@y.fr"}, {"name", "x"}, {"role", "admin"},
                                                        {"password", "password-123"}}),
                 403);
  expect_problem(rep.post_csv("/api/v1/imports/stores", "code,name,lat,lon\nR,R,1,1\n"), 403);
  expect_problem(as(world_->manager_token).post("/api/v1/users", json::object{{"email", "x@y.fr"}}), 403);
  expect_problem(anonymous().get("/api/v1/stores"), 401);
  auto r = anonymous().request("GET", "/api/v1/stores", "", {{"Authorization", "Bearer forged-token"}});
  expect_problem(r, 401);
  r = anonymous().request("GET", "/api/v1/stores", "", {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
  expect_problem(r, 401);
}

}  // namespace boucle::testing
