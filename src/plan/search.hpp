#pragma once

#include <chrono>
#include <functional>

#include "plan/solver.hpp"
#include "plan/state.hpp"

// The metaheuristic: ruin and recreate with adjacent string removal and greedy insertion with
// blinks (SISR, Christiaens & Vanden Berghe 2020) under simulated annealing, a fleet-minimisation
// phase when routes come first, night (hotel) selection by dynamic programming after every
// recreate, and a local search with the classic moves on every new best.
namespace boucle::plan::detail {

struct Budget {
  std::chrono::steady_clock::time_point start;
  double seconds = 10;
  std::int64_t iterations = -1;
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  // Fraction of the budget used, in [0, 1].
  double progress(std::int64_t it) const {
    double p = seconds > 0 ? elapsed() / seconds : 1.0;
    if (iterations > 0) p = std::max(p, static_cast<double>(it) / static_cast<double>(iterations));
    return std::min(1.0, p);
  }
};

struct SearchResult {
  std::int64_t iterations = 0;
};

// Improves `best` in place (it must hold a starting solution).
SearchResult run_search(State& best, const Budget& budget, std::uint64_t seed,
                        const std::function<void(const State&, std::int64_t)>& on_improve);

// Greedy construction: every visit, mandatory first, inserted at its cheapest place.
void construct(State& s, Rng& rng);

// Re-chooses where each rep sleeps (home, hotels, near the last visit) for the current routes.
// Returns true if anything changed.
bool optimise_nights(State& s);
// Every night at a place the rules allow (a "near the last visit" night still next to it).
bool nights_valid(const State& s);

// Local search with relocate, swap, 2-opt*, or-opt, cross-exchange, insert and remove optional
// visits; first improvement until none. Returns the scalar gain.
Cost local_search(State& s, Rng& rng);

}  // namespace boucle::plan::detail
