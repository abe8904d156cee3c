// planner_week [--reference-seconds S] [--seeds N]: the realistic week of issue 3. For each seed,
// a reference plan with a long time limit, then the value reached at short limits (gap to the
// reference), and re-planning the rest of a day after a cancellation and a delay (milliseconds).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "plan/generator.hpp"  // tests/plan: the seeded problem generator
#include "plan/replan.hpp"
#include "plan/solver.hpp"
#include "plan/validate.hpp"

using namespace boucle::plan;

namespace {

Problem week(std::uint64_t seed) {
  testing::GeneratorOptions o;
  o.visits = 400;
  o.days = 5;
  o.reps = 1;
  o.radius_km = 120;
  o.overnight = true;
  o.fixed_appointments = 1;
  o.day_appointments = 1;
  o.week_appointments = 1;
  o.frequency_groups = 5;
  o.typed_share = 0.5;
  o.mandatory_share = 0.01;
  return testing::random_problem(seed, o);
}

double value_eur(const Objective& o) { return static_cast<double>(o.value) / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  double reference = 60;
  int seeds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--reference-seconds")) reference = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seeds")) seeds = std::atoi(argv[i + 1]);
  }
  std::printf("seed,limit_s,iterations,value_eur,gap_to_reference_pct,planned,mandatory,violations\n");
  std::vector<double> replan_ms;
  for (int seed = 1; seed <= seeds; ++seed) {
    const Problem p = week(static_cast<std::uint64_t>(seed));
    SolveOptions ro;
    ro.seed = 1;
    ro.time_limit_seconds = reference;
    std::fprintf(stderr, "seed %d: reference run of %.0f s...\n", seed, reference);
    SolveStats ref_stats;
    const Solution ref = solve(p, ro, &ref_stats);
    for (double limit : {0.25, 0.5, 1.0, 2.0, reference}) {
      SolveOptions o;
      o.seed = 1;
      o.time_limit_seconds = limit;
      SolveStats stats = ref_stats;
      const Solution s = limit == reference ? ref : solve(p, o, &stats);
      int planned = 0;
      for (const auto& r : s.routes) planned += static_cast<int>(r.stops.size());
      // The gap in value means something only at the same mandatory level.
      const bool same = s.objective.mandatory_planned == ref.objective.mandatory_planned;
      const double gap = same ? (value_eur(ref.objective) - value_eur(s.objective)) / value_eur(ref.objective) * 100
                              : (s.objective.mandatory_planned < ref.objective.mandatory_planned ? 1e9 : -1e9);
      std::printf("%d,%.2f,%lld,%.2f,%.3f,%d,%d/%d,%zu\n", seed, limit, static_cast<long long>(stats.iterations),
                  value_eur(s.objective), gap, planned,
                  s.objective.mandatory_planned, s.objective.mandatory_total, validate(p, s).size());
    }
    // Re-planning: on each day with at least 4 stops, two done, forty minutes late, one cancelled.
    for (const auto& r : ref.routes) {
      if (r.stops.size() < 4) continue;
      FieldState st;
      st.rep = r.rep;
      st.day = r.day;
      st.done = {r.stops[0].visit, r.stops[1].visit};
      st.location = p.visits[static_cast<std::size_t>(r.stops[1].visit)].location;
      st.now = r.stops[1].end + 40 * 60;
      Change ch;
      ch.cancelled = {r.stops[2].visit};
      SolveOptions o;
      o.seed = 1;
      o.max_iterations = 300;
      const auto t0 = std::chrono::steady_clock::now();
      const Solution next = replan_day(p, ref, st, ch, o);
      replan_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      (void)next;
    }
  }
  std::sort(replan_ms.begin(), replan_ms.end());
  double sum = 0;
  for (double x : replan_ms) sum += x;
  if (!replan_ms.empty()) {
    std::printf("replan_day: %zu re-plans, mean %.1f ms, median %.1f ms, max %.1f ms\n", replan_ms.size(),
                sum / static_cast<double>(replan_ms.size()), replan_ms[replan_ms.size() / 2], replan_ms.back());
  }
  return 0;
}
