#include "api/plans.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "api/app.hpp"
#include "api/json_input.hpp"
#include "core/assert.hpp"
#include "core/time.hpp"
#include "plan/replan.hpp"
#include "plan/solver.hpp"
#include "plan/travel.hpp"
#include "plan/validate.hpp"

// Plans: POST builds a draft from the database and the planner, publish turns its stops into
// planned visits (superseding an overlapping published plan), PATCH re-plans the rest of a day
// after a change in the field. The rules that turn stores into prizes and durations are the
// constants and functions at the top; docs/API.md ("Plans") states them for users.
namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Id;
using core::MicroEuros;
using core::UnixSeconds;
namespace json = boost::json;

namespace {

constexpr MicroEuros EURO = 1'000'000;
constexpr MicroEuros PER_METRE = 300;    // 0.30 € per km
constexpr MicroEuros PER_SECOND = 6944;  // 25 € per hour of driving
constexpr MicroEuros HOTEL_PER_NIGHT = 90 * EURO;
constexpr MicroEuros MIX_PENALTY = 5 * EURO;         // a day whose visits are all deep or all quick
constexpr MicroEuros OVERDUE_BONUS = 20 * EURO;      // on top of the prize of an overdue store
constexpr core::Metres HOTEL_MIN_DISTANCE = 60'000;  // no night away nearer home than this
constexpr int MAX_DAYS = 14;
constexpr int MAX_COPIES = 4;      // visits of one store in one period
constexpr int MAX_STORES = 2'000;  // stores of one rep a plan considers
constexpr int MAX_LOCKS = 100;
constexpr int MAX_FIELD_IDS = 200;          // done / cancelled / urgent lists of a re-plan
constexpr double MAX_PRIORITY_EUR = 1e6;    // value of one prioritised visit
constexpr std::size_t MAX_WHY_CHARS = 200;  // a priority's reason, in characters
constexpr std::int64_t MIN_VISIT_MINUTES = 5;
constexpr std::int64_t MAX_VISIT_MINUTES = 480;
constexpr std::string_view DEFAULT_TIMEZONE = "Europe/Paris";
// The unplanned reason of a stop cancelled in the field (the planner's reasons are plan::Reason).
constexpr std::string_view CANCELLED = "cancelled";

// Time and type of a visit by channel: big stores get a deep visit (full audit, order,
// negotiation), small ones a quick win.
struct Profile {
  core::VisitType type;
  int minutes;
};

Profile profile_of(core::Channel c) {
  switch (c) {
    case core::Channel::hyper:
      return {core::VisitType::deep, 60};
    case core::Channel::super:
      return {core::VisitType::deep, 40};
    case core::Channel::cash_carry:
      return {core::VisitType::deep, 45};
    case core::Channel::specialist:
      return {core::VisitType::quick, 30};
    case core::Channel::proxi:
    case core::Channel::drive:
    case core::Channel::other:
      return {core::VisitType::quick, 20};
  }
  return {core::VisitType::quick, 20};
}

// Time zones ------------------------------------------------------------------------------------

const date::time_zone* zone_of(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    // Stores' zones are checked when written; a zone that vanished from tzdata is a bug here.
    throw Error(ErrorCode::internal, "unknown time zone " + name);
  }
}

// The instant of local wall-clock `minute` (0..1440) of civil day `day` in zone `z`. A time in a
// spring-forward gap maps to the transition; an ambiguous autumn time to its first occurrence.
UnixSeconds local_instant(const date::time_zone* z, std::int64_t day, std::int64_t minute) {
  const auto local = date::local_days{date::days{day}} + std::chrono::minutes{minute};
  return date::floor<std::chrono::seconds>(z->to_sys(local, date::choose::earliest))
      .time_since_epoch()
      .count();
}

std::int64_t local_day_of(const date::time_zone* z, UnixSeconds t) {
  const auto local = z->to_local(date::sys_seconds{std::chrono::seconds{t}});
  return date::floor<date::days>(local).time_since_epoch().count();
}

// RFC 3339 with the zone's offset at that instant: "2026-11-30T09:00:00+01:00".
std::string format_local(const date::time_zone* z, UnixSeconds t) {
  const date::zoned_seconds zt{z, date::sys_seconds{std::chrono::seconds{t}}};
  return date::format("%FT%T%Ez", zt);
}

std::string format_clock(const date::time_zone* z, UnixSeconds t) {
  const date::zoned_seconds zt{z, date::sys_seconds{std::chrono::seconds{t}}};
  return date::format("%H:%M", zt);
}

int weekday_index(std::int64_t day) {  // 0 = Monday, as in core::WeeklyHours
  return static_cast<int>(date::weekday{date::sys_days{date::days{day}}}.iso_encoding()) - 1;
}

// Prizes ----------------------------------------------------------------------------------------

// What a visit is worth, in micro-euros, until the decision AI exists (SPEC §7):
//   base = 20 € + 40 € × potential / (the rep's largest potential)  (30 € when none is set);
//   due  = days since the last visit / visit_frequency_days, 2 when never visited;
//   prize of the first visit = base × clamp(due, 0.25, 3) (+ 20 € when overdue, due > 1);
//   prize of a repeat visit in the same period = base.
MicroEuros base_value(double potential, double max_potential) {
  if (max_potential <= 0) return 30 * EURO;
  const double share = std::clamp(potential / max_potential, 0.0, 1.0);
  return static_cast<MicroEuros>(std::llround((20.0 + 40.0 * share) * EURO));
}

struct Due {
  std::optional<std::int64_t> days_since;  // at the first day of the period; none: never visited
  int frequency = 28;

  double ratio() const {
    return days_since ? static_cast<double>(*days_since) / std::max(frequency, 1) : 2.0;
  }
  bool overdue() const { return !days_since || *days_since > frequency; }
};

MicroEuros first_prize(MicroEuros base, const Due& due) {
  const double f = std::clamp(due.ratio(), 0.25, 3.0);
  return static_cast<MicroEuros>(std::llround(static_cast<double>(base) * f)) +
         (due.overdue() ? OVERDUE_BONUS : 0);
}

