#include "target/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "core/assert.hpp"
#include "core/domain.hpp"

namespace boucle::target {

namespace {

constexpr UnixSeconds SECONDS_PER_DAY = 86400;
constexpr auto DONE = static_cast<std::uint8_t>(core::VisitStatus::done);

struct KpiName {
  Kpi kpi;
  std::string_view name;
  bool state;
  KpiUnits units;
};
constexpr KpiName KPI_NAMES[] = {
    {Kpi::dn, "dn", true, {"stores", "stores"}},
    {Kpi::dv, "dv", true, {"potential", "potential"}},
    {Kpi::coverage, "coverage", true, {"stores", "stores"}},
    {Kpi::blank_visit_rate, "blank_visit_rate", false, {"visits", "visits"}},
    {Kpi::strike_rate, "strike_rate", false, {"visits", "visits"}},
    {Kpi::plan_adherence, "plan_adherence", false, {"visits", "visits"}},
    {Kpi::time_in_store_share, "time_in_store_share", false, {"hours", "hours"}},
    {Kpi::share_of_shelf, "share_of_shelf", false, {"facings", "facings"}},
    {Kpi::oos_rate, "oos_rate", false, {"audits", "audits"}},
};

const KpiName& entry(Kpi kpi) {
  const auto i = static_cast<std::size_t>(kpi);
  BOUCLE_ASSERT(i < std::size(KPI_NAMES) && KPI_NAMES[i].kpi == kpi, "KPI_NAMES follows the enum");
  return KPI_NAMES[i];
}

// The periods values are reported for: consecutive day spans [first_day(k), last_day(k)]
// covering [from, to], one span (compute) or one per ISO week (weekly).
class Buckets {
 public:
  Buckets(Day from, Day to, bool weekly) : from_(from), to_(to), weekly_(weekly) {
    if (!weekly) {
      count_ = 1;
    } else if (from <= to) {
      first_monday_ = monday_of(from);
      count_ = (monday_of(to) - first_monday_) / 7 + 1;
    }
  }
  int count() const { return count_; }
  Day monday(int k) const { return first_monday_ + 7 * k; }
  Day last_day(int k) const { return weekly_ ? std::min(to_, monday(k) + 6) : to_; }
  // The bucket holding day d, -1 if d is outside [from, to].
  int of_day(Day d) const {
    if (d < from_ || d > to_) return -1;
    return weekly_ ? (monday_of(d) - first_monday_) / 7 : 0;
  }

