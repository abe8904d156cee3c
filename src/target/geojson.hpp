#pragma once

#include <cstddef>
#include <string_view>

#include "target/ast.hpp"

namespace boucle::target::detail {

// Parses and validates a GeoJSON Polygon or MultiPolygon: rings closed with at least 4
// positions, longitudes in [-180, 180], latitudes in [-90, 90], at most `vertex_budget`
// positions. Errors are ExpressionErrors pointing into the text at `position` (`length` bytes).
Geometry parse_geojson(std::string_view json, std::size_t position, std::size_t length,
                       std::size_t vertex_budget);

// Even-odd test of the point (lon, lat) against every ring: inside the outer ring and not in a
// hole, for any polygon.
bool contains(const Geometry& g, double lon, double lat);

}  // namespace boucle::target::detail
