#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/domain.hpp"
#include "sim/world.hpp"

// The weekly dynamics of the hidden shelves, and what a visit changes.
//
// Every random event is a pure function of (seed, event kind, store, product, week, …) — common
// random numbers — so that the world with a policy's visits and the world without any visit
// (the counterfactual) live through exactly the same luck: the same demand noise, the same
// delisting and out-of-stock draws. The difference between the two is the true effect of the
// visits, known exactly rather than estimated.
namespace boucle::sim {

struct Shelf {
  bool present = false;  // listed and on the shelf
  bool oos = false;      // listed but out of stock
  int facings = 0;
  int promo_weeks = 0;  // weeks of promotion left
  double cover = 0;     // weeks an order still protects from running out
};

struct StoreState {
  double care = 0;  // effect of the last visit, 1 right after it, decaying
  double relationship = 0.5;
  double responsiveness = 1;  // can change at the regime change
  std::vector<Shelf> shelf;   // parallel to SimStore::assortment
};

struct WorldState {
  std::vector<StoreState> stores;
};

// The state at the start of week 0 (the same for every policy and for the counterfactual).
WorldState initial_state(const World& world);

// One product as the rep records it at the end of the visit (with measurement noise).
struct ShelfReading {
  int sku = 0;  // catalogue index
  bool present = false;
  int facings = 0;
  bool oos = false;
  bool promo = false;
  core::Cents shelf_price = 0;
};

struct VisitResult {
  bool closed = false;
  int placed_new = 0;
  int relisted = 0;
  int oos_fixed = 0;
  int facings_won = 0;
  int promotions = 0;
  std::vector<std::pair<int, int>> order;  // catalogue index, units
  std::vector<ShelfReading> audits;
  // SPEC §2: no order, no distribution gain, no completed action.
  bool blank() const {
    return order.empty() && placed_new == 0 && relisted == 0 && oos_fixed == 0 &&
           facings_won == 0 && promotions == 0;
  }
};

// A visit of `store` in `week` (the `nth` visit of the store that week): the rep attempts what
// the visit type allows; success depends on the hidden truth. A closed store is a blank visit.
VisitResult visit_store(const World& world, int store, StoreState& state, int week, int nth,
                        core::VisitType type, bool closed);

// Sales of `week` on the current shelves (units per store, per assortment index, written to
// `units` if not null), then the week's hazards move the shelves on to the next week.
// Returns the week's sales in euros.
double step_week(const World& world, WorldState& state, int week,
                 std::vector<std::vector<double>>* units);

// Expected weekly margin (€) of one listed product in a store, before noise: what the oracle
// reasons with.
double expected_margin(const World& world, int store, int sku, int week);

// True distribution of a range: share of the stores meant to carry it (by assortment) that have
// at least one of its products listed; weighted by true potential for DV.
double true_dn(const World& world, const WorldState& state, std::string_view range_code);
double true_dv(const World& world, const WorldState& state, std::string_view range_code);
// True DN over the stores whose `in[s]` is set (a campaign's treated or control stores).
double true_dn_among(const World& world, const WorldState& state, std::string_view range_code,
                     const std::vector<std::uint8_t>& in);

// Sales multiplier of the week for a range (seasonality on the week's Thursday).
double season_of_week(const World& world, std::string_view range_code, int week);

// The success chance of an action of base chance `base` in a store in this state.
double action_chance(double base, const StoreState& s);

// Uniform in [0, 1) from a hash of the key: the common random numbers.
double hash_uniform(std::uint64_t seed, std::uint64_t kind, std::uint64_t a, std::uint64_t b,
                    std::uint64_t c, std::uint64_t d = 0);

}  // namespace boucle::sim
