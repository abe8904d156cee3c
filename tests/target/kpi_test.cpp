#include "target/kpi.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/domain.hpp"

namespace boucle::target {
namespace {

constexpr UnixSeconds DAY = 86400;
constexpr UnixSeconds HOUR = 3600;
constexpr auto DONE = static_cast<std::uint8_t>(core::VisitStatus::done);
constexpr auto PLANNED = static_cast<std::uint8_t>(core::VisitStatus::planned);
constexpr auto IN_PROGRESS = static_cast<std::uint8_t>(core::VisitStatus::in_progress);
constexpr auto CANCELLED = static_cast<std::uint8_t>(core::VisitStatus::cancelled);

void add_store(Facts& f, double potential, std::int32_t frequency_days) {
  const auto r = f.stores.size();
  f.stores.id.push_back(static_cast<Id>(r + 1));
  f.stores.code.push_back(std::string("S").append(std::to_string(r)));
  f.stores.name.push_back(std::string("Store ").append(std::to_string(r)));
  f.stores.channel.push_back(0);
  f.stores.banner.push_back(0);
  f.stores.town.push_back(0);
  f.stores.department.push_back(0);
  f.stores.region.push_back(0);
  f.stores.lat.push_back(45);
  f.stores.lon.push_back(5);
  f.stores.potential.push_back(potential);
  f.stores.size_sqm.push_back(100);
  f.stores.frequency_days.push_back(frequency_days);
  f.stores.rep.push_back(1);
  f.stores.tag_begin.push_back(0);
}

void add_product(Facts& f, std::string_view range) {
  f.products.id.push_back(static_cast<Id>(f.products.size() + 100));
  f.products.sku.push_back(std::string("P").append(std::to_string(f.products.size())));
  f.products.range.push_back(f.ranges.code(range));
}

struct VisitSpec {
  Row store;
  std::uint8_t status;
  UnixSeconds planned_at, checkin_at, checkout_at;
  bool from_plan, ordered;
  std::int32_t category_facings;
};

std::uint32_t add_visit(Facts& f, const VisitSpec& s) {
  f.visits.id.push_back(static_cast<Id>(f.visits.size() + 1));
  f.visits.store.push_back(s.store);
  f.visits.rep.push_back(1);
  f.visits.status.push_back(s.status);
  f.visits.planned_at.push_back(s.planned_at);
  f.visits.checkin_at.push_back(s.checkin_at);
  f.visits.checkout_at.push_back(s.checkout_at);
  f.visits.from_plan.push_back(s.from_plan ? 1 : 0);
  f.visits.ordered.push_back(s.ordered ? 1 : 0);
  f.visits.category_facings.push_back(s.category_facings);
  return static_cast<std::uint32_t>(f.visits.size() - 1);
}

void add_audit(Facts& f, std::uint32_t visit, std::uint32_t product, bool present, bool oos,
               std::int16_t facings) {
  f.audits.visit.push_back(visit);
  f.audits.store.push_back(f.visits.store[visit]);
  f.audits.product.push_back(product);
  f.audits.at.push_back(f.visits.checkin_at[visit]);
  f.audits.present.push_back(present ? 1 : 0);
  f.audits.out_of_stock.push_back(oos ? 1 : 0);
  f.audits.promo.push_back(0);
  f.audits.facings.push_back(facings);
}

void add_plan_day(Facts& f, Id rep, Day day, std::int32_t drive_seconds) {
  f.plan_days.rep.push_back(rep);
  f.plan_days.day.push_back(day);
  f.plan_days.drive_seconds.push_back(drive_seconds);
}

std::vector<Kpi> all_kpis() { return {std::begin(ALL_KPIS), std::end(ALL_KPIS)}; }

const KpiValue& find(const std::vector<KpiValue>& values, Kpi kpi) {
  for (const KpiValue& v : values)
    if (v.kpi == kpi) return v;
  throw std::runtime_error("missing KPI");
}

// Two weeks of a small territory; every number below is worked out by hand in the comments.
class KpiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    base = monday_of(20000);
    const auto at = [&](int day, UnixSeconds seconds) { return (base + day) * DAY + seconds; };
    f.now = at(13, 12 * HOUR);  // Sunday of the second week, noon
    add_store(f, 10, 7);        // 0
    add_store(f, 30, 14);       // 1
    add_store(f, 60, 0);        // 2: no target frequency
    add_store(f, 100, 7);       // 3: never visited
    add_product(f, "Snacks");   // 0
    add_product(f, "Snacks");   // 1
    add_product(f, "Drinks");   // 2
    const auto v0 = add_visit(f, {0, DONE, at(1, 9 * HOUR), at(1, 9 * HOUR), at(1, 10 * HOUR), true, true, 20});
    const auto v1 = add_visit(f, {0, DONE, at(8, 9 * HOUR), at(8, 9 * HOUR), 0, true, false, -1});
    const auto v2 = add_visit(f, {1, DONE, 0, at(2, 10 * HOUR), at(2, 10 * HOUR + 1800), false, false, 10});
    add_visit(f, {1, CANCELLED, at(9, 0), 0, 0, true, false, -1});
    const auto v4 = add_visit(f, {2, DONE, at(9, 14 * HOUR), at(9, 14 * HOUR), at(9, 16 * HOUR), true, false, 40});
    add_visit(f, {2, PLANNED, at(13, 15 * HOUR), 0, 0, true, false, -1});  // after now: not due
    add_visit(f, {3, PLANNED, at(10, 0), 0, 0, true, false, -1});          // past, never done
    add_audit(f, v0, 0, false, false, 0);
    add_audit(f, v0, 2, true, false, 3);
    add_audit(f, v1, 0, true, false, 2);  // absent before: a distribution gain
    add_audit(f, v1, 2, true, true, 0);
    add_audit(f, v2, 1, true, false, 4);  // first audit there: not a gain
    add_audit(f, v4, 0, true, true, 1);
    add_audit(f, v4, 2, false, false, 0);
    add_plan_day(f, 1, base + 1, 3600);
    add_plan_day(f, 1, base + 8, 7200);
    add_plan_day(f, 2, base + 2, 1800);   // another rep
    add_plan_day(f, 1, base + 15, 9999);  // in the future
    f.index();
    query.universe.stores = {0, 1, 2, 3};
    query.universe.reps = {1};
    query.from = base;
    query.to = base + 13;
    query.kpis = all_kpis();
  }
  Facts f;
  Day base = 0;
  KpiQuery query;
};

