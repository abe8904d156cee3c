#include "api/stores.hpp"

#include <boost/json.hpp>

#include "api/app.hpp"
#include "api/json_input.hpp"
#include "api/json_output.hpp"
#include "core/time.hpp"

namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Role;
namespace json = boost::json;

namespace {

constexpr std::string_view CHANNELS = "hyper, super, proxi, drive, cash_carry, specialist, other";

void read_store_fields(ObjectReader& in, core::Store& s, bool creating) {
  const Need need = creating ? Need::required : Need::optional;
  if (auto v = in.string("code", need, 64, 1)) s.code = *v;
  if (auto v = in.string("name", need, 200, 1)) s.name = *v;
  if (auto v = in.string("banner", Need::optional, 100)) s.banner = *v;
  if (auto v = in.enumeration<core::Channel>("channel", Need::optional, core::parse_channel,
                                             CHANNELS))
    s.channel = *v;
  if (auto v = in.string("address", Need::optional, 300)) s.address = *v;
  if (auto v = in.string("postcode", Need::optional, 16)) s.postcode = *v;
  if (auto v = in.string("city", Need::optional, 120)) s.city = *v;
  if (auto v = in.number("lat", need, -90, 90)) s.location.lat = *v;
  if (auto v = in.number("lon", need, -180, 180)) s.location.lon = *v;
  if (auto v = in.string("timezone", Need::optional, 64)) s.timezone = *v;
  if (auto v = in.weekly_hours("opening_hours", Need::optional)) s.opening_hours = *v;
  if (auto v = in.number("potential", Need::optional, 0, 1e9)) s.potential = *v;
  if (auto v = in.integer("size_sqm", Need::optional, 0, 1'000'000)) s.size_sqm = int(*v);
  if (in.is_null("assigned_rep_id")) {
    s.assigned_rep_id.reset();
    in.integer("assigned_rep_id", Need::optional, 1, INT64_MAX);
  } else if (auto v = in.integer("assigned_rep_id", Need::optional, 1, INT64_MAX)) {
    s.assigned_rep_id = *v;
  }
  if (auto v = in.integer("visit_frequency_days", Need::optional, 1, 365))
    s.visit_frequency_days = int(*v);
  if (auto v = in.string_list("tags", Need::optional, 20, 40)) s.tags = *v;
}

void read_product_fields(ObjectReader& in, core::Product& p, bool creating) {
  const Need need = creating ? Need::required : Need::optional;
  if (auto v = in.string("sku", need, 64, 1)) p.sku = *v;
  if (auto v = in.string("name", need, 200, 1)) p.name = *v;
  if (auto v = in.string("ean", Need::optional, 13)) p.ean = *v;
  if (auto v = in.string("brand", Need::optional, 100)) p.brand = *v;
  if (auto v = in.string("range", Need::optional, 100)) p.range = *v;
  if (auto v = in.integer("price_cents", Need::optional, 0, 100'000'000)) p.price = *v;
  if (in.is_null("launched_on")) {
    p.launched_on.reset();
    in.date("launched_on", Need::optional);
  } else if (auto v = in.date("launched_on", Need::optional)) {
    p.launched_on = *v;
  }
  if (auto v = in.boolean("active", Need::optional)) p.active = *v;
}

core::Store find_store(storage::Tx& tx, RequestContext& ctx, core::Id id) {
  auto s = tx.store(id, ctx.scope());
  if (!s) throw Error(ErrorCode::not_found, "no store " + std::to_string(id));
  return *s;
}

Response list_stores(RequestContext& ctx) {
  storage::StoreFilter filter;
  filter.assigned_rep_id = ctx.query_id("rep_id");
  if (auto c = ctx.query("channel")) {
    filter.channel = core::parse_channel(*c);
    if (!filter.channel) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"channel", "must be one of " + std::string(CHANNELS)}});
    }
  }
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.stores(filter, ctx.scope(), page);
  });
  return page_response(result);
}

