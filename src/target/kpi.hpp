#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "target/facts.hpp"

// The KPI engine (SPEC §3) over a Facts snapshot: no I/O, no database. docs/KPIS.md is the
// reference for the definitions; in short, for a query {universe, product selection, days
// [from, to] inclusive}:
//
// The selected products are the query's product if set, else its range's products, else every
// product.
//
// State KPIs are read at the instant T = min(end of day `to` (23:59:59), Facts::now):
// - dn: share of universe stores where, among the selected products, the latest audit at or
//   before T of at least one of them shows it present. Never audited: not present.
//   numerator = such stores, denominator = universe stores.
// - dv: the same weighted by store potential (sums of potential).
// - coverage: among universe stores with frequency_days > 0, share whose latest done visit
//   checked in at or before T did so at most frequency_days × 24 h before T.
//
// Flow KPIs read the done visits of universe stores checked in on a day in [from, to]:
// - blank_visit_rate: share of them with no order and no distribution gain. A gain is an audit
//   of the visit, of any product, present and not out of stock, whose previous audit of the same
//   product at the store (strictly earlier in Facts::store_audits order) was absent or out of
//   stock. A product's first audit at a store is not a gain.
// - strike_rate: share of them with an order.
// - oos_rate: among the audits of those visits of selected products showing present, share out
//   of stock.
// - share_of_shelf: facings of the selected products' audits in those visits that counted the
//   category shelf (category_facings >= 0), over the sum of those visits' category_facings.
// - time_in_store_share: in-store hours (checkout − checkin, at least 0; visits without a
//   checkout are ignored) over in-store plus driving hours; driving is the drive_seconds of the
//   published plan days of universe.reps dated in [from, min(to, today)].
//   numerator = in-store hours, denominator = in-store + driving hours.
// - plan_adherence: among visits from a published plan (from_plan) at universe stores whose
//   planned_at is before Facts::now and falls on a day in [from, to], share done. Cancelled
//   visits and visits still planned or in progress count as not done.
//
// value = numerator / denominator, NaN when the denominator is 0 (undefined, not 0 %).
namespace boucle::target {

enum class Kpi {
  dn,
  dv,
  coverage,
  blank_visit_rate,
  strike_rate,
  plan_adherence,
  time_in_store_share,
  share_of_shelf,
  oos_rate,
};
inline constexpr Kpi ALL_KPIS[] = {Kpi::dn,          Kpi::dv,
                                   Kpi::coverage,    Kpi::blank_visit_rate,
                                   Kpi::strike_rate, Kpi::plan_adherence,
                                   Kpi::time_in_store_share, Kpi::share_of_shelf,
                                   Kpi::oos_rate};

std::string_view to_string(Kpi kpi);             // "dn", "blank_visit_rate"…
std::optional<Kpi> parse_kpi(std::string_view);  // the inverse of to_string
// State KPIs are read at an instant; the others are flows over the days of the period.
bool is_state(Kpi kpi);
// What the numerator and denominator count ("stores", "potential", "visits", "hours",
// "facings", "audits"); the value is always their ratio, a share in [0, 1].
struct KpiUnits {
  std::string_view numerator, denominator;
};
KpiUnits units_of(Kpi kpi);

struct Universe {
  std::vector<Row> stores;  // ascending, no duplicates
  std::vector<Id> reps;     // whose driving counts in time_in_store_share
};

struct KpiQuery {
  Universe universe;
  std::optional<std::uint32_t> range;    // a code in Facts::ranges
  std::optional<std::uint32_t> product;  // an index in Facts::products; wins over range
  Day from = 0, to = 0;                  // inclusive
  std::vector<Kpi> kpis;
};

struct KpiValue {
  Kpi kpi;
  double value;  // NaN when undefined
  double numerator, denominator;
};

// The query's KPIs over [from, to], in the order of query.kpis. Requires an indexed snapshot,
// valid range and product indexes; from > to gives empty flows.
std::vector<KpiValue> compute(const Facts& facts, const KpiQuery& query);

// One value per ISO week meeting [from, to]: week k covers the days
// [max(from, weeks[k]), min(to, weeks[k] + 6)], and values[k] equals compute() over exactly
// those days (flows over them, states at the end of the last one).
struct KpiSeries {
  std::vector<Day> weeks;                      // Mondays, ascending
  std::vector<std::vector<KpiValue>> values;   // values[k][i] is query.kpis[i] in week k
};
KpiSeries weekly(const Facts& facts, const KpiQuery& query);

}  // namespace boucle::target
