#include <libical/ical.h>

#include <ctime>
#include <map>
#include <set>

#include "api_fixture.hpp"

// Plans and the calendar feed against the real server: a small territory near Lyon (a rep with a
// home, working hours and a lunch window; twelve stores, several closed at lunch), a plan built,
// checked against every store's hours and the rep's day, published, re-planned, and its feed
// parsed back with libical.
namespace boucle::testing {

namespace {

using Hours = std::vector<std::pair<std::string, std::string>>;

struct StoreSpec {
  const char* code;
  const char* name;
  double lat, lon;
  const char* channel;
  double potential;
  int frequency;
  Hours weekday;  // Monday to Friday
  Hours saturday;
};

// Local seconds since midnight of "YYYY-MM-DDTHH:MM:SS±hh:mm" (the wall clock of its offset).
int local_seconds(const json::value& v) {
  const std::string s(v.as_string());
  return std::stoi(s.substr(11, 2)) * 3600 + std::stoi(s.substr(14, 2)) * 60 +
         std::stoi(s.substr(17, 2));
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

int minutes(const std::string& hhmm) {
  return std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2));
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097LL + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil(std::int64_t days) {
  const std::time_t t = static_cast<std::time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::int64_t day_of(const std::string& date) {
  return days_from_civil(std::stoi(date.substr(0, 4)),
                         static_cast<unsigned>(std::stoi(date.substr(5, 2))),
                         static_cast<unsigned>(std::stoi(date.substr(8, 2))));
}

int weekday(const std::string& date) {
  return static_cast<int>((day_of(date) + 3) % 7);
}  // 0 = Monday

// The Monday at least a week ahead: far enough that every planned visit is in the future.
std::string next_monday() {
  const std::int64_t today = std::time(nullptr) / 86400;
  std::int64_t d = today + 7;
  while ((d + 3) % 7 != 0) ++d;
  return civil(d);
}

struct ParsedFeed {
  std::map<std::string, int> sequence_by_uid;
  std::map<std::string, std::string> summary_by_uid;
  int events = 0;
  bool ok = false;
};

ParsedFeed parse_feed(const std::string& text) {
  ParsedFeed out;
  icalcomponent* cal = icalparser_parse_string(text.c_str());
  if (!cal) return out;
  out.ok = icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT;
  for (icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    ++out.events;
    const std::string uid = icalcomponent_get_uid(ev) ? icalcomponent_get_uid(ev) : "";
    out.sequence_by_uid[uid] = icalcomponent_get_sequence(ev);
    out.summary_by_uid[uid] = icalcomponent_get_summary(ev) ? icalcomponent_get_summary(ev) : "";
    const icaltimetype start = icalcomponent_get_dtstart(ev);
    const icaltimetype end = icalcomponent_get_dtend(ev);
    if (icaltime_is_null_time(start) || icaltime_compare(start, end) >= 0) out.ok = false;
    if (!icalcomponent_get_first_property(ev, ICAL_GEO_PROPERTY) ||
        !icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY) ||
        !icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY) ||
        !icalcomponent_get_description(ev)) {
      out.ok = false;
    }
  }
  icalcomponent_free(cal);
  return out;
}

}  // namespace

class Plans : public ApiTest {
 protected:
  struct Territory {
    std::int64_t rep = 0;
    std::string token;
    std::map<std::int64_t, StoreSpec> stores;  // by id
    std::string monday;
  };

  // One rep and twelve stores, created once for the suite through the API.
  static Territory& territory() {
    static Territory* t = nullptr;
    if (t) return *t;
    t = new Territory;
    auto admin = as(world_->admin_token);
    const Hours day{{"08:00", "18:00"}};
    auto r = admin.post("/api/v1/users",
                        json::object{{"email", "rep.plan@test.fr"},
                                     {"name", "Camille Planner"},
                                     {"role", "rep"},
                                     {"password", "password-plan-1"},
                                     {"home", {{"lat", 45.7600}, {"lon", 4.8300}}},
                                     {"working_hours",
                                      {{"mon", json::array{json::array{"08:00", "18:00"}}},
                                       {"tue", json::array{json::array{"08:00", "18:00"}}},
                                       {"wed", json::array{json::array{"08:00", "18:00"}}},
                                       {"thu", json::array{json::array{"08:00", "18:00"}}},
                                       {"fri", json::array{json::array{"08:00", "17:00"}}}}},
                                     {"lunch_start", "12:00"},
                                     {"lunch_end", "14:00"},
                                     {"lunch_minutes", 45},
                                     {"max_daily_driving_minutes", 240}});
    if (r.status != 201) throw std::runtime_error("rep create failed: " + r.body);
    t->rep = r.json().at("id").as_int64();
    auto c = anonymous();
    t->token = login(c, "rep.plan@test.fr", "password-plan-1");
    const Hours split{{"08:30", "12:30"}, {"14:30", "19:30"}};
    const Hours proxi{{"07:30", "13:00"}, {"15:00", "20:00"}};
    const Hours late{{"10:00", "19:00"}};
    const Hours morning{{"06:00", "13:00"}};
    const std::vector<StoreSpec> specs = {
        {"P-01",
         "Hyper Part-Dieu",
         45.7606,
         4.8590,
         "hyper",
         100,
         14,
         {{"09:00", "21:00"}},
         {{"09:00", "20:00"}}},
        {"P-02",
         "Super Croix-Rousse",
         45.7745,
         4.8320,
         "super",
         60,
         14,
         split,
         {{"08:30", "19:30"}}},
        {"P-03", "Proxi Bellecour", 45.7578, 4.8320, "proxi", 20, 7, proxi, {}},
        {"P-04", "Super Villeurbanne", 45.7667, 4.8800, "super", 55, 21, {{"08:30", "20:00"}}, {}},
        {"P-05",
         "Proxi Vaise",
         45.7790,
         4.8050,
         "proxi",
         15,
         14,
         {{"08:00", "12:30"}, {"15:30", "19:30"}},
         {}},
        {"P-06", "Hyper Bron", 45.7350, 4.9100, "hyper", 90, 14, {{"08:30", "21:30"}}, {}},
        {"P-07",
         "Super Vénissieux",
         45.6970,
         4.8860,
         "super",
         40,
         28,
         {{"09:00", "12:00"}, {"14:00", "19:00"}},
         {}},
        {"P-08", "Drive Écully", 45.7800, 4.7770, "drive", 30, 28, late, {}},
        {"P-09",
         "Proxi Oullins",
         45.7140,
         4.8080,
         "proxi",
         10,
         14,
         {{"08:00", "12:30"}, {"15:00", "19:00"}},
         {}},
        {"P-10", "Cash Givors", 45.5900, 4.7690, "cash_carry", 70, 28, morning, {}},
        {"P-11",
         "Super Caluire",
         45.7950,
         4.8460,
         "super",
         35,
         21,
         {{"08:30", "12:30"}, {"15:00", "19:30"}},
         {}},
        {"P-12",
         "Cave Villefranche",
         45.9890,
         4.7180,
         "specialist",
         25,
         28,
         {{"09:30", "12:00"}, {"14:00", "19:00"}},
         {}},
    };
    auto manager = as(world_->manager_token);
    for (const auto& s : specs) {
      auto hours_json = [](const Hours& h) {
        json::array a;
        for (const auto& [open, close] : h)
          a.push_back(json::array{json::string(open), json::string(close)});
        return a;
      };
      json::object hours;
      for (const char* d : {"mon", "tue", "wed", "thu", "fri"}) hours[d] = hours_json(s.weekday);
      if (!s.saturday.empty()) hours["sat"] = hours_json(s.saturday);
      auto res =
          manager.post("/api/v1/stores", json::object{{"code", s.code},
                                                      {"name", s.name},
                                                      {"lat", s.lat},
                                                      {"lon", s.lon},
                                                      {"channel", s.channel},
                                                      {"address", std::string("1 rue ") + s.name},
                                                      {"city", "Lyon"},
                                                      {"potential", s.potential},
                                                      {"visit_frequency_days", s.frequency},
                                                      {"opening_hours", hours},
                                                      {"assigned_rep_id", t->rep}});
      if (res.status != 201) throw std::runtime_error("store create failed: " + res.body);
      t->stores.emplace(res.json().at("id").as_int64(), s);
    }
    t->monday = next_monday();
    return *t;
  }

