#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "api/analytics.hpp"
#include "api/app.hpp"
#include "api/json_input.hpp"
#include "api/json_output.hpp"
#include "core/time.hpp"

// Targeting (docs/TARGETING.md): the fields an expression may name, a live preview of an
// expression (count, counts by rep and region, a sample), explain for one store, and saved
// segments with their members, membership history, counts, GeoJSON and refresh.
// Managers and admins only: segments span every territory.
namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Id;
using core::Role;
using target::Row;
namespace json = boost::json;

namespace {

constexpr std::size_t MAX_EXPRESSION_BYTES = 65'536;
constexpr int MAX_SAMPLE = 100;

const Access MANAGERS = Access::only({Role::admin, Role::manager});

json::array reads_json(std::uint32_t reads) {
  json::array out;
  const std::pair<std::uint32_t, const char*> names[] = {
      {target::Reads::STORES, "stores"}, {target::Reads::VISITS, "visits"},
      {target::Reads::AUDITS, "audits"}, {target::Reads::SALES, "sales"},
      {target::Reads::CLOCK, "clock"},   {target::Reads::CUSTOM, "custom"}};
  for (const auto& [bit, name] : names) {
    if (reads & bit) out.emplace_back(name);
  }
  return out;
}

json::object store_brief(const target::Facts& f, Row r) {
  const auto& s = f.stores;
  return json::object{{"id", s.id[r]},
                      {"code", s.code[r]},
                      {"name", s.name[r]},
                      {"channel", core::to_string(static_cast<core::Channel>(s.channel[r]))},
                      {"banner", f.banners.text(s.banner[r])},
                      {"town", f.towns.text(s.town[r])},
                      {"lat", s.lat[r]},
                      {"lon", s.lon[r]},
                      {"potential", s.potential[r]},
                      {"rep_id", s.rep[r] ? json::value(s.rep[r]) : json::value(nullptr)}};
}

// Counts of `rows` by assigned rep (with names) and by region, largest first.
json::object counts_json(storage::Storage& db, const target::Facts& f,
                         const std::vector<Row>& rows) {
  std::map<Id, std::int64_t> by_rep;
  std::map<std::uint32_t, std::int64_t> by_region;
  for (Row r : rows) {
    ++by_rep[f.stores.rep[r]];
    ++by_region[f.stores.region[r]];
  }
  std::map<Id, std::string> names;
  storage::read(db, [&](storage::Tx& tx) {
    for (const auto& [rep, n] : by_rep) {
      if (rep == 0) continue;
      if (auto u = tx.user(rep)) names[rep] = u->name;
    }
  });
  std::vector<std::pair<Id, std::int64_t>> reps(by_rep.begin(), by_rep.end());
  std::stable_sort(reps.begin(), reps.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  json::array rep_items;
  for (const auto& [rep, n] : reps) {
    rep_items.push_back(json::object{{"rep_id", rep ? json::value(rep) : json::value(nullptr)},
                                     {"name", rep ? json::value(names[rep]) : json::value(nullptr)},
                                     {"count", n}});
  }
  std::vector<std::pair<std::uint32_t, std::int64_t>> regions(by_region.begin(), by_region.end());
  std::stable_sort(regions.begin(), regions.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  json::array region_items;
  for (const auto& [region, n] : regions) {
    region_items.push_back(json::object{{"region", f.regions.text(region)}, {"count", n}});
  }
  return json::object{{"count", static_cast<std::int64_t>(rows.size())},
                      {"stores_total", static_cast<std::int64_t>(f.stores.size())},
                      {"by_rep", std::move(rep_items)},
                      {"by_region", std::move(region_items)}};
}

json::object explanation_json(const target::Explanation& e) {
  json::object o{{"clause", e.clause}, {"met", e.met}};
  if (!e.observed.empty()) o["observed"] = e.observed;
  if (!e.children.empty()) {
    json::array children;
    for (const auto& c : e.children) children.push_back(explanation_json(c));
    o["children"] = std::move(children);
  }
  return o;
}

json::object explain_json(const target::Facts& f, const target::Expression& e, Row r) {
  return json::object{{"store", store_brief(f, r)},
                      {"expression", e.canonical()},
                      {"explanation", explanation_json(target::explain(e, f, r))}};
}

Row row_of_store(const target::Facts& f, Id store_id) {
  auto row = f.row(store_id);
  if (!row) throw Error(ErrorCode::not_found, "no store " + std::to_string(store_id));
  return *row;
}

// The current members of a segment as rows of `f` (members deleted since are left out).
std::vector<Row> member_rows(storage::Storage& db, const target::Facts& f, Id segment_id) {
  auto ids = storage::read(db, [&](storage::Tx& tx) { return tx.segment_member_ids(segment_id); });
  std::vector<Row> rows;
  rows.reserve(ids.size());
  for (Id id : ids) {
    if (auto r = f.row(id)) rows.push_back(*r);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

core::Segment find_segment(storage::Storage& db, Id id) {
  auto g = storage::read(db, [&](storage::Tx& tx) { return tx.segment(id); });
  if (!g) throw Error(ErrorCode::not_found, "no segment " + std::to_string(id));
  return *g;
}

// A dynamic segment is brought up to date before it is read.
core::Segment current_segment(RequestContext& ctx) {
  auto g = find_segment(ctx.app.db(), ctx.id());
  if (g.dynamic && ctx.app.analytics().refresh(g.meta.id, false)) {
    g = find_segment(ctx.app.db(), ctx.id());
  }
  return g;
}

// Fields ----------------------------------------------------------------------------------------

Response list_fields(RequestContext& ctx) {
  json::array items;
  for (const auto& spec : ctx.app.analytics().registry().fields()) {
    json::array params;
    for (const auto& p : spec->params) {
      params.push_back(json::object{
          {"name", p.name},
          {"kind", p.kind == target::Param::Kind::number ? "number" : "text"}});
    }
    json::array known;
    for (const auto& v : spec->known_values) known.emplace_back(v);
    items.push_back(json::object{{"name", spec->name},
                                 {"type", target::to_string(spec->type)},
                                 {"params", std::move(params)},
                                 {"doc", spec->doc},
                                 {"reads", reads_json(spec->reads)},
                                 {"known_values", std::move(known)}});
  }
  return json_response(200, json::object{{"items", std::move(items)}});
}

// Preview and explain -------------------------------------------------------------------------

Response preview(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto text = in.string("expression", Need::required, MAX_EXPRESSION_BYTES, 1);
  auto sample = in.integer("sample", Need::optional, 0, MAX_SAMPLE);
  in.finish();
  auto& analytics = ctx.app.analytics();
  auto facts = analytics.facts();
  auto expression = analytics.parse(*text, *facts);
  const auto rows = analytics.select(expression, *facts);
  auto out = counts_json(ctx.app.db(), *facts, rows);
  out["expression"] = expression.canonical();
  out["reads"] = reads_json(expression.reads());
  json::array items;
  const auto n = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(sample.value_or(10)));
  for (std::size_t i = 0; i < n; ++i) items.push_back(store_brief(*facts, rows[i]));
  out["sample"] = std::move(items);
  return json_response(200, out);
}

Response explain_expression(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto text = in.string("expression", Need::required, MAX_EXPRESSION_BYTES, 1);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  in.finish();
  auto& analytics = ctx.app.analytics();
  auto facts = analytics.facts();
  auto expression = analytics.parse(*text, *facts);
  return json_response(200, explain_json(*facts, expression, row_of_store(*facts, *store_id)));
}

// Segments ------------------------------------------------------------------------------------

void read_segment_fields(ObjectReader& in, core::Segment& g, bool creating) {
  const Need need = creating ? Need::required : Need::optional;
  if (auto v = in.string("name", need, 120, 1)) g.name = *v;
  if (auto v = in.string("description", Need::optional, 2000)) g.description = *v;
  if (auto v = in.string("expression", need, MAX_EXPRESSION_BYTES, 1)) g.expression = *v;
  if (auto v = in.boolean("dynamic", Need::optional)) g.dynamic = *v;
}

Response list_segments(RequestContext& ctx) {
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.segments(page); });
  return page_response(result);
}

Response get_segment(RequestContext& ctx) { return item_response(200, to_json(current_segment(ctx))); }

Response post_segment(RequestContext& ctx) {
  auto body = ctx.body_object();
  core::Segment g;
  ObjectReader in(body);
  read_segment_fields(in, g, true);
  in.finish();
  auto& analytics = ctx.app.analytics();
  auto facts = analytics.facts();
  g.expression = analytics.parse(g.expression, *facts).canonical();
  g.created_by = ctx.who().user.meta.id;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (tx.segment_by_name(g.name)) {
      throw Error(ErrorCode::conflict, "segment name " + g.name + " is already taken");
    }
    tx.insert_segment(g);
  });
  analytics.refresh(g.meta.id, true);
  return item_response(201, to_json(find_segment(ctx.app.db(), g.meta.id)));
}

