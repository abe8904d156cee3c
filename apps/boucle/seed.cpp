#include "seed.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "core/time.hpp"
#include "sim/crm.hpp"

namespace boucle::cli {

namespace json = boost::json;

void seed_demo(api::App& app, const sim::DemoWorld& world) {
  const auto started = std::chrono::steady_clock::now();
  sim::CrmClient client(app);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const auto ids = sim::load_master_data(
      client, sim::MasterData{world.users, world.stores, world.products, world.assortment});
  const auto& store_ids = ids.stores;
  const auto& product_ids = ids.products;
  const std::string admin_token = ids.tokens.at(world.users.at(0).user.email);
  spdlog::info("demo: {} users, {} products, {} stores, {} assortment rules ({:.1f} s)",
               world.users.size(), world.products.size(), world.stores.size(),
               world.assortment.size(), elapsed());

  // 3. History: each rep records their own visits, audits and orders, as the app would.
  auto token_of = [&](const std::string& email) -> const std::string& { return ids.tokens.at(email); };
  std::size_t done = 0, audits = 0, orders = 0;
  for (const auto& v : world.visits) {
    const auto& token = token_of(v.rep_email);
    auto visit = client.post("/api/v1/visits", token,
                             json::object{{"store_id", store_ids.at(v.store_code)},
                                          {"type", core::to_string(v.type)},
                                          {"planned_at", core::format_timestamp(v.checkin_at)}});
    const auto id = std::to_string(visit.at("id").as_int64());
    client.post("/api/v1/visits/" + id + "/check-in", token,
                json::object{{"lat", v.checkin_position.lat},
                             {"lon", v.checkin_position.lon},
                             {"at", core::format_timestamp(v.checkin_at)}});
    for (const auto& a : v.audits) {
      json::object body{{"visit_id", visit.at("id")},
                        {"product_id", product_ids.at(a.sku)},
                        {"present", a.present},
                        {"facings", a.present ? a.facings : 0},
                        {"out_of_stock", a.out_of_stock},
                        {"promo", a.promo}};
      if (a.shelf_price) body["shelf_price_cents"] = *a.shelf_price;
      client.post("/api/v1/audits", token, body);
      ++audits;
    }
    if (!v.order.empty()) {
      json::array lines;
      for (const auto& l : v.order) {
        lines.push_back(json::object{{"product_id", product_ids.at(l.sku)},
                                     {"quantity", l.quantity},
                                     {"unit_price_cents", l.unit_price}});
      }
      client.post("/api/v1/orders", token,
                  json::object{{"visit_id", visit.at("id")}, {"lines", std::move(lines)}});
      ++orders;
    }
    client.post("/api/v1/visits/" + id + "/check-out", token,
                json::object{{"lat", v.checkout_position.lat},
                             {"lon", v.checkout_position.lon},
                             {"at", core::format_timestamp(v.checkout_at)},
                             {"report", v.report},
                             {"next_steps", v.next_steps}});
    if (++done % 250 == 0 || done == world.visits.size()) {
      spdlog::info("demo: visits {}/{} ({} audits, {} orders, {:.1f} s)", done,
                   world.visits.size(), audits, orders, elapsed());
    }
  }
  for (const auto& p : world.planned) {
    client.post("/api/v1/visits", token_of(p.rep_email),
                json::object{{"store_id", store_ids.at(p.store_code)},
                             {"type", core::to_string(p.type)},
                             {"planned_at", core::format_timestamp(p.planned_at)}});
  }

  // 4. ERP sell-in, imported in chunks as weekly files would be.
  constexpr std::size_t CHUNK = 20'000;
  for (std::size_t start = 0; start < world.sales.size(); start += CHUNK) {
    std::string csv = "store_code,sku,week,units,revenue\n";
    for (std::size_t i = start; i < std::min(world.sales.size(), start + CHUNK); ++i) {
      const auto& s = world.sales[i];
      csv += fmt::format("{},{},{},{},{}\n", s.store_code, s.sku, s.week, s.units, sim::euros_text(s.revenue));
    }
    client.call(api::Method::post, "/api/v1/imports/sales", admin_token, csv, "text/csv");
  }
  spdlog::info("demo: {} planned visits, {} sales rows; {} requests in {:.1f} s",
               world.planned.size(), world.sales.size(), client.requests(), elapsed());
}

}  // namespace boucle::cli
