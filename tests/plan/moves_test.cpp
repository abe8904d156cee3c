// Property tests of the local-search moves on seeded random problems: the gain a move reports is
// the real change of the objective, no visit is lost or duplicated, and a feasible plan stays
// feasible (re-checked by the independent validator).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "generator.hpp"
#include "plan/moves.hpp"
#include "plan/search.hpp"
#include "plan/validate.hpp"

namespace boucle::plan::detail {
namespace {

using plan::testing::GeneratorOptions;
using plan::testing::random_problem;

std::multiset<int> planned_visits(const State& s) {
  std::multiset<int> out;
  for (int r = 0; r < s.instance().routes(); ++r) {
    for (int v : s.route(r).seq) out.insert(v);
  }
  return out;
}

std::vector<GeneratorOptions> option_sets() {
  GeneratorOptions real;
  real.visits = 45;
  real.reps = 2;
  real.days = 3;
  real.frequency_groups = 2;
  real.typed_share = 0.5;
  real.fixed_appointments = 1;
  real.locks = 2;
  GeneratorOptions euclid;
  euclid.euclidean = true;
  euclid.visits = 40;
  euclid.reps = 4;
  euclid.days = 1;
  return {real, euclid};
}

TEST(Moves, ReportedGainIsTheRealChangeAndFeasibilityHolds) {
  std::map<std::string, int> applied;
  for (const GeneratorOptions& o : option_sets()) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const Problem p = random_problem(seed, o);
      const Instance in(p);
      State s(in);
      Rng rng(seed);
      construct(s, rng);
      ASSERT_TRUE(validate(p, s.to_solution()).empty());
      for (int trial = 0; trial < 300; ++trial) {
        const int u = rng.below(in.visits());
        if (!s.assigned(u)) continue;
        const auto& nb = in.neighbours(u);
        const int w = nb[static_cast<std::size_t>(rng.below(static_cast<int>(nb.size())))];
        std::vector<Move> moves = moves_between(s, u, w);
        if (!in.mandatory(u)) moves.push_back(remove_move(s, u));
        for (int v : s.unassigned()) {
          if (auto m = insert_move(s, v)) moves.push_back(*m);
          break;
        }
        for (const Move& m : moves) {
          const auto gain = move_gain(s, m);
          if (!gain) continue;
          State t = s;
          const Cost before = t.scalar();
          apply_move(t, m);
          ASSERT_EQ(before - t.scalar(), *gain) << m.kind << " seed " << seed;
          // Same visits planned, except the one inserted or removed.
          auto a = planned_visits(s), b = planned_visits(t);
          for (int v : m.inserted) a.insert(v);
          for (int v : m.removed) b.insert(v);
          ASSERT_EQ(a, b) << m.kind;
          for (int v : b) ASSERT_EQ(b.count(v), 1u) << m.kind;
          const auto violations = validate(p, t.to_solution());
          ASSERT_TRUE(violations.empty()) << m.kind << ": " << violations.front().rule << " "
                                          << violations.front().message;
          ++applied[std::string(m.kind)];
          if (*gain > 0 || rng.below(4) == 0) {  // walk on (the other moves are now stale)
            s = std::move(t);
            break;
          }
        }
      }
    }
  }
  // Every kind of move was exercised.
  for (const char* kind : {"relocate", "swap", "2-opt*", "or-opt", "cross", "2-opt", "insert", "remove"}) {
    EXPECT_GT(applied[kind], 0) << kind;
  }
}

TEST(Moves, LocalSearchNeverMakesThePlanWorseOrInvalid) {
  for (const GeneratorOptions& o : option_sets()) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const Problem p = random_problem(seed, o);
      const Instance in(p);
      State s(in);
      Rng rng(seed);
      construct(s, rng);
      const Cost before = s.scalar();
      const Cost gain = local_search(s, rng);
      EXPECT_EQ(before - s.scalar(), gain);
      EXPECT_GE(gain, 0);
      EXPECT_TRUE(validate(p, s.to_solution()).empty());
    }
  }
}

}  // namespace
}  // namespace boucle::plan::detail
