#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "api/analytics.hpp"
#include "api/app.hpp"
#include "api/json_input.hpp"
#include "api/json_output.hpp"
#include "api/kpis.hpp"
#include "core/time.hpp"

// Campaigns (SPEC §2): an objective on a KPI over a segment, a guided visit template, progress
// week by week against the objective and against a control group of member stores held back.
// Active campaigns add their visit value to the planner's prizes (plans.cpp).
namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Id;
using core::Role;
using target::Day;
using target::Row;
namespace json = boost::json;

namespace {

const Access MANAGERS = Access::only({Role::admin, Role::manager});
constexpr std::string_view STATUSES = "draft, active, ended";
constexpr std::size_t MAX_TEMPLATE_ITEMS = 50;
constexpr double MAX_VISIT_VALUE_EUR = 10'000;

bool is_key(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The guided visit template: {"audits": [{"range": R} | {"product_id": P}], "fields":
// [{"key", "label", "type": number|text|boolean|choice, "choices"?: […]}], "actions": [text]}.
json::object read_template(ObjectReader& parent, const json::object& tpl, storage::Tx& tx,
                           const target::Facts& facts) {
  auto in = parent.nested(tpl, "visit_template");
  json::object out;
  json::array audits, fields, actions;
  if (const auto* list = in.array("audits", Need::optional, MAX_TEMPLATE_ITEMS)) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string prefix = "visit_template.audits[" + std::to_string(i) + "]";
      const auto* item = (*list)[i].if_object();
      if (!item) {
        in.error("audits[" + std::to_string(i) + "]", "must be an object {range} or {product_id}");
        continue;
      }
      auto a = in.nested(*item, prefix);
      auto range = a.string("range", Need::optional, 100, 1);
      auto product = a.integer("product_id", Need::optional, 1, INT64_MAX);
      if (range.has_value() == product.has_value()) {
        a.error("range", "give either a range or a product_id");
      } else if (range) {
        bool known = false;
        for (const auto& name : facts.ranges.values()) known = known || name == *range;
        if (!known) a.error("range", "no product range `" + *range + "`");
        audits.push_back(json::object{{"range", *range}});
      } else if (!tx.product(*product)) {
        a.error("product_id", "no product " + std::to_string(*product));
      } else {
        audits.push_back(json::object{{"product_id", *product}});
      }
      a.flag_unread();
    }
  }
  if (const auto* list = in.array("fields", Need::optional, MAX_TEMPLATE_ITEMS)) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto* item = (*list)[i].if_object();
      if (!item) {
        in.error("fields[" + std::to_string(i) + "]", "must be an object {key, label, type}");
        continue;
      }
      auto fr = in.nested(*item, "visit_template.fields[" + std::to_string(i) + "]");
      auto key = fr.string("key", Need::required, 40, 1);
      auto label = fr.string("label", Need::required, 200, 1);
      auto type = fr.string("type", Need::required, 16, 1);
      auto choices = fr.string_list("choices", Need::optional, 30, 100);
      if (key && !is_key(*key)) fr.error("key", "must be lower-case letters, digits or _");
      if (type && *type != "number" && *type != "text" && *type != "boolean" && *type != "choice") {
        fr.error("type", "must be one of number, text, boolean, choice");
      }
      if (type && *type == "choice" && (!choices || choices->empty())) {
        fr.error("choices", "a choice field lists its choices");
      }
      if (key && label && type) {
        json::object field{{"key", *key}, {"label", *label}, {"type", *type}};
        if (choices) {
          json::array c;
          for (const auto& v : *choices) c.emplace_back(v);
          field["choices"] = std::move(c);
        }
        fields.push_back(std::move(field));
      }
      fr.flag_unread();
    }
  }
  if (auto list = in.string_list("actions", Need::optional, MAX_TEMPLATE_ITEMS, 200)) {
    for (const auto& a : *list) actions.emplace_back(a);
  }
  in.flag_unread();
  out["audits"] = std::move(audits);
  out["fields"] = std::move(fields);
  out["actions"] = std::move(actions);
  return out;
}

core::Campaign find_campaign(storage::Storage& db, Id id) {
  auto c = storage::read(db, [&](storage::Tx& tx) { return tx.campaign(id); });
  if (!c) throw Error(ErrorCode::not_found, "no campaign " + std::to_string(id));
  return *c;
}

// The member rows of the campaign's segment, split into treated and held back.
struct Groups {
  std::vector<Row> treated, control;
};

