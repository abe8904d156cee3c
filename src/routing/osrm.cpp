#include "routing/osrm.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "core/error.hpp"
#include "core/geo.hpp"

namespace boucle::routing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using core::Error;
using core::ErrorCode;
using core::GeoPoint;

// A 10,000-point matrix already holds 10^8 pairs (1.6 GB as plan::Matrix): far beyond a rep's
// territory, and the point where asking OSRM for it stops being reasonable.
constexpr std::size_t MAX_POINTS = 10'000;
constexpr std::uint64_t MAX_BODY_BYTES = 64ull * 1024 * 1024;
constexpr std::uint32_t MAX_HEADER_BYTES = 64 * 1024;
constexpr double MAX_TIMEOUT_SECONDS = 3600.0;
constexpr std::size_t MAX_PROFILE_LENGTH = 64;
// Seconds or metres; a larger value is nonsense (and would not fit llround's result safely).
constexpr double MAX_TABLE_VALUE = 1e12;
// How much of an unexpected body or OSRM message an error detail quotes.
constexpr std::size_t QUOTE_LENGTH = 200;
// How many bad points a validation error lists.
constexpr std::size_t MAX_LISTED_POINTS = 20;

// Where the OSRM server is, from OsrmOptions::base_url.
struct Server {
  std::string host;         // to resolve: a name or an address (IPv6 without brackets)
  std::string port;         // decimal
  std::string host_header;  // host[:port] as written in the URL
  std::string path_prefix;  // the URL's path without trailing '/': "" or e.g. "/osrm"
  std::string name;         // for messages
};

Error upstream(const Server& server, const std::string& what) {
  return Error(ErrorCode::upstream, "OSRM at " + server.name + ": " + what);
}

Error invalid(std::string field, const std::string& message) {
  std::string detail = "OSRM options: " + field + " " + message;
  return Error(ErrorCode::validation, std::move(detail), {{std::move(field), message}});
}

void append_fixed6(std::string& out, double value) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 6);
  BOUCLE_ASSERT(ec == std::errc{}, "a valid coordinate fits in 32 characters");
  out.append(buf, end);
}

std::string shortest(double value) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  BOUCLE_ASSERT(ec == std::errc{}, "a double fits in 32 characters");
  return std::string(buf, end);
}

std::string describe_point(const std::vector<GeoPoint>& points, int index) {
  const GeoPoint p = points[static_cast<std::size_t>(index)];
  std::string out = "point " + std::to_string(index) + " (lat ";
  append_fixed6(out, p.lat);
  out += ", lon ";
  append_fixed6(out, p.lon);
  out += ')';
  return out;
}

// The start of a text, printable ASCII only, for error details.
std::string quote(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, QUOTE_LENGTH)) {
    out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  }
  if (text.size() > QUOTE_LENGTH) out += "...";
  return out;
}

void validate_options(const OsrmOptions& options) {
  if (options.profile.empty() || options.profile.size() > MAX_PROFILE_LENGTH) {
    throw invalid("profile", "must have 1 to 64 characters");
  }
  for (char c : options.profile) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) throw invalid("profile", "may only contain letters, digits, '_' and '-'");
  }
  if (!std::isfinite(options.timeout_seconds) || options.timeout_seconds <= 0 ||
      options.timeout_seconds > MAX_TIMEOUT_SECONDS) {
    throw invalid("timeout_seconds", "must be more than 0 and at most 3600");
  }
  if (options.max_locations_per_request < 2) {
    throw invalid("max_locations_per_request",
                  "must be at least 2 (one source and one destination per request)");
  }
}

Server parse_base_url(const std::string& base_url) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorCode::validation, "OSRM base URL '" + quote(base_url) + "' " + why,
                 {{"base_url", why}});
  };
  const auto parsed = urls::parse_uri(base_url);
  if (!parsed) throw fail("is not a valid absolute URL");
  const urls::url_view& url = *parsed;
  if (url.scheme_id() == urls::scheme::https) {
    throw fail(
        "uses https, which the OSRM client does not support (Boucle has no TLS dependency): use "
        "http:// to an OSRM on a private network, or a local proxy that adds TLS");
  }
  if (url.scheme_id() != urls::scheme::http) throw fail("must start with http://");
  if (!url.has_authority() || url.encoded_host().empty()) throw fail("has no host");
  if (url.has_userinfo()) throw fail("must not contain a user or password");
  if (url.has_query() || url.has_fragment()) throw fail("must not have a query or a fragment");
  if (url.host_type() == urls::host_type::ipvfuture) throw fail("has an unsupported host");

  Server server;
  server.host = url.host_address();
  server.port = "80";
  if (url.has_port()) {
    const std::string_view text = url.port();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
      throw fail("has an invalid port");
    }
    server.port = std::to_string(value);
  }
  server.host_header = url.encoded_host_and_port();
  server.path_prefix = url.encoded_path();
  while (!server.path_prefix.empty() && server.path_prefix.back() == '/') {
    server.path_prefix.pop_back();
  }
  server.name = std::string(url.encoded_host()) + ":" + server.port;
  return server;
}

