#pragma once

#include <cstdint>

#include "plan/model.hpp"

// Seeded random planning problems for property tests: every solver output on them is re-checked
// by the independent validator. The same seed and options give the same problem with any standard
// library (std::mt19937_64 with our own draws, no std::*_distribution).
namespace boucle::plan::testing {

struct GeneratorOptions {
  // Problem::visits.size(); the two copies of each frequency group count as two visits.
  int visits = 30;
  // Problem::days. Day d is weekday d % 7 with day 0 a Monday: stores are closed on Sundays and
  // reps do not work at weekends (their shift is unavailable).
  int days = 5;
  // Problem::reps.size() (1-3 is realistic). Each lives somewhere in the inner half of the region,
  // works 08:00-18:30 with a 45-60 min lunch starting between 12:00 and 14:00 - duration, at most
  // 5 h of driving and 9 h of work.
  int reps = 1;
  // Stores lie within this many km of Lyon (30-150 is realistic), two thirds in small towns.
  double radius_km = 60;
  // Share of stores closed 12:00-14:00: two windows a day (08:30-12:00 and 14:00-19:00).
  double lunch_closure_share = 0.3;
  // Share of stores closed one more weekday besides Sunday (a whole inner vector left empty).
  double closed_day_share = 0.15;
  // Per rep and working day: chance the shift is unavailable (leave, training). At least one
  // working day per rep stays available.
  double unavailable_day_share = 0.1;
  // Share of the ordinary visits (not grouped, not appointments) that are mandatory.
  double mandatory_share = 0.1;
  // Appointments (VisitKind::appointment), each at its own store, on a day some rep works:
  int fixed_appointments = 0;  // one window of exactly the visit's duration, within 09:00-17:00
  int day_appointments = 0;    // the store's hours on one day only
  int week_appointments = 0;   // the store's hours on any day of the horizon
  // Stores visited twice in the horizon: each adds a FrequencyGroup {max_visits 2, window 7 days,
  // spacing 2 days} and two visits at the same store with the same windows.
  int frequency_groups = 0;
  // Nights away allowed (95 € a night, hotels at least 50 km from home, at most 3 nights in a
  // row), with `hotels` hotel locations spread over the outer half of the region.
  bool overnight = false;
  int hotels = 3;
  bool near_last_visit = true;
  // With several reps: share of visits only one (random) rep may make.
  double restricted_share = 0;
  // Ordinary visits locked on a rep and a day where the rep works and the store is open.
  int locks = 0;
  // Share of visits typed deep (60-90 min) or quick (15-20 min), half each; when > 0 a route
  // whose typed visits are all of one type costs Weights::mix_penalty = 20 €.
  double typed_share = 0;
  // Benchmark-like instead: a small Euclidean problem (Solomon style). Locations on a 100 × 100
  // grid, distance = time = 10 × the Euclidean length (rounded), one depot (location 0) that is
  // every rep's home and final location, shifts [0, 2300] without lunch, capacity 100, loads
  // 5-30, visit duration 100, one random window per day, prizes 200-1000 (worth a detour of
  // 20-100 grid units at weights per_distance 1, per_time 0).
  // Only visits, days and reps apply.
  bool euclidean = false;
};

// Units of realistic problems: seconds since local midnight of each day, metres, micro-euros
// (0.30 €/km → per_distance 300 per metre, 25 €/h → per_time 6944 per second).
Problem random_problem(std::uint64_t seed, const GeneratorOptions& options);

}  // namespace boucle::plan::testing
