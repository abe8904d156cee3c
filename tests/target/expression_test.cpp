#include "target/expression.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <numeric>
#include <sstream>

#include "expression_gen.hpp"
#include "expression_support.hpp"

namespace boucle::target {
namespace {

using testing::add_audit;
using testing::add_product;
using testing::add_store;
using testing::add_visit;
using testing::DAY;
using testing::DONE;
using testing::StoreSpec;

constexpr auto PLANNED = static_cast<std::uint8_t>(core::VisitStatus::planned);

// A dozen stores around Lyon (and one in Paris) with visits, audits and sales.
class ExpressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f.now = 20'000 * DAY + 10 * 3600;  // a Tuesday
    auto store = [&](std::string name, core::Channel channel, std::string banner, std::string town,
                     double lat, double lon, double potential, Id rep,
                     std::vector<std::string> tags) {
      StoreSpec s;
      s.name = std::move(name);
      s.channel = channel;
      s.banner = std::move(banner);
      s.town = std::move(town);
      s.lat = lat;
      s.lon = lon;
      s.potential = potential;
      s.rep = rep;
      s.tags = std::move(tags);
      if (s.town == "Paris") s.department = "75", s.region = "Île-de-France";
      return add_store(f, s);
    };
    using core::Channel;
    store("Carrefour Part-Dieu", Channel::hyper, "Carrefour", "Lyon", 45.7606, 4.8590, 72.5, 1,
          {"bio", "closed_sundays"});  // 0
    store("Inter Villeurbanne", Channel::super, "Intermarché", "Villeurbanne", 45.7719, 4.8902, 60,
          1, {"Bio"});                                                                     // 1
    store("Proxi Écully", Channel::proxi, "Proxi", "Écully", 45.7745, 4.7775, 30, 0, {});  // 2
    store("Géant Saint-Étienne", Channel::hyper, "Casino", "Saint-Étienne", 45.4397, 4.3872, 90, 2,
          {"premium"});  // 3
    store("Drive Paris", Channel::drive, "Leclerc", "Paris", 48.8566, 2.3522, 80, 3,
          {"Drive"});  // 4
    store("Super Bron", Channel::super, "Système U", "Bron", 45.7380, 4.9130, 45, 1,
          {"closed_sundays"});  // 5
    store("Cash Vénissieux", Channel::cash_carry, "Metro", "Vénissieux", 45.6975, 4.8870, 55, 2,
          {});  // 6
    store("Spécialiste Lyon", Channel::specialist, "Bio c' Bon", "LYON", 45.7640, 4.8357, 20, 1,
          {"BIO"});  // 7
    store("Hyper Vaulx", Channel::hyper, "Auchan", "Vaulx-en-Velin", 45.7780, 4.9210, 65, 1,
          {});  // 8
    store("Other Caluire", Channel::other, "Indépendant", "Caluire", 45.7950, 4.8460, 10, 0,
          {"ÉCOLOGIQUE"});  // 9
    store("Super Oullins", Channel::super, "Carrefour Market", "Oullins", 45.7140, 4.8070, 58, 2,
          {});                                                                            // 10
    store("Proxi Tassin", Channel::proxi, "Spar", "Tassin", 45.7620, 4.7620, 35, 3, {});  // 11

    for (int p = 0; p < 4; ++p) add_product(f, "Protein");  // 0..3
    add_product(f, "Snacks");                               // 4
    add_product(f, "Snacks");                               // 5
    f.ranges.code("Empty");
    f.assortment[static_cast<int>(Channel::hyper)] = {0, 1, 2, 3, 4, 5};
    f.assortment[static_cast<int>(Channel::super)] = {0, 1, 4};

    const auto v0 = add_visit(f, 0, DONE, f.now - 10 * DAY);
    add_audit(f, v0, 0, true, false, 4);
    add_audit(f, v0, 1, true, true, 2);
    add_audit(f, v0, 2, false, false, 0);
    const auto v1a = add_visit(f, 1, DONE, f.now - 60 * DAY);
    add_audit(f, v1a, 1, true, false, 3);
    const auto v1 = add_visit(f, 1, DONE, f.now - 40 * DAY);
    add_audit(f, v1, 0, true, false, 5);
    add_audit(f, v1, 1, false, false, 0);       // the latest audit of P1 in store 1: absent
    add_visit(f, 2, PLANNED, f.now + 2 * DAY);  // store 2: never visited
    add_visit(f, 3, DONE, f.now - 5 * DAY);
    add_visit(f, 3, DONE, f.now - 25 * DAY);
    for (Row r = 4; r < 12; ++r)
      add_visit(f, r, DONE, f.now - static_cast<UnixSeconds>(r) * 7 * DAY);

