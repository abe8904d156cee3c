#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/domain.hpp"

namespace boucle::sim {

// A real mainland French town (public facts: centre coordinates, recent census population).
// Coordinates are the town hall's, except where it stands on the sea front (Marseille): there a
// point 2-3 km inland, still within 0.05°, from which stores spread over the built-up area.
// The table covers Auvergne-Rhône-Alpes, southern Burgundy, Provence and eastern Occitanie: one
// contiguous area a team of reps can drive.
struct Town {
  std::string_view name;
  std::string_view department;  // INSEE code, e.g. "69"
  std::string_view postcode;    // main postcode
  double lat = 0;
  double lon = 0;
  int population = 0;
  // Bearings (degrees clockwise from north, from `land_from` round to `land_to`) along which the
  // ground stays dry for ~12 km: coastal and lakeside towns get a narrower arc so that no store is
  // placed in the sea or a lake.
  int land_from = 0;
  int land_to = 360;
  bool tourist = false;
  int postcodes = 1;     // Lyon and Marseille: consecutive arrondissement postcodes from `postcode`
  double spread_km = 0;  // radius of the built-up area; 0: derived from the population

  core::GeoPoint centre() const { return {lat, lon}; }
  bool bearing_on_land(double bearing) const;
  // The `k`-th postcode of the town (k < postcodes).
  std::string postcode_at(int k) const;
};

std::span<const Town> all_towns();

}  // namespace boucle::sim