  static json::object new_plan(HttpClient& c, const json::object& body, int expected = 201) {
    auto r = c.post("/api/v1/plans", body);
    EXPECT_EQ(r.status, expected) << r.body;
    return r.status == expected && expected == 201 ? r.json().as_object() : json::object{};
  }

  static std::string path(const json::object& plan) {
    return "/api/v1/plans/" + std::to_string(plan.at("id").as_int64());
  }

  static std::string ics(std::int64_t rep, const std::string& key) {
    auto r = anonymous().get("/api/v1/calendar/" + std::to_string(rep) + ".ics?key=" + key);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/calendar; charset=utf-8");
    return r.body;
  }

  // Every stop inside one of its store's opening intervals that day, inside the rep's working
  // day, in order, no overlap, lunch inside its window; returns the number of stops.
  static int check_plan_rules(const json::object& plan) {
    auto& t = territory();
    int stops = 0;
    std::set<std::pair<std::int64_t, std::string>> seen;
    for (const auto& d : plan.at("days").as_array()) {
      const std::string date(d.at("date").as_string());
      const int wd = weekday(date);
      const auto& list = d.at("stops").as_array();
      if (list.empty()) continue;
      EXPECT_LT(wd, 5) << date << ": the rep does not work at weekends";
      const int day_start = 8 * 3600, day_end = (wd == 4 ? 17 : 18) * 3600;
      EXPECT_GE(local_seconds(d.at("depart")), day_start) << date;
      EXPECT_LE(local_seconds(d.at("back")), day_end) << date;
      int previous_end = local_seconds(d.at("depart"));
      for (const auto& s : list) {
        ++stops;
        const auto store_id = s.at("store_id").as_int64();
        EXPECT_TRUE(seen.insert({store_id, date}).second) << "store twice on " << date;
        if (!t.stores.contains(store_id)) {
          ADD_FAILURE() << "a stop at a store of another territory";
          continue;
        }
        const auto& spec = t.stores.at(store_id);
        EXPECT_EQ(s.at("store_name"), spec.name);
        const Hours& hours = wd == 5 ? spec.saturday : spec.weekday;
        const int start = local_seconds(s.at("start")), end = local_seconds(s.at("end"));
        EXPECT_GE(start, local_seconds(s.at("arrival")));
        EXPECT_GE(start, previous_end) << spec.name << " on " << date;
        EXPECT_GT(end, start);
        bool inside = false;
        for (const auto& [open, close] : hours) {
          inside = inside || (start >= minutes(open) * 60 && end <= minutes(close) * 60);
        }
        EXPECT_TRUE(inside) << spec.name << " visited " << s.at("start") << "–" << s.at("end")
                            << " outside its opening hours";
        EXPECT_GE(start, day_start);
        EXPECT_LE(end, day_end);
        EXPECT_FALSE(s.at("why").as_string().empty());
        EXPECT_FALSE(s.at("todo").as_string().empty());
        EXPECT_TRUE(std::string(s.at("start").as_string()).ends_with("+01:00") ||
                    std::string(s.at("start").as_string()).ends_with("+02:00"))
            << "times carry the Paris offset: " << s.at("start");
        previous_end = end;
      }
      const auto& lunch = d.at("lunch");
      EXPECT_TRUE(lunch.is_object()) << date << " has visits but no lunch";
      if (lunch.is_object()) {
        const int l = local_seconds(lunch.at("start"));
        EXPECT_GE(l, 12 * 3600);
        EXPECT_LE(l, 14 * 3600 - 45 * 60);
        EXPECT_EQ(local_seconds(lunch.at("end")) - l, 45 * 60);
      }
    }
    return stops;
  }
};

