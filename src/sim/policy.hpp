#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.hpp"
#include "sim/dynamics.hpp"
#include "sim/world.hpp"

// Policies choose which stores deserve a visit this week, and how much each visit is worth: the
// planner turns these priorities into tours. A policy sees what the CRM knows (store records,
// the catalogue, the visits, audits, orders and ERP sales written to it); only the oracle also
// reads the hidden truth, as the upper bound the others are measured against. The decision AI
// (SPEC §7) will be one more implementation of this interface.
namespace boucle::sim {

// What the CRM holds about one store, kept up to date from exactly what the simulation wrote to
// it (visits, audits, orders and the lagged ERP sales); nothing hidden.
struct Observed {
  int last_visit_week = -1;  // -1: never visited in the run
  int visits = 0;
  std::vector<ShelfReading> last_audit;  // the latest audit's readings (empty: none yet)
  std::vector<double> erp_sales;         // sell-in € per week, as far as the ERP has sent it
  // Visits in a row that the CRM shows achieved nothing: no order, and no product found listed
  // (or back in stock) that the previous audit had missing (or out of stock).
  int fruitless_visits = 0;
};

// Whether a visit shows a result in the CRM, from its audit and order against the previous
// audit (none before: the launched range counts as missing).
bool visible_result(const std::vector<ShelfReading>& before, const std::vector<ShelfReading>& after,
                    bool order_taken, int new_range_first, int new_range_last);

struct CrmView {
  std::span<const SimStore> stores;  // read `.store` (the CRM record) and `.assortment`
  std::span<const CatalogItem> catalog;
  std::span<const Observed> observed;
  int new_range_first = 0;
  int new_range_last = 0;
};

struct PolicyInput {
  int week = 0;
  int rep = 0;
  std::span<const int> stores;  // the rep's territory (store indices)
  CrmView crm;
  // Set only for policies that declare needs_truth(): the world and its hidden current state.
  const World* world = nullptr;
  const WorldState* truth = nullptr;
};

struct Priority {
  int store = 0;
  double value_eur = 0;  // the planner's prize for visiting it this week
  std::optional<core::VisitType> type;
  std::string why;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  virtual bool needs_truth() const { return false; }
  // The stores worth a visit this week, best first; at most `limit`.
  virtual std::vector<Priority> choose(const PolicyInput& in, std::size_t limit) = 0;
};

// frequency | biggest-first | rules | oracle; throws std::invalid_argument otherwise.
std::unique_ptr<Policy> make_policy(std::string_view name, const Scenario& scenario);
std::span<const std::string_view> policy_names();

}  // namespace boucle::sim
