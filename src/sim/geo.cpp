#include "sim/geo.hpp"

#include <cmath>

#include "core/geo.hpp"

namespace boucle::sim {

namespace {

using core::EARTH_RADIUS_M;
constexpr double PI = 3.14159265358979323846;
constexpr double DEG = PI / 180.0;
constexpr double ROAD_CIRCUITY = 1.3;

}  // namespace

core::Metres distance_m(core::GeoPoint a, core::GeoPoint b) {
  return core::great_circle_distance(a, b);
}

double bearing_deg(core::GeoPoint from, core::GeoPoint to) {
  const double phi1 = from.lat * DEG;
  const double phi2 = to.lat * DEG;
  const double dlon = (to.lon - from.lon) * DEG;
  const double y = std::sin(dlon) * std::cos(phi2);
  const double x =
      std::cos(phi1) * std::sin(phi2) - std::sin(phi1) * std::cos(phi2) * std::cos(dlon);
  const double b = std::atan2(y, x) / DEG;
  return b < 0 ? b + 360.0 : b;
}

core::GeoPoint offset(core::GeoPoint from, double bearing, core::Metres metres) {
  const double metres_per_degree = EARTH_RADIUS_M * DEG;
  const double north = metres * std::cos(bearing * DEG);
  const double east = metres * std::sin(bearing * DEG);
  return {from.lat + north / metres_per_degree,
          from.lon + east / (metres_per_degree * std::cos(from.lat * DEG))};
}

core::Minutes drive_minutes(core::GeoPoint a, core::GeoPoint b) {
  const double road_km = distance_m(a, b) * ROAD_CIRCUITY / 1000.0;
  // The first 10 km through town streets, the next 40 on departmental roads, the rest on
  // motorways; summed by band so that a longer trip never takes less time.
  const double town = std::fmin(road_km, 10.0);
  const double county = std::fmin(std::fmax(road_km - 10.0, 0.0), 40.0);
  const double motorway = std::fmax(road_km - 50.0, 0.0);
  const double hours = town / 35.0 + county / 60.0 + motorway / 85.0;
  return static_cast<core::Minutes>(std::ceil(hours * 60.0));
}

}  // namespace boucle::sim
