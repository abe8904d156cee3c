#pragma once

#include "core/domain.hpp"
#include "core/units.hpp"

namespace boucle::sim {

// Great-circle distance on the mean Earth sphere.
core::Metres distance_m(core::GeoPoint a, core::GeoPoint b);

// Initial bearing from `from` to `to`, degrees clockwise from north in [0, 360).
double bearing_deg(core::GeoPoint from, core::GeoPoint to);

// The point `metres` away along `bearing` (degrees). A local flat-Earth step: exact enough
// for the few tens of kilometres the generator ever moves a point.
core::GeoPoint offset(core::GeoPoint from, double bearing, core::Metres metres);

// Driving time by the built-in model of SPEC §6: great-circle distance times a road-circuity
// factor, over a speed that rises with the length of the trip.
core::Minutes drive_minutes(core::GeoPoint a, core::GeoPoint b);

}  // namespace boucle::sim
