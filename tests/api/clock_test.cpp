#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/app.hpp"
#include "api/users.hpp"
#include "core/time.hpp"
#include "server_process.hpp"
#include "storage/sqlite_storage.hpp"

// The API on a simulated clock (core::ScopedNow), in process through App::handle as the
// simulator drives it: "today" for plans, check-ins "in the future", record stamps and session
// expiry all follow the simulated time, here in 2027.
namespace boucle::api {

namespace json = boost::json;

namespace {

class InProcess {
 public:
  explicit InProcess(const std::string& name) : path_(testing::temp_database(name)) {
    db_ = storage::open_sqlite(path_, {storage::Durability::normal});
    core::User admin;
    admin.email = "admin@clock.test";
    admin.name = "Admin";
    admin.role = core::Role::admin;
    create_user(*db_, admin, "admin-password-1");
    Config config;
    config.plan_iterations = 400;
    app_ = std::make_unique<App>(*db_, config);
  }
  ~InProcess() {
    app_.reset();
    db_.reset();
    testing::remove_database(path_);
  }

  Response call(Method method, const std::string& target, const std::string& token,
                const json::value& body = nullptr) {
    Request req;
    req.method = method;
    req.target = target;
    if (!token.empty()) req.authorization = "Bearer " + token;
    if (!body.is_null()) {
      req.body = json::serialize(body);
      req.content_type = "application/json";
    }
    return app_->handle(req);
  }

  std::string login(const std::string& email, const std::string& password) {
    auto r = call(Method::post, "/api/v1/auth/login", "",
                  json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(json::parse(r.body).at("token").as_string());
  }

 private:
  std::string path_;
  std::unique_ptr<storage::Storage> db_;
  std::unique_ptr<App> app_;
};

json::object body_of(const Response& r) { return json::parse(r.body).as_object(); }

}  // namespace

TEST(SimulatedClock, PlansPublishesAndCompletesVisitsIn2027) {
  InProcess api("SimulatedClock");
  // Monday 1 March 2027, 08:00 in Paris.
  const auto monday = *core::parse_timestamp("2027-03-01T07:00:00Z");
  core::ScopedNow clock(monday);
  const auto admin = api.login("admin@clock.test", "admin-password-1");

  const json::array day{json::array{"08:00", "18:00"}};
  auto r = api.call(
      Method::post, "/api/v1/users", admin,
      json::object{{"email", "rep@clock.test"},
                   {"name", "Rep"},
                   {"role", "rep"},
                   {"password", "password-rep-1"},
                   {"home", {{"lat", 45.76}, {"lon", 4.83}}},
                   {"working_hours",
                    {{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto rep_id = body_of(r).at("id").as_int64();
  EXPECT_EQ(body_of(r).at("created_at"), "2027-03-01T07:00:00Z") << "stamped with the clock";
  const json::array open{json::array{"08:30", "19:00"}};
  for (int i = 0; i < 3; ++i) {
    r = api.call(
        Method::post, "/api/v1/stores", admin,
        json::object{{"code", "S-" + std::to_string(i)},
                     {"name", "Store " + std::to_string(i)},
                     {"lat", 45.76 + 0.01 * i},
                     {"lon", 4.84},
                     {"channel", "super"},
                     {"opening_hours",
                      {{"mon", open}, {"tue", open}, {"wed", open}, {"thu", open}, {"fri", open}}},
                     {"assigned_rep_id", rep_id}});
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // "Today" is the simulated day: a plan starting next week in 2027 is accepted, while the real
  // date (2026 when this was written) is long past in the simulation.
  auto rep = api.login("rep@clock.test", "password-rep-1");
  r = api.call(Method::post, "/api/v1/plans", rep,
               json::object{{"start_date", "2026-11-30"}, {"days", 1}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("2027-02-28"), std::string::npos) << r.body;
  r = api.call(Method::post, "/api/v1/plans", rep,
               json::object{{"start_date", "2027-03-08"}, {"days", 2}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto plan_id = body_of(r).at("id").as_int64();
  const auto plan_path = "/api/v1/plans/" + std::to_string(plan_id);
  r = api.call(Method::post, plan_path + "/publish", rep);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto plan = body_of(r);
  EXPECT_EQ(plan.at("status"), "published");
  EXPECT_EQ(plan.at("published_at"), "2027-03-01T07:00:00Z");
  std::int64_t visit_id = 0;
  std::string visit_start;
  for (const auto& d : plan.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      if (visit_id == 0) {
        visit_id = s.at("visit_id").as_int64();
        visit_start = std::string(s.at("start").as_string());
      }
    }
  }
  ASSERT_NE(visit_id, 0) << r.body;
  const auto start = *core::parse_timestamp(visit_start);

  // A week later in the simulation the session has expired like a real one (12 h); log in again.
  clock.set(start + 3 * 3600);
  r = api.call(Method::get, "/api/v1/me", rep);
  EXPECT_EQ(r.status, 401) << r.body;
  rep = api.login("rep@clock.test", "password-rep-1");

  // The visit, done in the simulated morning, uploaded whole; far beyond the real clock.
  const auto visit_path = "/api/v1/visits/" + std::to_string(visit_id);
  r = api.call(
      Method::post, visit_path + "/complete", rep,
      json::object{
          {"checkin", {{"at", core::format_timestamp(start)}, {"lat", 45.76}, {"lon", 4.84}}},
          {"checkout", {{"at", core::format_timestamp(start + 2400)}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r).at("status"), "done");
  EXPECT_EQ(body_of(r).at("updated_at").as_string(), core::format_timestamp(start + 3 * 3600));
  // Only the simulated future is refused.
  r = api.call(Method::post, "/api/v1/visits", rep,
               json::object{{"store_id", body_of(r).at("store_id")}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto other = "/api/v1/visits/" + std::to_string(body_of(r).at("id").as_int64());
  r = api.call(
      Method::post, other + "/check-in", rep,
      json::object{
          {"lat", 45.76}, {"lon", 4.84}, {"at", core::format_timestamp(start + 4 * 3600)}});
  EXPECT_EQ(r.status, 422) << r.body;
  r = api.call(Method::post, other + "/check-in", rep, json::object{{"lat", 45.76}, {"lon", 4.84}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r).at("checkin").at("at").as_string(), core::format_timestamp(start + 3 * 3600))
      << "a check-in without a time takes the simulated now";
}

}  // namespace boucle::api
