#pragma once

#include <span>
#include <vector>

#include "core/domain.hpp"
#include "sim/random.hpp"
#include "sim/towns.hpp"

namespace boucle::sim {

struct PlacedStore {
  core::Store store;
  const Town* town = nullptr;
};

// `count` stores spread over `towns` in proportion to population (sub-linearly: small towns
// have more shops per head), with banners, channels, sizes, potentials, opening hours, visit
// frequencies and tags consistent with each other. Codes are unique. No rep is assigned yet.
// Every store belongs to one of `towns`, and its address names roads to others of them.
std::vector<PlacedStore> place_stores(int count, std::span<const Town* const> towns, Rng& rng);

// The same over the historic default area (select_towns({})).
std::vector<PlacedStore> place_stores(int count, Rng& rng);

// Typical opening hours of a store of this channel and banner in a town of this size.
core::WeeklyHours opening_hours(core::Channel channel, std::string_view banner, int town_population,
                                Rng& rng);

// Target visit frequency by channel (and whether it is a key account).
int visit_frequency_days(core::Channel channel, bool key_account);

}  // namespace boucle::sim