std::string due_text(const Due& due) {
  if (!due.days_since) return "never visited";
  const auto late = *due.days_since - due.frequency;
  if (late > 0) return "overdue by " + std::to_string(late) + (late == 1 ? " day" : " days");
  if (late == 0) return "due today";
  return "due in " + std::to_string(-late) + (late == -1 ? " day" : " days");
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

// Gathering the input ---------------------------------------------------------------------------

struct LockRequest {
  std::size_t index = 0;  // in the body's "locked" array
  Id store_id = 0;
  int day = 0;
};

// A store the caller wants visited (campaigns, the decision AI, the simulator's policies): when
// a request lists priorities, they replace the built-in prizes and frequency rules.
struct PriorityRequest {
  std::size_t index = 0;  // in the body's "priorities" array
  Id store_id = 0;
  MicroEuros prize = 0;
  std::string why;
  std::optional<core::VisitType> type;  // default: the store's profile
  std::optional<int> minutes;           // default: the store's profile
};

std::vector<core::Store> territory(storage::Tx& tx, Id rep_id) {
  std::vector<core::Store> out;
  storage::Page page{0, 500};
  while (true) {
    auto r = tx.stores(storage::StoreFilter{rep_id, std::nullopt}, storage::Scope{}, page);
    for (auto& s : r.items) out.push_back(std::move(s));
    if (static_cast<int>(out.size()) > MAX_STORES) {
      throw Error(ErrorCode::infeasible,
                  "the rep has more than " + std::to_string(MAX_STORES) + " stores",
                  {{"rep_id", "has too many stores to plan at once"}});
    }
    if (!r.next_after) break;
    page.after = *r.next_after;
  }
  return out;
}

// The most common zone of the rep's stores (the rep works where the stores are).
std::string plan_timezone(const std::vector<core::Store>& stores) {
  std::map<std::string, int> count;
  for (const auto& s : stores) ++count[s.timezone];
  std::string best(DEFAULT_TIMEZONE);
  int best_count = 0;
  for (const auto& [zone, n] : count) {
    if (n > best_count) best = zone, best_count = n;
  }
  return best;
}

// What active campaigns add to the first visit of each member store they work on (control
// stores are held back): the sum of the visit values of the campaigns running during the
// period, and a reason naming them.
std::map<Id, std::pair<MicroEuros, std::string>> campaign_values(storage::Tx& tx,
                                                                 std::int64_t start_day,
                                                                 int days) {
  std::map<Id, std::pair<MicroEuros, std::string>> out;
  const std::string first = core::format_date_days(start_day);
  const std::string last = core::format_date_days(start_day + days - 1);
  storage::Page page{0, 500};
  while (true) {
    auto r = tx.campaigns(page);
    for (const auto& c : r.items) {
      if (c.status != core::CampaignStatus::active || c.visit_value <= 0) continue;
      if (c.start_date > last || c.end_date < first) continue;
      for (Id store : tx.segment_member_ids(c.segment_id)) {
        if (in_control_group(c, store)) continue;
        auto& [value, why] = out[store];
        value += c.visit_value;
        why = join({why, "campaign " + c.name});
      }
    }
    if (!r.next_after) break;
    page.after = *r.next_after;
  }
  return out;
}

// Candidates: the rep's stores, their prizes and allowed days; appointments (planned visits no
// plan made) at their time; locked stores on their day. A store visited too recently to be due
// in the period is kept out of the problem with the reason "frequency".
// With `priorities`, the candidates are the prioritised stores (once each, their prize and why
// as given, no frequency rule), plus the appointments and locks of any store of the territory.
PlanningInput gather_input(storage::Tx& tx, const core::User& rep, std::int64_t start_day, int days,
                           const std::vector<LockRequest>& locks,
                           const std::optional<std::vector<PriorityRequest>>& priorities,
                           core::PlanParams params) {
  PlanningInput in;
  in.rep = rep;
  in.start_day = start_day;
  in.days = days;
  auto stores = territory(tx, rep.meta.id);
  params.timezone = plan_timezone(stores);
  in.params = params;
  const auto* zone = zone_of(params.timezone);
  const UnixSeconds from = local_instant(zone, start_day, 0);
  const UnixSeconds until = local_instant(zone, start_day + days, 0);

  std::map<Id, std::vector<core::Visit>> appointments;
  for (auto& v : tx.appointments(rep.meta.id, from, until)) {
    appointments[v.store_id].push_back(std::move(v));
  }
  std::map<Id, UnixSeconds> last;
  for (const auto& [store, at] : tx.last_visits(rep.meta.id)) last[store] = at;
  double max_potential = 0;
  for (const auto& s : stores) max_potential = std::max(max_potential, s.potential);

  std::vector<core::FieldError> errors;
  std::map<Id, const LockRequest*> locked;
  for (const auto& l : locks) {
    if (appointments.contains(l.store_id)) {
      errors.push_back({"locked[" + std::to_string(l.index) + "].store_id",
                        "has an appointment in this period, which fixes its day"});
    }
    locked[l.store_id] = &l;
  }
  if (!errors.empty()) throw Error(ErrorCode::validation, "invalid locks", errors);
  std::map<Id, const PriorityRequest*> prioritised;
  if (priorities) {
    for (const auto& p : *priorities) prioritised[p.store_id] = &p;
  }

  const auto campaign_bonus = campaign_values(tx, start_day, days);

  int next_group = 0;
  for (const auto& s : stores) {
    const PriorityRequest* priority = nullptr;
    if (auto it = prioritised.find(s.meta.id); it != prioritised.end()) priority = it->second;
    if (priorities && !priority && !appointments.contains(s.meta.id) &&
        !locked.contains(s.meta.id)) {
      continue;  // the caller chose the stores
    }
    Profile profile = profile_of(s.channel);
    if (priority && priority->type) profile.type = *priority->type;
    if (priority && priority->minutes) profile.minutes = *priority->minutes;
    const MicroEuros base = base_value(s.potential, max_potential);
    Due due;
    due.frequency = std::max(s.visit_frequency_days, 1);
    if (auto it = last.find(s.meta.id); it != last.end()) {
      due.days_since = std::max<std::int64_t>(0, start_day - local_day_of(zone, it->second));
    }
    const bool high = max_potential > 0 && s.potential >= 0.75 * max_potential;
    core::PlanCandidate c;
    c.store_id = s.meta.id;
    c.type = profile.type;
    c.duration_seconds = profile.minutes * 60;
    c.prize = priority ? priority->prize : first_prize(base, due);
    // Why the store is worth a visit: the caller's reason, or the built-in rules'.
    const std::string worth =
        priority ? priority->why : join({due_text(due), high ? "high potential" : ""});

    if (auto it = appointments.find(s.meta.id); it != appointments.end()) {
      for (const auto& v : it->second) {
        core::PlanCandidate a = c;
        a.kind = core::PlanVisitKind::appointment;
        a.type = v.type;
        a.appointment_visit_id = v.meta.id;
        a.appointment_at = v.planned_at;
        a.first_day = static_cast<int>(local_day_of(zone, *v.planned_at) - start_day);
        a.why = join({"appointment at " + format_clock(zone, *v.planned_at), worth});
        in.candidates.push_back(std::move(a));
      }
      continue;
    }
    if (auto it = locked.find(s.meta.id); it != locked.end()) {
      c.kind = core::PlanVisitKind::mandatory;
      c.locked_day = it->second->day;
      c.first_day = it->second->day;
      c.why = join({"locked on " + core::format_date_days(start_day + it->second->day), worth});
      in.candidates.push_back(std::move(c));
      continue;
    }
    if (priority) {
      c.why = priority->why;
      in.candidates.push_back(std::move(c));
      continue;
    }
    // Not sooner than three quarters of the frequency after the previous visit.
    const int gap = std::max(1, (3 * due.frequency + 3) / 4);
    const int earliest =
        due.days_since ? static_cast<int>(std::max<std::int64_t>(0, gap - *due.days_since)) : 0;
    if (earliest >= days) {
      c.prize = 0;
      c.first_day = earliest;
      c.unplanned_reason = "frequency";
      c.why = "visited " + std::to_string(*due.days_since) + " days ago; " + due_text(due);
      in.candidates.push_back(std::move(c));
      continue;
    }
    const int copies = std::min(MAX_COPIES, 1 + (days - 1 - earliest) / gap);
    const int group = copies > 1 ? next_group++ : -1;
    for (int k = 0; k < copies; ++k) {
      core::PlanCandidate copy = c;
      copy.first_day = earliest + k * gap;
      copy.group = group;
      copy.group_gap_days = copies > 1 ? gap : 0;
      if (k == 0) {
        copy.why = worth;
        // A campaign's member due a visit carries the campaign's value (SPEC §2).
        if (auto it = campaign_bonus.find(s.meta.id); it != campaign_bonus.end()) {
          copy.prize += it->second.first;
          copy.why = join({it->second.second, worth});
        }
      } else {
        copy.prize = base;
        copy.why = join({"repeat visit (every " + std::to_string(due.frequency) + " days)",
                         high ? "high potential" : ""});
      }
      in.candidates.push_back(std::move(copy));
    }
  }
  int index = 0;
  for (auto& c : in.candidates) {
    if (!c.unplanned_reason) c.visit_index = index++;
  }
  for (auto& s : stores) in.stores.emplace(s.meta.id, std::move(s));
  return in;
}

// Solution ↔ plan record ------------------------------------------------------------------------

plan::VisitKind to_plan(core::PlanVisitKind k) {
  switch (k) {
    case core::PlanVisitKind::optional:
      return plan::VisitKind::optional;
    case core::PlanVisitKind::mandatory:
      return plan::VisitKind::mandatory;
    case core::PlanVisitKind::appointment:
      return plan::VisitKind::appointment;
  }
  return plan::VisitKind::optional;
}

std::optional<plan::Reason> parse_reason(std::string_view s) {
  for (auto r : {plan::Reason::closed, plan::Reason::unreachable, plan::Reason::frequency,
                 plan::Reason::no_time_left, plan::Reason::not_worth_detour,
                 plan::Reason::locked_elsewhere}) {
    if (plan::to_string(r) == s) return r;
  }
  return std::nullopt;
}

int day_index(const PlanningInput& in, const std::string& date) {
  return static_cast<int>(core::parse_date_days(date).value_or(in.start_day) - in.start_day);
}

// Writes the solution's days, stops, reasons and objective into `p`. `previous` gives the start
// place of a day whose route now starts from the rep's field position.
void apply_solution(const PlanningInput& in, const BuiltProblem& b, const plan::Solution& sol,
                    core::Plan& p, const std::vector<core::PlanDay>& previous = {}) {
  p.candidates = in.candidates;
  for (auto& c : p.candidates) {
    if (c.visit_index) c.unplanned_reason.reset();
  }
  for (const auto& u : sol.unplanned) {
    auto& c = p.candidates[static_cast<std::size_t>(
        b.candidate_of_visit[static_cast<std::size_t>(u.visit)])];
    c.unplanned_reason = std::string(plan::to_string(u.reason));
  }
  auto routes = sol.routes;
  std::sort(routes.begin(), routes.end(),
            [](const plan::Route& x, const plan::Route& y) { return x.day < y.day; });
  p.routes.clear();
  p.stops.clear();
  int nights = 0;
  for (const auto& r : routes) {
    const auto midnight = b.midnight[static_cast<std::size_t>(r.day)];
    core::PlanDay d;
    d.date = core::format_date_days(in.start_day + r.day);
    d.depart_at = midnight + r.depart;
    d.back_at = midnight + r.back;
    if (b.field_location && r.start_location == *b.field_location) {
      for (const auto& old : previous) {
        if (old.date == d.date) d.start_store_id = old.start_store_id;
      }
    } else {
      d.start_store_id = b.location_store[static_cast<std::size_t>(r.start_location)];
    }
    d.end_store_id = b.location_store[static_cast<std::size_t>(r.end_location)];
    if (d.end_store_id) ++nights;
    d.has_lunch = r.has_lunch;
    d.lunch_after = r.lunch_after;
    d.lunch_start_at = midnight + r.lunch_start;
    const auto& lunch = b.problem.reps[0].shifts[static_cast<std::size_t>(r.day)].lunch;
    d.lunch_end_at = d.lunch_start_at + (lunch ? lunch->duration : 0);
    d.distance_m = static_cast<core::Metres>(r.distance);
    d.drive_seconds = r.drive;
    d.work_seconds = r.work;
    for (std::size_t i = 0; i < r.stops.size(); ++i) {
      const auto& s = r.stops[i];
      const int ci = b.candidate_of_visit[static_cast<std::size_t>(s.visit)];
      const auto& c = p.candidates[static_cast<std::size_t>(ci)];
      p.stops.push_back(core::PlanStop{d.date, static_cast<int>(i), ci, c.store_id, c.type, c.kind,
                                       midnight + s.arrival, midnight + s.start, midnight + s.end,
                                       c.locked_day.has_value(), false, std::nullopt});
    }
    p.routes.push_back(std::move(d));
  }
  const auto& o = sol.objective;
  p.objective.mandatory_planned = o.mandatory_planned;
  p.objective.mandatory_total = o.mandatory_total;
  p.objective.visits = static_cast<int>(p.stops.size());
  p.objective.nights_away = nights;
  p.objective.prizes = o.prizes;
  p.objective.travel_cost = o.travel_cost;
  p.objective.hotel_cost = o.hotel_cost;
  p.objective.penalties = o.penalties;
  p.objective.value = o.value;
  p.objective.distance_m = static_cast<core::Metres>(o.distance);
  p.objective.drive_seconds = o.drive;
}

// The stored plan as a solution of the rebuilt problem (for re-planning).
plan::Solution solution_of(const core::Plan& p, const PlanningInput& in, const BuiltProblem& b) {
  plan::Solution sol;
  auto location = [&](const std::optional<Id>& store) -> plan::Location {
    return store ? b.store_location.at(*store) : 0;
  };
  for (const auto& d : p.routes) {
    plan::Route r;
    r.rep = 0;
    r.day = day_index(in, d.date);
    const auto midnight = b.midnight[static_cast<std::size_t>(r.day)];
    r.start_location = location(d.start_store_id);
    r.end_location = location(d.end_store_id);
    r.depart = d.depart_at - midnight;
    r.back = d.back_at - midnight;
    r.lunch_after = d.lunch_after;
    r.lunch_start = d.lunch_start_at - midnight;
    r.has_lunch = d.has_lunch;
    r.distance = std::llround(d.distance_m);
    r.drive = d.drive_seconds;
    r.work = d.work_seconds;
    for (const auto& s : p.stops) {
      if (s.date != d.date) continue;
      const auto& c = p.candidates[static_cast<std::size_t>(s.candidate)];
      BOUCLE_ASSERT(c.visit_index.has_value(), "a stop's candidate is in the problem");
      r.stops.push_back(
          {*c.visit_index, s.arrival_at - midnight, s.start_at - midnight, s.end_at - midnight});
    }
    sol.routes.push_back(std::move(r));
  }
  for (const auto& c : p.candidates) {
    if (!c.visit_index || !c.unplanned_reason) continue;
    sol.unplanned.push_back(
        {*c.visit_index, parse_reason(*c.unplanned_reason).value_or(plan::Reason::no_time_left)});
  }
  sol.objective = plan::recompute_objective(b.problem, sol);
  return sol;
}

// A plan the independent validator refuses is never stored or shown: that is a planner bug.
void check_valid(const plan::Problem& problem, const plan::Solution& sol, Id rep_id,
                 std::string_view what) {
  const auto violations = plan::validate(problem, sol);
  if (violations.empty()) return;
  for (const auto& v : violations) {
    spdlog::error("{} for rep {}: the planner broke rule {}: {}", what, rep_id, v.rule, v.message);
  }
  throw Error(ErrorCode::internal,
              "the planner returned a plan that breaks its own rules; "
              "nothing was stored");
}

// A re-planned day is the morning's done stops, then a new route from the rep's position at
// `now`: it is not one chain from the day's start, so it is checked as what the planner solved,
// the rest of the day (plan::day_problem), with the full plan's other days unchanged.
void check_replan_valid(const plan::Problem& problem, const plan::Solution& current,
                        const plan::FieldState& state, const plan::Change& change,
                        const plan::Solution& result, Id rep_id) {
  const auto dp = plan::day_problem(problem, current, state, change);
  std::map<int, int> local;  // original visit → day-problem visit
  // The day problem may keep only the places it needs; `locations` maps its places back.
  std::map<plan::Location, plan::Location> place;
  for (std::size_t k = 0; k < dp.locations.size(); ++k) {
    place[dp.locations[k]] = static_cast<plan::Location>(k);
  }
  auto local_place = [&](plan::Location l) {
    auto it = place.find(l);
    return it == place.end() ? l : it->second;
  };
  for (std::size_t k = 0; k < dp.original.size(); ++k) local[dp.original[k]] = static_cast<int>(k);
  plan::Solution sub;
  std::set<int> planned;
  for (const auto& r : result.routes) {
    if (r.rep != state.rep || r.day != state.day) continue;
    plan::Route rest;
    rest.rep = 0;
    rest.day = 0;
    rest.start_location = local_place(state.location);
    rest.end_location = local_place(r.end_location);
    int done_stops = 0;
    for (const auto& st : r.stops) {
      if (std::find(state.done.begin(), state.done.end(), st.visit) != state.done.end()) {
        ++done_stops;
        continue;
      }
      auto it = local.find(st.visit);
      if (it == local.end()) {
        spdlog::error("re-plan for rep {}: stop of visit {} is not in the day problem", rep_id,
                      st.visit);
        throw Error(ErrorCode::internal,
                    "the planner returned a plan that breaks its own rules; "
                    "nothing was stored");
      }
      rest.stops.push_back({it->second, st.arrival, st.start, st.end});
      planned.insert(it->second);
    }
    if (rest.stops.empty()) break;
    rest.has_lunch = r.has_lunch;
    rest.lunch_after = r.lunch_after - done_stops;
    rest.lunch_start = r.lunch_start;
    const auto& shift = dp.problem.reps[0].shifts[0];
    const auto first = dp.problem.visits[static_cast<std::size_t>(rest.stops[0].visit)].location;
    rest.depart = rest.has_lunch && rest.lunch_after == 0
                      ? shift.start_earliest
                      : rest.stops[0].arrival - dp.problem.travel.time(rest.start_location, first);
    rest.back = r.back;
    rest.distance = r.distance;
    rest.drive = r.drive;
    rest.work = r.work;
    sub.routes.push_back(std::move(rest));
  }
  for (int k = 0; k < static_cast<int>(dp.problem.visits.size()); ++k) {
    if (planned.contains(k)) continue;
    plan::Reason reason = plan::Reason::no_time_left;
    for (const auto& u : result.unplanned) {
      if (u.visit == dp.original[static_cast<std::size_t>(k)]) reason = u.reason;
    }
    sub.unplanned.push_back({k, reason});
  }
  sub.objective = plan::recompute_objective(dp.problem, sub);
  check_valid(dp.problem, sub, rep_id, "re-plan");
}

template <typename F>
plan::Solution run_planner(Id rep_id, std::string_view what, F&& f) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    spdlog::error("{} for rep {} failed in the planner: {}", what, rep_id, e.what());
    throw Error(ErrorCode::internal, "the planner failed; nothing was stored");
  }
}

