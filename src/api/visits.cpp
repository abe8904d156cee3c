#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <span>

#include "api/app.hpp"
#include "api/json_input.hpp"
#include "api/json_output.hpp"
#include "api/visit_rules.hpp"
#include "core/assert.hpp"
#include "core/geo.hpp"
#include "core/time.hpp"

// Visits (with check-in and check-out), audits and orders: the records a rep writes in the
// field. A rep writes only in their territory; managers and admins anywhere. Client ids make
// creation idempotent: re-sending a create with the same client_id returns the first record.
//
// Each write is split into reading the input (read_*: typed values, every problem a FieldError
// on the reader) and applying it in a transaction (apply_*, insert_*), so that
// POST /visits/{id}/complete does check-in, audits, order and check-out in one transaction with
// exactly the rules of the single endpoints.
namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Role;
using core::VisitStatus;
namespace json = boost::json;

// Handlers and helpers of this file; the rules shared with sync.cpp (visit_rules.hpp) step out
// of it.
namespace {


constexpr core::UnixSeconds FUTURE_SLACK = 10 * 60;  // tolerated device clock skew
constexpr core::UnixSeconds EARLIEST = 946'684'800;  // 2000-01-01: older is a broken clock
constexpr std::string_view VISIT_STATUSES = "planned, in_progress, done, cancelled";
constexpr std::size_t MAX_AUDITS = 500;  // audits of one whole-visit upload (one per product)

// The fields of each body part that a nested object may hold (ObjectReader::finish refuses
// unknown fields of a whole body; nested objects are checked against these lists).
constexpr std::array<std::string_view, 4> CHECK_IN_FIELDS{"lat", "lon", "at", "reason"};
constexpr std::array<std::string_view, 5> CHECK_OUT_FIELDS{"lat", "lon", "at", "report",
                                                           "next_steps"};
constexpr std::array<std::string_view, 7> AUDIT_FIELDS{
    "product_id", "client_id", "present", "facings", "shelf_price_cents", "out_of_stock", "promo"};
constexpr std::array<std::string_view, 2> VISIT_ORDER_FIELDS{"lines", "client_id"};

core::Visit find_visit(storage::Tx& tx, RequestContext& ctx, core::Id id) {
  auto v = tx.visit(id, ctx.scope());
  if (!v) throw Error(ErrorCode::not_found, "no visit " + std::to_string(id));
  return *v;
}

void reject(std::string_view field, std::string message) {
  throw Error(ErrorCode::validation, "invalid request", {{std::string(field), std::move(message)}});
}

// A state conflict (409) that names the body field at fault.
[[noreturn]] void conflict(std::string detail, std::string field, std::string message) {
  throw Error(ErrorCode::conflict, std::move(detail), {{std::move(field), std::move(message)}});
}

// Flags the keys of a nested object that are not in `known`.
void refuse_unknown(ObjectReader& in, const json::object& object,
                    std::span<const std::string_view> known) {
  for (const auto& [key, value] : object) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
      in.error(key, "is not a known field");
    }
  }
}

// A time sent by a device: not in the future (beyond the tolerated clock skew), not absurd.
void check_device_time(ObjectReader& in, std::string_view key, std::optional<core::UnixSeconds> t) {
  if (t && *t > core::now_seconds() + FUTURE_SLACK) in.error(key, "must not be in the future");
  if (t && *t < EARLIEST) in.error(key, "must not be before 2000-01-01");
}

// The store a body names, which the caller must be allowed to see (else it is unknown).
core::Store referenced_store(storage::Tx& tx, RequestContext& ctx, core::Id id) {
  auto s = tx.store(id, ctx.scope());
  if (!s) reject("store_id", "no such store");
  return *s;
}

Response list_visits(RequestContext& ctx) {
  storage::VisitFilter f;
  f.store_id = ctx.query_id("store_id");
  f.rep_id = ctx.query_id("rep_id");
  if (auto s = ctx.query("status")) {
    f.status = core::parse_visit_status(*s);
    if (!f.status) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"status", "must be one of " + std::string(VISIT_STATUSES)}});
    }
  }
  auto page = ctx.page();
  auto result =
      storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.visits(f, ctx.scope(), page); });
  return page_response(result);
}

Response get_visit(RequestContext& ctx) {
  auto v = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return find_visit(tx, ctx, ctx.id()); });
  return item_response(200, to_json(v));
}