Response patch_segment(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto& analytics = ctx.app.analytics();
  auto facts = analytics.facts();
  bool expression_changed = false;
  auto g = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto g = tx.segment(ctx.id());
    if (!g) throw Error(ErrorCode::not_found, "no segment " + std::to_string(ctx.id()));
    const std::string old_name = g->name, old_expression = g->expression;
    const bool was_dynamic = g->dynamic;
    ObjectReader in(body);
    read_segment_fields(in, *g, false);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(g->meta.version, version);
    g->expression = analytics.parse(g->expression, *facts).canonical();
    if (g->name != old_name && tx.segment_by_name(g->name)) {
      throw Error(ErrorCode::conflict, "segment name " + g->name + " is already taken");
    }
    expression_changed = g->expression != old_expression || (g->dynamic && !was_dynamic);
    tx.update_segment(*g);
    return *g;
  });
  if (expression_changed) {
    analytics.refresh(g.meta.id, true);
    g = find_segment(ctx.app.db(), g.meta.id);
  }
  return item_response(200, to_json(g));
}

Response delete_segment(RequestContext& ctx) {
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto g = tx.segment(ctx.id());
    if (!g) throw Error(ErrorCode::not_found, "no segment " + std::to_string(ctx.id()));
    storage::Page page{0, 500};
    while (true) {
      auto r = tx.campaigns(page);
      for (const auto& c : r.items) {
        if (c.segment_id == g->meta.id && c.status != core::CampaignStatus::ended) {
          throw Error(ErrorCode::conflict, "campaign " + std::to_string(c.meta.id) + " (" +
                                               c.name + ") still targets this segment");
        }
      }
      if (!r.next_after) break;
      page.after = *r.next_after;
    }
    tx.remove(storage::EntityKind::segment, g->meta.id);
  });
  return no_content();
}