Groups groups_of(RequestContext& ctx, const core::Campaign& c, const target::Facts& f) {
  if (auto g = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.segment(c.segment_id); });
      g && g->dynamic) {
    ctx.app.analytics().refresh(c.segment_id, false);
  }
  const auto ids =
      storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.segment_member_ids(c.segment_id); });
  Groups out;
  for (Id id : ids) {
    auto r = f.row(id);
    if (!r) continue;
    if (ctx.who().is_rep() && f.stores.rep[*r] != ctx.who().user.meta.id) continue;
    (in_control_group(c, id) ? out.control : out.treated).push_back(*r);
  }
  std::sort(out.treated.begin(), out.treated.end());
  std::sort(out.control.begin(), out.control.end());
  return out;
}

target::KpiQuery kpi_query(const core::Campaign& c, const target::Facts& f, std::vector<Row> rows,
                           Day from, Day to) {
  target::KpiQuery q;
  q.universe.stores = std::move(rows);
  for (Row r : q.universe.stores) {
    if (f.stores.rep[r]) q.universe.reps.push_back(f.stores.rep[r]);
  }
  std::sort(q.universe.reps.begin(), q.universe.reps.end());
  q.universe.reps.erase(std::unique(q.universe.reps.begin(), q.universe.reps.end()),
                        q.universe.reps.end());
  q.range = resolve_range(f, c.range, "objective.range");
  q.product = resolve_product(f, c.product_id, "objective.product_id");
  q.from = from;
  q.to = to;
  q.kpis = {*target::parse_kpi(c.kpi)};
  return q;
}

Day day_of_date(const std::string& date) {
  return static_cast<Day>(core::parse_date_days(date).value_or(0));
}

// The KPI (in percent) over `rows` at the end of `day` (flows: over the week ending then).
double kpi_at(const core::Campaign& c, const target::Facts& f, const std::vector<Row>& rows, Day day) {
  auto q = kpi_query(c, f, rows, day - 6, day);
  const auto v = target::compute(f, q).at(0);
  return std::isnan(v.value) ? NAN : 100 * v.value;
}

void read_campaign_fields(ObjectReader& in, core::Campaign& c, bool creating, storage::Tx& tx,
                          const target::Facts& facts) {
  const Need need = creating ? Need::required : Need::optional;
  if (auto v = in.string("name", need, 120, 1)) c.name = *v;
  if (auto v = in.string("description", Need::optional, 4000)) c.description = *v;
  if (creating) {
    if (auto v = in.integer("segment_id", Need::required, 1, INT64_MAX)) {
      if (!tx.segment(*v)) in.error("segment_id", "no segment " + std::to_string(*v));
      c.segment_id = *v;
    }
  }
  if (const auto* o = in.object("objective", need)) {
    auto obj = in.nested(*o, "objective");
    if (creating) {
      if (auto kpi = obj.string("kpi", Need::required, 40, 1)) {
        if (!target::parse_kpi(*kpi)) {
          std::string known;
          for (auto k : target::ALL_KPIS) known += (known.empty() ? "" : ", ") + std::string(target::to_string(k));
          obj.error("kpi", "must be one of " + known);
        }
        c.kpi = *kpi;
      }
      if (auto v = obj.string("range", Need::optional, 100, 1)) c.range = *v;
      if (auto v = obj.integer("product_id", Need::optional, 1, INT64_MAX)) c.product_id = *v;
      if (c.range && c.product_id) obj.error("range", "give a range or a product_id, not both");
      if (c.range) {
        bool known = false;
        for (const auto& name : facts.ranges.values()) known = known || name == *c.range;
        if (!known) obj.error("range", "no product range `" + *c.range + "`");
      }
      if (c.product_id && !tx.product(*c.product_id)) {
        obj.error("product_id", "no product " + std::to_string(*c.product_id));
      }
      if (auto v = obj.number("baseline", Need::optional, 0, 100)) c.baseline = *v;
    }
    if (auto v = obj.number("goal", creating ? Need::required : Need::optional, 0, 100)) c.goal = *v;
    obj.flag_unread();
  }
  if (creating) {
    if (auto v = in.date("start_date", Need::required)) c.start_date = *v;
  }
  if (auto v = in.date("end_date", need)) c.end_date = *v;
  if (auto v = in.number("visit_value_eur", Need::optional, 0, MAX_VISIT_VALUE_EUR)) {
    c.visit_value = static_cast<core::MicroEuros>(std::llround(*v * 1e6));
  }
  if (creating || c.status == core::CampaignStatus::draft) {
    if (auto v = in.number("control_share", Need::optional, 0, 0.5)) c.control_share = *v;
    if (auto v = in.integer("seed", Need::optional, 0, INT64_MAX)) c.seed = *v;
  }
  if (auto v = in.enumeration<core::CampaignStatus>("status", Need::optional,
                                                    core::parse_campaign_status, STATUSES)) {
    // draft → active → ended, or draft → ended; an ended campaign stays ended.
    using S = core::CampaignStatus;
    const bool allowed = creating ? *v != S::ended
                                  : *v == c.status || (c.status == S::draft) ||
                                        (c.status == S::active && *v == S::ended);
    if (!allowed) {
      in.error("status", "cannot go from " + std::string(core::to_string(c.status)) + " to " +
                             std::string(core::to_string(*v)));
    }
    c.status = *v;
  }
  if (const auto* tpl = in.object("visit_template", Need::optional)) {
    c.visit_template = json::serialize(read_template(in, *tpl, tx, facts));
  } else if (creating) {
    c.visit_template = R"({"audits":[],"fields":[],"actions":[]})";
  }
  if (!c.start_date.empty() && !c.end_date.empty() && c.end_date < c.start_date) {
    in.error("end_date", "must not be before start_date");
  }
}

