// In-process benchmark of the requests that bench/run.sh sends over HTTP with wrk, handled by
// api::App::handle on a temporary SQLite database: no sockets, no HTTP parsing. The gap between
// these figures and wrk's is the transport's cost (Beast, the kernel, the load generator).
//
// The `parts/` benchmarks split one GET /api/v1/stores/{id} into its steps, to show where the
// application's time goes: routing and metrics, the bearer-token lookup, the store read, the
// JSON body.
#include <benchmark/benchmark.h>
#include <stdlib.h>  // mkdtemp

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/app.hpp"
#include "api/auth.hpp"
#include "api/json_output.hpp"
#include "api/users.hpp"
#include "storage/sqlite_storage.hpp"

namespace {

using namespace boucle;
namespace json = boost::json;
namespace fs = std::filesystem;

constexpr int STORES = 320;  // as many as the demo world, split between two reps
constexpr int REPS = 2;

// One seeded database file, shared by every benchmark of the process, removed at exit.
struct World {
  fs::path dir;
  fs::path db;
  std::string admin_token, rep_token;
  core::Id rep_id = 0;
  core::Id rep_store = 0;  // a store of the benchmarked rep

  World() {
    std::string tmpl = (fs::temp_directory_path() / "boucle-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    db = dir / "api_bench.db";
    seed();
  }
  ~World() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

 private:
  static api::Response call(api::App& app, api::Method method, const std::string& target,
                            const std::string& token, const std::string& body = "") {
    api::Request req;
    req.method = method;
    req.target = target;
    if (!token.empty()) req.authorization = "Bearer " + token;
    if (!body.empty()) {
      req.content_type = "application/json";
      req.body = body;
    }
    auto res = app.handle(req);
    if (res.status >= 300) {
      throw std::runtime_error("seeding: " + target + " answered " + std::to_string(res.status) +
                               ": " + res.body);
    }
    return res;
  }

  static std::string login(api::App& app, const std::string& email, const std::string& password) {
    auto res = call(app, api::Method::post, "/api/v1/auth/login", "",
                    json::serialize(json::object{{"email", email}, {"password", password}}));
    return std::string(json::parse(res.body).at("token").as_string());
  }

  // Like the demo's rep1: four working days.
  static json::object rep_hours() {
    json::object hours;
    for (const char* day : {"mon", "tue", "thu"}) hours[day] = json::array{json::array{"08:30", "18:30"}};
    hours["fri"] = json::array{json::array{"08:30", "16:00"}};
    return hours;
  }

  // Shapes of demo stores: even ones open 09:00-20:00 Monday to Saturday without tags (like
  // the demo's first store of rep1, the one benchmarked), odd ones with a lunch break and tags.
  static json::object store_body(int i, core::Id rep) {
    json::object hours;
    if (i % 2 == 0) {
      for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat"}) {
        hours[day] = json::array{json::array{"09:00", "20:00"}};
      }
    } else {
      for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
        hours[day] = json::array{json::array{"08:30", "12:30"}, json::array{"14:00", "19:30"}};
      }
      hours["sat"] = json::array{json::array{"08:30", "13:00"}};
    }
    return json::object{{"code", "PDV-" + std::to_string(100000 + i)},
                        {"name", "Leclerc Drive Lyon " + std::to_string(i)},
                        {"banner", "Leclerc Drive"},
                        {"channel", i % 2 == 0 ? "drive" : "super"},
                        {"address", "Zone commerciale des Pins, route de Villeurbanne"},
                        {"postcode", "69007"},
                        {"city", "Lyon"},
                        {"lat", 45.70 + 0.001 * (i % 100)},
                        {"lon", 4.80 + 0.001 * (i / 100)},
                        {"opening_hours", hours},
                        {"potential", 0.5 + 0.001 * i},
                        {"size_sqm", 1520},
                        {"assigned_rep_id", rep},
                        {"visit_frequency_days", 28},
                        {"tags", i % 2 == 0 ? json::array{} : json::array{"bio", "drive"}}};
  }

