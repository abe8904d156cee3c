#include "routing/osrm.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using boucle::core::Error;
using boucle::core::ErrorCode;
using boucle::core::GeoPoint;
using boucle::plan::Matrix;
using boucle::routing::osrm_table;
using boucle::routing::OsrmOptions;
using ::testing::HasSubstr;
using ::testing::Not;

// The four places of data/lyon_table.json: Place Bellecour (Lyon 2e), Gratte-Ciel (Villeurbanne),
// Vénissieux centre, Villefranche-sur-Saône.
const std::vector<GeoPoint> LYON = {
    {45.757814, 4.832011}, {45.768220, 4.880070}, {45.697600, 4.885700}, {45.989800, 4.718600}};
const std::string LYON_COORDINATES =
    "4.832011,45.757814;4.880070,45.768220;4.885700,45.697600;4.718600,45.989800";

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(BOUCLE_ROUTING_TEST_DATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing test data " << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// What the fake server answers: an HTTP response from status and body, or raw bytes as they are.
struct FakeReply {
  unsigned status = 200;
  std::string body;
  std::string raw;
};

// A fake OSRM on 127.0.0.1 (port chosen by the system), served by one thread. It records every
// request it receives and answers with `answer(target)`. With `close_after_each_answer` it drops
// the connection after each answer without saying so (Connection: close is not sent), as a
// server whose keep-alive timeout expired between two requests.
class FakeOsrm {
 public:
  using Answer = std::function<FakeReply(const std::string& target)>;

  explicit FakeOsrm(Answer answer, bool close_after_each_answer = false)
      : answer_(std::move(answer)),
        close_after_each_answer_(close_after_each_answer),
        acceptor_(ioc_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    asio::co_spawn(ioc_, listen(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~FakeOsrm() {
    ioc_.stop();
    thread_.join();
  }
  FakeOsrm(const FakeOsrm&) = delete;
  FakeOsrm& operator=(const FakeOsrm&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  std::vector<std::string> hosts() const {
    std::lock_guard lock(mutex_);
    return hosts_;
  }
  int connections() const { return connections_; }

 private:
  asio::awaitable<void> listen() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      ++connections_;
      asio::co_spawn(ioc_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request<http::string_body> request;
      co_await http::async_read(socket, buffer, request,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      {
        std::lock_guard lock(mutex_);
        targets_.emplace_back(request.target());
        hosts_.emplace_back(request[http::field::host]);
      }
      const FakeReply reply = answer_(std::string(request.target()));
      if (!reply.raw.empty()) {
        co_await asio::async_write(socket, asio::buffer(reply.raw),
                                   asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, "application/json; charset=UTF-8");
      response.keep_alive(request.keep_alive());
      response.body() = reply.body;
      response.prepare_payload();
      co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || close_after_each_answer_ || !request.keep_alive()) co_return;
    }
  }

  Answer answer_;
  bool close_after_each_answer_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<std::string> hosts_;
  std::atomic<int> connections_ = 0;
};

FakeReply serve_file(const std::string& name, unsigned status = 200) {
  return FakeReply{status, read_data(name), ""};
}

std::string fixed6(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", value);
  return buf;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// A full table the fake server knows: its points and their durations (s) and distances (m).
struct KnownTable {
  std::vector<GeoPoint> points;
  std::vector<std::vector<double>> durations;
  std::vector<std::vector<double>> distances;
};

KnownTable lyon_known_table() {
  const json::value doc = json::parse(read_data("lyon_table.json"));
  KnownTable table{LYON, {}, {}};
  for (const auto& row : doc.at("durations").as_array()) {
    table.durations.emplace_back();
    for (const auto& v : row.as_array()) table.durations.back().push_back(v.to_number<double>());
  }
  for (const auto& row : doc.at("distances").as_array()) {
    table.distances.emplace_back();
    for (const auto& v : row.as_array()) table.distances.back().push_back(v.to_number<double>());
  }
  return table;
}

// Eleven points around Lyon with an asymmetric table whose values have halves (rounding).
KnownTable synthetic_known_table() {
  KnownTable table;
  const int n = 11;
  for (int i = 0; i < n; ++i) table.points.push_back({45.70 + 0.011 * i, 4.78 + 0.013 * i});
  table.durations.assign(n, std::vector<double>(n, 0.0));
  table.distances.assign(n, std::vector<double>(n, 0.0));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      table.durations[i][j] = 300.5 + 97.3 * i + 41.9 * j;
      table.distances[i][j] = 2500.5 + 1013.7 * i + 777.2 * j;
    }
  }
  return table;
}

json::object waypoint(GeoPoint p) {
  return json::object{
      {"hint", "fake"}, {"distance", 1.5}, {"name", ""}, {"location", json::array{p.lon, p.lat}}};
}

// Answers a table request for any coordinates among `known.points` and any sources and
// destinations, as OSRM would: the fake server's way to serve blocks.
FakeReply answer_from(const KnownTable& known, const std::string& target) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return FakeReply{400, R"({"code":"InvalidUrl","message":"URL string malformed"})", ""};
  const std::vector<std::string> segments(url->segments().begin(), url->segments().end());
  if (segments.size() != 4 || segments[0] != "table" || segments[1] != "v1") {
    return FakeReply{400, R"({"code":"InvalidService","message":"Service not found"})", ""};
  }
  std::vector<int> locations;
  for (const std::string& coordinate : split(segments[3], ';')) {
    int found = -1;
    for (std::size_t k = 0; k < known.points.size(); ++k) {
      if (coordinate == fixed6(known.points[k].lon) + "," + fixed6(known.points[k].lat)) {
        found = static_cast<int>(k);
      }
    }
    if (found < 0) {
      return FakeReply{
          400,
          R"({"code":"NoSegment","message":"Could not find a matching segment for coordinate )" +
              std::to_string(locations.size()) + "\"}",
          ""};
    }
    locations.push_back(found);
  }
  const auto indices = [&](const char* key) {
    std::vector<int> out;
    const auto it = url->params().find(key);
    if (it == url->params().end()) {
      for (std::size_t k = 0; k < locations.size(); ++k) out.push_back(static_cast<int>(k));
    } else {
      for (const std::string& s : split(std::string((*it).value), ';')) out.push_back(std::stoi(s));
    }
    return out;
  };
  const std::vector<int> sources = indices("sources");
  const std::vector<int> destinations = indices("destinations");
  json::array durations, distances, source_waypoints, destination_waypoints;
  for (int s : sources) {
    json::array duration_row, distance_row;
    for (int d : destinations) {
      const auto from = static_cast<std::size_t>(locations.at(static_cast<std::size_t>(s)));
      const auto to = static_cast<std::size_t>(locations.at(static_cast<std::size_t>(d)));
      duration_row.push_back(known.durations[from][to]);
      distance_row.push_back(known.distances[from][to]);
    }
    durations.push_back(std::move(duration_row));
    distances.push_back(std::move(distance_row));
    source_waypoints.push_back(
        waypoint(known.points[static_cast<std::size_t>(locations[static_cast<std::size_t>(s)])]));
  }
  for (int d : destinations) {
    destination_waypoints.push_back(
        waypoint(known.points[static_cast<std::size_t>(locations[static_cast<std::size_t>(d)])]));
  }
  const json::object body{{"code", "Ok"},
                          {"durations", std::move(durations)},
                          {"distances", std::move(distances)},
                          {"sources", std::move(source_waypoints)},
                          {"destinations", std::move(destination_waypoints)}};
  return FakeReply{200, json::serialize(body), ""};
}

OsrmOptions options_for(const FakeOsrm& server, int max_locations = 100) {
  OsrmOptions options;
  options.base_url = server.base_url();
  options.timeout_seconds = 5.0;
  options.max_locations_per_request = max_locations;
  return options;
}

Error expect_error(const OsrmOptions& options, const std::vector<GeoPoint>& points) {
  try {
    osrm_table(options, points);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "osrm_table did not throw";
  return Error(ErrorCode::internal, "no error");
}

void expect_same(const Matrix& a, const Matrix& b) {
  ASSERT_EQ(a.size(), b.size());
  for (int i = 0; i < a.size(); ++i) {
    for (int j = 0; j < a.size(); ++j) {
      EXPECT_EQ(a.time(i, j), b.time(i, j)) << i << " -> " << j;
      EXPECT_EQ(a.distance(i, j), b.distance(i, j)) << i << " -> " << j;
    }
  }
}

std::uint16_t closed_port() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const std::uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

// ---------------------------------------------------------------------------------------------
// One request

TEST(OsrmTable, OneRequestAsksForDurationsAndDistancesInLonLatOrder) {
  FakeOsrm server([](const std::string&) { return serve_file("lyon_table.json"); });
  const Matrix m = osrm_table(options_for(server), LYON);

  ASSERT_EQ(server.targets().size(), 1u);
  EXPECT_EQ(server.targets()[0],
            "/table/v1/driving/" + LYON_COORDINATES + "?annotations=duration,distance");
  EXPECT_EQ(server.hosts()[0], "127.0.0.1:" + std::to_string(server.port()));

  // Every value is the recorded one rounded to the nearest second or metre.
  const KnownTable known = lyon_known_table();
  ASSERT_EQ(m.size(), 4);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      EXPECT_EQ(m.time(i, j), std::llround(known.durations[i][j])) << i << " -> " << j;
      EXPECT_EQ(m.distance(i, j), std::llround(known.distances[i][j])) << i << " -> " << j;
    }
  }
  EXPECT_EQ(m.time(0, 1), 812);        // Bellecour -> Gratte-Ciel, 812.3 s
  EXPECT_EQ(m.time(1, 0), 847);        // and back, 846.9 s: the table is not symmetric
  EXPECT_EQ(m.time(2, 0), 1013);       // 1012.5 rounds away from zero
  EXPECT_EQ(m.distance(2, 0), 9872);   // 9871.5 m
  EXPECT_EQ(m.distance(0, 3), 33855);  // Bellecour -> Villefranche-sur-Saône, 33.9 km
  EXPECT_EQ(m.time(3, 3), 0);
}

TEST(OsrmTable, BaseUrlPathAndProfileArePartOfTheRequest) {
  FakeOsrm server([](const std::string&) { return serve_file("lyon_table.json"); });
  OsrmOptions options = options_for(server);
  options.base_url = server.base_url() + "/osrm/";
  options.profile = "car";
  osrm_table(options, LYON);
  ASSERT_EQ(server.targets().size(), 1u);
  EXPECT_EQ(server.targets()[0],
            "/osrm/table/v1/car/" + LYON_COORDINATES + "?annotations=duration,distance");
}

TEST(OsrmTable, CoordinatesHaveSixDecimals) {
  const KnownTable known = synthetic_known_table();
  FakeOsrm server([&](const std::string& target) { return answer_from(known, target); });
  const std::vector<GeoPoint> points = {{45.1234564, -1.5}, {-33.9, 151.2000004}};
  const Error e = expect_error(options_for(server), points);  // unknown to the fake: NoSegment
  EXPECT_THAT(e.detail(), HasSubstr("NoSegment"));
  ASSERT_EQ(server.targets().size(), 1u);
  EXPECT_EQ(server.targets()[0],
            "/table/v1/driving/-1.500000,45.123456;151.200000,-33.900000"
            "?annotations=duration,distance");
}

TEST(OsrmTable, OnePointNeedsNoRequest) {
  FakeOsrm server([](const std::string&) { return serve_file("lyon_table.json"); });
  const Matrix m = osrm_table(options_for(server), {LYON[0]});
  EXPECT_EQ(m.size(), 1);
  EXPECT_EQ(m.time(0, 0), 0);
  EXPECT_TRUE(server.targets().empty());
}

// ---------------------------------------------------------------------------------------------
// Blocks

TEST(OsrmTable, BlocksListOnlyTheCoordinatesTheyNeed) {
  const KnownTable known = lyon_known_table();
  FakeOsrm server([&](const std::string& target) { return answer_from(known, target); });
  osrm_table(options_for(server, 3), LYON);
  // max 3: tiles of 1 source × 2 destinations, 4 × 2 requests.
  const auto targets = server.targets();
  ASSERT_EQ(targets.size(), 8u);
  // Source 0 is also destination 0: listed once.
  EXPECT_EQ(targets[0],
            "/table/v1/driving/4.832011,45.757814;4.880070,45.768220"
            "?annotations=duration,distance&sources=0&destinations=0;1");
  EXPECT_EQ(targets[1],
            "/table/v1/driving/4.832011,45.757814;4.885700,45.697600;4.718600,45.989800"
            "?annotations=duration,distance&sources=0&destinations=1;2");
  EXPECT_EQ(targets[7],
            "/table/v1/driving/4.718600,45.989800;4.885700,45.697600"
            "?annotations=duration,distance&sources=0&destinations=1;0");
}

TEST(OsrmTable, BlocksGiveTheSameMatrixAsOneRequest) {
  const KnownTable lyon = lyon_known_table();
  const KnownTable synthetic = synthetic_known_table();
  for (const KnownTable* known : {&lyon, &synthetic}) {
    const int n = static_cast<int>(known->points.size());
    FakeOsrm whole_server([&](const std::string& target) { return answer_from(*known, target); });
    const Matrix whole = osrm_table(options_for(whole_server), known->points);
    ASSERT_EQ(whole_server.targets().size(), 1u);
    EXPECT_THAT(whole_server.targets()[0], Not(HasSubstr("sources=")));
    EXPECT_EQ(whole.time(1, 2), std::llround(known->durations[1][2]));

    for (int max : {2, 3, 4, 5, 7}) {
      if (max >= n) continue;
      SCOPED_TRACE("n = " + std::to_string(n) +
                   ", max_locations_per_request = " + std::to_string(max));
      FakeOsrm server([&](const std::string& target) { return answer_from(*known, target); });
      expect_same(osrm_table(options_for(server, max), known->points), whole);

      const int source_step = max / 2, destination_step = max - source_step;
      const auto blocks = static_cast<std::size_t>(((n + source_step - 1) / source_step) *
                                                   ((n + destination_step - 1) / destination_step));
      const auto targets = server.targets();
      EXPECT_EQ(targets.size(), blocks);
      for (const std::string& target : targets) {
        const std::string path = target.substr(0, target.find('?'));
        const std::string coordinates = path.substr(path.rfind('/') + 1);
        EXPECT_LE(split(coordinates, ';').size(), static_cast<std::size_t>(max)) << target;
        EXPECT_THAT(target, HasSubstr("annotations=duration,distance&sources="));
        EXPECT_THAT(target, HasSubstr("&destinations="));
      }
      EXPECT_EQ(server.connections(), 1) << "one kept-alive connection for every block";
    }
  }
}

TEST(OsrmTable, ReconnectsWhenTheServerClosedAKeptAliveConnection) {
  const KnownTable known = lyon_known_table();
  FakeOsrm whole_server([&](const std::string& target) { return answer_from(known, target); });
  const Matrix whole = osrm_table(options_for(whole_server), LYON);

  FakeOsrm server([&](const std::string& target) { return answer_from(known, target); },
                  /*close_after_each_answer=*/true);
  expect_same(osrm_table(options_for(server, 2), LYON), whole);
  EXPECT_EQ(server.targets().size(), 16u);
  EXPECT_EQ(server.connections(), 16);
}

// ---------------------------------------------------------------------------------------------
// OSRM's answers that are errors or nonsense: ErrorCode::upstream

TEST(OsrmTable, OsrmErrorCodeAndMessage) {
  // OSRM answers its errors with HTTP 400 and {"code", "message"}.
  FakeOsrm server([](const std::string&) { return serve_file("invalid_query.json", 400); });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("InvalidQuery"));
  EXPECT_THAT(e.detail(), HasSubstr("Query string malformed close to position 127"));
  EXPECT_THAT(e.detail(), HasSubstr("HTTP 400"));
  EXPECT_THAT(e.detail(), HasSubstr("127.0.0.1:" + std::to_string(server.port())));
}

