#include "sim/loop.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/app.hpp"
#include "core/time.hpp"
#include "sim/crm.hpp"
#include "sim/geo.hpp"
#include "storage/sqlite_storage.hpp"

namespace boucle::sim {

namespace json = boost::json;

namespace {

// Event kinds of the execution's random draws (apart from the dynamics' kinds).
enum ExecKind : std::uint64_t {
  EXEC_CANCEL = 101,
  EXEC_CLOSED,
  EXEC_DELAY_A,
  EXEC_DELAY_B,
  EXEC_GPS
};

constexpr core::Channel CHANNELS[] = {core::Channel::hyper,      core::Channel::super,
                                      core::Channel::proxi,      core::Channel::drive,
                                      core::Channel::cash_carry, core::Channel::specialist};

// What a rep's week added up to.
struct RepWeek {
  int planned = 0, done = 0, cancelled = 0, closed = 0, blank = 0, orders = 0;
  int placed_new = 0;
  double km = 0, drive_hours = 0, store_hours = 0;
};

// A temporary database file, removed with its WAL when the run ends.
class TempDb {
 public:
  explicit TempDb(std::string path) : path_(std::move(path)), owned_(path_.empty()) {
    if (owned_) {
      static std::atomic<int> counter{0};
      path_ = (std::filesystem::temp_directory_path() /
               fmt::format("boucle-sim-{}-{}.db", ::getpid(), counter++))
                  .string();
      remove();
    }
  }
  ~TempDb() {
    if (owned_) remove();
  }
  const std::string& path() const { return path_; }

