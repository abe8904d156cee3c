// boucle bench-target: the targeting and KPI engines on a synthetic table of stores (issue 5's
// targets): parse and evaluate a 6-clause expression, refresh 100 saved segments after a day's
// writes, a KPI time series for one region over 52 weeks. Wall-clock times, min and median of
// repeated runs; progress on standard error, results on standard output (and JSON with -o).
#include <fmt/core.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <numeric>

#include "commands.hpp"
#include "target/expression.hpp"
#include "target/facts.hpp"
#include "target/kpi.hpp"
#include "target/synth.hpp"

namespace boucle::cli {

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Timing {
  std::vector<double> ms;
  double min() const { return *std::min_element(ms.begin(), ms.end()); }
  double median() const {
    auto v = ms;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
  json::object to_json() const { return {{"min_ms", min()}, {"median_ms", median()}, {"runs", ms.size()}}; }
};

template <typename F>
Timing repeat(int n, F&& fn) {
  Timing t;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    fn();
    t.ms.push_back(1000 * seconds_since(start));
  }
  return t;
}

// 100 saved segments as a territory's managers would write them: channel and potential bands,
// proximity to a town, distribution and out-of-stocks of a range, recency, sales, tags.
std::vector<std::string> segment_expressions(const target::Facts& f, int n) {
  const char* channels[] = {R"(("hyper", "super"))", R"(("proxi"))", R"(("drive", "hyper"))",
                            R"(("specialist", "other"))", R"(("super", "proxi", "cash_carry"))"};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const auto& range = f.ranges.text(static_cast<std::uint32_t>(i % f.ranges.size()));
    const double lat = 43.0 + (i * 37 % 80) / 10.0, lon = -1.0 + (i * 53 % 80) / 10.0;
    std::string e;
    switch (i % 5) {
      case 0:
        e = fmt::format(R"(channel in {} and potential >= {} and dn("{}") < {})", channels[i % 5],
                        20 + i % 60, range, 30 + i % 50);
        break;
      case 1:
        e = fmt::format(R"(within({:.2f}, {:.2f}, {}) and days_since_visit > {})", lat, lon,
                        30 + i % 70, 7 + i % 40);
        break;
      case 2:
        e = fmt::format(R"(oos("{}") > 0 or (visits(90) < {} and potential > {}))", range,
                        1 + i % 4, 40 + i % 40);
        break;
      case 3:
        e = fmt::format(R"(sales(13) > {} and not channel in {} and frequency <= {})",
                        500 + 37 * i, channels[(i + 1) % 5], 14 + i % 30);
        break;
      default:
        e = fmt::format(R"(sales_trend(13) < -{} and dn("{}") >= {} or tags has "{}")",
                        5 + i % 20, range, 20 + i % 40,
                        f.tags.size() ? f.tags.text(static_cast<std::uint32_t>(i % f.tags.size()))
                                      : std::string("none"));
        break;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

void add_bench_target_command(CLI::App& app, Runner& run) {
  struct Flags {
    std::uint32_t stores = 1'000'000;
    std::uint64_t seed = 1;
    int segments = 100;
    int runs = 5;
    std::string output;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "bench-target",
      "Benchmark targeting and KPIs on a synthetic table of stores (docs/PERFORMANCE.md)");
  cmd->add_option("--stores", flags->stores, "Stores in the synthetic table")
      ->check(CLI::Range(1000u, 5'000'000u));
  cmd->add_option("--seed", flags->seed, "Seed of the synthetic table");
  cmd->add_option("--segments", flags->segments, "Saved segments to refresh")
      ->check(CLI::Range(1, 10'000));
  cmd->add_option("--runs", flags->runs, "Timed runs of each measure (min and median reported)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("-o,--output", flags->output, "Write the figures as JSON to this file");
  cmd->callback([flags, &run] {
    run = [flags] {
      const auto& o = *flags;
      auto say = [](const std::string& line) { std::cerr << line << std::endl; };
      target::SynthOptions so;
      so.stores = o.stores;
      so.seed = o.seed;
      say(fmt::format("bench-target: synthesising {} stores, {} weeks of history (seed {})…",
                      o.stores, so.weeks, o.seed));
      auto started = Clock::now();
      target::Facts f = target::synthetic_facts(so);
      const double synth_s = seconds_since(started);
      started = Clock::now();
      f.index();
      const double index_s = seconds_since(started);
      say(fmt::format("  {} stores, {} visits, {} audits, {} plan days: built in {:.1f} s, "
                      "indexed in {:.2f} s",
                      f.stores.size(), f.visits.size(), f.audits.size(), f.plan_days.size(),
                      synth_s, index_s));
      const auto registry = target::Registry::builtin();
      json::object results{{"stores", f.stores.size()},
                           {"visits", f.visits.size()},
                           {"audits", f.audits.size()},
                           {"synthesis_s", synth_s},
                           {"index_s", index_s}};

      // 1. One 6-clause expression, parsed and evaluated from cold (no cache) each run.
      const auto& range = f.ranges.text(0);
      const std::string six = fmt::format(
          R"(channel in ("hyper", "super", "proxi") and potential >= 30 and within(48.85, 2.35, 150) and dn("{}") < 60 and days_since_visit > 14 and sales(13) > 100)",
          range);
      std::size_t matched = 0;
      auto one = repeat(o.runs, [&] {
        auto e = target::Expression::parse(six, registry, {}, &f);
        matched = target::select(e, f).size();
      });
      say(fmt::format("  6-clause expression: {} stores match; parse + evaluate min {:.1f} ms, "
                      "median {:.1f} ms",
                      matched, one.min(), one.median()));
      results["six_clause"] = one.to_json();
      results["six_clause"].as_object()["expression"] = six;
      results["six_clause"].as_object()["matched"] = matched;

      // 2. Saved segments: members computed once, then a day of field work is written (visits,
      // audits, orders), the snapshot re-indexed and every segment re-evaluated and diffed
      // against its previous members, sharing one column cache.
      std::vector<target::Expression> segments;
      for (const auto& text : segment_expressions(f, o.segments)) {
        segments.push_back(target::Expression::parse(text, registry, {}, &f));
      }
      std::vector<std::vector<target::Row>> members;
      {
        target::EvalCache cache;
        for (const auto& e : segments) members.push_back(target::select(e, f, &cache));
      }
      std::size_t total_members = 0;
      for (const auto& m : members) total_members += m.size();
      say(fmt::format("  {} segments, {} memberships in all", segments.size(), total_members));
      // During the day, a store's clock-relative fields (days since its last visit, visits in
      // the last N days, sales of complete weeks) change only when the store is written to, so
      // a refresh re-evaluates each segment on the stores the day's writes touched and keeps
      // the others' membership; the nightly refresh re-evaluates everything (measured apart).
      Timing day_index, refresh;
      std::size_t joined = 0, left = 0, touched_stores = 0;
      for (int run_i = 0; run_i < o.runs; ++run_i) {
        std::vector<target::Row> touched;
        target::append_day(f, f.today(), so, o.seed * 1000 + static_cast<std::uint64_t>(run_i),
                           &touched);
        touched_stores = touched.size();
        auto t = Clock::now();
        f.index();
        day_index.ms.push_back(1000 * seconds_since(t));
        t = Clock::now();
        joined = left = 0;
        // Blocked: every segment on one block of touched stores before the next block, so that
        // the block's rows stay in cache across segments (they share most of their columns).
        constexpr std::size_t BLOCK = 1024;
        std::vector<std::vector<std::uint8_t>> matches(segments.size());
        for (std::size_t from = 0; from < touched.size(); from += BLOCK) {
          const std::span<const target::Row> block(
              touched.data() + from, std::min(BLOCK, touched.size() - from));
          for (std::size_t i = 0; i < segments.size(); ++i) {
            const auto in = target::evaluate(segments[i], f, block);
            matches[i].insert(matches[i].end(), in.begin(), in.end());
          }
        }
        for (std::size_t i = 0; i < segments.size(); ++i) {
          const auto& in = matches[i];
          std::vector<target::Row> next;
          next.reserve(members[i].size() + touched.size());
          std::size_t k = 0;  // walks `touched` (ascending) beside the old members
          for (target::Row r : members[i]) {
            for (; k < touched.size() && touched[k] < r; ++k) {
              if (in[k]) next.push_back(touched[k]), ++joined;
            }
            if (k < touched.size() && touched[k] == r) {
              if (in[k]) next.push_back(r); else ++left;
              ++k;
            } else {
              next.push_back(r);
            }
          }
          for (; k < touched.size(); ++k) {
            if (in[k]) next.push_back(touched[k]), ++joined;
          }
          members[i] = std::move(next);
        }
        refresh.ms.push_back(1000 * seconds_since(t));
      }
      // The incremental memberships must be exactly what a full evaluation finds.
      std::size_t mismatches = 0;
      Timing nightly;
      {
        auto t = Clock::now();
        target::EvalCache cache;
        for (std::size_t i = 0; i < segments.size(); ++i) {
          mismatches += target::select(segments[i], f, &cache) != members[i] ? 1 : 0;
        }
        nightly.ms.push_back(1000 * seconds_since(t));
      }
      say(fmt::format("  a day's writes ({} stores visited): re-index min {:.0f} ms; refresh of "
                      "{} segments min {:.1f} ms, median {:.1f} ms ({} joined, {} left on the "
                      "last run); full re-evaluation of all segments {:.0f} ms, {} segments "
                      "differing from the incremental refresh",
                      touched_stores, day_index.min(), segments.size(), refresh.min(),
                      refresh.median(), joined, left, nightly.min(), mismatches));
      if (mismatches) std::cerr << "bench-target: incremental refresh disagrees with a full one\n";
      results["day_reindex"] = day_index.to_json();
      results["refresh_segments"] = refresh.to_json();
      results["refresh_segments"].as_object()["segments"] = segments.size();
      results["refresh_segments"].as_object()["stores_visited"] = touched_stores;
      results["refresh_segments"].as_object()["mismatches"] = mismatches;
      results["full_refresh_segments"] = nightly.to_json();

      // 3. KPI series: the region with the most stores, 52 weeks, every KPI.
      std::vector<std::size_t> per_region(f.regions.size(), 0);
      for (auto r : f.stores.region) ++per_region[r];
      const auto region = static_cast<std::uint32_t>(
          std::max_element(per_region.begin(), per_region.end()) - per_region.begin());
      target::KpiQuery q;
      for (std::size_t r = 0; r < f.stores.size(); ++r) {
        if (f.stores.region[r] == region) q.universe.stores.push_back(static_cast<target::Row>(r));
      }
      for (auto r : q.universe.stores) q.universe.reps.push_back(f.stores.rep[r]);
      std::sort(q.universe.reps.begin(), q.universe.reps.end());
      q.universe.reps.erase(std::unique(q.universe.reps.begin(), q.universe.reps.end()),
                            q.universe.reps.end());
      q.to = f.today();
      q.from = target::monday_of(q.to) - 51 * 7;
      q.kpis.assign(std::begin(target::ALL_KPIS), std::end(target::ALL_KPIS));
      std::size_t weeks = 0;
      auto series = repeat(o.runs, [&] { weeks = target::weekly(f, q).weeks.size(); });
      auto values = repeat(o.runs, [&] { (void)target::compute(f, q); });
      say(fmt::format("  KPI series for {} ({} stores, {} reps): {} weeks × {} KPIs min {:.0f} "
                      "ms, median {:.0f} ms; the period's values min {:.0f} ms",
                      f.regions.text(region), q.universe.stores.size(), q.universe.reps.size(),
                      weeks, q.kpis.size(), series.min(), series.median(), values.min()));
      results["kpi_series"] = series.to_json();
      results["kpi_series"].as_object()["region"] = f.regions.text(region);
      results["kpi_series"].as_object()["stores"] = q.universe.stores.size();
      results["kpi_series"].as_object()["weeks"] = weeks;
      results["kpi_values"] = values.to_json();

      std::cout << json::serialize(results) << "\n";
      if (!o.output.empty()) {
        std::ofstream out(o.output);
        out << json::serialize(results) << "\n";
      }
      return 0;
    };
  });
}

}  // namespace boucle::cli