TEST_F(Plans, BuildCheckPublishAndReadBack) {
  auto& t = territory();
  auto manager = as(world_->manager_token);
  auto plan =
      new_plan(manager, {{"rep_id", t.rep}, {"start_date", t.monday}, {"days", 5}, {"seed", 7}});
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan.at("status"), "draft");
  EXPECT_EQ(plan.at("version"), 1);
  EXPECT_EQ(plan.at("timezone"), "Europe/Paris");
  EXPECT_EQ(plan.at("days").as_array().size(), 5u);
  const int stops = check_plan_rules(plan);
  EXPECT_GE(stops, 8) << "twelve nearby stores, five days: most should be planned";
  const auto& unplanned = plan.at("unplanned").as_array();
  EXPECT_EQ(stops + static_cast<int>(unplanned.size()), 12) << json::serialize(unplanned);
  EXPECT_EQ(plan.at("objective").at("visits"), stops);
  EXPECT_GT(plan.at("objective").at("distance_km").as_double(), 0);
  EXPECT_GT(plan.at("objective").at("value_eur").as_double(), 0);

  // The same input and seed give the same plan.
  auto again =
      new_plan(manager, {{"rep_id", t.rep}, {"start_date", t.monday}, {"days", 5}, {"seed", 7}});
  EXPECT_EQ(again.at("days"), plan.at("days"));
  EXPECT_EQ(again.at("objective"), plan.at("objective"));

  // Read back, as staff and as the rep; the list shows summaries.
  auto rep = as(t.token);
  auto got = rep.get(path(plan));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("etag"), "\"1\"");
  EXPECT_EQ(got.json().at("days"), plan.at("days"));
  auto list = rep.get("/api/v1/plans?status=draft&limit=1");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json().at("items").as_array().size(), 1u);
  EXPECT_FALSE(list.json().at("items").at(0).as_object().contains("days"));
  EXPECT_FALSE(list.json().at("next_cursor").is_null());

  // Publish: one planned visit per stop, visible to the rep.
  auto pub = rep.post(path(plan) + "/publish", json::object{});
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(pub.json().at("status"), "published");
  EXPECT_EQ(pub.json().at("version"), 2);
  std::set<std::int64_t> visit_ids;
  const auto body1 = pub.json();
  for (const auto& d : body1.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      ASSERT_TRUE(s.at("visit_id").is_int64());
      visit_ids.insert(s.at("visit_id").as_int64());
    }
  }
  EXPECT_EQ(static_cast<int>(visit_ids.size()), stops);
  auto visits = rep.get("/api/v1/visits?status=planned&limit=500&rep_id=" + std::to_string(t.rep));
  ASSERT_EQ(visits.status, 200);
  std::set<std::int64_t> listed;
  const auto body2 = visits.json();
  for (const auto& v : body2.at("items").as_array()) {
    if (visit_ids.contains(v.at("id").as_int64())) {
      listed.insert(v.at("id").as_int64());
      EXPECT_FALSE(v.at("planned_at").is_null());
    }
  }
  EXPECT_EQ(listed, visit_ids);
  auto twice = rep.post(path(plan) + "/publish", json::object{});
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(rep.get(path(plan)).json().at("status"), "published");

  // The schemas list exactly what is served.
  auto spec = manager.get("/api/openapi.json").json();
  const auto& schemas = spec.at("components").at("schemas").as_object();
  const auto& plan_props = schemas.at("Plan").at("properties").as_object();
  const auto served = rep.get(path(plan)).json().as_object();
  EXPECT_EQ(served.size(), plan_props.size());
  for (const auto& [k, v] : served) EXPECT_TRUE(plan_props.contains(k)) << k;
  const auto& summary_props = schemas.at("PlanSummary").at("properties").as_object();
  const auto body3 = list.json();
  const auto& item = body3.at("items").at(0).as_object();
  EXPECT_EQ(item.size(), summary_props.size());
  for (const auto& [k, v] : item) EXPECT_TRUE(summary_props.contains(k)) << k;
  EXPECT_TRUE(spec.at("paths").as_object().contains("/api/v1/calendar/{rep_id}.ics"));
}

