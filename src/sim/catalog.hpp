#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/domain.hpp"

namespace boucle::sim {

// The fictional brand every demo product belongs to.
inline constexpr std::string_view BRAND = "Maison Ardelle";
// The range launched about eight weeks before `now`.
inline constexpr std::string_view NEW_RANGE = "Protéine+";

// What the world simulation needs to know about a product beyond core::Product.
struct CatalogItem {
  core::Product product;
  std::string range_code;   // PDJ, GOU, APE, BIO, TAR, PRO
  int tier = 1;             // 1 core (every store), 2 standard, 3 extended (hypers only)
  int launch_rank = 0;      // new range: order in which channels take it (1 first); 0 otherwise
  double weekly_units = 0;  // sell-in per week in a store of potential 1, before seasonality
  int case_size = 12;       // units per carton: order quantities are whole cartons
  bool is_new() const { return launch_rank > 0; }
};

// The catalogue, with the new range launched on `launched_on` (YYYY-MM-DD).
std::vector<CatalogItem> build_catalog(const std::string& launched_on);

// Whether a store of `channel` should carry the item (the assortment rule).
bool in_assortment(core::Channel channel, const CatalogItem& item);

// Seasonal sell-in multiplier of a range on a day of the year (1 = January 1st).
double seasonality(std::string_view range_code, int day_of_year);

// GS1 check digit of the first 12 digits of an EAN-13.
int ean13_check_digit(std::string_view first12);
bool is_valid_ean13(std::string_view ean);

}  // namespace boucle::sim