  void seed() {
    // Seeding does not need an fsync per commit; the benchmarks reopen the file as they need.
    storage::SqliteOptions fast;
    fast.durability = storage::Durability::normal;
    auto storage = storage::open_sqlite(db.string(), fast);
    core::User admin;
    admin.email = "admin@bench.test";
    admin.name = "Admin";
    admin.role = core::Role::admin;
    api::create_user(*storage, admin, "admin-bench-2026");
    api::App app(*storage, api::Config{});
    admin_token = login(app, "admin@bench.test", "admin-bench-2026");

    std::vector<core::Id> reps;
    for (int r = 1; r <= REPS; ++r) {
      const std::string email = "rep" + std::to_string(r) + "@bench.test";
      auto res = call(app, api::Method::post, "/api/v1/users", admin_token,
                      json::serialize(json::object{{"email", email},
                                                   {"name", "Rep " + std::to_string(r)},
                                                   {"role", "rep"},
                                                   {"password", "rep-bench-2026"},
                                                   {"home", {{"lat", 45.76}, {"lon", 4.83}}},
                                                   {"working_hours", rep_hours()}}));
      reps.push_back(json::parse(res.body).at("id").as_int64());
    }
    rep_id = reps.front();
    rep_token = login(app, "rep1@bench.test", "rep-bench-2026");

    for (int i = 0; i < STORES; ++i) {
      auto res = call(app, api::Method::post, "/api/v1/stores", admin_token,
                      json::serialize(store_body(i, reps[static_cast<std::size_t>(i % REPS)])));
      if (rep_store == 0) rep_store = json::parse(res.body).at("id").as_int64();
    }
  }
};

World& world() {
  static World w;
  return w;
}

// The database opened with the benchmarked durability, and an App in front of it.
struct Server {
  std::unique_ptr<storage::Storage> db;
  std::unique_ptr<api::App> app;

  explicit Server(storage::Durability durability) {
    storage::SqliteOptions options;
    options.durability = durability;
    db = storage::open_sqlite(world().db.string(), options);
    app = std::make_unique<api::App>(*db, api::Config{});
  }
};

Server& server(storage::Durability durability) {
  // Both may be open at once: SQLite in WAL mode serialises their writers on the file.
  static Server full(storage::Durability::full);
  static Server normal(storage::Durability::normal);
  return durability == storage::Durability::full ? full : normal;
}

api::Request get(const std::string& target, const std::string& token) {
  api::Request req;
  req.method = api::Method::get;
  req.target = target;
  req.authorization = "Bearer " + token;
  return req;
}

