#include "plan/travel.hpp"

#include <algorithm>
#include <cmath>

#include "core/geo.hpp"

namespace boucle::plan {

Leg road_leg(const RoadModel& m, core::GeoPoint from, core::GeoPoint to) {
  if (from == to) return {};
  const double road_km = core::great_circle_distance(from, to) * m.circuity / 1000.0;
  // Piecewise speeds: the first band at town speed, the next at main-road speed, the rest fast.
  const double short_km = std::min(road_km, m.short_band_km);
  const double medium_km = std::clamp(road_km - m.short_band_km, 0.0, m.medium_band_km - m.short_band_km);
  const double long_km = std::max(0.0, road_km - m.medium_band_km);
  const double hours =
      short_km / m.speed_short_kmh + medium_km / m.speed_medium_kmh + long_km / m.speed_long_kmh;
  return {static_cast<Distance>(std::llround(road_km * 1000.0)),
          static_cast<Time>(std::llround(hours * 3600.0 + m.fixed_seconds))};
}

Matrix road_matrix(const RoadModel& model, const std::vector<core::GeoPoint>& points) {
  const int n = static_cast<int>(points.size());
  Matrix m(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const Leg leg = i == j ? Leg{} : road_leg(model, points[static_cast<std::size_t>(i)],
                                                points[static_cast<std::size_t>(j)]);
      m.set(i, j, leg.seconds, leg.metres);
    }
  }
  return m;
}

}  // namespace boucle::plan