Response post_visit(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  auto type = in.enumeration<core::VisitType>("type", Need::optional, core::parse_visit_type,
                                              "deep, quick");
  auto planned_at = in.timestamp("planned_at", Need::optional);
  auto client_id = in.string("client_id", Need::optional, 64, 1);
  auto rep_id = in.integer("rep_id", Need::optional, 1, INT64_MAX);
  in.finish();
  if (rep_id && ctx.who().is_rep() && *rep_id != ctx.who().user.meta.id) {
    reject("rep_id", "a rep creates visits for themself only");
  }
  int status = 201;
  auto v = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (client_id) {
      if (auto existing = tx.visit_by_client_id(*client_id)) {
        if (!tx.visit(existing->meta.id, ctx.scope())) {
          throw Error(ErrorCode::conflict, "client_id is already used");
        }
        status = 200;
        return *existing;
      }
    }
    auto store = referenced_store(tx, ctx, *store_id);
    core::Visit v;
    v.client_id = client_id;
    v.store_id = store.meta.id;
    v.type = type.value_or(core::VisitType::quick);
    v.planned_at = planned_at;
    if (ctx.who().is_rep()) {
      v.rep_id = ctx.who().user.meta.id;
    } else if (rep_id) {
      auto rep = tx.user(*rep_id);
      if (!rep || rep->role != Role::rep) reject("rep_id", "no rep with this id");
      v.rep_id = *rep_id;
    } else if (store.assigned_rep_id) {
      v.rep_id = *store.assigned_rep_id;
    } else {
      reject("rep_id", "is required: the store has no assigned rep");
    }
    tx.insert_visit(v);
    return v;
  });
  return item_response(status, to_json(v));
}

Response patch_visit(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto v = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto v = find_visit(tx, ctx, ctx.id());
    ObjectReader in(body);
    if (auto t = in.enumeration<core::VisitType>("type", Need::optional, core::parse_visit_type,
                                                 "deep, quick"))
      v.type = *t;
    if (auto t = in.timestamp("planned_at", Need::optional)) v.planned_at = *t;
    if (auto s = in.string("report", Need::optional, 10'000)) v.report = *s;
    if (auto s = in.string("next_steps", Need::optional, 10'000)) v.next_steps = *s;
    auto status = in.enumeration<VisitStatus>("status", Need::optional,
                                              core::parse_visit_status, VISIT_STATUSES);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(v.meta.version, version);
    if (status && *status != v.status) {
      // Only cancelling (from planned or in progress) is done by PATCH; the other
      // transitions are check-in and check-out.
      if (*status != VisitStatus::cancelled || v.status == VisitStatus::done) {
        throw Error(ErrorCode::conflict,
                    "status " + std::string(core::to_string(v.status)) + " cannot become " +
                        std::string(core::to_string(*status)) + " by PATCH; use check-in/check-out");
      }
      v.status = *status;
    }
    tx.update_visit(v);
    return v;
  });
  return item_response(200, to_json(v));
}

// Check-in and check-out -----------------------------------------------------------------------


CheckInInput read_check_in(ObjectReader& in, Need at_need) {
  CheckInInput c;
  c.lat = in.number("lat", Need::required, -90, 90);
  c.lon = in.number("lon", Need::required, -180, 180);
  c.at = in.timestamp("at", at_need);
  c.reason = in.string("reason", Need::optional, 500);
  check_device_time(in, "at", c.at);
  return c;
}

}  // namespace

// planned → in progress at the given place and time: the server measures the distance to the
// store and flags a far check-in. Changes `v` only; the caller writes it.
void apply_check_in(storage::Tx& tx, const Config& config, core::Visit& v, const CheckInInput& c) {
  BOUCLE_ASSERT(c.lat && c.lon, "a check-in is applied only once its body was read without error");
  if (v.status != VisitStatus::planned) {
    throw Error(ErrorCode::conflict, "only a planned visit can be checked in; it is " +
                                         std::string(core::to_string(v.status)));
  }
  auto store = tx.store(v.store_id, storage::Scope{});
  BOUCLE_ASSERT(store.has_value(), "a visible visit has a visible store");
  v.checkin_at = c.at.value_or(core::now_seconds());
  v.checkin_position = core::GeoPoint{*c.lat, *c.lon};
  v.checkin_distance = core::great_circle_distance(*v.checkin_position, store->location);
  v.checkin_far = *v.checkin_distance > config.checkin_far;
  v.checkin_reason = c.reason.value_or("");
  v.status = VisitStatus::in_progress;
}

namespace {


CheckOutInput read_check_out(ObjectReader& in, Need at_need) {
  CheckOutInput c;
  c.lat = in.number("lat", Need::optional, -90, 90);
  c.lon = in.number("lon", Need::optional, -180, 180);
  c.at = in.timestamp("at", at_need);
  c.report = in.string("report", Need::optional, 10'000);
  c.next_steps = in.string("next_steps", Need::optional, 10'000);
  if (c.lat.has_value() != c.lon.has_value()) {
    in.error(c.lat ? "lon" : "lat", "lat and lon go together");
  }
  check_device_time(in, "at", c.at);
  return c;
}

}  // namespace

// in progress → done, with the report. `at_field` names the check-out time in an error (it must
// not be before the check-in). Changes `v` only; the caller writes it.
void apply_check_out(core::Visit& v, const CheckOutInput& c, std::string_view at_field) {
  if (v.status != VisitStatus::in_progress) {
    throw Error(ErrorCode::conflict, "only a visit in progress can be checked out; it is " +
                                         std::string(core::to_string(v.status)));
  }
  v.checkout_at = c.at.value_or(core::now_seconds());
  if (*v.checkout_at < *v.checkin_at) reject(at_field, "must not be before the check-in");
  if (c.lat) v.checkout_position = core::GeoPoint{*c.lat, *c.lon};
  if (c.report) v.report = *c.report;
  if (c.next_steps) v.next_steps = *c.next_steps;
  v.status = VisitStatus::done;
}

namespace {

Response check_in(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  const auto input = read_check_in(in, Need::optional);
  in.finish();
  auto v = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto v = find_visit(tx, ctx, ctx.id());
    apply_check_in(tx, ctx.app.config(), v, input);
    tx.update_visit(v);
    return v;
  });
  return item_response(200, to_json(v));
}

Response check_out(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  const auto input = read_check_out(in, Need::optional);
  in.finish();
  auto v = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto v = find_visit(tx, ctx, ctx.id());
    apply_check_out(v, input, "at");
    tx.update_visit(v);
    return v;
  });
  return item_response(200, to_json(v));
}