TEST_F(Plans, ReplanAfterACancellationKeepsDoneStops) {
  auto& t = territory();
  auto rep = as(t.token);
  // A rep plans for themself: no rep_id needed.
  const std::string start = civil(day_of(t.monday) + 14);
  auto plan = new_plan(rep, {{"start_date", start}, {"days", 3}});
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan.at("rep_id"), t.rep);
  const json::value* busiest = nullptr;
  for (const auto& d : plan.at("days").as_array()) {
    if (!busiest || d.at("stops").as_array().size() > busiest->at("stops").as_array().size())
      busiest = &d;
  }
  ASSERT_TRUE(busiest);
  const auto& stops = busiest->at("stops").as_array();
  ASSERT_GE(stops.size(), 3u) << json::serialize(plan);
  const std::string date(busiest->at("date").as_string());
  const auto first = stops[0].at("store_id").as_int64();
  const auto cancelled = stops[2].at("store_id").as_int64();
  const auto& first_spec = t.stores.at(first);
  // After the first visit, at its store, ten minutes after it ended.
  const std::string end(stops[0].at("end").as_string());
  const int now_s = local_seconds(stops[0].at("end")) + 600;
  char now[40];
  std::snprintf(now, sizeof now, "%sT%02d:%02d:%02d%s", date.c_str(), now_s / 3600, now_s / 60 % 60,
                now_s % 60, end.substr(19).c_str());
  const json::object body{{"date", date},
                          {"now", now},
                          {"location", {{"lat", first_spec.lat}, {"lon", first_spec.lon}}},
                          {"done", json::array{first}},
                          {"cancelled", json::array{cancelled}}};

  // Without a version: 428; with a stale one: 409 (body) or 412 (If-Match). Nothing changes.
  EXPECT_EQ(rep.patch(path(plan), body).status, 428);
  auto stale = body;
  stale["version"] = 7;
  EXPECT_EQ(rep.patch(path(plan), stale).status, 409);
  EXPECT_EQ(rep.patch(path(plan), body, "\"7\"").status, 412);
  EXPECT_EQ(rep.get(path(plan)).json().at("version"), 1);

  auto replanned = rep.patch(path(plan), body, "\"1\"");
  ASSERT_EQ(replanned.status, 200) << replanned.body;
  auto p = replanned.json().as_object();
  EXPECT_EQ(p.at("version"), 2);
  EXPECT_EQ(replanned.header("etag"), "\"2\"");
  bool first_kept = false;
  for (const auto& d : p.at("days").as_array()) {
    const bool today = str(d.at("date")) == date;
    for (const auto& s : d.at("stops").as_array()) {
      if (!today) continue;
      EXPECT_NE(s.at("store_id"), cancelled) << "the cancelled store is gone";
      if (s.at("store_id") == first) {
        first_kept = true;
        EXPECT_EQ(s.at("done"), true);
        EXPECT_EQ(s.at("start"), stops[0].at("start")) << "a done stop keeps its time";
      } else {
        EXPECT_GE(local_seconds(s.at("start")), now_s) << "the rest of the day starts after now";
      }
    }
    if (!today) {
      for (const auto& old : plan.at("days").as_array()) {
        if (old.at("date") == d.at("date")) {
          EXPECT_EQ(old.at("stops"), d.at("stops")) << "other days stay";
        }
      }
    }
  }
  EXPECT_TRUE(first_kept);
  bool listed = false;
  for (const auto& u : p.at("unplanned").as_array()) {
    if (u.at("store_id") == cancelled) {
      listed = true;
      EXPECT_EQ(u.at("reason"), "cancelled");
    }
  }
  EXPECT_TRUE(listed) << json::serialize(p.at("unplanned"));

  // A second re-plan of the same day does not bring the cancelled store back.
  auto later = body;
  later.erase("cancelled");
  later["version"] = 2;
  auto again = rep.patch(path(plan), later);
  ASSERT_EQ(again.status, 200) << again.body;
  const auto body4 = again.json();
  for (const auto& d : body4.at("days").as_array()) {
    if (str(d.at("date")) != date) continue;
    for (const auto& s : d.at("stops").as_array()) EXPECT_NE(s.at("store_id"), cancelled);
  }

  // Field errors: a done store that is not a stop, a time on another day, an unknown field.
  auto bad = body;
  bad["version"] = 3;
  bad["done"] = json::array{cancelled};
  bad["now"] = start + "T10:00:00Z";
  if (date == start) bad["now"] = civil(day_of(start) + 1) + "T10:00:00Z";
  auto r = rep.patch(path(plan), bad);
  ASSERT_EQ(r.status, 422) << r.body;
  bad = body;
  bad["version"] = 3;
  bad["speed"] = "fast";
  bad["location"] = {{"lat", 91}, {"lon", 4.8}};
  r = rep.patch(path(plan), bad);
  ASSERT_EQ(r.status, 422);
  std::set<std::string> fields;
  const auto body5 = r.json();
  for (const auto& e : body5.at("errors").as_array())
    fields.insert(std::string(e.at("field").as_string()));
  EXPECT_TRUE(fields.contains("speed"));
  EXPECT_TRUE(fields.contains("location.lat"));
  EXPECT_EQ(rep.get(path(plan)).json().at("version"), 3);
}

