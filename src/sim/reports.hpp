#pragma once

#include <string>
#include <vector>

#include "core/domain.hpp"
#include "sim/random.hpp"

namespace boucle::sim {

// What happened in a visit, as the rep would sum it up.
struct VisitFacts {
  core::VisitType type = core::VisitType::quick;
  bool new_range_launched = false;
  std::vector<std::string> listed_new;    // new-range products listed during the visit
  std::vector<std::string> listed_core;   // other products put back on the shelf
  std::vector<std::string> out_of_stock;  // product names found out of stock
  std::vector<std::string> promo;         // product names on promotion
  int still_absent = 0;                   // audited products still missing after the visit
  int new_range_absent = 0;               // of which from the new range
  int order_lines = 0;
  core::Cents order_total = 0;
};

struct VisitWriteUp {
  std::string report;
  std::string next_steps;
};

// A short French visit report and next steps, consistent with the facts.
VisitWriteUp write_up(const VisitFacts& facts, Rng& rng);

// "1 234,56 €"
std::string format_euros(core::Cents cents);

}  // namespace boucle::sim