Response delete_visit(RequestContext& ctx) {
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto v = find_visit(tx, ctx, ctx.id());
    if (ctx.who().is_rep() && v.status != VisitStatus::planned) {
      throw Error(ErrorCode::conflict, "a rep deletes only planned visits; cancel instead");
    }
    tx.remove(storage::EntityKind::visit, v.meta.id);
  });
  return no_content();
}

// Audits ----------------------------------------------------------------------------------------

}  // namespace

void read_audit_fields(ObjectReader& in, core::Audit& a, bool creating) {
  const Need need = creating ? Need::required : Need::optional;
  if (auto v = in.boolean("present", need)) a.present = *v;
  if (auto v = in.integer("facings", Need::optional, 0, 1000)) a.facings = int(*v);
  if (in.is_null("shelf_price_cents")) {
    a.shelf_price.reset();
    in.integer("shelf_price_cents", Need::optional, 0, 100'000'000);
  } else if (auto v = in.integer("shelf_price_cents", Need::optional, 0, 100'000'000)) {
    a.shelf_price = *v;
  }
  if (auto v = in.boolean("out_of_stock", Need::optional)) a.out_of_stock = *v;
  if (auto v = in.boolean("promo", Need::optional)) a.promo = *v;
}


// What is wrong with a shelf reading as a whole (a problem of its "facings"), if anything.
std::optional<std::string> audit_problem(const core::Audit& a) {
  if (!a.present && a.facings > 0) return "must be 0 when the product is not present";
  return std::nullopt;
}

namespace {

// Reads a new audit's own fields (product, client id, shelf reading; the visit comes from the
// body of POST /audits or from the URL of /complete). Returns the product id.
std::optional<core::Id> read_new_audit(ObjectReader& in, core::Audit& a) {
  const auto errors_before = in.errors().size();
  auto product_id = in.integer("product_id", Need::required, 1, INT64_MAX);
  a.client_id = in.string("client_id", Need::optional, 64, 1);
  read_audit_fields(in, a, true);
  if (in.errors().size() == errors_before) {
    if (auto problem = audit_problem(a)) in.error("facings", std::move(*problem));
  }
  return product_id;
}

// The audit created earlier with this client id, if any. Another territory's client id is a
// conflict (`field` names it).
std::optional<core::Audit> audit_replay(storage::Tx& tx, RequestContext& ctx,
                                        const std::optional<std::string>& client_id,
                                        const std::string& field) {
  if (!client_id) return std::nullopt;
  auto existing = tx.audit_by_client_id(*client_id);
  if (!existing) return std::nullopt;
  if (!tx.audit(existing->meta.id, ctx.scope())) {
    conflict("client_id is already used", field, "is already used");
  }
  return existing;
}

}  // namespace

