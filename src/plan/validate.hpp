#pragma once

#include <string>
#include <vector>

#include "plan/model.hpp"
#include "plan/solution.hpp"

// An independent re-check of a plan against every rule of the model. It shares no code with the
// solver's evaluation: it recomputes every time, distance and cost from the problem alone.
namespace boucle::plan {

struct Violation {
  std::string rule;     // stable short name, e.g. "window", "lunch", "max_drive", "frequency"
  std::string message;  // human-readable detail with the route/visit concerned
};

std::vector<Violation> validate(const Problem& problem, const Solution& solution);

// The objective recomputed from the routes alone (ignores solution.objective).
Objective recompute_objective(const Problem& problem, const Solution& solution);

}  // namespace boucle::plan
