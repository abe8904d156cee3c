#include "plan/search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace boucle::plan::detail {

namespace {

// SISR parameters (the paper's defaults: c̄ = 10 removed on average, strings up to 10 long,
// split-string probability 0.5 with β = 0.01, blink rate 0.01).
struct Params {
  double avg_removed = 10;
  int max_string = 10;
  double split_rate = 0.5;
  double split_depth = 0.01;
  double blink = 0.01;
};

enum class Order { random, prize, far, close, ratio };

void sort_pool(const State& s, std::vector<int>& pool, Order order, Rng& rng,
               const std::vector<int>& absence) {
  const Instance& in = s.instance();
  // A fixed shuffle first, so equal keys break ties randomly but reproducibly.
  for (std::size_t i = pool.size(); i > 1; --i) {
    std::swap(pool[i - 1], pool[static_cast<std::size_t>(rng.below(static_cast<int>(i)))]);
  }
  const Location depot = in.reps() > 0 ? in.problem().reps[0].home : 0;
  auto key = [&](int v) -> double {
    switch (order) {
      case Order::random: return 0;
      case Order::prize: return -static_cast<double>(in.prize(v)) / double(std::max<Time>(1, in.duration(v) + 1));
      case Order::far: return -static_cast<double>(in.cost(depot, in.loc(v)));
      case Order::close: return static_cast<double>(in.cost(depot, in.loc(v)));
      case Order::ratio: return 0;
    }
    return 0;
  };
  std::stable_sort(pool.begin(), pool.end(), [&](int a, int b) {
    // Mandatory visits first, then the most often left out, then the order's key.
    if (in.mandatory(a) != in.mandatory(b)) return in.mandatory(a);
    const int aa = absence[static_cast<std::size_t>(a)], ab = absence[static_cast<std::size_t>(b)];
    if (aa != ab) return aa > ab;
    return key(a) < key(b);
  });
}

Order pick_order(Rng& rng) {
  // Weights 4 random, 4 prize, 2 far, 1 close (demand/far/close as in SISR).
  const int x = rng.below(11);
  if (x < 4) return Order::random;
  if (x < 8) return Order::prize;
  if (x < 10) return Order::far;
  return Order::close;
}

class Sisr {
 public:
  Sisr(State& current, std::uint64_t seed)
      : in_(current.instance()), rng_(seed),
        absence_(static_cast<std::size_t>(current.instance().visits()), 0),
        disabled_(static_cast<std::size_t>(current.instance().routes()), 0),
        prizes_matter_(current.instance().typical_prize() > current.instance().typical_arc_cost()) {}

