// boucle: the one command-line entry point (serve, demo, user add, plan, bench-planner, simulate,
// target, segment, kpi, campaign).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>

#include <csignal>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <thread>

#include "api/app.hpp"
#include "commands.hpp"
#include "api/users.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "sim/demo.hpp"
#include "server/server.hpp"
#include "storage/sqlite_storage.hpp"

namespace {

using namespace boucle;

struct ServeFlags {
  std::string db = "boucle.db";
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 0;
  std::int64_t token_ttl = 12 * 3600;
  std::string durability = "full";
  int login_max_failures = 5;
  int refresh_seconds = 300;
  int tombstone_days = 180;  // deletes older than this may be purged (0: keep them all)
  int upload_mib_per_day = 1024;  // photo bytes a user may upload in 24 hours
  std::string web_root;  // empty: web/dist found from the working directory or the binary
};

// The built web app: web/dist under the working directory, else beside the source tree the
// binary was built in (build/<preset>/apps/boucle/boucle). Empty when neither exists.
std::string find_web_root() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file("web/dist/index.html", ec)) return fs::absolute("web/dist", ec).string();
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto root = exe.parent_path() / "../../../../web/dist";
    if (fs::is_regular_file(root / "index.html", ec)) return fs::weakly_canonical(root, ec).string();
  }
  return "";
}

void add_serve_flags(CLI::App* cmd, ServeFlags& f) {
  cmd->add_option("--db", f.db, "SQLite database file (created if missing)");
  cmd->add_option("--address", f.address, "Address to listen on");
  cmd->add_option("--port", f.port, "Port to listen on (0: any free port)")->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", f.threads, "Server threads (0: two per core, at least 4)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--token-ttl", f.token_ttl, "Lifetime of a login token, in seconds")
      ->check(CLI::Range(1, 90 * 24 * 3600));
  cmd->add_option("--durability", f.durability,
                  "full: fsync every commit (survives power loss); normal: survives a process "
                  "crash only")
      ->check(CLI::IsMember({"full", "normal"}));
  cmd->add_option("--login-max-failures", f.login_max_failures,
                  "Failed logins per email within 5 minutes before 429")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--refresh-seconds", f.refresh_seconds,
                  "Refresh dynamic segments every N seconds (0: only when read)")
      ->check(CLI::Range(0, 7 * 24 * 3600));
  cmd->add_option("--tombstone-days", f.tombstone_days,
                  "Purge the tombstones of leaf records older than N days, with the periodic "
                  "refresh (0: never); devices that last synced before reload (docs/SYNC.md)")
      ->check(CLI::Range(0, 100 * 365));
  cmd->add_option("--upload-mib-per-day", f.upload_mib_per_day,
                  "Photo bytes a user may upload in 24 hours, in MiB (429 beyond)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--web-root", f.web_root,
                  "Directory of the built web app served at / (default: web/dist if found; "
                  "none: the API only)");
}

storage::SqliteOptions sqlite_options(const ServeFlags& f) {
  storage::SqliteOptions o;
  o.durability = f.durability == "normal" ? storage::Durability::normal : storage::Durability::full;
  return o;
}

api::Config api_config(const ServeFlags& f) {
  api::Config c;
  c.token_ttl = f.token_ttl;
  c.login_max_failures = f.login_max_failures;
  c.max_upload_bytes_per_day = std::int64_t{f.upload_mib_per_day} << 20;
  c.web_root = f.web_root == "none" ? "" : f.web_root.empty() ? find_web_root() : f.web_root;
  if (c.web_root.empty() && f.web_root != "none") {
    spdlog::warn("no web app found (build it with make web); serving the API only");
  }
  return c;
}

