#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.hpp"

namespace boucle::sim {

// A real mainland French town (public facts: centre coordinates, recent census population).
// Coordinates are the town hall's, except where it stands on the sea front (Marseille,
// Cherbourg): there a point up to 3 km inland, still within 0.05°, from which stores spread over
// the built-up area. The table, src/sim/data/towns.csv, embedded at build time, covers the 12
// mainland regions (no Corsica): every prefecture, the four largest towns of every department,
// the sub-prefectures of 8,000 people or more, every town of 40,000 or more, and in the most
// populous regions the next largest towns. Beyond the 113 historic towns (the default area),
// populations are INSEE's legal ones and coordinates mostly GeoNames' (CC BY 4.0); land arcs
// were measured on an OpenStreetMap-derived coastline.
struct Town {
  std::string name;
  std::string department;  // INSEE code, e.g. "69"
  std::string region;      // "ara", "bre"… (see region_codes())
  std::string postcode;    // main postcode
  double lat = 0;
  double lon = 0;
  int population = 0;
  // Bearings (degrees clockwise from north, from `land_from` round to `land_to`) along which the
  // ground stays dry as far as stores and homes are placed from the town (at most ~12 km):
  // coastal, lakeside and border towns get a narrower arc so that no store is placed in the sea,
  // a lake or a neighbouring country.
  int land_from = 0;
  int land_to = 360;
  bool tourist = false;
  int postcodes = 1;     // Paris, Lyon, Marseille: consecutive arrondissement postcodes
  double spread_km = 0;  // radius of the built-up area; 0: derived from the population

  core::GeoPoint centre() const { return {lat, lon}; }
  bool bearing_on_land(double bearing) const;
  // The `k`-th postcode of the town (k < postcodes).
  std::string postcode_at(int k) const;
};

// Every town of the table, in its order (by department, largest first). The storage is static:
// pointers to towns stay valid for the life of the program.
std::span<const Town> all_towns();

// The region codes, in the order of INSEE's region numbers: "idf", "cvl", … "pac".
std::vector<std::string> region_codes();

// The towns of the given areas, in table order and each once. An area is a region code ("ara"),
// a department code ("69") or "france" (every town). No area at all is the historic default
// area: the 113 towns around Lyon, Provence and eastern Occitanie the simulator started with,
// in their historic order (their departments now hold a few more towns, left out). Throws
// std::invalid_argument naming an unknown area.
std::vector<const Town*> select_towns(std::span<const std::string> areas);

// Parses a towns table (the header of src/sim/data/towns.csv, one town a row). The embedded table
// is ours, so a bad row is a programming error: throws std::logic_error naming its line.
std::vector<Town> parse_towns(std::string_view csv);

}  // namespace boucle::sim