  // Removes strings of visits around a random seed visit; returns them.
  std::vector<int> ruin(State& s) {
    std::vector<int> removed;
    std::vector<int> assigned_visits;
    int nonempty = 0;
    int planned = 0;
    for (int r = 0; r < in_.routes(); ++r) {
      const int n = s.route(r).size();
      nonempty += n > 0 ? 1 : 0;
      planned += n;
    }
    if (planned == 0) return removed;
    const double avg_size = double(planned) / double(std::max(1, nonempty));
    const double ls_max = std::min<double>(p_.max_string, avg_size);
    const double ks_max = 4.0 * p_.avg_removed / (1.0 + ls_max) - 1.0;
    const int ks = static_cast<int>(std::floor(rng_.uniform() * ks_max + 1.0));
    // Seed: a random planned visit; half the time, while a mandatory visit is left out, one
    // of its nearest planned neighbours, to make room where it must go.
    int seed_visit = -1;
    if (rng_.uniform() < 0.5) {
      std::vector<int> missing;
      for (int v = 0; v < in_.visits(); ++v) {
        if (in_.mandatory(v) && !s.assigned(v)) missing.push_back(v);
      }
      if (!missing.empty()) {
        const int m = missing[static_cast<std::size_t>(rng_.below(static_cast<int>(missing.size())))];
        std::vector<int> near;
        for (int w : in_.neighbours(m)) {
          if (s.assigned(w)) near.push_back(w);
          if (near.size() >= 5) break;
        }
        if (!near.empty()) seed_visit = near[static_cast<std::size_t>(rng_.below(static_cast<int>(near.size())))];
      }
    }
    for (int tries = 0; tries < 64 && seed_visit < 0; ++tries) {
      const int v = rng_.below(in_.visits());
      if (s.assigned(v)) seed_visit = v;
    }
    if (seed_visit < 0) {
      for (int v = 0; v < in_.visits() && seed_visit < 0; ++v) {
        if (s.assigned(v)) seed_visit = v;
      }
    }
    std::vector<int> ruined;
    auto visit_string = [&](int c) {
      const int r = s.route_of(c);
      if (r < 0 || std::find(ruined.begin(), ruined.end(), r) != ruined.end()) return;
      if (in_.problem().visits[static_cast<std::size_t>(c)].lock) return;
      ruined.push_back(r);
      const int n = s.route(r).size();
      const int lmax = static_cast<int>(std::min<double>(n, ls_max));
      const int l = std::max(1, static_cast<int>(std::floor(rng_.uniform() * lmax + 1.0)));
      const int pos = s.pos_of(c);  // 1-based
      std::vector<int> seq = s.route(r).seq;
      std::vector<int> take;
      if (rng_.uniform() < p_.split_rate || l >= n) {
        // A string of length l containing c.
        const int lo_min = std::max(1, pos - l + 1), lo_max = std::min(pos, n - l + 1);
        const int lo = lo_min + rng_.below(lo_max - lo_min + 1);
        for (int k = lo; k < lo + l; ++k) take.push_back(k);
      } else {
        // Split string: a string of l + m, of which m consecutive visits stay.
        int m = 1;
        while (l + m < n && rng_.uniform() > p_.split_depth) {
          if (rng_.uniform() < 0.5) break;
          ++m;
        }
        m = std::min(m, n - l);
        const int len = l + m;
        const int lo_min = std::max(1, pos - len + 1), lo_max = std::min(pos, n - len + 1);
        const int lo = lo_min + rng_.below(std::max(1, lo_max - lo_min + 1));
        const int keep = lo + rng_.below(len - m + 1);
        for (int k = lo; k < lo + len; ++k) {
          if (k < keep || k >= keep + m) take.push_back(k);
        }
      }
      for (int k : take) {
        const int v = seq[static_cast<std::size_t>(k - 1)];
        if (in_.problem().visits[static_cast<std::size_t>(v)].lock) continue;
        removed.push_back(v);
      }
    };
    visit_string(seed_visit);
    for (int c : in_.neighbours(seed_visit)) {
      if (static_cast<int>(ruined.size()) >= ks) break;
      visit_string(c);
    }
    // Remove from the routes, one rebuild per route.
    std::vector<char> gone(static_cast<std::size_t>(in_.visits()), 0);
    for (int v : removed) gone[static_cast<std::size_t>(v)] = 1;
    for (int r : ruined) {
      std::vector<int> keep;
      for (int v : s.route(r).seq) {
        if (!gone[static_cast<std::size_t>(v)]) keep.push_back(v);
      }
      s.set_route(r, std::move(keep));
    }
    return removed;
  }

  void recreate(State& s, std::vector<int> pool) {
    // Besides what was removed: unplanned visits near it (optional ones may now fit).
    const auto unplanned = s.unassigned();
    if (unplanned.size() <= 120) {
      for (int v : unplanned) {
        if (std::find(pool.begin(), pool.end(), v) == pool.end()) pool.push_back(v);
      }
    } else {
      std::vector<char> in_pool(static_cast<std::size_t>(in_.visits()), 0);
      for (int v : pool) in_pool[static_cast<std::size_t>(v)] = 1;
      const std::size_t base = pool.size();
      for (std::size_t i = 0; i < base; ++i) {
        int taken = 0;
        for (int w : in_.neighbours(pool[i])) {
          if (taken >= 8) break;
          if (!s.assigned(w) && !in_pool[static_cast<std::size_t>(w)]) {
            in_pool[static_cast<std::size_t>(w)] = 1;
            pool.push_back(w);
            ++taken;
          }
        }
      }
      for (int k = 0; k < 16; ++k) {
        const int v = unplanned[static_cast<std::size_t>(rng_.below(static_cast<int>(unplanned.size())))];
        if (!in_pool[static_cast<std::size_t>(v)]) {
          in_pool[static_cast<std::size_t>(v)] = 1;
          pool.push_back(v);
        }
      }
    }
    Order order = pick_order(rng_);
    if (prizes_matter_ && rng_.uniform() < 0.4) order = Order::ratio;
    sort_pool(s, pool, order, rng_, absence_);
    if (order == Order::ratio) {
      // Prize per unit of detour at the current best place, highest first (orienteering greedy).
      std::vector<std::pair<double, int>> keyed;
      for (int v : pool) {
        State::Insertion ins;
        double key = -1e300;
        if (s.best_insertion(v, ins)) {
          key = static_cast<double>(in_.prize(v)) / (static_cast<double>(std::max<Cost>(ins.delta, 0)) + in_.typical_arc_cost() * 0.1);
        }
        if (in_.mandatory(v)) key = 1e300;
        keyed.emplace_back(key, v);
      }
      std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      for (std::size_t k = 0; k < keyed.size(); ++k) pool[k] = keyed[k].second;
    }
    for (int v : pool) insert_one(s, v);
  }