void validate_points(const std::vector<GeoPoint>& points) {
  if (points.empty()) {
    throw Error(ErrorCode::validation, "a travel matrix needs at least one point",
                {{"points", "must not be empty"}});
  }
  if (points.size() > MAX_POINTS) {
    throw Error(ErrorCode::validation,
                std::to_string(points.size()) + " points is more than the " +
                    std::to_string(MAX_POINTS) + " an OSRM matrix may have",
                {{"points", "at most " + std::to_string(MAX_POINTS) + " points"}});
  }
  std::vector<core::FieldError> errors;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (core::valid_coordinates(points[i].lat, points[i].lon)) continue;
    ++bad;
    if (errors.size() < MAX_LISTED_POINTS) {
      errors.push_back({"points[" + std::to_string(i) + "]",
                        "latitude must be in [-90, 90] and longitude in [-180, 180]"});
    }
  }
  if (bad > 0) {
    throw Error(ErrorCode::validation, std::to_string(bad) + " point(s) have invalid coordinates",
                std::move(errors));
  }
}

bool closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

// One HTTP/1.1 connection to OSRM, kept alive from one request to the next. Operations are
// asynchronous underneath and run to completion one at a time, because beast::tcp_stream applies
// its timeout (expires_after) to asynchronous operations only.
class Connection {
 public:
  struct Reply {
    unsigned status = 0;
    std::string reason;
    std::string body;
  };

