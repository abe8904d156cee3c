#include "api/kpis.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "core/time.hpp"

// GET /api/v1/kpis and /api/v1/kpis/series: the retail-execution KPIs of SPEC §3 (docs/KPIS.md)
// for any universe of stores and period, computed from the CRM's snapshot (api/analytics.hpp).
namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Id;
using target::Day;
using target::Row;
namespace json = boost::json;

namespace {

constexpr int MAX_PERIOD_DAYS = 3 * 366;

double round_to(double v, double step) { return std::round(v / step) * step; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error bad_query(std::string field, std::string message) {
  return Error(ErrorCode::bad_query, "bad query parameter", {{std::move(field), std::move(message)}});
}

std::optional<Id> id_after(std::string_view spec, std::string_view prefix) {
  auto rest = spec.substr(prefix.size());
  if (rest.empty() || rest.size() > 18) return std::nullopt;
  Id v = 0;
  for (char c : rest) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<Id>(v) : std::nullopt;
}

Day query_day(RequestContext& ctx, std::string_view key, Day fallback) {
  auto s = ctx.query(key);
  if (!s) return fallback;
  auto d = core::parse_date_days(*s);
  if (!d) throw bad_query(std::string(key), "must be a date YYYY-MM-DD");
  return static_cast<Day>(*d);
}

std::vector<target::Kpi> query_kpis(RequestContext& ctx) {
  auto s = ctx.query("kpis");
  if (!s) return {std::begin(target::ALL_KPIS), std::end(target::ALL_KPIS)};
  std::vector<target::Kpi> out;
  std::size_t start = 0;
  while (start <= s->size()) {
    auto end = s->find(',', start);
    if (end == std::string::npos) end = s->size();
    auto name = std::string_view(*s).substr(start, end - start);
    auto kpi = target::parse_kpi(name);
    if (!kpi) {
      std::string known;
      for (auto k : target::ALL_KPIS) known += (known.empty() ? "" : ", ") + std::string(target::to_string(k));
      throw bad_query("kpis", "unknown KPI `" + std::string(name) + "`; known: " + known);
    }
    if (std::find(out.begin(), out.end(), *kpi) == out.end()) out.push_back(*kpi);
    start = end + 1;
  }
  return out;
}

struct Request {
  std::string universe;
  target::KpiQuery query;
};

Request read_request(RequestContext& ctx, const target::Facts& f, Day default_from) {
  Request r;
  const Day today = f.today();
  r.universe = ctx.query("universe").value_or(
      ctx.who().is_rep() ? "rep:" + std::to_string(ctx.who().user.meta.id) : "all");
  r.query.universe = resolve_universe(ctx, f, r.universe, ctx.query("where"));
  r.query.to = query_day(ctx, "to", today);
  r.query.from = query_day(ctx, "from", default_from);
  if (r.query.from > r.query.to) throw bad_query("from", "must not be after `to`");
  if (r.query.to - r.query.from >= MAX_PERIOD_DAYS) {
    throw bad_query("from", "the period may span at most " + std::to_string(MAX_PERIOD_DAYS) + " days");
  }
  r.query.range = resolve_range(f, ctx.query("range"), "range");
  r.query.product = resolve_product(f, ctx.query_id("product_id"), "product_id");
  r.query.kpis = query_kpis(ctx);
  return r;
}

json::object universe_json(const Request& r) {
  return json::object{{"spec", r.universe},
                      {"stores", static_cast<std::int64_t>(r.query.universe.stores.size())},
                      {"reps", static_cast<std::int64_t>(r.query.universe.reps.size())}};
}

json::object head_json(const Request& r, const target::Facts& f) {
  json::object o;
  o["universe"] = universe_json(r);
  o["from"] = core::format_date_days(r.query.from);
  o["to"] = core::format_date_days(r.query.to);
  o["range"] = r.query.range ? json::value(f.ranges.text(*r.query.range)) : json::value(nullptr);
  o["product_id"] =
      r.query.product ? json::value(f.products.id[*r.query.product]) : json::value(nullptr);
  o["as_of"] = core::format_timestamp(f.now);
  return o;
}

Response get_kpis(RequestContext& ctx) {
  auto facts = ctx.app.analytics().facts();
  const auto& f = *facts;
  auto r = read_request(ctx, f, f.today() - 27);
  json::array values;
  for (const auto& v : target::compute(f, r.query)) values.push_back(kpi_json(v));
  auto out = head_json(r, f);
  out["kpis"] = std::move(values);
  return json_response(200, out);
}

Response get_series(RequestContext& ctx) {
  auto facts = ctx.app.analytics().facts();
  const auto& f = *facts;
  auto r = read_request(ctx, f, target::monday_of(f.today()) - 51 * 7);
  const auto series = target::weekly(f, r.query);
  json::array weeks;
  for (Day w : series.weeks) weeks.emplace_back(core::format_date_days(w));
  json::array out_series;
  for (std::size_t i = 0; i < r.query.kpis.size(); ++i) {
    json::array values, numerators, denominators;
    for (const auto& week : series.values) {
      auto v = kpi_json(week[i]);
      values.push_back(v["value"]);
      numerators.push_back(v["numerator"]);
      denominators.push_back(v["denominator"]);
    }
    const auto units = target::units_of(r.query.kpis[i]);
    out_series.push_back(json::object{{"kpi", target::to_string(r.query.kpis[i])},
                                      {"unit", "percent"},
                                      {"numerator_unit", units.numerator},
                                      {"denominator_unit", units.denominator},
                                      {"values", std::move(values)},
                                      {"numerators", std::move(numerators)},
                                      {"denominators", std::move(denominators)}});
  }
  auto out = head_json(r, f);
  out["weeks"] = std::move(weeks);
  out["series"] = std::move(out_series);
  return json_response(200, out);
}

}  // namespace

json::object kpi_json(const target::KpiValue& v) {
  const auto units = target::units_of(v.kpi);
  return json::object{
      {"kpi", target::to_string(v.kpi)},
      {"value", std::isnan(v.value) ? json::value(nullptr) : json::value(round_to(100 * v.value, 0.01))},
      {"unit", "percent"},
      {"numerator", round_to(v.numerator, 0.001)},
      {"denominator", round_to(v.denominator, 0.001)},
      {"numerator_unit", units.numerator},
      {"denominator_unit", units.denominator}};
}

target::Universe resolve_universe(RequestContext& ctx, const target::Facts& f,
                                  std::string_view spec, const std::optional<std::string>& where) {
  const auto& s = f.stores;
  const std::size_t n = s.size();
  std::vector<std::uint8_t> in(n, 0);
  auto all = [&] { std::fill(in.begin(), in.end(), 1); };
  if (spec == "all") {
    all();
  } else if (spec == "team") {
    for (std::size_t r = 0; r < n; ++r) in[r] = s.rep[r] != 0;
  } else if (spec.starts_with("rep:")) {
    auto id = id_after(spec, "rep:");
    if (!id) throw bad_query("universe", "rep:ID needs a positive integer id");
    const bool visible = !ctx.who().is_rep() || *id == ctx.who().user.meta.id;
    auto user = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.user(*id); });
    if (!visible || !user || user->role != core::Role::rep) {
      throw Error(ErrorCode::not_found, "no rep " + std::to_string(*id));
    }
    for (std::size_t r = 0; r < n; ++r) in[r] = s.rep[r] == *id;
  } else if (spec.starts_with("segment:")) {
    auto id = id_after(spec, "segment:");
    if (!id) throw bad_query("universe", "segment:ID needs a positive integer id");
    auto members = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
      return tx.segment(*id) ? std::optional(tx.segment_member_ids(*id)) : std::nullopt;
    });
    if (!members) throw Error(ErrorCode::not_found, "no segment " + std::to_string(*id));
    for (Id store : *members) {
      if (auto r = f.row(store)) in[*r] = 1;
    }
  } else if (spec.starts_with("store:")) {
    auto id = id_after(spec, "store:");
    if (!id) throw bad_query("universe", "store:ID needs a positive integer id");
    auto r = f.row(*id);
    // Another rep's store is not found, exactly like one that does not exist (SPEC §5).
    if (!r || (ctx.who().is_rep() && s.rep[*r] != ctx.who().user.meta.id)) {
      throw Error(ErrorCode::not_found, "no store " + std::to_string(*id));
    }
    in[*r] = 1;
  } else if (spec.starts_with("region:") || spec.starts_with("department:")) {
    const bool region = spec.starts_with("region:");
    const auto name = lower(spec.substr(region ? 7 : 11));
    const auto& dict = region ? f.regions : f.departments;
    std::optional<std::uint32_t> code;
    for (std::size_t i = 0; i < dict.size(); ++i) {
      if (lower(dict.text(static_cast<std::uint32_t>(i))) == name) code = static_cast<std::uint32_t>(i);
    }
    if (!code) {
      std::string known;
      for (const auto& v : dict.values()) {
        if (!v.empty()) known += (known.empty() ? "" : ", ") + v;
      }
      throw bad_query("universe", std::string(region ? "unknown region" : "unknown department") +
                                      "; known here: " + known);
    }
    const auto& column = region ? s.region : s.department;
    for (std::size_t r = 0; r < n; ++r) in[r] = column[r] == *code;
  } else {
    throw bad_query("universe",
                    "must be all, team, rep:ID, segment:ID, store:ID, region:NAME or department:CODE");
  }
  // A rep never sees beyond their territory.
  if (ctx.who().is_rep()) {
    const Id me = ctx.who().user.meta.id;
    for (std::size_t r = 0; r < n; ++r) in[r] = in[r] && s.rep[r] == me;
  }
  target::Universe u;
  if (where) {
    auto& analytics = ctx.app.analytics();
    auto expression = analytics.parse(*where, f, "where");
    for (Row r : analytics.select(expression, f)) {
      if (in[r]) u.stores.push_back(r);
    }
  } else {
    for (std::size_t r = 0; r < n; ++r) {
      if (in[r]) u.stores.push_back(static_cast<Row>(r));
    }
  }
  // The reps whose driving counts: those who serve the universe's stores.
  for (Row r : u.stores) {
    if (s.rep[r]) u.reps.push_back(s.rep[r]);
  }
  std::sort(u.reps.begin(), u.reps.end());
  u.reps.erase(std::unique(u.reps.begin(), u.reps.end()), u.reps.end());
  return u;
}

