#include "planio/problem_json.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "core/geo.hpp"
#include "core/json.hpp"
#include "core/time.hpp"

namespace boucle::planio {

namespace {

namespace json = boost::json;
using core::ErrorCode;
using core::FieldError;

constexpr std::array<std::string_view, 7> WEEKDAYS = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
constexpr plan::Time DAY_SECONDS = 24 * 3600;
constexpr std::size_t MAX_DATE_LIST = 366;
constexpr std::size_t MAX_ID = 100;
constexpr std::size_t MAX_NAME = 200;

// Monday = 0 for a day counted from 1970-01-01 (a Thursday).
int weekday_of(std::int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

std::optional<int> parse_weekday(std::string_view s) {
  for (std::size_t d = 0; d < WEEKDAYS.size(); ++d) {
    if (WEEKDAYS[d] == s) return static_cast<int>(d);
  }
  return std::nullopt;
}

std::string dot(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string at(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string expected_list(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (auto k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

std::optional<double> as_number(const json::value& v) {
  double d = 0;
  if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    d = v.get_double();
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::string format_limit(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(v));
  }
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

plan::Time minutes_to_seconds(double minutes) { return std::llround(minutes * 60.0); }
plan::Cost euros_to_cost(double euros) {
  return std::llround(euros * static_cast<double>(COST_PER_EURO));
}

using Errors = std::vector<FieldError>;

enum class Need { required, optional };

// Typed access to one JSON object at a path. Every problem is appended to the shared error
// list; a missing optional field or an explicit null reads as absent.
class Obj {
 public:
  Obj(const json::value& v, std::string path, Errors& errors)
      : obj_(v.if_object()), path_(std::move(path)), errors_(&errors) {
    if (!obj_) error_at(path_.empty() ? "(document)" : path_, "must be an object");
  }

  bool ok() const { return obj_ != nullptr; }
  const json::object& raw() const { return *obj_; }
  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return dot(path_, key); }
  bool has(std::string_view key) const { return get_raw(key) != nullptr; }
  void error(std::string_view key, std::string message) { error_at(path(key), std::move(message)); }
  void error_at(std::string field, std::string message) {
    errors_->push_back({std::move(field), std::move(message), 0});
  }
  Errors& errors() { return *errors_; }

  const json::value* get(std::string_view key, Need need) {
    const auto* v = get_raw(key);
    if (!v && need == Need::required && obj_) error(key, "is required");
    return v;
  }

  std::optional<std::string> string(std::string_view key, Need need, std::size_t max_len) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    return string_value(*v, path(key), max_len, *errors_);
  }

  std::optional<double> number(std::string_view key, Need need, double min, double max) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    const auto d = as_number(*v);
    if (!d || *d < min || *d > max) {
      error(key, "must be a number between " + format_limit(min) + " and " + format_limit(max));
      return std::nullopt;
    }
    return d;
  }

  std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min,
                                      std::int64_t max) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    std::optional<std::int64_t> i;
    if (v->is_int64()) {
      i = v->get_int64();
    } else if (v->is_uint64()) {
      if (v->get_uint64() <= static_cast<std::uint64_t>(max)) {
        i = static_cast<std::int64_t>(v->get_uint64());
      }
    } else if (v->is_double() && std::isfinite(v->get_double()) &&
               v->get_double() == std::floor(v->get_double()) &&
               std::fabs(v->get_double()) < 1e15) {
      i = static_cast<std::int64_t>(v->get_double());
    }
    if (!i || *i < min || *i > max) {
      error(key, "must be a whole number between " + std::to_string(min) + " and " +
                     std::to_string(max));
      return std::nullopt;
    }
    return i;
  }

  std::optional<bool> boolean(std::string_view key, Need need) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
      error(key, "must be true or false");
      return std::nullopt;
    }
    return v->get_bool();
  }