TEST_F(KpiFixture, PeriodValues) {
  const auto values = compute(f, query);
  ASSERT_EQ(values.size(), std::size(ALL_KPIS));
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i].kpi, ALL_KPIS[i]);
  // DN: stores 0, 1, 2 have a product present (2's is out of stock but present); 3 never audited.
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).value, 0.75);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).numerator, 3);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).denominator, 4);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dv).value, 100.0 / 200.0);
  // Coverage: 0 (5 d since visit, every 7 d) and 1 (11 d, every 14 d) of {0, 1, 3}.
  EXPECT_DOUBLE_EQ(find(values, Kpi::coverage).value, 2.0 / 3.0);
  // Flows over v0, v1, v2, v4: v0 ordered; v1 gained product 0; v2 and v4 blank.
  EXPECT_DOUBLE_EQ(find(values, Kpi::strike_rate).value, 0.25);
  EXPECT_DOUBLE_EQ(find(values, Kpi::blank_visit_rate).value, 0.5);
  // Present readings: v0 p2, v1 p0, v1 p2 (oos), v2 p1, v4 p0 (oos).
  EXPECT_DOUBLE_EQ(find(values, Kpi::oos_rate).value, 2.0 / 5.0);
  // Facings 3 (v0) + 4 (v2) + 1 (v4) over category shelves 20 + 10 + 40; v1 did not count it.
  EXPECT_DOUBLE_EQ(find(values, Kpi::share_of_shelf).value, 8.0 / 70.0);
  // In store 1 h + 0.5 h + 2 h (v1 has no checkout); driving 1 h + 2 h of rep 1.
  const auto& time = find(values, Kpi::time_in_store_share);
  EXPECT_DOUBLE_EQ(time.numerator, 3.5);
  EXPECT_DOUBLE_EQ(time.denominator, 6.5);
  EXPECT_DOUBLE_EQ(time.value, 3.5 / 6.5);
  // Due from plan: v0, v1, v4 done; v3 cancelled; v6 never done. v5 is not due yet.
  EXPECT_DOUBLE_EQ(find(values, Kpi::plan_adherence).numerator, 3);
  EXPECT_DOUBLE_EQ(find(values, Kpi::plan_adherence).denominator, 5);
}

