#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "core/assert.hpp"

namespace boucle::sim {

// The seed of stream `stream_id` of a world seeded with `seed` (a splitmix64 step).
inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream_id) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream_id + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seeded random source whose every draw is written out here. std::mt19937_64's output is fixed
// by the standard, but std::uniform_*_distribution and std::normal_distribution are not, and the
// same seed must give the same world with any standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // An independent stream per part of the world, so that a change to how one part draws does
  // not reshuffle all the others.
  static Rng stream(std::uint64_t seed, std::uint64_t stream_id) {
    return Rng(stream_seed(seed, stream_id));
  }

  // Uniform in [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [lo, hi], both inclusive.
  int uniform_int(int lo, int hi) {
    BOUCLE_ASSERT(lo <= hi, "empty integer range");
    const auto span = static_cast<double>(hi) - static_cast<double>(lo) + 1.0;
    const int v = lo + static_cast<int>(uniform() * span);
    return v > hi ? hi : v;
  }

  bool chance(double p) { return uniform() < p; }

  // Standard normal by Box–Muller (one value per call: simpler state, same determinism).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }

  // Poisson: Knuth's product method for small means, a rounded normal for large ones.
  std::int64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30) {
      const double limit = std::exp(-mean);
      std::int64_t k = 0;
      double p = uniform();
      while (p > limit) {
        ++k;
        p *= uniform();
      }
      return k;
    }
    const double v = std::round(normal(mean, std::sqrt(mean)));
    return v < 0 ? 0 : static_cast<std::int64_t>(v);
  }

  // Index drawn with probability proportional to its (non-negative) weight.
  std::size_t weighted_index(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    BOUCLE_ASSERT(total > 0, "weights must not all be zero");
    double x = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    for (std::size_t i = weights.size(); i-- > 0;) {
      if (weights[i] > 0) return i;  // rounding left x at the very end
    }
    return 0;
  }

  template <typename T>
  const T& pick(std::span<const T> items) {
    BOUCLE_ASSERT(!items.empty(), "cannot pick from nothing");
    return items[static_cast<std::size_t>(uniform_int(0, static_cast<int>(items.size()) - 1))];
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return pick(std::span<const T>(items));
  }

  // Fisher–Yates with our own integer draws.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(uniform_int(0, static_cast<int>(i) - 1));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace boucle::sim