  // "HH:MM" → minutes since midnight.
  std::optional<int> clock(std::string_view key, Need need) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    return clock_value(*v, path(key), *errors_);
  }

  // "YYYY-MM-DD" → days since 1970-01-01.
  std::optional<std::int64_t> date(std::string_view key, Need need) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    return date_value(*v, path(key), *errors_);
  }

  const json::array* array(std::string_view key, Need need, std::size_t max_items) {
    const auto* v = get(key, need);
    if (!v) return nullptr;
    const auto* a = v->if_array();
    if (!a) {
      error(key, "must be an array");
      return nullptr;
    }
    if (a->size() > max_items) {
      error(key, "must have at most " + std::to_string(max_items) + " items, has " +
                     std::to_string(a->size()));
      return nullptr;
    }
    return a;
  }

  std::optional<Obj> object(std::string_view key, Need need) {
    const auto* v = get(key, need);
    if (!v) return std::nullopt;
    Obj o(*v, path(key), *errors_);
    if (!o.ok()) return std::nullopt;
    return o;
  }

  // Refuses every key that is not in `allowed`.
  void finish(std::initializer_list<std::string_view> allowed) {
    if (!obj_) return;
    for (const auto& [key, v] : *obj_) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
        error(key, "unknown field (expected one of: " + expected_list(allowed) + ")");
      }
    }
  }

  static std::optional<std::string> string_value(const json::value& v, const std::string& field,
                                                 std::size_t max_len, Errors& errors) {
    if (!v.is_string()) {
      errors.push_back({field, "must be a string", 0});
      return std::nullopt;
    }
    std::string s(v.get_string());
    if (s.empty()) {
      errors.push_back({field, "must not be empty", 0});
      return std::nullopt;
    }
    if (s.size() > max_len) {
      errors.push_back({field, "must be at most " + std::to_string(max_len) + " bytes", 0});
      return std::nullopt;
    }
    for (unsigned char c : s) {
      if (c < 0x20 || c == 0x7f) {
        errors.push_back({field, "must not contain control characters", 0});
        return std::nullopt;
      }
    }
    return s;
  }

  static std::optional<int> clock_value(const json::value& v, const std::string& field,
                                        Errors& errors) {
    std::optional<int> m;
    if (v.is_string()) m = core::parse_hhmm(v.get_string());
    if (!m) errors.push_back({field, "must be a time \"HH:MM\" between 00:00 and 24:00", 0});
    return m;
  }

  static std::optional<std::int64_t> date_value(const json::value& v, const std::string& field,
                                                Errors& errors) {
    std::optional<std::int64_t> d;
    if (v.is_string()) d = core::parse_date_days(v.get_string());
    if (!d) errors.push_back({field, "must be a date \"YYYY-MM-DD\"", 0});
    return d;
  }

 private:
  const json::value* get_raw(std::string_view key) const {
    if (!obj_) return nullptr;
    const auto* v = obj_->if_contains(key);
    if (!v || v->is_null()) return nullptr;
    return v;
  }

  const json::object* obj_;
  std::string path_;
  Errors* errors_;
};

// ["HH:MM","HH:MM"], opening before closing; minutes.
std::optional<core::Interval> read_pair(const json::value& v, const std::string& field,
                                        Errors& errors) {
  const auto* a = v.if_array();
  if (!a || a->size() != 2) {
    errors.push_back({field, "must be a pair [\"HH:MM\", \"HH:MM\"]", 0});
    return std::nullopt;
  }
  const auto from = Obj::clock_value((*a)[0], at(field, 0), errors);
  const auto to = Obj::clock_value((*a)[1], at(field, 1), errors);
  if (!from || !to) return std::nullopt;
  if (*from >= *to) {
    errors.push_back({field, "the start must be before the end", 0});
    return std::nullopt;
  }
  return core::Interval{*from, *to};
}

std::vector<std::int64_t> read_dates(const json::array* a, const std::string& field,
                                     Errors& errors) {
  std::vector<std::int64_t> out;
  if (!a) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    if (auto d = Obj::date_value((*a)[i], at(field, i), errors)) out.push_back(*d);
  }
  return out;
}

std::optional<core::GeoPoint> read_lat_lon(Obj& o) {
  const auto lat = o.number("lat", Need::required, -90, 90);
  const auto lon = o.number("lon", Need::required, -180, 180);
  if (!lat || !lon) return std::nullopt;
  return core::GeoPoint{*lat, *lon};
}

std::optional<core::GeoPoint> read_point(Obj& parent, std::string_view key, Need need) {
  auto o = parent.object(key, need);
  if (!o) return std::nullopt;
  auto p = read_lat_lon(*o);
  o->finish({"lat", "lon"});
  return p;
}

// The distinct places of the problem, in order of first mention.
class PlaceBook {
 public:
  explicit PlaceBook(Errors& errors) : errors_(errors) {}

  int add(core::GeoPoint p, Place::Kind kind, const std::string& name, std::string key,
          const std::string& field) {
    int index = 0;
    const auto it = by_point_.find({p.lat, p.lon});
    if (it == by_point_.end()) {
      index = static_cast<int>(places_.size());
      by_point_.emplace(std::make_pair(p.lat, p.lon), index);
      places_.push_back(Place{kind, name, p, {}});
    } else {
      index = it->second;
    }
    const auto [k, fresh] = keys_.emplace(key, index);
    if (fresh) {
      places_[static_cast<std::size_t>(index)].keys.push_back(std::move(key));
    } else if (k->second != index) {
      errors_.push_back({field, "another place already has the name '" + name + "'", 0});
    }
    return index;
  }

  std::vector<Place>& places() { return places_; }
  std::vector<core::GeoPoint> points() const {
    std::vector<core::GeoPoint> out;
    out.reserve(places_.size());
    for (const auto& p : places_) out.push_back(p.point);
    return out;
  }

 private:
  Errors& errors_;
  std::vector<Place> places_;
  std::map<std::pair<double, double>, int> by_point_;
  std::unordered_map<std::string, int> keys_;
};

struct Horizon {
  bool ok = false;
  std::vector<std::int64_t> days;  // per day, days since epoch
  std::unordered_map<std::int64_t, int> index;
  std::string time_zone = "Europe/Paris";

  std::optional<int> day_of(std::int64_t date) const {
    const auto it = index.find(date);
    if (it == index.end()) return std::nullopt;
    return it->second;
  }
};