TEST(OsrmTable, CodeOtherThanOkIsAnErrorEvenWithHttp200) {
  FakeOsrm server([](const std::string&) { return serve_file("no_table.json", 200); });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("NoTable: No table found"));
}

TEST(OsrmTable, UnroutablePairIsNamed) {
  FakeOsrm server([](const std::string&) { return serve_file("lyon_table_unroutable.json"); });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("no route from point 1 (lat 45.768220, lon 4.880070) to "
                                    "point 3 (lat 45.989800, lon 4.718600)"));
  EXPECT_THAT(e.detail(), HasSubstr("durations[1][3] is null"));
}

TEST(OsrmTable, UnroutablePairInABlockIsNamedWithItsPointIndices) {
  const KnownTable known = lyon_known_table();
  const std::string from_1 = "/table/v1/driving/" + fixed6(LYON[1].lon) + "," + fixed6(LYON[1].lat);
  const std::string to_3 = fixed6(LYON[3].lon) + "," + fixed6(LYON[3].lat);
  FakeOsrm server([&](const std::string& target) {
    FakeReply reply = answer_from(known, target);
    // With max 3 a block has one source, listed first, and two destinations. In the block from
    // point 1 to points 2 and 3, OSRM finds no route to point 3 (the last destination).
    if (target.rfind(from_1 + ";", 0) == 0 && target.find(to_3) != std::string::npos) {
      json::value doc = json::parse(reply.body);
      doc.at("durations").as_array()[0].as_array().back() = nullptr;
      reply.body = json::serialize(doc);
    }
    return reply;
  });
  const Error e = expect_error(options_for(server, 3), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("no route from point 1 (lat 45.768220, lon 4.880070) to "
                                    "point 3 (lat 45.989800, lon 4.718600) (durations[0][1] is "
                                    "null)"));
}

