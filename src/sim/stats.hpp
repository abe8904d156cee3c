#pragma once

#include <limits>
#include <span>

// Small-sample statistics for simulation studies: a study has a handful of seeds per policy, so
// intervals use Student's t rather than the normal approximation.
namespace boucle::sim {

// A sample mean with its two-sided confidence interval [low, high] and the sample standard
// deviation. n = 0: everything but n is NaN. n = 1: no spread is observable, so sd = 0 and the
// interval collapses to the mean.
struct Interval {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  int n = 0;
  double sd = std::numeric_limits<double>::quiet_NaN();
};

// The p-quantile of Student's t distribution with df degrees of freedom: exact series for the CDF
// (Abramowitz & Stegun 26.7.3-4) inverted by bisection, Cornish-Fisher expansion for large df.
// Throws std::invalid_argument unless 0 < p < 1 and df >= 1.
double student_t_quantile(double p, int df);

// Mean of xs with its `level` confidence interval. Throws std::invalid_argument unless
// 0 < level < 1.
Interval mean_ci(std::span<const double> xs, double level = 0.95);

// Interval of the mean of a[i] - b[i] (paired samples, e.g. two policies run on the same seeds).
// Throws std::invalid_argument when a and b differ in length or level is out of (0, 1).
Interval paired_diff_ci(std::span<const double> a, std::span<const double> b, double level = 0.95);

}  // namespace boucle::sim
