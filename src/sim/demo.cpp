#include "sim/demo.hpp"

#include <algorithm>

#include "sim/activity.hpp"
#include "sim/calendar.hpp"
#include "sim/catalog.hpp"
#include "sim/people.hpp"
#include "sim/random.hpp"
#include "sim/stores.hpp"

namespace boucle::sim {

namespace {

// One random stream per part of the world.
constexpr std::uint64_t STORES_STREAM = 1;
constexpr std::uint64_t PEOPLE_STREAM = 2;
constexpr std::uint64_t ACTIVITY_STREAM = 3;

// Territories are balanced to at most this many times the mean number of stores per rep.
constexpr double TERRITORY_MAX_RATIO = 1.25;
constexpr int LAUNCH_WEEKS_BEFORE_NOW = 8;

}  // namespace

DemoWorld generate(const Options& options) {
  DemoWorld world;
  Rng store_rng = Rng::stream(options.seed, STORES_STREAM);
  Rng people_rng = Rng::stream(options.seed, PEOPLE_STREAM);

  const auto placed = place_stores(std::max(0, options.stores), store_rng);
  const auto homes = rep_homes(placed, std::max(0, options.reps), people_rng);
  const auto store_rep = assign_territories(placed, homes, TERRITORY_MAX_RATIO);
  world.users = build_users(homes, placed, store_rep, people_rng);

  world.stores.reserve(placed.size());
  for (std::size_t s = 0; s < placed.size(); ++s) {
    const int r = store_rep[s];
    world.stores.push_back(
        {placed[s].store, r >= 0 ? world.users[static_cast<std::size_t>(r) + 2].user.email : ""});
  }

  const Day now_day = paris_local(options.now).day;
  const Day now_monday = iso_monday(now_day);
  const Day launch_day = now_monday - 7 * LAUNCH_WEEKS_BEFORE_NOW;
  const auto catalog = build_catalog(format_day(launch_day));
  for (const auto& item : catalog) world.products.push_back(item.product);
  for (const auto channel :
       {core::Channel::hyper, core::Channel::super, core::Channel::proxi, core::Channel::drive,
        core::Channel::cash_carry, core::Channel::specialist}) {
    for (const auto& item : catalog) {
      if (in_assortment(channel, item)) world.assortment.push_back({channel, item.product.sku});
    }
  }

  ActivityInput input;
  input.users = &world.users;
  input.stores = &placed;
  input.store_rep = &store_rep;
  input.catalog = &catalog;
  input.history_from = now_monday - 7 * std::max(0, options.weeks);
  input.history_to = now_monday;
  input.now_day = now_day;
  input.launch_day = launch_day;
  auto activity = simulate_activity(input, stream_seed(options.seed, ACTIVITY_STREAM));
  world.visits = std::move(activity.visits);
  world.planned = std::move(activity.planned);
  world.sales = std::move(activity.sales);
  return world;
}

}  // namespace boucle::sim
