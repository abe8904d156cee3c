#include "seed.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "api/users.hpp"
#include "core/json.hpp"
#include "core/time.hpp"

namespace boucle::cli {

namespace json = boost::json;

namespace {

class Client {
 public:
  explicit Client(api::App& app) : app_(app) {}

  json::value call(api::Method method, const std::string& target, const std::string& token,
                   const std::string& body = "", const std::string& content_type = "application/json") {
    api::Request req;
    req.method = method;
    req.target = target;
    req.authorization = token.empty() ? "" : "Bearer " + token;
    req.body = body;
    req.content_type = body.empty() ? "" : content_type;
    auto res = app_.handle(req);
    if (res.status >= 300) {
      throw std::runtime_error(fmt::format("demo seeding: {} {} answered {}: {}",
                                           api::to_string(method), target, res.status, res.body));
    }
    ++requests_;
    return res.body.empty() ? json::value() : json::parse(res.body);
  }

  json::value post(const std::string& target, const std::string& token, const json::value& body) {
    return call(api::Method::post, target, token, json::serialize(body));
  }

  std::string login(const std::string& email, const std::string& password) {
    auto r = post("/api/v1/auth/login", "", json::object{{"email", email}, {"password", password}});
    return std::string(r.at("token").as_string());
  }

  // Every item of a paginated list.
  std::vector<json::object> all(const std::string& path, const std::string& token) {
    std::vector<json::object> out;
    std::string cursor;
    while (true) {
      auto r = call(api::Method::get, path + "?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor),
                    token);
      for (auto& item : r.at("items").as_array()) out.push_back(item.as_object());
      if (r.at("next_cursor").is_null()) break;
      cursor = std::string(r.at("next_cursor").as_string());
    }
    return out;
  }

  std::size_t requests() const { return requests_; }

 private:
  api::App& app_;
  std::size_t requests_ = 0;
};

std::string csv_cell(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string day_cell(const std::vector<core::Interval>& day) {
  std::string out;
  for (const auto& iv : day) {
    if (!out.empty()) out += ' ';
    out += core::format_hhmm(iv.open) + "-" + core::format_hhmm(iv.close);
  }
  return out;
}

std::string euros(core::Cents c) { return fmt::format("{}.{:02}", c / 100, c % 100); }

json::object user_body(const sim::DemoUser& du) {
  const auto& u = du.user;
  json::object o{{"email", u.email},
                 {"name", u.name},
                 {"role", core::to_string(u.role)},
                 {"password", du.password},
                 {"working_hours", core::weekly_hours_to_json(u.working_hours)},
                 {"lunch_start", core::format_hhmm(u.lunch_start)},
                 {"lunch_end", core::format_hhmm(u.lunch_end)},
                 {"lunch_minutes", u.lunch_minutes},
                 {"overnight_allowed", u.overnight_allowed},
                 {"max_daily_driving_minutes", u.max_daily_driving}};
  if (u.home) o["home"] = json::object{{"lat", u.home->lat}, {"lon", u.home->lon}};
  return o;
}

}  // namespace

void seed_demo(api::App& app, const sim::World& world) {
  const auto started = std::chrono::steady_clock::now();
  Client client(app);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  // 1. The first admin, as `boucle user add` makes it; then everyone else through the API.
  const auto& admin = world.users.at(0);
  api::create_user(app.db(), admin.user, admin.password);
  const std::string admin_token = client.login(admin.user.email, admin.password);
  std::map<std::string, std::string> passwords;
  passwords[admin.user.email] = admin.password;
  for (std::size_t i = 1; i < world.users.size(); ++i) {
    client.post("/api/v1/users", admin_token, user_body(world.users[i]));
    passwords[world.users[i].user.email] = world.users[i].password;
  }
  spdlog::info("demo: {} users created ({:.1f} s)", world.users.size(), elapsed());

  // 2. Catalogue and stores as CSV imports, the way an admin loads the ERP's master data.
  std::string products = "sku,name,ean,brand,range,price,launched_on,active\n";
  for (const auto& p : world.products) {
    products += fmt::format("{},{},{},{},{},{},{},{}\n", csv_cell(p.sku), csv_cell(p.name), p.ean,
                            csv_cell(p.brand), csv_cell(p.range), euros(p.price),
                            p.launched_on.value_or(""), p.active ? "true" : "false");
  }
  client.call(api::Method::post, "/api/v1/imports/products", admin_token, products, "text/csv");

  std::string stores =
      "code,name,banner,channel,address,postcode,city,lat,lon,timezone,potential,size_sqm,"
      "rep_email,visit_frequency_days,tags,mon,tue,wed,thu,fri,sat,sun\n";
  for (const auto& ds : world.stores) {
    const auto& s = ds.store;
    std::string tags;
    for (const auto& t : s.tags) tags.append(tags.empty() ? "" : "|").append(t);
    stores += fmt::format("{},{},{},{},{},{},{},{:.6f},{:.6f},{},{:.2f},{},{},{},{}", csv_cell(s.code),
                          csv_cell(s.name), csv_cell(s.banner), core::to_string(s.channel),
                          csv_cell(s.address), csv_cell(s.postcode), csv_cell(s.city),
                          s.location.lat, s.location.lon, s.timezone, s.potential, s.size_sqm,
                          ds.rep_email, s.visit_frequency_days, csv_cell(tags));
    for (const auto& day : s.opening_hours.days) stores.append(",").append(day_cell(day));
    stores += "\n";
  }
  client.call(api::Method::post, "/api/v1/imports/stores", admin_token, stores, "text/csv");

  std::map<std::string, core::Id> store_ids, product_ids;
  for (const auto& s : client.all("/api/v1/stores", admin_token)) {
    store_ids[std::string(s.at("code").as_string())] = s.at("id").as_int64();
  }
  for (const auto& p : client.all("/api/v1/products", admin_token)) {
    product_ids[std::string(p.at("sku").as_string())] = p.at("id").as_int64();
  }
  for (const auto& rule : world.assortment) {
    client.post("/api/v1/assortment-rules", admin_token,
                json::object{{"channel", core::to_string(rule.channel)},
                             {"product_id", product_ids.at(rule.sku)}});
  }
  spdlog::info("demo: {} products, {} stores, {} assortment rules imported ({:.1f} s)",
               world.products.size(), world.stores.size(), world.assortment.size(), elapsed());

  // 3. History: each rep records their own visits, audits and orders, as the app would.
  std::map<std::string, std::string> tokens;
  auto token_of = [&](const std::string& email) -> const std::string& {
    auto it = tokens.find(email);
    if (it == tokens.end()) it = tokens.emplace(email, client.login(email, passwords.at(email))).first;
    return it->second;
  };
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
      csv += fmt::format("{},{},{},{},{}\n", s.store_code, s.sku, s.week, s.units, euros(s.revenue));
    }
    client.call(api::Method::post, "/api/v1/imports/sales", admin_token, csv, "text/csv");
  }
  spdlog::info("demo: {} planned visits, {} sales rows; {} requests in {:.1f} s",
               world.planned.size(), world.sales.size(), client.requests(), elapsed());
}

}  // namespace boucle::cli