TEST_F(Plans, CalendarFeedIsStableAcrossRepublishing) {
  auto& t = territory();
  auto manager = as(world_->manager_token);
  const std::string start = civil(day_of(t.monday) + 28);
  auto first =
      new_plan(manager, {{"rep_id", t.rep}, {"start_date", start}, {"days", 4}, {"seed", 3}});
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(manager.post(path(first) + "/publish", json::object{}).status, 200);

  // The rep asks for their feed URL; the manager may rotate it too. The old key then stops.
  auto rep = as(t.token);
  auto key = rep.post("/api/v1/reps/" + std::to_string(t.rep) + "/calendar-key", json::object{});
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string old_key(key.json().at("key").as_string());
  key = manager.post("/api/v1/reps/" + std::to_string(t.rep) + "/calendar-key", json::object{});
  ASSERT_EQ(key.status, 200);
  const std::string secret(key.json().at("key").as_string());
  const std::string url(key.json().at("url").as_string());
  EXPECT_EQ(url, "/api/v1/calendar/" + std::to_string(t.rep) + ".ics?key=" + secret);
  EXPECT_EQ(
      anonymous().get("/api/v1/calendar/" + std::to_string(t.rep) + ".ics?key=" + old_key).status,
      404);

  auto feed = parse_feed(ics(t.rep, secret));
  ASSERT_TRUE(feed.ok);
  std::set<std::string> first_uids;
  int first_stops = 0;
  for (const auto& d : first.at("days").as_array())
    first_stops += static_cast<int>(d.at("stops").as_array().size());
  std::set<std::string> plan_uids;
  auto published = manager.get(path(first)).json();
  for (const auto& d : published.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      plan_uids.insert("visit-" + std::to_string(s.at("visit_id").as_int64()) + "@boucle");
    }
  }
  for (const auto& [uid, seq] : feed.sequence_by_uid) {
    if (plan_uids.contains(uid)) first_uids.insert(uid);
  }
  EXPECT_EQ(static_cast<int>(first_uids.size()), first_stops);

  // A new plan of the same period, published: it supersedes the first and takes over its
  // visits (same store, same day), so the feed keeps the same events with the same UIDs.
  auto second =
      new_plan(manager, {{"rep_id", t.rep}, {"start_date", start}, {"days", 4}, {"seed", 3}});
  ASSERT_FALSE(second.empty());
  auto pub = manager.post(path(second) + "/publish", json::object{});
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(manager.get(path(first)).json().at("status"), "superseded");
  auto feed2 = parse_feed(ics(t.rep, secret));
  ASSERT_TRUE(feed2.ok);
  EXPECT_EQ(feed2.events, feed.events) << "re-publishing updates events, it does not add any";
  std::set<std::string> second_uids;
  for (const auto& [uid, seq] : feed2.sequence_by_uid) {
    if (plan_uids.contains(uid)) second_uids.insert(uid);
  }
  EXPECT_EQ(second_uids, first_uids);

  // Re-planning a day of the published plan moves its events (higher SEQUENCE, same UID) and
  // removes the cancelled one.
  const auto p2 = pub.json();
  const json::value* day = nullptr;
  for (const auto& d : p2.at("days").as_array()) {
    if (d.at("stops").as_array().size() >= 2 && !day) day = &d;
  }
  ASSERT_TRUE(day);
  const auto& stops = day->at("stops").as_array();
  const auto cancelled_visit = stops[0].at("visit_id").as_int64();
  const auto cancelled_store = stops[0].at("store_id");
  const std::string date(day->at("date").as_string());
  auto r = manager.patch(path(second), json::object{{"version", p2.at("version")},
                                                    {"date", date},
                                                    {"now", date + "T06:00:00Z"},
                                                    {"location", {{"lat", 45.76}, {"lon", 4.83}}},
                                                    {"cancelled", json::array{cancelled_store}}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto cancelled = manager.get("/api/v1/visits/" + std::to_string(cancelled_visit)).json();
  EXPECT_EQ(cancelled.at("status"), "cancelled");
  auto feed3 = parse_feed(ics(t.rep, secret));
  ASSERT_TRUE(feed3.ok);
  const std::string cancelled_uid = "visit-" + std::to_string(cancelled_visit) + "@boucle";
  EXPECT_FALSE(feed3.sequence_by_uid.contains(cancelled_uid));
  EXPECT_EQ(feed3.events, feed2.events - 1);
  for (const auto& [uid, seq] : feed3.sequence_by_uid) {
    EXPECT_GE(seq, feed2.sequence_by_uid[uid]) << uid;
  }

  // Wrong key, no key, another rep's key, a non-numeric id: all 404, nothing about the rep.
  auto anon = anonymous();
  EXPECT_EQ(anon.get("/api/v1/calendar/" + std::to_string(t.rep) + ".ics?key=wrong").status, 404);
  EXPECT_EQ(anon.get("/api/v1/calendar/" + std::to_string(t.rep) + ".ics").status, 404);
  EXPECT_EQ(
      anon.get("/api/v1/calendar/" + std::to_string(world_->rep_a) + ".ics?key=" + secret).status,
      404);
  EXPECT_EQ(anon.get("/api/v1/calendar/abc.ics?key=" + secret).status, 404);
  EXPECT_EQ(
      anon.get("/api/v1/calendar/" + std::to_string(t.rep) + ".ics?key=" + secret + "&x=1").status,
      400);
  // Hostile text cannot inject calendar lines: libical escapes every value.
  auto evil = as(world_->admin_token)
                  .post("/api/v1/users", json::object{{"email", "rep.evil@test.fr"},
                                                      {"name", "Evil\r\nBEGIN:VEVENT\r\nUID:x"},
                                                      {"role", "rep"},
                                                      {"password", "password-rep-1"}});
  ASSERT_EQ(evil.status, 201) << evil.body;
  const auto evil_id = evil.json().at("id").as_int64();
  auto evil_key = manager.post("/api/v1/reps/" + std::to_string(evil_id) + "/calendar-key",
                               json::object{});
  ASSERT_EQ(evil_key.status, 200);
  const auto evil_text = ics(evil_id, std::string(evil_key.json().at("key").as_string()));
  EXPECT_EQ(evil_text.find("\r\nBEGIN:VEVENT"), std::string::npos) << evil_text;
  auto evil_feed = parse_feed(evil_text);
  EXPECT_TRUE(evil_feed.ok);
  EXPECT_EQ(evil_feed.events, 0);
  // A rep may not rotate another rep's key; a non-rep has no feed.
  EXPECT_EQ(
      rep.post("/api/v1/reps/" + std::to_string(world_->rep_a) + "/calendar-key", json::object{})
          .status,
      404);
  EXPECT_EQ(manager.post("/api/v1/reps/1/calendar-key", json::object{}).status, 404);
}

TEST_F(Plans, HostileRequestsChangeNothing) {
  auto& t = territory();
  auto manager = as(world_->manager_token);
  auto rep = as(t.token);
  auto other = as(world_->rep_a_token);
  const auto plans_before =
      manager.get("/api/v1/plans?limit=500").json().at("items").as_array().size();
  const auto seq_before = last_seq();

  auto expect_fields = [&](HttpClient& c, const json::object& body, int status,
                           std::set<std::string> fields) {
    auto r = c.post("/api/v1/plans", body);
    EXPECT_EQ(r.status, status) << json::serialize(body) << " → " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    std::set<std::string> got;
    if (r.json().as_object().contains("errors")) {
      const auto body6 = r.json();
      for (const auto& e : body6.at("errors").as_array())
        got.insert(std::string(e.at("field").as_string()));
    }
    for (const auto& f : fields) EXPECT_TRUE(got.contains(f)) << f << " in " << r.body;
  };
  const json::value rep_id = t.rep;
  expect_fields(manager, {{"rep_id", rep_id}, {"start_date", "2026-02-30"}, {"days", 5}}, 422,
                {"start_date"});
  expect_fields(manager, {{"rep_id", rep_id}, {"start_date", "1999-01-04"}, {"days", 5}}, 422,
                {"start_date"});
  expect_fields(manager, {{"rep_id", rep_id}, {"start_date", t.monday}, {"days", 15}}, 422,
                {"days"});
  expect_fields(manager, {{"rep_id", rep_id}, {"start_date", t.monday}, {"days", 0}}, 422,
                {"days"});
  expect_fields(manager,
                {{"rep_id", "12"}, {"start_date", 20261130}, {"days", "5"}, {"color", "red"}}, 422,
                {"rep_id", "start_date", "days", "color"});
  expect_fields(manager, {{"start_date", t.monday}, {"days", 5}}, 422, {"rep_id"});
  expect_fields(manager, {{"rep_id", 999999}, {"start_date", t.monday}, {"days", 5}}, 422,
                {"rep_id"});
  expect_fields(
      manager,
      {{"rep_id", world_->admin_token.empty() ? 0 : 1}, {"start_date", t.monday}, {"days", 5}}, 422,
      {"rep_id"});
  expect_fields(
      manager,
      {{"rep_id", rep_id}, {"start_date", t.monday}, {"days", 5}, {"time_limit_seconds", 60}}, 422,
      {"time_limit_seconds"});
  // Locks: a store of another rep, a date outside the period, a wrong shape.
  const auto own_store = t.stores.begin()->first;
  expect_fields(
      manager,
      {{"rep_id", rep_id},
       {"start_date", t.monday},
       {"days", 2},
       {"locked", json::array{json::object{{"store_id", world_->store_a}, {"date", t.monday}}}}},
      422, {"locked[0].store_id"});
  expect_fields(manager,
                {{"rep_id", rep_id},
                 {"start_date", t.monday},
                 {"days", 2},
                 {"locked", json::array{json::object{{"store_id", own_store},
                                                     {"date", civil(day_of(t.monday) + 5)}},
                                        json::object{{"store_id", own_store}, {"at", "noon"}}, 3}}},
                422, {"locked[0].date", "locked[1].date", "locked[1].at", "locked[2]"});
  // A rep plans for themself only: another rep's id is unknown.
  expect_fields(rep, {{"rep_id", world_->rep_a}, {"start_date", t.monday}, {"days", 2}}, 422,
                {"rep_id"});
  // A rep with no home cannot be planned.
  auto admin = as(world_->admin_token);
  auto homeless = admin.post("/api/v1/users", json::object{{"email", "rep.nohome@test.fr"},
                                                           {"name", "No Home"},
                                                           {"role", "rep"},
                                                           {"password", "password-rep-1"}});
  ASSERT_EQ(homeless.status, 201);
  expect_fields(manager,
                {{"rep_id", homeless.json().at("id")}, {"start_date", t.monday}, {"days", 2}}, 422,
                {"rep_id"});
  EXPECT_EQ(manager.get("/api/v1/plans?limit=500").json().at("items").as_array().size(),
            plans_before);
  EXPECT_EQ(last_seq(), seq_before + 1) << "only the user above was written";

  // Another rep's plan is not found, whatever the method.
  auto plan = new_plan(rep, {{"start_date", civil(day_of(t.monday) + 42)}, {"days", 1}});
  ASSERT_FALSE(plan.empty());
  auto r = other.get(path(plan));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("Camille"), std::string::npos);
  EXPECT_EQ(other.get("/api/v1/plans/999999").json().at("type"), r.json().at("type"));
  EXPECT_EQ(other.post(path(plan) + "/publish", json::object{}).status, 404);
  EXPECT_EQ(
      other
          .patch(path(plan), json::object{{"version", 1},
                                          {"date", civil(day_of(t.monday) + 42)},
                                          {"now", civil(day_of(t.monday) + 42) + "T09:00:00Z"},
                                          {"location", {{"lat", 45.7}, {"lon", 4.8}}}})
          .status,
      404);
  const auto body7 = other.get("/api/v1/plans?limit=500").json();
  for (const auto& item : body7.at("items").as_array()) {
    EXPECT_NE(item.at("rep_id"), t.rep);
  }
  EXPECT_TRUE(other.get("/api/v1/plans?rep_id=" + std::to_string(t.rep))
                  .json()
                  .at("items")
                  .as_array()
                  .empty());
  EXPECT_EQ(other.get("/api/v1/plans?status=finished").status, 400);
  EXPECT_EQ(rep.get(path(plan)).json().at("status"), "draft");
  // A date outside the plan, on PATCH.
  auto bad = rep.patch(path(plan), json::object{{"version", 1},
                                                {"date", t.monday},
                                                {"now", t.monday + "T09:00:00Z"},
                                                {"location", {{"lat", 45.7}, {"lon", 4.8}}}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(rep.get(path(plan)).json().at("version"), 1);
}

TEST_F(Plans, AppointmentsAndLocksAreKept) {
  auto& t = territory();
  auto manager = as(world_->manager_token);
  const std::string start = civil(day_of(t.monday) + 56);
  // An appointment agreed by hand (a planned visit no plan made) at 10:00 Paris on day 2, and a
  // store locked on day 1.
  std::int64_t appt_store = 0, locked_store = 0;
  for (const auto& [id, spec] : t.stores) {
    if (std::string(spec.code) == "P-06") appt_store = id;
    if (std::string(spec.code) == "P-12") locked_store = id;
  }
  const std::string day2 = civil(day_of(start) + 1);
  auto appt =
      manager.post("/api/v1/visits", json::object{{"store_id", appt_store},
                                                  {"type", "deep"},
                                                  {"planned_at", day2 + "T10:00:00+01:00"}});
  ASSERT_EQ(appt.status, 201) << appt.body;
  auto plan = new_plan(
      manager,
      {{"rep_id", t.rep},
       {"start_date", start},
       {"days", 3},
       {"locked", json::array{json::object{{"store_id", locked_store}, {"date", start}}}}});
  ASSERT_FALSE(plan.empty());
  check_plan_rules(plan);
  bool saw_appt = false, saw_lock = false;
  for (const auto& d : plan.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      if (s.at("store_id") == appt_store) {
        saw_appt = true;
        EXPECT_EQ(str(d.at("date")), day2);
        EXPECT_EQ(s.at("kind"), "appointment");
        EXPECT_EQ(local_seconds(s.at("start")), 10 * 3600);
      }
      if (s.at("store_id") == locked_store) {
        saw_lock = true;
        EXPECT_EQ(str(d.at("date")), start);
        EXPECT_EQ(s.at("locked"), true);
      }
    }
  }
  EXPECT_TRUE(saw_appt);
  EXPECT_TRUE(saw_lock);
  EXPECT_EQ(plan.at("objective").at("mandatory_planned"),
            plan.at("objective").at("mandatory_total"));
  // Publishing links the appointment's own visit instead of making another one.
  auto pub = manager.post(path(plan) + "/publish", json::object{});
  ASSERT_EQ(pub.status, 200) << pub.body;
  const auto body8 = pub.json();
  for (const auto& d : body8.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      if (s.at("store_id") == appt_store) {
        EXPECT_EQ(s.at("visit_id"), appt.json().at("id"));
      }
    }
  }
  // A new plan of the period still treats it as the appointment it is: one visit of that store.
  auto replan = new_plan(manager, {{"rep_id", t.rep}, {"start_date", start}, {"days", 3}});
  ASSERT_FALSE(replan.empty());
  ASSERT_EQ(manager.post(path(replan) + "/publish", json::object{}).status, 200);
  auto visits = manager.get("/api/v1/visits?status=planned&limit=500&store_id=" +
                            std::to_string(appt_store));
  int in_period = 0;
  const auto listed = visits.json();
  for (const auto& v : listed.at("items").as_array()) {
    const std::string at(v.at("planned_at").as_string());
    if (at.substr(0, 10) >= start && at.substr(0, 10) <= civil(day_of(start) + 2)) ++in_period;
  }
  EXPECT_EQ(in_period, 1);
  EXPECT_EQ(manager.get("/api/v1/visits/" + std::to_string(appt.json().at("id").as_int64()))
                .json()
                .at("planned_at"),
            appt.json().at("planned_at"));
}