  bool insert_one(State& s, int v) {
    if (s.assigned(v)) return true;
    State::Insertion best;
    bool found = false;
    for (int r = 0; r < in_.routes(); ++r) {
      if (disabled_[static_cast<std::size_t>(r)]) continue;
      const Cost extra = in_.route_weight() > 0 && s.route(r).seq.empty() ? in_.route_weight() : 0;
      State::Insertion ins;
      const Cost bound = found ? best.delta - extra : std::numeric_limits<Cost>::max();
      if (!s.best_insertion(v, ins, r, p_.blink, &rng_, bound)) continue;
      const Cost delta = ins.delta + extra;
      if (!found || delta < best.delta) {
        found = true;
        best = ins;
        best.delta = delta;
      }
    }
    if (!found) return false;
    if (!in_.mandatory(v) && in_.prize(v) - best.delta <= 0) return false;
    s.insert(v, best.route, best.node);
    return true;
  }

  // Moves one night to another allowed place (a hotel, home, next to the last visit), then drops
  // visits from the two days it joins until both are feasible again; returns the dropped ones.
  // Lets the search explore hotel sequences, which insertion alone cannot change.
  std::vector<int> shake_night(State& s) {
    std::vector<int> dropped;
    std::vector<int> reps;
    for (int rep = 0; rep < in_.reps(); ++rep) {
      if (in_.problem().reps[static_cast<std::size_t>(rep)].overnight.allowed) reps.push_back(rep);
    }
    if (reps.empty() || in_.days() < 2) return dropped;
    const int rep = reps[static_cast<std::size_t>(rng_.below(static_cast<int>(reps.size())))];
    const Rep& rp = in_.problem().reps[static_cast<std::size_t>(rep)];
    const Overnight& on = rp.overnight;
    const int d = rng_.below(in_.days() - 1);
    if (!on.nights.empty() && (static_cast<std::size_t>(d) >= on.nights.size() || !on.nights[static_cast<std::size_t>(d)])) return dropped;
    std::vector<Location> options;
    if (on.home_allowed) options.push_back(rp.home);
    for (Location h : on.hotels) {
      if (h == rp.home || in_.distance(rp.home, h) >= on.min_distance_from_home) options.push_back(h);
    }
    const int r0 = in_.route_of(rep, d), r1 = in_.route_of(rep, d + 1);
    if (on.near_last_visit && !s.route(r0).seq.empty()) options.push_back(in_.loc(s.route(r0).seq.back()));
    // A night next to a store not planned yet, which becomes the day's last visit: the way to
    // reach a far cluster that no day from home can.
    int anchor = -1;
    if (on.near_last_visit && rng_.uniform() < 0.5) {
      for (int tries = 0; tries < 8 && anchor < 0; ++tries) {
        const int v = rng_.below(in_.visits());
        if (!s.assigned(v) && in_.allowed(v, r0) && s.frequency_ok(v, d) &&
            in_.distance(rp.home, in_.loc(v)) >= on.min_distance_from_home) {
          anchor = v;
        }
      }
    }
    Location night = 0;
    if (anchor >= 0) {
      night = in_.loc(anchor);
    } else {
      if (options.empty()) return dropped;
      night = options[static_cast<std::size_t>(rng_.below(static_cast<int>(options.size())))];
    }
    if (night == s.route(r0).end) return dropped;
    s.set_places(r0, s.route(r0).start, night);
    s.set_places(r1, night, s.route(r1).end);
    if (anchor >= 0) {
      auto seq = s.route(r0).seq;
      seq.push_back(anchor);
      s.set_route(r0, seq);
    }
    auto ok = [&](int r) {
      const RouteData& rd = s.route(r);
      if (!rd.feasible) return false;
      const DayShift& sh = in_.shift(r);
      const Acc& t = rd.total();
      return t.drive <= sh.max_drive && t.drive + t.service <= sh.max_work && t.load <= rp.capacity;
    };
    while (!ok(r0) && s.route(r0).size() > (anchor >= 0 ? 1 : 0)) {
      const auto& seq0 = s.route(r0).seq;
      const int v = anchor >= 0 ? seq0[seq0.size() - 2] : seq0.back();
      if (in_.problem().visits[static_cast<std::size_t>(v)].lock) break;
      s.remove(v);
      dropped.push_back(v);
    }
    while (!ok(r1) && !s.route(r1).seq.empty()) {
      const int v = s.route(r1).seq.front();
      if (in_.problem().visits[static_cast<std::size_t>(v)].lock) break;
      s.remove(v);
      dropped.push_back(v);
    }
    failed_ = !ok(r0) || !ok(r1);  // e.g. even the empty day cannot reach that hotel
    return dropped;
  }

