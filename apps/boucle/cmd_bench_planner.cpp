#include "commands.hpp"

namespace boucle::cli {

void add_bench_planner_command(CLI::App&, Runner&) {}

}  // namespace boucle::cli
