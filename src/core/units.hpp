#pragma once

#include <cstdint>

// One alias per kind of quantity. Values cross a module edge in these units only;
// conversions from user units (strings, kilometres, euros) happen at the API boundary.
namespace boucle::core {

using Id = std::int64_t;           // database row id; 0 means "not yet stored"
using Seq = std::int64_t;          // server change sequence, monotonically increasing
using UnixSeconds = std::int64_t;  // instant, seconds since 1970-01-01T00:00:00Z
using Metres = double;             // distance on the ground
using Cents = std::int64_t;        // money, euro cents
using MicroEuros = std::int64_t;   // money inside the planner: 1 € = 1,000,000
using MinuteOfDay = int;           // local wall-clock minutes since midnight, 0..1440
using Minutes = int;               // a duration in minutes

}  // namespace boucle::core
