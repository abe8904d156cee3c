#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/units.hpp"
#include "sim/policy.hpp"
#include "sim/world.hpp"

// The closed loop: week after week the policy picks stores, the real planning service builds
// and publishes each rep's tours, reps execute them (delays, cancellations, closed stores),
// the hidden truth decides what their actions achieve, and everything a real CRM would receive
// (visits with audits and orders, the ERP's lagged weekly sell-in) is written through the
// API's write path into a real SQLite database. Next to it, the same world with no visit at all
// lives through the same luck: the difference is the policy's true incremental effect.
namespace boucle::sim {

struct RunOptions {
  std::string db_path;                             // empty: a temporary file, removed at the end
  int threads = 2;                                 // reps planned and executed side by side
  std::size_t max_priorities = 80;                 // stores offered to the planner per rep and week
  std::function<void(std::string_view)> progress;  // one line per week
  // After the last week, at this instant (the real clock when unset), plan and publish each
  // rep's next `plan_ahead_days` days from the following day, without executing them: what the
  // demo's reps find when they open the app.
  std::optional<core::UnixSeconds> plan_ahead_at;
  int plan_ahead_days = 7;
};

// The run as JSON: {"policy", "seed", "scenario", "new_range", "ranges", "summary", "weeks"};
// docs/SIMULATOR.md lists every metric.
boost::json::object run_closed_loop(const World& world, Policy& policy, const RunOptions& options);

}  // namespace boucle::sim
