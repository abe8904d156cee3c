#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "plan/state.hpp"

// Local-search moves. Every move is described the same way: for each route it touches, the new
// route is "the first i nodes of `route`, then `mid`, then the nodes of `suf` from j on". The
// feasibility check walks only `mid` (and the one node joining the suffix), which is O(1) per
// node thanks to the routes' forward/backward data.
namespace boucle::plan::detail {

struct RouteEdit {
  int route = 0;
  int i = 0;             // keep nodes 1..i of `route`
  std::vector<int> mid;  // then these visits
  int suf = 0;           // then nodes j..n of route `suf`
  int j = 1;
};

struct Move {
  std::string_view kind;
  std::vector<RouteEdit> edits;  // at most one per route
  std::vector<int> inserted;     // visits that were unplanned
  std::vector<int> removed;      // visits that become unplanned
};

// Scalar improvement (old − new, > 0 is better) if the move is feasible.
std::optional<Cost> move_gain(const State& s, const Move& m);
void apply_move(State& s, const Move& m);

// The new sequence an edit produces (reads the state before the move).
std::vector<int> edited_sequence(const State& s, const RouteEdit& e);

// Candidate moves around visit u and a neighbour w (both planned); used by the local search and
// by the property tests.
std::vector<Move> moves_between(const State& s, int u, int w);
// Insert an unplanned visit at its best place; remove a planned optional visit.
std::optional<Move> insert_move(const State& s, int v);
Move remove_move(const State& s, int v);

}  // namespace boucle::plan::detail