Response get_store(RequestContext& ctx) {
  auto s = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return find_store(tx, ctx, ctx.id()); });
  return item_response(200, to_json(s));
}

Response post_store(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto s = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    core::Store s;
    ObjectReader in(body);
    read_store_fields(in, s, true);
    in.finish();
    std::vector<core::FieldError> errors;
    check_store(tx, s, errors);
    if (!errors.empty()) throw Error(ErrorCode::validation, "invalid store", errors);
    if (tx.store_by_code(s.code)) {
      throw Error(ErrorCode::conflict, "store code " + s.code + " is already taken");
    }
    tx.insert_store(s);
    return s;
  });
  return item_response(201, to_json(s));
}

Response patch_store(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto s = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto s = find_store(tx, ctx, ctx.id());
    const std::string old_code = s.code;
    ObjectReader in(body);
    read_store_fields(in, s, false);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(s.meta.version, version);
    std::vector<core::FieldError> errors;
    check_store(tx, s, errors);
    if (!errors.empty()) throw Error(ErrorCode::validation, "invalid store", errors);
    if (s.code != old_code && tx.store_by_code(s.code)) {
      throw Error(ErrorCode::conflict, "store code " + s.code + " is already taken");
    }
    tx.update_store(s);
    return s;
  });
  return item_response(200, to_json(s));
}

Response delete_store(RequestContext& ctx) {
  return tombstone(ctx, storage::EntityKind::store, ctx.id(), "store");
}

Response list_products(RequestContext& ctx) {
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.products(page); });
  return page_response(result);
}

Response get_product(RequestContext& ctx) {
  auto p = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.product(ctx.id()); });
  if (!p) throw Error(ErrorCode::not_found, "no product " + std::to_string(ctx.id()));
  return item_response(200, to_json(*p));
}

Response post_product(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  core::Product p;
  read_product_fields(in, p, true);
  in.finish();
  std::vector<core::FieldError> errors;
  check_product(p, errors);
  if (!errors.empty()) throw Error(ErrorCode::validation, "invalid product", errors);
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (tx.product_by_sku(p.sku)) {
      throw Error(ErrorCode::conflict, "sku " + p.sku + " is already taken");
    }
    tx.insert_product(p);
  });
  return item_response(201, to_json(p));
}

Response patch_product(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto p = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto p = tx.product(ctx.id());
    if (!p) throw Error(ErrorCode::not_found, "no product " + std::to_string(ctx.id()));
    const std::string old_sku = p->sku;
    ObjectReader in(body);
    read_product_fields(in, *p, false);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(p->meta.version, version);
    std::vector<core::FieldError> errors;
    check_product(*p, errors);
    if (!errors.empty()) throw Error(ErrorCode::validation, "invalid product", errors);
    if (p->sku != old_sku && tx.product_by_sku(p->sku)) {
      throw Error(ErrorCode::conflict, "sku " + p->sku + " is already taken");
    }
    tx.update_product(*p);
    return *p;
  });
  return item_response(200, to_json(p));
}

Response delete_product(RequestContext& ctx) {
  return tombstone(ctx, storage::EntityKind::product, ctx.id(), "product");
}

Response list_rules(RequestContext& ctx) {
  std::optional<core::Channel> channel;
  if (auto c = ctx.query("channel")) {
    channel = core::parse_channel(*c);
    if (!channel) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"channel", "must be one of " + std::string(CHANNELS)}});
    }
  }
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.assortment_rules(channel, page);
  });
  return page_response(result);
}

Response post_rule(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  core::AssortmentRule rule;
  auto channel = in.enumeration<core::Channel>("channel", Need::required, core::parse_channel,
                                               CHANNELS);
  auto product_id = in.integer("product_id", Need::required, 1, INT64_MAX);
  in.finish();
  rule.channel = *channel;
  rule.product_id = *product_id;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (!tx.product(rule.product_id)) {
      throw Error(ErrorCode::validation, "invalid rule", {{"product_id", "no such product"}});
    }
    tx.insert_assortment_rule(rule);
  });
  return item_response(201, to_json(rule));
}

