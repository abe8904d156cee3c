// boucle bench-planner: solves public benchmark instances and prints one CSV line per instance
// in the benchmark's own units (bench/planner.sh runs it over whole sets).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "plan/solver.hpp"
#include "planio/bench_formats.hpp"

namespace boucle::cli {

namespace {

struct BenchPlannerFlags {
  std::string format;
  std::string objective = "distance";
  int tours = 1;
  double time_limit = 10.0;
  std::uint64_t seed = 1;
  int threads = 1;
  std::vector<std::string> files;
  bool objective_given = false;
  bool tours_given = false;
};

// Scores are integers in every public file; print them as such.
std::string score_text(double score) {
  return std::fabs(score - std::round(score)) < 1e-9 ? fmt::format("{:.0f}", score)
                                                     : fmt::format("{:.2f}", score);
}

int run_bench_planner(const BenchPlannerFlags& flags) {
  const std::map<std::string, planio::BenchFormat> formats = {
      {"solomon", planio::BenchFormat::solomon},
      {"toptw", planio::BenchFormat::toptw},
      {"ophs", planio::BenchFormat::ophs}};
  const auto format = formats.at(flags.format);
  if (flags.objective_given && format != planio::BenchFormat::solomon) {
    spdlog::warn("--objective applies to Solomon files only: ignored");
  }
  if (flags.tours_given && format != planio::BenchFormat::toptw) {
    spdlog::warn("--tours applies to TOPTW files only: ignored");
  }
  planio::BenchOptions options;
  options.objective = flags.objective == "vehicles" ? planio::SolomonObjective::vehicles
                                                    : planio::SolomonObjective::distance;
  options.tours = flags.tours;

  plan::SolveOptions solve;
  solve.seed = flags.seed;
  solve.time_limit_seconds = flags.time_limit;
  solve.threads = flags.threads;

  // Every file is read before the first solve: a bad file fails the run at once, not hours in.
  std::vector<planio::BenchInstance> instances;
  for (const auto& file : flags.files) {
    instances.push_back(planio::read_bench_file(file, format, options));
  }

  std::cout << "instance,vehicles,distance,score,seconds\n" << std::flush;
  double sum_vehicles = 0, sum_distance = 0, sum_score = 0, sum_seconds = 0;
  const auto count = instances.size();
  for (std::size_t i = 0; i < count; ++i) {
    const auto& instance = instances[i];
    spdlog::info("[{}/{}] {}: {} visits, {} reps × {} days", i + 1, count, instance.name,
                 instance.problem.visits.size(), instance.problem.reps.size(),
                 instance.problem.days);
    for (const auto& w : instance.warnings) spdlog::warn("{}: {}", instance.name, w);

    const auto start = std::chrono::steady_clock::now();
    const plan::Solution solution = plan::solve(instance.problem, solve);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto result = planio::evaluate_bench(instance, solution);
    if (result.mandatory_missing > 0) {
      spdlog::warn("{}: {} mandatory visits missing", instance.name, result.mandatory_missing);
    }
    if (!result.violations.empty()) {
      spdlog::warn("{}: {} violations in the double-precision re-check", instance.name,
                   result.violations.size());
      for (const auto& v : result.violations) spdlog::warn("{}:   {}", instance.name, v);
    }
    std::cout << fmt::format("{},{},{:.2f},{},{:.2f}\n", instance.name, result.vehicles,
                             result.distance, score_text(result.score), seconds)
              << std::flush;
    sum_vehicles += result.vehicles;
    sum_distance += result.distance;
    sum_score += result.score;
    sum_seconds += seconds;
  }
  const double n = static_cast<double>(count);
  std::cout << fmt::format("mean,{:.2f},{:.2f},{:.2f},{:.2f}\n", sum_vehicles / n, sum_distance / n,
                           sum_score / n, sum_seconds / n)
            << std::flush;
  return 0;
}

}  // namespace

void add_bench_planner_command(CLI::App& app, Runner& run) {
  auto flags = std::make_shared<BenchPlannerFlags>();
  auto* cmd = app.add_subcommand(
      "bench-planner",
      "Solve public benchmark instances; CSV (instance,vehicles,distance,score,seconds) on "
      "standard output, in the benchmark's units");
  cmd->add_option("--format", flags->format, "Instance format")
      ->required()
      ->check(CLI::IsMember({"solomon", "toptw", "ophs"}));
  cmd->add_option("--objective", flags->objective,
                  "Solomon: vehicles (fewest routes, then distance) or distance (distance only)")
      ->check(CLI::IsMember({"vehicles", "distance"}));
  cmd->add_option("--tours", flags->tours, "TOPTW: number of identical tours (m)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--time-limit", flags->time_limit, "Seconds of search per instance")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", flags->seed, "Random seed of the search");
  cmd->add_option("--threads", flags->threads, "Independent searches per instance")
      ->check(CLI::Range(1, 256));
  cmd->add_option("files", flags->files, "Instance files")->required();
  cmd->callback([flags, cmd, &run] {
    flags->objective_given = cmd->count("--objective") > 0;
    flags->tours_given = cmd->count("--tours") > 0;
    run = [flags] { return run_bench_planner(*flags); };
  });
}

}  // namespace boucle::cli