// JSON -----------------------------------------------------------------------------------------

double euros(MicroEuros m) { return std::round(static_cast<double>(m) / 1e4) / 100.0; }
double rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

json::value opt_id(const std::optional<Id>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

using StoreMap = std::map<Id, core::Store>;

json::value store_name(const StoreMap& stores, Id id) {
  auto it = stores.find(id);
  return it == stores.end() ? json::value(nullptr) : json::value(it->second.name);
}

json::object plan_json(const core::Plan& p, const StoreMap& stores, bool full) {
  const auto* zone = zone_of(p.params.timezone);
  const auto start_day = core::parse_date_days(p.start_date).value_or(0);
  json::object o;
  o["id"] = p.meta.id;
  o["version"] = p.meta.version;
  o["seq"] = p.meta.seq;
  o["created_at"] = core::format_timestamp(p.meta.created_at);
  o["updated_at"] = core::format_timestamp(p.meta.updated_at);
  o["rep_id"] = p.rep_id;
  o["status"] = core::to_string(p.status);
  o["start_date"] = p.start_date;
  o["end_date"] = core::format_date_days(start_day + p.days - 1);
  o["day_count"] = p.days;
  o["seed"] = p.seed;
  o["timezone"] = p.params.timezone;
  o["published_at"] =
      p.published_at ? json::value(core::format_timestamp(*p.published_at)) : json::value(nullptr);
  const auto& ob = p.objective;
  o["objective"] = {{"visits", ob.visits},
                    {"distance_km", rounded(ob.distance_m / 1000.0, 1)},
                    {"drive_hours", rounded(static_cast<double>(ob.drive_seconds) / 3600.0, 2)},
                    {"nights_away", ob.nights_away},
                    {"value_eur", euros(ob.value)},
                    {"prizes_eur", euros(ob.prizes)},
                    {"travel_cost_eur", euros(ob.travel_cost)},
                    {"hotel_cost_eur", euros(ob.hotel_cost)},
                    {"penalties_eur", euros(ob.penalties)},
                    {"mandatory_planned", ob.mandatory_planned},
                    {"mandatory_total", ob.mandatory_total}};
  o["params"] = {{"cost_per_km_eur", euros(p.params.per_metre * 1000)},
                 {"cost_per_driving_hour_eur", euros(p.params.per_second * 3600)},
                 {"hotel_per_night_eur", euros(p.params.hotel_per_night)},
                 {"mix_penalty_eur", euros(p.params.mix_penalty)},
                 {"hotel_min_distance_km", p.params.hotel_min_distance_m / 1000.0},
                 {"time_limit_seconds", p.params.time_limit_seconds},
                 {"max_iterations", p.params.max_iterations}};
  if (!full) return o;

  json::array days;
  json::array nights;
  for (int d = 0; d < p.days; ++d) {
    const std::string date = core::format_date_days(start_day + d);
    json::object day{{"date", date}};
    const core::PlanDay* route = nullptr;
    for (const auto& r : p.routes) {
      if (r.date == date) route = &r;
    }
    json::array stops;
    for (const auto& s : p.stops) {
      if (s.date != date) continue;
      const auto& c = p.candidates[static_cast<std::size_t>(s.candidate)];
      stops.push_back(json::object{{"position", s.position},
                                   {"store_id", s.store_id},
                                   {"store_name", store_name(stores, s.store_id)},
                                   {"kind", core::to_string(s.kind)},
                                   {"type", core::to_string(s.type)},
                                   {"arrival", format_local(zone, s.arrival_at)},
                                   {"start", format_local(zone, s.start_at)},
                                   {"end", format_local(zone, s.end_at)},
                                   {"why", c.why},
                                   {"todo", visit_todo(s.type)},
                                   {"prize_eur", euros(c.prize)},
                                   {"locked", s.locked},
                                   {"done", s.done},
                                   {"visit_id", opt_id(s.visit_id)}});
    }
    day["stops"] = std::move(stops);
    if (route) {
      day["depart"] = format_local(zone, route->depart_at);
      day["back"] = format_local(zone, route->back_at);
      day["start_from"] = route->start_store_id ? "hotel" : "home";
      day["night"] = route->end_store_id ? "hotel" : "home";
      day["lunch"] =
          route->has_lunch
              ? json::value(json::object{{"start", format_local(zone, route->lunch_start_at)},
                                         {"end", format_local(zone, route->lunch_end_at)},
                                         {"after_stops", route->lunch_after}})
              : json::value(nullptr);
      day["distance_km"] = rounded(route->distance_m / 1000.0, 1);
      day["drive_minutes"] = (route->drive_seconds + 30) / 60;
      day["work_minutes"] = (route->work_seconds + 30) / 60;
      if (route->end_store_id) {
        nights.push_back(json::object{{"date", date},
                                      {"near_store_id", *route->end_store_id},
                                      {"store_name", store_name(stores, *route->end_store_id)},
                                      {"cost_eur", euros(p.params.hotel_per_night)}});
      }
    } else {
      day["depart"] = nullptr;
      day["back"] = nullptr;
      day["start_from"] = nullptr;
      day["night"] = nullptr;
      day["lunch"] = nullptr;
      day["distance_km"] = 0;
      day["drive_minutes"] = 0;
      day["work_minutes"] = 0;
    }
    days.push_back(std::move(day));
  }
  o["days"] = std::move(days);
  o["nights"] = std::move(nights);

  // A store is unplanned when none of its visits is in the plan; it is listed once.
  std::set<Id> planned, listed;
  for (const auto& s : p.stops) planned.insert(s.store_id);
  json::array unplanned;
  for (const auto& c : p.candidates) {
    if (!c.unplanned_reason || planned.contains(c.store_id) || !listed.insert(c.store_id).second) {
      continue;
    }
    unplanned.push_back(json::object{{"store_id", c.store_id},
                                     {"store_name", store_name(stores, c.store_id)},
                                     {"reason", *c.unplanned_reason},
                                     {"explanation", explain_reason(*c.unplanned_reason)},
                                     {"why", c.why},
                                     {"kind", core::to_string(c.kind)}});
  }
  o["unplanned"] = std::move(unplanned);
  return o;
}

// The stores a plan names, as the caller may see them.
StoreMap stores_of(storage::Tx& tx, const core::Plan& p, const storage::Scope& scope) {
  StoreMap out;
  for (const auto& c : p.candidates) {
    if (out.contains(c.store_id)) continue;
    if (auto s = tx.store(c.store_id, scope)) out.emplace(c.store_id, std::move(*s));
  }
  return out;
}

// Reading requests ------------------------------------------------------------------------------

void reject(std::string_view field, std::string message) {
  throw Error(ErrorCode::validation, "invalid request", {{std::string(field), std::move(message)}});
}

// An array of positive ids (store ids of a re-plan).
std::vector<Id> read_ids(ObjectReader& in, std::string_view key) {
  std::vector<Id> out;
  const auto* arr = in.array(key, Need::optional, MAX_FIELD_IDS);
  if (!arr) return out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto& v = (*arr)[i];
    if (v.is_int64() && v.get_int64() > 0) {
      out.push_back(v.get_int64());
    } else {
      in.error(std::string(key) + "[" + std::to_string(i) + "]", "must be a store id");
    }
  }
  return out;
}

