#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <random>
#include <set>

#include "api_fixture.hpp"

// Targeting, KPIs and campaigns against the real server (docs/TARGETING.md, docs/KPIS.md):
// segments end to end, hostile expressions and queries, KPIs checked against numbers worked out
// by hand from the visits the test writes, and campaigns feeding the planner.
namespace boucle::testing {

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t today() { return std::time(nullptr) / 86400; }

std::string civil(std::int64_t days) {
  const std::time_t t = static_cast<std::time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string iso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Days since 1970-01-01 of "YYYY-MM-DD" (the inverse of civil()).
std::int64_t day_of(const std::string& date) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2));
  return static_cast<std::int64_t>(timegm(&tm)) / 86400;
}

bool is_monday(const std::string& date) { return (day_of(date) + 3) % 7 == 0; }
std::int64_t monday_of(std::int64_t d) { return d - ((d % 7) + 7 + 3) % 7; }

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

// Every item of a paginated list, `limit` at a time.
std::vector<json::object> all_items(HttpClient& c, const std::string& path, int limit = 100) {
  std::vector<json::object> out;
  std::string cursor;
  const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
  for (int guard = 0; guard < 10'000; ++guard) {
    auto r = c.get(path + sep + "limit=" + std::to_string(limit) +
                   (cursor.empty() ? "" : "&cursor=" + cursor));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (r.status != 200) break;
    const auto body = r.json();
    for (const auto& item : body.at("items").as_array()) out.push_back(item.as_object());
    if (body.at("next_cursor").is_null()) break;
    cursor = str(body.at("next_cursor"));
  }
  return out;
}

// The first validation error of a problem+json answer: {field, position (-1 when absent)}.
std::pair<std::string, std::int64_t> first_error(const HttpResponse& r) {
  const auto body = r.json();
  const auto* errors = body.as_object().if_contains("errors");
  if (!errors || errors->as_array().empty()) return {"", -1};
  const auto& e = errors->as_array().at(0).as_object();
  const auto* pos = e.if_contains("position");
  return {str(e.at("field")), pos ? pos->as_int64() : -1};
}

bool has_error_on(const HttpResponse& r, const std::string& field) {
  const auto body = r.json();
  const auto* errors = body.as_object().if_contains("errors");
  if (!errors) return false;
  for (const auto& e : errors->as_array()) {
    if (e.at("field").as_string() == field) return true;
  }
  return false;
}

// PATCH a store with the If-Match of its current version.
HttpResponse patch_store(HttpClient& c, std::int64_t id, const json::object& body) {
  const std::string path = "/api/v1/stores/" + std::to_string(id);
  auto got = c.get(path);
  EXPECT_EQ(got.status, 200) << got.body;
  return c.patch(path, body, got.header("etag"));
}

std::int64_t sum_counts(const json::value& list) {
  std::int64_t n = 0;
  for (const auto& item : list.as_array()) n += item.at("count").as_int64();
  return n;
}

// A KPI of a /kpis answer by name.
const json::object& kpi(const json::value& answer, std::string_view name) {
  for (const auto& k : answer.at("kpis").as_array()) {
    if (k.at("kpi").as_string() == name) return k.as_object();
  }
  throw std::runtime_error("no KPI " + std::string(name) + " in " + json::serialize(answer));
}

}  // namespace

class Targeting : public ApiTest {
 protected:
  // Each test writes stores and visits the others count: a fresh world for every test, also
  // when the whole suite runs in one process (ctest already runs each in its own).
  void SetUp() override {
    if (tests_run_++ > 0) {
      TearDownTestSuite();
      SetUpTestSuite();
    }
  }
  static inline int tests_run_ = 0;

  static std::map<std::string, std::int64_t> store_ids_by_code(HttpClient& c) {
    std::map<std::string, std::int64_t> out;
    for (const auto& s : all_items(c, "/api/v1/stores")) out[str(s.at("code"))] = s.at("id").as_int64();
    return out;
  }
};

