#include "sim/scenario.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/time.hpp"

namespace boucle::sim {

namespace json = boost::json;

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw std::invalid_argument(path + ": " + message);
}

// One JSON object read field by field; whatever was not read is an unknown field.
class Reader {
 public:
  Reader(const json::object& o, std::string path) : o_(o), path_(std::move(path)) {}

  std::string at(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const json::value* find(std::string_view key) {
    seen_.insert(std::string(key));
    return o_.if_contains(key);
  }

  void number(std::string_view key, double& out, double lo, double hi) {
    if (const auto* v = find(key)) {
      if (!v->is_number()) fail(at(key), "must be a number");
      const double x = v->to_number<double>();
      if (!(x >= lo && x <= hi)) fail(at(key), "must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
      out = x;
    }
  }

  template <typename Int>
  void integer(std::string_view key, Int& out, std::int64_t lo, std::int64_t hi) {
    if (const auto* v = find(key)) {
      std::int64_t x = 0;
      if (v->is_int64()) {
        x = v->as_int64();
      } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        x = static_cast<std::int64_t>(v->as_uint64());
      } else {
        fail(at(key), "must be an integer");
      }
      if (x < lo || x > hi) {
        fail(at(key), "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      }
      out = static_cast<Int>(x);
    }
  }

  void string(std::string_view key, std::string& out) {
    if (const auto* v = find(key)) {
      if (!v->is_string()) fail(at(key), "must be a string");
      out = std::string(v->as_string());
    }
  }

  void strings(std::string_view key, std::vector<std::string>& out) {
    if (const auto* v = find(key)) {
      if (!v->is_array()) fail(at(key), "must be an array of strings");
      std::vector<std::string> items;
      for (const auto& item : v->as_array()) {
        if (!item.is_string()) fail(at(key), "must be an array of strings");
        items.emplace_back(item.as_string());
      }
      out = std::move(items);
    }
  }

  void boolean(std::string_view key, bool& out) {
    if (const auto* v = find(key)) {
      if (!v->is_bool()) fail(at(key), "must be true or false");
      out = v->as_bool();
    }
  }

  void object(std::string_view key, const std::function<void(Reader&)>& fn) {
    if (const auto* v = find(key)) {
      if (!v->is_object()) fail(at(key), "must be an object");
      Reader inner(v->as_object(), at(key));
      fn(inner);
      inner.finish();
    }
  }

  void finish() const {
    for (const auto& kv : o_) {
      if (!seen_.contains(std::string(kv.key()))) fail(at(kv.key()), "is not a known field");
    }
  }

 private:
  static std::string fmt(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
  }

  const json::object& o_;
  std::string path_;
  std::set<std::string> seen_;
};

}  // namespace

Scenario scenario_from_json(const json::object& o) {
  Scenario s;
  Reader r(o, "");
  r.string("name", s.name);
  r.integer("seed", s.seed, 0, INT64_MAX);
  r.strings("area", s.area);
  r.integer("stores", s.stores, 1, 100'000);
  r.integer("reps", s.reps, 1, 500);
  r.integer("weeks", s.weeks, 1, 520);
  r.string("start", s.start);
  if (!core::is_valid_date(s.start) || !core::is_monday(s.start)) {
    fail("start", "must be a Monday, YYYY-MM-DD");
  }
  r.strings("ranges", s.ranges);
  r.string("new_range", s.new_range);
  r.object("truth", [&](Reader& t) {
    auto& p = s.truth;
    t.number("potential_noise", p.potential_noise, 0, 3);
    t.number("unresponsive_share", p.unresponsive_share, 0, 1);
    t.number("responsiveness_sd", p.responsiveness_sd, 0, 3);
    t.number("relationship_mean", p.relationship_mean, 0, 1);
    t.number("initial_presence", p.initial_presence, 0, 1);
    t.number("delist_hazard", p.delist_hazard, 0, 1);
    t.number("oos_hazard", p.oos_hazard, 0, 1);
    t.number("oos_recovery", p.oos_recovery, 0, 1);
    t.number("self_listing", p.self_listing, 0, 1);
  });
  r.object("actions", [&](Reader& a) {
    auto& p = s.actions;
    a.number("place_new", p.place_new, 0, 1);
    a.number("relist", p.relist, 0, 1);
    a.number("fix_oos", p.fix_oos, 0, 1);
    a.number("win_facings", p.win_facings, 0, 1);
    a.number("promotion", p.promotion, 0, 1);
    a.number("take_order", p.take_order, 0, 1);
  });
  r.object("dynamics", [&](Reader& d) {
    auto& p = s.dynamics;
    d.number("noise_sd", p.noise_sd, 0, 3);
    d.number("facings_elasticity", p.facings_elasticity, 0, 2);
    d.number("promo_lift", p.promo_lift, 0, 10);
    d.integer("promo_weeks", p.promo_weeks, 1, 12);
    d.number("oos_lost_share", p.oos_lost_share, 0, 1);
    d.number("care_decay", p.care_decay, 0, 1);
    d.number("care_protection", p.care_protection, 0, 1);
    d.number("order_cover_weeks", p.order_cover_weeks, 0, 12);
    d.number("facings_decay", p.facings_decay, 0, 1);
  });
  r.object("regime_change", [&](Reader& g) {
    auto& p = s.regime;
    g.integer("week", p.week, -1, 520);
    g.number("new_range_demand", p.new_range_demand, 0, 10);
    g.number("delist_factor", p.delist_factor, 0, 10);
    g.number("reshuffle_share", p.reshuffle_share, 0, 1);
  });
  r.object("execution", [&](Reader& e) {
    auto& p = s.execution;
    e.number("cancel_rate", p.cancel_rate, 0, 1);
    e.number("closed_rate", p.closed_rate, 0, 1);
    e.number("delay_minutes", p.delay_minutes, 0, 120);
  });
  r.object("observation", [&](Reader& b) {
    auto& p = s.observation;
    b.integer("erp_lag_weeks", p.erp_lag_weeks, 0, 8);
    b.number("audit_facings_sd", p.audit_facings_sd, 0, 2);
    b.number("audit_miss_rate", p.audit_miss_rate, 0, 0.5);
  });
  r.object("economics", [&](Reader& e) {
    auto& p = s.economics;
    e.number("margin_rate", p.margin_rate, 0, 1);
    e.number("euro_per_km", p.euro_per_km, 0, 100);
    e.number("euro_per_hour", p.euro_per_hour, 0, 10'000);
  });
  r.object("planner", [&](Reader& p) {
    p.integer("days", s.planner.days, 1, 7);
    p.integer("iterations", s.planner.iterations, 1, 1'000'000);
  });
  r.object("policy",
           [&](Reader& p) { p.integer("frequency_weeks", s.policy.frequency_weeks, 1, 52); });
  r.object("campaign", [&](Reader& c) {
    auto& p = s.campaign;
    c.boolean("enabled", p.enabled);
    c.string("expression", p.expression);
    c.integer("start_week", p.start_week, 0, 520);
    c.integer("weeks", p.weeks, 1, 520);
    c.number("goal", p.goal, 0, 100);
    c.number("visit_value_eur", p.visit_value_eur, 0, 10'000);
    c.number("control_share", p.control_share, 0, 0.5);
  });
  r.finish();
  if (s.ranges.empty()) fail("ranges", "must name at least one range");
  if (std::find(s.ranges.begin(), s.ranges.end(), s.new_range) == s.ranges.end()) {
    fail("new_range", "must be one of `ranges`");
  }
  if (s.reps > s.stores) fail("reps", "must not exceed the number of stores");
  return s;
}

Scenario scenario_from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(buffer.str(), ec);
  if (ec) throw std::invalid_argument(path + ": not JSON (" + ec.message() + ")");
  if (!v.is_object()) throw std::invalid_argument(path + ": must be a JSON object");
  return scenario_from_json(v.as_object());
}

json::object to_json(const Scenario& s) {
  json::array area, ranges;
  for (const auto& a : s.area) area.emplace_back(a);
  for (const auto& r : s.ranges) ranges.emplace_back(r);
  const auto& t = s.truth;
  const auto& a = s.actions;
  const auto& d = s.dynamics;
  const auto& g = s.regime;
  const auto& e = s.execution;
  const auto& b = s.observation;
  const auto& m = s.economics;
  return json::object{
      {"name", s.name},
      {"seed", s.seed},
      {"area", std::move(area)},
      {"stores", s.stores},
      {"reps", s.reps},
      {"weeks", s.weeks},
      {"start", s.start},
      {"ranges", std::move(ranges)},
      {"new_range", s.new_range},
      {"truth",
       {{"potential_noise", t.potential_noise},
        {"unresponsive_share", t.unresponsive_share},
        {"responsiveness_sd", t.responsiveness_sd},
        {"relationship_mean", t.relationship_mean},
        {"initial_presence", t.initial_presence},
        {"delist_hazard", t.delist_hazard},
        {"oos_hazard", t.oos_hazard},
        {"oos_recovery", t.oos_recovery},
        {"self_listing", t.self_listing}}},
      {"actions",
       {{"place_new", a.place_new},
        {"relist", a.relist},
        {"fix_oos", a.fix_oos},
        {"win_facings", a.win_facings},
        {"promotion", a.promotion},
        {"take_order", a.take_order}}},
      {"dynamics",
       {{"noise_sd", d.noise_sd},
        {"facings_elasticity", d.facings_elasticity},
        {"promo_lift", d.promo_lift},
        {"promo_weeks", d.promo_weeks},
        {"oos_lost_share", d.oos_lost_share},
        {"care_decay", d.care_decay},
        {"care_protection", d.care_protection},
        {"order_cover_weeks", d.order_cover_weeks},
        {"facings_decay", d.facings_decay}}},
      {"regime_change",
       {{"week", g.week},
        {"new_range_demand", g.new_range_demand},
        {"delist_factor", g.delist_factor},
        {"reshuffle_share", g.reshuffle_share}}},
      {"execution",
       {{"cancel_rate", e.cancel_rate},
        {"closed_rate", e.closed_rate},
        {"delay_minutes", e.delay_minutes}}},
      {"observation",
       {{"erp_lag_weeks", b.erp_lag_weeks},
        {"audit_facings_sd", b.audit_facings_sd},
        {"audit_miss_rate", b.audit_miss_rate}}},
      {"economics",
       {{"margin_rate", m.margin_rate},
        {"euro_per_km", m.euro_per_km},
        {"euro_per_hour", m.euro_per_hour}}},
      {"planner", {{"days", s.planner.days}, {"iterations", s.planner.iterations}}},
      {"policy", {{"frequency_weeks", s.policy.frequency_weeks}}},
      {"campaign",
       {{"enabled", s.campaign.enabled},
        {"expression", s.campaign.expression},
        {"start_week", s.campaign.start_week},
        {"weeks", s.campaign.weeks},
        {"goal", s.campaign.goal},
        {"visit_value_eur", s.campaign.visit_value_eur},
        {"control_share", s.campaign.control_share}}},
  };
}

}  // namespace boucle::sim