std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// "priorities": [{store_id, value_eur, why, type?, duration_minutes?}], each store once. Whether
// the stores are in the rep's territory is checked with the database.
std::optional<std::vector<PriorityRequest>> read_priorities(ObjectReader& in) {
  const auto* arr = in.array("priorities", Need::optional, MAX_STORES);
  if (!arr) return std::nullopt;
  std::vector<PriorityRequest> out;
  std::map<Id, std::size_t> first_of_store;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string prefix = "priorities[" + std::to_string(i) + "]";
    const auto* obj = (*arr)[i].if_object();
    if (!obj) {
      in.error(prefix, "must be an object {store_id, value_eur, why, type?, duration_minutes?}");
      continue;
    }
    auto p = in.nested(*obj, prefix);
    auto store_id = p.integer("store_id", Need::required, 1, INT64_MAX);
    auto value = p.number("value_eur", Need::required, 0, MAX_PRIORITY_EUR);
    // Up to 4 bytes a character: the byte bound only stops huge strings early.
    auto why = p.string("why", Need::required, 4 * MAX_WHY_CHARS, 1);
    if (why && utf8_chars(*why) > MAX_WHY_CHARS) {
      p.error("why", "must be at most " + std::to_string(MAX_WHY_CHARS) + " characters");
      why.reset();
    }
    auto type = p.enumeration<core::VisitType>("type", Need::optional, core::parse_visit_type,
                                               "deep, quick");
    auto minutes =
        p.integer("duration_minutes", Need::optional, MIN_VISIT_MINUTES, MAX_VISIT_MINUTES);
    for (const auto& [key, v] : *obj) {
      if (key != "store_id" && key != "value_eur" && key != "why" && key != "type" &&
          key != "duration_minutes") {
        p.error(key, "is not a known field");
      }
    }
    if (!store_id) continue;
    if (auto [it, added] = first_of_store.emplace(*store_id, i); !added) {
      p.error("store_id",
              "is listed twice (first in priorities[" + std::to_string(it->second) + "])");
      continue;
    }
    if (!value || !why) continue;
    PriorityRequest r;
    r.index = i;
    r.store_id = *store_id;
    r.prize = static_cast<MicroEuros>(std::llround(*value * static_cast<double>(EURO)));
    r.why = std::move(*why);
    r.type = type;
    if (minutes) r.minutes = static_cast<int>(*minutes);
    out.push_back(std::move(r));
  }
  return out;
}

