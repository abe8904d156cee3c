#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace boucle::api {

// Request counters and a latency histogram, rendered in the Prometheus text format.
class Metrics {
 public:
  void observe(std::string_view method, std::string_view route, int status, double seconds);
  std::string render() const;

 private:
  static constexpr std::array<double, 12> BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1,    5};
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, BUCKETS.size() + 1> buckets_{};
  double sum_seconds_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace boucle::api