  void count_absences(const State& s) {
    for (int v = 0; v < in_.visits(); ++v) {
      if (!s.assigned(v) && in_.mandatory(v)) ++absence_[static_cast<std::size_t>(v)];
    }
  }

  Rng& rng() { return rng_; }
  std::vector<char>& disabled() { return disabled_; }
  std::int64_t absence_sum(const State& s) const {
    std::int64_t a = 0;
    for (int v = 0; v < in_.visits(); ++v) {
      if (!s.assigned(v)) a += absence_[static_cast<std::size_t>(v)];
    }
    return a;
  }

 private:
  const Instance& in_;
  Rng rng_;
  Params p_;
  std::vector<int> absence_;
  std::vector<char> disabled_;
  bool prizes_matter_ = false;

 public:
  bool failed_ = false;  // the last shake_night left a day infeasible
};

bool has_overnight(const Instance& in) {
  for (const Rep& r : in.problem().reps) {
    if (r.overnight.allowed) return true;
  }
  return false;
}

}  // namespace

void construct(State& s, Rng& rng) {
  // Nights first, on the empty days: the last days may only be feasible from a hotel (OPHS
  // trips of length zero must already end at the final hotel).
  optimise_nights(s);
  Sisr sisr(s, rng.next());
  std::vector<int> pool = s.unassigned();
  sisr.recreate(s, pool);
  optimise_nights(s);
}

