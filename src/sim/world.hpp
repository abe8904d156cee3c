#pragma once

#include <string>
#include <vector>

#include "core/domain.hpp"
#include "sim/calendar.hpp"
#include "sim/catalog.hpp"
#include "sim/records.hpp"
#include "sim/scenario.hpp"

// The simulated world: what the CRM is told (users, stores, products, assortment) and, kept
// apart, the hidden truth of every store. Nothing in `StoreTruth` is ever written to the CRM.
namespace boucle::sim {

// What the company does not know about a store and the simulation does.
struct StoreTruth {
  double potential = 1;        // true category potential (the CRM holds a noisy estimate)
  double responsiveness = 1;   // multiplies every action's success; 0: visits change nothing
  double relationship = 0.5;   // 0..1 at the start; visits raise it, neglect erodes it
  double delist_hazard = 0;    // weekly, per listed product, with no recent visit
  double oos_hazard = 0;       // weekly, per listed product, with no recent visit
  double price_markup = 1.25;  // shelf price over list price
  int base_facings = 2;        // facings a listed product gets without help
};

struct SimStore {
  core::Store store;            // the CRM's record (potential is the CRM's estimate)
  int rep = -1;                 // index among the reps
  StoreTruth truth;             // hidden
  std::vector<int> assortment;  // catalogue indices the store's channel should carry
};

struct World {
  Scenario scenario;
  std::vector<Account> users;  // admin, manager, then the reps
  std::vector<CatalogItem> catalog;
  std::vector<SimStore> stores;
  Day start_day = 0;        // the Monday of week 0
  int new_range_first = 0;  // catalogue indices [first, last) of the launched range
  int new_range_last = 0;

  int reps() const { return static_cast<int>(users.size()) - 2; }
  const Account& rep_user(int rep) const { return users.at(static_cast<std::size_t>(rep) + 2); }
  bool is_new(int sku) const { return sku >= new_range_first && sku < new_range_last; }
};

World build_world(const Scenario& scenario);

}  // namespace boucle::sim
