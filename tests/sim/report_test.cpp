#include "sim/report.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/stats.hpp"

namespace boucle::sim {
namespace {

namespace json = boost::json;

constexpr double REL = 1e-4;
constexpr double EXACT = 1e-12;
constexpr int CHARTS = 7;

void expect_relative(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, std::fabs(expected) * tolerance) << "expected " << expected;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

TEST(StudentT, MatchesPublishedQuantiles) {
  expect_relative(student_t_quantile(0.975, 1), 12.7062, REL);
  expect_relative(student_t_quantile(0.975, 2), 4.302653, REL);
  expect_relative(student_t_quantile(0.975, 4), 2.776445, REL);
  expect_relative(student_t_quantile(0.975, 9), 2.262157, REL);
  expect_relative(student_t_quantile(0.975, 29), 2.04523, REL);
  expect_relative(student_t_quantile(0.995, 30), 2.749996, REL);
  expect_relative(student_t_quantile(0.975, 100), 1.983972, REL);
  expect_relative(student_t_quantile(0.975, 1000), 1.962339, REL);
  expect_relative(student_t_quantile(0.975, 1'000'000), 1.95996, REL);
}

TEST(StudentT, ClosedFormsAndSymmetry) {
  // df = 1 is Cauchy: tan(π(p − ½)); df = 2: (2p − 1) / √(2p(1 − p)).
  for (const double p : {0.6, 0.9, 0.99, 0.9999}) {
    expect_relative(student_t_quantile(p, 1), std::tan(std::numbers::pi * (p - 0.5)), 1e-9);
    expect_relative(student_t_quantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-9);
    EXPECT_DOUBLE_EQ(student_t_quantile(1 - p, 7), -student_t_quantile(p, 7));
  }
  EXPECT_EQ(student_t_quantile(0.5, 3), 0.0);
  // The series and the large-df expansion agree where they hand over.
  expect_relative(student_t_quantile(0.975, 999), student_t_quantile(0.975, 1000), 1e-5);
}

TEST(StudentT, RejectsOutOfDomain) {
  EXPECT_THROW(student_t_quantile(0.0, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.9, 0), std::invalid_argument);
}

TEST(MeanCi, KnownSample) {
  const std::vector<double> xs{1, 2, 3, 4, 5};
  const Interval ci = mean_ci(xs);
  EXPECT_EQ(ci.n, 5);
  EXPECT_DOUBLE_EQ(ci.mean, 3.0);
  expect_relative(ci.sd, 1.5811388, 1e-7);
  expect_relative(ci.high - ci.mean, 1.963243, REL);
  expect_relative(ci.mean - ci.low, 1.963243, REL);
}

TEST(MeanCi, OtherLevel) {
  const std::vector<double> xs{1, 2, 3, 4, 5};
  const Interval ci = mean_ci(xs, 0.99);
  expect_relative(ci.high - ci.mean, 4.604095 * 1.5811388 / std::sqrt(5.0), REL);
  EXPECT_THROW(mean_ci(xs, 1.0), std::invalid_argument);
  EXPECT_THROW(mean_ci(xs, 0.0), std::invalid_argument);
}

TEST(MeanCi, DegenerateSamples) {
  const Interval none = mean_ci({});
  EXPECT_EQ(none.n, 0);
  EXPECT_TRUE(std::isnan(none.mean));
  EXPECT_TRUE(std::isnan(none.low));
  EXPECT_TRUE(std::isnan(none.high));

  const std::vector<double> one{4.5};
  const Interval single = mean_ci(one);
  EXPECT_EQ(single.n, 1);
  EXPECT_EQ(single.mean, 4.5);
  EXPECT_EQ(single.low, 4.5);
  EXPECT_EQ(single.high, 4.5);
  EXPECT_EQ(single.sd, 0.0);

  const std::vector<double> flat{2, 2, 2};
  const Interval constant = mean_ci(flat);
  EXPECT_EQ(constant.low, 2.0);
  EXPECT_EQ(constant.high, 2.0);
}

TEST(PairedDiffCi, DifferencesPerPair) {
  const std::vector<double> a{5, 7, 9};
  const std::vector<double> b{4, 5, 6};
  const Interval ci = paired_diff_ci(a, b, 0.95);
  EXPECT_EQ(ci.n, 3);
  EXPECT_DOUBLE_EQ(ci.mean, 2.0);
  EXPECT_DOUBLE_EQ(ci.sd, 1.0);
  expect_relative(ci.high - ci.mean, 4.302653 / std::sqrt(3.0), REL);

  const std::vector<double> shorter{1, 2};
  EXPECT_THROW(paired_diff_ci(a, shorter, 0.95), std::invalid_argument);
}

// Hand-built study: 2 policies × 3 seeds, the second policy's runs listed in another seed order.
json::object run(const std::string& policy, int seed, double visits, double margin,
                 std::vector<double> weekly_dn) {
  json::array weeks;
  const std::vector<std::string> dates{"2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"};
  double dn = 0;
  for (std::size_t w = 0; w < weekly_dn.size(); ++w) {
    dn = weekly_dn[w];
    weeks.push_back(json::object{
        {"week", w},
        {"date", dates[w]},
        {"visits", visits / 4},
        {"visits_done", visits / 4},
        {"blank_visits", 1},
        {"blank_visit_rate", 0.1 + 0.01 * seed},
        {"km", 300.0 + 10 * seed + static_cast<double>(w)},
        {"drive_hours", 6.5},
        {"store_hours", 9.0 + seed},
        {"sales_eur", 12000.0 + 1000 * w + seed},
        {"baseline_sales_eur", 11000.0 + 900 * w},
        {"incremental_margin", margin / 4},
        {"field_cost_eur", 400},
        {"dn_new_range", dn},
        {"baseline_dn_new_range", 0.05 * static_cast<double>(w)},
        {"dv_new_range", dn * 1.1},
        {"dn", json::object{{"Protéine+", dn}, {"Petit-déjeuner", 0.8}}},
    });
  }
  return json::object{{"policy", policy},
                      {"seed", seed},
                      {"summary", json::object{{"visits", visits},
                                               {"blank_visit_rate", 0.1 + 0.01 * seed},
                                               {"km", 1200 + 40 * seed},
                                               {"incremental_margin", margin},
                                               {"field_cost_eur", 1600},
                                               {"net_margin_eur", margin - 1600},
                                               {"final_dn_new_range", dn},
                                               {"custom_score", 0.5 * seed}}},
                      {"weeks", std::move(weeks)}};
}

json::object study(const std::string& name = "default") {
  json::array runs;
  runs.push_back(run("frequency", 1, 10, 2000, {0.1, 0.2, 0.3, 0.4}));
  runs.push_back(run("frequency", 2, 12, 2500, {0.1, 0.25, 0.35, 0.45}));
  runs.push_back(run("frequency", 3, 14, 2100, {0.1, 0.2, 0.32, 0.41}));
  runs.push_back(run("biggest-first", 3, 13, 2600, {0.1, 0.3, 0.4, 0.5}));
  runs.push_back(run("biggest-first", 1, 11, 2400, {0.1, 0.3, 0.45, 0.55}));
  runs.push_back(run("biggest-first", 2, 15, 2900, {0.1, 0.28, 0.42, 0.52}));
  return json::object{
      {"scenario", json::object{{"name", name}, {"reps", 6}, {"weeks", 4}, {"note", "a<b & c"}}},
      {"new_range", "Protéine+"},
      {"ranges", json::array{"Petit-déjeuner", "Protéine+"}},
      {"reference_policy", "frequency"},
      {"runs", std::move(runs)}};
}

double number(const json::value& v) { return v.to_number<double>(); }

TEST(Summarize, PerPolicyIntervals) {
  const json::object s = summarize(study());
  const auto& policies = s.at("policies").as_object();
  ASSERT_EQ(policies.size(), 2U);
  EXPECT_EQ(policies.begin()->key(), "frequency");  // order of first appearance
  EXPECT_EQ(std::next(policies.begin())->key(), "biggest-first");

  const auto& visits = policies.at("frequency").at("visits").as_object();
  EXPECT_DOUBLE_EQ(number(visits.at("mean")), 12.0);
  EXPECT_EQ(visits.at("n").as_int64(), 3);
  EXPECT_DOUBLE_EQ(number(visits.at("sd")), 2.0);
  expect_relative(number(visits.at("high")), 12.0 + 4.302653 * 2 / std::sqrt(3.0), REL);
  expect_relative(number(visits.at("low")), 12.0 - 4.302653 * 2 / std::sqrt(3.0), REL);

  const auto& margin = policies.at("biggest-first").at("incremental_margin").as_object();
  EXPECT_NEAR(number(margin.at("mean")), (2600.0 + 2400 + 2900) / 3, EXACT * 3000);

  // Known metrics first in catalogue order, unknown numeric ones after them.
  const auto& frequency = policies.at("frequency").as_object();
  std::vector<std::string> keys;
  for (const auto& kv : frequency) keys.emplace_back(kv.key());
  const std::vector<std::string> expected{"visits",
                                          "blank_visit_rate",
                                          "km",
                                          "incremental_margin",
                                          "field_cost_eur",
                                          "net_margin_eur",
                                          "final_dn_new_range",
                                          "custom_score"};
  EXPECT_EQ(keys, expected);
}

TEST(Summarize, PairsRunsBySeed) {
  const json::object s = summarize(study());
  EXPECT_EQ(s.at("reference_policy").as_string(), "frequency");
  const auto& paired = s.at("paired_vs_reference").as_object();
  ASSERT_EQ(paired.size(), 1U);  // the reference has no difference with itself
  // visits: biggest-first − frequency per seed = 11−10, 15−12, 13−14 = 1, 3, −1.
  const auto& visits = paired.at("biggest-first").at("visits").as_object();
  EXPECT_DOUBLE_EQ(number(visits.at("mean")), 1.0);
  EXPECT_DOUBLE_EQ(number(visits.at("sd")), 2.0);
  EXPECT_EQ(visits.at("n").as_int64(), 3);
  expect_relative(number(visits.at("high")), 1.0 + 4.302653 * 2 / std::sqrt(3.0), REL);
  // field cost is the same everywhere: a zero-width interval at 0.
  const auto& cost = paired.at("biggest-first").at("field_cost_eur").as_object();
  EXPECT_EQ(number(cost.at("mean")), 0.0);
  EXPECT_EQ(number(cost.at("low")), 0.0);
  EXPECT_EQ(number(cost.at("high")), 0.0);
}

TEST(Summarize, OnlySeedsBothPoliciesRan) {
  json::object st = study();
  auto& runs = st.at("runs").as_array();
  runs.push_back(run("frequency", 4, 100, 9000, {0.1}));     // no partner
  runs.push_back(run("biggest-first", 9, 50, 9000, {0.1}));  // no partner
  const json::object s = summarize(st);
  const auto& visits = s.at("paired_vs_reference").at("biggest-first").at("visits").as_object();
  EXPECT_EQ(visits.at("n").as_int64(), 3);
  EXPECT_DOUBLE_EQ(number(visits.at("mean")), 1.0);
  // The unpaired runs still count for their own policy.
  EXPECT_EQ(s.at("policies").at("frequency").at("visits").at("n").as_int64(), 4);
}

TEST(Summarize, NoReferenceMeansNoDifferences) {
  json::object st = study();
  st.erase("reference_policy");
  const json::object s = summarize(st);
  EXPECT_FALSE(s.contains("reference_policy"));
  EXPECT_TRUE(s.at("paired_vs_reference").as_object().empty());
  EXPECT_EQ(s.at("policies").as_object().size(), 2U);
}

TEST(Summarize, EmptyAndMalformedStudies) {
  EXPECT_TRUE(summarize(json::object{}).at("policies").as_object().empty());
  const json::object odd = json::parse(R"({
    "runs": [1, "x", {"seed": 1}, {"policy": 3},
             {"policy": "p", "summary": {"visits": "many", "km": null, "ok": true, "x": 2}},
             {"policy": "p", "seed": 1.0, "summary": 7, "weeks": {"a": 1}}],
    "reference_policy": "absent"})")
                               .as_object();
  const json::object s = summarize(odd);
  const auto& p = s.at("policies").at("p").as_object();
  ASSERT_EQ(p.size(), 1U);
  EXPECT_EQ(p.at("x").at("n").as_int64(), 1);
  EXPECT_DOUBLE_EQ(number(p.at("x").at("low")), 2.0);
  EXPECT_TRUE(s.at("paired_vs_reference").as_object().empty());
}

TEST(HtmlReport, StructureAndContent) {
  const std::string html = html_report(study());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("<title>Boucle simulation: default</title>"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), static_cast<std::size_t>(CHARTS));
  EXPECT_EQ(count(html, "</svg>"), static_cast<std::size_t>(CHARTS));
  EXPECT_EQ(count(html, "<figure>"), count(html, "</figure>"));
  EXPECT_EQ(count(html, "<table"), count(html, "</table>"));
  EXPECT_NE(html.find("frequency"), std::string::npos);
  EXPECT_NE(html.find("biggest-first"), std::string::npos);
  EXPECT_NE(html.find("Protéine+"), std::string::npos);
  EXPECT_NE(html.find("2027-01-04"), std::string::npos);
  EXPECT_NE(html.find("No-visit baseline"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b &amp; c"), std::string::npos);  // scenario parameter, escaped
  // Nothing fetched, nothing run.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  // Frequency's mean visits with its interval: 12.0 (7.0 – 17.0).
  EXPECT_NE(html.find("12.0 (7.0 \u2013 17.0)"), std::string::npos);
  // Three seeds: bands are drawn.
  EXPECT_NE(html.find("<polygon"), std::string::npos);
}

TEST(HtmlReport, MarksSignificantDifferences) {
  // biggest-first's DN beats frequency's on every seed by a steady margin: significant.
  const std::string html = html_report(study());
  EXPECT_NE(html.find("class=\"sig\""), std::string::npos);
}

TEST(HtmlReport, EscapesTextFromTheStudy) {
  json::object st = study("<script>alert('x')</script>");
  auto& runs = st.at("runs").as_array();
  runs.push_back(run("a&b \"quoted\"", 1, 10, 1000, {0.1, 0.2}));
  const std::string html = html_report(st);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b &quot;quoted&quot;"), std::string::npos);
  EXPECT_EQ(html.find("a&b"), std::string::npos);
}

TEST(HtmlReport, IsDeterministic) {
  EXPECT_EQ(html_report(study()), html_report(study()));
  EXPECT_EQ(json::serialize(summarize(study())), json::serialize(summarize(study())));
}

TEST(HtmlReport, SingleRun) {
  const json::object st{{"scenario", json::object{{"name", "solo"}}},
                        {"runs", json::array{run("frequency", 1, 10, 2000, {0.1, 0.2, 0.3})}}};
  const std::string html = html_report(st);
  EXPECT_EQ(count(html, "<svg"), static_cast<std::size_t>(CHARTS));
  EXPECT_EQ(html.find("<polygon"), std::string::npos);  // no band from one run
  EXPECT_EQ(html.find("Paired difference"), std::string::npos);
  const json::object s = summarize(st);
  EXPECT_EQ(number(s.at("policies").at("frequency").at("visits").at("low")), 10.0);
}

TEST(HtmlReport, SingleWeek) {
  const json::object st{{"runs", json::array{run("frequency", 1, 10, 2000, {0.1}),
                                             run("frequency", 2, 12, 2000, {0.2})}}};
  const std::string html = html_report(st);
  EXPECT_EQ(count(html, "<svg"), static_cast<std::size_t>(CHARTS));
  EXPECT_NE(html.find("<circle"), std::string::npos);
}

TEST(HtmlReport, MissingMetricsDoNotCrash) {
  const json::object st = json::parse(R"({
    "scenario": {"name": "sparse"},
    "reference_policy": "frequency",
    "runs": [
      {"policy": "frequency", "seed": 1, "summary": {"visits": 3},
       "weeks": [{"week": 0, "km": 12}, {"week": 1}, {"week": 2, "km": 14, "sales_eur": 5}]},
      {"policy": "rules", "seed": 1, "summary": {},
       "weeks": [{"week": 0, "incremental_margin": 4}, 17,
                 {"week": 2, "incremental_margin": -3}]},
      {"policy": "rules", "seed": 2},
      {"policy": "oracle", "seed": 1, "summary": {"visits": 1e308, "km": -1e308}, "weeks": []},
      {"policy": "oracle", "seed": 2, "summary": {"visits": 1e308},
       "weeks": [{"km": 1e308, "sales_eur": -1e308}, {"km": 1e308, "sales_eur": 1e308}]},
      {"policy": "oracle", "seed": 3, "weeks": [{"km": 1e308, "sales_eur": 1e-300}]}
    ]})")
                              .as_object();
  const std::string html = html_report(st);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_NE(html.find("no data"), std::string::npos);
  EXPECT_NO_THROW(summarize(st));
  EXPECT_NO_THROW(html_report(json::object{}));
  EXPECT_EQ(count(html_report(json::object{}), "<svg"), 0U);
}

}  // namespace
}  // namespace boucle::sim
