#include "sim/crm.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <exception>
#include <stdexcept>
#include <thread>

#include "api/users.hpp"
#include "core/json.hpp"
#include "core/time.hpp"

namespace boucle::sim {

namespace json = boost::json;

namespace {

std::string day_cell(const std::vector<core::Interval>& day) {
  std::string out;
  for (const auto& iv : day) {
    if (!out.empty()) out += ' ';
    out += core::format_hhmm(iv.open);
    out += '-';
    out += core::format_hhmm(iv.close);
  }
  return out;
}

json::object user_body(const Account& du) {
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

json::value CrmClient::call(api::Method method, const std::string& target, const std::string& token,
                            const std::string& body, const std::string& content_type) {
  api::Request req;
  req.method = method;
  req.target = target;
  if (!token.empty()) req.authorization = "Bearer " + token;
  req.body = body;
  req.content_type = body.empty() ? "" : content_type;
  auto res = app_.handle(req);
  ++requests_;
  if (res.status >= 300) {
    throw std::runtime_error(fmt::format("CRM request {} {} answered {}: {}",
                                         api::to_string(method), target, res.status, res.body));
  }
  return res.body.empty() ? json::value() : json::parse(res.body);
}

json::value CrmClient::post(const std::string& target, const std::string& token,
                            const json::value& body) {
  return call(api::Method::post, target, token, json::serialize(body));
}

std::string CrmClient::login(const std::string& email, const std::string& password) {
  auto r = post("/api/v1/auth/login", "", json::object{{"email", email}, {"password", password}});
  return std::string(r.at("token").as_string());
}

std::vector<json::object> CrmClient::all(const std::string& path, const std::string& token) {
  std::vector<json::object> out;
  std::string cursor;
  while (true) {
    std::string target = path + "?limit=500";
    if (!cursor.empty()) target.append("&cursor=").append(cursor);
    auto r = call(api::Method::get, target, token);
    for (auto& item : r.at("items").as_array()) out.push_back(item.as_object());
    if (r.at("next_cursor").is_null()) break;
    cursor = std::string(r.at("next_cursor").as_string());
  }
  return out;
}

std::string csv_cell(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string euros_text(core::Cents c) { return fmt::format("{}.{:02}", c / 100, c % 100); }

CrmIds load_master_data(CrmClient& client, const MasterData& data) {
  CrmIds ids;
  const auto& admin = data.users.at(0);
  ids.users[admin.user.email] =
      api::create_user(client.app().db(), admin.user, admin.password).meta.id;
  const std::string admin_token = client.login(admin.user.email, admin.password);
  ids.tokens[admin.user.email] = admin_token;
  for (std::size_t i = 1; i < data.users.size(); ++i) {
    const auto& u = data.users[i];
    auto created = client.post("/api/v1/users", admin_token, user_body(u));
    ids.users[u.user.email] = created.at("id").as_int64();
  }
  // Logins verify an Argon2id hash each (about a tenth of a second): two at a time.
  std::vector<std::string> tokens(data.users.size());
  auto login_from = [&](std::size_t first) {
    CrmClient own(client.app());
    for (std::size_t i = first; i < data.users.size(); i += 2) {
      tokens[i] = own.login(data.users[i].user.email, data.users[i].password);
    }
  };
  std::exception_ptr failure;
  std::thread other([&] {
    try {
      login_from(2);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  login_from(1);
  other.join();
  if (failure) std::rethrow_exception(failure);
  for (std::size_t i = 1; i < data.users.size(); ++i)
    ids.tokens[data.users[i].user.email] = tokens[i];

  std::string products = "sku,name,ean,brand,range,price,launched_on,active\n";
  for (const auto& p : data.products) {
    products += fmt::format("{},{},{},{},{},{},{},{}\n", csv_cell(p.sku), csv_cell(p.name), p.ean,
                            csv_cell(p.brand), csv_cell(p.range), euros_text(p.price),
                            p.launched_on.value_or(""), p.active ? "true" : "false");
  }
  client.call(api::Method::post, "/api/v1/imports/products", admin_token, products, "text/csv");

  std::string stores =
      "code,name,banner,channel,address,postcode,city,lat,lon,timezone,potential,size_sqm,"
      "rep_email,visit_frequency_days,tags,mon,tue,wed,thu,fri,sat,sun\n";
  for (const auto& ds : data.stores) {
    const auto& s = ds.store;
    std::string tags;
    for (const auto& t : s.tags) tags.append(tags.empty() ? "" : "|").append(t);
    stores += fmt::format("{},{},{},{},{},{},{},{:.6f},{:.6f},{},{:.2f},{},{},{},{}",
                          csv_cell(s.code), csv_cell(s.name), csv_cell(s.banner),
                          core::to_string(s.channel), csv_cell(s.address), csv_cell(s.postcode),
                          csv_cell(s.city), s.location.lat, s.location.lon, s.timezone, s.potential,
                          s.size_sqm, ds.rep_email, s.visit_frequency_days, csv_cell(tags));
    for (const auto& day : s.opening_hours.days) stores.append(",").append(day_cell(day));
    stores += "\n";
  }
  client.call(api::Method::post, "/api/v1/imports/stores", admin_token, stores, "text/csv");

  for (const auto& s : client.all("/api/v1/stores", admin_token)) {
    ids.stores[std::string(s.at("code").as_string())] = s.at("id").as_int64();
  }
  for (const auto& p : client.all("/api/v1/products", admin_token)) {
    ids.products[std::string(p.at("sku").as_string())] = p.at("id").as_int64();
  }
  for (const auto& rule : data.assortment) {
    client.post("/api/v1/assortment-rules", admin_token,
                json::object{{"channel", core::to_string(rule.channel)},
                             {"product_id", ids.products.at(rule.sku)}});
  }
  return ids;
}

}  // namespace boucle::sim