Response delete_rule(RequestContext& ctx) {
  return tombstone(ctx, storage::EntityKind::assortment_rule, ctx.id(), "assortment rule");
}

}  // namespace

void check_store(storage::Tx& tx, const core::Store& s, std::vector<core::FieldError>& errors) {
  if (!core::is_known_time_zone(s.timezone)) {
    errors.push_back({"timezone", "must be an IANA time zone such as Europe/Paris"});
  }
  if (s.assigned_rep_id) {
    auto rep = tx.user(*s.assigned_rep_id);
    if (!rep || rep->role != Role::rep) {
      errors.push_back({"assigned_rep_id", "no rep with this id"});
    }
  }
}

void check_product(const core::Product& p, std::vector<core::FieldError>& errors) {
  if (p.ean.empty()) return;
  bool digits = p.ean.size() == 8 || p.ean.size() == 13;
  for (char c : p.ean) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    errors.push_back({"ean", "must be 8 or 13 digits"});
    return;
  }
  // GS1 check digit: weights 3 and 1 alternating from the right, excluding the check digit.
  int sum = 0;
  const std::size_t n = p.ean.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const int d = p.ean[n - 2 - i] - '0';
    sum += (i % 2 == 0) ? 3 * d : d;
  }
  if ((10 - sum % 10) % 10 != p.ean[n - 1] - '0') {
    errors.push_back({"ean", "check digit is wrong"});
  }
}

void add_store_routes(Router& r) {
  const Access staff = Access::only({Role::admin, Role::manager});
  r.add({Method::get, "/api/v1/stores", "List stores (a rep sees their territory)", "stores", {},
         Body::none, {"limit", "cursor", "rep_id", "channel"}, "", "StoreList", list_stores});
  r.add({Method::post, "/api/v1/stores", "Create a store", "stores", staff, Body::json, {},
         "StoreCreate", "Store", post_store});
  r.add({Method::get, "/api/v1/stores/{id}", "Get a store", "stores", {}, Body::none, {}, "",
         "Store", get_store});
  r.add({Method::patch, "/api/v1/stores/{id}", "Update a store (If-Match or version)", "stores",
         staff, Body::json, {}, "StorePatch", "Store", patch_store});
  r.add({Method::del, "/api/v1/stores/{id}", "Delete a store (tombstone)", "stores", staff,
         Body::none, {}, "", "", delete_store});
}

void add_product_routes(Router& r) {
  const Access staff = Access::only({Role::admin, Role::manager});
  r.add({Method::get, "/api/v1/products", "List products", "products", {}, Body::none,
         {"limit", "cursor"}, "", "ProductList", list_products});
  r.add({Method::post, "/api/v1/products", "Create a product", "products", staff, Body::json, {},
         "ProductCreate", "Product", post_product});
  r.add({Method::get, "/api/v1/products/{id}", "Get a product", "products", {}, Body::none, {},
         "", "Product", get_product});
  r.add({Method::patch, "/api/v1/products/{id}", "Update a product (If-Match or version)",
         "products", staff, Body::json, {}, "ProductPatch", "Product", patch_product});
  r.add({Method::del, "/api/v1/products/{id}", "Delete a product (tombstone)", "products", staff,
         Body::none, {}, "", "", delete_product});
  r.add({Method::get, "/api/v1/assortment-rules", "List assortment rules", "products", {},
         Body::none, {"limit", "cursor", "channel"}, "", "AssortmentRuleList", list_rules});
  r.add({Method::post, "/api/v1/assortment-rules",
         "Say that stores of a channel should carry a product", "products", staff, Body::json, {},
         "AssortmentRuleCreate", "AssortmentRule", post_rule});
  r.add({Method::del, "/api/v1/assortment-rules/{id}", "Delete an assortment rule", "products",
         staff, Body::none, {}, "", "", delete_rule});
}

}  // namespace boucle::api
