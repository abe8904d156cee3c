#pragma once

#include <cstdint>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/catalog.hpp"
#include "sim/demo.hpp"
#include "sim/stores.hpp"

namespace boucle::sim {

struct ActivityInput {
  const std::vector<DemoUser>* users = nullptr;  // admin, manager, then the reps
  const std::vector<PlacedStore>* stores = nullptr;
  const std::vector<int>* store_rep = nullptr;  // index among the reps, -1 if none
  const std::vector<CatalogItem>* catalog = nullptr;
  Day history_from = 0;  // first day of history (a Monday)
  Day history_to = 0;    // day after the last day of history (now's Monday)
  Day now_day = 0;       // now's local date: the plan starts the day after
  Day launch_day = 0;    // the new range's launch
};

struct Activity {
  std::vector<DemoVisit> visits;
  std::vector<DemoPlannedVisit> planned;
  std::vector<DemoSales> sales;
};

// Day-by-day simulation of the reps' work and of the shelves it acts on: which stores each rep
// visits (overdue first, grouped by area, inside opening and working hours, with lunch), what
// the audits find, what is listed and ordered, the weekly ERP sell-in that results, and the
// visits planned after `now`. The shelf state is hidden; only what a CRM would record comes out.
Activity simulate_activity(const ActivityInput& input, std::uint64_t seed);

}  // namespace boucle::sim
