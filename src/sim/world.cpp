#include "sim/world.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/time.hpp"
#include "sim/people.hpp"
#include "sim/random.hpp"
#include "sim/stores.hpp"
#include "sim/towns.hpp"

namespace boucle::sim {

namespace {

// One random stream per part of the world.
constexpr std::uint64_t STORES_STREAM = 11;
constexpr std::uint64_t PEOPLE_STREAM = 12;
constexpr std::uint64_t TRUTH_STREAM = 13;

constexpr double TERRITORY_MAX_RATIO = 1.25;

using core::Channel;

// How strongly a channel's stores respond to a rep: small shops decide locally, hypermarkets
// and drives follow central listings.
double channel_response(Channel c) {
  switch (c) {
    case Channel::proxi:
      return 1.25;
    case Channel::super:
      return 1.05;
    case Channel::specialist:
      return 1.10;
    case Channel::cash_carry:
      return 0.90;
    case Channel::hyper:
      return 0.80;
    case Channel::drive:
      return 0.55;
    case Channel::other:
      return 1.0;
  }
  return 1.0;
}

int base_facings(Channel c) {
  switch (c) {
    case Channel::hyper:
      return 3;
    case Channel::super:
    case Channel::cash_carry:
      return 2;
    default:
      return 1;
  }
}

StoreTruth draw_truth(const Scenario& sc, const core::Store& s, Rng& rng) {
  const auto& p = sc.truth;
  StoreTruth t;
  t.potential = s.potential * std::exp(rng.normal(0, p.potential_noise));
  // Hypermarkets and drives are more often beyond a rep's reach (central listing).
  const double unresponsive =
      std::clamp(p.unresponsive_share * (channel_response(s.channel) < 0.9 ? 1.3 : 1.0), 0.0, 1.0);
  const double draw = rng.normal(0, p.responsiveness_sd);
  t.responsiveness = rng.chance(unresponsive) ? 0.0 : channel_response(s.channel) * std::exp(draw);
  t.relationship = std::clamp(rng.normal(p.relationship_mean, 0.2), 0.05, 1.0);
  const double small = s.size_sqm < 600 ? 1.3 : 1.0;
  t.delist_hazard = std::clamp(p.delist_hazard * small * std::exp(rng.normal(0, 0.4)), 0.0, 1.0);
  t.oos_hazard = std::clamp(p.oos_hazard * std::exp(rng.normal(0, 0.4)), 0.0, 1.0);
  t.price_markup = rng.uniform(1.12, 1.42);
  t.base_facings = base_facings(s.channel);
  return t;
}

}  // namespace

World build_world(const Scenario& scenario) {
  World world;
  world.scenario = scenario;
  const auto start = core::parse_date_days(scenario.start);
  if (!start) throw std::invalid_argument("start: not a date");
  world.start_day = static_cast<Day>(*start);

  Rng store_rng = Rng::stream(scenario.seed, STORES_STREAM);
  Rng people_rng = Rng::stream(scenario.seed, PEOPLE_STREAM);
  Rng truth_rng = Rng::stream(scenario.seed, TRUTH_STREAM);

  const auto towns = select_towns(scenario.area);
  const auto placed = place_stores(scenario.stores, towns, store_rng);
  const auto homes = rep_homes(placed, scenario.reps, people_rng);
  const auto store_rep = assign_territories(placed, homes, TERRITORY_MAX_RATIO);
  world.users = build_users(homes, placed, store_rep, people_rng);

  // The catalogue: the scenario's ranges, the new one launched in week 0, listed first.
  for (const auto& item : build_catalog(format_day(world.start_day))) {
    const auto& r = item.range_code;
    if (std::find(scenario.ranges.begin(), scenario.ranges.end(), r) == scenario.ranges.end()) {
      continue;
    }
    CatalogItem copy = item;
    if (r == scenario.new_range) {
      copy.product.launched_on = format_day(world.start_day);
    } else {
      copy.product.launched_on.reset();
    }
    world.catalog.push_back(std::move(copy));
  }
  if (world.catalog.empty()) throw std::invalid_argument("ranges: no such range in the catalogue");
  std::stable_partition(world.catalog.begin(), world.catalog.end(),
                        [&](const CatalogItem& i) { return i.range_code == scenario.new_range; });
  world.new_range_first = 0;
  world.new_range_last = static_cast<int>(
      std::count_if(world.catalog.begin(), world.catalog.end(),
                    [&](const CatalogItem& i) { return i.range_code == scenario.new_range; }));

  world.stores.reserve(placed.size());
  for (std::size_t s = 0; s < placed.size(); ++s) {
    SimStore st;
    st.store = placed[s].store;
    st.rep = store_rep[s];
    st.truth = draw_truth(scenario, st.store, truth_rng);
    for (std::size_t k = 0; k < world.catalog.size(); ++k) {
      if (in_assortment(st.store.channel, world.catalog[k])) {
        st.assortment.push_back(static_cast<int>(k));
      }
    }
    world.stores.push_back(std::move(st));
  }
  return world;
}

}  // namespace boucle::sim
