#include <boost/json.hpp>

#include "api/app.hpp"
#include "api/changes.hpp"
#include "api/json_output.hpp"
#include "core/assert.hpp"

// GET /api/v1/changes?since=N: what changed after sequence N that the caller may see, read in
// one snapshot. Each record appears once, in its latest state; deletes appear as tombstones.
// A client stores `next_since` and asks again until `has_more` is false.
namespace boucle::api {

using core::Error;
using core::ErrorCode;
namespace json = boost::json;

namespace {

constexpr int DEFAULT_LIMIT = 500;
constexpr int MAX_LIMIT = 2000;

std::optional<json::object> record_json(storage::Tx& tx, const storage::Change& c) {
  const storage::Scope all;
  switch (c.kind) {
    case storage::EntityKind::user:
      if (auto u = tx.user(c.id)) return to_json(*u);
      break;
    case storage::EntityKind::store:
      if (auto s = tx.store(c.id, all)) return to_json(*s);
      break;
    case storage::EntityKind::product:
      if (auto p = tx.product(c.id)) return to_json(*p);
      break;
    case storage::EntityKind::assortment_rule:
      if (auto r = tx.assortment_rule(c.id)) return to_json(*r);
      break;
    case storage::EntityKind::visit:
      if (auto v = tx.visit(c.id, all)) return to_json(*v);
      break;
    case storage::EntityKind::audit:
      if (auto a = tx.audit(c.id, all)) return to_json(*a);
      break;
    case storage::EntityKind::order:
      if (auto o = tx.order(c.id, all)) return to_json(*o);
      break;
    case storage::EntityKind::attachment:
      if (auto a = tx.attachment(c.id, all)) return to_json(*a);
      break;
    case storage::EntityKind::sales:
      if (auto f = tx.sales_fact(c.id, all)) return to_json(*f);
      break;
    case storage::EntityKind::segment:
      if (auto g = tx.segment(c.id)) return to_json(*g);
      break;
    case storage::EntityKind::campaign:
      if (auto k = tx.campaign(c.id)) return to_json(*k);
      break;
    case storage::EntityKind::note:
      if (auto n = tx.note(c.id, all)) return to_json(*n);
      break;
    case storage::EntityKind::task:
      if (auto t = tx.task(c.id, all)) return to_json(*t);
      break;
    case storage::EntityKind::conflict:
      if (auto k = tx.conflict(c.id, all)) return to_json(*k);
      break;
  }
  return std::nullopt;
}

Response list_changes(RequestContext& ctx) {
  std::int64_t since = 0;
  if (auto s = ctx.query("since")) {
    try {
      std::size_t used = 0;
      since = std::stoll(*s, &used);
      if (used != s->size() || since < 0) throw std::invalid_argument("since");
    } catch (const std::exception&) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"since", "must be a non-negative integer sequence"}});
    }
  }
  int limit = DEFAULT_LIMIT;
  if (auto l = ctx.query("limit")) {
    try {
      std::size_t used = 0;
      limit = std::stoi(*l, &used);
      if (used != l->size() || limit < 1 || limit > MAX_LIMIT) throw std::invalid_argument("l");
    } catch (const std::exception&) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"limit", "must be an integer between 1 and " + std::to_string(MAX_LIMIT)}});
    }
  }
  json::object out;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    out = changes_page(tx, since, ctx.scope(), limit, true);
  });
  return json_response(200, out);
}

}  // namespace

json::object changes_page(storage::Tx& tx, core::Seq since, const storage::Scope& scope,
                          int limit, bool with_sales) {
  auto changes = tx.changes_since(since, scope, limit + 1, with_sales);
  const bool more = static_cast<int>(changes.size()) > limit;
  if (more) changes.pop_back();
  json::array items;
  for (const auto& c : changes) {
    json::object item{{"seq", c.seq},
                      {"kind", storage::to_string(c.kind)},
                      {"id", c.id},
                      {"deleted", c.deleted}};
    if (!c.deleted) {
      auto data = record_json(tx, c);
      BOUCLE_ASSERT(data.has_value(), "a live changed record can be read in the same snapshot");
      if (data) item["data"] = std::move(*data);
    }
    items.push_back(std::move(item));
  }
  json::object out;
  out["items"] = std::move(items);
  out["next_since"] = changes.empty() ? since : changes.back().seq;
  out["has_more"] = more;
  out["last_seq"] = tx.last_seq();
  return out;
}

void add_change_routes(Router& r) {
  r.add({Method::get, "/api/v1/changes",
         "Records changed after a sequence number that the caller may see (tombstones included)",
         "sync", {}, Body::none, {"since", "limit"}, "", "ChangeList", list_changes});
}

}  // namespace boucle::api