int serve(storage::Storage& db, const ServeFlags& f,
          const std::function<void(std::uint16_t)>& on_listening) {
  api::App app(db, api_config(f));
  server::Options options;
  options.address = f.address;
  options.port = static_cast<std::uint16_t>(f.port);
  options.threads = f.threads;
  server::Server server(app, options);
  server.start();
  on_listening(server.port());
  // Dynamic segments also refresh on a schedule, so that their membership history records who
  // joined and left even when nobody reads them (reads refresh them too).
  std::mutex mutex;
  std::condition_variable_any wake;
  std::jthread refresher;
  if (f.refresh_seconds > 0) {
    refresher = std::jthread([&](std::stop_token stop) {
      std::unique_lock lock(mutex);
      while (true) {
        wake.wait_for(lock, stop, std::chrono::seconds(f.refresh_seconds), [] { return false; });
        if (stop.stop_requested()) break;
        try {
          for (const auto& r : app.analytics().refresh_dynamic()) {
            if (r.joined || r.left) {
              spdlog::info("segment {}: {} joined, {} left, {} members", r.segment_id, r.joined,
                           r.left, r.members);
            }
          }
        } catch (const std::exception& e) {
          spdlog::warn("segment refresh failed: {}", e.what());
        }
        // Photo uploads abandoned for a week (the device was reset or lost) free their chunks;
        // old tombstones of leaf records go (devices that have not seen them reload).
        try {
          const auto now = core::now_seconds();
          if (int n = storage::write(db, [&](storage::Tx& tx) {
                return tx.drop_stale_uploads(now - 7 * 24 * 3600);
              }))
            spdlog::info("dropped {} photo uploads left unfinished for a week", n);
          if (f.tombstone_days > 0) {
            const auto before = now - std::int64_t{f.tombstone_days} * 24 * 3600;
            if (auto n = storage::write(db, [&](storage::Tx& tx) { return tx.purge_tombstones(before); }))
              spdlog::info("purged {} tombstones older than {} days", n, f.tombstone_days);
          }
        } catch (const std::exception& e) {
          spdlog::warn("housekeeping failed: {}", e.what());
        }
      }
    });
  }
  server.run();
  if (refresher.joinable()) {
    refresher.request_stop();
    refresher.join();
  }
  spdlog::info("stopped");
  return 0;
}

void print_listening(std::uint16_t port, const std::string& address) {
  // One parseable line: tests and scripts wait for it to learn the port.
  std::cout << "listening on http://" << address << ":" << port << std::endl;
}

std::string read_password() {
  const bool tty = ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &old);
    termios silent = old;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