core::Plan find_plan(storage::Tx& tx, RequestContext& ctx, Id id) {
  auto p = tx.plan(id, ctx.scope());
  if (!p) throw Error(ErrorCode::not_found, "no plan " + std::to_string(id));
  return std::move(*p);
}

// The rep a plan is for: a rep plans for themself; another rep's id is unknown to them.
core::User plan_rep(storage::Tx& tx, RequestContext& ctx, Id rep_id) {
  if (ctx.who().is_rep() && rep_id != ctx.who().user.meta.id) reject("rep_id", "no such rep");
  auto rep = tx.user(rep_id);
  if (!rep || rep->role != core::Role::rep || !rep->active) reject("rep_id", "no such rep");
  if (!rep->home) {
    throw Error(ErrorCode::infeasible, "the rep has no home location",
                {{"rep_id", "the rep has no home location; set it on the user first"}});
  }
  return std::move(*rep);
}

// Visits of published plans ---------------------------------------------------------------------

using VisitPool = std::map<std::pair<Id, std::string>, core::Visit>;  // (store, date) → visit

// Gives every stop of a published plan its planned visit: an appointment's own visit; else a
// visit from `pool` of the same store and date (moved to the stop's time: the calendar event
// keeps its UID and gets a higher SEQUENCE); else a new planned visit. Pool visits no stop took
// are cancelled if still planned.
void sync_visits(storage::Tx& tx, core::Plan& p, VisitPool pool) {
  for (auto& st : p.stops) {
    const auto& c = p.candidates[static_cast<std::size_t>(st.candidate)];
    if (c.appointment_visit_id) {
      st.visit_id = c.appointment_visit_id;
      continue;
    }
    if (auto it = pool.find({st.store_id, st.date}); it != pool.end()) {
      core::Visit v = std::move(it->second);
      pool.erase(it);
      if (v.status == core::VisitStatus::planned &&
          (v.planned_at != st.start_at || v.type != st.type)) {
        v.planned_at = st.start_at;
        v.type = st.type;
        tx.update_visit(v);
      }
      st.visit_id = v.meta.id;
      continue;
    }
    core::Visit v;
    v.store_id = st.store_id;
    v.rep_id = p.rep_id;
    v.type = st.type;
    v.status = core::VisitStatus::planned;
    v.planned_at = st.start_at;
    tx.insert_visit(v);
    st.visit_id = v.meta.id;
  }
  for (auto& [key, v] : pool) {
    if (v.status != core::VisitStatus::planned) continue;
    v.status = core::VisitStatus::cancelled;
    tx.update_visit(v);
  }
}

// Handlers --------------------------------------------------------------------------------------