// Stores `a`, the audit of `product_id` in `visit`: the product must exist and not be audited
// in this visit yet. `prefix` ("" or "audits[3].") locates the body's fields in errors.
void insert_audit(storage::Tx& tx, const core::Visit& visit, core::Id product_id, core::Audit& a,
                  const std::string& prefix) {
  if (!tx.product(product_id)) reject(prefix + "product_id", "no such product");
  if (tx.audit_of(visit.meta.id, product_id)) {
    conflict("this product is already audited in this visit", prefix + "product_id",
             "is already audited in this visit");
  }
  a.visit_id = visit.meta.id;
  a.store_id = visit.store_id;
  a.rep_id = visit.rep_id;
  a.product_id = product_id;
  tx.insert_audit(a);
}

namespace {

core::Audit find_audit(storage::Tx& tx, RequestContext& ctx, core::Id id) {
  auto a = tx.audit(id, ctx.scope());
  if (!a) throw Error(ErrorCode::not_found, "no audit " + std::to_string(id));
  return *a;
}

Response list_audits(RequestContext& ctx) {
  storage::AuditFilter f{ctx.query_id("visit_id"), ctx.query_id("store_id")};
  auto page = ctx.page();
  auto result =
      storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.audits(f, ctx.scope(), page); });
  return page_response(result);
}

Response get_audit(RequestContext& ctx) {
  auto a = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return find_audit(tx, ctx, ctx.id()); });
  return item_response(200, to_json(a));
}

Response post_audit(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  core::Audit a;
  auto visit_id = in.integer("visit_id", Need::required, 1, INT64_MAX);
  auto product_id = read_new_audit(in, a);
  in.finish();
  int status = 201;
  a = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (auto existing = audit_replay(tx, ctx, a.client_id, "client_id")) {
      status = 200;
      return *existing;
    }
    auto visit = tx.visit(*visit_id, ctx.scope());
    if (!visit) reject("visit_id", "no such visit");
    if (visit->status == VisitStatus::cancelled) reject("visit_id", "the visit is cancelled");
    insert_audit(tx, *visit, *product_id, a, "");
    return a;
  });
  return item_response(status, to_json(a));
}

Response patch_audit(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto a = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto a = find_audit(tx, ctx, ctx.id());
    ObjectReader in(body);
    read_audit_fields(in, a, false);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(a.meta.version, version);
    if (auto problem = audit_problem(a)) reject("facings", std::move(*problem));
    tx.update_audit(a);
    return a;
  });
  return item_response(200, to_json(a));
}

Response delete_audit(RequestContext& ctx) {
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto a = find_audit(tx, ctx, ctx.id());
    tx.remove(storage::EntityKind::audit, a.meta.id);
  });
  return no_content();
}

// Orders ----------------------------------------------------------------------------------------

}  // namespace

// Reads "lines"; a line without unit_price_cents takes the product's list price. `base` is the
// path of `in` in the body ("" or "order.") so that errors name "order.lines[2].quantity".
std::vector<core::OrderLine> read_lines(storage::Tx& tx, ObjectReader& in, Need need,
                                        std::string_view base) {
  std::vector<core::OrderLine> lines;
  const auto* arr = in.array("lines", need, 500);
  if (!arr) return lines;
  if (arr->empty()) in.error("lines", "must hold at least one line");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string prefix = "lines[" + std::to_string(i) + "]";
    const auto* obj = (*arr)[i].if_object();
    if (!obj) {
      in.error(prefix, "must be an object");
      continue;
    }
    auto line = in.nested(*obj, std::string(base) + prefix);
    auto product_id = line.integer("product_id", Need::required, 1, INT64_MAX);
    auto quantity = line.integer("quantity", Need::required, 1, 1'000'000);
    auto price = line.integer("unit_price_cents", Need::optional, 0, 100'000'000);
    for (const auto& [key, value] : *obj) {
      if (key != "product_id" && key != "quantity" && key != "unit_price_cents") {
        line.error(key, "is not a known field");
      }
    }
    if (!product_id || !quantity) continue;
    auto product = tx.product(*product_id);
    if (!product) {
      line.error("product_id", "no such product");
      continue;
    }
    lines.push_back({*product_id, int(*quantity), price.value_or(product->price)});
  }
  return lines;
}

