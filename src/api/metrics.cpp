#include "api/metrics.hpp"

#include <fmt/format.h>

namespace boucle::api {

void Metrics::observe(std::string_view method, std::string_view route, int status,
                      double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method), std::string(route), status}];
  std::size_t b = 0;
  while (b < BUCKETS.size() && seconds > BUCKETS[b]) ++b;
  ++buckets_[b];
  sum_seconds_ += seconds;
  ++count_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP boucle_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE boucle_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("boucle_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       method, route, status, n);
  }
  out += "# HELP boucle_http_request_duration_seconds Time to handle a request.\n";
  out += "# TYPE boucle_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < BUCKETS.size(); ++b) {
    cumulative += buckets_[b];
    out += fmt::format("boucle_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                       BUCKETS[b], cumulative);
  }
  cumulative += buckets_.back();
  out += fmt::format("boucle_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("boucle_http_request_duration_seconds_sum {}\n", sum_seconds_);
  out += fmt::format("boucle_http_request_duration_seconds_count {}\n", count_);
  return out;
}

}  // namespace boucle::api
