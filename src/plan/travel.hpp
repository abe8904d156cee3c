#pragma once

#include <cstdint>
#include <vector>

#include "core/domain.hpp"

// Travel times and distances between locations (indices). The solver reads a dense matrix; the
// providers fill one: the built-in model (SPEC §6), a user-supplied matrix, or OSRM's `table`.
namespace boucle::plan {

using Time = std::int64_t;      // ticks: seconds for real problems
using Distance = std::int64_t;  // metres for real problems
using Location = int;

class Matrix {
 public:
  Matrix() = default;
  explicit Matrix(int size) : size_(size), time_(static_cast<std::size_t>(size) * size, 0),
                              distance_(static_cast<std::size_t>(size) * size, 0) {}

  int size() const { return size_; }
  Time time(Location from, Location to) const { return time_[index(from, to)]; }
  Distance distance(Location from, Location to) const { return distance_[index(from, to)]; }
  void set(Location from, Location to, Time t, Distance d) {
    time_[index(from, to)] = t;
    distance_[index(from, to)] = d;
  }

 private:
  std::size_t index(Location from, Location to) const {
    return static_cast<std::size_t>(from) * static_cast<std::size_t>(size_) +
           static_cast<std::size_t>(to);
  }
  int size_ = 0;
  std::vector<Time> time_;
  std::vector<Distance> distance_;
};

// The built-in road model: great-circle distance × a circuity factor, driven at a speed that
// grows with the trip's length (town streets, then main roads, then motorways).
struct RoadModel {
  double circuity = 1.3;             // road length / straight line, typical of French roads
  double speed_short_kmh = 30.0;     // first 5 km of a trip
  double speed_medium_kmh = 60.0;    // 5 to 30 km
  double speed_long_kmh = 95.0;      // beyond 30 km
  double short_band_km = 5.0;
  double medium_band_km = 30.0;
  double fixed_seconds = 120.0;      // parking and walking to the door, per trip between places
};

// Road metres and seconds between two points under the model (0, 0 for the same point).
struct Leg {
  Distance metres = 0;
  Time seconds = 0;
};
Leg road_leg(const RoadModel& model, core::GeoPoint from, core::GeoPoint to);

Matrix road_matrix(const RoadModel& model, const std::vector<core::GeoPoint>& points);

}  // namespace boucle::plan
