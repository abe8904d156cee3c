#include "core/geo.hpp"

#include <cmath>
#include <numbers>

namespace boucle::core {

bool valid_coordinates(double lat, double lon) {
  return std::isfinite(lat) && std::isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 &&
         lon <= 180;
}

Metres great_circle_distance(GeoPoint a, GeoPoint b) {
  constexpr double RAD = std::numbers::pi / 180.0;
  const double dlat = (b.lat - a.lat) * RAD;
  const double dlon = (b.lon - a.lon) * RAD;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * RAD) * std::cos(b.lat * RAD) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * EARTH_RADIUS_M * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace boucle::core
