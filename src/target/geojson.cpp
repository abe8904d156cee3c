#include "target/geojson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <string>

namespace boucle::target::detail {

namespace json = boost::json;

namespace {

class Reader {
 public:
  Reader(std::size_t position, std::size_t length, std::size_t budget)
      : position_(position), length_(length), budget_(budget) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw ExpressionError(position_, length_, "invalid GeoJSON: " + message);
  }

  const json::array& array_of(const json::value& v, std::string_view what) const {
    if (!v.is_array()) fail(fmt::format("{} must be an array", what));
    return v.get_array();
  }

  Polygon polygon(const json::value& v, std::string_view where) {
    const json::array& rings = array_of(v, where);
    if (rings.empty()) fail(fmt::format("{} has no ring", where));
    Polygon p;
    p.min_lon = p.min_lat = std::numeric_limits<double>::infinity();
    p.max_lon = p.max_lat = -std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < rings.size(); ++r) {
      const std::string ring_name = fmt::format("ring {} of {}", r, where);
      const json::array& positions = array_of(rings[r], ring_name);
      if (positions.size() < 4)
        fail(fmt::format("{} has {} positions; a ring needs at least 4", ring_name,
                         positions.size()));
      if (positions.size() > budget_ - std::min(budget_, vertices_))
        fail(fmt::format("more than {} vertices", budget_));
      vertices_ += positions.size();
      std::vector<std::array<double, 2>> ring;
      ring.reserve(positions.size());
      for (const json::value& pos : positions) {
        const json::array& xy = array_of(pos, "a position");
        if (xy.size() < 2 || xy.size() > 3)
          fail(fmt::format("a position of {} must be [lon, lat]", ring_name));
        const double lon = number(xy[0]), lat = number(xy[1]);
        if (xy.size() == 3) number(xy[2]);
        if (lon < -180 || lon > 180) fail(fmt::format("longitude {} is outside [-180, 180]", lon));
        if (lat < -90 || lat > 90) fail(fmt::format("latitude {} is outside [-90, 90]", lat));
        ring.push_back({lon, lat});
        if (r == 0) {
          p.min_lon = std::min(p.min_lon, lon);
          p.max_lon = std::max(p.max_lon, lon);
          p.min_lat = std::min(p.min_lat, lat);
          p.max_lat = std::max(p.max_lat, lat);
        }
      }
      if (ring.front() != ring.back())
        fail(fmt::format("{} is not closed (its last position must equal its first)", ring_name));
      p.rings.push_back(std::move(ring));
    }
    return p;
  }

  double number(const json::value& v) const {
    if (!v.is_number()) fail("a coordinate must be a number");
    const double d = v.to_number<double>();
    if (!std::isfinite(d)) fail("a coordinate must be finite");
    return d;
  }

  std::size_t vertices() const { return vertices_; }

 private:
  std::size_t position_, length_, budget_;
  std::size_t vertices_ = 0;
};

}  // namespace

Geometry parse_geojson(std::string_view text, std::size_t position, std::size_t length,
                       std::size_t vertex_budget) {
  Reader reader(position, length, vertex_budget);
  json::value root;
  {
    json::parse_options options;
    options.max_depth = 16;
    json::stream_parser parser({}, options);
    boost::system::error_code ec;
    const std::size_t used = parser.write_some(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      const std::size_t at = std::min(used, text.size() ? text.size() - 1 : 0);
      throw ExpressionError(position + at, 1, "invalid GeoJSON: " + ec.message());
    }
    root = parser.release();
  }
  if (!root.is_object()) reader.fail("expected an object");
  const json::object& object = root.get_object();
  const json::value* type = object.if_contains("type");
  if (type == nullptr || !type->is_string()) reader.fail("missing \"type\"");
  const json::value* coordinates = object.if_contains("coordinates");
  Geometry g;
  const std::string_view kind = type->get_string();
  if (kind == "Polygon") {
    if (coordinates == nullptr) reader.fail("missing \"coordinates\"");
    g.polygons.push_back(reader.polygon(*coordinates, "the polygon"));
  } else if (kind == "MultiPolygon") {
    if (coordinates == nullptr) reader.fail("missing \"coordinates\"");
    g.multi = true;
    const json::array& polygons = reader.array_of(*coordinates, "\"coordinates\"");
    if (polygons.empty()) reader.fail("the MultiPolygon has no polygon");
    for (std::size_t i = 0; i < polygons.size(); ++i)
      g.polygons.push_back(reader.polygon(polygons[i], fmt::format("polygon {}", i)));
  } else {
    reader.fail(fmt::format("\"type\" must be \"Polygon\" or \"MultiPolygon\", found \"{}\"",
                            std::string(kind.substr(0, 40))));
  }
  g.vertices = reader.vertices();
  g.min_lon = g.min_lat = std::numeric_limits<double>::infinity();
  g.max_lon = g.max_lat = -std::numeric_limits<double>::infinity();
  for (const Polygon& p : g.polygons) {
    g.min_lon = std::min(g.min_lon, p.min_lon);
    g.max_lon = std::max(g.max_lon, p.max_lon);
    g.min_lat = std::min(g.min_lat, p.min_lat);
    g.max_lat = std::max(g.max_lat, p.max_lat);
  }
  return g;
}

bool contains(const Geometry& g, double lon, double lat) {
  if (!(lon >= g.min_lon && lon <= g.max_lon && lat >= g.min_lat && lat <= g.max_lat)) return false;
  for (const Polygon& p : g.polygons) {
    if (!(lon >= p.min_lon && lon <= p.max_lon && lat >= p.min_lat && lat <= p.max_lat)) continue;
    bool inside = false;
    for (const auto& ring : p.rings) {
      for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
          inside = !inside;
      }
    }
    if (inside) return true;
  }
  return false;
}

}  // namespace boucle::target::detail