// ------------------------------------------------------------------------------------------------
// a. Segments: preview, create, members, counts, GeoJSON, explain, dynamic and static refresh,
// versioned PATCH, names, delete.
TEST_F(Targeting, SegmentsEndToEnd) {
  auto manager = as(world_->manager_token);
  // Forty stores with mixed channels, potentials, tags, regions and reps, plus X-1, a super
  // just under the potential threshold.
  std::string csv = "code,name,lat,lon,channel,potential,tags,postcode,rep_email\n";
  const char* channels[] = {"hyper", "super", "proxi", "drive", "super"};
  for (int i = 0; i < 40; ++i) {
    const char* tags = i % 4 == 0 ? "closed|bio" : (i % 3 == 0 ? "bio" : "");
    const char* rep = i % 3 == 0 ? "rep.a@test.fr" : (i % 3 == 1 ? "rep.b@test.fr" : "");
    csv += "T-" + std::to_string(i) + ",Store " + std::to_string(i) + "," +
           std::to_string(45.70 + i * 0.002) + "," + std::to_string(4.80 + i * 0.003) + "," +
           channels[i % 5] + "," + std::to_string((i * 37) % 100) + "," + tags + "," +
           (i % 2 ? "69003" : "75011") + "," + rep + "\n";
  }
  csv += "X-1,Super X,45.8,4.9,super,45,,69001,rep.a@test.fr\n";
  auto imported = manager.post_csv("/api/v1/imports/stores", csv);
  ASSERT_EQ(imported.status, 200) << imported.body;

  const std::string expr =
      R"(channel in ("hyper", "super") and potential >= 50 and not tags has "closed")";
  const auto stores = all_items(manager, "/api/v1/stores");
  std::map<std::int64_t, json::object> by_id;
  std::set<std::int64_t> expected;
  std::int64_t expected_ara = 0, x1 = 0, hyper_count = 0;
  for (const auto& s : stores) {
    const auto id = s.at("id").as_int64();
    by_id[id] = s;
    const std::string channel = str(s.at("channel"));
    bool closed = false;
    for (const auto& t : s.at("tags").as_array()) closed = closed || t.as_string() == "closed";
    if ((channel == "hyper" || channel == "super") && s.at("potential").to_number<double>() >= 50 &&
        !closed) {
      expected.insert(id);
      expected_ara += str(s.at("postcode")).starts_with("69") ? 1 : 0;
    }
    hyper_count += channel == "hyper" ? 1 : 0;
    if (s.at("code") == "X-1") x1 = id;
  }
  ASSERT_GE(expected.size(), 5u);
  ASSERT_LT(expected.size(), stores.size() / 2);
  ASSERT_NE(x1, 0);

  // Preview: the count equals a brute-force count over GET /stores; the sample is members.
  auto preview = manager.post("/api/v1/targeting/preview",
                              json::object{{"expression", expr}, {"sample", 3}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  auto p = preview.json();
  EXPECT_EQ(p.at("count").as_int64(), static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(p.at("stores_total").as_int64(), static_cast<std::int64_t>(stores.size()));
  EXPECT_EQ(sum_counts(p.at("by_rep")), p.at("count").as_int64());
  EXPECT_EQ(sum_counts(p.at("by_region")), p.at("count").as_int64());
  EXPECT_EQ(p.at("sample").as_array().size(), 3u);
  for (const auto& s : p.at("sample").as_array()) EXPECT_TRUE(expected.contains(s.at("id").as_int64()));
  EXPECT_FALSE(p.at("expression").as_string().empty());
  auto fields = manager.get("/api/v1/targeting/fields");
  ASSERT_EQ(fields.status, 200);
  std::set<std::string> names;
  const auto fj = fields.json();
  for (const auto& f : fj.at("items").as_array()) names.insert(str(f.at("name")));
  for (const char* n : {"channel", "potential", "tags", "days_since_visit", "dn", "region"}) {
    EXPECT_TRUE(names.contains(n)) << n;
  }

  // Create: members computed at once.
  auto created = manager.post("/api/v1/segments", json::object{{"name", "Big supers"},
                                                               {"description", "test"},
                                                               {"expression", expr}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto seg = created.json().at("id").as_int64();
  const std::string path = "/api/v1/segments/" + std::to_string(seg);
  EXPECT_EQ(created.json().at("member_count").as_int64(), static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(created.json().at("dynamic"), true) << "segments are dynamic by default";
  EXPECT_FALSE(created.json().at("refreshed_at").is_null());

  // Members one at a time through the cursor: each member once, exactly the expected set.
  std::set<std::int64_t> members;
  const auto member_items = all_items(manager, path + "/members", 1);
  for (const auto& m : member_items) {
    EXPECT_TRUE(members.insert(m.at("id").as_int64()).second) << "a member listed twice";
    EXPECT_TRUE(m.contains("since"));
  }
  EXPECT_EQ(members, expected);

  // Counts by rep and region sum to the count; GeoJSON points are [lon, lat].
  auto counts = manager.get(path + "/counts");
  ASSERT_EQ(counts.status, 200) << counts.body;
  const auto cj = counts.json();
  EXPECT_EQ(cj.at("count").as_int64(), static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(sum_counts(cj.at("by_rep")), cj.at("count").as_int64());
  EXPECT_EQ(sum_counts(cj.at("by_region")), cj.at("count").as_int64());
  std::int64_t ara = 0;
  for (const auto& r : cj.at("by_region").as_array()) {
    if (r.at("region") == "Auvergne-Rhône-Alpes") ara = r.at("count").as_int64();
  }
  EXPECT_EQ(ara, expected_ara);
  auto geo = manager.get(path + "/geojson");
  ASSERT_EQ(geo.status, 200) << geo.body;
  EXPECT_EQ(geo.header("content-type"), "application/geo+json");
  const auto gj = geo.json();
  EXPECT_EQ(gj.at("type"), "FeatureCollection");
  ASSERT_EQ(gj.at("features").as_array().size(), expected.size());
  for (const auto& f : gj.at("features").as_array()) {
    EXPECT_EQ(f.at("type"), "Feature");
    EXPECT_EQ(f.at("geometry").at("type"), "Point");
    const auto id = f.at("id").as_int64();
    ASSERT_TRUE(expected.contains(id));
    const auto& xy = f.at("geometry").at("coordinates").as_array();
    ASSERT_EQ(xy.size(), 2u);
    EXPECT_DOUBLE_EQ(xy[0].to_number<double>(), by_id[id].at("lon").to_number<double>()) << "[lon, lat]";
    EXPECT_DOUBLE_EQ(xy[1].to_number<double>(), by_id[id].at("lat").to_number<double>()) << "[lon, lat]";
  }

  // Explain: a member meets every clause; X-1 misses the potential clause only.
  auto yes = manager.get(path + "/explain?store_id=" + std::to_string(*expected.begin()));
  ASSERT_EQ(yes.status, 200) << yes.body;
  EXPECT_EQ(yes.json().at("member"), true);
  EXPECT_EQ(yes.json().at("explanation").at("met"), true);
  const auto yj = yes.json();
  for (const auto& c : yj.at("explanation").at("children").as_array()) EXPECT_EQ(c.at("met"), true);
  auto no = manager.get(path + "/explain?store_id=" + std::to_string(x1));
  ASSERT_EQ(no.status, 200) << no.body;
  EXPECT_EQ(no.json().at("member"), false);
  EXPECT_EQ(no.json().at("explanation").at("met"), false);
  int missed = 0;
  const auto nj = no.json();
  for (const auto& c : nj.at("explanation").at("children").as_array()) {
    if (c.at("met") == false) {
      ++missed;
      EXPECT_NE(str(c.at("clause")).find("potential"), std::string::npos) << c;
    }
  }
  EXPECT_EQ(missed, 1) << no.body;
  auto adhoc = manager.post("/api/v1/targeting/explain",
                            json::object{{"expression", expr}, {"store_id", x1}});
  ASSERT_EQ(adhoc.status, 200) << adhoc.body;
  EXPECT_EQ(adhoc.json().at("explanation"), no.json().at("explanation"));

  // A static copy: it keeps its members until refreshed.
  auto fixed = manager.post("/api/v1/segments", json::object{{"name", "Big supers (frozen)"},
                                                             {"expression", expr},
                                                             {"dynamic", false}});
  ASSERT_EQ(fixed.status, 201) << fixed.body;
  const std::string fixed_path = "/api/v1/segments/" + std::to_string(fixed.json().at("id").as_int64());
  EXPECT_EQ(fixed.json().at("dynamic"), false);
  EXPECT_EQ(fixed.json().at("member_count").as_int64(), static_cast<std::int64_t>(expected.size()));

  // X-1 crosses the threshold: the dynamic segment takes it in (and records it), then lets it go.
  const auto n = static_cast<std::int64_t>(expected.size());
  ASSERT_EQ(patch_store(manager, x1, {{"potential", 80}}).status, 200);
  auto got = manager.get(path);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("member_count").as_int64(), n + 1);
  auto history = manager.get(path + "/history?store_id=" + std::to_string(x1));
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json().at("items").as_array().size(), 1u) << history.body;
  EXPECT_EQ(history.json().at("items").at(0).at("change"), "joined");
  EXPECT_EQ(manager.get(fixed_path).json().at("member_count").as_int64(), n) << "static: untouched";
  ASSERT_EQ(patch_store(manager, x1, {{"potential", 10}}).status, 200);
  std::set<std::int64_t> after;
  for (const auto& m : all_items(manager, path + "/members")) after.insert(m.at("id").as_int64());
  EXPECT_EQ(after, expected);
  history = manager.get(path + "/history?store_id=" + std::to_string(x1));
  ASSERT_EQ(history.json().at("items").as_array().size(), 2u) << history.body;
  EXPECT_EQ(history.json().at("items").at(1).at("change"), "left");
  // The whole history: each initial member joined once, X-1 joined and left.
  EXPECT_EQ(all_items(manager, path + "/history").size(), expected.size() + 2);

  // The static segment only moves when refreshed.
  ASSERT_EQ(patch_store(manager, x1, {{"potential", 90}}).status, 200);
  EXPECT_EQ(manager.get(fixed_path).json().at("member_count").as_int64(), n);
  auto refreshed = manager.post(fixed_path + "/refresh", json::object{});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(refreshed.json().at("joined").as_int64(), 1);
  EXPECT_EQ(refreshed.json().at("left").as_int64(), 0);
  EXPECT_EQ(refreshed.json().at("members").as_int64(), n + 1);
  EXPECT_EQ(manager.get(fixed_path).json().at("member_count").as_int64(), n + 1);
  EXPECT_EQ(manager.get(path).json().at("member_count").as_int64(), n + 1);

  // PATCH the expression: If-Match required and checked.
  const auto etag = manager.get(path).header("etag");
  const json::object change{{"expression", "CHANNEL = 'hyper'"}};
  EXPECT_EQ(manager.patch(path, change).status, 428);
  EXPECT_EQ(manager.patch(path, change, "\"999\"").status, 412);
  auto patched = manager.patch(path, change, etag);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("member_count").as_int64(), hyper_count);
  EXPECT_NE(patched.json().at("expression"), "CHANNEL = 'hyper'") << "stored canonical";
  EXPECT_EQ(manager.patch(path, {{"expression", "channel = "}}, patched.header("etag")).status, 422);

  // Names are unique; delete, then 404 everywhere.
  EXPECT_EQ(manager.post("/api/v1/segments", json::object{{"name", "Big supers"}, {"expression", expr}}).status,
            409);
  EXPECT_EQ(manager.patch(fixed_path, {{"name", "Big supers"}}, manager.get(fixed_path).header("etag")).status,
            409);
  EXPECT_EQ(manager.del(path).status, 204);
  for (const std::string suffix : {"", "/members", "/counts", "/geojson", "/history"}) {
    EXPECT_EQ(manager.get(path + suffix).status, 404) << suffix;
  }
  EXPECT_EQ(manager.post(path + "/refresh", json::object{}).status, 404);
  for (const auto& g : all_items(manager, "/api/v1/segments")) EXPECT_NE(g.at("id").as_int64(), seg);
  // The name is free again.
  EXPECT_EQ(manager.post("/api/v1/segments", json::object{{"name", "Big supers"}, {"expression", expr}}).status,
            201);
}

// ------------------------------------------------------------------------------------------------
// b. Hostile input: positions of expression errors, wrong types, roles, unknown ids, KPI query
// errors, and a few hundred mutated expressions that never get a 5xx.
TEST_F(Targeting, HostileInputIsRefusedPrecisely) {
  auto manager = as(world_->manager_token);
  auto expect_expression_error = [&](const std::string& text, std::int64_t position) {
    auto r = manager.post("/api/v1/targeting/preview", json::object{{"expression", text}});
    EXPECT_EQ(r.status, 422) << text << ": " << r.body;
    if (r.status != 422) return;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    const auto [field, pos] = first_error(r);
    EXPECT_EQ(field, "expression") << r.body;
    EXPECT_EQ(pos, position) << text << ": " << r.body;
  };
  expect_expression_error("potentail > 5", 0);
  expect_expression_error("(potential > 5", 14);
  expect_expression_error("potential > 5)", 13);
  expect_expression_error("potential == 5", 10);
  expect_expression_error(R"(potential > "high")", 12);
  expect_expression_error(R"(channel < "hyper")", 8);
  expect_expression_error(R"(channel = "hypr")", 10);
  expect_expression_error(R"(dn("Nope") > 5)", 3);
  expect_expression_error(R"(tags = "bio")", 5);
  expect_expression_error(std::string(33, '(') + "potential > 5" + std::string(33, ')'), 32);
  expect_expression_error("potential > 5 and " + ("name = \"" + std::string(9000, 'x') + "\""), 8192);
  // Longer than the field allows: refused before parsing (422 on the field, or 413 for the body).
  {
    auto r = manager.post("/api/v1/targeting/preview",
                          json::object{{"expression", "name = \"" + std::string(70'000, 'x') + "\""}});
    EXPECT_TRUE(r.status == 422 || r.status == 413) << r.status;
    if (r.status == 422) {
      EXPECT_EQ(first_error(r).first, "expression");
    }
  }
  // Invalid UTF-8 cannot travel in JSON (400) but can in a query string: the `where` of /kpis.
  {
    auto r = manager.request("POST", "/api/v1/targeting/preview",
                             "{\"expression\": \"name = \\\"a\xc3\x28\\\"\"}",
                             {{"Content-Type", "application/json"},
                              {"Authorization", "Bearer " + world_->manager_token}});
    EXPECT_EQ(r.status, 400) << r.body;
    auto k = manager.get("/api/v1/kpis?where=" + url_encode("name = \"a\xc3\x28\""));
    EXPECT_EQ(k.status, 422) << k.body;
    EXPECT_EQ(first_error(k), (std::pair<std::string, std::int64_t>{"where", 9})) << k.body;
  }
  // Wrong JSON types, unknown fields, bad limits.
  auto expect_field = [&](const std::string& path, const json::object& body, const std::string& field) {
    auto r = manager.post(path, body);
    EXPECT_EQ(r.status, 422) << path << " " << json::serialize(body) << ": " << r.body;
    EXPECT_TRUE(has_error_on(r, field)) << field << ": " << r.body;
  };
  expect_field("/api/v1/targeting/preview", {{"expression", 5}}, "expression");
  expect_field("/api/v1/targeting/preview", {{"expression", ""}}, "expression");
  expect_field("/api/v1/targeting/preview", {{"sample", 3}}, "expression");
  expect_field("/api/v1/targeting/preview", {{"expression", "potential > 5"}, {"sample", "3"}}, "sample");
  expect_field("/api/v1/targeting/preview", {{"expression", "potential > 5"}, {"sample", 101}}, "sample");
  expect_field("/api/v1/targeting/preview", {{"expression", "potential > 5"}, {"colour", 1}}, "colour");
  expect_field("/api/v1/targeting/explain", {{"expression", "potential > 5"}}, "store_id");
  expect_field("/api/v1/segments", {{"name", 5}, {"expression", "potential > 5"}}, "name");
  expect_field("/api/v1/segments", {{"name", "x"}, {"expression", "potential > 5"}, {"dynamic", "yes"}},
               "dynamic");
  expect_field("/api/v1/segments", {{"name", "x"}, {"expression", "potential >"}}, "expression");
  expect_field("/api/v1/segments", {{"name", "x"}, {"expression", "potential > 5"}, {"members", 1}}, "members");
  EXPECT_EQ(manager.post("/api/v1/targeting/explain",
                         json::object{{"expression", "potential > 5"}, {"store_id", 999999}}).status,
            404);
  EXPECT_EQ(manager.get("/api/v1/segments?limit=0").status, 400);

  // Roles: segments and targeting are for managers; a rep cannot create campaigns.
  auto rep = as(world_->rep_a_token);
  EXPECT_EQ(rep.get("/api/v1/segments").status, 403);
  EXPECT_EQ(rep.post("/api/v1/segments", json::object{{"name", "mine"}, {"expression", "potential > 5"}}).status,
            403);
  EXPECT_EQ(rep.post("/api/v1/targeting/preview", json::object{{"expression", "potential > 5"}}).status, 403);
  EXPECT_EQ(rep.get("/api/v1/targeting/fields").status, 403);
  EXPECT_EQ(rep.post("/api/v1/campaigns", json::object{{"name", "x"}}).status, 403);
  EXPECT_EQ(anonymous().get("/api/v1/kpis").status, 401);

  // Unknown segments.
  for (const std::string suffix : {"", "/members", "/counts", "/geojson", "/history", "/explain?store_id=1"}) {
    EXPECT_EQ(manager.get("/api/v1/segments/999999" + suffix).status, 404) << suffix;
  }
  EXPECT_EQ(manager.patch("/api/v1/segments/999999", {{"name", "y"}}, "\"1\"").status, 404);
  EXPECT_EQ(manager.del("/api/v1/segments/999999").status, 404);

  // KPI queries: bad parameters are 400 on the parameter, unknown things 404 or 422.
  auto query_error = [&](HttpClient& c, const std::string& query, int status, const std::string& field) {
    auto r = c.get("/api/v1/kpis?" + query);
    EXPECT_EQ(r.status, status) << query << ": " << r.body;
    if (!field.empty()) {
      EXPECT_TRUE(has_error_on(r, field)) << query << ": " << r.body;
    }
  };
  query_error(manager, "universe=galaxy", 400, "universe");
  query_error(manager, "universe=rep:", 400, "universe");
  query_error(manager, "universe=rep:-3", 400, "universe");
  query_error(manager, "universe=region:Atlantis", 400, "universe");
  query_error(manager, "kpis=dn,bogus", 400, "kpis");
  query_error(manager, "kpis=", 400, "kpis");
  query_error(manager, "from=2026-03-01&to=2026-02-01", 400, "from");
  query_error(manager, "from=yesterday", 400, "from");
  query_error(manager, "from=2020-01-01&to=2026-01-01", 400, "from");
  query_error(manager, "range=Nope", 422, "range");
  query_error(manager, "product_id=999999", 422, "product_id");
  query_error(manager, "where=" + url_encode("potentail > 5"), 422, "where");
  query_error(manager, "colour=red", 400, "colour");
  query_error(manager, "universe=segment:999999", 404, "");
  query_error(manager, "universe=store:999999", 404, "");
  query_error(manager, "universe=rep:" + std::to_string(world_->rep_a + 1000), 404, "");
  // A rep asking for another rep's territory is told it does not exist; their own is fine.
  query_error(rep, "universe=rep:" + std::to_string(world_->rep_b), 404, "");
  query_error(rep, "universe=store:" + std::to_string(world_->store_b), 404, "");
  auto mine = rep.get("/api/v1/kpis?universe=all");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json().at("universe").at("stores"), 2) << "a rep's `all` is their territory";

  // Seeded mutations of valid expressions: a 200 or a 422 on `expression`, never anything else.
  const std::vector<std::string> seeds = {
      R"(channel in ("hyper", "super") and potential >= 60 and not tags has "bio")",
      R"((potential > 5 or size < 300) and days_since_visit > 21 and dn("Classique") < 50)",
      R"(within(45.76, 4.84, 30) and not assigned or visits(30) = 0 and sales_trend(4) > -10)",
      R"(in_polygon({"type":"Polygon","coordinates":[[[4,45],[5,45],[5,46],[4,46],[4,45]]]}))",
      R"(region = "Auvergne-Rhône-Alpes" and department in ("69", "2A") and oos("Nouveau") > 0)"};
  const std::string alphabet = "()\"',<>=!-.0123456789 eE{}[]\\:andortsinhaxyz\t\n";
  std::mt19937 rng(20261127);
  int accepted = 0;
  for (int i = 0; i < 300; ++i) {
    std::string s = seeds[i % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = s.empty() ? 0 : rng() % s.size();
      switch (rng() % 5) {
        case 0: if (!s.empty()) s.erase(at, 1); break;
        case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: if (!s.empty()) s[at] = alphabet[rng() % alphabet.size()]; break;
        case 3: s.insert(at, s.substr(at, rng() % 12)); break;
        default: s.insert(at, rng() % 2 ? "\xc3\xa9" : "\xe2\x82\xac"); break;  // é, €
      }
    }
    auto r = manager.post("/api/v1/targeting/preview", json::object{{"expression", s}});
    if (!valid_utf8(s)) {  // cut inside é or €: the JSON itself is refused
      EXPECT_EQ(r.status, 400) << r.body;
      continue;
    }
    ASSERT_TRUE(r.status == 200 || r.status == 422) << r.status << " for " << s << ": " << r.body;
    if (r.status == 422) {
      const auto [field, pos] = first_error(r);
      EXPECT_EQ(field, "expression") << s;
      EXPECT_GE(pos, 0) << s << ": " << r.body;
      EXPECT_LE(pos, static_cast<std::int64_t>(s.size())) << s;
    } else {
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 5) << "some mutations stay valid";
  EXPECT_EQ(anonymous().get("/healthz").status, 200);
}

// ------------------------------------------------------------------------------------------------
// c. KPIs through HTTP against numbers worked out by hand from the visits written here.
TEST_F(Targeting, KpisMatchAHandComputation) {
  auto manager = as(world_->manager_token);
  auto rep_a = as(world_->rep_a_token);
  auto rep_b = as(world_->rep_b_token);
  const auto ids = store_ids_by_code(manager);
  const auto a1 = ids.at("A-1"), a2 = ids.at("A-2"), b1 = ids.at("B-1"), b2 = ids.at("B-2");
  const auto p1 = world_->product, p2 = world_->product2;
  // Potentials drive DV: 60 + 20 (rep A), 100 + 40 (rep B).
  for (const auto& [id, potential] : std::map<std::int64_t, int>{{a1, 60}, {a2, 20}, {b1, 100}, {b2, 40}}) {
    ASSERT_EQ(patch_store(manager, id, {{"potential", potential}}).status, 200);
  }
  const auto stores = all_items(manager, "/api/v1/stores");
  ASSERT_EQ(stores.size(), 4u) << "this test's world is the fixture's";
  for (const auto& s : stores) ASSERT_GT(s.at("visit_frequency_days").as_int64(), 3);
  const std::string period = "&from=" + civil(today() - 10) + "&to=" + civil(today());

  // Before any visit: DN 0, flows undefined (null, not 0).
  auto empty = manager.get("/api/v1/kpis?universe=all" + period);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(kpi(empty.json(), "dn").at("value"), 0.0);
  EXPECT_TRUE(kpi(empty.json(), "strike_rate").at("value").is_null());
  EXPECT_EQ(kpi(empty.json(), "strike_rate").at("denominator"), 0.0);

  const auto now = std::time(nullptr);
  auto visit = [&](HttpClient& rep, std::int64_t store, double lat, double lon, std::time_t checkin,
                   int minutes, json::array audits, json::array order_lines) {
    auto v = rep.post("/api/v1/visits", json::object{{"store_id", store}});
    ASSERT_EQ(v.status, 201) << v.body;
    json::object body{{"checkin", {{"at", iso(checkin)}, {"lat", lat}, {"lon", lon}}},
                      {"checkout", {{"at", iso(checkin + minutes * 60)}}},
                      {"audits", std::move(audits)}};
    if (!order_lines.empty()) body["order"] = json::object{{"lines", std::move(order_lines)}};
    auto r = rep.post("/api/v1/visits/" + std::to_string(v.json().at("id").as_int64()) + "/complete", body);
    ASSERT_EQ(r.status, 200) << r.body;
  };
  auto audit = [](std::int64_t product, bool present, bool oos = false, int facings = 0) {
    return json::object{{"product_id", product}, {"present", present}, {"out_of_stock", oos},
                        {"facings", facings}};
  };
  // V1 at A-1: P1 on the shelf, P2 absent, an order. (30 min)
  visit(rep_a, a1, 45.7640, 4.8357, now - 3 * 86400 - 7200, 30,
        {audit(p1, true, false, 4), audit(p2, false)},
        {json::object{{"product_id", p1}, {"quantity", 12}}});
  // V2 at A-1: P1 out of stock, P2 now present (a distribution gain), no order. (45 min)
  visit(rep_a, a1, 45.7640, 4.8357, now - 86400 - 7200, 45,
        {audit(p1, true, true, 0), audit(p2, true, false, 2)}, {});
  // V3 at A-2: P1 absent, no order: a blank visit. (15 min)
  visit(rep_a, a2, 45.7700, 4.8400, now - 2 * 86400 - 7200, 15, {audit(p1, false)}, {});
  // V4 at B-1: P1 present (a first audit: no gain), an order. (60 min)
  visit(rep_b, b1, 44.9334, 4.8924, now - 2 * 86400 - 10800, 60, {audit(p1, true, false, 6)},
        {json::object{{"product_id", p2}, {"quantity", 3}}});

  auto expect_kpi = [](const json::value& answer, std::string_view name, std::optional<double> value,
                       double numerator, double denominator) {
    const auto& k = kpi(answer, name);
    if (value) {
      ASSERT_TRUE(k.at("value").is_number()) << name << ": " << json::serialize(k);
      EXPECT_NEAR(k.at("value").to_number<double>(), *value, 0.006) << name;
    } else {
      EXPECT_TRUE(k.at("value").is_null()) << name << ": " << json::serialize(k);
    }
    EXPECT_NEAR(k.at("numerator").to_number<double>(), numerator, 0.0011) << name;
    EXPECT_NEAR(k.at("denominator").to_number<double>(), denominator, 0.0011) << name;
    EXPECT_EQ(k.at("unit"), "percent");
  };
  // Everyone: DN A-1 and B-1 of 4; DV (60+100)/220; coverage 3 of 4 visited within frequency;
  // 4 visits, 2 with an order, 1 blank (V3; V2 has a gain); present audits 4, 1 out of stock;
  // 2.5 h in store and no published plan: all the time is in store; no planned visits.
  auto all = manager.get("/api/v1/kpis?universe=all" + period);
  ASSERT_EQ(all.status, 200) << all.body;
  const auto aj = all.json();
  EXPECT_EQ(aj.at("universe").at("stores"), 4);
  EXPECT_EQ(aj.at("universe").at("reps"), 2);
  EXPECT_EQ(aj.at("kpis").as_array().size(), 9u);
  expect_kpi(aj, "dn", 50, 2, 4);
  expect_kpi(aj, "dv", 100.0 * 160 / 220, 160, 220);
  expect_kpi(aj, "coverage", 75, 3, 4);
  expect_kpi(aj, "strike_rate", 50, 2, 4);
  expect_kpi(aj, "blank_visit_rate", 25, 1, 4);
  expect_kpi(aj, "oos_rate", 25, 1, 4);
  expect_kpi(aj, "time_in_store_share", 100, 2.5, 2.5);
  expect_kpi(aj, "plan_adherence", std::nullopt, 0, 0);
  expect_kpi(aj, "share_of_shelf", std::nullopt, 0, 0);

  // Rep A's territory, asked by the manager and by rep A (whose default universe it is).
  const std::string rep_a_universe = "universe=rep:" + std::to_string(world_->rep_a);
  for (auto* c : {&manager, &rep_a}) {
    auto r = c->get("/api/v1/kpis?" + (c == &manager ? rep_a_universe : std::string("kpis=dn,dv,coverage,strike_rate,blank_visit_rate,oos_rate,time_in_store_share")) + period);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto j = r.json();
    EXPECT_EQ(str(j.at("universe").at("spec")), "rep:" + std::to_string(world_->rep_a));
    expect_kpi(j, "dn", 50, 1, 2);
    expect_kpi(j, "dv", 75, 60, 80);
    expect_kpi(j, "coverage", 100, 2, 2);
    expect_kpi(j, "strike_rate", 100.0 / 3, 1, 3);
    expect_kpi(j, "blank_visit_rate", 100.0 / 3, 1, 3);
    expect_kpi(j, "oos_rate", 100.0 / 3, 1, 3);
    expect_kpi(j, "time_in_store_share", 100, 1.5, 1.5);
  }
  auto only = rep_a.get("/api/v1/kpis?kpis=strike_rate,dn,strike_rate" + period);
  ASSERT_EQ(only.status, 200);
  ASSERT_EQ(only.json().at("kpis").as_array().size(), 2u) << "as asked, duplicates dropped";
  EXPECT_EQ(only.json().at("kpis").at(0).at("kpi"), "strike_rate");

  // One store; one product (and its range); a where filter; a period before the visits.
  auto one = manager.get("/api/v1/kpis?universe=store:" + std::to_string(a1) + period);
  ASSERT_EQ(one.status, 200);
  expect_kpi(one.json(), "dn", 100, 1, 1);
  expect_kpi(one.json(), "strike_rate", 50, 1, 2);
  expect_kpi(one.json(), "blank_visit_rate", 0, 0, 2);
  expect_kpi(one.json(), "oos_rate", 100.0 / 3, 1, 3);
  for (const std::string& selection : {"product_id=" + std::to_string(p2), std::string("range=nouveau")}) {
    auto r = manager.get("/api/v1/kpis?universe=all&" + selection + period);
    ASSERT_EQ(r.status, 200) << r.body;
    expect_kpi(r.json(), "dn", 25, 1, 4);
    expect_kpi(r.json(), "oos_rate", 0, 0, 1);
    expect_kpi(r.json(), "strike_rate", 50, 2, 4);
  }
  auto hyper = manager.get("/api/v1/kpis?universe=all&where=" + url_encode("channel = \"hyper\"") + period);
  ASSERT_EQ(hyper.status, 200) << hyper.body;
  EXPECT_EQ(hyper.json().at("universe").at("stores"), 1);
  expect_kpi(hyper.json(), "dn", 100, 1, 1);
  expect_kpi(hyper.json(), "strike_rate", 100, 1, 1);
  auto before = manager.get("/api/v1/kpis?universe=all&from=" + civil(today() - 30) + "&to=" + civil(today() - 20));
  ASSERT_EQ(before.status, 200);
  expect_kpi(before.json(), "dn", 0, 0, 4);
  expect_kpi(before.json(), "coverage", 0, 0, 4);
  expect_kpi(before.json(), "strike_rate", std::nullopt, 0, 0);

  // Weekly series: Mondays, one per ISO week met, flows partitioned, states of the last week
  // equal to the period's.
  auto series = manager.get("/api/v1/kpis/series?universe=all&kpis=dn,strike_rate,time_in_store_share" + period);
  ASSERT_EQ(series.status, 200) << series.body;
  const auto sj = series.json();
  const auto& weeks = sj.at("weeks").as_array();
  ASSERT_EQ(static_cast<std::int64_t>(weeks.size()), (monday_of(today()) - monday_of(today() - 10)) / 7 + 1);
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    EXPECT_TRUE(is_monday(str(weeks[w]))) << weeks[w];
    if (w) {
      EXPECT_EQ(day_of(str(weeks[w])) - day_of(str(weeks[w - 1])), 7);
    }
  }
  const auto& s = sj.at("series").as_array();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].at("kpi"), "dn");
  EXPECT_EQ(s[0].at("values").as_array().back(), kpi(aj, "dn").at("value"));
  EXPECT_EQ(s[1].at("kpi"), "strike_rate");
  double strikes = 0, visits = 0, in_store = 0;
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    EXPECT_EQ(s[1].at("values").as_array().size(), weeks.size());
    strikes += s[1].at("numerators").at(w).to_number<double>();
    visits += s[1].at("denominators").at(w).to_number<double>();
    in_store += s[2].at("numerators").at(w).to_number<double>();
  }
  EXPECT_DOUBLE_EQ(strikes, 2);
  EXPECT_DOUBLE_EQ(visits, 4);
  EXPECT_NEAR(in_store, 2.5, 0.002);
}

// ------------------------------------------------------------------------------------------------
// d. Campaigns: validation, baseline, control groups, activation feeding the planner, progress.
TEST_F(Targeting, CampaignsFeedThePlanner) {
  auto manager = as(world_->manager_token);
  auto rep_a = as(world_->rep_a_token);
  // Twelve stores of rep A near Lyon, open every weekday, and 188 unassigned ones: all "camp".
  std::string csv = "code,name,lat,lon,channel,potential,tags,visit_frequency_days,rep_email,mon,tue,wed,thu,fri\n";
  for (int i = 1; i <= 12; ++i) {
    csv += "C-" + std::to_string(i) + ",Camp " + std::to_string(i) + "," + std::to_string(45.74 + i * 0.004) +
           "," + std::to_string(4.82 + i * 0.005) +
           ",super,50,camp,28,rep.a@test.fr,08:00-19:00,08:00-19:00,08:00-19:00,08:00-19:00,08:00-19:00\n";
  }
  for (int i = 1; i <= 188; ++i) {
    csv += "U-" + std::to_string(i) + ",Far " + std::to_string(i) + "," + std::to_string(43.0 + i * 0.01) +
           ",2.0,proxi,10,camp|far,28,,,,,,\n";
  }
  auto imported = manager.post_csv("/api/v1/imports/stores", csv);
  ASSERT_EQ(imported.status, 200) << imported.body;
  const auto ids = store_ids_by_code(manager);
  std::set<std::int64_t> c_stores;
  for (int i = 1; i <= 12; ++i) c_stores.insert(ids.at("C-" + std::to_string(i)));
  auto seg = manager.post("/api/v1/segments", json::object{{"name", "Camp"}, {"expression", R"(tags has "camp")"}});
  ASSERT_EQ(seg.status, 201) << seg.body;
  const auto segment_id = seg.json().at("id").as_int64();
  ASSERT_EQ(seg.json().at("member_count"), 200);

  // Rep A finds the "Classique" product on the shelf at C-1, an hour ago.
  {
    auto v = rep_a.post("/api/v1/visits", json::object{{"store_id", ids.at("C-1")}});
    ASSERT_EQ(v.status, 201) << v.body;
    const auto now = std::time(nullptr);
    auto r = rep_a.post("/api/v1/visits/" + std::to_string(v.json().at("id").as_int64()) + "/complete",
                        json::object{{"checkin", {{"at", iso(now - 3600)}, {"lat", 45.744}, {"lon", 4.825}}},
                                     {"checkout", {{"at", iso(now - 2400)}}},
                                     {"audits", json::array{json::object{{"product_id", world_->product},
                                                                         {"present", true},
                                                                         {"facings", 3}}}}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  const std::string start = civil(today() - 14), end = civil(today() + 60);
  const json::object tpl{
      {"audits", json::array{json::object{{"range", "Classique"}}, json::object{{"product_id", world_->product2}}}},
      {"fields", json::array{json::object{{"key", "facing_ok"}, {"label", "Facing OK?"}, {"type", "boolean"}},
                             json::object{{"key", "shelf"},
                                          {"label", "Shelf level"},
                                          {"type", "choice"},
                                          {"choices", json::array{"top", "eye", "bottom"}}}}},
      {"actions", json::array{"Place the display"}}};
  auto campaign = [&](const std::string& name, std::int64_t seed, const std::string& from) {
    return json::object{{"name", name},
                        {"segment_id", segment_id},
                        {"objective", {{"kpi", "dn"}, {"range", "Classique"}, {"goal", 60}}},
                        {"start_date", from},
                        {"end_date", end},
                        {"visit_value_eur", 50},
                        {"control_share", 0.3},
                        {"seed", seed},
                        {"visit_template", tpl}};
  };

  // Validation: every mistake on its field.
  auto expect_invalid = [&](json::object body, const std::string& field) {
    auto r = manager.post("/api/v1/campaigns", body);
    EXPECT_EQ(r.status, 422) << field << ": " << r.body;
    if (r.status == 201) {  // accepted by mistake: out of the way of what follows
      manager.del("/api/v1/campaigns/" + std::to_string(r.json().at("id").as_int64()));
      return;
    }
    EXPECT_TRUE(has_error_on(r, field)) << field << ": " << r.body;
  };
  auto with = [&](const char* key, json::value v) {
    auto b = campaign("Bad", 1, start);
    b[key] = std::move(v);
    return b;
  };
  auto with_template = [&](const char* key, json::array items) {
    auto t = tpl;
    t[key] = std::move(items);
    return with("visit_template", t);
  };
  expect_invalid(with_template("audits", {json::object{{"range", "Nope"}}}), "visit_template.audits[0].range");
  expect_invalid(with_template("audits", {json::object{{"range", "Classique"}, {"product_id", world_->product}}}),
                 "visit_template.audits[0].range");
  expect_invalid(with_template("audits", {json::object{{"product_id", 999999}}}), "visit_template.audits[0].product_id");
  expect_invalid(with_template("fields", {json::object{{"key", "Bad Key"}, {"label", "x"}, {"type", "number"}}}),
                 "visit_template.fields[0].key");
  expect_invalid(with_template("fields", {json::object{{"key", "k"}, {"label", "x"}, {"type", "colour"}}}),
                 "visit_template.fields[0].type");
  expect_invalid(with_template("fields", {json::object{{"key", "k"}, {"label", "x"}, {"type", "choice"}}}),
                 "visit_template.fields[0].choices");
  expect_invalid(with_template("actions", {json::value(5)}), "visit_template.actions");
  expect_invalid(with("objective", json::object{{"kpi", "bogus"}, {"goal", 50}}), "objective.kpi");
  expect_invalid(with("objective", json::object{{"kpi", "dn"}, {"goal", 150}}), "objective.goal");
  expect_invalid(with("objective", json::object{{"kpi", "dn"}, {"goal", 50}, {"range", "Nope"}}), "objective.range");
  expect_invalid(with("objective", json::object{{"kpi", "dn"}, {"goal", 50}, {"colour", "red"}}), "objective.colour");
  expect_invalid(with("control_share", 0.9), "control_share");
  expect_invalid(with("segment_id", 999999), "segment_id");
  expect_invalid(with("end_date", json::string(civil(today() - 30))), "end_date");
  expect_invalid(with("status", "paused"), "status");
  expect_invalid(with("colour", "red"), "colour");

  // Created as a draft; the baseline is measured on the treated stores at the start (before the
  // audit at C-1, so 0).
  auto created = manager.post("/api/v1/campaigns", campaign("Classique push", 42, start));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto cj = created.json();
  const std::string path = "/api/v1/campaigns/" + std::to_string(cj.at("id").as_int64());
  EXPECT_EQ(cj.at("status"), "draft");
  EXPECT_EQ(cj.at("objective").at("baseline"), 0.0);
  EXPECT_EQ(cj.at("visit_value_eur"), 50.0);
  EXPECT_EQ(cj.at("visit_template").at("fields").as_array().size(), 2u);
  EXPECT_EQ(cj.at("visit_template").at("audits"), tpl.at("audits"));
  EXPECT_EQ(manager.post("/api/v1/campaigns", campaign("Classique push", 1, start)).status, 409);

  // Groups: stable, reproducible from the seed, about 30 % held back.
  auto groups_of = [&](HttpClient& c, const std::string& p) {
    std::map<std::int64_t, std::string> out;
    for (const auto& m : all_items(c, p + "/members")) out[m.at("store_id").as_int64()] = str(m.at("group"));
    return out;
  };
  const auto groups = groups_of(manager, path);
  ASSERT_EQ(groups.size(), 200u);
  EXPECT_EQ(groups_of(manager, path), groups);
  int control = 0;
  for (const auto& [id, g] : groups) {
    EXPECT_TRUE(g == "control" || g == "treated") << g;
    control += g == "control";
  }
  EXPECT_GT(control, 0.18 * 200);
  EXPECT_LT(control, 0.42 * 200);
  auto twin = manager.post("/api/v1/campaigns", campaign("Twin", 42, civil(today())));
  ASSERT_EQ(twin.status, 201) << twin.body;
  const std::string twin_path = "/api/v1/campaigns/" + std::to_string(twin.json().at("id").as_int64());
  EXPECT_EQ(groups_of(manager, twin_path), groups) << "same seed, same groups";
  // Measured today, the twin's baseline sees C-1's audit if C-1 is treated.
  const int treated_total = 200 - control;
  const double expected_baseline =
      groups.at(ids.at("C-1")) == "treated" ? std::round(10000.0 / treated_total) / 100 : 0.0;
  EXPECT_NEAR(twin.json().at("objective").at("baseline").to_number<double>(), expected_baseline, 1e-9);
  auto reseeded = manager.patch(twin_path, {{"seed", 7}}, twin.header("etag"));
  ASSERT_EQ(reseeded.status, 200) << reseeded.body;
  EXPECT_NE(groups_of(manager, twin_path), groups) << "another seed, other groups";
  // A rep sees their own stores' groups only.
  const auto rep_groups = groups_of(rep_a, path);
  EXPECT_EQ(rep_groups.size(), 12u);
  for (const auto& [id, g] : rep_groups) {
    EXPECT_TRUE(c_stores.contains(id));
    EXPECT_EQ(g, groups.at(id));
  }
  EXPECT_EQ(manager.del("/api/v1/segments/" + std::to_string(segment_id)).status, 409)
      << "a live campaign targets it";

  // The planner, before and after activation: treated members' first visits gain 50 € and a
  // reason naming the campaign; control members and other stores do not change.
  std::int64_t d = today() + 7;
  while ((d + 3) % 7 != 0) ++d;
  const json::object plan_request{{"rep_id", world_->rep_a}, {"start_date", civil(d)}, {"days", 5}, {"seed", 3}};
  auto stops_of = [&]() {
    auto r = manager.post("/api/v1/plans", plan_request);
    EXPECT_EQ(r.status, 201) << r.body;
    std::map<std::int64_t, std::pair<double, std::string>> out;  // store -> first stop's prize, why
    if (r.status != 201) return out;
    const auto plan = r.json();
    for (const auto& day : plan.at("days").as_array()) {
      for (const auto& s : day.at("stops").as_array()) {
        out.emplace(s.at("store_id").as_int64(),
                    std::pair{s.at("prize_eur").to_number<double>(), str(s.at("why"))});
      }
    }
    return out;
  };
  const auto draft_stops = stops_of();
  for (const auto& [store, stop] : draft_stops) {
    EXPECT_EQ(stop.second.find("campaign"), std::string::npos) << "draft campaigns add nothing";
  }
  auto activated = manager.patch(path, {{"status", "active"}}, manager.get(path).header("etag"));
  ASSERT_EQ(activated.status, 200) << activated.body;
  EXPECT_EQ(activated.json().at("status"), "active");
  EXPECT_EQ(manager.patch(path, {{"control_share", 0.1}}, activated.header("etag")).status, 422)
      << "the control share is fixed once the campaign runs";
  const auto active_stops = stops_of();
  int treated_seen = 0, control_seen = 0;
  for (const auto& [store, stop] : active_stops) {
    const bool member = c_stores.contains(store);
    const bool treated = member && groups.at(store) == "treated";
    const bool mentions = stop.second.find("campaign Classique push") != std::string::npos;
    EXPECT_EQ(mentions, treated) << store << ": " << stop.second;
    if (auto it = draft_stops.find(store); it != draft_stops.end()) {
      EXPECT_NEAR(stop.first, it->second.first + (treated ? 50.0 : 0.0), 1e-6) << store;
    }
    treated_seen += treated;
    control_seen += member && !treated;
  }
  EXPECT_GT(treated_seen, 0);
  EXPECT_GT(control_seen, 0);

  // Progress: three weeks since the start, equal-length arrays, DN of the treated group at the
  // end equal to C-1's share of it.
  auto progress = manager.get(path + "/progress");
  ASSERT_EQ(progress.status, 200) << progress.body;
  const auto pj = progress.json();
  const auto& weeks = pj.at("weeks").as_array();
  ASSERT_EQ(weeks.size(), 3u) << progress.body;
  for (const auto& w : weeks) EXPECT_TRUE(is_monday(str(w))) << w;
  EXPECT_EQ(pj.at("treated").as_array().size(), weeks.size());
  EXPECT_EQ(pj.at("control").as_array().size(), weeks.size());
  EXPECT_EQ(pj.at("goal_line").as_array().size(), weeks.size());
  double previous = -1;
  for (const auto& g : pj.at("goal_line").as_array()) {
    EXPECT_GE(g.to_number<double>(), previous);
    EXPECT_LE(g.to_number<double>(), 60.0);
    previous = g.to_number<double>();
  }
  const auto& summary = pj.at("summary");
  EXPECT_EQ(summary.at("stores_treated").as_int64() + summary.at("stores_control").as_int64(), 200);
  EXPECT_EQ(summary.at("stores_control").as_int64(), control);
  const bool c1_treated = groups.at(ids.at("C-1")) == "treated";
  const double treated_dn = c1_treated ? std::round(10000.0 / treated_total) / 100 : 0.0;
  const double control_dn = c1_treated ? 0.0 : std::round(10000.0 / control) / 100;
  EXPECT_NEAR(pj.at("treated").as_array().back().to_number<double>(), treated_dn, 1e-9);
  EXPECT_NEAR(pj.at("control").as_array().back().to_number<double>(), control_dn, 1e-9);
  EXPECT_NEAR(summary.at("treated").to_number<double>(), treated_dn, 1e-9);
  EXPECT_NEAR(summary.at("effect").to_number<double>(), std::round(100 * (treated_dn - control_dn)) / 100, 0.011);
  EXPECT_EQ(summary.at("goal_reached"), false);
  EXPECT_EQ(pj.at("treated").as_array().front(), 0.0);
  // The rep's view: their stores only.
  auto mine = rep_a.get(path + "/progress");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json().at("summary").at("stores_treated").as_int64() +
                mine.json().at("summary").at("stores_control").as_int64(),
            12);

  // Ended campaigns free the segment.
  ASSERT_EQ(manager.patch(path, {{"status", "ended"}}, manager.get(path).header("etag")).status, 200);
  ASSERT_EQ(manager.patch(twin_path, {{"status", "ended"}}, manager.get(twin_path).header("etag")).status, 200);
  EXPECT_EQ(manager.del("/api/v1/segments/" + std::to_string(segment_id)).status, 204);
}

}  // namespace boucle::testing
