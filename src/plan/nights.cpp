#include <algorithm>
#include <limits>
#include <optional>

#include "plan/search.hpp"

namespace boucle::plan::detail {

namespace {

// Cost of route r's sequence between the given places, or nothing if infeasible.
std::optional<Cost> route_cost_between(const State& s, int r, Location start, Location end) {
  const Instance& in = s.instance();
  const RouteData& rd = s.route(r);
  const DayShift& sh = in.shift(r);
  if (rd.seq.empty()) {
    const Time t = in.time(start, end);
    if (start != end && !sh.available) return std::nullopt;
    if (reachable(sh.end_latest) && sh.start_earliest + t > sh.end_latest) return std::nullopt;
    if (t > sh.max_drive || t > sh.max_work) return std::nullopt;
    return in.cost(start, end);
  }
  // Walk with a cursor placed at the given start.
  Cursor c;
  c.d0 = sh.start_earliest;
  c.d1 = lunch_at(sh, sh.start_earliest);
  c.at = start;
  for (int v : rd.seq) {
    s.step(c, r, v);
    if (!c.ok) return std::nullopt;
  }
  const Time t = in.time(c.at, end);
  if (!reachable(c.d1) || (reachable(sh.end_latest) && c.d1 + t > sh.end_latest)) return std::nullopt;
  c.acc.drive += t;
  c.acc.cost += in.cost(c.at, end);
  if (!s.limits_ok(c, r)) return std::nullopt;
  return s.route_cost(c.acc);
}

}  // namespace

bool optimise_nights(State& s) {
  const Instance& in = s.instance();
  const int days = in.days();
  if (days < 2) return false;
  bool changed = false;
  for (int rep = 0; rep < in.reps(); ++rep) {
    const Rep& rp = in.problem().reps[static_cast<std::size_t>(rep)];
    const Overnight& on = rp.overnight;
    if (!on.allowed) continue;
    // Options for the night after day d.
    std::vector<std::vector<Location>> options(static_cast<std::size_t>(days - 1));
    for (int d = 0; d + 1 < days; ++d) {
      auto& opt = options[static_cast<std::size_t>(d)];
      if (on.home_allowed) opt.push_back(rp.home);
      const bool may = on.nights.empty() || (static_cast<std::size_t>(d) < on.nights.size() && on.nights[static_cast<std::size_t>(d)]);
      if (!may) continue;
      auto far_enough = [&](Location l) {
        return in.distance(rp.home, l) >= on.min_distance_from_home;
      };
      for (Location h : on.hotels) {
        if ((on.home_allowed && h == rp.home) || !far_enough(h)) continue;
        if (std::find(opt.begin(), opt.end(), h) == opt.end()) opt.push_back(h);
      }
      const RouteData& rd = s.route(in.route_of(rep, d));
      if (on.near_last_visit && !rd.seq.empty()) {
        const Location l = in.loc(rd.seq.back());
        if (far_enough(l) && std::find(opt.begin(), opt.end(), l) == opt.end()) opt.push_back(l);
      }
    }
    // DP over days; state = (night place, consecutive nights away so far).
    const int max_consec = std::min(on.max_consecutive_nights, days);
    struct Cell {
      Cost cost = std::numeric_limits<Cost>::max();
      int prev_opt = -1;
      int prev_consec = -1;
    };
    // A night at home is never a night away, even where home is also listed as a hotel.
    auto night_cost = [&](Location l) { return l == rp.home ? Cost{0} : on.cost_per_night; };
    auto is_away = [&](Location l) { return l != rp.home; };
    std::vector<std::vector<std::vector<Cell>>> dp(static_cast<std::size_t>(days - 1));
    for (int d = 0; d + 1 < days; ++d) {
      const auto& opt = options[static_cast<std::size_t>(d)];
      dp[static_cast<std::size_t>(d)].assign(opt.size(), std::vector<Cell>(static_cast<std::size_t>(max_consec + 1)));
      for (std::size_t o = 0; o < opt.size(); ++o) {
        const Location end = opt[o];
        if (d == 0) {
          const auto c = route_cost_between(s, in.route_of(rep, 0), rp.home, end);
          if (!c) continue;
          const int k = is_away(end) ? 1 : 0;
          if (k > max_consec) continue;
          auto& cell = dp[0][o][static_cast<std::size_t>(k)];
          cell.cost = *c + night_cost(end);
          continue;
        }
        const auto& popt = options[static_cast<std::size_t>(d - 1)];
        for (std::size_t p = 0; p < popt.size(); ++p) {
          const auto c = route_cost_between(s, in.route_of(rep, d), popt[p], end);
          if (!c) continue;
          for (int k = 0; k <= max_consec; ++k) {
            const Cell& prev = dp[static_cast<std::size_t>(d - 1)][p][static_cast<std::size_t>(k)];
            if (prev.cost == std::numeric_limits<Cost>::max()) continue;
            const int nk = is_away(end) ? k + 1 : 0;
            if (nk > max_consec) continue;
            auto& cell = dp[static_cast<std::size_t>(d)][o][static_cast<std::size_t>(nk)];
            const Cost total = prev.cost + *c + night_cost(end);
            if (total < cell.cost) cell = {total, static_cast<int>(p), k};
          }
        }
      }
    }
    // The last day ends at the final place.
    const int last = days - 1;
    const auto& lopt = options[static_cast<std::size_t>(last - 1)];
    Cost best = std::numeric_limits<Cost>::max();
    int bo = -1, bk = -1;
    for (std::size_t p = 0; p < lopt.size(); ++p) {
      const auto c = route_cost_between(s, in.route_of(rep, last), lopt[p], rp.final_location);
      if (!c) continue;
      for (int k = 0; k <= max_consec; ++k) {
        const Cell& prev = dp[static_cast<std::size_t>(last - 1)][p][static_cast<std::size_t>(k)];
        if (prev.cost == std::numeric_limits<Cost>::max()) continue;
        if (prev.cost + *c < best) {
          best = prev.cost + *c;
          bo = static_cast<int>(p);
          bk = k;
        }
      }
    }
    if (bo < 0) continue;  // no feasible night plan for these routes: keep the current one
    // Current cost, to change only on a strict improvement (stable plans).
    Cost current = 0;
    bool current_ok = true;
    for (int d = 0; d < days && current_ok; ++d) {
      const RouteData& rd = s.route(in.route_of(rep, d));
      const auto c = route_cost_between(s, in.route_of(rep, d), rd.start, rd.end);
      const bool offered = d + 1 >= days ||
          std::find(options[static_cast<std::size_t>(d)].begin(), options[static_cast<std::size_t>(d)].end(), rd.end) !=
              options[static_cast<std::size_t>(d)].end();
      if (!c || !offered) current_ok = false;
      else current += *c + (d + 1 < days ? night_cost(rd.end) : 0);
    }
    if (current_ok && current <= best) continue;
    std::vector<Location> nights(static_cast<std::size_t>(days - 1));
    int o = bo, k = bk;
    for (int d = last - 1; d >= 0; --d) {
      nights[static_cast<std::size_t>(d)] = options[static_cast<std::size_t>(d)][static_cast<std::size_t>(o)];
      const Cell& cell = dp[static_cast<std::size_t>(d)][static_cast<std::size_t>(o)][static_cast<std::size_t>(k)];
      o = cell.prev_opt;
      k = cell.prev_consec;
    }
    for (int d = 0; d < days; ++d) {
      const Location start = d == 0 ? rp.home : nights[static_cast<std::size_t>(d - 1)];
      const Location end = d == last ? rp.final_location : nights[static_cast<std::size_t>(d)];
      const int r = in.route_of(rep, d);
      if (s.route(r).start != start || s.route(r).end != end) {
        s.set_places(r, start, end);
        changed = true;
      }
    }
  }
  return changed;
}

bool nights_valid(const State& s) {
  const Instance& in = s.instance();
  for (int rep = 0; rep < in.reps(); ++rep) {
    const Rep& rp = in.problem().reps[static_cast<std::size_t>(rep)];
    const Overnight& on = rp.overnight;
    int consecutive = 0;
    for (int d = 0; d + 1 < in.days(); ++d) {
      const RouteData& rd = s.route(in.route_of(rep, d));
      const Location l = rd.end;
      if (s.route(in.route_of(rep, d + 1)).start != l) return false;
      if (l == rp.home && (on.home_allowed || std::find(on.hotels.begin(), on.hotels.end(), l) != on.hotels.end())) {
        consecutive = 0;
        continue;
      }
      if (!on.allowed) return false;
      if (!on.nights.empty() && (static_cast<std::size_t>(d) >= on.nights.size() || !on.nights[static_cast<std::size_t>(d)])) return false;
      const bool hotel = std::find(on.hotels.begin(), on.hotels.end(), l) != on.hotels.end();
      const bool near = on.near_last_visit && !rd.seq.empty() && in.loc(rd.seq.back()) == l;
      if (!hotel && !near) return false;
      if (l != rp.home && in.distance(rp.home, l) < on.min_distance_from_home) return false;
      if (l != rp.home && ++consecutive > on.max_consecutive_nights) return false;
    }
  }
  return true;
}

}  // namespace boucle::plan::detail