  Connection(const Server& server, double timeout_seconds)
      : server_(server),
        timeout_seconds_(timeout_seconds),
        timeout_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(timeout_seconds))) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Reply get(const std::string& target) {
    for (int attempt = 0;; ++attempt) {
      if (!stream_) connect();
      const bool reused = reused_;
      http::request<http::empty_body> request{http::verb::get, target, 11};
      request.set(http::field::host, server_.host_header);
      request.set(http::field::user_agent, "boucle");
      request.set(http::field::accept, "application/json");
      http::response_parser<http::string_body> parser;
      parser.header_limit(MAX_HEADER_BYTES);
      parser.body_limit(MAX_BODY_BYTES);
      // One deadline for writing the request and reading the whole answer.
      stream_->expires_after(timeout_);
      beast::error_code ec =
          run([&](auto handler) { http::async_write(*stream_, request, std::move(handler)); });
      if (!ec) {
        ec = run(
            [&](auto handler) { http::async_read(*stream_, buffer_, parser, std::move(handler)); });
      }
      if (ec) {
        close();
        // The server closed a kept-alive connection between two requests: ask once more on a
        // fresh one (a GET may be repeated).
        if (reused && attempt == 0 && !parser.got_some() && closed_by_peer(ec)) continue;
        fail(ec, Stage::exchanging);
      }
      reused_ = true;
      auto response = parser.release();
      Reply reply{response.result_int(), std::string(response.reason()),
                  std::move(response.body())};
      if (!response.keep_alive()) close();
      return reply;
    }
  }

 private:
  enum class Stage { connecting, exchanging };

  // Starts one asynchronous operation and runs the io_context until it completes.
  template <class Initiate>
  beast::error_code run(Initiate&& initiate) {
    beast::error_code result;
    bool done = false;
    std::forward<Initiate>(initiate)([&result, &done](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    ioc_.run();
    BOUCLE_ASSERT(done, "io_context::run returns once the only pending operation completed");
    (void)done;
    return result;
  }

  void connect() {
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(server_.host, server_.port, ec);
    if (ec) throw upstream(server_, "cannot resolve the host: " + ec.message());
    stream_.emplace(ioc_);
    stream_->expires_after(timeout_);
    ec = run([&](auto handler) { stream_->async_connect(endpoints, std::move(handler)); });
    if (ec) {
      close();
      fail(ec, Stage::connecting);
    }
    reused_ = false;
  }

  void close() {
    if (stream_) {
      beast::error_code ignored;
      stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_->close();
      stream_.reset();
    }
    buffer_.clear();
    reused_ = false;
  }

  [[noreturn]] void fail(const beast::error_code& ec, Stage stage) const {
    const bool connecting = stage == Stage::connecting;
    if (ec == beast::error::timeout) {
      throw upstream(server_, std::string(connecting ? "no connection" : "no answer") + " within " +
                                  shortest(timeout_seconds_) + " s (timed out)");
    }
    if (ec == asio::error::connection_refused) {
      throw upstream(server_, "connection refused (is osrm-routed running there?)");
    }
    if (ec == http::error::body_limit) {
      throw upstream(server_, "answer body larger than 64 MiB");
    }
    if (ec == http::error::header_limit) {
      throw upstream(server_, "answer headers larger than 64 KiB");
    }
    throw upstream(
        server_,
        std::string(connecting ? "cannot connect: " : "HTTP exchange failed: ") + ec.message());
  }

  const Server& server_;
  double timeout_seconds_;
  std::chrono::steady_clock::duration timeout_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  bool reused_ = false;  // stream_ has already carried an exchange
};

// One request: a tile of sources × destinations (global point indices, half-open ranges).
// `whole` is the single request of a matrix that fits: sources and destinations default to all.
struct Block {
  int source_begin = 0;
  int source_end = 0;
  int destination_begin = 0;
  int destination_end = 0;
  bool whole = false;
};

class TableClient {
 public:
  TableClient(const OsrmOptions& options, const Server& server, const std::vector<GeoPoint>& points)
      : options_(options),
        server_(server),
        points_(points),
        connection_(server, options.timeout_seconds) {}

  void fetch(const Block& block, plan::Matrix& matrix) {
    const int sources = block.source_end - block.source_begin;
    const int destinations = block.destination_end - block.destination_begin;
    // The request lists the block's sources, then those of its destinations that are not also
    // sources; destination_local[k] is the position of destination k in that list.
    std::vector<int> coordinates;
    for (int g = block.source_begin; g < block.source_end; ++g) coordinates.push_back(g);
    std::vector<int> destination_local;
    for (int g = block.destination_begin; g < block.destination_end; ++g) {
      if (g >= block.source_begin && g < block.source_end) {
        destination_local.push_back(g - block.source_begin);
      } else {
        destination_local.push_back(static_cast<int>(coordinates.size()));
        coordinates.push_back(g);
      }
    }
    BOUCLE_ASSERT(static_cast<int>(coordinates.size()) <= options_.max_locations_per_request,
                  "blocks are cut so that a request lists at most max_locations_per_request");

    std::string target = server_.path_prefix + "/table/v1/" + options_.profile + "/";
    for (std::size_t k = 0; k < coordinates.size(); ++k) {
      if (k > 0) target += ';';
      const GeoPoint p = points_[static_cast<std::size_t>(coordinates[k])];
      append_fixed6(target, p.lon);
      target += ',';
      append_fixed6(target, p.lat);
    }
    target += "?annotations=duration,distance";
    if (!block.whole) {
      target += "&sources=";
      for (int k = 0; k < sources; ++k) {
        if (k > 0) target += ';';
        target += std::to_string(k);
      }
      target += "&destinations=";
      for (int k = 0; k < destinations; ++k) {
        if (k > 0) target += ';';
        target += std::to_string(destination_local[static_cast<std::size_t>(k)]);
      }
    }

    const Connection::Reply reply = connection_.get(target);
    read_table(reply, block, matrix);
  }

 private:
  void read_table(const Connection::Reply& reply, const Block& block, plan::Matrix& matrix) {
    json::error_code ec;
    const json::value doc = json::parse(reply.body, ec);
    const json::object* object = ec ? nullptr : doc.if_object();
    const json::string* code = nullptr;
    if (object != nullptr) {
      if (const json::value* v = object->if_contains("code")) code = v->if_string();
    }
    // OSRM answers its own errors with a JSON body {"code", "message"} and HTTP 400.
    if (code != nullptr && *code != "Ok") {
      std::string what = "answered " + quote(*code);
      if (const json::value* message = object->if_contains("message");
          message != nullptr && message->is_string()) {
        what += ": " + quote(message->get_string());
      }
      what += " (HTTP " + std::to_string(reply.status) + ")";
      throw upstream(server_, what);
    }
    if (reply.status != 200) {
      throw upstream(server_, "answered HTTP " + std::to_string(reply.status) + " " +
                                  quote(reply.reason) + ": " + quote(reply.body));
    }
    if (ec) throw upstream(server_, "answer is not valid JSON (" + ec.message() + ")");
    if (object == nullptr || code == nullptr) {
      throw upstream(server_, "answer is not an OSRM response (no \"code\")");
    }

    const auto sources = static_cast<std::size_t>(block.source_end - block.source_begin);
    const auto destinations =
        static_cast<std::size_t>(block.destination_end - block.destination_begin);
    const json::array& durations = rows(*object, "durations", sources, destinations);
    const json::array& distances = rows(*object, "distances", sources, destinations);
    for (std::size_t i = 0; i < sources; ++i) {
      const json::array& duration_row = durations[i].get_array();
      const json::array& distance_row = distances[i].get_array();
      const int from = block.source_begin + static_cast<int>(i);
      for (std::size_t j = 0; j < destinations; ++j) {
        const int to = block.destination_begin + static_cast<int>(j);
        const auto seconds = integer(duration_row[j], "durations", i, j, from, to);
        const auto metres = integer(distance_row[j], "distances", i, j, from, to);
        matrix.set(from, to, static_cast<plan::Time>(seconds), static_cast<plan::Distance>(metres));
      }
    }
  }

  // The matrix `key` of the answer, checked to be `sources` rows of `destinations` values.
  const json::array& rows(const json::object& object, std::string_view key, std::size_t sources,
                          std::size_t destinations) const {
    const std::string name(key);
    const json::value* value = object.if_contains(key);
    if (value == nullptr || !value->is_array()) {
      throw upstream(server_, "answer has no \"" + name +
                                  "\" array (does this OSRM support annotations=" +
                                  name.substr(0, name.size() - 1) + "?)");
    }
    const json::array& array = value->get_array();
    const auto shape_error = [&](const std::string& what) {
      return upstream(server_, "\"" + name + "\" " + what + ", expected " +
                                   std::to_string(sources) + " rows of " +
                                   std::to_string(destinations));
    };
    if (array.size() != sources) {
      throw shape_error("has " + std::to_string(array.size()) + " rows");
    }
    for (std::size_t i = 0; i < sources; ++i) {
      const json::array* row = array[i].if_array();
      if (row == nullptr) throw shape_error("row " + std::to_string(i) + " is not an array");
      if (row->size() != destinations) {
        throw shape_error("row " + std::to_string(i) + " has " + std::to_string(row->size()) +
                          " values");
      }
    }
    return array;
  }

  std::int64_t integer(const json::value& value, std::string_view key, std::size_t i, std::size_t j,
                       int from, int to) const {
    const std::string cell =
        std::string(key) + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
    if (value.is_null()) {
      throw upstream(server_, "no route from " + describe_point(points_, from) + " to " +
                                  describe_point(points_, to) + " (" + cell + " is null)");
    }
    if (!value.is_number()) throw upstream(server_, cell + " is not a number");
    const double x = value.to_number<double>();
    if (!(x >= 0 && x <= MAX_TABLE_VALUE)) {
      throw upstream(server_, cell + " = " + shortest(x) + " is out of range");
    }
    return std::llround(x);
  }

  const OsrmOptions& options_;
  const Server& server_;
  const std::vector<GeoPoint>& points_;
  Connection connection_;
};

}  // namespace

plan::Matrix osrm_table(const OsrmOptions& options, const std::vector<core::GeoPoint>& points) {
  validate_options(options);
  const Server server = parse_base_url(options.base_url);
  validate_points(points);

  const int n = static_cast<int>(points.size());
  plan::Matrix matrix(n);
  if (n == 1) return matrix;  // nothing to ask: a point is 0 s and 0 m from itself

  TableClient client(options, server, points);
  const int max = options.max_locations_per_request;
  if (n <= max) {
    client.fetch(Block{0, n, 0, n, true}, matrix);
    return matrix;
  }
  // Tiles of source_step × destination_step points: at most max coordinates per request, and
  // as many pairs as that allows (the product is largest with halves).
  const int source_step = max / 2;
  const int destination_step = max - source_step;
  for (int s = 0; s < n; s += source_step) {
    for (int d = 0; d < n; d += destination_step) {
      client.fetch(
          Block{s, std::min(n, s + source_step), d, std::min(n, d + destination_step), false},
          matrix);
    }
  }
  return matrix;
}

}  // namespace boucle::routing
