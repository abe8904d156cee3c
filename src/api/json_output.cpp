#include "api/json_output.hpp"

#include <boost/json.hpp>

#include "core/json.hpp"
#include "core/time.hpp"

namespace boucle::api {

namespace json = boost::json;

namespace {

void put_meta(json::object& o, const core::RecordMeta& m) {
  o["id"] = m.id;
  o["version"] = m.version;
  o["seq"] = m.seq;
  o["created_at"] = core::format_timestamp(m.created_at);
  o["updated_at"] = core::format_timestamp(m.updated_at);
}

json::value opt_time(const std::optional<core::UnixSeconds>& t) {
  return t ? json::value(core::format_timestamp(*t)) : json::value(nullptr);
}

template <typename T>
json::value opt(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

json::object to_json(const core::User& u) {
  json::object o;
  put_meta(o, u.meta);
  o["email"] = u.email;
  o["name"] = u.name;
  o["role"] = core::to_string(u.role);
  o["home"] = u.home ? json::value(json::object{{"lat", u.home->lat}, {"lon", u.home->lon}})
                     : json::value(nullptr);
  o["working_hours"] = core::weekly_hours_to_json(u.working_hours);
  o["lunch_start"] = core::format_hhmm(u.lunch_start);
  o["lunch_end"] = core::format_hhmm(u.lunch_end);
  o["lunch_minutes"] = u.lunch_minutes;
  o["overnight_allowed"] = u.overnight_allowed;
  o["max_daily_driving_minutes"] = u.max_daily_driving;
  o["active"] = u.active;
  return o;
}

json::object to_json(const core::Store& s) {
  json::object o;
  put_meta(o, s.meta);
  o["code"] = s.code;
  o["name"] = s.name;
  o["banner"] = s.banner;
  o["channel"] = core::to_string(s.channel);
  o["address"] = s.address;
  o["postcode"] = s.postcode;
  o["city"] = s.city;
  o["lat"] = s.location.lat;
  o["lon"] = s.location.lon;
  o["timezone"] = s.timezone;
  o["opening_hours"] = core::weekly_hours_to_json(s.opening_hours);
  o["potential"] = s.potential;
  o["size_sqm"] = s.size_sqm;
  o["assigned_rep_id"] = opt(s.assigned_rep_id);
  o["visit_frequency_days"] = s.visit_frequency_days;
  o["tags"] = core::strings_to_json(s.tags);
  return o;
}

json::object to_json(const core::Product& p) {
  json::object o;
  put_meta(o, p.meta);
  o["sku"] = p.sku;
  o["ean"] = p.ean;
  o["name"] = p.name;
  o["brand"] = p.brand;
  o["range"] = p.range;
  o["price_cents"] = p.price;
  o["launched_on"] = opt(p.launched_on);
  o["active"] = p.active;
  return o;
}

json::object to_json(const core::AssortmentRule& r) {
  json::object o;
  put_meta(o, r.meta);
  o["channel"] = core::to_string(r.channel);
  o["product_id"] = r.product_id;
  return o;
}

json::object to_json(const core::Visit& v) {
  json::object o;
  put_meta(o, v.meta);
  o["client_id"] = opt(v.client_id);
  o["store_id"] = v.store_id;
  o["rep_id"] = v.rep_id;
  o["type"] = core::to_string(v.type);
  o["status"] = core::to_string(v.status);
  o["planned_at"] = opt_time(v.planned_at);
  if (v.checkin_at) {
    json::object c{{"at", core::format_timestamp(*v.checkin_at)},
                   {"distance_m", opt(v.checkin_distance)},
                   {"far", v.checkin_far},
                   {"reason", v.checkin_reason}};
    c["lat"] = v.checkin_position ? json::value(v.checkin_position->lat) : json::value(nullptr);
    c["lon"] = v.checkin_position ? json::value(v.checkin_position->lon) : json::value(nullptr);
    o["checkin"] = std::move(c);
  } else {
    o["checkin"] = nullptr;
  }
  if (v.checkout_at) {
    json::object c{{"at", core::format_timestamp(*v.checkout_at)}};
    c["lat"] = v.checkout_position ? json::value(v.checkout_position->lat) : json::value(nullptr);
    c["lon"] = v.checkout_position ? json::value(v.checkout_position->lon) : json::value(nullptr);
    o["checkout"] = std::move(c);
  } else {
    o["checkout"] = nullptr;
  }
  o["report"] = v.report;
  o["next_steps"] = v.next_steps;
  return o;
}

json::object to_json(const core::Audit& a) {
  json::object o;
  put_meta(o, a.meta);
  o["client_id"] = opt(a.client_id);
  o["visit_id"] = a.visit_id;
  o["store_id"] = a.store_id;
  o["rep_id"] = a.rep_id;
  o["product_id"] = a.product_id;
  o["present"] = a.present;
  o["facings"] = a.facings;
  o["shelf_price_cents"] = opt(a.shelf_price);
  o["out_of_stock"] = a.out_of_stock;
  o["promo"] = a.promo;
  return o;
}

json::object to_json(const core::Order& order) {
  json::object o;
  put_meta(o, order.meta);
  o["client_id"] = opt(order.client_id);
  o["visit_id"] = opt(order.visit_id);
  o["store_id"] = order.store_id;
  o["rep_id"] = order.rep_id;
  o["status"] = core::to_string(order.status);
  json::array lines;
  for (const auto& l : order.lines) {
    lines.push_back(json::object{{"product_id", l.product_id},
                                 {"quantity", l.quantity},
                                 {"unit_price_cents", l.unit_price}});
  }
  o["lines"] = std::move(lines);
  o["total_cents"] = order.total();
  return o;
}

json::object to_json(const core::SalesFact& f) {
  return json::object{{"id", f.id},          {"store_id", f.store_id},
                      {"product_id", f.product_id}, {"week", f.week},
                      {"units", f.units},    {"revenue_cents", f.revenue},
                      {"seq", f.seq}};
}

json::object to_json(const core::Attachment& a) {
  json::object o;
  put_meta(o, a.meta);
  o["sha256"] = a.sha256;
  o["content_type"] = a.content_type;
  o["size_bytes"] = a.size_bytes;
  o["store_id"] = a.store_id;
  o["visit_id"] = opt(a.visit_id);
  o["rep_id"] = a.rep_id;
  o["filename"] = a.filename;
  o["client_id"] = opt(a.client_id);
  return o;
}

json::object to_json(const core::Note& n) {
  json::object o;
  put_meta(o, n.meta);
  o["client_id"] = n.client_id;
  o["store_id"] = n.store_id;
  o["author_id"] = n.author_id;
  o["text"] = n.text;
  return o;
}

json::object to_json(const core::Task& t) {
  json::object o;
  put_meta(o, t.meta);
  o["client_id"] = t.client_id;
  o["store_id"] = t.store_id;
  o["author_id"] = t.author_id;
  o["title"] = t.title;
  o["done"] = t.done;
  o["due_date"] = opt(t.due_date);
  return o;
}

// Values are stored as JSON texts; they go out as JSON values.
json::object to_json(const core::Conflict& c) {
  json::object o;
  put_meta(o, c.meta);
  o["store_id"] = c.store_id;
  o["field"] = c.field;
  o["base"] = json::parse(c.base_value);
  o["client_value"] = json::parse(c.client_value);
  o["server_value"] = json::parse(c.server_value);
  o["user_id"] = c.user_id;
  o["status"] = c.status == core::ConflictStatus::open ? "open" : "resolved";
  o["resolution"] = c.resolution;
  o["resolved_by"] = opt(c.resolved_by);
  return o;
}

json::object to_json(const core::Segment& g) {
  json::object o;
  put_meta(o, g.meta);
  o["name"] = g.name;
  o["description"] = g.description;
  o["expression"] = g.expression;
  o["dynamic"] = g.dynamic;
  o["member_count"] = g.member_count;
  o["refreshed_at"] = opt_time(g.refreshed_at);
  o["created_by"] = opt(g.created_by);
  return o;
}

json::object to_json(const core::SegmentEvent& e) {
  return json::object{{"id", e.id},
                      {"segment_id", e.segment_id},
                      {"store_id", e.store_id},
                      {"change", e.joined ? "joined" : "left"},
                      {"at", core::format_timestamp(e.at)}};
}

json::object to_json(const core::Campaign& c) {
  json::object o;
  put_meta(o, c.meta);
  o["name"] = c.name;
  o["description"] = c.description;
  o["segment_id"] = c.segment_id;
  o["status"] = core::to_string(c.status);
  o["objective"] = json::object{{"kpi", c.kpi},
                                {"range", opt(c.range)},
                                {"product_id", opt(c.product_id)},
                                {"baseline", opt(c.baseline)},
                                {"goal", c.goal}};
  o["start_date"] = c.start_date;
  o["end_date"] = c.end_date;
  o["visit_value_eur"] = static_cast<double>(c.visit_value) / 1e6;
  o["control_share"] = c.control_share;
  o["seed"] = c.seed;
  boost::system::error_code ec;
  auto tpl = json::parse(c.visit_template, ec);
  o["visit_template"] = ec ? json::value(json::object{}) : std::move(tpl);
  return o;
}

}  // namespace boucle::api