// Priorities: the caller (campaigns, the decision AI, the simulator's policies) names the stores
// to plan, what each visit is worth and why; appointments and locks are kept.
TEST_F(Plans, PrioritiesChooseTheStoresTheirValueAndWhy) {
  auto& t = territory();
  auto manager = as(world_->manager_token);
  auto id_of = [&](std::string_view code) {
    for (const auto& [id, spec] : t.stores) {
      if (code == spec.code) return id;
    }
    return std::int64_t{0};
  };
  const auto super = id_of("P-02"), proxi = id_of("P-03"), hyper = id_of("P-06"),
             locked = id_of("P-12");
  // Two weeks: P-03 (every 7 days) would get two visits by the frequency rule.
  const std::string start = civil(day_of(t.monday) + 70);
  const std::string why = "Campagne gamme Nouveau : DN 40 % → 70 %";
  const json::array priorities{
      json::object{{"store_id", super},
                   {"value_eur", 150},
                   {"why", why},
                   {"type", "quick"},
                   {"duration_minutes", 25}},
      json::object{{"store_id", proxi}, {"value_eur", 80.5}, {"why", "AI: out-of-stock risk"}},
      json::object{{"store_id", hyper},
                   {"value_eur", 120},
                   {"why", "AI: sales drop"},
                   {"duration_minutes", 90}}};
  auto plan = new_plan(
      manager, {{"rep_id", t.rep},
                {"start_date", start},
                {"days", 10},
                {"priorities", priorities},
                {"locked", json::array{json::object{{"store_id", locked}, {"date", start}}}}});
  ASSERT_FALSE(plan.empty());
  check_plan_rules(plan);
  std::map<std::int64_t, int> visits;
  for (const auto& d : plan.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      const auto store = s.at("store_id").as_int64();
      ++visits[store];
      const int minutes_in_store = local_seconds(s.at("end")) - local_seconds(s.at("start"));
      if (store == super) {
        EXPECT_EQ(s.at("kind"), "optional");
        EXPECT_EQ(s.at("type"), "quick") << "the given type wins over the channel's";
        EXPECT_EQ(minutes_in_store, 25 * 60);
        EXPECT_EQ(s.at("prize_eur"), 150.0);
        EXPECT_EQ(str(s.at("why")), why);
      } else if (store == proxi) {
        EXPECT_EQ(s.at("type"), "quick");
        EXPECT_EQ(minutes_in_store, 20 * 60) << "the channel's duration by default";
        EXPECT_EQ(s.at("prize_eur"), 80.5);
        EXPECT_EQ(s.at("why"), "AI: out-of-stock risk");
      } else if (store == hyper) {
        EXPECT_EQ(s.at("type"), "deep");
        EXPECT_EQ(minutes_in_store, 90 * 60);
        EXPECT_EQ(s.at("prize_eur"), 120.0);
      } else if (store == locked) {
        EXPECT_EQ(str(d.at("date")), start);
        EXPECT_EQ(s.at("kind"), "mandatory");
        EXPECT_EQ(s.at("locked"), true);
        EXPECT_TRUE(str(s.at("why")).starts_with("locked on " + start)) << s.at("why");
      } else {
        ADD_FAILURE() << "store " << store << " was not prioritised";
      }
    }
  }
  for (const auto store : {super, proxi, hyper, locked}) {
    EXPECT_EQ(visits[store], 1) << "each prioritised store once, no frequency copies";
  }
  EXPECT_TRUE(plan.at("unplanned").as_array().empty()) << json::serialize(plan.at("unplanned"));
  // The candidates are stored with the plan: read back (and re-planned) as built.
  auto got = manager.get(path(plan));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("days"), plan.at("days"));
}

