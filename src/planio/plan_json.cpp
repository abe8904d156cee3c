#include "planio/plan_json.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "core/time.hpp"

namespace boucle::planio {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 7> WEEKDAYS = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
constexpr std::size_t LINE_WIDTH = 100;

// `v` rounded to 1/scale (scale a power of ten); dividing by the scale last gives the double
// nearest to the decimal, which prints as written (12.34, not 12.340000000000002). No -0.
double decimal(double v, double scale) {
  const double r = std::round(v * scale) / scale;
  return r == 0 ? 0.0 : r;
}
double euros(const LoadedProblem& lp, plan::Cost c) {
  return decimal(static_cast<double>(c) / static_cast<double>(lp.cost_per_euro), 100);
}
double km(plan::Distance metres) { return decimal(static_cast<double>(metres) / 1000.0, 10); }
double hours(plan::Time seconds) { return decimal(static_cast<double>(seconds) / 3600.0, 100); }
std::int64_t minutes(plan::Time seconds) {
  return std::llround(static_cast<double>(seconds) / 60.0);
}

// Local wall-clock time of the day, truncated to the minute.
std::string clock(plan::Time seconds) {
  return core::format_hhmm(static_cast<core::MinuteOfDay>(std::max<plan::Time>(seconds, 0) / 60));
}

std::string_view kind_name(plan::VisitKind k) {
  switch (k) {
    case plan::VisitKind::optional:
      return "optional";
    case plan::VisitKind::mandatory:
      return "mandatory";
    case plan::VisitKind::appointment:
      return "appointment";
  }
  return "optional";
}

bool is_mandatory(plan::VisitKind k) { return k != plan::VisitKind::optional; }

const plan::Rep& rep_of(const LoadedProblem& lp, int rep) {
  return lp.problem.reps[static_cast<std::size_t>(rep)];
}

// Where a day starts or ends, as the rep knows it.
json::object place_json(const LoadedProblem& lp, const plan::Route& route, plan::Location loc,
                        bool is_end) {
  const auto& rep = rep_of(lp, route.rep);
  const auto& place = lp.places[static_cast<std::size_t>(loc)];
  const bool last_day = route.day == lp.problem.days - 1;
  if (loc == rep.home) return {{"place", "home"}};
  if (is_end && last_day && loc == rep.final_location) return {{"place", "final"}};
  const auto& hotels = rep.overnight.hotels;
  if (std::find(hotels.begin(), hotels.end(), loc) != hotels.end()) {
    return {{"place", "hotel"}, {"name", place.name}};
  }
  if (place.kind == Place::Kind::store) return {{"place", "near_last_visit"}, {"name", place.name}};
  if (loc == rep.final_location) return {{"place", "final"}};
  return {{"place", place.kind == Place::Kind::hotel ? "hotel" : "other"}, {"name", place.name}};
}

json::object stop_json(const LoadedProblem& lp, const plan::Stop& stop) {
  const auto& visit = lp.problem.visits[static_cast<std::size_t>(stop.visit)];
  json::object o;
  o["visit"] = visit.id;
  o["store"] = lp.stores[static_cast<std::size_t>(stop.visit)];
  o["arrival"] = clock(stop.arrival);
  o["start"] = clock(stop.start);
  o["end"] = clock(stop.end);
  o["kind"] = kind_name(visit.kind);
  if (visit.type == plan::VisitType::deep) o["type"] = "deep";
  if (visit.type == plan::VisitType::quick) o["type"] = "quick";
  o["prize_eur"] = euros(lp, visit.prize);
  return o;
}

json::object route_json(const LoadedProblem& lp, const plan::Route& route) {
  const auto& rep = rep_of(lp, route.rep);
  const auto day = static_cast<std::size_t>(route.day);
  json::object o;
  o["rep"] = rep.id;
  o["date"] = lp.dates[day];
  o["weekday"] = WEEKDAYS[static_cast<std::size_t>(((lp.date_days[day] % 7) + 7 + 3) % 7)];
  o["start"] = place_json(lp, route, route.start_location, false);
  o["end"] = place_json(lp, route, route.end_location, true);
  o["depart"] = clock(route.depart);
  o["back"] = clock(route.back);
  o["km"] = km(route.distance);
  o["drive_minutes"] = minutes(route.drive);
  o["work_minutes"] = minutes(route.work);
  if (route.has_lunch) {
    json::object lunch;
    lunch["after_stop"] = route.lunch_after;
    lunch["start"] = clock(route.lunch_start);
    if (day < rep.shifts.size() && rep.shifts[day].lunch) {
      lunch["minutes"] = minutes(rep.shifts[day].lunch->duration);
    }
    o["lunch"] = std::move(lunch);
  }
  json::array stops;
  for (const auto& s : route.stops) stops.push_back(stop_json(lp, s));
  o["stops"] = std::move(stops);
  return o;
}

void append_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, ec == std::errc() ? end : buf);
}

void write_compact(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, x] : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        out += json::serialize(json::string_view(k));
        out += ": ";
        write_compact(x, out);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& x : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        write_compact(x, out);
      }
      out += ']';
      return;
    }
    case json::kind::double_:
      append_number(out, v.get_double());
      return;
    default:
      out += json::serialize(v);
  }
}

