// boucle plan: problem JSON in, plan JSON out (docs/PLAN_FORMAT.md), re-checked by the
// independent validator.
#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "plan/solver.hpp"
#include "plan/validate.hpp"
#include "planio/plan_json.hpp"
#include "planio/problem_json.hpp"
#include "routing/osrm.hpp"

namespace boucle::cli {

namespace {

// Exit code when the plan breaks a rule of the problem (a solver bug): the plan is still written.
constexpr int EXIT_VIOLATIONS = 3;

struct PlanFlags {
  std::string input;
  std::string output;
  double time_limit = 30.0;
  std::uint64_t seed = 1;
  std::int64_t iterations = 20000;
  int threads = 1;
  bool quiet = false;
  bool no_timing = false;
  bool list_locations = false;
};

planio::ReadOptions read_options() {
  planio::ReadOptions options;
  options.osrm = [](const planio::OsrmRequest& request, const std::vector<core::GeoPoint>& points) {
    routing::OsrmOptions o;
    o.base_url = request.url;
    o.profile = request.profile;
    return routing::osrm_table(o, points);
  };
  return options;
}

double euros(const planio::LoadedProblem& lp, plan::Cost c) {
  return static_cast<double>(c) / static_cast<double>(lp.cost_per_euro);
}

// The locations a travel matrix must cover, one per line: index, keys, name, lat, lon.
int print_locations(const planio::LoadedProblem& lp) {
  for (std::size_t i = 0; i < lp.places.size(); ++i) {
    const auto& p = lp.places[i];
    std::string keys;
    for (const auto& k : p.keys) keys += (keys.empty() ? "" : " ") + k;
    fmt::print("{}\t{}\t{}\t{:.6f}\t{:.6f}\n", i, keys, p.name, p.point.lat, p.point.lon);
  }
  return 0;
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path);
}

int run_plan(const PlanFlags& f) {
  auto options = read_options();
  options.build_travel = !f.list_locations;
  const auto loaded = planio::read_problem_file(f.input, options);
  if (f.list_locations) return print_locations(loaded);
  const auto& problem = loaded.problem;

  plan::SolveOptions so;
  so.seed = f.seed;
  so.time_limit_seconds = f.time_limit;
  so.max_iterations = f.iterations;
  so.threads = f.threads;
  if (!f.quiet) {
    so.on_improve = [&loaded](const plan::Progress& p) {
      fmt::print(stderr, "improved: iteration {}, {:.2f} s, mandatory {}/{}, value {:.2f} €\n",
                 p.iteration, p.seconds, p.best.mandatory_planned, p.best.mandatory_total,
                 euros(loaded, p.best.value));
    };
  }
  plan::SolveStats stats;
  const auto solution = plan::solve(problem, so, &stats);

  planio::PlanJsonOptions jo;
  jo.timing = !f.no_timing;
  write_output(f.output, planio::to_pretty_json(planio::plan_to_json(loaded, solution, stats, jo)));

  const auto& o = solution.objective;
  if (!f.quiet) {
    fmt::print(stderr,
               "done: {} iterations, {:.2f} s, mandatory {}/{}, value {:.2f} €, {} unplanned\n",
               stats.iterations, stats.seconds, o.mandatory_planned, o.mandatory_total,
               euros(loaded, o.value), solution.unplanned.size());
  }
  if (o.mandatory_planned < o.mandatory_total) {
    fmt::print(stderr, "warning: {} mandatory visit(s) could not be planned (see \"unplanned\")\n",
               o.mandatory_total - o.mandatory_planned);
  }
  const auto violations = plan::validate(problem, solution);
  for (const auto& v : violations) fmt::print(stderr, "violation [{}]: {}\n", v.rule, v.message);
  if (!violations.empty()) {
    fmt::print(stderr, "error: the plan breaks {} rule(s) of the problem\n", violations.size());
    return EXIT_VIOLATIONS;
  }
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, Runner& run) {
  auto flags = std::make_shared<PlanFlags>();
  auto* cmd = app.add_subcommand(
      "plan", "Plan visits: read a problem (JSON, docs/PLAN_FORMAT.md), write the plan (JSON)");
  cmd->add_option("--input,-i", flags->input, "Problem file (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--output,-o", flags->output, "Plan file to write (default: standard output)");
  cmd->add_option("--time-limit", flags->time_limit, "Stop after this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--seed", flags->seed, "Seed of the search: same input and seed, same plan")
      ->capture_default_str();
  cmd->add_option("--iterations", flags->iterations,
                  "Stop after this many iterations (the deterministic budget; -1: time only)")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::int64_t>(-1), static_cast<std::int64_t>(1) << 40));
  cmd->add_option("--threads", flags->threads, "Independent searches, the best is kept")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--quiet,-q", flags->quiet, "No progress lines on standard error");
  cmd->add_flag("--no-timing", flags->no_timing,
                "Leave stats.seconds out of the plan (byte-identical plans for golden files)");
  cmd->add_flag("--list-locations", flags->list_locations,
                "Print the locations a travel matrix must cover (index, keys, name, lat, lon) "
                "and exit");
  cmd->callback([flags, &run] { run = [flags] { return run_plan(*flags); }; });
}

}  // namespace boucle::cli
