#pragma once

#include <cstdint>
#include <functional>

#include "plan/model.hpp"
#include "plan/solution.hpp"

namespace boucle::plan {

struct Progress {
  std::int64_t iteration = 0;
  double seconds = 0;
  Objective best;
};

struct SolveOptions {
  std::uint64_t seed = 1;
  // The search stops at whichever comes first. With an iteration budget the result depends only
  // on the input and the seed; a time limit alone makes it depend on the machine's speed.
  double time_limit_seconds = 10.0;
  std::int64_t max_iterations = -1;  // -1: no iteration budget
  int threads = 1;                   // independent searches with derived seeds, best kept
  // Called (from the solving thread) each time the best solution improves.
  std::function<void(const Progress&)> on_improve;
  // A previous plan to start from (re-planning keeps what it can).
  const Solution* initial = nullptr;
};

struct SolveStats {
  std::int64_t iterations = 0;
  double seconds = 0;
};

Solution solve(const Problem& problem, const SolveOptions& options, SolveStats* stats = nullptr);

}  // namespace boucle::plan
