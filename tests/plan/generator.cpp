#include "plan/generator.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "core/domain.hpp"
#include "plan/travel.hpp"

namespace boucle::plan::testing {
namespace {

// "S12": built by appending (g++ 12 at -O3 warns falsely on "S" + std::to_string(n)).
std::string label(const char* prefix, int n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

constexpr Time MINUTE = 60;
constexpr Time HOUR = 60 * MINUTE;
constexpr Cost EURO = 1'000'000;  // Cost unit: micro-euros
constexpr double PI = 3.14159265358979323846;
constexpr double KM_PER_DEGREE = 111.32;  // of latitude, and of longitude at the equator
constexpr core::GeoPoint LYON{45.7640, 4.8357};

std::size_t at(int i) { return static_cast<std::size_t>(i); }

// Every draw written out here, so that a seed means the same problem with any standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform in [lo, hi], both included; the modulo bias is below 2^-32 for our small spans.
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    BOUCLE_ASSERT(lo <= hi, "empty integer range");
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(engine_() % span);
  }
  int index(std::size_t size) {
    BOUCLE_ASSERT(size > 0, "no item to choose from");
    return static_cast<int>(integer(0, static_cast<std::int64_t>(size) - 1));
  }
  bool chance(double p) { return uniform() < p; }

 private:
  std::mt19937_64 engine_;
};

// A point uniformly spread over the ring [min_km, max_km] around `centre` (flat-earth offsets are
// fine at a region's scale).
core::GeoPoint around(Random& rng, core::GeoPoint centre, double min_km, double max_km) {
  const double r = std::sqrt(rng.uniform(min_km * min_km, max_km * max_km));
  const double angle = rng.uniform(0, 2 * PI);
  const double km_per_degree_lon = KM_PER_DEGREE * std::cos(centre.lat * PI / 180);
  return {centre.lat + r * std::cos(angle) / KM_PER_DEGREE,
          centre.lon + r * std::sin(angle) / km_per_degree_lon};
}

using Hours = std::vector<std::vector<Window>>;  // per day of the horizon

// A store's opening hours over the horizon: closed on Sundays and, for some, one more weekday.
Hours store_hours(Random& rng, const GeneratorOptions& o, bool may_close_a_weekday) {
  const Time open = rng.chance(0.5) ? 8 * HOUR + 30 * MINUTE : 9 * HOUR;
  const Time close = rng.chance(0.5) ? 19 * HOUR : 19 * HOUR + 30 * MINUTE;
  const bool lunch_closure = rng.chance(o.lunch_closure_share);
  const bool closes_weekday = may_close_a_weekday && rng.chance(o.closed_day_share);
  const int closed_weekday = closes_weekday ? static_cast<int>(rng.integer(0, 5)) : -1;
  Hours hours(at(o.days));
  for (int d = 0; d < o.days; ++d) {
    const int weekday = d % 7;
    if (weekday == 6 || weekday == closed_weekday) continue;
    if (lunch_closure) {
      hours[at(d)] = {{open, 12 * HOUR}, {14 * HOUR, close}};
    } else {
      hours[at(d)] = {{open, close}};
    }
  }
  return hours;
}

std::vector<int> open_days(const Hours& hours) {
  std::vector<int> days;
  for (int d = 0; at(d) < hours.size(); ++d) {
    if (!hours[at(d)].empty()) days.push_back(d);
  }
  return days;
}

// Type and duration together: deep visits are long, quick ones short.
void draw_type(Random& rng, const GeneratorOptions& o, Visit& v) {
  if (rng.chance(o.typed_share)) {
    v.type = rng.chance(0.5) ? VisitType::deep : VisitType::quick;
  }
  switch (v.type) {
    case VisitType::deep:
      v.duration = rng.integer(12, 18) * 5 * MINUTE;
      break;
    case VisitType::quick:
      v.duration = rng.integer(3, 4) * 5 * MINUTE;
      break;
    case VisitType::none:
      v.duration = rng.integer(4, 9) * 5 * MINUTE;
      break;
  }
}

Problem euclidean_problem(Random& rng, const GeneratorOptions& o) {
  constexpr Time HORIZON = 2300;
  Problem p;
  p.days = o.days;
  p.weights.per_distance = 1;
  std::vector<std::pair<int, int>> points{{50, 50}};  // the depot
  for (int v = 0; v < o.visits; ++v) {
    points.push_back(
        {static_cast<int>(rng.integer(0, 100)), static_cast<int>(rng.integer(0, 100))});
  }
  const int n = static_cast<int>(points.size());
  p.travel = Matrix(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const double dx = points[at(i)].first - points[at(j)].first;
      const double dy = points[at(i)].second - points[at(j)].second;
      const auto d = static_cast<std::int64_t>(std::llround(10 * std::sqrt(dx * dx + dy * dy)));
      p.travel.set(i, j, d, d);
    }
  }
  for (int r = 0; r < o.reps; ++r) {
    Rep rep;
    rep.id = label("V", r + 1);
    rep.capacity = 100;
    Shift shift;
    shift.start_earliest = 0;
    shift.end_latest = HORIZON;
    rep.shifts.assign(at(o.days), shift);
    p.reps.push_back(rep);
  }
  for (int v = 0; v < o.visits; ++v) {
    Visit visit;
    visit.id = label("C", v + 1);
    visit.location = v + 1;
    visit.duration = 100;
    visit.load = rng.integer(5, 30);
    visit.prize = rng.integer(200, 1000);
    for (int d = 0; d < o.days; ++d) {
      const Time open = rng.integer(0, 1800);
      const Time close = std::min(HORIZON, open + rng.integer(300, 1200));
      visit.windows.push_back({{open, close}});
    }
    p.visits.push_back(visit);
  }
  return p;
}

