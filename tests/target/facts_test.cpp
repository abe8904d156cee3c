#include "target/facts.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/domain.hpp"

namespace boucle::target {
namespace {

constexpr UnixSeconds DAY = 86400;
constexpr auto DONE = static_cast<std::uint8_t>(core::VisitStatus::done);
constexpr auto PLANNED = static_cast<std::uint8_t>(core::VisitStatus::planned);
constexpr auto CANCELLED = static_cast<std::uint8_t>(core::VisitStatus::cancelled);

void add_store(Facts& f, Id id) {
  f.stores.id.push_back(id);
  f.stores.code.push_back(std::string("S").append(std::to_string(id)));
  f.stores.name.push_back(std::string("Store ").append(std::to_string(id)));
  f.stores.channel.push_back(0);
  f.stores.banner.push_back(0);
  f.stores.town.push_back(0);
  f.stores.department.push_back(0);
  f.stores.region.push_back(0);
  f.stores.lat.push_back(45);
  f.stores.lon.push_back(5);
  f.stores.potential.push_back(10);
  f.stores.size_sqm.push_back(100);
  f.stores.frequency_days.push_back(14);
  f.stores.rep.push_back(1);
  f.stores.tag_begin.push_back(static_cast<std::uint32_t>(f.stores.tag_code.size()));
}

void add_product(Facts& f, Id id, std::string_view range) {
  f.products.id.push_back(id);
  f.products.sku.push_back(std::string("P").append(std::to_string(id)));
  f.products.range.push_back(f.ranges.code(range));
}

std::uint32_t add_visit(Facts& f, Row store, std::uint8_t status, UnixSeconds checkin) {
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

std::uint32_t add_audit(Facts& f, std::uint32_t visit, std::uint32_t product, bool present) {
  f.audits.visit.push_back(visit);
  f.audits.store.push_back(f.visits.store[visit]);
  f.audits.product.push_back(product);
  f.audits.at.push_back(f.visits.checkin_at[visit]);
  f.audits.present.push_back(present ? 1 : 0);
  f.audits.out_of_stock.push_back(0);
  f.audits.promo.push_back(0);
  f.audits.facings.push_back(present ? 2 : 0);
  return static_cast<std::uint32_t>(f.audits.size() - 1);
}

TEST(Dictionary, CodesInFirstSeenOrder) {
  Dictionary d;
  EXPECT_EQ(d.code("b"), 0u);
  EXPECT_EQ(d.code("a"), 1u);
  EXPECT_EQ(d.code("b"), 0u);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.text(1), "a");
  EXPECT_EQ(d.find("a"), 1u);
  EXPECT_FALSE(d.find("c").has_value());
  ASSERT_EQ(d.values().size(), 2u);
  EXPECT_EQ(d.values()[0], "b");
}

class FactsIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    add_store(f, 30);
    add_store(f, 10);
    add_store(f, 20);
    add_product(f, 100, "Snacks");
    add_product(f, 101, "Drinks");
    add_product(f, 102, "Snacks");
    f.now = 100 * DAY;
    // Store 0: done visits out of order, one cancelled, one planned.
    v_late = add_visit(f, 0, DONE, 50 * DAY);
    v_early = add_visit(f, 0, DONE, 40 * DAY);
    add_visit(f, 0, CANCELLED, 60 * DAY);
    add_visit(f, 0, PLANNED, 70 * DAY);
    // Store 2: one done visit.
    v_other = add_visit(f, 2, DONE, 45 * DAY);
    // Audits, added out of time order.
    a_late_p2 = add_audit(f, v_late, 2, true);
    a_late_p0 = add_audit(f, v_late, 0, false);
    a_early_p0 = add_audit(f, v_early, 0, true);
    a_other_p1 = add_audit(f, v_other, 1, true);
    // A second reading of product 0 in the same visit: same time, larger index wins.
    a_late_p0_again = add_audit(f, v_late, 0, true);
    f.index();
  }
  Facts f;
  std::uint32_t v_late = 0, v_early = 0, v_other = 0;
  std::uint32_t a_late_p2 = 0, a_late_p0 = 0, a_early_p0 = 0, a_other_p1 = 0, a_late_p0_again = 0;
};