Response create_plan(RequestContext& ctx) {
  const auto& config = ctx.app.config();
  auto body = ctx.body_object();
  ObjectReader in(body);
  const bool rep_caller = ctx.who().is_rep();
  auto rep_id = in.integer("rep_id", rep_caller ? Need::optional : Need::required, 1, INT64_MAX);
  auto start_date = in.date("start_date", Need::required);
  auto days = in.integer("days", Need::required, 1, MAX_DAYS);
  auto seed = in.integer("seed", Need::optional, 0, std::int64_t{1} << 53);
  auto time_limit =
      in.number("time_limit_seconds", Need::optional, 0.1, config.plan_time_limit_seconds);
  std::vector<LockRequest> locks;
  std::set<Id> locked_stores;
  if (const auto* arr = in.array("locked", Need::optional, MAX_LOCKS)) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string prefix = "locked[" + std::to_string(i) + "]";
      const auto* obj = (*arr)[i].if_object();
      if (!obj) {
        in.error(prefix, "must be an object {store_id, date}");
        continue;
      }
      auto l = in.nested(*obj, prefix);
      auto store_id = l.integer("store_id", Need::required, 1, INT64_MAX);
      auto date = l.date("date", Need::required);
      for (const auto& [key, value] : *obj) {
        if (key != "store_id" && key != "date") l.error(key, "is not a known field");
      }
      if (!store_id || !date || !start_date || !days) continue;
      const auto day = *core::parse_date_days(*date) - *core::parse_date_days(*start_date);
      if (day < 0 || day >= *days) {
        l.error("date", "must be within the plan's period");
      } else if (!locked_stores.insert(*store_id).second) {
        l.error("store_id", "is locked twice");
      } else {
        locks.push_back({i, *store_id, static_cast<int>(day)});
      }
    }
  }
  const auto priorities = read_priorities(in);
  in.finish();

  const auto start_day = *core::parse_date_days(*start_date);
  const auto today = core::now_seconds() / 86'400;
  if (start_day < today - 1 || start_day > today + 366) {
    reject("start_date", "must be between " + core::format_date_days(today - 1) + " and " +
                             core::format_date_days(today + 366));
  }

  core::PlanParams params;
  params.per_metre = PER_METRE;
  params.per_second = PER_SECOND;
  params.hotel_per_night = HOTEL_PER_NIGHT;
  params.mix_penalty = MIX_PENALTY;
  params.hotel_min_distance_m = HOTEL_MIN_DISTANCE;
  params.time_limit_seconds = time_limit.value_or(config.plan_time_limit_seconds);
  params.max_iterations = config.plan_iterations;

  const Id target = rep_id.value_or(ctx.who().user.meta.id);
  PlanningInput input;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    auto rep = plan_rep(tx, ctx, target);
    std::vector<core::FieldError> lock_errors;
    for (const auto& l : locks) {
      // The store must be in the rep's territory (and so visible to a rep planning for themself).
      if (!tx.store(l.store_id, storage::Scope{target})) {
        lock_errors.push_back(
            {"locked[" + std::to_string(l.index) + "].store_id", "no such store"});
      }
    }
    if (!lock_errors.empty()) throw Error(ErrorCode::validation, "invalid locks", lock_errors);
    std::vector<core::FieldError> priority_errors;
    // Scoped to the rep planned: a rep planning for themself sees nothing else either.
    for (std::size_t i = 0; priorities && i < priorities->size(); ++i) {
      const auto& p = (*priorities)[i];
      if (!tx.store(p.store_id, storage::Scope{target})) {
        priority_errors.push_back({"priorities[" + std::to_string(p.index) + "].store_id",
                                   "no such store in the rep's territory"});
      }
    }
    if (!priority_errors.empty()) {
      throw Error(ErrorCode::validation, "invalid priorities", priority_errors);
    }
    input = gather_input(tx, rep, start_day, static_cast<int>(*days), locks, priorities, params);
  });

  const auto built = build_problem(input);
  plan::SolveOptions options;
  options.seed = static_cast<std::uint64_t>(seed.value_or(1));
  options.time_limit_seconds = input.params.time_limit_seconds;
  options.max_iterations = input.params.max_iterations;
  options.threads = 1;
  const auto solution =
      run_planner(target, "plan", [&] { return plan::solve(built.problem, options); });
  check_valid(built.problem, solution, target, "plan");

  core::Plan p;
  p.rep_id = target;
  p.start_date = *start_date;
  p.days = static_cast<int>(*days);
  p.status = core::PlanStatus::draft;
  p.seed = seed.value_or(1);
  p.params = input.params;
  apply_solution(input, built, solution, p);
  storage::write(ctx.app.db(), [&](storage::Tx& tx) { tx.insert_plan(p); });
  return item_response(201, plan_json(p, input.stores, true));
}

Response get_plan(RequestContext& ctx) {
  json::object out;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    auto p = find_plan(tx, ctx, ctx.id());
    out = plan_json(p, stores_of(tx, p, ctx.scope()), true);
  });
  return item_response(200, out);
}

Response list_plans(RequestContext& ctx) {
  storage::PlanFilter f;
  f.rep_id = ctx.query_id("rep_id");
  if (auto s = ctx.query("status")) {
    f.status = core::parse_plan_status(*s);
    if (!f.status) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"status", "must be one of draft, published, superseded"}});
    }
  }
  auto page = ctx.page();
  auto result =
      storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.plans(f, ctx.scope(), page); });
  json::array items;
  for (const auto& p : result.items) items.push_back(plan_json(p, {}, false));
  return list_response(std::move(items), result.next_after);
}

Response publish_plan(RequestContext& ctx) {
  json::object out;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto p = find_plan(tx, ctx, ctx.id());
    if (!ctx.request.if_match.empty()) ctx.check_version(p.meta.version, std::nullopt);
    if (p.status != core::PlanStatus::draft) {
      throw Error(ErrorCode::conflict,
                  "the plan is already " + std::string(core::to_string(p.status)));
    }
    for (const auto& st : p.stops) {
      if (!tx.store(st.store_id, storage::Scope{p.rep_id})) {
        throw Error(ErrorCode::conflict, "store " + std::to_string(st.store_id) +
                                             " is no longer in the rep's territory; plan again");
      }
    }
    const auto now = core::now_seconds();
    const auto start_day = *core::parse_date_days(p.start_date);
    const std::string end_date = core::format_date_days(start_day + p.days - 1);
    // Published plans of the rep that meet this period give way: their planned visits still to
    // come within this period are taken over (same store and date) or cancelled.
    VisitPool pool;
    storage::PlanFilter f{p.rep_id, core::PlanStatus::published, p.start_date, end_date};
    std::vector<Id> overlapping;
    storage::Page page{0, 500};
    while (true) {
      auto r = tx.plans(f, storage::Scope{}, page);
      for (const auto& q : r.items) overlapping.push_back(q.meta.id);
      if (!r.next_after) break;
      page.after = *r.next_after;
    }
    for (const Id qid : overlapping) {
      auto q = tx.plan(qid, storage::Scope{});
      BOUCLE_ASSERT(q.has_value(), "a listed plan can be read in the same transaction");
      if (!q) continue;
      for (const auto& st : q->stops) {
        if (!st.visit_id || st.date < p.start_date || st.date > end_date) continue;
        auto v = tx.visit(*st.visit_id, storage::Scope{});
        if (!v || v->status != core::VisitStatus::planned || v->planned_at.value_or(0) < now) {
          continue;
        }
        if (q->candidates[static_cast<std::size_t>(st.candidate)].appointment_visit_id) continue;
        pool.emplace(std::pair{st.store_id, st.date}, std::move(*v));
      }
      q->status = core::PlanStatus::superseded;
      tx.update_plan(*q);
    }
    sync_visits(tx, p, std::move(pool));
    p.status = core::PlanStatus::published;
    p.published_at = now;
    tx.update_plan(p);
    out = plan_json(p, stores_of(tx, p, ctx.scope()), true);
  });
  return item_response(200, out);
}

// The visits of the problem named by a re-plan's store ids: `done` and `cancelled` must be stops
// of `date`, `urgent` a store of the plan not planned on another day. Stops reported done before
// stay done; stores cancelled before stay out of the plan.
struct FieldChange {
  std::vector<int> done, cancelled, urgent;
};

