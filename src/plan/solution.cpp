#include "plan/solution.hpp"

namespace boucle::plan {

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::closed: return "closed";
    case Reason::unreachable: return "unreachable";
    case Reason::frequency: return "frequency";
    case Reason::no_time_left: return "no_time_left";
    case Reason::not_worth_detour: return "not_worth_detour";
    case Reason::locked_elsewhere: return "locked_elsewhere";
  }
  return "unknown";
}

bool better(const Objective& a, const Objective& b, const Weights& w) {
  if (a.mandatory_planned != b.mandatory_planned) return a.mandatory_planned > b.mandatory_planned;
  if (w.minimise_routes && a.routes != b.routes) return a.routes < b.routes;
  return a.value > b.value;
}

}  // namespace boucle::plan