TEST_F(FactsIndex, RowsAndProducts) {
  EXPECT_EQ(f.row(10), Row{1});
  EXPECT_EQ(f.row(30), Row{0});
  EXPECT_FALSE(f.row(99).has_value());
  EXPECT_EQ(f.product_of.at(101), 1u);
  ASSERT_EQ(f.range_products.size(), 2u);
  EXPECT_EQ(f.range_products[*f.ranges.find("Snacks")], (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(f.range_products[*f.ranges.find("Drinks")], (std::vector<std::uint32_t>{1}));
}

TEST_F(FactsIndex, DoneVisitsByStoreAndTime) {
  EXPECT_EQ(f.last_visit_at, (std::vector<UnixSeconds>{50 * DAY, 0, 45 * DAY}));
  EXPECT_EQ(f.store_visit_begin, (std::vector<std::uint32_t>{0, 2, 2, 3}));
  EXPECT_EQ(f.store_visits, (std::vector<std::uint32_t>{v_early, v_late, v_other}));
  EXPECT_EQ(f.store_all_visit_begin, (std::vector<std::uint32_t>{0, 4, 4, 5}));
  EXPECT_EQ(f.store_all_visits, (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
}

TEST_F(FactsIndex, AuditsByStoreTimeProduct) {
  EXPECT_EQ(f.store_audit_begin, (std::vector<std::uint32_t>{0, 4, 4, 5}));
  EXPECT_EQ(f.store_audits,
            (std::vector<std::uint32_t>{a_early_p0, a_late_p0, a_late_p0_again, a_late_p2, a_other_p1}));
  const std::size_t np = f.products.size();
  EXPECT_EQ(f.latest_audit.size(), 3 * np);
  EXPECT_EQ(f.latest_audit[0 * np + 0], a_late_p0_again);
  EXPECT_EQ(f.latest_audit[0 * np + 1], NONE);
  EXPECT_EQ(f.latest_audit[0 * np + 2], a_late_p2);
  for (std::size_t p = 0; p < np; ++p) EXPECT_EQ(f.latest_audit[1 * np + p], NONE);
  EXPECT_EQ(f.latest_audit[2 * np + 1], a_other_p1);
}

TEST_F(FactsIndex, ReindexAfterAppendIsFresh) {
  const auto v = add_visit(f, 1, DONE, 80 * DAY);
  const auto a = add_audit(f, v, 1, true);
  f.index();
  EXPECT_EQ(f.last_visit_at[1], 80 * DAY);
  EXPECT_EQ(f.store_visit_begin, (std::vector<std::uint32_t>{0, 2, 3, 4}));
  EXPECT_EQ(f.latest_audit[1 * f.products.size() + 1], a);
  EXPECT_EQ(f.row_of.size(), 3u);
}

TEST(FactsEmpty, IndexesNothing) {
  Facts f;
  f.index();
  EXPECT_EQ(f.store_visit_begin, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(f.store_audit_begin, (std::vector<std::uint32_t>{0}));
  EXPECT_TRUE(f.latest_audit.empty());
  EXPECT_EQ(f.sales_over(0, 4), 0.0);
}

TEST(FactsSales, SumsCompleteWeeksBeforeToday) {
  Facts f;
  add_store(f, 1);
  add_store(f, 2);
  const Day monday = monday_of(20000);
  f.now = static_cast<UnixSeconds>(monday + 2) * DAY + 3600;  // Wednesday of week `monday`
  f.sales_first_week = monday - 7 * 3;                        // weeks -3, -2, -1, 0 stored
  f.sales_weeks = 4;
  // Row 0 gets 1, 10, 100, 1000 by week; row 1 gets twice that.
  for (int w = 0; w < 4; ++w) {
    const float v = static_cast<float>(w == 0 ? 1 : w == 1 ? 10 : w == 2 ? 100 : 1000);
    f.sales_revenue.push_back(v);
    f.sales_revenue.push_back(2 * v);
  }
  f.index();
  EXPECT_EQ(f.sales_over(0, 1), 100.0);  // the current week (1000) is not complete
  EXPECT_EQ(f.sales_over(0, 2), 110.0);
  EXPECT_EQ(f.sales_over(0, 3), 111.0);
  EXPECT_EQ(f.sales_over(0, 10), 111.0);  // weeks before the window count 0
  EXPECT_EQ(f.sales_over(1, 2), 220.0);
  EXPECT_EQ(f.sales_over(0, 0), 0.0);
  // Today beyond the window: the stored weeks are too old for a 1-week total.
  f.now += 14 * DAY;
  EXPECT_EQ(f.sales_over(0, 1), 0.0);
  EXPECT_EQ(f.sales_over(0, 3), 1100.0);
}

TEST(Geography, DepartmentOfPostcode) {
  EXPECT_EQ(department_of_postcode("69003"), "69");
  EXPECT_EQ(department_of_postcode("01000"), "01");
  EXPECT_EQ(department_of_postcode("75008"), "75");
  EXPECT_EQ(department_of_postcode("20090"), "2A");
  EXPECT_EQ(department_of_postcode("20167"), "2A");
  EXPECT_EQ(department_of_postcode("20200"), "2B");
  EXPECT_EQ(department_of_postcode("20600"), "2B");
  EXPECT_EQ(department_of_postcode("20700"), "");
  EXPECT_EQ(department_of_postcode("97411"), "974");
  EXPECT_EQ(department_of_postcode("97600"), "976");
  EXPECT_EQ(department_of_postcode("98800"), "988");
  EXPECT_EQ(department_of_postcode("00100"), "");
  EXPECT_EQ(department_of_postcode("96000"), "");
  EXPECT_EQ(department_of_postcode("6900"), "");
  EXPECT_EQ(department_of_postcode("690031"), "");
  EXPECT_EQ(department_of_postcode("69a03"), "");
  EXPECT_EQ(department_of_postcode(""), "");
}

TEST(Geography, RegionOfDepartment) {
  EXPECT_EQ(region_of_department("69"), "Auvergne-Rhône-Alpes");
  EXPECT_EQ(region_of_department("13"), "Provence-Alpes-Côte d'Azur");
  EXPECT_EQ(region_of_department("75"), "Île-de-France");
  EXPECT_EQ(region_of_department("2A"), "Corse");
  EXPECT_EQ(region_of_department("2B"), "Corse");
  EXPECT_EQ(region_of_department("29"), "Bretagne");
  EXPECT_EQ(region_of_department("90"), "Bourgogne-Franche-Comté");
  EXPECT_EQ(region_of_department("971"), "Guadeloupe");
  EXPECT_EQ(region_of_department("972"), "Martinique");
  EXPECT_EQ(region_of_department("973"), "Guyane");
  EXPECT_EQ(region_of_department("974"), "La Réunion");
  EXPECT_EQ(region_of_department("976"), "Mayotte");
  EXPECT_EQ(region_of_department("975"), "");
  EXPECT_EQ(region_of_department("20"), "");
  EXPECT_EQ(region_of_department("96"), "");
  EXPECT_EQ(region_of_department(""), "");
}

TEST(Geography, EveryMainlandDepartmentHasOneOfThirteenRegions) {
  std::set<std::string_view> regions;
  int departments = 0;
  for (int d = 1; d <= 95; ++d) {
    if (d == 20) continue;
    std::string code = d < 10 ? "0" : "";
    code += std::to_string(d);
    const auto region = region_of_department(code);
    EXPECT_FALSE(region.empty()) << code;
    regions.insert(region);
    ++departments;
  }
  for (const char* corsica : {"2A", "2B"}) {
    regions.insert(region_of_department(corsica));
    ++departments;
  }
  EXPECT_EQ(departments, 96);
  EXPECT_EQ(regions.size(), 13u);
}

TEST(Geography, PostcodeToRegionRoundTrip) {
  EXPECT_EQ(region_of_department(department_of_postcode("33000")), "Nouvelle-Aquitaine");
  EXPECT_EQ(region_of_department(department_of_postcode("20000")), "Corse");
  EXPECT_EQ(region_of_department(department_of_postcode("97200")), "Martinique");
}

}  // namespace
}  // namespace boucle::target
