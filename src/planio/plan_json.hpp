#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "plan/solution.hpp"
#include "plan/solver.hpp"
#include "planio/problem_json.hpp"

// The plan as users read it (docs/PLAN_FORMAT.md, "The plan"): dates, "HH:MM" local times,
// kilometres, minutes and euros; visits, reps and places by the names the problem gave them.
namespace boucle::planio {

struct PlanJsonOptions {
  bool timing =
      true;  // false: no stats.seconds, so that the same input and seed give the same bytes
};

boost::json::value plan_to_json(const LoadedProblem& loaded, const plan::Solution& solution,
                                const plan::SolveStats& stats, const PlanJsonOptions& options = {});

// Why a visit is unplanned, in a sentence.
std::string reason_text(plan::Reason reason);

// Indented JSON for people: two spaces, a container on one line when it fits in 100 columns,
// numbers as written by a person (123.4, not 1.234E2). Ends with a newline.
std::string to_pretty_json(const boost::json::value& value);

}  // namespace boucle::planio
