// boucle simulate: closed-loop runs of field policies on a simulated territory (docs/SIMULATOR.md).
#include <fmt/core.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "sim/loop.hpp"
#include "sim/policy.hpp"
#include "sim/report.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace boucle::cli {

namespace json = boost::json;

namespace {

struct SimulateFlags {
  std::string scenario;
  std::string policies = "rules";
  int weeks = 0;
  std::int64_t seed = -1;
  int seeds = 1;
  std::string output;
  std::string report;
  int threads = 2;
  bool quiet = false;
  std::string merge;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error(path + ": cannot be written");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_outputs(const SimulateFlags& f, const json::array& runs, json::object study) {
  study["runs"] = runs;
  study["summary"] = sim::summarize(study);
  const bool single = runs.size() == 1;
  const std::string text = json::serialize(single ? runs.front() : json::value(study)) + "\n";
  if (f.output.empty() || f.output == "-") {
    std::cout << text;
  } else {
    write_file(f.output, text);
  }
  if (!f.report.empty()) write_file(f.report, sim::html_report(study));
}

// Studies (or single runs) made apart, e.g. seeds split over several processes, as one.
int merge_studies(const SimulateFlags& f) {
  json::array runs;
  json::object study;
  for (const auto& path : split(f.merge)) {
    auto v = json::parse(read_file(path));
    if (!v.is_object()) throw std::invalid_argument(path + ": not a study or a run");
    auto& o = v.as_object();
    if (const auto* r = o.if_contains("runs"); r && r->is_array()) {
      for (const auto& run : r->as_array()) runs.push_back(run);
      if (study.empty()) {
        for (const char* key : {"scenario", "new_range", "ranges", "reference_policy"}) {
          if (const auto* x = o.if_contains(key)) study[key] = *x;
        }
      }
    } else if (o.contains("weeks") && o.contains("policy")) {
      if (study.empty()) {
        for (const char* key : {"scenario", "new_range", "ranges"}) {
          if (const auto* x = o.if_contains(key)) study[key] = *x;
        }
        study["reference_policy"] = o.at("policy");
      }
      runs.push_back(std::move(v));
    } else {
      throw std::invalid_argument(path + ": not a study or a run");
    }
  }
  if (runs.empty()) throw std::invalid_argument("--merge: no runs");
  write_outputs(f, runs, std::move(study));
  return 0;
}

int run_simulate(const SimulateFlags& f) {
  if (!f.merge.empty()) return merge_studies(f);
  sim::Scenario scenario =
      f.scenario.empty() ? sim::Scenario{} : sim::scenario_from_file(f.scenario);
  if (f.weeks > 0) scenario.weeks = f.weeks;
  if (f.seed >= 0) scenario.seed = static_cast<std::uint64_t>(f.seed);
  const auto names = split(f.policies);
  if (names.empty()) throw std::invalid_argument("--policy: name at least one policy");
  for (const auto& n : names) sim::make_policy(n, scenario);  // unknown names fail before any work
  if (f.seeds < 1) throw std::invalid_argument("--seeds must be at least 1");

  json::array runs;
  for (int k = 0; k < f.seeds; ++k) {
    sim::Scenario sc = scenario;
    sc.seed = scenario.seed + static_cast<std::uint64_t>(k);
    const sim::World world = sim::build_world(sc);
    if (!f.quiet) {
      fmt::print(stderr, "world of seed {}: {} stores, {} reps, {} products, {} weeks\n", sc.seed,
                 world.stores.size(), world.reps(), world.catalog.size(), sc.weeks);
    }
    for (const auto& name : names) {
      auto policy = sim::make_policy(name, sc);
      sim::RunOptions options;
      options.threads = f.threads;
      if (!f.quiet)
        options.progress = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
      auto run = sim::run_closed_loop(world, *policy, options);
      if (!f.quiet) {
        const auto& s = run.at("summary").as_object();
        fmt::print(
            stderr,
            "{} seed {}: incremental margin {:.0f} €, field cost {:.0f} €, final DN {:.1f} %, "
            "blank visits {:.1f} %, {:.1f} s\n",
            name, sc.seed, s.at("incremental_margin").to_number<double>(),
            s.at("field_cost_eur").to_number<double>(),
            100 * s.at("final_dn_new_range").to_number<double>(),
            100 * s.at("blank_visit_rate").to_number<double>(),
            s.at("seconds").to_number<double>());
      }
      runs.push_back(std::move(run));
    }
  }

  json::object study{{"scenario", sim::to_json(scenario)},
                     {"new_range", runs.front().at("new_range")},
                     {"ranges", runs.front().at("ranges")}};
  const bool has_frequency = std::find(names.begin(), names.end(), "frequency") != names.end();
  study["reference_policy"] = has_frequency ? "frequency" : names.front();
  write_outputs(f, runs, std::move(study));
  return 0;
}

}  // namespace

void add_simulate_command(CLI::App& app, Runner& run) {
  auto flags = std::make_shared<SimulateFlags>();
  auto* cmd = app.add_subcommand(
      "simulate", "Run field policies week by week on a simulated territory (closed loop)");
  cmd->add_option("--scenario", flags->scenario,
                  "Scenario JSON (docs/SIMULATOR.md); default: built-in");
  cmd->add_option(
      "--policy", flags->policies,
      "Policy, or several separated by commas: frequency, biggest-first, rules, oracle");
  cmd->add_option("--weeks", flags->weeks, "Weeks to simulate (default: the scenario's)");
  cmd->add_option("--seed", flags->seed, "Seed (default: the scenario's)");
  cmd->add_option("--seeds", flags->seeds, "Paired seeds: seed, seed+1, … (default 1)");
  cmd->add_option("--output", flags->output, "JSON result file (default: standard output)");
  cmd->add_option("--report", flags->report, "Self-contained HTML report with plots");
  cmd->add_option("--threads", flags->threads, "Reps planned side by side (default 2)");
  cmd->add_flag("--quiet", flags->quiet, "No progress lines");
  cmd->add_option("--merge", flags->merge,
                  "Instead of running: merge result files (studies or runs), comma-separated, "
                  "into one study for --output and --report");
  cmd->callback([flags, &run] { run = [flags] { return run_simulate(*flags); }; });
}

}  // namespace boucle::cli
