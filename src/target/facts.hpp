#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/units.hpp"

// The columnar snapshot that targeting expressions and KPIs read (SPEC §2, §3): the stores as
// columns (one row per live store), the products and their ranges, the assortment, and the
// events of the CRM as flat fact tables (visits, audits, weekly sales, published plan days).
// No I/O: the API fills it from storage (api/analytics.cpp), the benchmarks synthesise it
// (target/synth.hpp). After filling or appending, index() builds the derived columns.
//
// Days are civil days since 1970-01-01 in UTC (core::parse_date_days); an instant's day is
// floor(t / 86400). Weeks are ISO weeks named by the day number of their Monday.
namespace boucle::target {

using core::Id;
using core::UnixSeconds;
using Day = std::int32_t;
using Row = std::uint32_t;  // a store's row in Facts::stores
inline constexpr std::uint32_t NONE = std::numeric_limits<std::uint32_t>::max();

inline Day day_of(UnixSeconds t) {
  return static_cast<Day>(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}
// The Monday of the ISO week holding `d` (1970-01-01 was a Thursday).
inline Day monday_of(Day d) {
  const int weekday = static_cast<int>(((d % 7) + 7 + 3) % 7);  // 0 = Monday
  return d - weekday;
}

// Strings of one column, coded as small integers in first-seen order.
class Dictionary {
 public:
  std::uint32_t code(std::string_view text);  // adds it when new
  std::optional<std::uint32_t> find(std::string_view text) const;
  const std::string& text(std::uint32_t code) const { return values_[code]; }
  std::size_t size() const { return values_.size(); }
  std::span<const std::string> values() const { return values_; }

 private:
  std::vector<std::string> values_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

struct StoreColumns {
  std::vector<Id> id;  // ascending
  std::vector<std::string> code, name;
  std::vector<std::uint8_t> channel;  // core::Channel
  std::vector<std::uint32_t> banner, town, department, region;  // codes in Facts' dictionaries
  std::vector<double> lat, lon;
  std::vector<double> potential;
  std::vector<std::int32_t> size_sqm;
  std::vector<std::int32_t> frequency_days;  // target: one visit every N days
  std::vector<Id> rep;                       // 0: unassigned
  // Tags, compressed rows: the tags of row r are tag_code[tag_begin[r] .. tag_begin[r + 1]).
  std::vector<std::uint32_t> tag_begin{0};
  std::vector<std::uint32_t> tag_code;

  std::size_t size() const { return id.size(); }
};

struct ProductColumns {
  std::vector<Id> id;
  std::vector<std::string> sku;
  std::vector<std::uint32_t> range;  // code in Facts::ranges
  std::size_t size() const { return id.size(); }
};

// Visits of any status. Instants are 0 when absent.
struct VisitColumns {
  std::vector<Id> id;
  std::vector<Row> store;
  std::vector<Id> rep;
  std::vector<std::uint8_t> status;  // core::VisitStatus
  std::vector<UnixSeconds> planned_at, checkin_at, checkout_at;
  std::vector<std::uint8_t> from_plan;  // a published plan made it (plan adherence)
  std::vector<std::uint8_t> ordered;    // a confirmed, live order was taken in it (strike rate)
  std::vector<std::int32_t> category_facings;  // the category shelf's facings counted; -1: not
  std::size_t size() const { return id.size(); }
};

// Shelf readings (relevés) of done visits.
struct AuditColumns {
  std::vector<std::uint32_t> visit;  // index into VisitColumns
  std::vector<Row> store;
  std::vector<std::uint32_t> product;  // index into ProductColumns
  std::vector<UnixSeconds> at;         // the visit's check-in
  std::vector<std::uint8_t> present, out_of_stock, promo;
  std::vector<std::int16_t> facings;
  std::size_t size() const { return store.size(); }
};

// One row per published plan day (the latest published plan covering that rep and date).
struct PlanDayColumns {
  std::vector<Id> rep;
  std::vector<Day> day;
  std::vector<std::int32_t> drive_seconds;
  std::size_t size() const { return rep.size(); }
};

struct Facts {
  UnixSeconds now = 0;  // the snapshot's present: relative fields count back from it
  Day today() const { return day_of(now); }
  std::int64_t seq = 0;  // the storage change sequence the snapshot reflects

  Dictionary banners, towns, departments, regions, tags, ranges;
  StoreColumns stores;
  ProductColumns products;
  // Which products a store of each channel should carry (product indexes, ascending).
  std::array<std::vector<std::uint32_t>, 7> assortment;
  VisitColumns visits;
  AuditColumns audits;
  PlanDayColumns plan_days;

  // Weekly sell-in revenue (euros) per store, by week: sales_revenue[w * stores.size() + row]
  // is week w, the ISO week starting on sales_first_week + 7 w; there are sales_weeks weeks.
  Day sales_first_week = 0;
  int sales_weeks = 0;
  std::vector<float> sales_revenue;

  // ---- Derived by index() -----------------------------------------------------------------
  std::unordered_map<Id, Row> row_of;  // store id -> row
  std::unordered_map<Id, std::uint32_t> product_of;  // product id -> index
  // Products of each range (indexes, ascending).
  std::vector<std::vector<std::uint32_t>> range_products;
  // The latest done visit's check-in of each store (0: never visited).
  std::vector<UnixSeconds> last_visit_at;
  // Done visits of each store by check-in time: visit indexes
  // store_visits[store_visit_begin[r] .. store_visit_begin[r + 1]).
  std::vector<std::uint32_t> store_visit_begin, store_visits;
  // Visits of each store in any status (plan adherence), by visit index: visit indexes
  // store_all_visits[store_all_visit_begin[r] .. store_all_visit_begin[r + 1]).
  std::vector<std::uint32_t> store_all_visit_begin, store_all_visits;
  // Audits of each store by time, then product: audit indexes
  // store_audits[store_audit_begin[r] .. store_audit_begin[r + 1]).
  std::vector<std::uint32_t> store_audit_begin, store_audits;
  // The latest audit of each (store, product): latest_audit[r * products.size() + p], NONE if
  // the product was never audited there. Ties on time go to the larger audit index.
  std::vector<std::uint32_t> latest_audit;
  // What that latest audit showed, packed for fast scans (dn, oos): latest_state[r * products +
  // p] is NEVER_AUDITED, ABSENT, PRESENT (in stock) or OUT_OF_STOCK (present, out of stock).
  static constexpr std::uint8_t NEVER_AUDITED = 0, ABSENT = 1, PRESENT = 2, OUT_OF_STOCK = 3;
  std::vector<std::uint8_t> latest_state;

  // sales_revenue by store: sales_by_store[r * sales_weeks + w], so that one store's weeks are
  // contiguous (sales(N) on a few rows reads one cache line or two, not N pages).
  std::vector<float> sales_by_store;

  // Rebuilds everything derived from the columns above. Linear in the size of the tables.
  void index();

  // The row of a store id, if the store is in the snapshot.
  std::optional<Row> row(Id store_id) const;
  // Total sales revenue of row r over the `weeks` complete weeks before today's week.
  double sales_over(Row r, int weeks) const;
};

// French administrative geography for stores: the department of a postcode ("69003" -> "69",
// "20090" -> "2A", "97411" -> "974"), and the region of a department ("69" ->
// "Auvergne-Rhône-Alpes"). Empty when unknown.
std::string department_of_postcode(std::string_view postcode);
std::string_view region_of_department(std::string_view department);

}  // namespace boucle::target