namespace {

// The order created earlier with this client id, if any. Another territory's client id is a
// conflict (`field` names it).
std::optional<core::Order> order_replay(storage::Tx& tx, RequestContext& ctx,
                                        const std::optional<std::string>& client_id,
                                        const std::string& field) {
  if (!client_id) return std::nullopt;
  auto existing = tx.order_by_client_id(*client_id);
  if (!existing) return std::nullopt;
  if (!tx.order(existing->meta.id, ctx.scope())) {
    conflict("client_id is already used", field, "is already used");
  }
  return existing;
}

}  // namespace

// An order taken during `visit`: the visit's store and rep.
void attach_to_visit(core::Order& o, const core::Visit& visit) {
  o.visit_id = visit.meta.id;
  o.store_id = visit.store_id;
  o.rep_id = visit.rep_id;
}

namespace {

core::Order find_order(storage::Tx& tx, RequestContext& ctx, core::Id id) {
  auto o = tx.order(id, ctx.scope());
  if (!o) throw Error(ErrorCode::not_found, "no order " + std::to_string(id));
  return *o;
}

Response list_orders(RequestContext& ctx) {
  storage::OrderFilter f{ctx.query_id("visit_id"), ctx.query_id("store_id")};
  auto page = ctx.page();
  auto result =
      storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.orders(f, ctx.scope(), page); });
  return page_response(result);
}

Response get_order(RequestContext& ctx) {
  auto o = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return find_order(tx, ctx, ctx.id()); });
  return item_response(200, to_json(o));
}

Response post_order(RequestContext& ctx) {
  auto body = ctx.body_object();
  int status = 201;
  auto o = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    ObjectReader in(body);
    core::Order o;
    auto store_id = in.integer("store_id", Need::optional, 1, INT64_MAX);
    auto visit_id = in.integer("visit_id", Need::optional, 1, INT64_MAX);
    o.client_id = in.string("client_id", Need::optional, 64, 1);
    if (auto s = in.enumeration<core::OrderStatus>("status", Need::optional,
                                                   core::parse_order_status,
                                                   "draft, confirmed, cancelled"))
      o.status = *s;
    o.lines = read_lines(tx, in, Need::required);
    if (!store_id && !visit_id) in.error("store_id", "store_id or visit_id is required");
    in.finish();
    if (auto existing = order_replay(tx, ctx, o.client_id, "client_id")) {
      status = 200;
      return *existing;
    }
    if (visit_id) {
      auto visit = tx.visit(*visit_id, ctx.scope());
      if (!visit) reject("visit_id", "no such visit");
      if (store_id && *store_id != visit->store_id) reject("store_id", "is not the visit's store");
      attach_to_visit(o, *visit);
    } else {
      auto store = referenced_store(tx, ctx, *store_id);
      o.store_id = store.meta.id;
      if (ctx.who().is_rep()) {
        o.rep_id = ctx.who().user.meta.id;
      } else if (store.assigned_rep_id) {
        o.rep_id = *store.assigned_rep_id;
      } else {
        o.rep_id = ctx.who().user.meta.id;
      }
    }
    tx.insert_order(o);
    return o;
  });
  return item_response(status, to_json(o));
}

Response patch_order(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto o = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto o = find_order(tx, ctx, ctx.id());
    ObjectReader in(body);
    auto status = in.enumeration<core::OrderStatus>("status", Need::optional,
                                                    core::parse_order_status,
                                                    "draft, confirmed, cancelled");
    auto lines = in.has("lines") ? read_lines(tx, in, Need::optional)
                                 : std::vector<core::OrderLine>{};
    const bool lines_given = in.has("lines");
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(o.meta.version, version);
    if (o.status == core::OrderStatus::cancelled) {
      throw Error(ErrorCode::conflict, "a cancelled order cannot change");
    }
    if (status) o.status = *status;
    if (lines_given) o.lines = lines;
    tx.update_order(o);
    return o;
  });
  return item_response(200, to_json(o));
}