TEST_F(KpiFixture, ProductAndRangeSelection) {
  query.kpis = {Kpi::dn, Kpi::dv, Kpi::oos_rate, Kpi::share_of_shelf};
  query.product = 2;  // Drinks: present at store 0 (out of stock, still present), absent at 2
  auto values = compute(f, query);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).value, 0.25);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dv).value, 10.0 / 200.0);
  EXPECT_DOUBLE_EQ(find(values, Kpi::oos_rate).value, 0.5);  // v0 p2, v1 p2 (oos)
  EXPECT_DOUBLE_EQ(find(values, Kpi::share_of_shelf).value, 3.0 / 70.0);
  query.product.reset();
  query.range = *f.ranges.find("Snacks");
  values = compute(f, query);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).value, 0.75);
  EXPECT_DOUBLE_EQ(find(values, Kpi::oos_rate).value, 1.0 / 3.0);  // v1 p0, v2 p1, v4 p0 (oos)
  EXPECT_DOUBLE_EQ(find(values, Kpi::share_of_shelf).value, 5.0 / 70.0);
}

TEST_F(KpiFixture, StateReadAtTheEndOfThePeriodCappedAtNow) {
  query.kpis = {Kpi::dn, Kpi::coverage};
  query.to = base + 5;  // before v1, v4: store 0 shows p2 present, store 2 not yet audited
  auto values = compute(f, query);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).value, 0.5);
  EXPECT_DOUBLE_EQ(find(values, Kpi::coverage).value, 2.0 / 3.0);
  query.to = base + 40;  // capped at now: the same as the end of week 2
  values = compute(f, query);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).value, 0.75);
  EXPECT_DOUBLE_EQ(find(values, Kpi::coverage).value, 2.0 / 3.0);
  // Later now: store 0's last visit (day 8) is more than 7 days old on day 16.
  f.now = (base + 16) * DAY;
  values = compute(f, query);
  EXPECT_DOUBLE_EQ(find(values, Kpi::coverage).value, 1.0 / 3.0);
  // Exactly 7 days after store 0's last check-in it is still covered, one second later not.
  f.now = (base + 15) * DAY + 9 * HOUR;
  EXPECT_DOUBLE_EQ(find(compute(f, query), Kpi::coverage).value, 2.0 / 3.0);
  f.now += 1;
  EXPECT_DOUBLE_EQ(find(compute(f, query), Kpi::coverage).value, 1.0 / 3.0);
  f.now -= 1;
  EXPECT_DOUBLE_EQ(find(weekly(f, query).values.back(), Kpi::coverage).value, 2.0 / 3.0);
}