SearchResult run_search(State& best, const Budget& budget, std::uint64_t seed,
                        const std::function<void(const State&, std::int64_t)>& on_improve) {
  const Instance& in = best.instance();
  Sisr sisr(best, seed);
  SearchResult result;
  const bool nights = has_overnight(in) && in.days() > 1;
  // Temperatures scale with what one decision is worth here: from one typical arc down to a
  // hundredth of it, and for the score part from half a typical prize (values measured on the
  // Solomon, TOPTW and OPHS sets, docs/PLANNER.md).
  const double t0f = 1.0, tff = 0.01;
  // When prizes dwarf travel (benchmarks that put the score first), one temperature cannot
  // serve both: a prize-sized one lets distances drift and wastes the time budget, an arc-sized
  // one never gives up a visit. The score part and the travel part then get a temperature each.
  const bool split = in.typical_prize() > 1000.0 * in.typical_arc_cost();
  const double scale = split ? in.typical_arc_cost() : std::max(in.typical_arc_cost(), 0.1 * in.typical_prize());
  const double t0 = t0f * scale, tf = tff * scale;
  const double pt0 = split ? 0.5 * in.typical_prize() : 0.0;
  const double ptf = split ? pt0 * tff / t0f : 0.0;

  std::int64_t it = 0;
  auto out_of_budget = [&] {
    if (budget.iterations > 0 && it >= budget.iterations) return true;
    return (it & 15) == 0 && budget.elapsed() >= budget.seconds;
  };

  // Phase 1, routes first: take a route away, and search with one route fewer until every
  // mandatory visit is back in (then take another away), for up to half the budget.
  if (in.route_weight() > 0 && best.missing_mandatory() == 0) {
    State current = best;
    const double phase_end = 0.5;
    while (!out_of_budget() && budget.progress(it) < phase_end && current.used_routes() > 1) {
      // Disable every empty route and the smallest non-empty one.
      int smallest = -1;
      for (int r = 0; r < in.routes(); ++r) {
        const int n = current.route(r).size();
        sisr.disabled()[static_cast<std::size_t>(r)] = n == 0 ? 1 : 0;
        if (n > 0 && (smallest < 0 || n < current.route(smallest).size())) smallest = r;
      }
      sisr.disabled()[static_cast<std::size_t>(smallest)] = 1;
      current.set_route(smallest, {});
      sisr.recreate(current, {});
      State cur = current;
      bool success = cur.missing_mandatory() == 0;
      // One attempt gets at most a quarter of the budget: the last, failing attempt is the
      // usual case, and its time is better spent on distance.
      const double attempt_end = std::min(phase_end, budget.progress(it) + 0.25);
      while (!success && !out_of_budget() && budget.progress(it) < attempt_end) {
        ++it;
        State cand = cur;
        auto removed = sisr.ruin(cand);
        sisr.recreate(cand, std::move(removed));
        const int mc = cand.missing_mandatory(), mu = cur.missing_mandatory();
        if (mc < mu || (mc == mu && sisr.absence_sum(cand) < sisr.absence_sum(cur)) ||
            (mc == mu && cand.scalar() < cur.scalar() - static_cast<Cost>(t0 * std::log(1.0 / std::max(1e-12, sisr.rng().uniform()))))) {
          cur = std::move(cand);
        }
        sisr.count_absences(cur);
        success = cur.missing_mandatory() == 0;
      }
      if (!success) break;
      current = cur;
      if (current.scalar() < best.scalar()) {
        best = current;
        if (on_improve) on_improve(best, it);
      }
    }
    std::fill(sisr.disabled().begin(), sisr.disabled().end(), 0);
    // Routes the best solution does not use stay closed: the count only goes down from here.
    for (int r = 0; r < in.routes(); ++r) {
      sisr.disabled()[static_cast<std::size_t>(r)] = best.route(r).seq.empty() ? 1 : 0;
    }
  }

  // Phase 2: SISR under simulated annealing on the full objective.
  State current = best;
  Cost current_scalar = current.scalar();
  Cost current_travel = current.travel_part();
  Cost best_scalar = best.scalar();
  std::int64_t last_ls = -1000;
  while (!out_of_budget()) {
    ++it;
    State cand = current;
    std::vector<int> shaken;
    if (nights && sisr.rng().uniform() < 0.2) {
      shaken = sisr.shake_night(cand);
      if (sisr.failed_) continue;
    }
    auto removed = sisr.ruin(cand);
    removed.insert(removed.end(), shaken.begin(), shaken.end());
    sisr.recreate(cand, std::move(removed));
    if (nights) {
      optimise_nights(cand);
      // A stale "near the last visit" night, or a day the nights left infeasible.
      if (!nights_valid(cand) || !cand.all_feasible()) continue;
    }
    const double progress = budget.progress(it);
    const double temperature = t0 * std::pow(tf / t0, progress);
    const Cost cand_scalar = cand.scalar();
    const Cost cand_travel = cand.travel_part();
    const double u = std::max(1e-12, sisr.rng().uniform());
    bool accept = false;
    if (split) {
      const double pt = pt0 * std::pow(ptf / pt0, progress);
      const double dp = static_cast<double>((cand_scalar - cand_travel) - (current_scalar - current_travel));
      const double dd = static_cast<double>(cand_travel - current_travel);
      accept = dp / pt + dd / temperature < -std::log(u);
    } else {
      accept = static_cast<double>(cand_scalar) < static_cast<double>(current_scalar) - temperature * std::log(u);
    }
    if (accept) {
      current = std::move(cand);
      current_scalar = cand_scalar;
      current_travel = cand_travel;
      if (current_scalar < best_scalar) {
        if (it - last_ls > 50) {
          State polished = current;
          local_search(polished, sisr.rng());
          if (nights) optimise_nights(polished);
          if (!nights || (nights_valid(polished) && polished.all_feasible())) {
            current = std::move(polished);
            current_scalar = current.scalar();
            current_travel = current.travel_part();
          }
          last_ls = it;
        }
        best = current;
        best_scalar = current_scalar;
        if (on_improve) on_improve(best, it);
      }
    }
    sisr.count_absences(current);
  }
  // Final polish of the best.
  const Cost before = best.scalar();
  State polished = best;
  local_search(polished, sisr.rng());
  if (nights) optimise_nights(polished);
  if (polished.scalar() < before && (!nights || (nights_valid(polished) && polished.all_feasible()))) {
    best = std::move(polished);
    if (on_improve) on_improve(best, it);
  }
  result.iterations = it;
  return result;
}

}  // namespace boucle::plan::detail