TEST(OsrmTable, WrongArrayShape) {
  FakeOsrm server([](const std::string&) { return serve_file("lyon_table_wrong_shape.json"); });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("\"durations\" row 1 has 3 values, expected 4 rows of 4"));
}

TEST(OsrmTable, MissingDistances) {
  FakeOsrm server([](const std::string&) {
    return FakeReply{200, R"({"code":"Ok","durations":[[0,1],[1,0]]})", ""};
  });
  const Error e = expect_error(options_for(server), {LYON[0], LYON[1]});
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("no \"distances\" array"));
}

TEST(OsrmTable, WrongNumberOfRowsAndNonNumbers) {
  FakeOsrm rows([](const std::string&) {
    return FakeReply{200, R"({"code":"Ok","durations":[[0,1]],"distances":[[0,1]]})", ""};
  });
  EXPECT_THAT(expect_error(options_for(rows), {LYON[0], LYON[1]}).detail(),
              HasSubstr("\"durations\" has 1 rows, expected 2 rows of 2"));
  FakeOsrm text([](const std::string&) {
    return FakeReply{200, R"({"code":"Ok","durations":[[0,"1"],[1,0]],"distances":[[0,1],[1,0]]})",
                     ""};
  });
  EXPECT_THAT(expect_error(options_for(text), {LYON[0], LYON[1]}).detail(),
              HasSubstr("durations[0][1] is not a number"));
  FakeOsrm negative([](const std::string&) {
    return FakeReply{200, R"({"code":"Ok","durations":[[0,1],[1,0]],"distances":[[0,-5],[1,0]]})",
                     ""};
  });
  EXPECT_THAT(expect_error(options_for(negative), {LYON[0], LYON[1]}).detail(),
              HasSubstr("distances[0][1] = -5 is out of range"));
}