TEST_F(KpiFixture, WeeklySeries) {
  const auto series = weekly(f, query);
  ASSERT_EQ(series.weeks, (std::vector<Day>{base, base + 7}));
  ASSERT_EQ(series.values.size(), 2u);
  const auto& w0 = series.values[0];
  const auto& w1 = series.values[1];
  EXPECT_DOUBLE_EQ(find(w0, Kpi::dn).value, 0.5);  // store 2 not audited before week 2
  EXPECT_DOUBLE_EQ(find(w1, Kpi::dn).value, 0.75);
  EXPECT_DOUBLE_EQ(find(w0, Kpi::coverage).value, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(find(w0, Kpi::strike_rate).value, 0.5);  // v0, v2
  EXPECT_DOUBLE_EQ(find(w1, Kpi::strike_rate).value, 0.0);  // v1, v4
  EXPECT_DOUBLE_EQ(find(w0, Kpi::blank_visit_rate).value, 0.5);
  EXPECT_DOUBLE_EQ(find(w1, Kpi::blank_visit_rate).value, 0.5);
  EXPECT_DOUBLE_EQ(find(w0, Kpi::plan_adherence).value, 1.0);
  EXPECT_DOUBLE_EQ(find(w1, Kpi::plan_adherence).value, 0.5);
  EXPECT_DOUBLE_EQ(find(w0, Kpi::time_in_store_share).numerator, 1.5);
  EXPECT_DOUBLE_EQ(find(w0, Kpi::time_in_store_share).denominator, 2.5);
}

TEST_F(KpiFixture, UndefinedIsNaN) {
  query.universe.stores.clear();
  query.universe.reps.clear();
  for (const KpiValue& v : compute(f, query)) {
    EXPECT_TRUE(std::isnan(v.value)) << to_string(v.kpi);
    EXPECT_EQ(v.numerator, 0) << to_string(v.kpi);
  }
  query.universe.stores = {3};
  const auto values = compute(f, query);
  EXPECT_DOUBLE_EQ(find(values, Kpi::dn).value, 0.0);  // defined: never audited is not present
  EXPECT_DOUBLE_EQ(find(values, Kpi::coverage).value, 0.0);
  EXPECT_TRUE(std::isnan(find(values, Kpi::strike_rate).value));  // no visits
  EXPECT_DOUBLE_EQ(find(values, Kpi::plan_adherence).value, 0.0);
}

TEST_F(KpiFixture, EmptyPeriod) {
  query.from = base + 5;
  query.to = base + 4;
  EXPECT_TRUE(weekly(f, query).weeks.empty());
  EXPECT_TRUE(std::isnan(find(compute(f, query), Kpi::strike_rate).value));
}

TEST(KpiNames, RoundTrip) {
  for (const Kpi kpi : ALL_KPIS) {
    EXPECT_EQ(parse_kpi(to_string(kpi)), kpi);
    EXPECT_FALSE(units_of(kpi).numerator.empty());
  }
  EXPECT_EQ(to_string(Kpi::blank_visit_rate), "blank_visit_rate");
  EXPECT_FALSE(parse_kpi("DN").has_value());
  EXPECT_TRUE(is_state(Kpi::dv));
  EXPECT_FALSE(is_state(Kpi::oos_rate));
  EXPECT_EQ(units_of(Kpi::time_in_store_share).numerator, "hours");
}

// ---- Property: the engine agrees with a naive reading of the definitions ------------------

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }
};

Facts random_facts(std::uint64_t seed, Day base) {
  Rng rng{seed};
  Facts f;
  f.now = (base + 90) * DAY + rng.below(static_cast<int>(DAY));
  const int n_stores = 200 + rng.below(200);
  for (int r = 0; r < n_stores; ++r)
    add_store(f, rng.below(101), rng.chance(15) ? 0 : 7 * (1 + rng.below(4)));
  const char* ranges[] = {"A", "B", "C"};
  for (int p = 0; p < 8; ++p) add_product(f, ranges[rng.below(3)]);
  const int n_visits = n_stores * 8;
  for (int i = 0; i < n_visits; ++i) {
    const auto store = static_cast<Row>(rng.below(n_stores));
    // A few exact ties of check-in times at a store.
    const UnixSeconds t = rng.chance(10) ? (base + 30) * DAY + 9 * HOUR
                                         : (base + rng.below(120)) * DAY + rng.below(static_cast<int>(DAY));
    const bool past = t < f.now;
    std::uint8_t status = CANCELLED;
    if (past) {
      const int s = rng.below(10);
      status = s < 7 ? DONE : s < 8 ? CANCELLED : s < 9 ? PLANNED : IN_PROGRESS;
    } else {
      status = rng.chance(90) ? PLANNED : CANCELLED;
    }
    const bool done = status == DONE;
    UnixSeconds checkout = 0;
    if (done && rng.chance(85)) checkout = t + rng.below(7200) - (rng.chance(5) ? 7200 : 0);
    const std::uint32_t v = add_visit(
        f, {store, status, rng.chance(90) ? t - rng.below(3 * static_cast<int>(HOUR)) : 0,
            done ? t : 0, checkout, rng.chance(75), done && rng.chance(40),
            rng.chance(50) ? rng.below(60) : -1});
    if (!done) continue;
    for (std::uint32_t p = 0; p < 8; ++p) {
      if (!rng.chance(40)) continue;
      const int repeats = rng.chance(5) ? 2 : 1;  // sometimes read twice in one visit
      for (int k = 0; k < repeats; ++k) {
        const bool present = rng.chance(60);
        add_audit(f, v, p, present, present && rng.chance(20), static_cast<std::int16_t>(present ? rng.below(8) : 0));
      }
    }
  }
  for (Id rep = 1; rep <= 5; ++rep)
    for (Day d = base; d < base + 120; ++d)
      if (rng.chance(70)) add_plan_day(f, rep, d, rng.below(20000));
  f.index();
  return f;
}