void write_pretty(const json::value& v, std::string& out, std::size_t indent, std::size_t column) {
  std::string compact;
  write_compact(v, compact);
  const bool container = v.is_object() || v.is_array();
  if (!container || column + compact.size() <= LINE_WIDTH) {
    out += compact;
    return;
  }
  const std::string inner(indent + 2, ' ');
  if (v.is_object()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, x] : v.get_object()) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      const std::string key = json::serialize(json::string_view(k));
      out += key;
      out += ": ";
      write_pretty(x, out, indent + 2, indent + 2 + key.size() + 2);
    }
  } else {
    out += "[\n";
    bool first = true;
    for (const auto& x : v.get_array()) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      write_pretty(x, out, indent + 2, indent + 2);
    }
  }
  out += '\n';
  out.append(indent, ' ');
  out += v.is_object() ? '}' : ']';
}

}  // namespace

std::string reason_text(plan::Reason reason) {
  switch (reason) {
    case plan::Reason::closed:
      return "The store is closed, or the visit not allowed, on every day its rep works.";
    case plan::Reason::unreachable:
      return "Too far: even alone on an empty day it would not fit the working hours or the "
             "driving limit.";
    case plan::Reason::frequency:
      return "The store already has as many visits as its frequency allows.";
    case plan::Reason::no_time_left:
      return "It would fit on an empty day, but every day is filled with visits worth more.";
    case plan::Reason::not_worth_detour:
      return "Its prize is lower than the cost of the detour to make it.";
    case plan::Reason::locked_elsewhere:
      return "It is locked on a rep and day where it cannot fit.";
  }
  return "Not planned.";
}

boost::json::value plan_to_json(const LoadedProblem& lp, const plan::Solution& solution,
                                const plan::SolveStats& stats, const PlanJsonOptions& options) {
  std::vector<const plan::Route*> routes;
  for (const auto& r : solution.routes) routes.push_back(&r);
  std::stable_sort(routes.begin(), routes.end(), [](const plan::Route* a, const plan::Route* b) {
    return std::tie(a->rep, a->day) < std::tie(b->rep, b->day);
  });

  json::array routes_json, nights;
  std::int64_t planned = 0;
  plan::Distance distance = 0;
  plan::Time drive = 0, work = 0;
  for (const auto* r : routes) {
    routes_json.push_back(route_json(lp, *r));
    planned += static_cast<std::int64_t>(r->stops.size());
    distance += r->distance;
    drive += r->drive;
    work += r->work;
    const auto& rep = rep_of(lp, r->rep);
    if (r->day < lp.problem.days - 1 && r->end_location != rep.home) {
      json::object night{{"rep", rep.id}, {"date", lp.dates[static_cast<std::size_t>(r->day)]}};
      for (const auto& [k, v] : place_json(lp, *r, r->end_location, true)) night[k] = v;
      night["cost_eur"] = euros(lp, rep.overnight.cost_per_night);
      nights.push_back(std::move(night));
    }
  }

  std::vector<plan::Unplanned> unplanned_sorted = solution.unplanned;
  std::stable_sort(
      unplanned_sorted.begin(), unplanned_sorted.end(),
      [](const plan::Unplanned& a, const plan::Unplanned& b) { return a.visit < b.visit; });
  json::array unplanned;
  for (const auto& u : unplanned_sorted) {
    const auto& visit = lp.problem.visits[static_cast<std::size_t>(u.visit)];
    json::object o;
    o["visit"] = visit.id;
    o["store"] = lp.stores[static_cast<std::size_t>(u.visit)];
    o["kind"] = kind_name(visit.kind);
    o["prize_eur"] = euros(lp, visit.prize);
    o["reason"] = plan::to_string(u.reason);
    std::string text = reason_text(u.reason);
    if (u.reason == plan::Reason::locked_elsewhere && visit.lock) {
      text = "It is locked on " + rep_of(lp, visit.lock->rep).id + " on " +
             lp.dates[static_cast<std::size_t>(visit.lock->day)] + ", where it cannot fit.";
    }
    if (is_mandatory(visit.kind)) text = "Mandatory, yet not planned. " + text;
    o["text"] = std::move(text);
    unplanned.push_back(std::move(o));
  }

  const auto& obj = solution.objective;
  json::object objective;
  objective["mandatory_planned"] = obj.mandatory_planned;
  objective["mandatory_total"] = obj.mandatory_total;
  objective["routes"] = obj.routes;
  objective["value_eur"] = euros(lp, obj.value);
  objective["prizes_eur"] = euros(lp, obj.prizes);
  objective["travel_cost_eur"] = euros(lp, obj.travel_cost);
  objective["hotel_cost_eur"] = euros(lp, obj.hotel_cost);
  objective["penalties_eur"] = euros(lp, obj.penalties);

  json::object totals;
  totals["visits_planned"] = planned;
  totals["visits_unplanned"] = unplanned.size();
  totals["km"] = km(distance);
  totals["drive_hours"] = hours(drive);
  totals["work_hours"] = hours(work);
  totals["nights_away"] = nights.size();

  json::object stats_json;
  stats_json["iterations"] = stats.iterations;
  if (options.timing) stats_json["seconds"] = decimal(stats.seconds, 1000);

  json::array dates;
  for (const auto& d : lp.dates) dates.emplace_back(d);
  json::object out;
  out["time_zone"] = lp.time_zone;
  out["dates"] = std::move(dates);
  out["objective"] = std::move(objective);
  out["totals"] = std::move(totals);
  out["routes"] = std::move(routes_json);
  out["nights"] = std::move(nights);
  out["unplanned"] = std::move(unplanned);
  out["stats"] = std::move(stats_json);
  return out;
}

std::string to_pretty_json(const boost::json::value& value) {
  std::string out;
  write_pretty(value, out, 0, 0);
  out += '\n';
  return out;
}

}  // namespace boucle::planio
