#pragma once

#include <string>
#include <vector>

#include "core/domain.hpp"
#include "plan/travel.hpp"

// A client for OSRM's `table` service (http://HOST:PORT/table/v1/{profile}/{coordinates}),
// asking for durations and distances, splitting large matrices into blocks of sources and
// destinations. Throws core::Error (ErrorCode::upstream, or validation for bad input) on any failure.
namespace boucle::routing {

struct OsrmOptions {
  std::string base_url = "http://127.0.0.1:5000";
  std::string profile = "driving";
  double timeout_seconds = 30.0;
  int max_locations_per_request = 100;  // OSRM's default --max-table-size
};

plan::Matrix osrm_table(const OsrmOptions& options, const std::vector<core::GeoPoint>& points);

}  // namespace boucle::routing