FieldChange field_change(const core::Plan& old, const std::string& date,
                         const std::vector<Id>& done, const std::vector<Id>& cancelled,
                         const std::vector<Id>& urgent) {
  FieldChange out;
  std::vector<core::FieldError> errors;
  auto stop_of_day = [&](Id store) -> std::optional<int> {
    for (const auto& s : old.stops) {
      if (s.date == date && s.store_id == store)
        return *old.candidates[static_cast<std::size_t>(s.candidate)].visit_index;
    }
    return std::nullopt;
  };
  auto map_stops = [&](const std::vector<Id>& ids, const char* key, std::vector<int>& into) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (auto v = stop_of_day(ids[i])) {
        into.push_back(*v);
      } else {
        errors.push_back(
            {std::string(key) + "[" + std::to_string(i) + "]", "is not a stop of " + date});
      }
    }
  };
  map_stops(done, "done", out.done);
  map_stops(cancelled, "cancelled", out.cancelled);
  for (std::size_t i = 0; i < urgent.size(); ++i) {
    const std::string field = "urgent[" + std::to_string(i) + "]";
    if (auto v = stop_of_day(urgent[i])) {
      out.urgent.push_back(*v);
      continue;
    }
    std::optional<std::string> elsewhere;
    std::optional<int> free;
    for (const auto& c : old.candidates) {
      if (c.store_id != urgent[i] || !c.visit_index) continue;
      bool planned = false;
      for (const auto& s : old.stops) {
        if (old.candidates[static_cast<std::size_t>(s.candidate)].visit_index == c.visit_index) {
          planned = true;
          elsewhere = s.date;
        }
      }
      if (!planned && !free) free = *c.visit_index;
    }
    if (free) {
      out.urgent.push_back(*free);
    } else if (elsewhere) {
      errors.push_back({field, "is planned on " + *elsewhere + "; re-plan that day instead"});
    } else {
      errors.push_back({field, "no such store in this plan"});
    }
  }
  for (int v : out.done) {
    for (int c : out.cancelled) {
      if (v == c) errors.push_back({"cancelled", "a stop cannot be both done and cancelled"});
    }
  }
  if (!errors.empty()) throw Error(ErrorCode::validation, "invalid request", errors);
  // A store cancelled by an earlier re-plan stays out of this plan.
  for (const auto& c : old.candidates) {
    if (c.visit_index && c.unplanned_reason == CANCELLED &&
        std::find(out.cancelled.begin(), out.cancelled.end(), *c.visit_index) ==
            out.cancelled.end()) {
      out.cancelled.push_back(*c.visit_index);
    }
  }
  // Stops reported done before stay done.
  for (const auto& s : old.stops) {
    if (s.date != date) continue;
    const int v = *old.candidates[static_cast<std::size_t>(s.candidate)].visit_index;
    if (s.done && std::find(out.done.begin(), out.done.end(), v) == out.done.end() &&
        std::find(out.cancelled.begin(), out.cancelled.end(), v) == out.cancelled.end()) {
      out.done.push_back(v);
    }
  }
  return out;
}

// PATCH: re-plans the rest of one day from where the rep is, keeping the other days.
Response replan_plan(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto version = in.integer("version", Need::optional, 1, INT64_MAX);
  auto date = in.date("date", Need::required);
  auto now = in.timestamp("now", Need::required);
  std::optional<core::GeoPoint> position;
  if (const auto* loc = in.object("location", Need::required)) {
    auto l = in.nested(*loc, "location");
    auto lat = l.number("lat", Need::required, -90, 90);
    auto lon = l.number("lon", Need::required, -180, 180);
    for (const auto& [key, value] : *loc) {
      if (key != "lat" && key != "lon") l.error(key, "is not a known field");
    }
    if (lat && lon) position = core::GeoPoint{*lat, *lon};
  }
  auto lunch_taken = in.boolean("lunch_taken", Need::optional);
  const auto done = read_ids(in, "done");
  const auto cancelled = read_ids(in, "cancelled");
  const auto urgent = read_ids(in, "urgent");
  in.finish();

  core::Plan old;
  PlanningInput input;
  int day = 0;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    old = find_plan(tx, ctx, ctx.id());
    ctx.check_version(old.meta.version, version);
    if (old.status == core::PlanStatus::superseded) {
      throw Error(ErrorCode::conflict, "the plan is superseded by a newer published plan");
    }
    const auto start_day = *core::parse_date_days(old.start_date);
    day = static_cast<int>(*core::parse_date_days(*date) - start_day);
    if (day < 0 || day >= old.days) reject("date", "must be within the plan's period");
    auto rep = tx.user(old.rep_id);
    if (!rep || !rep->home) {
      throw Error(ErrorCode::conflict, "the plan's rep no longer exists or has no home");
    }
    input.rep = std::move(*rep);
    input.start_day = start_day;
    input.days = old.days;
    input.params = old.params;
    input.candidates = old.candidates;
    for (const auto& c : old.candidates) {
      if (!c.visit_index || input.stores.contains(c.store_id)) continue;
      auto s = tx.store(c.store_id, storage::Scope{});
      if (!s) {
        throw Error(ErrorCode::conflict, "store " + std::to_string(c.store_id) +
                                             " of this plan was deleted; create a new plan");
      }
      input.stores.emplace(c.store_id, std::move(*s));
    }
  });
  const auto* zone = zone_of(old.params.timezone);
  const UnixSeconds midnight = local_instant(zone, input.start_day + day, 0);
  const UnixSeconds next_midnight = local_instant(zone, input.start_day + day + 1, 0);
  if (*now < midnight || *now >= next_midnight) reject("now", "must be on " + *date);

  const auto fc = field_change(old, *date, done, cancelled, urgent);

  const auto built = build_problem(input, position);
  const auto current = solution_of(old, input, built);
  plan::FieldState state;
  state.rep = 0;
  state.day = day;
  state.location = *built.field_location;
  state.now = *now - midnight;
  state.done = fc.done;
  state.lunch_taken = lunch_taken.value_or(false);
  plan::Change change;
  change.cancelled = fc.cancelled;
  change.urgent = fc.urgent;
  plan::SolveOptions options;
  options.seed = static_cast<std::uint64_t>(old.seed);
  options.time_limit_seconds = old.params.time_limit_seconds;
  options.max_iterations = old.params.max_iterations;
  options.threads = 1;
  auto solution = run_planner(old.rep_id, "re-plan", [&] {
    return plan::replan_day(built.problem, current, state, change, options);
  });
  check_replan_valid(built.problem, current, state, change, solution, old.rep_id);
  solution.objective = plan::recompute_objective(built.problem, solution);

  json::object out;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto p = find_plan(tx, ctx, ctx.id());
    if (p.meta.version != old.meta.version) {
      throw Error(ErrorCode::version_conflict,
                  "the plan changed while it was re-planned; current version is " +
                      std::to_string(p.meta.version));
    }
    std::map<std::pair<Id, std::string>, bool> was_done;
    VisitPool pool;
    for (const auto& s : p.stops) {
      was_done[{s.store_id, s.date}] = s.done;
      if (!s.visit_id || p.candidates[static_cast<std::size_t>(s.candidate)].appointment_visit_id) {
        continue;
      }
      if (auto v = tx.visit(*s.visit_id, storage::Scope{}))
        pool.emplace(std::pair{s.store_id, s.date}, std::move(*v));
    }
    apply_solution(input, built, solution, p, old.routes);
    for (auto& c : p.candidates) {
      if (c.visit_index && c.unplanned_reason &&
          std::find(fc.cancelled.begin(), fc.cancelled.end(), *c.visit_index) !=
              fc.cancelled.end()) {
        c.unplanned_reason = std::string(CANCELLED);
      }
    }
    for (auto& s : p.stops) {
      s.done = was_done[{s.store_id, s.date}] ||
               (s.date == *date && std::find(done.begin(), done.end(), s.store_id) != done.end());
    }
    if (p.status == core::PlanStatus::published) sync_visits(tx, p, std::move(pool));
    tx.update_plan(p);
    out = plan_json(p, stores_of(tx, p, ctx.scope()), true);
  });
  return item_response(200, out);
}

}  // namespace

