#pragma once

#include <CLI/CLI.hpp>

#include <functional>

// Subcommands defined in their own files. Each adds itself to the CLI; when it is the one
// parsed, its callback stores in `run` what main() runs (inside main's error handling).
namespace boucle::cli {

using Runner = std::function<int()>;

void add_plan_command(CLI::App& app, Runner& run);           // cmd_plan.cpp
void add_bench_planner_command(CLI::App& app, Runner& run);  // cmd_bench_planner.cpp
void add_simulate_command(CLI::App& app, Runner& run);        // cmd_simulate.cpp
void add_bench_target_command(CLI::App& app, Runner& run);    // cmd_bench_target.cpp
// Targeting, KPIs and campaigns on a database file, through the API in-process (local_api.hpp).
void add_target_command(CLI::App& app, Runner& run);          // cmd_target.cpp
void add_segment_command(CLI::App& app, Runner& run);         // cmd_target.cpp
void add_kpi_command(CLI::App& app, Runner& run);             // cmd_kpi.cpp
void add_campaign_command(CLI::App& app, Runner& run);        // cmd_campaign.cpp

}  // namespace boucle::cli