Response refresh_segment(RequestContext& ctx) {
  find_segment(ctx.app.db(), ctx.id());
  auto r = ctx.app.analytics().refresh(ctx.id(), true);
  if (!r) throw Error(ErrorCode::not_found, "no segment " + std::to_string(ctx.id()));
  auto g = find_segment(ctx.app.db(), ctx.id());
  return json_response(200, json::object{{"segment", to_json(g)},
                                         {"joined", r->joined},
                                         {"left", r->left},
                                         {"members", r->members}});
}

Response segment_members(RequestContext& ctx) {
  current_segment(ctx);
  auto page = ctx.page();
  auto facts = ctx.app.analytics().facts();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.segment_members(ctx.id(), ctx.scope(), page);
  });
  json::array items;
  for (const auto& m : result.items) {
    json::object item;
    if (auto r = facts->row(m.store_id)) {
      item = store_brief(*facts, *r);
    } else {
      item["id"] = m.store_id;
    }
    item["since"] = core::format_timestamp(m.since);
    items.push_back(std::move(item));
  }
  return list_response(std::move(items), result.next_after);
}

Response segment_history(RequestContext& ctx) {
  current_segment(ctx);
  auto page = ctx.page();
  auto store = ctx.query_id("store_id");
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.segment_events(ctx.id(), store, page);
  });
  return page_response(result);
}

Response segment_explain(RequestContext& ctx) {
  auto g = current_segment(ctx);
  auto store = ctx.query_id("store_id");
  if (!store) throw Error(ErrorCode::bad_query, "bad query parameter", {{"store_id", "is required"}});
  auto& analytics = ctx.app.analytics();
  auto facts = analytics.facts();
  auto expression = target::Expression::parse(g.expression, analytics.registry());
  auto out = explain_json(*facts, expression, row_of_store(*facts, *store));
  const auto members = storage::read(
      ctx.app.db(), [&](storage::Tx& tx) { return tx.segment_member_ids(g.meta.id); });
  out["member"] = std::binary_search(members.begin(), members.end(), *store);
  return json_response(200, out);
}