Problem realistic_problem(Random& rng, const GeneratorOptions& o) {
  const int appointments = o.fixed_appointments + o.day_appointments + o.week_appointments;
  BOUCLE_ASSERT(o.visits >= 2 * o.frequency_groups + appointments,
                "more grouped copies and appointments than visits");
  BOUCLE_ASSERT(o.reps >= 1 && o.days >= 1, "a problem needs a rep and a day");

  Problem p;
  p.days = o.days;
  p.weights.per_distance = 300;           // 0.30 €/km
  p.weights.per_time = 25 * EURO / HOUR;  // 25 €/h, 6944 per second
  p.weights.mix_penalty = o.typed_share > 0 ? 20 * EURO : 0;

  std::vector<core::GeoPoint> points;
  const auto add_point = [&](core::GeoPoint g) {
    points.push_back(g);
    return static_cast<Location>(points.size() - 1);
  };

  // Reps: homes in the inner half of the region.
  for (int r = 0; r < o.reps; ++r) {
    Rep rep;
    rep.id = label("R", r + 1);
    rep.home = add_point(around(rng, LYON, 0, o.radius_km / 2));
    rep.final_location = rep.home;
    Shift shift;
    shift.start_earliest = 8 * HOUR;
    shift.end_latest = 18 * HOUR + 30 * MINUTE;
    shift.max_drive = 5 * HOUR;
    shift.max_work = 9 * HOUR;
    const Time lunch = rng.integer(9, 12) * 5 * MINUTE;  // 45-60 min
    shift.lunch = Lunch{12 * HOUR, 14 * HOUR - lunch, lunch};
    bool works = false;
    for (int d = 0; d < o.days; ++d) {
      Shift s = shift;
      s.available = d % 7 < 5 && !rng.chance(o.unavailable_day_share);
      works = works || s.available;
      rep.shifts.push_back(s);
    }
    if (!works) rep.shifts[0].available = true;  // day 0 is a Monday
    p.reps.push_back(rep);
  }

  std::vector<Location> hotels;
  if (o.overnight) {
    for (int h = 0; h < o.hotels; ++h) {
      hotels.push_back(add_point(around(rng, LYON, o.radius_km / 2, o.radius_km)));
    }
  }
  for (Rep& rep : p.reps) {
    Overnight& night = rep.overnight;
    night.allowed = o.overnight;
    night.cost_per_night = 95 * EURO;
    night.min_distance_from_home = 50'000;
    night.max_consecutive_nights = 3;
    night.hotels = hotels;
    night.near_last_visit = o.overnight && o.near_last_visit;
  }

  // Stores: two thirds in small towns (within 3 km of a town centre), the rest scattered.
  const int stores = o.visits - o.frequency_groups;
  std::vector<core::GeoPoint> towns;
  const double town_radius = std::max(o.radius_km - 3, 1.0);
  for (int t = 0; t < std::max(1, stores / 4); ++t) {
    towns.push_back(around(rng, LYON, 0, town_radius));
  }
  const auto store_location = [&]() {
    if (rng.chance(2.0 / 3.0)) {
      return add_point(around(rng, towns[at(rng.index(towns.size()))], 0, 3));
    }
    return add_point(around(rng, LYON, 0, o.radius_km));
  };
  const auto new_visit = [&](int store) {
    Visit v;
    v.id = label("S", store + 1);
    v.prize = rng.integer(5, 200) * EURO;
    draw_type(rng, o, v);
    return v;
  };

  int store = 0;
  for (int g = 0; g < o.frequency_groups; ++g, ++store) {
    Visit v = new_visit(store);
    v.location = store_location();
    v.windows = store_hours(rng, o, true);
    v.group = g;
    p.groups.push_back({2, 7, 2});
    Visit copy = v;
    v.id += "-1";
    copy.id += "-2";
    p.visits.push_back(v);
    p.visits.push_back(copy);
  }
  // Appointments: their store is open every day but Sunday, and the appointment's day is one on
  // which some rep works (a day off for every rep would make it impossible from the start).
  std::vector<int> working_days;
  for (int d = 0; d < o.days; ++d) {
    const bool someone = std::any_of(p.reps.begin(), p.reps.end(),
                                     [&](const Rep& r) { return r.shifts[at(d)].available; });
    if (someone && d % 7 != 6) working_days.push_back(d);
  }
  BOUCLE_ASSERT(appointments == 0 || !working_days.empty(), "every rep works on day 0");
  for (int a = 0; a < appointments; ++a, ++store) {
    Visit v = new_visit(store);
    v.kind = VisitKind::appointment;
    v.location = store_location();
    const Hours hours = store_hours(rng, o, false);
    const int day = working_days[at(rng.index(working_days.size()))];
    const std::vector<Window>& that_day = hours[at(day)];
    if (a < o.fixed_appointments) {
      // On the quarter hour, between 09:00 and 17:00 so that the rep can get home afterwards.
      const Window w = that_day[at(rng.index(that_day.size()))];
      const Time first = std::max(w.open, 9 * HOUR);
      const Time last = std::min(w.close, 17 * HOUR) - v.duration;
      const Time quarters = std::max<Time>((last - first) / (15 * MINUTE), 0);
      const Time start = first + rng.integer(0, quarters) * 15 * MINUTE;
      v.windows.assign(at(o.days), {});
      v.windows[at(day)] = {{start, start + v.duration}};
    } else if (a < o.fixed_appointments + o.day_appointments) {
      v.windows.assign(at(o.days), {});
      v.windows[at(day)] = that_day;
    } else {
      v.windows = hours;
    }
    p.visits.push_back(v);
  }
  const int first_ordinary = static_cast<int>(p.visits.size());
  for (; store < stores; ++store) {
    Visit v = new_visit(store);
    v.location = store_location();
    v.windows = store_hours(rng, o, true);
    if (rng.chance(o.mandatory_share)) v.kind = VisitKind::mandatory;
    p.visits.push_back(v);
  }

  if (o.reps > 1) {
    for (Visit& v : p.visits) {
      if (rng.chance(o.restricted_share)) v.rep = static_cast<int>(rng.integer(0, o.reps - 1));
    }
  }
  // Locks on ordinary visits, on a day their rep works and their store is open.
  int locked = 0;
  for (int v = first_ordinary; at(v) < p.visits.size() && locked < o.locks; ++v) {
    Visit& visit = p.visits[at(v)];
    const int rep = visit.rep >= 0 ? visit.rep : static_cast<int>(rng.integer(0, o.reps - 1));
    std::vector<int> days;
    for (int d : open_days(visit.windows)) {
      if (p.reps[at(rep)].shifts[at(d)].available) days.push_back(d);
    }
    if (days.empty()) continue;
    visit.lock = Lock{rep, days[at(rng.index(days.size()))]};
    ++locked;
  }

  p.travel = road_matrix(RoadModel{}, points);
  return p;
}

}  // namespace

Problem random_problem(std::uint64_t seed, const GeneratorOptions& options) {
  Random rng(seed);
  return options.euclidean ? euclidean_problem(rng, options) : realistic_problem(rng, options);
}

}  // namespace boucle::plan::testing
