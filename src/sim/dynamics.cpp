#include "sim/dynamics.hpp"

#include <algorithm>
#include <cmath>

namespace boucle::sim {

namespace {

// Event kinds of the common random numbers.
enum Kind : std::uint64_t {
  INIT_PRESENT = 1,
  INIT_FACINGS,
  DEMAND_A,
  DEMAND_B,
  DELIST,
  SELF_LIST,
  OOS,
  OOS_RECOVER,
  FACINGS_DECAY,
  RESHUFFLE,
  RESHUFFLE_DRAW_A,
  RESHUFFLE_DRAW_B,
  ACT_PLACE,
  ACT_RELIST,
  ACT_FIX,
  ACT_FACINGS,
  ACT_PROMO,
  ACT_ORDER,
  AUDIT_MISS,
  AUDIT_FACINGS_A,
  AUDIT_FACINGS_B,
};

std::uint64_t mix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double normal_from(double u1, double u2) {
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.28318530717958647692 * u2);
}

bool regime_on(const World& w, int week) {
  return w.scenario.regime.week >= 0 && week >= w.scenario.regime.week;
}

// Stores meant to carry at least one product of the range, and whether they have one listed.
template <typename F>
void over_range(const World& world, const WorldState& state, std::string_view range, F&& fn) {
  for (std::size_t s = 0; s < world.stores.size(); ++s) {
    const auto& st = world.stores[s];
    bool carries = false;
    bool listed = false;
    for (std::size_t i = 0; i < st.assortment.size(); ++i) {
      if (world.catalog[static_cast<std::size_t>(st.assortment[i])].range_code != range) continue;
      carries = true;
      listed = listed || state.stores[s].shelf[i].present;
    }
    if (carries) fn(s, listed);
  }
}

}  // namespace

