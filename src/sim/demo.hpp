#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.hpp"
#include "sim/records.hpp"
#include "sim/scenario.hpp"

// The demo territory of `boucle demo`: a world built by the simulator (one region, 1,500 stores,
// 8 reps by default) whose history is lived through the closed loop — the `rules` policy, the
// real planner, visits, audits, orders and ERP sales written through the API — for the weeks
// before `now`, and whose reps then find the coming days' plans published.
//
// Demo logins (fixed; the README prints them):
//   admin    admin@boucle.test    / admin-demo-2026
//   manager  manager@boucle.test  / manager-demo-2026
//   reps     rep1@boucle.test     / rep1-demo-2026, rep2@boucle.test / rep2-demo-2026, …
namespace boucle::sim {

struct DemoOptions {
  std::uint64_t seed = 42;
  int stores = 1500;
  int reps = 8;
  int weeks = 26;  // weeks of history before now's week
  std::vector<std::string> area = {"ara"};
  core::UnixSeconds now = 0;  // the end of history
  int plan_days = 7;          // days planned ahead from the day after now
  std::function<void(std::string_view)> progress;
};

// The demo's scenario: the defaults, the options, and week 0 `weeks` Mondays before now's week.
Scenario demo_scenario(const DemoOptions& options);

struct DemoResult {
  std::vector<Account> logins;  // admin, manager, then the reps
  boost::json::object run;      // the closed loop's result (docs/SIMULATOR.md)
};

// Seeds the demo into the SQLite file `db_path` (which must hold no data yet).
DemoResult seed_demo(const std::string& db_path, const DemoOptions& options);

// The logins seed_demo(…, options) creates, without seeding anything.
std::vector<Account> demo_logins(const DemoOptions& options);

}  // namespace boucle::sim