Response segment_counts(RequestContext& ctx) {
  auto g = current_segment(ctx);
  auto facts = ctx.app.analytics().facts();
  auto out = counts_json(ctx.app.db(), *facts, member_rows(ctx.app.db(), *facts, g.meta.id));
  out["segment_id"] = g.meta.id;
  return json_response(200, out);
}

// The members as a GeoJSON FeatureCollection of points (RFC 7946: [lon, lat]).
Response segment_geojson(RequestContext& ctx) {
  auto g = current_segment(ctx);
  auto facts = ctx.app.analytics().facts();
  json::array features;
  for (Row r : member_rows(ctx.app.db(), *facts, g.meta.id)) {
    auto props = store_brief(*facts, r);
    props.erase("lat");
    props.erase("lon");
    features.push_back(json::object{
        {"type", "Feature"},
        {"id", facts->stores.id[r]},
        {"geometry", json::object{{"type", "Point"},
                                  {"coordinates", json::array{facts->stores.lon[r],
                                                              facts->stores.lat[r]}}}},
        {"properties", std::move(props)}});
  }
  Response out = json_response(
      200, json::object{{"type", "FeatureCollection"},
                        {"name", g.name},
                        {"features", std::move(features)}});
  out.content_type = "application/geo+json";
  return out;
}

}  // namespace

void add_segment_routes(Router& r) {
  r.add({Method::get, "/api/v1/targeting/fields", "The fields targeting expressions may name",
         "targeting", MANAGERS, Body::none, {}, "", "TargetingFields", list_fields});
  r.add({Method::post, "/api/v1/targeting/preview",
         "Evaluate an expression: count, counts by rep and region, a sample of stores",
         "targeting", MANAGERS, Body::json, {}, "TargetingPreviewInput", "TargetingPreview",
         preview});
  r.add({Method::post, "/api/v1/targeting/explain",
         "Which clauses of an expression one store meets or misses", "targeting", MANAGERS,
         Body::json, {}, "TargetingExplainInput", "TargetingExplanation", explain_expression});
  r.add({Method::get, "/api/v1/segments", "List saved segments", "targeting", MANAGERS,
         Body::none, {"limit", "cursor"}, "", "SegmentList", list_segments});
  r.add({Method::post, "/api/v1/segments", "Save a segment (its members are computed at once)",
         "targeting", MANAGERS, Body::json, {}, "SegmentCreate", "Segment", post_segment});
  r.add({Method::get, "/api/v1/segments/{id}", "Get a segment (a dynamic one is brought up to date)",
         "targeting", MANAGERS, Body::none, {}, "", "Segment", get_segment});
  r.add({Method::patch, "/api/v1/segments/{id}",
         "Rename, re-describe or change the expression of a segment (If-Match or version)",
         "targeting", MANAGERS, Body::json, {}, "SegmentPatch", "Segment", patch_segment});
  r.add({Method::del, "/api/v1/segments/{id}", "Delete a segment no live campaign targets",
         "targeting", MANAGERS, Body::none, {}, "", "", delete_segment});
  r.add({Method::post, "/api/v1/segments/{id}/refresh",
         "Re-evaluate a segment now and record who joined and who left", "targeting", MANAGERS,
         Body::none, {}, "", "SegmentRefresh", refresh_segment});
  r.add({Method::get, "/api/v1/segments/{id}/members", "The segment's stores, by id",
         "targeting", MANAGERS, Body::none, {"limit", "cursor"}, "", "SegmentMembers",
         segment_members});
  r.add({Method::get, "/api/v1/segments/{id}/history",
         "Who joined and who left the segment, and when (oldest first)", "targeting", MANAGERS,
         Body::none, {"limit", "cursor", "store_id"}, "", "SegmentHistory", segment_history});
  r.add({Method::get, "/api/v1/segments/{id}/explain",
         "Why a store is or is not in the segment, clause by clause", "targeting", MANAGERS,
         Body::none, {"store_id"}, "", "TargetingExplanation", segment_explain});
  r.add({Method::get, "/api/v1/segments/{id}/counts", "Member counts by rep and by region",
         "targeting", MANAGERS, Body::none, {}, "", "SegmentCounts", segment_counts});
  r.add({Method::get, "/api/v1/segments/{id}/geojson",
         "The members as a GeoJSON FeatureCollection of points, for maps", "targeting",
         MANAGERS, Body::none, {}, "", "FeatureCollection", segment_geojson});
}

}  // namespace boucle::api
