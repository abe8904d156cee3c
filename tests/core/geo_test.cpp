#include "core/geo.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace boucle::core;

TEST(Geo, ParisLyonIsAbout392Km) {
  const GeoPoint paris{48.8566, 2.3522}, lyon{45.7640, 4.8357};
  EXPECT_NEAR(great_circle_distance(paris, lyon), 392'000, 2'000);
  EXPECT_DOUBLE_EQ(great_circle_distance(paris, paris), 0.0);
  EXPECT_NEAR(great_circle_distance(paris, lyon), great_circle_distance(lyon, paris), 1e-6);
}

TEST(Geo, CoordinateRanges) {
  EXPECT_TRUE(valid_coordinates(90, 180));
  EXPECT_FALSE(valid_coordinates(90.01, 0));
  EXPECT_FALSE(valid_coordinates(0, -180.5));
  EXPECT_FALSE(valid_coordinates(std::nan(""), 0));
}