    f.sales_weeks = 10;
    f.sales_first_week = monday_of(f.today()) - 7 * 9;  // weeks -9 .. 0 (0: this week)
    f.sales_revenue.assign(10 * f.stores.size(), 0.0f);
    auto sale = [&](int weeks_ago, Row r, float v) {
      f.sales_revenue[static_cast<std::size_t>(9 - weeks_ago) * f.stores.size() + r] = v;
    };
    for (int w = 1; w <= 4; ++w) sale(w, 0, 100);  // store 0: 400 over the last 4 weeks
    for (int w = 5; w <= 8; ++w) sale(w, 0, 50);   // ... 200 over the 4 before: +100 %
    for (int w = 1; w <= 4; ++w) sale(w, 1, 10);   // store 1: nothing before: trend missing
    for (int w = 1; w <= 8; ++w) sale(w, 3, 100);  // store 3: flat
    sale(0, 3, 99999);                             // this week is not complete: never counted
    f.index();
  }

  std::vector<Row> rows(std::string_view text) {
    return select(Expression::parse(text, registry, {}, &f), f);
  }

  Facts f;
  Registry registry = Registry::builtin();
};

TEST_F(ExpressionTest, ComparesNumbersAndText) {
  EXPECT_EQ(rows("potential >= 60"), (std::vector<Row>{0, 1, 3, 4, 8}));
  EXPECT_EQ(rows("potential = 72.5"), (std::vector<Row>{0}));
  EXPECT_EQ(rows("channel = \"hyper\""), (std::vector<Row>{0, 3, 8}));
  EXPECT_EQ(rows("channel in ('HYPER', \"Super\") and potential > 60"),
            (std::vector<Row>{0, 3, 8}));
  EXPECT_EQ(rows("channel not in (\"hyper\", \"super\", \"proxi\")"),
            (std::vector<Row>{4, 6, 7, 9}));
  EXPECT_EQ(rows("rep = 0"), (std::vector<Row>{2, 9}));
  EXPECT_EQ(rows("not assigned"), (std::vector<Row>{2, 9}));
  EXPECT_EQ(rows("town = \"lyon\""), (std::vector<Row>{0, 7}));  // "Lyon" and "LYON"
  EXPECT_EQ(rows("town = \"ÉCULLY\""), (std::vector<Row>{2}));   // accented capitals fold too
  EXPECT_EQ(rows("banner != \"carrefour\" and department = \"75\""), (std::vector<Row>{4}));
  EXPECT_EQ(rows("region = \"île-de-france\""), (std::vector<Row>{4}));
  EXPECT_EQ(rows("id in (100, 103)"), (std::vector<Row>{0, 3}));
  EXPECT_EQ(rows("code = \"s105\""), (std::vector<Row>{5}));
}

TEST_F(ExpressionTest, PrecedenceIsNotThenAndThenOr) {
  // not > and > or: "a or b and not c" is "a or (b and (not c))".
  EXPECT_EQ(rows("rep = 3 or channel = \"hyper\" and not potential > 70"),
            (std::vector<Row>{4, 8, 11}));
  EXPECT_EQ(rows("(rep = 3 or channel = \"hyper\") and not potential > 70"),
            (std::vector<Row>{8, 11}));
  EXPECT_EQ(rows("NOT (rep = 3 OR rep = 2) And Potential < 40"), (std::vector<Row>{2, 7, 9}));
}

TEST_F(ExpressionTest, Tags) {
  EXPECT_EQ(rows("tags has \"bio\""), (std::vector<Row>{0, 1, 7}));
  EXPECT_EQ(rows("not tags has \"closed_sundays\" and potential > 70"), (std::vector<Row>{3, 4}));
  EXPECT_EQ(rows("tags has 'écologique'"), (std::vector<Row>{9}));
  EXPECT_EQ(rows("tags has \"unknown\""), (std::vector<Row>{}));
}