std::optional<std::uint32_t> resolve_range(const target::Facts& f,
                                           const std::optional<std::string>& range,
                                           std::string_view field) {
  if (!range) return std::nullopt;
  const auto want = lower(*range);
  std::string known;
  for (std::size_t i = 0; i < f.ranges.size(); ++i) {
    const auto& name = f.ranges.text(static_cast<std::uint32_t>(i));
    if (lower(name) == want) return static_cast<std::uint32_t>(i);
    known += (known.empty() ? "" : ", ") + name;
  }
  throw Error(ErrorCode::validation, "unknown range",
              {{std::string(field), "no product range `" + *range + "`; known: " + known}});
}

std::optional<std::uint32_t> resolve_product(const target::Facts& f,
                                             std::optional<core::Id> product_id,
                                             std::string_view field) {
  if (!product_id) return std::nullopt;
  auto it = f.product_of.find(*product_id);
  if (it == f.product_of.end()) {
    throw Error(ErrorCode::validation, "unknown product",
                {{std::string(field), "no product " + std::to_string(*product_id)}});
  }
  return it->second;
}

void add_kpi_routes(Router& r) {
  r.add({Method::get, "/api/v1/kpis",
         "KPIs of a universe of stores over a period (a rep: their territory)", "kpis", {},
         Body::none, {"universe", "where", "from", "to", "range", "product_id", "kpis"}, "",
         "KpiValues", get_kpis});
  r.add({Method::get, "/api/v1/kpis/series",
         "Weekly KPI series of a universe of stores (a rep: their territory)", "kpis", {},
         Body::none, {"universe", "where", "from", "to", "range", "product_id", "kpis"}, "",
         "KpiSeries", get_series});
}

}  // namespace boucle::api