Response list_campaigns(RequestContext& ctx) {
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.campaigns(page); });
  return page_response(result);
}

Response get_campaign(RequestContext& ctx) {
  return item_response(200, to_json(find_campaign(ctx.app.db(), ctx.id())));
}

Response post_campaign(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto facts = ctx.app.analytics().facts();
  core::Campaign c;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    ObjectReader in(body);
    read_campaign_fields(in, c, true, tx, *facts);
    in.finish();
  });
  if (!c.baseline) {
    // Measured on the stores the campaign works on, at its start (or today if it starts later).
    auto groups = groups_of(ctx, c, *facts);
    const Day at = std::min(day_of_date(c.start_date), facts->today());
    const double v = kpi_at(c, *facts, groups.treated, at);
    c.baseline = std::isnan(v) ? 0.0 : std::round(v * 100) / 100;
  }
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (tx.campaign_by_name(c.name)) {
      throw Error(ErrorCode::conflict, "campaign name " + c.name + " is already taken");
    }
    if (!tx.segment(c.segment_id)) {
      throw Error(ErrorCode::validation, "invalid campaign", {{"segment_id", "no such segment"}});
    }
    tx.insert_campaign(c);
  });
  return item_response(201, to_json(c));
}

Response patch_campaign(RequestContext& ctx) {
  auto body = ctx.body_object();
  auto facts = ctx.app.analytics().facts();
  auto c = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto c = tx.campaign(ctx.id());
    if (!c) throw Error(ErrorCode::not_found, "no campaign " + std::to_string(ctx.id()));
    const std::string old_name = c->name;
    ObjectReader in(body);
    read_campaign_fields(in, *c, false, tx, *facts);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    in.finish();
    ctx.check_version(c->meta.version, version);
    if (c->name != old_name && tx.campaign_by_name(c->name)) {
      throw Error(ErrorCode::conflict, "campaign name " + c->name + " is already taken");
    }
    tx.update_campaign(*c);
    return *c;
  });
  return item_response(200, to_json(c));
}

Response delete_campaign(RequestContext& ctx) {
  return tombstone(ctx, storage::EntityKind::campaign, ctx.id(), "campaign");
}

json::value number_or_null(double v) {
  return std::isnan(v) ? json::value(nullptr) : json::value(std::round(v * 100) / 100);
}

