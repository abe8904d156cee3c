#include "commands.hpp"

namespace boucle::cli {

void add_plan_command(CLI::App&, Runner&) {}

}  // namespace boucle::cli