BuiltProblem build_problem(const PlanningInput& in, std::optional<core::GeoPoint> field_position) {
  BOUCLE_ASSERT(in.rep.home.has_value(), "a rep without a home is refused before planning");
  BuiltProblem b;
  const auto* zone = zone_of(in.params.timezone);
  for (int d = 0; d <= in.days; ++d) b.midnight.push_back(local_instant(zone, in.start_day + d, 0));

  std::vector<core::GeoPoint> points{*in.rep.home};
  b.location_store.push_back(std::nullopt);
  for (const auto& c : in.candidates) {
    if (!c.visit_index || b.store_location.contains(c.store_id)) continue;
    b.store_location[c.store_id] = static_cast<plan::Location>(points.size());
    points.push_back(in.stores.at(c.store_id).location);
    b.location_store.push_back(c.store_id);
  }
  if (field_position) {
    b.field_location = static_cast<plan::Location>(points.size());
    points.push_back(*field_position);
    b.location_store.push_back(std::nullopt);
  }

  auto& pr = b.problem;
  pr.days = in.days;
  pr.travel = plan::road_matrix(plan::RoadModel{}, points);
  pr.weights.per_distance = in.params.per_metre;
  pr.weights.per_time = in.params.per_second;
  pr.weights.mix_penalty = in.params.mix_penalty;

  const auto& u = in.rep;
  plan::Rep rep;
  rep.id = std::to_string(u.meta.id);
  rep.home = 0;
  rep.final_location = 0;
  for (int d = 0; d < in.days; ++d) {
    const std::int64_t day = in.start_day + d;
    const auto midnight = b.midnight[static_cast<std::size_t>(d)];
    const auto& hours = u.working_hours.days[static_cast<std::size_t>(weekday_index(day))];
    plan::Shift s;
    if (hours.empty()) {
      s.available = false;
    } else {
      // The working day runs from the first interval's start to the last one's end; a gap
      // between intervals is not modelled (lunch is).
      s.start_earliest = local_instant(zone, day, hours.front().open) - midnight;
      s.end_latest = local_instant(zone, day, hours.back().close) - midnight;
      s.max_drive = static_cast<plan::Time>(u.max_daily_driving) * 60;
      if (u.lunch_minutes > 0) {
        s.lunch = plan::Lunch{local_instant(zone, day, u.lunch_start) - midnight,
                              local_instant(zone, day, u.lunch_end - u.lunch_minutes) - midnight,
                              static_cast<plan::Time>(u.lunch_minutes) * 60};
      }
    }
    rep.shifts.push_back(s);
  }
  rep.overnight.allowed = u.overnight_allowed;
  rep.overnight.cost_per_night = in.params.hotel_per_night;
  rep.overnight.min_distance_from_home =
      static_cast<plan::Distance>(std::llround(in.params.hotel_min_distance_m));
  rep.overnight.near_last_visit = true;
  rep.overnight.home_allowed = true;
  pr.reps.push_back(std::move(rep));

  std::map<int, int> groups;  // candidate group → problem group
  for (std::size_t ci = 0; ci < in.candidates.size(); ++ci) {
    const auto& c = in.candidates[ci];
    if (!c.visit_index) continue;
    BOUCLE_ASSERT(*c.visit_index == static_cast<int>(pr.visits.size()),
                  "candidates in the problem are numbered in order");
    const auto& store = in.stores.at(c.store_id);
    plan::Visit v;
    v.id = std::to_string(ci);
    v.location = b.store_location.at(c.store_id);
    v.duration = c.duration_seconds;
    v.prize = c.prize;
    v.kind = to_plan(c.kind);
    v.type = c.type == core::VisitType::deep ? plan::VisitType::deep : plan::VisitType::quick;
    v.rep = 0;
    v.windows.resize(static_cast<std::size_t>(in.days));
    const auto* store_zone = zone_of(store.timezone);
    for (int d = 0; d < in.days; ++d) {
      if (d < c.first_day || (c.locked_day && *c.locked_day != d)) continue;
      const std::int64_t day = in.start_day + d;
      const auto midnight = b.midnight[static_cast<std::size_t>(d)];
      auto& windows = v.windows[static_cast<std::size_t>(d)];
      if (c.appointment_at) {
        if (*c.appointment_at >= midnight &&
            *c.appointment_at < b.midnight[static_cast<std::size_t>(d) + 1]) {
          const plan::Time t = *c.appointment_at - midnight;
          windows.push_back({t, t + c.duration_seconds});
        }
        continue;
      }
      for (const auto& iv :
           store.opening_hours.days[static_cast<std::size_t>(weekday_index(day))]) {
        const plan::Time open = local_instant(store_zone, day, iv.open) - midnight;
        const plan::Time close = local_instant(store_zone, day, iv.close) - midnight;
        if (close - open >= c.duration_seconds) windows.push_back({open, close});
      }
    }
    if (c.group >= 0) {
      auto [it, added] = groups.emplace(c.group, static_cast<int>(pr.groups.size()));
      if (added) pr.groups.push_back({1, c.group_gap_days, c.group_gap_days});
      v.group = it->second;
    }
    if (c.locked_day) v.lock = plan::Lock{0, *c.locked_day};
    pr.visits.push_back(std::move(v));
    b.candidate_of_visit.push_back(static_cast<int>(ci));
  }
  return b;
}

std::string_view visit_todo(core::VisitType type) {
  return type == core::VisitType::deep
             ? "Deep visit: audit the whole range (presence, facings, shelf prices, "
               "out-of-stocks), take an order, negotiate displays and promotions."
             : "Quick visit: check out-of-stocks and key facings, fix the shelf, take a top-up "
               "order.";
}

std::string_view explain_reason(std::string_view reason) {
  if (reason == "closed") return "the store is closed whenever the rep could come";
  if (reason == "unreachable") return "too far to fit in a working day";
  if (reason == "frequency") return "visited recently: not due in this period";
  if (reason == "no_time_left") return "no time left: the planned visits are worth more";
  if (reason == "not_worth_detour") return "not worth the detour";
  if (reason == "locked_elsewhere") return "does not fit on the day it is locked to";
  if (reason == CANCELLED) return "cancelled in the field";
  return "not planned";
}

void add_plan_routes(Router& r) {
  r.add({Method::get,
         "/api/v1/plans",
         "List plans (a rep sees their own)",
         "plans",
         {},
         Body::none,
         {"limit", "cursor", "rep_id", "status"},
         "",
         "PlanList",
         list_plans});
  r.add({Method::post,
         "/api/v1/plans",
         "Build a draft plan for a rep and a period (a rep plans for themself)",
         "plans",
         {},
         Body::json,
         {},
         "PlanCreate",
         "Plan",
         create_plan});
  r.add({Method::get,
         "/api/v1/plans/{id}",
         "Get a plan with its days, stops and unplanned stores",
         "plans",
         {},
         Body::none,
         {},
         "",
         "Plan",
         get_plan});
  r.add({Method::patch,
         "/api/v1/plans/{id}",
         "Re-plan the rest of one day after a change in the field (If-Match or version)",
         "plans",
         {},
         Body::json,
         {},
         "PlanReplan",
         "Plan",
         replan_plan});
  r.add({Method::post,
         "/api/v1/plans/{id}/publish",
         "Publish a draft: its stops become planned visits; an overlapping published plan is "
         "superseded",
         "plans",
         {},
         Body::none,
         {},
         "",
         "Plan",
         publish_plan});
}

}  // namespace boucle::api
