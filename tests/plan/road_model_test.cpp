#include <gtest/gtest.h>

#include <numbers>
#include <vector>

#include "core/geo.hpp"
#include "plan/travel.hpp"

// The built-in road model (docs/TRAVEL.md): plausible French trips, and the properties the
// solver relies on (zero on the diagonal, symmetry, longer trips never shorter or faster).
namespace {

using boucle::core::GeoPoint;
using boucle::plan::Leg;
using boucle::plan::road_leg;
using boucle::plan::road_matrix;
using boucle::plan::RoadModel;

const GeoPoint LYON{45.764043, 4.835659};          // Hôtel de Ville
const GeoPoint VILLEURBANNE{45.771944, 4.890171};  // Gratte-Ciel
const GeoPoint GRENOBLE{45.188529, 5.724524};      // centre
const GeoPoint VILLEFRANCHE{45.989800, 4.718600};  // Villefranche-sur-Saône

TEST(RoadModel, SamePointIsZero) {
  const Leg leg = road_leg(RoadModel{}, LYON, LYON);
  EXPECT_EQ(leg.metres, 0);
  EXPECT_EQ(leg.seconds, 0);  // no fixed 120 s either: there is no trip
}

TEST(RoadModel, LyonVilleurbanneIsAFewKilometresInTown) {
  // 4.3 km straight; by road 5.6 km: the first 5 km at 30 km/h, the rest at 60, plus 120 s.
  const Leg leg = road_leg(RoadModel{}, LYON, VILLEURBANNE);
  EXPECT_GT(leg.metres, 4'000);
  EXPECT_LT(leg.metres, 8'000);
  EXPECT_GT(leg.seconds, 8 * 60);
  EXPECT_LT(leg.seconds, 20 * 60);
  EXPECT_NEAR(static_cast<double>(leg.seconds), 756, 10);
}

TEST(RoadModel, LyonGrenobleIsAboutAnHourAndAHalf) {
  const double straight_m = boucle::core::great_circle_distance(LYON, GRENOBLE);
  EXPECT_NEAR(straight_m, 94'300, 1'000);  // "about 100 km" as the crow flies
  const Leg leg = road_leg(RoadModel{}, LYON, GRENOBLE);
  EXPECT_NEAR(static_cast<double>(leg.metres) / straight_m, 1.3, 0.001);
  // 5 km at 30, 25 km at 60, 92.6 km at 95, plus 120 s: about 1 h 35.
  EXPECT_GE(leg.seconds, 75 * 60);
  EXPECT_LE(leg.seconds, 105 * 60);
}

TEST(RoadModel, MonotoneInDistance) {
  // Points further and further north of Lyon, 1.1 km apart, up to about 330 km: every band.
  const RoadModel model;
  Leg previous = road_leg(model, LYON, LYON);
  for (int k = 1; k <= 300; ++k) {
    const GeoPoint p{LYON.lat + 0.01 * k, LYON.lon};
    const Leg leg = road_leg(model, LYON, p);
    EXPECT_GT(leg.metres, previous.metres) << k;
    EXPECT_GT(leg.seconds, previous.seconds) << k;
    previous = leg;
  }
  // The speed bands make a long trip faster on average than a short one.
  const Leg short_trip = road_leg(model, LYON, VILLEURBANNE);
  const Leg long_trip = road_leg(model, LYON, GRENOBLE);
  const auto average_speed = [&](const Leg& leg) {
    return static_cast<double>(leg.metres) /
           (static_cast<double>(leg.seconds) - model.fixed_seconds);
  };
  EXPECT_GT(average_speed(long_trip), average_speed(short_trip));
}

TEST(RoadModel, SpeedBandsAndFixedTime) {
  // Straight distances chosen so that road kilometres fall in one band at a time (circuity 1).
  RoadModel model;
  model.circuity = 1.0;
  const GeoPoint a{45.0, 5.0};
  const auto north = [&](double km) {
    return GeoPoint{a.lat + km / (boucle::core::EARTH_RADIUS_M / 1000.0) * 180.0 / std::numbers::pi,
                    a.lon};
  };
  EXPECT_NEAR(static_cast<double>(road_leg(model, a, north(3)).seconds), 3.0 / 30 * 3600 + 120, 1);
  EXPECT_NEAR(static_cast<double>(road_leg(model, a, north(20)).seconds),
              (5.0 / 30 + 15.0 / 60) * 3600 + 120, 1);
  EXPECT_NEAR(static_cast<double>(road_leg(model, a, north(100)).seconds),
              (5.0 / 30 + 25.0 / 60 + 70.0 / 95) * 3600 + 120, 1);
  EXPECT_NEAR(static_cast<double>(road_leg(model, a, north(100)).metres), 100'000, 1);
}

TEST(RoadModel, Symmetric) {
  const std::vector<GeoPoint> points = {LYON,         VILLEURBANNE,      GRENOBLE,
                                        VILLEFRANCHE, {48.8566, 2.3522}, {43.2965, 5.3698}};
  for (const GeoPoint& a : points) {
    for (const GeoPoint& b : points) {
      const Leg there = road_leg(RoadModel{}, a, b);
      const Leg back = road_leg(RoadModel{}, b, a);
      EXPECT_EQ(there.metres, back.metres);
      EXPECT_EQ(there.seconds, back.seconds);
    }
  }
}

TEST(RoadModel, MatrixIsTheLegsWithAZeroDiagonal) {
  const std::vector<GeoPoint> points = {LYON, VILLEURBANNE, GRENOBLE, LYON};
  const auto m = road_matrix(RoadModel{}, points);
  ASSERT_EQ(m.size(), 4);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const Leg leg = road_leg(RoadModel{}, points[static_cast<std::size_t>(i)],
                               points[static_cast<std::size_t>(j)]);
      EXPECT_EQ(m.time(i, j), i == j ? 0 : leg.seconds);
      EXPECT_EQ(m.distance(i, j), i == j ? 0 : leg.metres);
    }
  }
  EXPECT_EQ(m.time(0, 3), 0);  // two places at the same point
}

}  // namespace