 private:
  Day from_, to_;
  bool weekly_;
  Day first_monday_ = 0;
  int count_ = 0;
};

// Sums per bucket; the state KPIs as difference arrays (a store's change of status from
// bucket k on adds ±1 at k), turned into levels by prefix sums at the end.
struct Totals {
  explicit Totals(int n)
      : dn_diff(n + 1), cov_diff(n + 1), dv_diff(n + 1), visits(n), ordered(n), blank(n),
        audits_present(n), audits_oos(n), plan_due(n), plan_done(n), in_store_seconds(n),
        drive_seconds(n), shelf_facings(n), category_facings(n) {}
  std::vector<std::int64_t> dn_diff, cov_diff;
  std::vector<double> dv_diff;
  std::vector<std::int64_t> visits, ordered, blank, audits_present, audits_oos, plan_due, plan_done;
  std::vector<double> in_store_seconds, drive_seconds, shelf_facings, category_facings;
  std::int64_t universe_size = 0, coverage_targets = 0;
  double universe_potential = 0;
};

std::vector<std::uint8_t> selected_products(const Facts& facts, const KpiQuery& query) {
  const std::size_t n = facts.products.size();
  if (query.product) {
    BOUCLE_ASSERT(*query.product < n, "the API resolves product ids to indexes");
    std::vector<std::uint8_t> selected(n, 0);
    if (*query.product < n) selected[*query.product] = 1;
    return selected;
  }
  if (query.range) {
    std::vector<std::uint8_t> selected(n, 0);
    BOUCLE_ASSERT(*query.range < facts.range_products.size() || *query.range < facts.ranges.size(),
                  "the API resolves range names to codes");
    if (*query.range < facts.range_products.size())
      for (const std::uint32_t p : facts.range_products[*query.range]) selected[p] = 1;
    return selected;
  }
  return std::vector<std::uint8_t>(n, 1);
}

bool wants(const KpiQuery& query, std::initializer_list<Kpi> any) {
  for (const Kpi k : query.kpis)
    if (std::find(any.begin(), any.end(), k) != any.end()) return true;
  return false;
}

// The sums of the universe's stores [first, last) (in query.universe.stores order), before the
// driving and the prefix sums, which accumulate() adds once.
Totals accumulate_stores(const Facts& facts, const KpiQuery& query, const Buckets& buckets,
                         std::size_t first, std::size_t last) {
  const int n_buckets = buckets.count();
  Totals totals(n_buckets);
  if (n_buckets == 0) return totals;

  const bool state_audits = wants(query, {Kpi::dn, Kpi::dv});
  const bool flow_audits = wants(query, {Kpi::blank_visit_rate, Kpi::oos_rate, Kpi::share_of_shelf});
  const bool flow_visits = wants(query, {Kpi::blank_visit_rate, Kpi::strike_rate,
                                         Kpi::time_in_store_share, Kpi::share_of_shelf});
  const bool coverage = wants(query, {Kpi::coverage});
  const bool plan = wants(query, {Kpi::plan_adherence});

  // The instant each bucket's state is read at.
  std::vector<UnixSeconds> state_at(static_cast<std::size_t>(n_buckets));
  for (int k = 0; k < n_buckets; ++k)
    state_at[k] = std::min((static_cast<UnixSeconds>(buckets.last_day(k)) + 1) * SECONDS_PER_DAY - 1,
                           facts.now);
  const UnixSeconds* instants = state_at.data();
  // Where each bucket's days end, in seconds (exclusive), for sweeps in time order.
  std::vector<UnixSeconds> bucket_end(static_cast<std::size_t>(n_buckets));
  for (int k = 0; k < n_buckets; ++k)
    bucket_end[k] = (static_cast<UnixSeconds>(buckets.last_day(k)) + 1) * SECONDS_PER_DAY;
  const UnixSeconds period_begin = static_cast<UnixSeconds>(query.from) * SECONDS_PER_DAY;
  // The bucket of instant t (day_of(t) in it), -1 if none; t must not decrease between calls
  // sharing `k`. No division per row.
  const auto bucket_at = [ends = bucket_end.data(), n_buckets, period_begin](UnixSeconds t, int& k) {
    if (t < period_begin) return -1;
    while (k < n_buckets && t >= ends[k]) ++k;
    return k < n_buckets ? k : -1;
  };
  const auto first_bucket_at = [instants, n_buckets](UnixSeconds t, int k) {  // first read at or after t
    while (k < n_buckets && instants[k] < t) ++k;
    return k;
  };

  const std::vector<std::uint8_t> selected = selected_products(facts, query);
  const std::size_t n_products = facts.products.size();
  // Raw column pointers: the byte-sized stores below would otherwise make the compiler reload
  // every vector's data pointer after each of them (char types alias everything).
  const std::uint32_t* audit_begin = facts.store_audit_begin.data();
  const std::uint32_t* store_audits = facts.store_audits.data();
  const std::uint32_t* audit_visit = facts.audits.visit.data();
  const std::uint32_t* audit_product = facts.audits.product.data();
  const UnixSeconds* audit_at = facts.audits.at.data();
  const std::uint8_t* audit_present = facts.audits.present.data();
  const std::uint8_t* audit_oos = facts.audits.out_of_stock.data();
  const std::int16_t* audit_facings = facts.audits.facings.data();
  const std::uint32_t* visit_begin_of = facts.store_visit_begin.data();
  const std::uint32_t* store_visits = facts.store_visits.data();
  const std::uint8_t* visit_status = facts.visits.status.data();
  const std::uint8_t* visit_ordered = facts.visits.ordered.data();
  const std::uint8_t* visit_from_plan = facts.visits.from_plan.data();
  const UnixSeconds* visit_planned = facts.visits.planned_at.data();
  const UnixSeconds* visit_checkin = facts.visits.checkin_at.data();
  const UnixSeconds* visit_checkout = facts.visits.checkout_at.data();
  const std::int32_t* visit_category = facts.visits.category_facings.data();
  const std::uint8_t* is_selected = selected.data();
  // Per product at the current store: the latest audit's reading so far, -1: none yet.
  std::vector<std::int8_t> shows_present_column(n_products), was_good_column(n_products);
  std::int8_t* shows_present = shows_present_column.data();
  std::int8_t* was_good = was_good_column.data();
  std::vector<std::uint32_t> gained;  // the current store's flow visits with a distribution gain
  std::int64_t* audits_present = totals.audits_present.data();
  std::int64_t* audits_oos = totals.audits_oos.data();
  std::int64_t* visit_count = totals.visits.data();
  std::int64_t* ordered = totals.ordered.data();
  std::int64_t* blank = totals.blank.data();
  double* shelf_facings = totals.shelf_facings.data();
  double* category_facings = totals.category_facings.data();
  double* in_store_seconds = totals.in_store_seconds.data();

  totals.universe_size = static_cast<std::int64_t>(last - first);
  for (std::size_t i = first; i < last; ++i) {
    const Row r = query.universe.stores[i];
    BOUCLE_ASSERT(r < facts.stores.size(), "universe rows are rows of the snapshot");
    BOUCLE_ASSERT(i == 0 || query.universe.stores[i - 1] < r, "universe rows ascend");
    const double potential = facts.stores.potential[r];
    totals.universe_potential += potential;

    gained.clear();
    if (state_audits || flow_audits) {
      std::fill(shows_present, shows_present + n_products, -1);
      std::fill(was_good, was_good + n_products, -1);
      int k = 0;
      int flow_k = 0;
      int present_count = 0;  // selected products whose latest audit shows present
      bool present = false;   // present_count > 0 as last recorded in dn_diff
      for (std::uint32_t j = audit_begin[r]; j < audit_begin[r + 1]; ++j) {
        const std::uint32_t a = store_audits[j];
        const std::uint32_t p = audit_product[a];
        const bool is_present = audit_present[a] != 0;
        const bool is_good = is_present && audit_oos[a] == 0;
        if (state_audits && is_selected[p] && k < n_buckets) {
          k = first_bucket_at(audit_at[a], k);
          if (k < n_buckets && shows_present[p] != static_cast<std::int8_t>(is_present)) {
            present_count += is_present ? 1 : (shows_present[p] == 1 ? -1 : 0);
            shows_present[p] = static_cast<std::int8_t>(is_present);
            if ((present_count > 0) != present) {
              present = present_count > 0;
              totals.dn_diff[k] += present ? 1 : -1;
              totals.dv_diff[k] += present ? potential : -potential;
            }
          }
        }
        if (!flow_audits) continue;
        const bool gain = was_good[p] == 0 && is_good;
        was_good[p] = static_cast<std::int8_t>(is_good);
        const int b = bucket_at(audit_at[a], flow_k);
        if (b < 0) continue;
        const std::uint32_t v = audit_visit[a];
        if (visit_status[v] != DONE) continue;
        if (gain) gained.push_back(v);
        if (!is_selected[p]) continue;
        if (is_present) {
          ++audits_present[b];
          if (audit_oos[a] != 0) ++audits_oos[b];
        }
        if (visit_category[v] >= 0) shelf_facings[b] += audit_facings[a];
      }
    }

    const std::uint32_t visit_begin = visit_begin_of[r];
    const std::uint32_t visit_end = visit_begin_of[r + 1];
    if (flow_visits) {
      int flow_k = 0;
      for (std::uint32_t j = visit_begin; j < visit_end; ++j) {
        const std::uint32_t v = store_visits[j];
        const int b = bucket_at(visit_checkin[v], flow_k);
        if (b < 0) continue;
        ++visit_count[b];
        if (visit_ordered[v] != 0)
          ++ordered[b];
        else if (std::find(gained.begin(), gained.end(), v) == gained.end())
          ++blank[b];
        if (visit_checkout[v] != 0)
          in_store_seconds[b] += static_cast<double>(std::max<UnixSeconds>(0, visit_checkout[v] - visit_checkin[v]));
        if (visit_category[v] >= 0) category_facings[b] += visit_category[v];
      }
    }

    const std::int32_t frequency = facts.stores.frequency_days[r];
    if (coverage && frequency > 0) {
      // Covered at instant T iff some done visit checked in within [T − F, T]: mark the buckets
      // whose instants fall in the union of the visits' intervals [checkin, checkin + F].
      ++totals.coverage_targets;
      const UnixSeconds span = static_cast<UnixSeconds>(frequency) * SECONDS_PER_DAY;
      int lo = 0, hi = 0;  // first bucket at or after the interval's start; first after its end
      const auto mark = [&](UnixSeconds start, UnixSeconds end) {
        lo = first_bucket_at(start, lo);
        hi = std::max(hi, lo);
        while (hi < n_buckets && instants[hi] <= end) ++hi;
        if (lo < hi) {
          ++totals.cov_diff[lo];
          --totals.cov_diff[hi];
        }
      };
      bool open = false;
      UnixSeconds start = 0, end = 0;
      for (std::uint32_t j = visit_begin; j < visit_end; ++j) {
        const UnixSeconds checkin = visit_checkin[store_visits[j]];
        if (checkin > instants[n_buckets - 1]) break;
        if (open && checkin <= end) {
          end = checkin + span;
          continue;
        }
        if (open) mark(start, end);
        open = true;
        start = checkin;
        end = checkin + span;
      }
      if (open) mark(start, end);
    }

    if (plan) {
      for (std::uint32_t j = facts.store_all_visit_begin[r]; j < facts.store_all_visit_begin[r + 1]; ++j) {
        const std::uint32_t v = facts.store_all_visits[j];
        if (visit_from_plan[v] == 0 || visit_planned[v] >= facts.now) continue;
        const int b = buckets.of_day(day_of(visit_planned[v]));
        if (b < 0) continue;
        ++totals.plan_due[b];
        if (visit_status[v] == DONE) ++totals.plan_done[b];
      }
    }
  }

  return totals;
}

template <typename T>
void add_into(std::vector<T>& into, const std::vector<T>& from) {
  for (std::size_t i = 0; i < into.size(); ++i) into[i] += from[i];
}

// A large universe is summed in two halves on two threads (the machine this runs on has two
// cores), then merged: the sums are the same in any order but the doubles', which may differ in
// the last bits.
Totals accumulate(const Facts& facts, const KpiQuery& query, const Buckets& buckets) {
  const std::size_t n = query.universe.stores.size();
  constexpr std::size_t SPLIT_FROM = 20'000;
  Totals totals = n >= SPLIT_FROM ? Totals(0) : accumulate_stores(facts, query, buckets, 0, n);
  if (n >= SPLIT_FROM) {
    Totals second(0);
    std::thread helper(
        [&] { second = accumulate_stores(facts, query, buckets, n / 2, n); });
    totals = accumulate_stores(facts, query, buckets, 0, n / 2);
    helper.join();
    add_into(totals.dn_diff, second.dn_diff);
    add_into(totals.cov_diff, second.cov_diff);
    add_into(totals.dv_diff, second.dv_diff);
    add_into(totals.visits, second.visits);
    add_into(totals.ordered, second.ordered);
    add_into(totals.blank, second.blank);
    add_into(totals.audits_present, second.audits_present);
    add_into(totals.audits_oos, second.audits_oos);
    add_into(totals.plan_due, second.plan_due);
    add_into(totals.plan_done, second.plan_done);
    add_into(totals.in_store_seconds, second.in_store_seconds);
    add_into(totals.shelf_facings, second.shelf_facings);
    add_into(totals.category_facings, second.category_facings);
    totals.universe_size += second.universe_size;
    totals.coverage_targets += second.coverage_targets;
    totals.universe_potential += second.universe_potential;
  }
  const int n_buckets = buckets.count();
  if (n_buckets == 0) return totals;
  const bool drive = wants(query, {Kpi::time_in_store_share});
  if (drive && !query.universe.reps.empty()) {
    std::vector<Id> reps = query.universe.reps;
    std::sort(reps.begin(), reps.end());
    reps.erase(std::unique(reps.begin(), reps.end()), reps.end());
    const Day today = facts.today();
    const auto& days = facts.plan_days;
    for (std::size_t i = 0; i < days.size(); ++i) {
      if (days.day[i] > today) continue;
      const int b = buckets.of_day(days.day[i]);
      if (b < 0 || !std::binary_search(reps.begin(), reps.end(), days.rep[i])) continue;
      totals.drive_seconds[b] += days.drive_seconds[i];
    }
  }

  for (int k = 1; k < n_buckets; ++k) {
    totals.dn_diff[k] += totals.dn_diff[k - 1];
    totals.dv_diff[k] += totals.dv_diff[k - 1];
    totals.cov_diff[k] += totals.cov_diff[k - 1];
  }
  return totals;
}

KpiValue make_value(Kpi kpi, double numerator, double denominator) {
  const double value =
      denominator > 0 ? numerator / denominator : std::numeric_limits<double>::quiet_NaN();
  return {kpi, value, numerator, denominator};
}

std::vector<KpiValue> values_of(const Totals& t, int k, const std::vector<Kpi>& kpis) {
  std::vector<KpiValue> out;
  out.reserve(kpis.size());
  for (const Kpi kpi : kpis) {
    switch (kpi) {
      case Kpi::dn:
        out.push_back(make_value(kpi, static_cast<double>(t.dn_diff[k]), static_cast<double>(t.universe_size)));
        break;
      case Kpi::dv:
        // The prefix sums of ± potentials can leave a rounding residue around 0.
        out.push_back(make_value(kpi, std::max(0.0, t.dv_diff[k]), t.universe_potential));
        break;
      case Kpi::coverage:
        out.push_back(make_value(kpi, static_cast<double>(t.cov_diff[k]), static_cast<double>(t.coverage_targets)));
        break;
      case Kpi::blank_visit_rate:
        out.push_back(make_value(kpi, static_cast<double>(t.blank[k]), static_cast<double>(t.visits[k])));
        break;
      case Kpi::strike_rate:
        out.push_back(make_value(kpi, static_cast<double>(t.ordered[k]), static_cast<double>(t.visits[k])));
        break;
      case Kpi::plan_adherence:
        out.push_back(make_value(kpi, static_cast<double>(t.plan_done[k]), static_cast<double>(t.plan_due[k])));
        break;
      case Kpi::time_in_store_share:
        out.push_back(make_value(kpi, t.in_store_seconds[k] / 3600.0,
                                 (t.in_store_seconds[k] + t.drive_seconds[k]) / 3600.0));
        break;
      case Kpi::share_of_shelf:
        out.push_back(make_value(kpi, t.shelf_facings[k], t.category_facings[k]));
        break;
      case Kpi::oos_rate:
        out.push_back(make_value(kpi, static_cast<double>(t.audits_oos[k]), static_cast<double>(t.audits_present[k])));
        break;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(Kpi kpi) { return entry(kpi).name; }

std::optional<Kpi> parse_kpi(std::string_view text) {
  for (const KpiName& e : KPI_NAMES)
    if (e.name == text) return e.kpi;
  return std::nullopt;
}

bool is_state(Kpi kpi) { return entry(kpi).state; }

KpiUnits units_of(Kpi kpi) { return entry(kpi).units; }

std::vector<KpiValue> compute(const Facts& facts, const KpiQuery& query) {
  const Buckets buckets(query.from, query.to, false);
  return values_of(accumulate(facts, query, buckets), 0, query.kpis);
}

KpiSeries weekly(const Facts& facts, const KpiQuery& query) {
  const Buckets buckets(query.from, query.to, true);
  const Totals totals = accumulate(facts, query, buckets);
  KpiSeries series;
  series.weeks.reserve(static_cast<std::size_t>(buckets.count()));
  series.values.reserve(static_cast<std::size_t>(buckets.count()));
  for (int k = 0; k < buckets.count(); ++k) {
    series.weeks.push_back(buckets.monday(k));
    series.values.push_back(values_of(totals, k, query.kpis));
  }
  return series;
}

}  // namespace boucle::target