// Straight from the definitions: loops over raw rows, no index.
std::vector<KpiValue> reference(const Facts& f, const KpiQuery& q) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto ratio = [&](Kpi k, double n, double d) { return KpiValue{k, d > 0 ? n / d : nan, n, d}; };
  std::set<Row> universe(q.universe.stores.begin(), q.universe.stores.end());
  std::set<std::uint32_t> selected;
  for (std::uint32_t p = 0; p < f.products.size(); ++p)
    if (q.product ? p == *q.product : !q.range || f.products.range[p] == *q.range) selected.insert(p);
  const UnixSeconds instant = std::min((q.to + 1) * DAY - 1, f.now);
  const auto in_period = [&](UnixSeconds t) { return day_of(t) >= q.from && day_of(t) <= q.to; };
  // (at, index) orders a store's audits of one product.
  const auto before = [&](std::size_t a, std::size_t b) {
    return std::pair(f.audits.at[a], a) < std::pair(f.audits.at[b], b);
  };
  const auto good = [&](std::size_t a) { return f.audits.present[a] && !f.audits.out_of_stock[a]; };

  double dn = 0, dv = 0, potential = 0, covered = 0, targets = 0;
  for (const Row r : universe) {
    potential += f.stores.potential[r];
    bool present = false;
    for (const std::uint32_t p : selected) {
      std::optional<std::size_t> latest;
      for (std::size_t a = 0; a < f.audits.size(); ++a)
        if (f.audits.store[a] == r && f.audits.product[a] == p && f.audits.at[a] <= instant &&
            (!latest || before(*latest, a)))
          latest = a;
      if (latest && f.audits.present[*latest]) present = true;
    }
    if (present) {
      ++dn;
      dv += f.stores.potential[r];
    }
    if (f.stores.frequency_days[r] > 0) {
      ++targets;
      std::optional<UnixSeconds> last;
      for (std::size_t v = 0; v < f.visits.size(); ++v)
        if (f.visits.store[v] == r && f.visits.status[v] == DONE && f.visits.checkin_at[v] <= instant)
          last = std::max(last.value_or(f.visits.checkin_at[v]), f.visits.checkin_at[v]);
      if (last && instant - *last <= f.stores.frequency_days[r] * DAY) ++covered;
    }
  }

  double visits = 0, ordered = 0, blank = 0, present = 0, oos = 0, shelf = 0, category = 0, in_store = 0;
  for (std::size_t v = 0; v < f.visits.size(); ++v) {
    if (!universe.count(f.visits.store[v]) || f.visits.status[v] != DONE || !in_period(f.visits.checkin_at[v]))
      continue;
    ++visits;
    if (f.visits.ordered[v]) ++ordered;
    bool gain = false;
    for (std::size_t a = 0; a < f.audits.size(); ++a) {
      if (f.audits.visit[a] != v) continue;
      if (selected.count(f.audits.product[a]) && f.audits.present[a]) {
        ++present;
        if (f.audits.out_of_stock[a]) ++oos;
      }
      if (selected.count(f.audits.product[a]) && f.visits.category_facings[v] >= 0) shelf += f.audits.facings[a];
      if (!good(a)) continue;
      std::optional<std::size_t> previous;
      for (std::size_t b = 0; b < f.audits.size(); ++b)
        if (f.audits.store[b] == f.audits.store[a] && f.audits.product[b] == f.audits.product[a] &&
            before(b, a) && (!previous || before(*previous, b)))
          previous = b;
      if (previous && !good(*previous)) gain = true;
    }
    if (!f.visits.ordered[v] && !gain) ++blank;
    if (f.visits.category_facings[v] >= 0) category += f.visits.category_facings[v];
    if (f.visits.checkout_at[v] != 0)
      in_store += static_cast<double>(std::max<UnixSeconds>(0, f.visits.checkout_at[v] - f.visits.checkin_at[v]));
  }
  double drive = 0;
  for (std::size_t i = 0; i < f.plan_days.size(); ++i) {
    const Day d = f.plan_days.day[i];
    if (d >= q.from && d <= std::min(q.to, f.today()) &&
        std::count(q.universe.reps.begin(), q.universe.reps.end(), f.plan_days.rep[i]))
      drive += f.plan_days.drive_seconds[i];
  }
  double due = 0, done = 0;
  for (std::size_t v = 0; v < f.visits.size(); ++v) {
    if (!universe.count(f.visits.store[v]) || !f.visits.from_plan[v] || f.visits.planned_at[v] >= f.now ||
        !in_period(f.visits.planned_at[v]))
      continue;
    ++due;
    if (f.visits.status[v] == DONE) ++done;
  }

  std::vector<KpiValue> out;
  for (const Kpi k : q.kpis) {
    switch (k) {
      case Kpi::dn: out.push_back(ratio(k, dn, static_cast<double>(universe.size()))); break;
      case Kpi::dv: out.push_back(ratio(k, dv, potential)); break;
      case Kpi::coverage: out.push_back(ratio(k, covered, targets)); break;
      case Kpi::blank_visit_rate: out.push_back(ratio(k, blank, visits)); break;
      case Kpi::strike_rate: out.push_back(ratio(k, ordered, visits)); break;
      case Kpi::plan_adherence: out.push_back(ratio(k, done, due)); break;
      case Kpi::time_in_store_share: out.push_back(ratio(k, in_store / 3600, (in_store + drive) / 3600)); break;
      case Kpi::share_of_shelf: out.push_back(ratio(k, shelf, category)); break;
      case Kpi::oos_rate: out.push_back(ratio(k, oos, present)); break;
    }
  }
  return out;
}