Response delete_order(RequestContext& ctx) {
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto o = find_order(tx, ctx, ctx.id());
    tx.remove(storage::EntityKind::order, o.meta.id);
  });
  return no_content();
}

// A whole visit in one request ------------------------------------------------------------------

// A visit done offline, uploaded at once: check-in, audits, order and check-out of a planned
// visit in one transaction, with the rules of the single endpoints. Any error writes nothing.
Response complete_visit(RequestContext& ctx) {
  auto body = ctx.body_object();
  struct NewAudit {
    std::size_t index = 0;
    core::Id product_id = 0;
    core::Audit audit;
  };
  json::array audit_ids;
  std::optional<core::Id> order_id;
  auto v = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    ObjectReader in(body);
    auto type = in.enumeration<core::VisitType>("type", Need::optional, core::parse_visit_type,
                                                "deep, quick");
    CheckInInput checkin;
    if (const auto* obj = in.object("checkin", Need::required)) {
      auto r = in.nested(*obj, "checkin");
      refuse_unknown(r, *obj, CHECK_IN_FIELDS);
      checkin = read_check_in(r, Need::required);
    }
    CheckOutInput checkout;
    if (const auto* obj = in.object("checkout", Need::required)) {
      auto r = in.nested(*obj, "checkout");
      refuse_unknown(r, *obj, CHECK_OUT_FIELDS);
      checkout = read_check_out(r, Need::required);
    }
    std::vector<NewAudit> audits;
    if (const auto* arr = in.array("audits", Need::optional, MAX_AUDITS)) {
      std::map<core::Id, std::size_t> first_of_product;
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const std::string prefix = "audits[" + std::to_string(i) + "]";
        const auto* obj = (*arr)[i].if_object();
        if (!obj) {
          in.error(prefix, "must be an object");
          continue;
        }
        auto r = in.nested(*obj, prefix);
        refuse_unknown(r, *obj, AUDIT_FIELDS);
        NewAudit a;
        a.index = i;
        auto product_id = read_new_audit(r, a.audit);
        if (!product_id) continue;
        if (auto [it, added] = first_of_product.emplace(*product_id, i); !added) {
          r.error("product_id", "is audited twice in this visit (first in audits[" +
                                    std::to_string(it->second) + "])");
          continue;
        }
        a.product_id = *product_id;
        audits.push_back(std::move(a));
      }
    }
    // No order when "order" is absent or has no lines.
    std::optional<core::Order> order;
    if (const auto* obj = in.object("order", Need::optional)) {
      auto r = in.nested(*obj, "order");
      refuse_unknown(r, *obj, VISIT_ORDER_FIELDS);
      auto client_id = r.string("client_id", Need::optional, 64, 1);
      const auto* lines = obj->if_contains("lines");
      const bool empty =
          !lines || lines->is_null() || (lines->is_array() && lines->get_array().empty());
      if (!empty) {
        order.emplace();
        order->client_id = std::move(client_id);
        order->lines = read_lines(tx, r, Need::required, "order.");
      }
    }
    in.finish();

    auto v = find_visit(tx, ctx, ctx.id());
    if (v.status != VisitStatus::planned) {
      throw Error(ErrorCode::conflict, "only a planned visit can be completed; it is " +
                                           std::string(core::to_string(v.status)));
    }
    if (type) v.type = *type;
    apply_check_in(tx, ctx.app.config(), v, checkin);
    apply_check_out(v, checkout, "checkout.at");
    for (auto& a : audits) {
      const std::string prefix = "audits[" + std::to_string(a.index) + "].";
      if (auto existing = audit_replay(tx, ctx, a.audit.client_id, prefix + "client_id")) {
        // Sent before for this visit (POST /audits while it was planned): the same audit.
        if (existing->visit_id != v.meta.id) {
          conflict("client_id is already used by an audit of another visit", prefix + "client_id",
                   "is already used by an audit of another visit");
        }
        audit_ids.push_back(existing->meta.id);
        continue;
      }
      insert_audit(tx, v, a.product_id, a.audit, prefix);
      audit_ids.push_back(a.audit.meta.id);
    }
    if (order) {
      if (auto existing = order_replay(tx, ctx, order->client_id, "order.client_id")) {
        if (existing->visit_id != v.meta.id) {
          conflict("client_id is already used by an order of another visit", "order.client_id",
                   "is already used by an order of another visit");
        }
        order_id = existing->meta.id;
      } else {
        attach_to_visit(*order, v);
        tx.insert_order(*order);
        order_id = order->meta.id;
      }
    }
    tx.update_visit(v);
    return v;
  });
  auto out = to_json(v);
  out["audit_ids"] = std::move(audit_ids);
  out["order_id"] = order_id ? json::value(*order_id) : json::value(nullptr);
  return item_response(200, out);
}

}  // namespace