TEST_F(ExpressionTest, VisitsAndNeverVisited) {
  // Never visited counts as infinitely long ago: `> 30` includes store 2, `< 30` does not.
  EXPECT_EQ(rows("days_since_visit > 30"), (std::vector<Row>{1, 2, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(rows("days_since_visit <= 10"), (std::vector<Row>{0, 3}));
  EXPECT_EQ(rows("visits(30) = 2"), (std::vector<Row>{3}));
  EXPECT_EQ(rows("visits(30) >= 1"), (std::vector<Row>{0, 3, 4}));
  EXPECT_EQ(rows("visits(365) = 0"), (std::vector<Row>{2}));
}

TEST_F(ExpressionTest, SalesAndTrend) {
  EXPECT_EQ(rows("sales(4) = 400"), (std::vector<Row>{0, 3}));
  EXPECT_EQ(rows("sales(1) > 1000"), (std::vector<Row>{}));  // this week's 99,999 is not complete
  EXPECT_EQ(rows("sales_trend(4) = 100"), (std::vector<Row>{0}));
  EXPECT_EQ(rows("sales_trend(4) = 0"), (std::vector<Row>{3}));
  // Store 1 has no sales in the earlier weeks: its trend is missing, every comparison false,
  // and `not` of a false comparison true.
  EXPECT_EQ(rows("sales_trend(4) > -1000"), (std::vector<Row>{0, 3}));
  EXPECT_EQ(rows("sales_trend(4) != 5"), (std::vector<Row>{0, 3}));
  const auto negated = rows("not sales_trend(4) > -1000");
  EXPECT_TRUE(std::find(negated.begin(), negated.end(), 1) != negated.end());
}

TEST_F(ExpressionTest, DistributionOutOfStockFacings) {
  // Store 0 (hyper carries P0..P3): P0, P1 present, P2 absent, P3 never audited: 2 / 4.
  // Store 1 (super carries P0, P1): P0 present, P1's latest audit absent: 1 / 2.
  // Store 2 (proxi carries nothing): falls back to all 4 Protein products, never audited: 0.
  EXPECT_EQ(rows("dn(\"Protein\") = 50"), (std::vector<Row>{0, 1}));
  EXPECT_EQ(rows("dn(\"protein\") > 0"), (std::vector<Row>{0, 1}));
  EXPECT_EQ(rows("dn(\"Empty\") = 0").size(), f.stores.size());
  EXPECT_EQ(rows("oos(\"Protein\") = 50"), (std::vector<Row>{0}));
  EXPECT_EQ(rows("oos(\"Protein\") = 0"), (std::vector<Row>{1}));
  EXPECT_EQ(rows("not oos(\"Protein\") >= 0").size(), f.stores.size() - 2);  // missing elsewhere
  EXPECT_EQ(rows("facings(\"Protein\") = 6"), (std::vector<Row>{0}));
  EXPECT_EQ(rows("facings(\"Protein\") = 5"), (std::vector<Row>{1}));
  // Without the Facts at parse time an unknown range is not an error: it is an empty range.
  const Expression e = Expression::parse("dn(\"Nope\") = 0 and oos(\"Nope\") >= 0", registry);
  EXPECT_TRUE(select(e, f).empty());
  EXPECT_EQ(select(Expression::parse("dn(\"Nope\") = 0", registry), f).size(), f.stores.size());
}

TEST_F(ExpressionTest, Geography) {
  EXPECT_EQ(rows("within(45.76, 4.84, 3)"), (std::vector<Row>{0, 7}));
  EXPECT_EQ(rows("within(45.76, 4.84, 60)").size(), 11u);  // all but Paris
  EXPECT_EQ(rows("within(48.8566, 2.3522, 0)"), (std::vector<Row>{4}));
  // A square around central Lyon with a hole around Part-Dieu.
  const std::string square =
      R"({"type":"Polygon","coordinates":[[[4.80,45.74],[4.90,45.74],[4.90,45.79],[4.80,45.79],[4.80,45.74]],)"
      R"([[4.85,45.755],[4.87,45.755],[4.87,45.765],[4.85,45.765],[4.85,45.755]]]})";
  EXPECT_EQ(rows("in_polygon(" + square + ")"), (std::vector<Row>{1, 7}));  // 0 is in the hole
  const std::string multi =
      R"({ "type" : "MultiPolygon", "coordinates": [ [[[2,48],[3,48],[3,49],[2,49],[2,48]]],)"
      R"( [[[4.38,45.43],[4.40,45.43],[4.40,45.45],[4.38,45.45],[4.38,45.43]]] ] })";
  EXPECT_EQ(rows("in_polygon(" + multi + ")"), (std::vector<Row>{3, 4}));
  EXPECT_EQ(rows("in_polygon('" + multi + "')"), (std::vector<Row>{3, 4}));
  // Braces inside JSON strings do not end the object.
  EXPECT_EQ(
      rows(
          R"(in_polygon({"type":"Polygon","name":"a } b","coordinates":[[[2,48],[3,48],[3,49],[2,49],[2,48]]]}))"),
      (std::vector<Row>{4}));
}

TEST_F(ExpressionTest, TheExampleFromTheBrief) {
  const Expression e = Expression::parse(
      R"(channel in ("hyper", "super") and potential >= 60 and within(45.76, 4.84, 30) and dn("Protein") < 50 )"
      R"(and days_since_visit > 21 and not tags has "closed_sundays")",
      registry, {}, &f);
  EXPECT_EQ(e.clause_count(), 6);
  EXPECT_EQ(select(e, f), (std::vector<Row>{8}));
  EXPECT_EQ(e.reads(), Reads::STORES | Reads::VISITS | Reads::AUDITS | Reads::CLOCK);
  EXPECT_EQ(
      e.canonical(),
      R"(channel in ("hyper", "super") and potential >= 60 and within(45.76, 4.84, 30) and dn("Protein") < 50 )"
      R"(and days_since_visit > 21 and not tags has "closed_sundays")");
}

TEST_F(ExpressionTest, CanonicalForm) {
  const auto canon = [&](std::string_view text) {
    return Expression::parse(text, registry).canonical();
  };
  EXPECT_EQ(canon("POTENTIAL>=60.0 AND (rep=1 OR rep=2)"),
            "potential >= 60 and (rep = 1 or rep = 2)");
  EXPECT_EQ(canon("((rep=1 and rep=2) and rep=3) or (rep=4 or not (rep=5 or rep=6))"),
            "rep = 1 and rep = 2 and rep = 3 or rep = 4 or not (rep = 5 or rep = 6)");
  EXPECT_EQ(canon("not not assigned and not (assigned and rep = 1)"),
            "not not assigned and not (assigned and rep = 1)");
  EXPECT_EQ(canon(R"(dn('Pro\\tein') in (1.50, -2e3) and name != 'it\'s "x"')"),
            R"(dn("Pro\\tein") in (1.5, -2000) and name != "it's \"x\"")");
  EXPECT_EQ(canon("Tags HAS 'Bio' and Sales(4)>1E3"), R"(tags has "Bio" and sales(4) > 1000)");
}

TEST_F(ExpressionTest, Explain) {
  const Expression e = Expression::parse(
      "potential > 70 and (days_since_visit > 30 or within(45.76, 4.84, 5)) and not tags has "
      "\"bio\"",
      registry);
  const Explanation x = explain(e, f, 0);
  EXPECT_FALSE(x.met);
  ASSERT_EQ(x.children.size(), 3u);
  EXPECT_EQ(x.children[0].clause, "potential > 70");
  EXPECT_TRUE(x.children[0].met);
  EXPECT_EQ(x.children[0].observed, "potential = 72.5");
  EXPECT_TRUE(x.children[1].met);
  EXPECT_EQ(x.children[1].children[0].observed, "days_since_visit = 10");
  EXPECT_EQ(x.children[1].children[1].observed, "distance 1.5 km");
  EXPECT_EQ(x.children[2].clause, "not tags has \"bio\"");
  EXPECT_FALSE(x.children[2].met);
  EXPECT_EQ(x.children[2].children[0].observed, "tags: \"bio\", \"closed_sundays\"");
  const Explanation never = explain(Expression::parse("days_since_visit > 30", registry), f, 2);
  EXPECT_TRUE(never.met);
  EXPECT_EQ(never.observed, "never visited");
  const Explanation missing = explain(Expression::parse("sales_trend(4) > 0", registry), f, 1);
  EXPECT_FALSE(missing.met);
  EXPECT_EQ(missing.observed, "sales_trend(4) is missing");
}

TEST_F(ExpressionTest, EvaluateSubsetsAndCache) {
  const Expression e = Expression::parse("potential >= 50 and dn(\"Protein\") < 60", registry);
  const std::vector<Row> all = select(e, f);
  const std::vector<Row> subset{11, 3, 0, 0, 99, 4};
  EXPECT_EQ(evaluate(e, f, subset), (std::vector<std::uint8_t>{0, 1, 1, 1, 0, 1}));
  EvalCache cache;
  EXPECT_EQ(select(e, f, &cache), all);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(select(e, f, &cache), all);
  EXPECT_EQ(evaluate(e, f, subset, &cache), (std::vector<std::uint8_t>{0, 1, 1, 1, 0, 1}));
  Facts other = f;
  other.seq = 1;
  other.stores.potential[3] = 10;
  EXPECT_EQ(evaluate(e, other, subset, &cache), (std::vector<std::uint8_t>{0, 0, 1, 1, 0, 1}));
}

TEST_F(ExpressionTest, RegistryTakesCustomFields) {
  Registry r = Registry::builtin();
  // A field computed from another module's data, captured by the provider.
  auto risk = std::make_shared<std::vector<double>>(f.stores.size(), 0.1);
  (*risk)[5] = 0.9;
  r.add(
      FieldSpec{"risk",
                Type::number,
                {},
                "churn risk (AI)",
                Reads::CUSTOM | Reads::VISITS,
                {},
                [risk](const Facts&, std::span<const Arg>, std::span<const Row> rows, Column& out) {
                  out.number.resize(rows.size());
                  for (std::size_t i = 0; i < rows.size(); ++i) out.number[i] = (*risk)[rows[i]];
                }});
  const Expression e = Expression::parse("risk > 0.5 or potential = 90", r);
  EXPECT_EQ(select(e, f), (std::vector<Row>{3, 5}));
  EXPECT_EQ(e.reads(), Reads::CUSTOM | Reads::VISITS | Reads::STORES);
  auto provider = [](const Facts&, std::span<const Arg>, std::span<const Row>, Column&) {};
  EXPECT_THROW(r.add({"risk", Type::number, {}, "", 0, {}, provider}), std::invalid_argument);
  EXPECT_THROW(r.add({"Risk2", Type::number, {}, "", 0, {}, provider}), std::invalid_argument);
  EXPECT_THROW(r.add({"and", Type::number, {}, "", 0, {}, provider}), std::invalid_argument);
  EXPECT_THROW(r.add({"2x", Type::number, {}, "", 0, {}, provider}), std::invalid_argument);
  EXPECT_THROW(r.add({"ok", Type::number, {}, "", 0, {}, nullptr}), std::invalid_argument);
  EXPECT_THROW(r.add({"ok", Type::number, {}, "", 0, {"a"}, provider}), std::invalid_argument);
  // A provider that fills the wrong number of values is a programmer error, reported.
  r.add({"broken", Type::number, {}, "", 0, {}, provider});
  EXPECT_THROW(select(Expression::parse("broken > 1", r), f), std::logic_error);
}

struct BadInput {
  std::string text;
  std::size_t position;
  std::string fragment;
};

TEST_F(ExpressionTest, ErrorsPointAtTheOffendingToken) {
  const std::string deep = std::string(33, '(') + "potential > 1" + std::string(33, ')');
  std::string nots;
  for (int i = 0; i < 33; ++i) nots += "not ";
  std::string many = "rep = 0";
  for (int i = 0; i < 256; ++i) many += " or rep = 1";
  std::string list = "rep in (0";
  for (int i = 0; i < 1000; ++i) list += ", 1";
  list += ")";
  const std::string open_ring =
      R"(in_polygon({"type":"Polygon","coordinates":[[[2,48],[3,48],[3,49],[2,49]]]}))";
  const std::vector<BadInput> cases = {
      {"potentail > 5", 0, "unknown field `potentail`; did you mean `potential`?"},
      {"potential potential2", 10,
       "expected a comparison operator after field `potential`, found `potential2`"},
      {"(potential > 5", 14,
       "expected `)` to close the `(` at column 1, found the end of the expression"},
      {"potential > 5)", 13, "unmatched `)`"},
      {"potential == 5", 10, "unknown operator `==`; use `=`"},
      {"potential <> 5", 10, "unknown operator `<>`; use `!=`"},
      {"potential > \"high\"", 12, "field `potential` is a number"},
      {"channel = 5", 10, "field `channel` is text"},
      {"channel < \"hyper\"", 8, "operator `<` does not apply to text field `channel`"},
      {"channel = \"hypr\"", 10, "unknown channel \"hypr\"; did you mean \"hyper\"?"},
      {"channel in (\"hyper\", \"supr\")", 21, "unknown channel \"supr\""},
      {"dn(\"Protien\") > 5", 3, "unknown range \"Protien\"; did you mean \"Protein\"?"},
      {"dn() > 5", 3, "missing argument `range`"},
      {"dn > 5", 3, "field `dn` needs its arguments: dn(range)"},
      {"dn(5) > 5", 3, "argument `range` of `dn` must be a \"string\""},
      {"sales(\"4\") > 5", 6, "argument `weeks` of `sales` must be a number"},
      {"sales(1.5) > 5", 6, "must be a whole number between 1 and 520"},
      {"sales(4, 5) > 5", 9, "too many arguments"},
      {"potential(3) > 1", 9, "field `potential` takes no arguments"},
      {"tags = \"bio\"", 5, "expected `has` after field `tags`"},
      {"tags has bio", 9, "expected a \"string\" after `has`"},
      {"assigned = 1", 9, "is true or false and is used alone"},
      {"within(45.7, 4.8)", 16, "expected `,` between the arguments of within"},
      {"within(95, 4.8, 3)", 7, "argument `lat` of within() must be between -90 and 90"},
      {"within(45, 4.8, -3)", 16, "argument `km`"},
      {"potential > 5 and", 17,
       "expected a field, a function, `not` or `(`, found the end of the expression"},
      {"potential > 5 potential < 3", 14, "expected `and`, `or` or the end of the expression"},
      {"and potential > 5", 0, "expected a field"},
      {"potential > 5 # comment", 14, "unexpected character `#`"},
      {"potential > 5 && rep = 1", 14, "write `and`"},
      {"name = \"abc", 7, "unterminated string"},
      {"name = \"a\\nb\"", 9, "unknown escape"},
      {std::string("name = \"a\xC3\x28\""), 9, "invalid UTF-8"},
      {std::string("name = \"ab\xFF\""), 10, "invalid UTF-8"},
      {std::string("name = \"\xED\xA0\x80\""), 8, "invalid UTF-8"},  // a surrogate
      {std::string("potential > 5 \0", 15), 14, "NUL byte"},
      {"name = \"a\tb\"", 9, "control character 0x09 in string"},
      {"potential > 5é", 13, "unexpected byte 0xC3 outside a string"},
      {"potential > 1e999", 12, "out of range"},
      {"potential > 5x", 12, "malformed number"},
      {"not in (1)", 4, "`not in` must follow a field"},
      {"in_polygon(3)", 11, "in_polygon() takes a GeoJSON"},
      {"in_polygon({\"type\":\"Polygon\"", 11, "unterminated GeoJSON object"},
      {open_ring, 11, "ring 0 of the polygon is not closed"},
      {R"(in_polygon({"type":"Polygon","coordinates":[[[2,48],[3,48],[2,48]]]}))", 11,
       "needs at least 4"},
      {R"(in_polygon({"type":"Point","coordinates":[2,48]}))", 11,
       "\"type\" must be \"Polygon\" or \"MultiPolygon\""},
      {R"(in_polygon({"type":"Polygon","coordinates":[[[200,48],[3,48],[3,49],[200,48]]]}))", 11,
       "longitude 200"},
      {R"(in_polygon({"type":"Polygon","coordinates":[[[2,48],[3,48],[3,49],[2,48]],]}))", 74,
       "invalid GeoJSON"},
      {R"(in_polygon('{"type":"Polygon"}'))", 11, "missing \"coordinates\""},
      {deep, 32, "nested deeper than 32 levels"},
      {nots + "assigned", 128, "nested deeper than 32 levels"},
      {many, 2805, "more than 256 clauses and operators"},
      {list, 3008, "more than 1000 values"},
      {"potential > " + std::string(9000, '1'), 8192, "more than 8192 bytes outside GeoJSON"},
      {std::string(70000, ' '), 65536, "longer than 65536 bytes"},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 120));
    try {
      Expression::parse(c.text, registry, {}, &f);
      ADD_FAILURE() << "no error";
    } catch (const ExpressionError& e) {
      EXPECT_EQ(e.position(), c.position) << e.what();
      EXPECT_NE(e.message().find(c.fragment), std::string::npos) << e.message();
      EXPECT_EQ(std::string(e.what()),
                "at column " + std::to_string(c.position + 1) + ": " + e.message());
    }
  }
}

TEST_F(ExpressionTest, ErrorsListWhatWasExpected) {
  try {
    Expression::parse("channel ~ \"hyper\"", registry);
    FAIL();
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.position(), 8u);
  }
  try {
    Expression::parse("potential", registry);
    FAIL();
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.expected(),
              (std::vector<std::string>{"=", "!=", "<", "<=", ">", ">=", "in", "not in"}));
  }
  try {
    Expression::parse("channel = \"hypermarket\"", registry);
    FAIL();
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.expected().front(), "hyper");
  }
}