 private:
  void remove() const {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
  bool owned_;
};

std::string report_text(const VisitResult& r, const World& w, int store) {
  if (r.closed) return "Magasin fermé à l'arrivée.";
  std::vector<std::string> parts;
  if (r.placed_new) {
    parts.push_back(
        fmt::format("{} référence(s) {} implantée(s)", r.placed_new,
                    w.catalog[static_cast<std::size_t>(w.new_range_first)].product.range));
  }
  if (r.relisted) parts.push_back(fmt::format("{} référence(s) remise(s) en rayon", r.relisted));
  if (r.oos_fixed) parts.push_back(fmt::format("{} rupture(s) corrigée(s)", r.oos_fixed));
  if (r.facings_won) parts.push_back(fmt::format("{} facing(s) gagné(s)", r.facings_won));
  if (r.promotions) parts.push_back("promotion mise en place");
  if (!r.order.empty()) parts.push_back("commande prise");
  if (parts.empty()) {
    return fmt::format("Relevé fait chez {}, rien obtenu cette fois.",
                       w.stores[static_cast<std::size_t>(store)].store.banner);
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out + ".";
}

double round_to(double x, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(x * f) / f;
}

}  // namespace

json::object run_closed_loop(const World& world, Policy& policy, const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const auto& sc = world.scenario;
  const int n_reps = world.reps();
  TempDb db_file(options.db_path);
  storage::SqliteOptions db_options;
  db_options.durability = storage::Durability::normal;
  auto db = storage::open_sqlite(db_file.path(), db_options);
  api::Config config;
  config.token_ttl = 20LL * 365 * 86400;  // the simulated clock runs for years
  config.plan_iterations = sc.planner.iterations;
  config.plan_time_limit_seconds = 60;
  api::App app(*db, config);

  // The master data, loaded the week before the run starts.
  core::ScopedNow clock(paris_instant(world.start_day - 7, 9 * 3600));
  MasterData master;
  master.users = world.users;
  for (const auto& s : world.stores) {
    master.stores.push_back({s.store, s.rep >= 0 ? world.rep_user(s.rep).user.email : ""});
  }
  for (const auto& item : world.catalog) master.products.push_back(item.product);
  for (const auto channel : CHANNELS) {
    for (const auto& item : world.catalog) {
      if (in_assortment(channel, item)) master.assortment.push_back({channel, item.product.sku});
    }
  }
  CrmClient setup(app);
  const CrmIds ids = load_master_data(setup, master);
  std::vector<core::Id> store_id(world.stores.size());
  std::map<core::Id, int> store_index;
  for (std::size_t s = 0; s < world.stores.size(); ++s) {
    store_id[s] = ids.stores.at(world.stores[s].store.code);
    store_index[store_id[s]] = static_cast<int>(s);
  }
  std::vector<core::Id> product_id(world.catalog.size());
  for (std::size_t k = 0; k < world.catalog.size(); ++k) {
    product_id[k] = ids.products.at(world.catalog[k].product.sku);
  }
  std::vector<std::vector<int>> territory(static_cast<std::size_t>(n_reps));
  for (std::size_t s = 0; s < world.stores.size(); ++s) {
    if (world.stores[s].rep >= 0)
      territory[static_cast<std::size_t>(world.stores[s].rep)].push_back(static_cast<int>(s));
  }
  const std::string& manager_token = ids.tokens.at(world.users.at(1).user.email);
  const std::string& admin_token = ids.tokens.at(world.users.at(0).user.email);

  WorldState actual = initial_state(world);
  WorldState baseline = actual;
  std::vector<Observed> observed(world.stores.size());
  std::vector<std::vector<std::vector<double>>> pending_sales;  // by week, store, assortment slot

  std::vector<std::string> range_codes, range_names;
  for (const auto& item : world.catalog) {
    if (std::find(range_codes.begin(), range_codes.end(), item.range_code) == range_codes.end()) {
      range_codes.push_back(item.range_code);
      range_names.push_back(item.product.range);
    }
  }
  const std::string new_range_name =
      world.catalog[static_cast<std::size_t>(world.new_range_first)].product.range;
  const auto& econ = sc.economics;

  // The scenario's campaign, once created: its id and each store's group (1 treated, 2 control).
  std::optional<core::Id> campaign_id;
  std::vector<std::uint8_t> campaign_group(world.stores.size(), 0);
  std::vector<std::uint8_t> treated_mask(world.stores.size(), 0), control_mask(world.stores.size(), 0);
  json::array campaign_truth;
  const auto campaign_running = [&](int week) {
    return campaign_id && week >= sc.campaign.start_week &&
           week < sc.campaign.start_week + sc.campaign.weeks;
  };

  json::array weeks_json;
  double total_incremental = 0, total_cost = 0, total_sales = 0, total_km = 0, total_drive = 0,
         total_store = 0;
  int total_visits = 0, total_done = 0, total_blank = 0, total_orders = 0;
  const int threads = std::max(1, std::min(options.threads, n_reps));

  std::mutex error_mutex;
  std::string error;
  auto for_reps = [&](const std::function<void(int, CrmClient&)>& fn) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        CrmClient client(app);
        for (int r = t; r < n_reps; r += threads) {
          try {
            fn(r, client);
          } catch (const std::exception& e) {
            std::lock_guard lock(error_mutex);
            if (error.empty()) error = e.what();
          }
        }
      });
    }
    for (auto& th : pool) th.join();
    if (!error.empty()) throw std::runtime_error(error);
  };

  auto plan_rep = [&](CrmClient& client, int r, int week, const std::string& start_date,
                      int days) -> json::object {
    PolicyInput in;
    in.week = week;
    in.rep = r;
    in.stores = territory[static_cast<std::size_t>(r)];
    in.crm =
        CrmView{world.stores, world.catalog, observed, world.new_range_first, world.new_range_last};
    if (policy.needs_truth()) {
      in.world = &world;
      in.truth = &actual;
    }
    auto chosen = policy.choose(in, options.max_priorities);
    // A running campaign: its treated members carry its value, and those not visited last week
    // join the priorities even if the policy left them out.
    if (campaign_running(week)) {
      const double bonus = sc.campaign.visit_value_eur;
      std::vector<std::uint8_t> listed(world.stores.size(), 0);
      for (auto& p : chosen) {
        listed[static_cast<std::size_t>(p.store)] = 1;
        if (campaign_group[static_cast<std::size_t>(p.store)] != 1) continue;
        p.value_eur += bonus;
        p.why = "campagne ; " + p.why;
      }
      for (int st : in.stores) {
        const auto su = static_cast<std::size_t>(st);
        if (listed[su] || campaign_group[su] != 1 || observed[su].last_visit_week >= week - 1) continue;
        chosen.push_back({st, bonus, std::nullopt, "campagne " + new_range_name});
      }
    }
    if (chosen.empty()) return {};
    json::array priorities;
    for (const auto& p : chosen) {
      json::object o{{"store_id", store_id[static_cast<std::size_t>(p.store)]},
                     {"value_eur", round_to(std::max(0.0, std::min(p.value_eur, 1e6)), 2)},
                     {"why", p.why.substr(0, 200)}};
      if (p.type) o["type"] = core::to_string(*p.type);
      priorities.push_back(std::move(o));
    }
    const auto rep_id = ids.users.at(world.rep_user(r).user.email);
    auto plan = client.post(
        "/api/v1/plans", manager_token,
        json::object{{"rep_id", rep_id},
                     {"start_date", start_date},
                     {"days", days},
                     {"seed", static_cast<std::int64_t>((sc.seed % 1000000) * 1000 +
                                                        static_cast<std::uint64_t>(week))},
                     {"priorities", std::move(priorities)}});
    const auto plan_id = plan.at("id").as_int64();
    auto published = client.post("/api/v1/plans/" + std::to_string(plan_id) + "/publish",
                                 manager_token, json::object{});
    return published.as_object();
  };

  for (int week = 0; week < sc.weeks; ++week) {
    const auto week_started = std::chrono::steady_clock::now();
    const Day monday = world.start_day + 7 * week;
    const std::string start_date = format_day(monday);

    // 1. Friday evening before: the policy chooses, the planner plans, the manager publishes.
    clock.set(paris_instant(monday - 3, 18 * 3600));
    if (sc.campaign.enabled && week == sc.campaign.start_week) {
      const auto segment = setup.post(
          "/api/v1/segments", manager_token,
          json::object{{"name", "Campagne " + new_range_name},
                       {"expression", sc.campaign.expression},
                       {"description", "the simulator's campaign segment"}});
      const auto campaign = setup.post(
          "/api/v1/campaigns", manager_token,
          json::object{
              {"name", "Lancement " + new_range_name},
              {"segment_id", segment.at("id")},
              {"objective", {{"kpi", "dn"}, {"range", new_range_name}, {"goal", sc.campaign.goal}}},
              {"start_date", start_date},
              {"end_date", format_day(monday + 7 * sc.campaign.weeks - 1)},
              {"visit_value_eur", sc.campaign.visit_value_eur},
              {"control_share", sc.campaign.control_share},
              {"seed", static_cast<std::int64_t>(sc.seed % 1'000'000'000)},
              {"status", "active"},
              {"visit_template",
               {{"audits", json::array{json::object{{"range", new_range_name}}}},
                {"actions", json::array{"Proposer le référencement de la gamme " + new_range_name,
                                        "Vérifier le prix et les facings"}}}}});
      campaign_id = campaign.at("id").as_int64();
      for (const auto& m : setup.all("/api/v1/campaigns/" + std::to_string(*campaign_id) + "/members",
                                     manager_token)) {
        const auto su = static_cast<std::size_t>(store_index.at(m.at("store_id").as_int64()));
        const bool control = m.at("group").as_string() == "control";
        campaign_group[su] = control ? 2 : 1;
        (control ? control_mask : treated_mask)[su] = 1;
      }
    }
    std::vector<json::object> plans(static_cast<std::size_t>(n_reps));
    std::vector<RepWeek> rep_weeks(static_cast<std::size_t>(n_reps));
    for_reps([&](int r, CrmClient& client) {
      plans[static_cast<std::size_t>(r)] = plan_rep(client, r, week, start_date, sc.planner.days);
    });

    const auto planned_at = std::chrono::steady_clock::now();

    // 2. The week in the field, reported on Saturday: every stop of every published plan.
    clock.set(paris_instant(monday + 5, 12 * 3600));
    for_reps([&](int r, CrmClient& client) {
      const auto& plan = plans[static_cast<std::size_t>(r)];
      if (plan.empty()) return;
      auto& rw = rep_weeks[static_cast<std::size_t>(r)];
      const std::string& token = ids.tokens.at(world.rep_user(r).user.email);
      for (const auto& day_value : plan.at("days").as_array()) {
        const auto& day = day_value.as_object();
        if (const auto* km = day.if_contains("distance_km")) rw.km += km->to_number<double>();
        if (const auto* dm = day.if_contains("drive_minutes")) {
          rw.drive_hours += dm->to_number<double>() / 60.0;
        }
        for (const auto& stop_value : day.at("stops").as_array()) {
          const auto& stop = stop_value.as_object();
          ++rw.planned;
          const int s = store_index.at(stop.at("store_id").as_int64());
          const auto su = static_cast<std::uint64_t>(s);
          const auto wu = static_cast<std::uint64_t>(week);
          const auto visit_id = std::to_string(stop.at("visit_id").as_int64());
          if (hash_uniform(sc.seed, EXEC_CANCEL, su, wu, 0) < sc.execution.cancel_rate) {
            client.call(api::Method::patch, "/api/v1/visits/" + visit_id, token,
                        R"({"status":"cancelled","version":1})");
            ++rw.cancelled;
            continue;
          }
          const bool closed =
              hash_uniform(sc.seed, EXEC_CLOSED, su, wu, 0) < sc.execution.closed_rate;
          const auto type = *core::parse_visit_type(std::string(stop.at("type").as_string()));
          auto& obs = observed[su];
          const int nth = obs.last_visit_week == week ? 1 : 0;
          const VisitResult result =
              visit_store(world, s, actual.stores[su], week, nth, type, closed);

          const double z =
              std::sqrt(-2.0 * std::log(1.0 - hash_uniform(sc.seed, EXEC_DELAY_A, su, wu, 0))) *
              std::cos(6.283185307179586 * hash_uniform(sc.seed, EXEC_DELAY_B, su, wu, 0));
          const auto delay =
              static_cast<core::UnixSeconds>(std::abs(z) * sc.execution.delay_minutes * 60);
          const auto start =
              *core::parse_timestamp(std::string(stop.at("start").as_string())) + delay;
          const auto end =
              closed ? start + 5 * 60
                     : *core::parse_timestamp(std::string(stop.at("end").as_string())) + delay;
          const auto& where = world.stores[su].store.location;
          const auto gps = offset(where, 360.0 * hash_uniform(sc.seed, EXEC_GPS, su, wu, 0),
                                  5 + 40 * hash_uniform(sc.seed, EXEC_GPS, su, wu, 1));
          json::array audits;
          for (const auto& a : result.audits) {
            json::object o{{"product_id", product_id[static_cast<std::size_t>(a.sku)]},
                           {"present", a.present},
                           {"facings", a.present ? a.facings : 0},
                           {"out_of_stock", a.oos},
                           {"promo", a.promo}};
            if (a.present) o["shelf_price_cents"] = a.shelf_price;
            audits.push_back(std::move(o));
          }
          json::object body{
              {"checkin",
               {{"at", core::format_timestamp(start)}, {"lat", gps.lat}, {"lon", gps.lon}}},
              {"checkout",
               {{"at", core::format_timestamp(end)},
                {"lat", gps.lat},
                {"lon", gps.lon},
                {"report", report_text(result, world, s)},
                {"next_steps", result.closed ? "Repasser la semaine prochaine." : ""}}},
              {"audits", std::move(audits)}};
          if (!result.order.empty()) {
            json::array lines;
            for (const auto& [sku, units] : result.order) {
              lines.push_back(
                  json::object{{"product_id", product_id[static_cast<std::size_t>(sku)]},
                               {"quantity", units},
                               {"unit_price_cents",
                                world.catalog[static_cast<std::size_t>(sku)].product.price}});
            }
            body["order"] = json::object{{"lines", std::move(lines)}};
          }
          client.post("/api/v1/visits/" + visit_id + "/complete", token, body);

          ++rw.done;
          rw.closed += result.closed ? 1 : 0;
          rw.blank += result.blank() ? 1 : 0;
          rw.orders += result.order.empty() ? 0 : 1;
          rw.placed_new += result.placed_new;
          rw.store_hours += static_cast<double>(end - start) / 3600.0;
          obs.last_visit_week = week;
          ++obs.visits;
          if (!result.closed) {
            const bool shown = visible_result(obs.last_audit, result.audits, !result.order.empty(),
                                              world.new_range_first, world.new_range_last);
            obs.fruitless_visits = shown ? 0 : obs.fruitless_visits + 1;
            obs.last_audit = result.audits;
          }
        }
      }
    });

    const auto field_at = std::chrono::steady_clock::now();

    // 3. The week's sales on both worlds, through the same luck.
    std::vector<std::vector<double>> units;
    const double sales = step_week(world, actual, week, &units);
    const double base_sales = step_week(world, baseline, week, nullptr);
    pending_sales.push_back(std::move(units));

    const auto sales_at = std::chrono::steady_clock::now();

    // 4. The ERP sends the sell-in of `lag` weeks ago.
    const int erp_week = week - sc.observation.erp_lag_weeks;
    if (erp_week >= 0) {
      auto& table = pending_sales[static_cast<std::size_t>(erp_week)];
      std::string csv = "store_code,sku,week,units,revenue\n";
      const std::string erp_date = format_day(world.start_day + 7 * erp_week);
      for (std::size_t s = 0; s < world.stores.size(); ++s) {
        auto& obs = observed[s];
        obs.erp_sales.resize(static_cast<std::size_t>(erp_week) + 1, 0.0);
        for (std::size_t i = 0; i < table[s].size(); ++i) {
          const auto n = static_cast<std::int64_t>(std::llround(table[s][i]));
          if (n <= 0) continue;
          const auto& item = world.catalog[static_cast<std::size_t>(world.stores[s].assortment[i])];
          const core::Cents revenue = n * item.product.price;
          obs.erp_sales[static_cast<std::size_t>(erp_week)] += static_cast<double>(revenue) / 100.0;
          csv += world.stores[s].store.code;
          csv += ',';
          csv += item.product.sku;
          csv += ',';
          csv += erp_date;
          csv += ',';
          csv += std::to_string(n);
          csv += ',';
          csv += euros_text(revenue);
          csv += '\n';
        }
      }
      setup.call(api::Method::post, "/api/v1/imports/sales", admin_token, csv, "text/csv");
      table = {};
    }

    // 5. The week's measures.
    RepWeek wk;
    for (const auto& rw : rep_weeks) {
      wk.planned += rw.planned;
      wk.done += rw.done;
      wk.cancelled += rw.cancelled;
      wk.closed += rw.closed;
      wk.blank += rw.blank;
      wk.orders += rw.orders;
      wk.placed_new += rw.placed_new;
      wk.km += rw.km;
      wk.drive_hours += rw.drive_hours;
      wk.store_hours += rw.store_hours;
    }
    const double incremental = (sales - base_sales) * econ.margin_rate;
    const double cost =
        wk.km * econ.euro_per_km + (wk.drive_hours + wk.store_hours) * econ.euro_per_hour;
    json::object dn;
    for (std::size_t i = 0; i < range_codes.size(); ++i) {
      dn[range_names[i]] = round_to(true_dn(world, actual, range_codes[i]), 4);
    }
    const double dn_new = true_dn(world, actual, sc.new_range);
    const double base_dn_new = true_dn(world, baseline, sc.new_range);
    // DN as the CRM measures it (SPEC §3): stores whose latest audit shows the range present.
    int carriers = 0, seen = 0;
    for (std::size_t s = 0; s < world.stores.size(); ++s) {
      bool carries = false, present = false;
      for (int sku : world.stores[s].assortment) carries = carries || world.is_new(sku);
      for (const auto& r : observed[s].last_audit)
        present = present || (world.is_new(r.sku) && r.present);
      carriers += carries ? 1 : 0;
      seen += carries && present ? 1 : 0;
    }
    const double crm_dn_new = carriers ? static_cast<double>(seen) / carriers : 0.0;
    if (campaign_id) {
      campaign_truth.push_back(json::object{
          {"week", start_date},
          {"treated_dn", round_to(true_dn_among(world, actual, sc.new_range, treated_mask), 4)},
          {"control_dn", round_to(true_dn_among(world, actual, sc.new_range, control_mask), 4)}});
    }
    const double blank_rate = wk.done ? static_cast<double>(wk.blank) / wk.done : 0.0;
    weeks_json.push_back(json::object{
        {"week", week},
        {"date", start_date},
        {"visits", wk.planned},
        {"visits_done", wk.done},
        {"cancelled", wk.cancelled},
        {"closed", wk.closed},
        {"blank_visits", wk.blank},
        {"blank_visit_rate", round_to(blank_rate, 4)},
        {"orders", wk.orders},
        {"placements_new_range", wk.placed_new},
        {"km", round_to(wk.km, 1)},
        {"drive_hours", round_to(wk.drive_hours, 2)},
        {"store_hours", round_to(wk.store_hours, 2)},
        {"sales_eur", round_to(sales, 2)},
        {"baseline_sales_eur", round_to(base_sales, 2)},
        {"incremental_margin", round_to(incremental, 2)},
        {"field_cost_eur", round_to(cost, 2)},
        {"dn", std::move(dn)},
        {"dn_new_range", round_to(dn_new, 4)},
        {"baseline_dn_new_range", round_to(base_dn_new, 4)},
        {"dv_new_range", round_to(true_dv(world, actual, sc.new_range), 4)},
        {"crm_dn_new_range", round_to(crm_dn_new, 4)},
    });
    total_incremental += incremental;
    total_cost += cost;
    total_sales += sales;
    total_km += wk.km;
    total_drive += wk.drive_hours;
    total_store += wk.store_hours;
    total_visits += wk.planned;
    total_done += wk.done;
    total_blank += wk.blank;
    total_orders += wk.orders;
    if (options.progress) {
      auto secs = [](auto from, auto to) {
        return std::chrono::duration<double>(to - from).count();
      };
      const auto now = std::chrono::steady_clock::now();
      options.progress(fmt::format(
          "{} week {:>2}/{} {}: {} visits ({:.0f} % blank), DN {} {:.1f} % (no visits {:.1f} %), "
          "incremental margin {:.0f} € ({:.2f} s: plan {:.2f}, field {:.2f}, shelves {:.2f}, "
          "ERP {:.2f})",
          policy.name(), week + 1, sc.weeks, start_date, wk.done, 100 * blank_rate, new_range_name,
          100 * dn_new, 100 * base_dn_new, incremental, secs(week_started, now),
          secs(week_started, planned_at), secs(planned_at, field_at), secs(field_at, sales_at),
          secs(sales_at, now)));
    }
  }

  // The coming days, planned and published but not lived: what the reps find in the app.
  json::array ahead;
  if (options.plan_ahead_at) {
    clock.set(*options.plan_ahead_at);
    const std::string from = format_day(paris_local(*options.plan_ahead_at).day + 1);
    std::vector<json::object> next(static_cast<std::size_t>(n_reps));
    for_reps([&](int r, CrmClient& client) {
      next[static_cast<std::size_t>(r)] =
          plan_rep(client, r, sc.weeks, from, options.plan_ahead_days);
    });
    for (const auto& p : next) {
      if (!p.empty()) ahead.push_back(p.at("id"));
    }
  }

  // The campaign as the CRM measured it (its progress, from the API) next to the truth.
  json::value campaign_json = nullptr;
  if (campaign_id) {
    auto progress = setup.call(api::Method::get,
                               "/api/v1/campaigns/" + std::to_string(*campaign_id) + "/progress",
                               manager_token);
    campaign_json = json::object{{"id", *campaign_id},
                                 {"progress", std::move(progress)},
                                 {"truth", std::move(campaign_truth)}};
  }

  const double field_hours = total_drive + total_store;
  const auto last = weeks_json.empty() ? json::object{} : weeks_json.back().as_object();
  json::array ranges;
  for (const auto& n : range_names) ranges.emplace_back(n);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return json::object{
      {"policy", policy.name()},
      {"seed", sc.seed},
      {"scenario", to_json(sc)},
      {"new_range", new_range_name},
      {"ranges", std::move(ranges)},
      {"summary",
       {{"visits", total_visits},
        {"visits_done", total_done},
        {"blank_visit_rate",
         round_to(total_done ? static_cast<double>(total_blank) / total_done : 0, 4)},
        {"strike_rate",
         round_to(total_done ? static_cast<double>(total_orders) / total_done : 0, 4)},
        {"km", round_to(total_km, 1)},
        {"drive_hours", round_to(total_drive, 2)},
        {"store_hours", round_to(total_store, 2)},
        {"sales_eur", round_to(total_sales, 2)},
        {"incremental_margin", round_to(total_incremental, 2)},
        {"field_cost_eur", round_to(total_cost, 2)},
        {"net_margin_eur", round_to(total_incremental - total_cost, 2)},
        {"margin_per_field_hour",
         round_to(field_hours > 0 ? total_incremental / field_hours : 0, 2)},
        {"final_dn_new_range",
         last.contains("dn_new_range") ? last.at("dn_new_range") : json::value(0)},
        {"final_baseline_dn_new_range", last.contains("baseline_dn_new_range")
                                            ? last.at("baseline_dn_new_range")
                                            : json::value(0)},
        {"final_dv_new_range",
         last.contains("dv_new_range") ? last.at("dv_new_range") : json::value(0)},
        {"final_crm_dn_new_range",
         last.contains("crm_dn_new_range") ? last.at("crm_dn_new_range") : json::value(0)},
        {"seconds", round_to(seconds, 2)}}},
      {"weeks", std::move(weeks_json)},
      {"plans_ahead", std::move(ahead)},
      {"campaign", std::move(campaign_json)},
  };
}

}  // namespace boucle::sim
