#include "sim/demo.hpp"

#include "sim/calendar.hpp"
#include "sim/loop.hpp"
#include "sim/policy.hpp"
#include "sim/world.hpp"

namespace boucle::sim {

Scenario demo_scenario(const DemoOptions& options) {
  Scenario s;
  s.name = "demo";
  s.seed = options.seed;
  s.stores = options.stores;
  s.reps = options.reps;
  s.weeks = options.weeks;
  s.area = options.area;
  const Day monday = iso_monday(paris_local(options.now).day);
  s.start = format_day(monday - 7 * options.weeks);
  // The regime change falls in the history's last third, where the demo's curves show it.
  s.regime.week = options.weeks * 2 / 3;
  return s;
}

DemoResult seed_demo(const std::string& db_path, const DemoOptions& options) {
  const World world = build_world(demo_scenario(options));
  auto policy = make_policy("rules", world.scenario);
  RunOptions run;
  run.db_path = db_path;
  run.progress = options.progress;
  run.plan_ahead_at = options.now;
  run.plan_ahead_days = options.plan_days;
  DemoResult out;
  out.run = run_closed_loop(world, *policy, run);
  out.logins = world.users;
  return out;
}

std::vector<Account> demo_logins(const DemoOptions& options) {
  return build_world(demo_scenario(options)).users;
}

}  // namespace boucle::sim
