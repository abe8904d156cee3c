#include "target/synth.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/domain.hpp"
#include "target/kpi.hpp"

namespace boucle::target {
namespace {

SynthOptions small() {
  SynthOptions o;
  o.stores = 2000;
  o.weeks = 20;
  o.seed = 42;
  return o;
}

TEST(Synth, DeterministicForASeed) {
  const Facts a = synthetic_facts(small());
  const Facts b = synthetic_facts(small());
  EXPECT_EQ(a.stores.lat, b.stores.lat);
  EXPECT_EQ(a.visits.checkin_at, b.visits.checkin_at);
  EXPECT_EQ(a.audits.present, b.audits.present);
  EXPECT_EQ(a.sales_revenue, b.sales_revenue);
  SynthOptions other = small();
  other.seed = 43;
  EXPECT_NE(synthetic_facts(other).stores.lat, a.stores.lat);
}

TEST(Synth, PlausibleWorld) {
  const SynthOptions o = small();
  Facts f = synthetic_facts(o);
  f.index();
  ASSERT_EQ(f.stores.size(), o.stores);
  EXPECT_EQ(f.products.size(), 24u);
  EXPECT_EQ(f.ranges.size(), 4u);
  EXPECT_EQ(f.banners.size(), 12u);
  EXPECT_EQ(f.stores.tag_begin.size(), o.stores + 1);
  for (std::size_t r = 0; r < f.stores.size(); ++r) {
    ASSERT_GE(f.stores.lat[r], 42.5);
    ASSERT_LE(f.stores.lat[r], 51.0);
    ASSERT_GE(f.stores.lon[r], -4.5);
    ASSERT_LE(f.stores.lon[r], 7.5);
    ASSERT_GE(f.stores.potential[r], 0);
    ASSERT_LE(f.stores.potential[r], 100);
    const auto& dept = f.departments.text(f.stores.department[r]);
    ASSERT_EQ(region_of_department(dept), f.regions.text(f.stores.region[r]));
    ASSERT_GE(f.stores.rep[r], 1);
  }
  // About 12 visits per store-year, done visits in the past, audits of done visits only.
  const double per_year = static_cast<double>(f.store_visits.size()) / o.stores * 52.0 / o.weeks;
  EXPECT_GT(per_year, 9);
  EXPECT_LT(per_year, 14);
  const auto done = static_cast<std::uint8_t>(core::VisitStatus::done);
  for (std::size_t v = 0; v < f.visits.size(); ++v)
    if (f.visits.status[v] == done) {
      ASSERT_LT(f.visits.checkin_at[v], f.now);
    }
  for (std::size_t i = 0; i < f.audits.size(); ++i) {
    ASSERT_EQ(f.visits.status[f.audits.visit[i]], done);
    ASSERT_EQ(f.audits.at[i], f.visits.checkin_at[f.audits.visit[i]]);
    ASSERT_EQ(f.audits.store[i], f.visits.store[f.audits.visit[i]]);
  }
  EXPECT_EQ(f.sales_revenue.size(), static_cast<std::size_t>(o.weeks) * o.stores);
  EXPECT_GT(f.sales_over(0, 4), 0);

  KpiQuery q;
  for (Row r = 0; r < f.stores.size(); ++r) q.universe.stores.push_back(r);
  q.universe.reps = {1, 2, 3};
  q.from = o.today - 28;
  q.to = o.today - 1;
  q.kpis = {std::begin(ALL_KPIS), std::end(ALL_KPIS)};
  for (const KpiValue& v : compute(f, q)) {
    EXPECT_GT(v.value, 0.0) << to_string(v.kpi);
    EXPECT_LT(v.value, 1.0) << to_string(v.kpi);
  }
  EXPECT_NEAR(compute(f, {q.universe, {}, {}, q.from, q.to, {Kpi::strike_rate}})[0].value, 0.4, 0.08);
}

TEST(Synth, AppendDayAddsActivityAndMovesNow) {
  const SynthOptions o = small();
  Facts f = synthetic_facts(o);
  f.index();
  const std::size_t visits = f.visits.size(), audits = f.audits.size(), days = f.plan_days.size();
  std::vector<Row> touched;
  append_day(f, o.today, o, 7, &touched);
  f.index();
  const std::size_t reps = o.stores / o.stores_per_rep;
  EXPECT_GE(f.visits.size() - visits, 6 * reps);
  EXPECT_LE(f.visits.size() - visits, 8 * reps);
  EXPECT_GT(f.audits.size(), audits);
  EXPECT_EQ(f.plan_days.size() - days, reps);
  EXPECT_EQ(f.today(), o.today);
  ASSERT_FALSE(touched.empty());
  EXPECT_TRUE(std::is_sorted(touched.begin(), touched.end()));
  EXPECT_EQ(std::adjacent_find(touched.begin(), touched.end()), touched.end());
  for (const Row r : touched) EXPECT_EQ(day_of(f.last_visit_at[r]), o.today);
  EXPECT_LE(f.last_visit_at[touched[0]], f.now);
}

}  // namespace
}  // namespace boucle::target
