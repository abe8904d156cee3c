#pragma once

#include "core/domain.hpp"
#include "core/units.hpp"

namespace boucle::core {

inline constexpr double EARTH_RADIUS_M = 6'371'008.8;  // mean Earth radius (IUGG)

bool valid_coordinates(double lat, double lon);

// Great-circle distance (haversine) on a sphere of EARTH_RADIUS_M.
Metres great_circle_distance(GeoPoint a, GeoPoint b);

}  // namespace boucle::core