void add_visit_routes(Router& r) {
  r.add({Method::get,
         "/api/v1/visits",
         "List visits",
         "visits",
         {},
         Body::none,
         {"limit", "cursor", "store_id", "rep_id", "status"},
         "",
         "VisitList",
         list_visits});
  r.add({Method::post,
         "/api/v1/visits",
         "Create (plan) a visit of a store",
         "visits",
         {},
         Body::json,
         {},
         "VisitCreate",
         "Visit",
         post_visit});
  r.add({Method::get,
         "/api/v1/visits/{id}",
         "Get a visit",
         "visits",
         {},
         Body::none,
         {},
         "",
         "Visit",
         get_visit});
  r.add({Method::patch,
         "/api/v1/visits/{id}",
         "Update or cancel a visit (If-Match or version)",
         "visits",
         {},
         Body::json,
         {},
         "VisitPatch",
         "Visit",
         patch_visit});
  r.add({Method::del,
         "/api/v1/visits/{id}",
         "Delete a visit (tombstone)",
         "visits",
         {},
         Body::none,
         {},
         "",
         "",
         delete_visit});
  r.add({Method::post,
         "/api/v1/visits/{id}/check-in",
         "Check in with GPS: the server computes the distance to the store and flags it if far",
         "visits",
         {},
         Body::json,
         {},
         "CheckIn",
         "Visit",
         check_in});
  r.add({Method::post,
         "/api/v1/visits/{id}/check-out",
         "Check out, with the report",
         "visits",
         {},
         Body::json,
         {},
         "CheckOut",
         "Visit",
         check_out});
  r.add({Method::post,
         "/api/v1/visits/{id}/complete",
         "Upload a whole planned visit (check-in, audits, order, check-out) in one transaction",
         "visits",
         {},
         Body::json,
         {},
         "VisitComplete",
         "VisitCompleted",
         complete_visit});
}

void add_audit_routes(Router& r) {
  r.add({Method::get,
         "/api/v1/audits",
         "List shelf audits",
         "audits",
         {},
         Body::none,
         {"limit", "cursor", "visit_id", "store_id"},
         "",
         "AuditList",
         list_audits});
  r.add({Method::post,
         "/api/v1/audits",
         "Record one product's shelf audit in a visit",
         "audits",
         {},
         Body::json,
         {},
         "AuditCreate",
         "Audit",
         post_audit});
  r.add({Method::get,
         "/api/v1/audits/{id}",
         "Get an audit",
         "audits",
         {},
         Body::none,
         {},
         "",
         "Audit",
         get_audit});
  r.add({Method::patch,
         "/api/v1/audits/{id}",
         "Correct an audit (If-Match or version)",
         "audits",
         {},
         Body::json,
         {},
         "AuditPatch",
         "Audit",
         patch_audit});
  r.add({Method::del,
         "/api/v1/audits/{id}",
         "Delete an audit (tombstone)",
         "audits",
         {},
         Body::none,
         {},
         "",
         "",
         delete_audit});
}

void add_order_routes(Router& r) {
  r.add({Method::get,
         "/api/v1/orders",
         "List orders",
         "orders",
         {},
         Body::none,
         {"limit", "cursor", "visit_id", "store_id"},
         "",
         "OrderList",
         list_orders});
  r.add({Method::post,
         "/api/v1/orders",
         "Take an order",
         "orders",
         {},
         Body::json,
         {},
         "OrderCreate",
         "Order",
         post_order});
  r.add({Method::get,
         "/api/v1/orders/{id}",
         "Get an order",
         "orders",
         {},
         Body::none,
         {},
         "",
         "Order",
         get_order});
  r.add({Method::patch,
         "/api/v1/orders/{id}",
         "Change an order (If-Match or version)",
         "orders",
         {},
         Body::json,
         {},
         "OrderPatch",
         "Order",
         patch_order});
  r.add({Method::del,
         "/api/v1/orders/{id}",
         "Delete an order (tombstone)",
         "orders",
         {},
         Body::none,
         {},
         "",
         "",
         delete_order});
}

}  // namespace boucle::api
