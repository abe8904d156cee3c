#include "sim/stats.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace boucle::sim {

namespace {

// Above this many degrees of freedom the Cornish-Fisher expansion is exact to double precision
// for the usual levels, and the CDF series (one term per two degrees of freedom) gets long.
constexpr int CORNISH_FISHER_MIN_DF = 1000;
constexpr int BISECTION_STEPS = 200;

// Standard normal CDF; erfc keeps full relative precision in the tails.
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// Bisection on [lo, hi] for an increasing f with f(lo) <= target <= f(hi); stops when the
// bracket no longer shrinks in floating point.
template <typename F>
double bisect(F f, double target, double lo, double hi) {
  for (int i = 0; i < BISECTION_STEPS; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (f(mid) < target ? lo : hi) = mid;
  }
  return lo + (hi - lo) / 2;
}

double normal_upper_quantile(double p) {
  // p > 0.5; Φ(40) is 1 in double precision.
  return bisect(normal_cdf, p, 0.0, 40.0);
}

// P(|T| < t) for t >= 0 and integer df: A&S 26.7.3 (odd df) and 26.7.4 (even df), finite sums
// of powers of cos²θ with θ = atan(t / √df).
double t_central_probability(double t, int df) {
  const double nu = df;
  const double r = std::sqrt(nu + t * t);
  const double sin_theta = t / r;
  const double cos_theta = std::sqrt(nu) / r;
  const double cos2 = cos_theta * cos_theta;
  double term = 1.0;
  double sum = 1.0;
  if (df % 2 == 1) {
    for (int k = 1; k <= (df - 3) / 2; ++k) {
      term *= (2.0 * k) / (2.0 * k + 1.0) * cos2;
      sum += term;
    }
    const double theta = std::atan2(t, std::sqrt(nu));
    const double series = df == 1 ? 0.0 : sin_theta * cos_theta * sum;
    return 2.0 / std::numbers::pi * (theta + series);
  }
  for (int k = 1; k <= (df - 2) / 2; ++k) {
    term *= (2.0 * k - 1.0) / (2.0 * k) * cos2;
    sum += term;
  }
  return sin_theta * sum;
}

// A&S 26.7.5: t quantile from the normal quantile z as a series in 1/df.
double cornish_fisher(double z, double df) {
  const double z2 = z * z;
  const double g1 = (z2 + 1) * z / 4;
  const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

void check_level(double level) {
  if (!(level > 0.0 && level < 1.0)) {
    throw std::invalid_argument("confidence level must lie strictly between 0 and 1");
  }
}

}  // namespace

double student_t_quantile(double p, int df) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("t quantile: p must lie in (0, 1)");
  if (df < 1) throw std::invalid_argument("t quantile: df must be at least 1");
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  if (df >= CORNISH_FISHER_MIN_DF) return cornish_fisher(normal_upper_quantile(p), df);

  const double target = 2.0 * p - 1.0;
  const auto central = [df](double t) { return t_central_probability(t, df); };
  double hi = 1.0;
  // Heavy tails (df = 1, p close to 1) need a bracket far beyond the normal quantile.
  while (central(hi) < target && hi < 1e300) hi *= 2;
  return bisect(central, target, 0.0, hi);
}

Interval mean_ci(std::span<const double> xs, double level) {
  check_level(level);
  Interval out;
  out.n = static_cast<int>(xs.size());
  if (xs.empty()) return out;

  double sum = 0.0;
  for (const double x : xs) sum += x;
  out.mean = sum / static_cast<double>(xs.size());
  if (xs.size() == 1) {
    out.low = out.high = out.mean;
    out.sd = 0.0;
    return out;
  }
  // Two passes: the variance of values far from zero (cumulative euros) stays accurate.
  double squares = 0.0;
  for (const double x : xs) squares += (x - out.mean) * (x - out.mean);
  out.sd = std::sqrt(squares / static_cast<double>(xs.size() - 1));
  const double t = student_t_quantile(0.5 + level / 2.0, out.n - 1);
  const double half_width = t * out.sd / std::sqrt(static_cast<double>(xs.size()));
  out.low = out.mean - half_width;
  out.high = out.mean + half_width;
  return out;
}

Interval paired_diff_ci(std::span<const double> a, std::span<const double> b, double level) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("paired_diff_ci: the two samples differ in length");
  }
  std::vector<double> diffs(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) diffs[i] = a[i] - b[i];
  return mean_ci(diffs, level);
}

}  // namespace boucle::sim
