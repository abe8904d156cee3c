#pragma once

#include <cstdint>
#include <vector>

#include "target/facts.hpp"

// Synthetic Facts for benchmarks and scale tests: a France-sized store table with a year of
// field activity, deterministic for a seed on every platform (its own generator and mappings,
// no std::*_distribution). Realistic-ish, not a simulation: there is no hidden truth here
// (that is src/sim); coordinates fall in mainland France's box but are not tied to the
// store's department.
//
// - Reps: one per `stores_per_rep` stores; each rep's stores lie around a home point, in one
//   department (so regions hold about their share of the 96 departments), spread over ~12
//   towns. Rep k has id k + 1 and the rows [k × stores / reps, (k + 1) × stores / reps).
// - Stores: 12 banners, channels with plausible shares (proxi 45 %, super 22 %, specialist
//   12 %, other 8 %, hyper 5 %, drive 5 %, cash & carry 3 %), potential 0–100 by channel, target
//   frequency 7–56 days by potential, 0–3 tags of a small set.
// - Products in 4 ranges ("Breakfast", "Snacks", "Protein", "Drinks"); each channel's
//   assortment takes the first products of every range (hyper all 24, super 12, proxi 4…).
// - Visits over `weeks` weeks before today, about `visits_per_year` per store on average,
//   proportionally more for bigger potential; done (some cancelled), 80 % from a plan, 40 % with
//   an order, half counting the category shelf; some planned visits in the coming week.
// - Audits: a deep visit (a quarter of them) reads the whole channel assortment, a quick visit the
//   products of one range; presence evolves per store and product (listings are gained and
//   lost), a few out of stock.
// - One plan day per rep and working day, weekly sales per store for `weeks` weeks.
// The result is not indexed: call index().
namespace boucle::target {

struct SynthOptions {
  std::uint32_t stores = 1'000'000;
  std::uint32_t products = 24;
  std::uint32_t stores_per_rep = 250;
  int weeks = 52;                // of history before today
  double visits_per_year = 12;   // per store, on average
  double deep_share = 0.25;      // visits that audit the whole assortment
  Day today = 20'241;            // Monday 2025-06-02; now is 07:00 UTC that day
  std::uint64_t seed = 1;
};

Facts synthetic_facts(const SynthOptions& options);

// One more working day of field activity on `day` (after the snapshot's present): each rep makes
// about 7 done visits with their audits and some orders at their own stores, and drives; `now`
// moves to 19:00 that day. The rows of the visited stores go to *touched (ascending, once
// each) when given. The snapshot must be indexed before (it reads latest_audit) and needs
// index() again after.
void append_day(Facts& facts, Day day, const SynthOptions& options, std::uint64_t seed,
                std::vector<Row>* touched);

}  // namespace boucle::target