void expect_same(const std::vector<KpiValue>& got, const std::vector<KpiValue>& want, const std::string& where) {
  ASSERT_EQ(got.size(), want.size()) << where;
  const auto close = [](double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
  };
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].kpi, want[i].kpi) << where;
    EXPECT_PRED2(close, got[i].value, want[i].value) << where << " " << to_string(want[i].kpi);
    EXPECT_PRED2(close, got[i].numerator, want[i].numerator) << where << " " << to_string(want[i].kpi);
    EXPECT_PRED2(close, got[i].denominator, want[i].denominator) << where << " " << to_string(want[i].kpi);
  }
}

KpiQuery random_query(const Facts& f, Rng& rng, Day base) {
  KpiQuery q;
  for (Row r = 0; r < f.stores.size(); ++r)
    if (rng.chance(60)) q.universe.stores.push_back(r);
  for (Id rep = 1; rep <= 6; ++rep)
    if (rng.chance(50)) q.universe.reps.push_back(rep);
  const int selection = rng.below(3);
  if (selection == 1) q.product = static_cast<std::uint32_t>(rng.below(static_cast<int>(f.products.size())));
  if (selection == 2) q.range = static_cast<std::uint32_t>(rng.below(static_cast<int>(f.ranges.size())));
  q.from = base + rng.below(100);
  q.to = q.from + rng.below(60);  // sometimes past now (day 90)
  q.kpis = all_kpis();
  std::reverse(q.kpis.begin(), q.kpis.end());
  return q;
}

TEST(KpiProperty, ComputeAndWeeklyAgreeWithTheDefinitions) {
  const Day base = monday_of(19000) + 3;  // a Thursday: periods start mid-week
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Facts f = random_facts(seed, base);
    Rng rng{seed * 7919};
    for (int i = 0; i < 4; ++i) {
      const KpiQuery q = random_query(f, rng, base);
      const std::string where = "seed " + std::to_string(seed) + " query " + std::to_string(i);
      expect_same(compute(f, q), reference(f, q), where);

      const KpiSeries series = weekly(f, q);
      ASSERT_EQ(series.weeks.size(), series.values.size());
      ASSERT_FALSE(series.weeks.empty());
      EXPECT_EQ(series.weeks.front(), monday_of(q.from));
      EXPECT_EQ(series.weeks.back(), monday_of(q.to));
      for (std::size_t k = 0; k < series.weeks.size(); ++k) {
        KpiQuery week = q;
        week.from = std::max(q.from, series.weeks[k]);
        week.to = std::min(q.to, series.weeks[k] + 6);
        const std::string at = where + " week " + std::to_string(k);
        expect_same(series.values[k], compute(f, week), at);
        if (k % 3 == 0) expect_same(series.values[k], reference(f, week), at + " (reference)");
      }
      // The last week's states are the period's states.
      const auto whole = compute(f, q);
      for (std::size_t j = 0; j < q.kpis.size(); ++j)
        if (is_state(q.kpis[j]))
          expect_same({series.values.back()[j]}, {whole[j]}, where + " last week state");
    }
  }
}

}  // namespace
}  // namespace boucle::target