double hash_uniform(std::uint64_t seed, std::uint64_t kind, std::uint64_t a, std::uint64_t b,
                    std::uint64_t c, std::uint64_t d) {
  std::uint64_t h = mix(seed ^ mix(kind));
  h = mix(h ^ a);
  h = mix(h ^ (b + 0x51ED27ULL));
  h = mix(h ^ (c + 0xA24BAED4ULL));
  h = mix(h ^ d);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

double action_chance(double base, const StoreState& s) {
  return std::clamp(base * s.responsiveness * (0.5 + s.relationship), 0.0, 0.95);
}

double season_of_week(const World& world, std::string_view range_code, int week) {
  const Day thursday = world.start_day + 7 * week + 3;
  return seasonality(range_code, day_of_year(thursday));
}

WorldState initial_state(const World& world) {
  const auto seed = world.scenario.seed;
  WorldState state;
  state.stores.resize(world.stores.size());
  for (std::size_t s = 0; s < world.stores.size(); ++s) {
    const auto& st = world.stores[s];
    auto& ss = state.stores[s];
    ss.relationship = st.truth.relationship;
    ss.responsiveness = st.truth.responsiveness;
    ss.shelf.resize(st.assortment.size());
    for (std::size_t i = 0; i < st.assortment.size(); ++i) {
      const int sku = st.assortment[i];
      auto& cell = ss.shelf[i];
      if (world.is_new(sku)) continue;  // launched in week 0: nobody has it yet
      const double p = std::clamp(
          world.scenario.truth.initial_presence * (0.75 + 0.5 * st.truth.relationship), 0.0, 1.0);
      cell.present = hash_uniform(seed, INIT_PRESENT, s, static_cast<std::uint64_t>(sku), 0) < p;
      if (cell.present) {
        const double u = hash_uniform(seed, INIT_FACINGS, s, static_cast<std::uint64_t>(sku), 0);
        cell.facings = std::max(1, st.truth.base_facings + (u < 0.2 ? -1 : u > 0.8 ? 1 : 0));
      }
    }
  }
  return state;
}

VisitResult visit_store(const World& world, int store, StoreState& state, int week, int nth,
                        core::VisitType type, bool closed) {
  VisitResult r;
  r.closed = closed;
  if (closed) return r;
  const auto& sc = world.scenario;
  const auto& a = sc.actions;
  const auto seed = sc.seed;
  const auto& st = world.stores[static_cast<std::size_t>(store)];
  const auto s = static_cast<std::uint64_t>(store);
  const auto n = static_cast<std::uint64_t>(nth);
  const auto w = static_cast<std::uint64_t>(week);
  const bool deep = type == core::VisitType::deep;
  auto roll = [&](Kind kind, int sku, double base) {
    return hash_uniform(seed, kind, s, static_cast<std::uint64_t>(sku), w, n) <
           action_chance(base, state);
  };

  // What the visit type allows: a deep visit works the whole shelf, a quick one the essentials.
  int new_slots = deep ? 3 : 1;
  int relist_slots = deep ? 2 : 0;
  int facing_slots = deep ? 2 : 0;
  bool promo_slot = deep;
  for (std::size_t i = 0; i < st.assortment.size(); ++i) {
    const int sku = st.assortment[i];
    auto& cell = state.shelf[i];
    if (!cell.present) {
      const bool is_new = world.is_new(sku);
      int& slots = is_new ? new_slots : relist_slots;
      if (slots > 0) {
        --slots;
        if (roll(is_new ? ACT_PLACE : ACT_RELIST, sku, is_new ? a.place_new : a.relist)) {
          cell.present = true;
          cell.oos = false;
          cell.facings = st.truth.base_facings;
          ++(is_new ? r.placed_new : r.relisted);
        }
      }
      continue;
    }
    if (cell.oos && roll(ACT_FIX, sku, a.fix_oos)) {
      cell.oos = false;
      ++r.oos_fixed;
    }
    if (facing_slots > 0 && cell.facings < 2 * st.truth.base_facings + 1) {
      --facing_slots;
      if (roll(ACT_FACINGS, sku, a.win_facings)) {
        ++cell.facings;
        ++r.facings_won;
      }
    }
    if (promo_slot && cell.promo_weeks == 0 && !cell.oos) {
      promo_slot = false;
      if (roll(ACT_PROMO, sku, a.promotion)) {
        cell.promo_weeks = sc.dynamics.promo_weeks;
        ++r.promotions;
      }
    }
  }

  // The order: a few weeks of the listed products, in whole cartons.
  if (hash_uniform(seed, ACT_ORDER, s, 0, w, n) < action_chance(a.take_order, state)) {
    for (std::size_t i = 0; i < st.assortment.size(); ++i) {
      auto& cell = state.shelf[i];
      if (!cell.present) continue;
      const auto& item = world.catalog[static_cast<std::size_t>(st.assortment[i])];
      const double weekly = item.weekly_units * st.truth.potential;
      const int cartons = std::max(
          1, static_cast<int>(std::ceil(weekly * sc.dynamics.order_cover_weeks / item.case_size)));
      r.order.emplace_back(st.assortment[i], cartons * item.case_size);
      cell.oos = false;
      cell.cover = sc.dynamics.order_cover_weeks;
    }
  }

  if (state.responsiveness > 0) {
    state.care = 1.0;
    state.relationship = std::min(1.0, state.relationship + 0.03);
  }

  // The audit, as counted at the end of the visit (with reading errors).
  const auto& ob = sc.observation;
  for (std::size_t i = 0; i < st.assortment.size(); ++i) {
    const int sku = st.assortment[i];
    const auto& cell = state.shelf[i];
    const auto k = static_cast<std::uint64_t>(sku);
    ShelfReading reading;
    reading.sku = sku;
    reading.present = cell.present;
    if (hash_uniform(seed, AUDIT_MISS, s, k, w, n) < ob.audit_miss_rate) {
      reading.present = !reading.present;
    }
    if (reading.present) {
      const double z = normal_from(hash_uniform(seed, AUDIT_FACINGS_A, s, k, w, n),
                                   hash_uniform(seed, AUDIT_FACINGS_B, s, k, w, n));
      const int counted = static_cast<int>(
          std::lround(std::max(1, cell.facings) * (1.0 + ob.audit_facings_sd * z)));
      reading.facings = std::max(1, counted);
      reading.oos = cell.present && cell.oos;
      reading.promo = cell.promo_weeks > 0;
      const auto& item = world.catalog[static_cast<std::size_t>(sku)];
      reading.shelf_price = static_cast<core::Cents>(
          std::lround(static_cast<double>(item.product.price) * st.truth.price_markup / 10.0) * 10 -
          1);
    }
    r.audits.push_back(reading);
  }
  return r;
}

double expected_margin(const World& world, int store, int sku, int week) {
  const auto& st = world.stores[static_cast<std::size_t>(store)];
  const auto& item = world.catalog[static_cast<std::size_t>(sku)];
  double units =
      item.weekly_units * st.truth.potential * season_of_week(world, item.range_code, week);
  if (world.is_new(sku) && regime_on(world, week)) units *= world.scenario.regime.new_range_demand;
  return units * static_cast<double>(item.product.price) / 100.0 *
         world.scenario.economics.margin_rate;
}

double step_week(const World& world, WorldState& state, int week,
                 std::vector<std::vector<double>>* units) {
  const auto& sc = world.scenario;
  const auto& d = sc.dynamics;
  const auto& t = sc.truth;
  const auto seed = sc.seed;
  const auto w = static_cast<std::uint64_t>(week);
  const bool regime = regime_on(world, week);
  const double sd = d.noise_sd;
  std::vector<double> season(world.catalog.size());
  for (std::size_t k = 0; k < world.catalog.size(); ++k) {
    season[k] = season_of_week(world, world.catalog[k].range_code, week);
    if (regime && world.is_new(static_cast<int>(k))) season[k] *= sc.regime.new_range_demand;
  }
  if (units) units->resize(world.stores.size());

  double revenue = 0;
  for (std::size_t s = 0; s < world.stores.size(); ++s) {
    const auto& st = world.stores[s];
    auto& ss = state.stores[s];
    if (units) (*units)[s].assign(st.assortment.size(), 0.0);
    const double protection = d.care_protection * ss.care * std::min(1.0, ss.responsiveness);
    for (std::size_t i = 0; i < st.assortment.size(); ++i) {
      const int sku = st.assortment[i];
      const auto k = static_cast<std::uint64_t>(sku);
      const auto& item = world.catalog[static_cast<std::size_t>(sku)];
      auto& cell = ss.shelf[i];
      // Sales on this week's shelf.
      if (cell.present) {
        const double z = normal_from(hash_uniform(seed, DEMAND_A, s, k, w),
                                     hash_uniform(seed, DEMAND_B, s, k, w));
        double u = item.weekly_units * st.truth.potential * season[static_cast<std::size_t>(sku)];
        u *= std::pow(static_cast<double>(std::max(1, cell.facings)) / st.truth.base_facings,
                      d.facings_elasticity);
        if (cell.promo_weeks > 0) u *= 1.0 + d.promo_lift;
        if (cell.oos) u *= 1.0 - d.oos_lost_share;
        u *= std::exp(sd * z - 0.5 * sd * sd);
        if (units) (*units)[s][i] = u;
        revenue += u * static_cast<double>(item.product.price) / 100.0;
      }
      // The week's hazards, the same draws in every world.
      if (cell.present) {
        double delist = st.truth.delist_hazard * (1.0 - protection);
        if (regime) delist *= sc.regime.delist_factor;
        if (world.is_new(sku)) delist *= 1.3;  // a new product is easier to drop
        if (hash_uniform(seed, DELIST, s, k, w) < delist) {
          cell = Shelf{};
          continue;
        }
        if (!cell.oos) {
          const double oos =
              st.truth.oos_hazard * (cell.cover > 0 ? 0.25 : 1.0) * (1.0 - 0.5 * protection);
          cell.oos = hash_uniform(seed, OOS, s, k, w) < oos;
        } else if (hash_uniform(seed, OOS_RECOVER, s, k, w) < t.oos_recovery) {
          cell.oos = false;
        }
        if (cell.facings > st.truth.base_facings &&
            hash_uniform(seed, FACINGS_DECAY, s, k, w) < d.facings_decay) {
          --cell.facings;
        }
        if (cell.promo_weeks > 0) --cell.promo_weeks;
        cell.cover = std::max(0.0, cell.cover - 1.0);
      } else if (world.is_new(sku)) {
        const double self = t.self_listing * (st.store.channel == core::Channel::hyper ? 2.0 : 1.0);
        if (hash_uniform(seed, SELF_LIST, s, k, w) < self) {
          cell.present = true;
          cell.facings = st.truth.base_facings;
        }
      }
    }
    ss.care *= d.care_decay;
    ss.relationship = std::max(0.05, ss.relationship - 0.004);
    // The regime change: some stores change how they respond to visits.
    if (sc.regime.week >= 0 && week + 1 == sc.regime.week &&
        hash_uniform(seed, RESHUFFLE, s, 0, 0) < sc.regime.reshuffle_share) {
      const double u = hash_uniform(seed, RESHUFFLE_DRAW_A, s, 0, 0);
      const double z = normal_from(hash_uniform(seed, RESHUFFLE_DRAW_B, s, 0, 0),
                                   hash_uniform(seed, RESHUFFLE_DRAW_B, s, 1, 0));
      ss.responsiveness = u < t.unresponsive_share ? 0.0 : std::exp(t.responsiveness_sd * z);
    }
  }
  return revenue;
}

double true_dn(const World& world, const WorldState& state, std::string_view range_code) {
  int carriers = 0;
  int listed = 0;
  over_range(world, state, range_code, [&](std::size_t, bool l) {
    ++carriers;
    listed += l ? 1 : 0;
  });
  return carriers ? static_cast<double>(listed) / carriers : 0.0;
}

double true_dn_among(const World& world, const WorldState& state, std::string_view range_code,
                     const std::vector<std::uint8_t>& in) {
  int carriers = 0;
  int listed = 0;
  over_range(world, state, range_code, [&](std::size_t s, bool l) {
    if (s >= in.size() || !in[s]) return;
    ++carriers;
    listed += l ? 1 : 0;
  });
  return carriers ? static_cast<double>(listed) / carriers : 0.0;
}

double true_dv(const World& world, const WorldState& state, std::string_view range_code) {
  double all = 0;
  double listed = 0;
  over_range(world, state, range_code, [&](std::size_t s, bool l) {
    all += world.stores[s].truth.potential;
    if (l) listed += world.stores[s].truth.potential;
  });
  return all > 0 ? listed / all : 0.0;
}

}  // namespace boucle::sim