TEST_F(ExpressionTest, InlineGeoJsonDoesNotCountTowardsTheTextLimit) {
  std::string ring = "[[2,48]";
  for (int i = 0; i < 2000; ++i) ring += ",[2.5,48.5]";
  ring += ",[3,48],[3,49],[2,48]]";
  const std::string text = R"(in_polygon({"type":"Polygon","coordinates":[)" + ring + "]})";
  ASSERT_GT(text.size(), 8192u);
  EXPECT_NO_THROW(Expression::parse(text, registry));
  Limits small;
  small.max_polygon_vertices = 1000;
  EXPECT_THROW(Expression::parse(text, registry, small), ExpressionError);
}

TEST_F(ExpressionTest, EveryBuiltinFieldIsDocumented) {
  std::ifstream in(std::string(BOUCLE_DOCS_DIR) + "/TARGETING.md");
  ASSERT_TRUE(in.good());
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& field : registry.fields())
    EXPECT_NE(doc.str().find("`" + field->name), std::string::npos) << field->name;
}

// Random well-typed expressions over a random snapshot against the row-by-row reference.
TEST(ExpressionProperty, SelectMatchesTheReference) {
  const Facts facts = testing::random_facts(20'240'601, 2'000);
  const Registry registry = Registry::builtin();
  testing::Generator gen(facts, 7);
  EvalCache cache;
  std::mt19937_64 rng(11);
  int matched_some = 0;
  for (int i = 0; i < 400; ++i) {
    const testing::Generated g = gen.expression();
    SCOPED_TRACE(g.text);
    // With the Facts, an unknown range is a parse error; without, an empty range.
    const bool unknown_range = testing::ref_fold(g.text).find("unknown") != std::string::npos;
    const Expression e =
        Expression::parse(g.text, registry, {}, i % 2 && !unknown_range ? &facts : nullptr);
    std::vector<Row> expected;
    for (Row r = 0; r < facts.stores.size(); ++r)
      if (g.holds(r)) expected.push_back(r);
    const std::vector<Row> got = select(e, facts);
    ASSERT_EQ(got, expected);
    ASSERT_EQ(select(e, facts, &cache), expected);
    matched_some += !expected.empty() && expected.size() < facts.stores.size() ? 1 : 0;

    std::vector<Row> subset;
    const std::size_t k = rng() % 300;
    for (std::size_t j = 0; j < k; ++j)
      subset.push_back(static_cast<Row>(rng() % facts.stores.size()));
    const auto flags = evaluate(e, facts, subset, i % 3 ? &cache : nullptr);
    for (std::size_t j = 0; j < k; ++j)
      ASSERT_EQ(flags[j], std::binary_search(expected.begin(), expected.end(), subset[j]) ? 1 : 0);

    const std::string canonical = e.canonical();
    const Expression again = Expression::parse(canonical, registry);
    ASSERT_EQ(again.canonical(), canonical);
    ASSERT_EQ(select(again, facts), expected);
    if (i % 50 == 0) {
      const Row r = static_cast<Row>(rng() % facts.stores.size());
      EXPECT_EQ(explain(e, facts, r).met, g.holds(r));
    }
  }
  EXPECT_GT(matched_some, 150);  // the generator makes selective expressions, not trivial ones
}

}  // namespace
}  // namespace boucle::target
