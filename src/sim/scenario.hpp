#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// A simulation scenario: every parameter of the synthetic world, its hidden truth, its weekly
// dynamics, how reps execute and what the CRM observes. Read from JSON (docs/SIMULATOR.md lists
// every field); every field has a default, unknown fields are errors. The same scenario and seed
// give the same world and the same run, bit for bit.
namespace boucle::sim {

// The hidden truth of the stores: how they are drawn.
struct TruthParams {
  double potential_noise = 0.35;     // log-sd of the true potential around the CRM's figure
  double unresponsive_share = 0.30;  // stores on which visits have no effect at all
  double responsiveness_sd = 0.45;   // log-sd of responsiveness among the others
  double relationship_mean = 0.55;   // 0..1, how well the store and the brand get on
  double initial_presence = 0.80;    // chance a core product is on the shelf at the start
  double delist_hazard = 0.025;      // weekly chance a listed product is dropped (no care)
  double oos_hazard = 0.06;          // weekly chance a listed product runs out (no care)
  double oos_recovery = 0.45;        // weekly chance an out-of-stock is fixed by the store itself
  double self_listing = 0.003;       // weekly chance a store lists a new-range product by itself
};

// Base success chances of what a rep attempts in a visit, for a store of responsiveness 1 and an
// average relationship.
struct ActionParams {
  double place_new = 0.40;    // list a product of the launched range
  double relist = 0.35;       // put back a delisted core product
  double fix_oos = 0.75;      // get an out-of-stock product back on the shelf
  double win_facings = 0.30;  // one more facing for a product
  double promotion = 0.20;    // a two-week promotion on a product (deep visits)
  double take_order = 0.55;   // an order (fills the shelf for a few weeks)
};

struct DynamicsParams {
  double noise_sd = 0.25;            // log-sd of weekly demand noise
  double facings_elasticity = 0.35;  // sales ∝ facings^elasticity
  double promo_lift = 0.60;          // +60 % while a promotion runs
  int promo_weeks = 2;
  double oos_lost_share = 0.65;   // share of a week's sales lost while out of stock
  double care_decay = 0.80;       // weekly decay of the effect of the last visit
  double care_protection = 0.60;  // how much a fresh visit cuts delisting and out-of-stock
  double order_cover_weeks = 3;   // weeks an order protects from running out
  double facings_decay = 0.12;    // weekly chance an extra facing is lost
};

// Part-way through the run the world changes: a competitor's launch cuts the new range's demand,
// delisting pressure rises, and some stores change how they respond to visits.
struct RegimeChange {
  int week = 26;  // from this week on (negative: never)
  double new_range_demand = 0.80;
  double delist_factor = 1.5;
  double reshuffle_share = 0.20;  // share of stores whose responsiveness is redrawn
};

struct ExecutionParams {
  double cancel_rate = 0.04;  // planned visits the rep cannot make (cancelled)
  double closed_rate = 0.03;  // the store turns out closed: a blank visit
  double delay_minutes = 12;  // sd of the delay on every planned time
};

struct ObservationParams {
  int erp_lag_weeks = 1;           // the ERP's weekly sell-in reaches the CRM this late
  double audit_facings_sd = 0.15;  // relative error of counted facings
  double audit_miss_rate = 0.02;   // a product read wrongly as present/absent
};

struct Economics {
  double margin_rate = 0.30;  // the brand's margin on sales
  double euro_per_km = 0.30;
  double euro_per_hour = 25.0;
};

struct PlannerParams {
  int days = 5;                   // Monday to Friday
  std::int64_t iterations = 100;  // planner budget per rep and week
};

struct PolicyParams {
  int frequency_weeks = 4;  // `frequency`: each store every k weeks
};

// A campaign run through the CRM's campaign API (docs/TARGETING.md): from `start_week`, for
// `weeks` weeks, the stores `expression` selects are worked for the launched range's DN; a
// control group is held back; each treated member not visited last week carries
// `visit_value_eur` into the policy's priorities.
struct CampaignParams {
  bool enabled = false;
  std::string expression = "potential >= 1";
  int start_week = 0;
  int weeks = 12;
  double goal = 60;  // DN of the launched range to reach, percent
  double visit_value_eur = 40;
  double control_share = 0.3;
};

struct Scenario {
  std::string name = "default";
  std::uint64_t seed = 1;
  std::vector<std::string> area = {"ara"};  // regions, departments or "france"
  int stores = 2000;
  int reps = 10;
  int weeks = 52;
  std::string start = "2027-01-04";  // a Monday: the new range launches that week
  std::vector<std::string> ranges = {"PDJ", "GOU", "PRO"};  // range codes of the catalogue
  std::string new_range = "PRO";
  TruthParams truth;
  ActionParams actions;
  DynamicsParams dynamics;
  RegimeChange regime;
  ExecutionParams execution;
  ObservationParams observation;
  Economics economics;
  PlannerParams planner;
  PolicyParams policy;
  CampaignParams campaign;
};

// Throws std::invalid_argument naming the field ("truth.oos_hazard: must be in [0, 1]").
Scenario scenario_from_json(const boost::json::object& o);
Scenario scenario_from_file(const std::string& path);
boost::json::object to_json(const Scenario& s);

}  // namespace boucle::sim
