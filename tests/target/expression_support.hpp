#pragma once

// Test support for the expression language: random snapshots, a generator of random well-typed
// expressions, and a row-by-row reference evaluator written from docs/TARGETING.md, reading the
// Facts columns directly (not the derived indexes, not the library's providers).

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "core/geo.hpp"
#include "target/facts.hpp"

namespace boucle::target::testing {

inline constexpr UnixSeconds DAY = 86400;
inline constexpr auto DONE = static_cast<std::uint8_t>(core::VisitStatus::done);

struct StoreSpec {
  std::string name = "Store";
  core::Channel channel = core::Channel::super;
  std::string banner = "Carrefour", town = "Lyon", department = "69",
              region = "Auvergne-Rhône-Alpes";
  double lat = 45.76, lon = 4.84, potential = 50;
  int size = 1000, frequency = 14;
  Id rep = 1;
  std::vector<std::string> tags;
};

inline Row add_store(Facts& f, const StoreSpec& s) {
  const auto row = static_cast<Row>(f.stores.size());
  f.stores.id.push_back(static_cast<Id>(row) + 100);
  f.stores.code.push_back("S" + std::to_string(row + 100));
  f.stores.name.push_back(s.name);
  f.stores.channel.push_back(static_cast<std::uint8_t>(s.channel));
  f.stores.banner.push_back(f.banners.code(s.banner));
  f.stores.town.push_back(f.towns.code(s.town));
  f.stores.department.push_back(f.departments.code(s.department));
  f.stores.region.push_back(f.regions.code(s.region));
  f.stores.lat.push_back(s.lat);
  f.stores.lon.push_back(s.lon);
  f.stores.potential.push_back(s.potential);
  f.stores.size_sqm.push_back(s.size);
  f.stores.frequency_days.push_back(s.frequency);
  f.stores.rep.push_back(s.rep);
  for (const auto& t : s.tags) f.stores.tag_code.push_back(f.tags.code(t));
  f.stores.tag_begin.push_back(static_cast<std::uint32_t>(f.stores.tag_code.size()));
  return row;
}

inline std::uint32_t add_product(Facts& f, std::string_view range) {
  const auto p = static_cast<std::uint32_t>(f.products.size());
  f.products.id.push_back(p + 1000);
  f.products.sku.push_back("P" + std::to_string(p));
  f.products.range.push_back(f.ranges.code(range));
  return p;
}

inline std::uint32_t add_visit(Facts& f, Row store, std::uint8_t status, UnixSeconds checkin) {
  f.visits.id.push_back(static_cast<Id>(f.visits.size() + 1));
  f.visits.store.push_back(store);
  f.visits.rep.push_back(1);
  f.visits.status.push_back(status);
  f.visits.planned_at.push_back(checkin);
  f.visits.checkin_at.push_back(status == DONE ? checkin : 0);
  f.visits.checkout_at.push_back(status == DONE ? checkin + 1800 : 0);
  f.visits.from_plan.push_back(0);
  f.visits.ordered.push_back(0);
  f.visits.category_facings.push_back(-1);
  return static_cast<std::uint32_t>(f.visits.size() - 1);
}

inline void add_audit(Facts& f, std::uint32_t visit, std::uint32_t product, bool present, bool oos,
                      int facings) {
  f.audits.visit.push_back(visit);
  f.audits.store.push_back(f.visits.store[visit]);
  f.audits.product.push_back(product);
  f.audits.at.push_back(f.visits.checkin_at[visit]);
  f.audits.present.push_back(present ? 1 : 0);
  f.audits.out_of_stock.push_back(oos ? 1 : 0);
  f.audits.promo.push_back(0);
  f.audits.facings.push_back(static_cast<std::int16_t>(facings));
}

inline const std::vector<std::string> BANNERS = {"Carrefour", "LECLERC", "Intermarché", "Système U",
                                                 "ÉPI"};
inline const std::vector<std::string> TOWNS = {"Lyon", "Écully", "VILLEURBANNE", "Bron",
                                               "Saint-Étienne"};
inline const std::vector<std::string> DEPARTMENTS = {"69", "42", "2A", "01"};
inline const std::vector<std::string> REGIONS = {"Auvergne-Rhône-Alpes", "Corse", "Île-de-France"};
inline const std::vector<std::string> TAGS = {"bio", "closed_sundays", "Drive", "Premium",
                                              "Écologique"};
inline const std::vector<std::string> RANGES = {"Protein", "Snacks", "Boissons", "Empty"};

// A seeded random snapshot: stores around Lyon (a few without coordinates), 30 products in
// 3 ranges plus an empty one, visits of every status, audits at done visits, 30 weeks of sales.
inline Facts random_facts(std::uint64_t seed, std::size_t stores) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  Facts f;
  f.now = 20'000 * DAY + 13 * 3600;
  for (const auto& r : RANGES) f.ranges.code(r);
  for (std::size_t i = 0; i < stores; ++i) {
    StoreSpec s;
    s.name = "Store " + std::to_string(i % 50);
    s.channel = static_cast<core::Channel>(pick(7));
    s.banner = BANNERS[pick(BANNERS.size())];
    s.town = TOWNS[pick(TOWNS.size())];
    s.department = DEPARTMENTS[pick(DEPARTMENTS.size())];
    s.region = REGIONS[pick(REGIONS.size())];
    s.lat = uniform(45.4, 46.1);
    s.lon = uniform(4.5, 5.2);
    if (pick(100) == 0) s.lat = s.lon = std::numeric_limits<double>::quiet_NaN();
    s.potential = std::round(uniform(0, 100) * 2) / 2;
    s.size = static_cast<int>(pick(40)) * 100;
    s.frequency = 7 * static_cast<int>(1 + pick(6));
    s.rep = static_cast<Id>(pick(5));
    for (const auto& t : TAGS)
      if (pick(3) == 0) s.tags.push_back(t);
    add_store(f, s);
  }
  for (int p = 0; p < 30; ++p) add_product(f, RANGES[static_cast<std::size_t>(p % 3)]);
  for (std::size_t c = 0; c < f.assortment.size(); ++c) {
    if (c == 6) continue;  // `other` carries nothing: dn falls back to the whole range
    for (std::uint32_t p = 0; p < 30; ++p)
      if ((p + c) % 3 != 0 && !(c == 5 && p % 3 == 0)) f.assortment[c].push_back(p);
  }
  for (std::size_t r = 0; r < stores; ++r) {
    const int visits = static_cast<int>(pick(5));
    for (int v = 0; v < visits; ++v) {
      const auto status = static_cast<std::uint8_t>(pick(4));
      const UnixSeconds at = f.now - static_cast<UnixSeconds>(pick(200 * 86400));
      const std::uint32_t visit = add_visit(f, static_cast<Row>(r), status, at);
      if (status != DONE) continue;
      const int audits = static_cast<int>(pick(8));
      for (int a = 0; a < audits; ++a)
        add_audit(f, visit, static_cast<std::uint32_t>(pick(30)), pick(3) != 0, pick(4) == 0,
                  static_cast<int>(pick(6)));
    }
  }
  f.sales_weeks = 30;
  f.sales_first_week =
      monday_of(f.today()) - 7 * 28;  // the last 28 complete weeks and this one... and next
  f.sales_revenue.resize(static_cast<std::size_t>(f.sales_weeks) * stores);
  for (auto& v : f.sales_revenue)
    v = pick(4) == 0 ? 0.0f : static_cast<float>(std::round(uniform(0, 5000)));
  f.index();
  return f;
}

}  // namespace boucle::target::testing