Horizon read_horizon(Obj& root, const Limits& limits) {
  Horizon h;
  auto o = root.object("horizon", Need::required);
  if (!o) return h;
  const auto before = o->errors().size();
  const auto start = o->date("start_date", Need::optional);
  const auto count = o->integer("days", Need::optional, 1, limits.max_days);
  const auto* list = o->array("dates", Need::optional, static_cast<std::size_t>(limits.max_days));
  if (const auto tz = o->string("time_zone", Need::optional, 64)) {
    if (core::is_known_time_zone(*tz)) {
      h.time_zone = *tz;
    } else {
      o->error("time_zone", "must be an IANA time zone such as \"Europe/Paris\"");
    }
  }
  const bool has_list = o->has("dates");
  const bool has_range = o->has("start_date") || o->has("days");
  if (has_list && has_range) {
    o->error("dates", "give either start_date and days, or dates, not both");
  } else if (has_list) {
    if (list && list->empty()) o->error("dates", "must list at least one date");
    const auto dates = read_dates(list, o->path("dates"), o->errors());
    for (std::size_t i = 1; i < dates.size(); ++i) {
      if (dates[i] <= dates[i - 1]) {
        o->error_at(at(o->path("dates"), i), "must come after the date before it");
      }
    }
    if (o->errors().size() == before) h.days = dates;
  } else {
    if (!o->has("start_date")) o->error("start_date", "is required (or give dates)");
    if (!o->has("days")) o->error("days", "is required (or give dates)");
    if (start && count) {
      for (std::int64_t d = 0; d < *count; ++d) h.days.push_back(*start + d);
    }
  }
  o->finish({"start_date", "days", "dates", "time_zone"});
  h.ok = o->errors().size() == before && !h.days.empty();
  for (std::size_t i = 0; i < h.days.size(); ++i) h.index[h.days[i]] = static_cast<int>(i);
  return h;
}

plan::Weights read_costs(Obj& root) {
  plan::Weights w;
  w.per_distance = 350;  // 0.35 €/km
  auto o = root.object("costs", Need::optional);
  if (!o) return w;
  // 1 €/km = 10^6 micro-euros per 1000 m; 1 €/h = 10^6 micro-euros per 3600 s.
  if (auto v = o->number("per_km_eur", Need::optional, 0, 100)) {
    w.per_distance = std::llround(*v * 1000.0);
  }
  if (auto v = o->number("per_hour_eur", Need::optional, 0, 10000)) {
    w.per_time = std::llround(*v * static_cast<double>(COST_PER_EURO) / 3600.0);
  }
  if (auto v = o->number("mix_penalty_eur", Need::optional, 0, 1e6)) {
    w.mix_penalty = euros_to_cost(*v);
  }
  if (auto v = o->boolean("minimise_routes", Need::optional)) w.minimise_routes = *v;
  o->finish({"per_km_eur", "per_hour_eur", "mix_penalty_eur", "minimise_routes"});
  return w;
}

// A rep as read, before the per-day shifts are built.
struct RepInput {
  std::array<std::optional<core::Interval>, 7> weekly;
  std::map<std::int64_t, core::Interval> on_dates;
  std::vector<std::int64_t> days_off;
  std::optional<plan::Lunch> lunch;
  plan::Time max_work = plan::NO_TIME_LIMIT;
  plan::Time max_drive = plan::NO_TIME_LIMIT;
  std::vector<bool> night_weekdays = std::vector<bool>(7, true);
};

