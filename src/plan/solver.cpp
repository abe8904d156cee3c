#include "plan/solver.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include "plan/moves.hpp"
#include "plan/search.hpp"

namespace boucle::plan {

namespace detail {

namespace {

// Starts from a previous plan: its routes as far as they are still feasible (visits that no
// longer fit are dropped from the end), then the usual construction for the rest.
void warm_start(State& s, const Solution& initial) {
  const Instance& in = s.instance();
  for (const Route& route : initial.routes) {
    if (route.rep < 0 || route.rep >= in.reps() || route.day < 0 || route.day >= in.days()) continue;
    const int r = in.route_of(route.rep, route.day);
    std::vector<int> seq;
    for (const Stop& st : route.stops) {
      if (st.visit < 0 || st.visit >= in.visits() || s.assigned(st.visit)) continue;
      if (!in.allowed(st.visit, r)) continue;
      seq.push_back(st.visit);
    }
    s.set_route(r, seq);
    while (!s.route(r).seq.empty()) {
      const Cursor c = s.evaluate(r, 0, s.route(r).seq, r, s.route(r).size() + 1);
      if (c.ok && s.limits_ok(c, r)) break;
      auto shorter = s.route(r).seq;
      shorter.pop_back();
      s.set_route(r, shorter);
    }
  }
}

Reason reason_for(const State& s, int v) {
  const Instance& in = s.instance();
  const Visit& x = in.problem().visits[static_cast<std::size_t>(v)];
  bool any_allowed = false, any_alone = false, any_frequency = false;
  for (int r = 0; r < in.routes(); ++r) {
    if (!in.allowed(v, r)) continue;
    any_allowed = true;
    // Alone on an empty day between that day's places.
    Cursor c;
    const DayShift& sh = in.shift(r);
    c.d0 = sh.start_earliest;
    c.d1 = lunch_at(sh, sh.start_earliest);
    c.at = s.route(r).start;
    s.step(c, r, v);
    if (!c.ok) continue;
    const Time back = in.time(c.at, s.route(r).end);
    if (!reachable(c.d1) || (reachable(sh.end_latest) && c.d1 + back > sh.end_latest)) continue;
    c.acc.drive += back;
    if (!s.limits_ok(c, r)) continue;
    any_alone = true;
    if (s.frequency_ok(v, in.route_day(r))) any_frequency = true;
  }
  if (x.lock && !any_alone) return Reason::locked_elsewhere;
  if (!any_allowed) return Reason::closed;
  if (!any_alone) return Reason::unreachable;
  if (!any_frequency) return Reason::frequency;
  State::Insertion ins;
  if (s.best_insertion(v, ins)) return Reason::not_worth_detour;
  return Reason::no_time_left;
}

}  // namespace

}  // namespace detail

Solution solve(const Problem& problem, const SolveOptions& options, SolveStats* stats) {
  using namespace detail;
  const Budget budget{std::chrono::steady_clock::now(), options.time_limit_seconds,
                      options.max_iterations};
  const Instance in(problem);
  State start(in);
  Rng rng(options.seed);
  if (options.initial) warm_start(start, *options.initial);
  construct(start, rng);
  {
    State polished = start;
    local_search(polished, rng);
    optimise_nights(polished);
    if (nights_valid(polished) && polished.all_feasible()) start = std::move(polished);
  }

  const int threads = std::max(1, options.threads);
  std::vector<State> results(static_cast<std::size_t>(threads), start);
  std::vector<std::int64_t> iterations(static_cast<std::size_t>(threads), 0);
  std::mutex progress_mutex;
  Cost reported = start.scalar();
  if (options.on_improve) options.on_improve(Progress{0, budget.elapsed(), start.objective()});
  auto report = [&](const State& s, std::int64_t it) {
    if (!options.on_improve) return;
    const Cost sc = s.scalar();
    std::lock_guard lock(progress_mutex);
    if (sc >= reported) return;
    reported = sc;
    options.on_improve(Progress{it, budget.elapsed(), s.objective()});
  };
  auto work = [&](int k) {
    const std::uint64_t seed = options.seed * 0x100000001B3ULL + static_cast<std::uint64_t>(k) * 0x9E3779B9ULL;
    iterations[static_cast<std::size_t>(k)] =
        run_search(results[static_cast<std::size_t>(k)], budget, seed, report).iterations;
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k) pool.emplace_back(work, k);
    for (auto& t : pool) t.join();
  }
  std::size_t best = 0;
  for (std::size_t k = 1; k < results.size(); ++k) {
    if (results[k].scalar() < results[best].scalar()) best = k;
  }
  State& s = results[best];
  {
    State polished = s;
    optimise_nights(polished);
    if (nights_valid(polished) && polished.all_feasible()) s = std::move(polished);
  }
  Solution out = s.to_solution();
  for (Unplanned& u : out.unplanned) u.reason = reason_for(s, u.visit);
  if (stats) {
    stats->iterations = 0;
    for (auto i : iterations) stats->iterations += i;
    stats->seconds = budget.elapsed();
  }
  return out;
}

}  // namespace boucle::plan