// Runs `request` in the loop, failing the benchmark on any non-2xx answer.
void run(benchmark::State& state, api::App& app, const api::Request& request) {
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto res = app.handle(request);
    if (res.status < 200 || res.status > 299) {
      state.SkipWithError(("answered " + std::to_string(res.status) + ": " + res.body).c_str());
      break;
    }
    bytes += static_cast<std::int64_t>(res.body.size());
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void get_store(benchmark::State& state) {
  auto& w = world();
  run(state, *server(storage::Durability::full).app,
      get("/api/v1/stores/" + std::to_string(w.rep_store), w.rep_token));
}

void list_stores(benchmark::State& state) {
  auto& w = world();
  run(state, *server(storage::Durability::full).app,
      get("/api/v1/stores?limit=" + std::to_string(state.range(0)), w.admin_token));
}

void create_visit(benchmark::State& state, storage::Durability durability) {
  auto& w = world();
  api::Request req;
  req.method = api::Method::post;
  req.target = "/api/v1/visits";
  req.authorization = "Bearer " + w.rep_token;
  req.content_type = "application/json";
  req.body = "{\"store_id\": " + std::to_string(w.rep_store) + ", \"type\": \"quick\"}";
  run(state, *server(durability).app, req);
}

// parts/: the steps of GET /api/v1/stores/{id}, each alone.

// Routing, query parsing, problem+json and the metrics update, without storage: a 401.
void part_route_to_401(benchmark::State& state) {
  auto& app = *server(storage::Durability::full).app;
  api::Request req;
  req.target = "/api/v1/stores/" + std::to_string(world().rep_store);
  for (auto _ : state) {
    auto res = app.handle(req);
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations());
}

// The same without authentication nor storage: the cheapest 200 (routing + metrics).
void part_healthz(benchmark::State& state) {
  auto& app = *server(storage::Durability::full).app;
  api::Request req;
  req.target = "/healthz";
  for (auto _ : state) {
    auto res = app.handle(req);
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations());
}

// What App::dispatch does for a bearer token: hash it, read the session and the user in a
// read transaction.
void part_authenticate(benchmark::State& state) {
  auto& db = *server(storage::Durability::full).db;
  const std::string token = world().rep_token;
  for (auto _ : state) {
    const std::string hash = api::token_hash(token);
    auto user = storage::read(db, [&](storage::Tx& tx) {
      auto session = tx.session(hash);
      return session ? tx.user(session->user_id) : std::nullopt;
    });
    benchmark::DoNotOptimize(user);
  }
  state.SetItemsProcessed(state.iterations());
}

void part_token_hash(benchmark::State& state) {
  const std::string token = world().rep_token;
  for (auto _ : state) benchmark::DoNotOptimize(api::token_hash(token));
  state.SetItemsProcessed(state.iterations());
}

// The store read in its own read transaction, as get_store's handler does.
void part_read_store(benchmark::State& state) {
  auto& w = world();
  auto& db = *server(storage::Durability::full).db;
  const storage::Scope scope{w.rep_id};
  for (auto _ : state) {
    auto store = storage::read(db, [&](storage::Tx& tx) { return tx.store(w.rep_store, scope); });
    benchmark::DoNotOptimize(store);
  }
  state.SetItemsProcessed(state.iterations());
}

// An empty read transaction: BEGIN, COMMIT and the reader pool.
void part_empty_read_tx(benchmark::State& state) {
  auto& db = *server(storage::Durability::full).db;
  for (auto _ : state) {
    storage::read(db, [](storage::Tx&) {});
  }
  state.SetItemsProcessed(state.iterations());
}

// The response body: the store to a JSON object, then to text.
void part_store_json(benchmark::State& state) {
  auto& w = world();
  auto store = storage::read(*server(storage::Durability::full).db, [&](storage::Tx& tx) {
    return tx.store(w.rep_store, storage::Scope{});
  });
  if (!store) {
    state.SkipWithError("the benchmark store is missing");
    return;
  }
  for (auto _ : state) {
    auto body = json::serialize(api::to_json(*store));
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations());
}

// BOUCLE_BENCH_ITERATIONS=N runs every benchmark exactly N iterations: for profiling under
// callgrind, where instructions per request are then the collected total divided by N.
benchmark::internal::Benchmark* configure(benchmark::internal::Benchmark* b) {
  b->UseRealTime();
  if (const char* n = std::getenv("BOUCLE_BENCH_ITERATIONS")) b->Iterations(std::atoll(n));
  return b;
}

void register_all() {
  using storage::Durability;
  // Threads(2): the server's two threads calling one App, as `boucle serve --threads 2` does.
  configure(benchmark::RegisterBenchmark("api/get_store", get_store))->Threads(1)->Threads(2);
  configure(benchmark::RegisterBenchmark("api/list_stores", list_stores))->Arg(50);
  configure(benchmark::RegisterBenchmark(
      "api/create_visit/durability:full",
      [](benchmark::State& s) { create_visit(s, Durability::full); }));
  configure(benchmark::RegisterBenchmark(
      "api/create_visit/durability:normal",
      [](benchmark::State& s) { create_visit(s, Durability::normal); }));
  configure(benchmark::RegisterBenchmark("parts/healthz", part_healthz));
  configure(benchmark::RegisterBenchmark("parts/route_to_401", part_route_to_401));
  configure(benchmark::RegisterBenchmark("parts/token_hash", part_token_hash));
  configure(benchmark::RegisterBenchmark("parts/empty_read_tx", part_empty_read_tx));
  configure(benchmark::RegisterBenchmark("parts/authenticate", part_authenticate));
  configure(benchmark::RegisterBenchmark("parts/read_store", part_read_store));
  configure(benchmark::RegisterBenchmark("parts/store_json", part_store_json));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    world();  // seed before timing anything
  } catch (const std::exception& e) {
    std::cerr << "api_bench: " << e.what() << "\n";
    return 1;
  }
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