// Week by week from the campaign's start to its end (or today): the KPI on the stores worked
// and on the control group, and where the objective's straight line from the baseline to the
// goal stands that week.
Response campaign_progress(RequestContext& ctx) {
  auto c = find_campaign(ctx.app.db(), ctx.id());
  auto facts = ctx.app.analytics().facts();
  const auto& f = *facts;
  const auto groups = groups_of(ctx, c, f);
  const Day start = day_of_date(c.start_date), end = day_of_date(c.end_date);
  const Day last = std::min(end, f.today());
  json::array weeks, treated, control, goal_line;
  double last_treated = NAN, last_control = NAN, first_treated = NAN, first_control = NAN;
  if (last >= start) {
    const auto t = target::weekly(f, kpi_query(c, f, groups.treated, start, last));
    const auto k = target::weekly(f, kpi_query(c, f, groups.control, start, last));
    const double baseline = c.baseline.value_or(0);
    for (std::size_t w = 0; w < t.weeks.size(); ++w) {
      const Day week_end = std::min<Day>(t.weeks[w] + 6, last);
      weeks.emplace_back(core::format_date_days(t.weeks[w]));
      const double tv = 100 * t.values[w][0].value, kv = 100 * k.values[w][0].value;
      treated.push_back(number_or_null(tv));
      control.push_back(groups.control.empty() ? json::value(nullptr) : number_or_null(kv));
      const double share = end > start ? std::clamp(double(week_end - start) / double(end - start), 0.0, 1.0) : 1.0;
      goal_line.push_back(number_or_null(baseline + share * (c.goal - baseline)));
      if (std::isnan(first_treated)) first_treated = tv;
      if (std::isnan(first_control) && !groups.control.empty()) first_control = kv;
      if (!std::isnan(tv)) last_treated = tv;
      if (!std::isnan(kv) && !groups.control.empty()) last_control = kv;
    }
  }
  json::object summary{{"treated", number_or_null(last_treated)},
                       {"control", number_or_null(last_control)},
                       {"baseline", number_or_null(c.baseline.value_or(NAN))},
                       {"goal", c.goal},
                       {"effect", number_or_null(last_treated - last_control)},
                       {"effect_vs_start", number_or_null((last_treated - first_treated) -
                                                          (last_control - first_control))},
                       {"goal_reached", !std::isnan(last_treated) && last_treated >= c.goal},
                       {"stores_treated", static_cast<std::int64_t>(groups.treated.size())},
                       {"stores_control", static_cast<std::int64_t>(groups.control.size())}};
  return json_response(200, json::object{{"campaign", to_json(c)},
                                         {"kpi", c.kpi},
                                         {"unit", "percent"},
                                         {"weeks", std::move(weeks)},
                                         {"treated", std::move(treated)},
                                         {"control", std::move(control)},
                                         {"goal_line", std::move(goal_line)},
                                         {"summary", std::move(summary)}});
}

Response campaign_members(RequestContext& ctx) {
  auto c = find_campaign(ctx.app.db(), ctx.id());
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.segment_members(c.segment_id, ctx.scope(), page);
  });
  json::array items;
  for (const auto& m : result.items) {
    items.push_back(json::object{{"store_id", m.store_id},
                                 {"since", core::format_timestamp(m.since)},
                                 {"group", in_control_group(c, m.store_id) ? "control" : "treated"}});
  }
  return list_response(std::move(items), result.next_after);
}

}  // namespace

void add_campaign_routes(Router& r) {
  r.add({Method::get, "/api/v1/campaigns", "List campaigns", "campaigns", {}, Body::none,
         {"limit", "cursor"}, "", "CampaignList", list_campaigns});
  r.add({Method::post, "/api/v1/campaigns",
         "Create a campaign: objective on a KPI over a segment, visit template, control group",
         "campaigns", MANAGERS, Body::json, {}, "CampaignCreate", "Campaign", post_campaign});
  r.add({Method::get, "/api/v1/campaigns/{id}", "Get a campaign", "campaigns", {}, Body::none,
         {}, "", "Campaign", get_campaign});
  r.add({Method::patch, "/api/v1/campaigns/{id}",
         "Change a campaign (status, goal, end, value, template; If-Match or version)",
         "campaigns", MANAGERS, Body::json, {}, "CampaignPatch", "Campaign", patch_campaign});
  r.add({Method::del, "/api/v1/campaigns/{id}", "Delete a campaign", "campaigns", MANAGERS,
         Body::none, {}, "", "", delete_campaign});
  r.add({Method::get, "/api/v1/campaigns/{id}/progress",
         "Weekly progress: the KPI on worked stores, on the control group, and the goal line",
         "campaigns", {}, Body::none, {}, "", "CampaignProgress", campaign_progress});
  r.add({Method::get, "/api/v1/campaigns/{id}/members",
         "The campaign's stores and their group (treated or control)", "campaigns", {},
         Body::none, {"limit", "cursor"}, "", "CampaignMembers", campaign_members});
}

}  // namespace boucle::api