TEST_F(Plans, PrioritiesOverrideTheFrequencyRule) {
  auto& t = territory();
  auto rep = as(t.token);
  std::int64_t proxi = 0;
  for (const auto& [id, spec] : t.stores) {
    if (std::string(spec.code) == "P-03") proxi = id;
  }
  // P-03 (every 7 days) visited now: not due on the next working day.
  auto v = rep.post("/api/v1/visits", json::object{{"store_id", proxi}});
  ASSERT_EQ(v.status, 201) << v.body;
  const auto visit = "/api/v1/visits/" + std::to_string(v.json().at("id").as_int64());
  const auto& spec = t.stores.at(proxi);
  ASSERT_EQ(
      rep.post(visit + "/check-in", json::object{{"lat", spec.lat}, {"lon", spec.lon}}).status,
      200);
  ASSERT_EQ(rep.post(visit + "/check-out", json::object{}).status, 200);
  std::int64_t day = std::time(nullptr) / 86400 + 1;
  while (weekday(civil(day)) >= 5) ++day;
  const std::string date = civil(day);

  // The rep plans for themself: by the built-in rules P-03 is left out ("frequency")…
  auto plain = new_plan(rep, {{"start_date", date}, {"days", 1}});
  ASSERT_FALSE(plain.empty());
  bool left_out = false;
  for (const auto& u : plain.at("unplanned").as_array()) {
    if (u.at("store_id") == proxi) left_out = u.at("reason") == "frequency";
  }
  EXPECT_TRUE(left_out) << json::serialize(plain.at("unplanned"));

  // …but a caller that prioritises it decided otherwise.
  auto plan = new_plan(
      rep, {{"start_date", date},
            {"days", 1},
            {"priorities", json::array{json::object{
                               {"store_id", proxi}, {"value_eur", 60}, {"why", "promo setup"}}}}});
  ASSERT_FALSE(plan.empty());
  const auto& stops = plan.at("days").at(0).at("stops").as_array();
  ASSERT_EQ(stops.size(), 1u) << json::serialize(plan);
  EXPECT_EQ(stops[0].at("store_id"), proxi);
  EXPECT_EQ(stops[0].at("why"), "promo setup");
  EXPECT_EQ(rep.post(path(plan) + "/publish", json::object{}).status, 200);

  // Another rep's store is not in this rep's territory, for the rep and for a manager.
  const json::array foreign{
      json::object{{"store_id", world_->store_a}, {"value_eur", 10}, {"why", "x"}}};
  auto r = rep.post("/api/v1/plans",
                    json::object{{"start_date", date}, {"days", 1}, {"priorities", foreign}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "priorities[0].store_id");
  EXPECT_EQ(r.json().at("errors").at(0).at("message"), "no such store in the rep's territory");
  auto manager = as(world_->manager_token);
  r = manager.post(
      "/api/v1/plans",
      json::object{{"rep_id", t.rep}, {"start_date", date}, {"days", 1}, {"priorities", foreign}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "priorities[0].store_id");
}

TEST_F(Plans, PrioritiesAreValidated) {
  auto& t = territory();
  auto manager = as(world_->manager_token);
  const auto plans_before =
      manager.get("/api/v1/plans?limit=500").json().at("items").as_array().size();
  auto it = t.stores.begin();
  const auto a = (it++)->first, b = (it++)->first;
  const std::string start = civil(day_of(t.monday) + 84);
  auto fields = [&](const json::value& priorities) {
    auto r = manager.post(
        "/api/v1/plans",
        json::object{
            {"rep_id", t.rep}, {"start_date", start}, {"days", 2}, {"priorities", priorities}});
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    std::set<std::string> got;
    const auto body = r.json();
    for (const auto& e : body.at("errors").as_array()) got.insert(str(e.at("field")));
    return got;
  };
  std::string long_why;
  for (int i = 0; i < 201; ++i) long_why += "é";
  EXPECT_EQ(fields(json::array{json::object{{"store_id", a}, {"value_eur", 1}, {"why", "x"}},
                               json::object{{"store_id", b}, {"value_eur", 1}, {"why", "y"}},
                               json::object{{"store_id", a}, {"value_eur", 2}, {"why", "z"}}}),
            (std::set<std::string>{"priorities[2].store_id"}));
  EXPECT_EQ(
      fields(json::array{
          json::object{{"store_id", a}, {"value_eur", -1}, {"why", "x"}},
          json::object{{"store_id", b}, {"value_eur", 2e6}},
          json::object{{"store_id", 0}, {"value_eur", 1}, {"why", long_why}},
          json::object{{"value_eur", "10"}, {"why", ""}, {"type", "long"}, {"color", "red"}},
          json::object{
              {"store_id", 999'999}, {"value_eur", 1}, {"why", "x"}, {"duration_minutes", 4}},
          json::object{
              {"store_id", 999'998}, {"value_eur", 1}, {"why", "x"}, {"duration_minutes", 481}},
          3}),
      (std::set<std::string>{"priorities[0].value_eur", "priorities[1].value_eur",
                             "priorities[1].why", "priorities[2].store_id", "priorities[2].why",
                             "priorities[3].store_id", "priorities[3].value_eur",
                             "priorities[3].why", "priorities[3].type", "priorities[3].color",
                             "priorities[4].duration_minutes", "priorities[5].duration_minutes",
                             "priorities[6]"}));
  EXPECT_EQ(fields("all"), (std::set<std::string>{"priorities"}));
  // Well-formed, but unknown stores: each one named.
  EXPECT_EQ(fields(json::array{
                json::object{{"store_id", 999'999}, {"value_eur", 1}, {"why", "x"}},
                json::object{{"store_id", a}, {"value_eur", 1}, {"why", "y"}},
                json::object{{"store_id", world_->store_b}, {"value_eur", 1}, {"why", "z"}}}),
            (std::set<std::string>{"priorities[0].store_id", "priorities[2].store_id"}));
  EXPECT_EQ(manager.get("/api/v1/plans?limit=500").json().at("items").as_array().size(),
            plans_before);

  // 200 characters are fine even when they take 400 bytes.
  long_why.resize(long_why.size() - 2);
  auto plan = new_plan(
      manager, {{"rep_id", t.rep},
                {"start_date", start},
                {"days", 2},
                {"priorities", json::array{json::object{
                                   {"store_id", a}, {"value_eur", 500}, {"why", long_why}}}}});
  ASSERT_FALSE(plan.empty());
  bool seen = false;
  for (const auto& d : plan.at("days").as_array()) {
    for (const auto& s : d.at("stops").as_array()) {
      EXPECT_EQ(s.at("store_id"), a);
      EXPECT_EQ(str(s.at("why")), long_why);
      seen = true;
    }
  }
  for (const auto& u : plan.at("unplanned").as_array()) {
    EXPECT_EQ(u.at("store_id"), a);
    EXPECT_EQ(str(u.at("why")), long_why);
    seen = true;
  }
  EXPECT_TRUE(seen);
}

}  // namespace boucle::testing