TEST(OsrmTable, Http500) {
  FakeOsrm server([](const std::string&) {
    return FakeReply{500, "upstream connect error or disconnect/reset before headers", ""};
  });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("HTTP 500 Internal Server Error: upstream connect error"));
}

TEST(OsrmTable, MalformedJson) {
  FakeOsrm server([](const std::string&) { return serve_file("truncated.json"); });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("not valid JSON"));

  FakeOsrm other([](const std::string&) { return FakeReply{200, R"({"routes":[]})", ""}; });
  EXPECT_THAT(expect_error(options_for(other), LYON).detail(), HasSubstr("no \"code\""));
}

TEST(OsrmTable, BodyOver64MiB) {
  FakeOsrm server([](const std::string&) {
    return FakeReply{0, "",
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: 67108865\r\n\r\n{\"code\":\"Ok\","};
  });
  const Error e = expect_error(options_for(server), LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("larger than 64 MiB"));
}

TEST(OsrmTable, ConnectionRefused) {
  OsrmOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(closed_port());
  const Error e = expect_error(options, LYON);
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("connection refused"));
}

TEST(OsrmTable, TimeoutWhenTheServerNeverAnswers) {
  // Listening but never accepting: the kernel completes the connection, nobody answers.
  asio::io_context ioc;
  tcp::acceptor silent(ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  OsrmOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  options.timeout_seconds = 0.3;
  const auto start = std::chrono::steady_clock::now();
  const Error e = expect_error(options, LYON);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(e.code(), ErrorCode::upstream);
  EXPECT_THAT(e.detail(), HasSubstr("no answer within 0.3 s (timed out)"));
  // Not a benchmark: only that the call waited for the timeout and not much longer than it.
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

// ---------------------------------------------------------------------------------------------
// Bad options and points: ErrorCode::validation, before any request

TEST(OsrmTable, HttpsIsRefused) {
  OsrmOptions options;
  options.base_url = "https://osrm.example.com";
  const Error e = expect_error(options, LYON);
  EXPECT_EQ(e.code(), ErrorCode::validation);
  EXPECT_THAT(e.detail(), HasSubstr("https"));
  EXPECT_THAT(e.detail(), HasSubstr("no TLS"));
  ASSERT_EQ(e.errors().size(), 1u);
  EXPECT_EQ(e.errors()[0].field, "base_url");
}

TEST(OsrmTable, BadBaseUrls) {
  for (const char* url : {"", "127.0.0.1:5000", "ftp://osrm:5000", "http://", "http:///table",
                          "http://osrm:0", "http://osrm:99999", "http://osrm:5000/?x=1",
                          "http://osrm:5000/#top", "http://user:pw@osrm:5000", "http://os rm"}) {
    OsrmOptions options;
    options.base_url = url;
    const Error e = expect_error(options, LYON);
    EXPECT_EQ(e.code(), ErrorCode::validation) << url;
    EXPECT_THAT(e.detail(), HasSubstr("OSRM base URL")) << url;
  }
}

TEST(OsrmTable, BadOptions) {
  const auto field_of = [](const OsrmOptions& options) {
    const Error e = expect_error(options, LYON);
    EXPECT_EQ(e.code(), ErrorCode::validation);
    return e.errors().empty() ? std::string() : e.errors()[0].field;
  };
  OsrmOptions options;
  options.profile = "";
  EXPECT_EQ(field_of(options), "profile");
  options.profile = "car/../route";
  EXPECT_EQ(field_of(options), "profile");
  options = {};
  options.timeout_seconds = 0;
  EXPECT_EQ(field_of(options), "timeout_seconds");
  options.timeout_seconds = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(field_of(options), "timeout_seconds");
  options = {};
  options.max_locations_per_request = 1;
  EXPECT_EQ(field_of(options), "max_locations_per_request");
}

TEST(OsrmTable, InvalidCoordinates) {
  std::vector<GeoPoint> points = LYON;
  points[1].lat = 91;
  points[3].lon = std::nan("");
  const Error e = expect_error(OsrmOptions{}, points);
  EXPECT_EQ(e.code(), ErrorCode::validation);
  ASSERT_EQ(e.errors().size(), 2u);
  EXPECT_EQ(e.errors()[0].field, "points[1]");
  EXPECT_EQ(e.errors()[1].field, "points[3]");
}

TEST(OsrmTable, EmptyAndTooManyPoints) {
  EXPECT_EQ(expect_error(OsrmOptions{}, {}).code(), ErrorCode::validation);
  const std::vector<GeoPoint> many(10'001, LYON[0]);
  const Error e = expect_error(OsrmOptions{}, many);
  EXPECT_EQ(e.code(), ErrorCode::validation);
  EXPECT_THAT(e.detail(), HasSubstr("10001 points"));
}

}  // namespace
