#pragma once

#include <vector>

#include "sim/records.hpp"
#include "sim/random.hpp"
#include "sim/stores.hpp"

namespace boucle::sim {

// Reps' home bases: the most central towns of `reps` compact, balanced groups of stores (reps
// live in towns, not in fields), with a few kilometres of jitter.
std::vector<core::GeoPoint> rep_homes(const std::vector<PlacedStore>& stores, int reps, Rng& rng);

// For each store, the index of its rep: the nearest home, balanced so that no rep holds more
// than `max_ratio` times the mean number of stores (and, where the map allows it without long
// detours, no fewer than 0.7 times), then improved by moves and exchanges that shorten the
// total distance. No homes: every store gets -1.
std::vector<int> assign_territories(const std::vector<PlacedStore>& stores,
                                    const std::vector<core::GeoPoint>& homes, double max_ratio);

// The admin, the manager, then one rep per home, with the fixed demo logins.
std::vector<Account> build_users(const std::vector<core::GeoPoint>& homes,
                                  const std::vector<PlacedStore>& stores,
                                  const std::vector<int>& store_rep, Rng& rng);

}  // namespace boucle::sim
