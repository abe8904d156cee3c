#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

#include "expression_gen.hpp"
#include "expression_support.hpp"
#include "support/mutate.hpp"
#include "target/expression.hpp"

// Millions of random and mutated inputs: parse never crashes and throws nothing but
// ExpressionError; whatever parses evaluates (select, evaluate, explain) without crashing.
namespace boucle::target {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int INPUTS = 150'000;
#else
constexpr int INPUTS = 2'000'000;
#endif

// Pieces of the language (and of near misses) for grammar-aware random strings.
const std::vector<std::string> PIECES = {"potential",
                                         "channel",
                                         "tags",
                                         "dn",
                                         "oos",
                                         "facings",
                                         "sales",
                                         "sales_trend",
                                         "visits",
                                         "days_since_visit",
                                         "assigned",
                                         "name",
                                         "town",
                                         "lat",
                                         "within",
                                         "in_polygon",
                                         "and",
                                         "or",
                                         "not",
                                         "in",
                                         "has",
                                         "AND",
                                         "Not",
                                         "=",
                                         "!=",
                                         "<",
                                         "<=",
                                         ">",
                                         ">=",
                                         "==",
                                         "<>",
                                         "(",
                                         ")",
                                         "(",
                                         ")",
                                         ",",
                                         "\"hyper\"",
                                         "'bio'",
                                         "\"Protein\"",
                                         "\"",
                                         "'",
                                         "\\",
                                         "60",
                                         "-1",
                                         "4.84",
                                         "1e308",
                                         "1e999",
                                         "0x1F",
                                         "{",
                                         "}",
                                         "[",
                                         "]",
                                         ":",
                                         "\"type\"",
                                         "\"Polygon\"",
                                         "\"coordinates\"",
                                         "[[[2,48],[3,48],[3,49],[2,48]]]",
                                         "é",
                                         "\xC3",
                                         "\xFF",
                                         std::string(1, '\0'),
                                         "\t",
                                         "\n",
                                         " ",
                                         "  ",
                                         "#",
                                         "&&",
                                         "potentail",
                                         "chanel",
                                         "between",
                                         "true"};
const std::string ALPHABET =
    std::string("abcdefghijklmnopqrstuvwxyz_ ()\"',.=!<>{}[]:-0123456789\\") + "\xC3\xA9\xFF" +
    std::string(1, '\0');

// Parses, catching the only exception allowed; a small function, so the unwinder has little
// to scan (rejections are most of the inputs). Returns false when an error lies outside the text.
bool try_parse(const std::string& text, const Registry& registry, const Limits& limits,
               const Facts* facts, std::optional<Expression>& out) {
  try {
    out.emplace(Expression::parse(text, registry, limits, facts));
  } catch (const ExpressionError& e) {
    out.reset();
    return e.position() <= text.size();
  }
  return true;
}

TEST(ExpressionFuzz, ParseNeverCrashesAndEvaluatesWhatParses) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const Facts facts = testing::random_facts(99, 40);
  const Registry registry = Registry::builtin();
  testing::Generator gen(facts, 5);
  std::vector<std::string> seeds;
  for (int i = 0; i < 300; ++i) seeds.push_back(gen.expression().text);
  const Limits defaults;
  Limits small;  // small limits so the limit paths are exercised too
  small.max_depth = 6;
  small.max_nodes = 12;
  small.max_list_items = 3;
  small.max_polygon_vertices = 8;
  small.max_text_bytes = 120;
  small.max_total_bytes = 400;

  std::mt19937_64 rng(20'240'601);
  EvalCache cache;
  const std::vector<Row> some_rows{0, 3, 39, 3, 1000};
  long parsed = 0, rejected = 0;
  for (int i = 0; i < INPUTS; ++i) {
    std::string text;
    if (i % 2 == 0) {
      text = boucle::testing::mutate(seeds[rng() % seeds.size()], rng, ALPHABET, 6);
    } else {
      const std::size_t n = 1 + rng() % 14;
      for (std::size_t k = 0; k < n; ++k) {
        text += PIECES[rng() % PIECES.size()];
        if (rng() % 3) text += ' ';
      }
    }
    const Limits& limits = i % 7 == 0 ? small : defaults;
    std::optional<Expression> parsed_expression;
    ASSERT_TRUE(try_parse(text, registry, limits, i % 3 == 0 ? &facts : nullptr, parsed_expression))
        << text;
    if (!parsed_expression) {
      ++rejected;
      continue;
    }
    const Expression& e = *parsed_expression;
    ++parsed;
    // Evaluating is far costlier than parsing: do it for a share of the successes.
    if (parsed % 8 == 0) {
      const auto rows = select(e, facts, parsed % 16 == 0 ? &cache : nullptr);
      const auto flags = evaluate(e, facts, some_rows);
      ASSERT_EQ(flags.size(), some_rows.size());
      ASSERT_EQ(flags[4], 0);
      if (parsed % 64 == 0) explain(e, facts, static_cast<Row>(rng() % facts.stores.size()));
      ASSERT_NO_THROW(Expression::parse(e.canonical(), registry, Limits{}, nullptr)) << text;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf("[ fuzz     ] %d inputs: %ld parsed, %ld rejected, %.1f s (%.1f s of CPU)\n", INPUTS,
              parsed, rejected, seconds, cpu);
  EXPECT_GT(parsed, INPUTS / 50);
}

// Pathological shapes: deep nesting, long chains, long lists, huge inputs, every byte value.
TEST(ExpressionFuzz, PathologicalInputsAreBounded) {
  const Registry registry = Registry::builtin();
  for (const std::string& text :
       {std::string(100'000, '('), std::string(60'000, '('), std::string(8'000, '(') + "assigned",
        std::string(100'000, '{'), std::string(60'000, '"'), std::string(60'000, 'a')}) {
    EXPECT_THROW(Expression::parse(text, registry), ExpressionError);
  }
  std::string chain = "assigned";
  while (chain.size() < 8'000) chain += " and assigned";
  EXPECT_THROW(Expression::parse(chain, registry), ExpressionError);  // too many nodes
  for (int b = 0; b < 256; ++b) {
    const std::string text = "name = \"" + std::string(1, static_cast<char>(b)) + "\"";
    try {
      Expression::parse(text, registry);
    } catch (const ExpressionError&) {
    }
  }
  Limits huge;
  huge.max_depth = 1'000'000;  // capped internally: cannot exhaust the stack
  huge.max_nodes = 1'000'000;
  huge.max_text_bytes = 1'000'000;
  huge.max_total_bytes = 1'000'000;
  std::string deep = std::string(200'000, '(') + "assigned" + std::string(200'000, ')');
  EXPECT_THROW(Expression::parse(deep, registry, huge), ExpressionError);
  std::string nots;
  for (int i = 0; i < 100'000; ++i) nots += "not ";
  EXPECT_THROW(Expression::parse(nots + "assigned", registry, huge), ExpressionError);
}

}  // namespace
}  // namespace boucle::target