void print_error(const core::Error& e) {
  std::cerr << "error: " << e.detail() << "\n";
  for (const auto& fe : e.errors()) {
    std::cerr << "  " << (fe.line ? "line " + std::to_string(fe.line) + ": " : "") << fe.field
              << ": " << fe.message << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Boucle: field-sales execution (CRM, targeting, AI, planning)"};
  cli.require_subcommand(1);
  // Logs go to standard error; standard output carries only results (the listening line…).
  spdlog::set_default_logger(spdlog::stderr_color_mt("boucle"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  std::signal(SIGPIPE, SIG_IGN);

  ServeFlags serve_flags;
  auto* serve_cmd = cli.add_subcommand("serve", "Serve the HTTP API");
  add_serve_flags(serve_cmd, serve_flags);

  ServeFlags demo_flags;
  std::uint64_t demo_seed = 42;
  bool demo_no_serve = false;
  auto* demo_cmd = cli.add_subcommand(
      "demo", "Seed a demo territory into the database (if it is empty), then serve it");
  add_serve_flags(demo_cmd, demo_flags);
  demo_cmd->add_option("--seed", demo_seed, "Seed of the demo world");
  demo_cmd->add_flag("--no-serve", demo_no_serve, "Seed only, do not serve");

  auto* user_cmd = cli.add_subcommand("user", "Manage users");
  user_cmd->require_subcommand(1);
  std::string user_db = "boucle.db", user_email, user_name, user_role = "rep";
  auto* user_add = user_cmd->add_subcommand("add", "Create a user; the password is read from standard input");
  user_add->add_option("--db", user_db, "SQLite database file");
  user_add->add_option("--email", user_email, "Email (the login)")->required();
  user_add->add_option("--name", user_name, "Display name (default: the email)");
  user_add->add_option("--role", user_role, "admin, manager or rep")
      ->check(CLI::IsMember({"admin", "manager", "rep"}));

  std::string purge_db = "boucle.db";
  int purge_days = 180;
  auto* purge_cmd = cli.add_subcommand(
      "purge-tombstones", "Delete the tombstones of leaf records older than N days (docs/SYNC.md)");
  purge_cmd->add_option("--db", purge_db, "SQLite database file");
  purge_cmd->add_option("--days", purge_days, "Age of the tombstones to purge, in days")
      ->check(CLI::Range(0, 100 * 365));

  cli::Runner run;
  cli::add_plan_command(cli, run);
  cli::add_bench_planner_command(cli, run);
  cli::add_simulate_command(cli, run);
  cli::add_bench_target_command(cli, run);
  cli::add_target_command(cli, run);
  cli::add_segment_command(cli, run);
  cli::add_kpi_command(cli, run);
  cli::add_campaign_command(cli, run);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a bad command line is a usage error (exit code 2).
    return cli.exit(e) == 0 ? 0 : 2;
  }

  try {
    if (run) return run();
    if (serve_cmd->parsed()) {
      auto db = storage::open_sqlite(serve_flags.db, sqlite_options(serve_flags));
      spdlog::info("database {} at schema version {}", db->describe(), db->schema_version());
      return serve(*db, serve_flags,
                   [&](std::uint16_t port) { print_listening(port, serve_flags.address); });
    }
    if (demo_cmd->parsed()) {
      sim::DemoOptions options;
      options.seed = demo_seed;
      options.now = core::now_seconds();
      bool seeded = false;
      std::vector<sim::Account> logins;
      if (storage::read(*storage::open_sqlite(demo_flags.db, sqlite_options(demo_flags)),
                        [](storage::Tx& tx) { return tx.counts().users; }) == 0) {
        spdlog::info("seeding the demo territory (seed {}) into {}: {} stores, {} reps, {} weeks "
                     "of history through the simulator",
                     demo_seed, demo_flags.db, options.stores, options.reps, options.weeks);
        options.progress = [](std::string_view line) { spdlog::info("demo: {}", line); };
        logins = sim::seed_demo(demo_flags.db, options).logins;
        seeded = true;
      } else {
        spdlog::info("{} already has data: not seeding", demo_flags.db);
        logins = sim::demo_logins(options);
      }
      auto print_logins = [&] {
        std::cout << "Demo logins" << (seeded ? "" : " (as seeded by boucle demo)") << ":\n";
        for (const auto& u : logins) {
          std::cout << "  " << core::to_string(u.user.role) << "\t" << u.user.email << "\t"
                    << u.password << "\n";
        }
      };
      if (demo_no_serve) {
        print_logins();
        return 0;
      }
      auto db = storage::open_sqlite(demo_flags.db, sqlite_options(demo_flags));
      return serve(*db, demo_flags, [&](std::uint16_t port) {
        print_listening(port, demo_flags.address);
        std::cout << "\nBoucle demo: http://localhost:" << port
                  << "  (the web app; the API under /api/v1, described at /api/openapi.json)\n";
        print_logins();
        std::cout << "Stop with Ctrl-C." << std::endl;
      });
    }
    if (purge_cmd->parsed()) {
      auto db = storage::open_sqlite(purge_db);
      const auto before = core::now_seconds() - std::int64_t{purge_days} * 24 * 3600;
      auto [n, horizon] = storage::write(*db, [&](storage::Tx& tx) {
        auto purged = tx.purge_tombstones(before);
        return std::pair{purged, tx.purged_through()};
      });
      std::cout << "purged " << n << " tombstones; devices with a cursor before " << horizon
                << " will reload\n";
      return 0;
    }
    if (user_add->parsed()) {
      auto db = storage::open_sqlite(user_db);
      core::User u;
      u.email = user_email;
      u.name = user_name.empty() ? user_email : user_name;
      u.role = *core::parse_role(user_role);
      auto created = api::create_user(*db, u, read_password());
      std::cout << "created " << core::to_string(created.role) << " " << created.email << " (id "
                << created.meta.id << ")\n";
      return 0;
    }
  } catch (const core::Error& e) {
    print_error(e);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