void read_working_hours(Obj& r, RepInput& in) {
  auto o = r.object("working_hours", Need::required);
  if (!o) return;
  for (std::size_t d = 0; d < 7; ++d) {
    if (const auto* v = o->get(WEEKDAYS[d], Need::optional)) {
      in.weekly[d] = read_pair(*v, o->path(WEEKDAYS[d]), o->errors());
    }
  }
  o->finish({"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
}

void read_date_hours(Obj& r, RepInput& in) {
  auto o = r.object("hours_on_dates", Need::optional);
  if (!o) return;
  const auto& obj = o->raw();
  if (obj.size() > MAX_DATE_LIST) {
    r.error("hours_on_dates", "must have at most " + std::to_string(MAX_DATE_LIST) + " dates");
    return;
  }
  for (const auto& [key, v] : obj) {
    const std::string field = o->path(key);
    const auto date = core::parse_date_days(key);
    if (!date) {
      o->error_at(field, "must be keyed by dates \"YYYY-MM-DD\"");
      continue;
    }
    if (auto pair = read_pair(v, field, o->errors())) in.on_dates[*date] = *pair;
  }
}

void read_lunch(Obj& r, RepInput& in) {
  auto o = r.object("lunch", Need::optional);
  if (!o) return;
  const auto earliest = o->clock("earliest", Need::required);
  const auto latest = o->clock("latest", Need::required);
  const auto minutes = o->number("minutes", Need::required, 1, 240);
  o->finish({"earliest", "latest", "minutes"});
  if (!earliest || !latest || !minutes) return;
  if (*latest < *earliest) {
    o->error("latest", "must not be before earliest");
    return;
  }
  const plan::Lunch lunch{*earliest * 60, *latest * 60, minutes_to_seconds(*minutes)};
  if (lunch.latest_start + lunch.duration > DAY_SECONDS) {
    o->error("minutes", "lunch must end by 24:00");
    return;
  }
  in.lunch = lunch;
}

void read_overnight(Obj& r, plan::Rep& rep, RepInput& in, PlaceBook& book, int max_hotels) {
  auto o = r.object("overnight", Need::optional);
  if (!o) return;
  auto& ov = rep.overnight;
  ov.allowed = o->boolean("allowed", Need::optional).value_or(true);
  if (const auto* nights = o->array("nights", Need::optional, 7)) {
    in.night_weekdays.assign(7, false);
    for (std::size_t i = 0; i < nights->size(); ++i) {
      const auto& v = (*nights)[i];
      const auto d = v.is_string() ? parse_weekday(v.get_string()) : std::nullopt;
      if (!d) {
        o->error_at(at(o->path("nights"), i),
                    "must be a weekday: mon, tue, wed, thu, fri, sat or sun");
        continue;
      }
      in.night_weekdays[static_cast<std::size_t>(*d)] = true;
    }
  }
  if (auto v = o->number("cost_eur", Need::optional, 0, 10000)) {
    ov.cost_per_night = euros_to_cost(*v);
  }
  if (auto v = o->number("min_distance_km", Need::optional, 0, 5000)) {
    ov.min_distance_from_home = std::llround(*v * 1000.0);
  }
  if (auto v = o->integer("max_consecutive", Need::optional, 1, 31)) {
    ov.max_consecutive_nights = static_cast<int>(*v);
  }
  if (auto v = o->boolean("near_last_visit", Need::optional)) ov.near_last_visit = *v;
  if (auto v = o->boolean("home_allowed", Need::optional)) ov.home_allowed = *v;
  const auto* hotels = o->array("hotels", Need::optional, static_cast<std::size_t>(max_hotels));
  if (hotels) {
    for (std::size_t i = 0; i < hotels->size(); ++i) {
      Obj h((*hotels)[i], at(o->path("hotels"), i), o->errors());
      if (!h.ok()) continue;
      const auto name = h.string("name", Need::required, MAX_NAME);
      const auto point = read_lat_lon(h);
      h.finish({"name", "lat", "lon"});
      if (name && point) {
        ov.hotels.push_back(
            book.add(*point, Place::Kind::hotel, *name, "hotel:" + *name, h.path("name")));
      }
    }
  }
  o->finish({"allowed", "nights", "cost_eur", "min_distance_km", "max_consecutive", "hotels",
             "near_last_visit", "home_allowed"});
  if (ov.allowed && (!o->has("hotels") || (hotels && hotels->empty())) && !ov.near_last_visit) {
    o->error("hotels", "nights away need hotels or near_last_visit: true");
  }
  if (!ov.home_allowed && !ov.allowed) {
    o->error("home_allowed", "false needs nights away allowed");
  }
}

std::vector<plan::Shift> build_shifts(const RepInput& in, const Horizon& h) {
  std::vector<plan::Shift> shifts;
  for (const auto date : h.days) {
    plan::Shift s;
    std::optional<core::Interval> hours;
    if (const auto it = in.on_dates.find(date); it != in.on_dates.end()) {
      hours = it->second;
    } else {
      hours = in.weekly[static_cast<std::size_t>(weekday_of(date))];
    }
    if (std::find(in.days_off.begin(), in.days_off.end(), date) != in.days_off.end()) hours.reset();
    if (!hours) {
      s.available = false;
    } else {
      s.start_earliest = hours->open * 60;
      s.end_latest = hours->close * 60;
      s.max_work = in.max_work;
      s.max_drive = in.max_drive;
      s.lunch = in.lunch;
    }
    shifts.push_back(s);
  }
  return shifts;
}

// Nights away are possible after day d only when day d+1 is the next calendar day (a gap in
// explicit dates sends the rep home) and d's weekday is allowed.
std::vector<bool> build_nights(const RepInput& in, const Horizon& h) {
  std::vector<bool> nights(h.days.size(), false);
  for (std::size_t d = 0; d + 1 < h.days.size(); ++d) {
    nights[d] = h.days[d + 1] == h.days[d] + 1 &&
                in.night_weekdays[static_cast<std::size_t>(weekday_of(h.days[d]))];
  }
  return nights;
}

void read_reps(Obj& root, const Horizon& h, const Limits& limits, LoadedProblem& out,
               PlaceBook& book, std::unordered_map<std::string, int>& rep_index) {
  const auto* reps = root.array("reps", Need::required, static_cast<std::size_t>(limits.max_reps));
  if (!reps) return;
  if (reps->empty()) root.error("reps", "must list at least one rep");
  for (std::size_t i = 0; i < reps->size(); ++i) {
    Obj r((*reps)[i], at("reps", i), root.errors());
    if (!r.ok()) continue;
    plan::Rep rep;
    RepInput in;
    const auto id = r.string("id", Need::required, MAX_ID);
    const auto home = read_point(r, "home", Need::required);
    const auto final_point = read_point(r, "final", Need::optional);
    read_working_hours(r, in);
    read_date_hours(r, in);
    in.days_off = read_dates(r.array("days_off", Need::optional, MAX_DATE_LIST), r.path("days_off"),
                             r.errors());
    for (const auto& d : in.days_off) {
      if (in.on_dates.count(d)) {
        r.error("days_off", core::format_date_days(d) + " also has hours in hours_on_dates");
      }
    }
    read_lunch(r, in);
    if (auto v = r.number("max_work_minutes", Need::optional, 1, 1440)) {
      in.max_work = minutes_to_seconds(*v);
    }
    if (auto v = r.number("max_drive_minutes", Need::optional, 1, 1440)) {
      in.max_drive = minutes_to_seconds(*v);
    }
    if (auto v = r.integer("capacity", Need::optional, 0, 1'000'000'000'000)) rep.capacity = *v;
    bool unique = false;
    if (id) {
      rep.id = *id;
      unique = rep_index.emplace(*id, static_cast<int>(i)).second;
      if (!unique) r.error("id", "repeats another rep's id");
    }
    // Places are keyed by the rep's id: a rep without a usable id adds none (it is an error).
    if (home && unique) {
      rep.home = book.add(*home, Place::Kind::home, "home", "home:" + *id, r.path("home"));
    }
    rep.final_location = rep.home;
    if (final_point && unique) {
      rep.final_location =
          book.add(*final_point, Place::Kind::final, "final", "final:" + *id, r.path("final"));
    }
    read_overnight(r, rep, in, book, limits.max_hotels);
    r.finish({"id", "home", "final", "working_hours", "hours_on_dates", "days_off", "lunch",
              "max_work_minutes", "max_drive_minutes", "capacity", "overnight"});
    if (h.ok) {
      rep.shifts = build_shifts(in, h);
      if (rep.overnight.allowed) rep.overnight.nights = build_nights(in, h);
    }
    out.problem.reps.push_back(std::move(rep));
  }
}

// Frequency groups by key, numbered in order of first appearance.
struct Groups {
  std::unordered_map<std::string, int> index;
  std::vector<std::size_t> first_visit;
  std::vector<plan::FrequencyGroup> list;
};

// "YYYY-MM-DDTHH:MM" → (days, minutes).
std::optional<std::pair<std::int64_t, int>> parse_local_time(std::string_view s) {
  if (s.size() != 16 || s[10] != 'T') return std::nullopt;
  const auto d = core::parse_date_days(s.substr(0, 10));
  const auto m = core::parse_hhmm(s.substr(11));
  if (!d || !m || *m >= 24 * 60) return std::nullopt;
  return std::make_pair(*d, *m);
}

std::optional<plan::VisitKind> parse_kind(std::string_view s) {
  if (s == "optional") return plan::VisitKind::optional;
  if (s == "mandatory") return plan::VisitKind::mandatory;
  if (s == "appointment") return plan::VisitKind::appointment;
  return std::nullopt;
}

void read_visit(Obj& v, std::size_t i, const Horizon& h, LoadedProblem& out, PlaceBook& book,
                const std::unordered_map<std::string, int>& rep_index,
                std::unordered_map<std::string, std::size_t>& visit_ids, Groups& groups) {
  plan::Visit visit;
  const auto before = v.errors().size();
  const auto id = v.string("id", Need::required, MAX_ID);
  const auto store = v.string("store", Need::required, MAX_NAME);
  const auto point = read_lat_lon(v);
  const auto duration = v.number("duration_minutes", Need::required, 1, 720);
  if (auto p = v.number("prize_eur", Need::optional, 0, 1e6)) visit.prize = euros_to_cost(*p);
  if (auto k = v.string("kind", Need::optional, 32)) {
    if (auto kind = parse_kind(*k)) {
      visit.kind = *kind;
    } else {
      v.error("kind", "must be optional, mandatory or appointment");
    }
  }
  if (auto t = v.string("type", Need::optional, 32)) {
    if (*t == "deep") {
      visit.type = plan::VisitType::deep;
    } else if (*t == "quick") {
      visit.type = plan::VisitType::quick;
    } else {
      v.error("type", "must be deep or quick");
    }
  }
  if (auto r = v.string("rep", Need::optional, MAX_ID)) {
    if (const auto it = rep_index.find(*r); it != rep_index.end()) {
      visit.rep = it->second;
    } else {
      v.error("rep", "is not the id of a rep");
    }
  }
  if (auto l = v.integer("load", Need::optional, 0, 1'000'000'000)) visit.load = *l;

  std::optional<core::WeeklyHours> hours;
  if (const auto* oh = v.get("opening_hours", Need::optional)) {
    hours = core::weekly_hours_from_json(*oh, v.path("opening_hours"), v.errors());
  }
  const auto closed = read_dates(v.array("closed_dates", Need::optional, MAX_DATE_LIST),
                                 v.path("closed_dates"), v.errors());
  const bool has_allowed = v.has("allowed_dates");
  const auto allowed = read_dates(v.array("allowed_dates", Need::optional, MAX_DATE_LIST),
                                  v.path("allowed_dates"), v.errors());

  // When: a fixed time, a day, or a range of days; each optionally with a daily window.
  std::optional<std::pair<std::int64_t, int>> fixed;
  if (auto s = v.string("at", Need::optional, 32)) {
    fixed = parse_local_time(*s);
    if (!fixed) v.error("at", "must be a local time \"YYYY-MM-DDTHH:MM\"");
  }
  const auto on = v.date("on", Need::optional);
  std::optional<std::pair<std::int64_t, std::int64_t>> between;
  if (const auto* b = v.get("between", Need::optional)) {
    const auto* a = b->if_array();
    if (!a || a->size() != 2) {
      v.error("between", "must be a pair of dates [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]");
    } else {
      const auto from = Obj::date_value((*a)[0], at(v.path("between"), 0), v.errors());
      const auto to = Obj::date_value((*a)[1], at(v.path("between"), 1), v.errors());
      if (from && to) {
        if (*from > *to) {
          v.error("between", "the first date must not be after the second");
        } else {
          between = std::make_pair(*from, *to);
        }
      }
    }
  }
  std::optional<core::Interval> window;
  if (const auto* w = v.get("window", Need::optional)) {
    window = read_pair(*w, v.path("window"), v.errors());
  }
  const int whens = int(v.has("at")) + int(v.has("on")) + int(v.has("between"));
  if (whens > 1) {
    v.error(v.has("between") ? "between" : "on", "at, on and between exclude each other");
  }
  if (v.has("at") && v.has("window")) {
    v.error("window", "not with at (the visit takes place at that time)");
  }
  if (visit.kind == plan::VisitKind::appointment && whens == 0) {
    v.error("kind", "an appointment needs at, on or between");
  }
  if (duration && window && (window->close - window->open) * 60 < minutes_to_seconds(*duration)) {
    v.error("window", "is shorter than duration_minutes");
  }
  if (duration && fixed && fixed->second * 60 + minutes_to_seconds(*duration) > DAY_SECONDS) {
    v.error("at", "the visit must end by 24:00");
  }
  if (h.ok) {
    if (fixed && !h.day_of(fixed->first)) v.error("at", "is not a day of the horizon");
    if (on && !h.day_of(*on)) v.error("on", "is not a day of the horizon");
    if (between && std::none_of(h.days.begin(), h.days.end(), [&](std::int64_t d) {
          return d >= between->first && d <= between->second;
        })) {
      v.error("between", "contains no day of the horizon");
    }
  }

  std::optional<plan::FrequencyGroup> group;
  std::string group_key;
  if (auto f = v.object("frequency", Need::optional)) {
    const auto key = f->string("key", Need::required, MAX_NAME);
    const auto max_visits = f->integer("max_visits", Need::required, 1, 31);
    const auto window_days = f->integer("window_days", Need::required, 1, 366);
    const auto spacing = f->integer("min_spacing_days", Need::optional, 0, 31);
    f->finish({"key", "max_visits", "window_days", "min_spacing_days"});
    if (key && max_visits && window_days) {
      group_key = *key;
      group = plan::FrequencyGroup{static_cast<int>(*max_visits), static_cast<int>(*window_days),
                                   static_cast<int>(spacing.value_or(0))};
    }
  }
  std::optional<std::pair<int, std::int64_t>> lock;  // rep, date
  if (auto l = v.object("lock", Need::optional)) {
    const auto rep = l->string("rep", Need::required, MAX_ID);
    const auto date = l->date("date", Need::required);
    l->finish({"rep", "date"});
    std::optional<int> rep_i;
    if (rep) {
      if (const auto it = rep_index.find(*rep); it != rep_index.end()) {
        rep_i = it->second;
        if (visit.rep >= 0 && visit.rep != it->second) {
          l->error("rep", "differs from the visit's rep");
        }
      } else {
        l->error("rep", "is not the id of a rep");
      }
    }
    if (date && h.ok && !h.day_of(*date)) l->error("date", "is not a day of the horizon");
    if (rep_i && date) lock = std::make_pair(*rep_i, *date);
  }
  v.finish({"id", "store", "lat", "lon", "duration_minutes", "prize_eur", "kind", "type", "rep",
            "load", "opening_hours", "closed_dates", "allowed_dates", "at", "on", "between",
            "window", "frequency", "lock"});

  if (id && !visit_ids.emplace(*id, i).second) v.error("id", "repeats another visit's id");
  if (v.errors().size() != before || !h.ok) return;

  visit.id = *id;
  visit.duration = minutes_to_seconds(*duration);
  visit.location = book.add(*point, Place::Kind::store, *store, "visit:" + *id, v.path("id"));

  // Windows per day. Without any restriction the visit may take place any time of any day.
  const bool restricted =
      hours || !closed.empty() || has_allowed || fixed || on || between || window;
  if (restricted) {
    for (std::size_t d = 0; d < h.days.size(); ++d) {
      const auto date = h.days[d];
      std::vector<plan::Window> day;
      const bool allowed_day =
          std::find(closed.begin(), closed.end(), date) == closed.end() &&
          (!has_allowed || std::find(allowed.begin(), allowed.end(), date) != allowed.end()) &&
          (!fixed || fixed->first == date) && (!on || *on == date) &&
          (!between || (date >= between->first && date <= between->second));
      if (allowed_day) {
        if (fixed) {
          const plan::Time start = fixed->second * 60;
          day.push_back({start, start + visit.duration});
        } else if (window) {
          day.push_back({window->open * 60, window->close * 60});
        } else if (hours) {
          for (const auto& iv : hours->days[static_cast<std::size_t>(weekday_of(date))]) {
            day.push_back({iv.open * 60, iv.close * 60});
          }
        } else {
          day.push_back({0, DAY_SECONDS});
        }
      }
      visit.windows.push_back(std::move(day));
    }
  }
  if (lock) {
    const int day = *h.day_of(lock->second);
    visit.lock = plan::Lock{lock->first, day};
    if (!visit.windows.empty() && visit.windows[static_cast<std::size_t>(day)].empty()) {
      v.error_at(dot(v.path("lock"), "date"),
                 "the visit cannot take place that day (closed or not allowed)");
    }
  }
  if (group) {
    const auto [it, fresh] = groups.index.emplace(group_key, static_cast<int>(groups.list.size()));
    if (fresh) {
      groups.list.push_back(*group);
      groups.first_visit.push_back(i);
    }
    const auto g = static_cast<std::size_t>(it->second);
    const auto& first = groups.list[g];
    if (first.max_visits != group->max_visits || first.window_days != group->window_days ||
        first.min_spacing_days != group->min_spacing_days) {
      v.error("frequency", "differs from the frequency of visits[" +
                               std::to_string(groups.first_visit[g]) + "], which has the same key");
    }
    visit.group = it->second;
  }
  out.stores.push_back(*store);
  out.problem.visits.push_back(std::move(visit));
}

struct TravelSpec {
  enum class Mode { road, matrix, matrix_file, osrm } mode = Mode::road;
  plan::RoadModel road;
  const json::value* matrix = nullptr;
  std::filesystem::path file;
  OsrmRequest osrm;
};

TravelSpec read_travel(Obj& root, const ReadOptions& options) {
  TravelSpec t;
  auto o = root.object("travel", Need::optional);
  if (!o) return t;
  const int modes = int(o->has("model")) + int(o->has("matrix")) + int(o->has("matrix_file")) +
                    int(o->has("osrm"));
  if (modes != 1) {
    o->error_at(o->path(), "must have exactly one of model, matrix, matrix_file, osrm");
  }
  const bool road_fields = o->has("circuity") || o->has("speed_short_kmh") ||
                           o->has("speed_medium_kmh") || o->has("speed_long_kmh") ||
                           o->has("short_band_km") || o->has("medium_band_km") ||
                           o->has("fixed_seconds");
  if (auto m = o->string("model", Need::optional, 16)) {
    if (*m != "road") o->error("model", "must be \"road\"");
  }
  if (road_fields && !o->has("model")) {
    o->error_at(o->path(), "road model settings go with \"model\": \"road\"");
  }
  auto& r = t.road;
  if (auto v = o->number("circuity", Need::optional, 1, 3)) r.circuity = *v;
  if (auto v = o->number("speed_short_kmh", Need::optional, 1, 200)) r.speed_short_kmh = *v;
  if (auto v = o->number("speed_medium_kmh", Need::optional, 1, 200)) r.speed_medium_kmh = *v;
  if (auto v = o->number("speed_long_kmh", Need::optional, 1, 200)) r.speed_long_kmh = *v;
  if (auto v = o->number("short_band_km", Need::optional, 0.1, 1000)) r.short_band_km = *v;
  if (auto v = o->number("medium_band_km", Need::optional, 0.1, 1000)) r.medium_band_km = *v;
  if (auto v = o->number("fixed_seconds", Need::optional, 0, 3600)) r.fixed_seconds = *v;
  if (r.medium_band_km < r.short_band_km) {
    o->error("medium_band_km", "must not be below short_band_km");
  }
  if (o->has("matrix")) {
    t.mode = TravelSpec::Mode::matrix;
    t.matrix = o->get("matrix", Need::optional);
  }
  if (auto f = o->string("matrix_file", Need::optional, 1000)) {
    t.mode = TravelSpec::Mode::matrix_file;
    t.file = *f;
    if (!options.allow_matrix_files) {
      o->error("matrix_file", "matrix files are not accepted here; give the matrix inline");
    } else if (t.file.is_absolute()) {
      o->error("matrix_file", "must be a path relative to the problem file");
    } else if (t.file.extension() != ".json" && t.file.extension() != ".csv") {
      o->error("matrix_file", "must end in .json or .csv");
    }
  }
  if (auto url = o->string("osrm", Need::optional, 500)) {
    t.mode = TravelSpec::Mode::osrm;
    t.osrm.url = *url;
    if (url->rfind("http://", 0) != 0) {
      o->error("osrm", "must be a URL http://host:port (no https: see docs/TRAVEL.md)");
    } else if (!options.osrm) {
      o->error("osrm", "OSRM is not available here");
    }
  }
  if (auto p = o->string("profile", Need::optional, 32)) {
    if (!o->has("osrm")) o->error("profile", "goes with osrm");
    const bool plain = std::all_of(p->begin(), p->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!plain) o->error("profile", "must be a profile name such as \"driving\"");
    t.osrm.profile = *p;
  }
  o->finish({"model", "circuity", "speed_short_kmh", "speed_medium_kmh", "speed_long_kmh",
             "short_band_km", "medium_band_km", "fixed_seconds", "matrix", "matrix_file", "osrm",
             "profile"});
  return t;
}

MatrixLocations locations_of(const std::vector<Place>& places, const plan::RoadModel& road) {
  MatrixLocations m;
  m.size = static_cast<int>(places.size());
  m.road = road;
  for (std::size_t i = 0; i < places.size(); ++i) {
    for (const auto& k : places[i].keys) m.keys.emplace(k, static_cast<int>(i));
    m.names.push_back(places[i].keys.empty() ? places[i].name : places[i].keys.front());
    m.points.push_back(places[i].point);
  }
  return m;
}

plan::Matrix build_travel(const TravelSpec& t, const LoadedProblem& out,
                          const ReadOptions& options) {
  const auto locs = locations_of(out.places, t.road);
  switch (t.mode) {
    case TravelSpec::Mode::road:
      return plan::road_matrix(t.road, locs.points);
    case TravelSpec::Mode::matrix:
      return matrix_from_json(*t.matrix, locs, "travel.matrix");
    case TravelSpec::Mode::matrix_file:
      return read_matrix_file(options.base_dir / t.file, locs);
    case TravelSpec::Mode::osrm: {
      auto m = options.osrm(t.osrm, locs.points);
      if (m.size() != locs.size) {
        throw core::Error(ErrorCode::upstream, "OSRM answered a matrix of the wrong size");
      }
      return m;
    }
  }
  return {};
}

std::string text_position(std::string_view text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

LoadedProblem read_problem(const boost::json::value& value, const ReadOptions& options) {
  Errors errors;
  LoadedProblem out;
  Obj root(value, "", errors);
  if (!root.ok()) throw core::Error(ErrorCode::validation, "invalid planning problem", errors);
  const auto& limits = options.limits;

  const Horizon h = read_horizon(root, limits);
  out.problem.weights = read_costs(root);
  PlaceBook book(errors);
  std::unordered_map<std::string, int> rep_index;
  read_reps(root, h, limits, out, book, rep_index);

  Groups groups;
  if (const auto* visits =
          root.array("visits", Need::required, static_cast<std::size_t>(limits.max_visits))) {
    std::unordered_map<std::string, std::size_t> visit_ids;
    for (std::size_t i = 0; i < visits->size(); ++i) {
      Obj v((*visits)[i], at("visits", i), errors);
      if (!v.ok()) continue;
      read_visit(v, i, h, out, book, rep_index, visit_ids, groups);
    }
  }
  const TravelSpec travel = read_travel(root, options);
  root.finish({"horizon", "costs", "reps", "visits", "travel"});

  if (book.places().size() > static_cast<std::size_t>(limits.max_locations)) {
    errors.push_back({"visits",
                      "the problem has " + std::to_string(book.places().size()) +
                          " distinct places, at most " + std::to_string(limits.max_locations) +
                          " are accepted",
                      0});
  }
  if (!errors.empty()) {
    const auto n = errors.size();
    throw core::Error(
        ErrorCode::validation,
        "invalid planning problem: " + std::to_string(n) + (n == 1 ? " problem" : " problems"),
        std::move(errors));
  }

  out.problem.groups = std::move(groups.list);
  out.problem.days = static_cast<int>(h.days.size());
  out.date_days = h.days;
  for (const auto d : h.days) out.dates.push_back(core::format_date_days(d));
  out.time_zone = h.time_zone;
  out.places = std::move(book.places());
  static constexpr std::array<const char*, 4> SOURCES = {"road", "matrix", "matrix_file", "osrm"};
  out.travel_source = SOURCES[static_cast<std::size_t>(travel.mode)];
  if (options.build_travel) out.problem.travel = build_travel(travel, out, options);
  return out;
}

LoadedProblem read_problem_file(const std::filesystem::path& path, ReadOptions options) {
  constexpr std::uintmax_t MAX_BYTES = 64u << 20;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > MAX_BYTES) {
    throw core::Error(ErrorCode::validation, "cannot read the problem " + path.string(),
                      {{"input", ec ? ec.message() : "must be at most 64 MiB", 0}});
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  std::ifstream in(path, std::ios::binary);
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    throw core::Error(ErrorCode::validation, "cannot read the problem " + path.string(),
                      {{"input", "read failed", 0}});
  }
  json::parse_options opt;
  opt.max_depth = 20;
  json::parser p({}, opt);
  json::error_code jec;
  const std::size_t used = p.write_some(text.data(), text.size(), jec);
  if (!jec && text.find_first_not_of(" \t\r\n", used) != std::string::npos) {
    jec = json::error::extra_data;
  }
  if (jec) {
    throw core::Error(ErrorCode::bad_json, path.string() + " is not valid JSON (" +
                                               text_position(text, used) + "): " + jec.message());
  }
  if (options.base_dir.empty()) options.base_dir = path.parent_path();
  return read_problem(p.release(), options);
}

MatrixLocations matrix_locations(const LoadedProblem& loaded, const plan::RoadModel& road) {
  return locations_of(loaded.places, road);
}

}  // namespace boucle::planio
