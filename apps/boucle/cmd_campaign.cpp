// boucle campaign …: campaigns (an objective on a KPI over a segment, a control group), through
// the API in-process on a database file (local_api.hpp).
#include <fmt/core.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "local_api.hpp"
#include "views.hpp"

namespace boucle::cli {

namespace json = boost::json;

namespace {

struct CampaignFlags {
  LocalOptions local;
  std::string ref;  // id or name
  std::string file;
  std::string svg;
};

std::string campaign_path(LocalApi& api, const std::string& ref) {
  return "/api/v1/campaigns/" +
         std::to_string(resolve_id(api, "/api/v1/campaigns", ref, "campaign"));
}

std::string objective_text(const json::object& c) {
  const auto& o = c.at("objective").as_object();
  std::string products;
  if (!o.at("range").is_null()) products = " of range " + cell(o.at("range"));
  if (!o.at("product_id").is_null()) products = " of product " + cell(o.at("product_id"));
  return fmt::format("{}{} from {} to {}", cell(o.at("kpi")), products, percent(o.at("baseline")),
                     percent(o.at("goal")));
}

int campaign_list(LocalApi& api, const CampaignFlags&) {
  auto items = api.all("/api/v1/campaigns");
  if (api.json()) {
    json::array a;
    for (auto& i : items) a.push_back(std::move(i));
    return print_json(json::object{{"items", std::move(a)}, {"next_cursor", nullptr}});
  }
  if (items.empty()) {
    std::cout << "no campaigns\n";
    return 0;
  }
  Table t{{"id", "name", "status", "segment", "objective", "start", "end"},
          {},
          {true, false, false, true, false, false, false}};
  for (const auto& c : items) {
    t.rows.push_back({cell(c.at("id")), cell(c.at("name")), cell(c.at("status")),
                      cell(c.at("segment_id")), objective_text(c), cell(c.at("start_date")),
                      cell(c.at("end_date"))});
  }
  print_table(std::cout, t);
  return 0;
}

void print_campaign(const json::object& c) {
  Table t{{}, {}, {}};
  auto row = [&](const char* key, std::string value) {
    t.rows.push_back({std::string(key) + ":", std::move(value)});
  };
  row("id", cell(c.at("id")));
  row("name", cell(c.at("name")));
  row("description", cell(c.at("description")));
  row("status", cell(c.at("status")));
  row("segment", cell(c.at("segment_id")));
  row("objective", objective_text(c));
  row("period", cell(c.at("start_date")) + " … " + cell(c.at("end_date")));
  row("visit value", cell(c.at("visit_value_eur")) + " €");
  row("control share", fmt::format("{:.0f} %", 100 * number_of(c.at("control_share")).value_or(0)));
  row("version", cell(c.at("version")));
  if (const auto* tpl = c.at("visit_template").if_object()) {
    std::string audits;
    for (const auto& a : tpl->at("audits").as_array()) {
      const auto& o = a.as_object();
      audits += (audits.empty() ? "" : ", ") +
                (o.contains("range") ? "range " + cell(o.at("range"))
                                     : "product " + cell(o.at("product_id")));
    }
    std::string fields;
    for (const auto& x : tpl->at("fields").as_array()) {
      fields += (fields.empty() ? "" : ", ") + cell(x.at("key")) + " (" + cell(x.at("type")) + ")";
    }
    std::string actions;
    for (const auto& x : tpl->at("actions").as_array()) {
      actions += (actions.empty() ? "" : "; ") + cell(x);
    }
    row("audits", audits);
    row("fields", fields);
    row("actions", actions);
  }
  print_table(std::cout, t);
}

int campaign_create(LocalApi& api, const CampaignFlags& f) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) throw UsageError(f.file + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto body = json::parse(text.str(), ec);
  if (ec) throw UsageError(f.file + ": not JSON: " + ec.message());
  auto answer = api.post("/api/v1/campaigns", body);
  if (api.json()) return print_json(answer);
  const auto& c = answer.as_object();
  fmt::print("created campaign {} \"{}\" ({}): {}\n", cell(c.at("id")), cell(c.at("name")),
             cell(c.at("status")), objective_text(c));
  return 0;
}

int campaign_show(LocalApi& api, const CampaignFlags& f) {
  auto answer = api.get(campaign_path(api, f.ref));
  if (api.json()) return print_json(answer);
  print_campaign(answer.as_object());
  return 0;
}

int set_status(LocalApi& api, const CampaignFlags& f, const char* status) {
  const auto path = campaign_path(api, f.ref);
  const auto current = api.get(path);
  auto answer = api.patch(path, json::object{{"status", status}, {"version", current.at("version")}});
  if (api.json()) return print_json(answer);
  fmt::print("campaign {} \"{}\": {} → {}\n", cell(answer.at("id")), cell(answer.at("name")),
             cell(current.at("status")), cell(answer.at("status")));
  return 0;
}

int campaign_progress(LocalApi& api, const CampaignFlags& f) {
  if (api.json() && !f.svg.empty()) throw UsageError("--svg and --json do not go together");
  auto answer = api.get(campaign_path(api, f.ref) + "/progress");
  if (api.json()) return print_json(answer);
  const auto& o = answer.as_object();
  const auto& c = o.at("campaign").as_object();
  fmt::print("campaign {} \"{}\" ({}), {}\n\n", cell(c.at("id")), cell(c.at("name")),
             cell(c.at("status")), objective_text(c));
  const auto& weeks = o.at("weeks").as_array();
  const char* names[] = {"treated", "control", "goal_line"};
  std::vector<std::string> labels;
  std::vector<ChartLine> lines{{"treated", {}, false}, {"control", {}, false},
                               {"goal line", {}, true}};
  Table t{{"week", "treated %", "control %", "goal line %"}, {}, {false, true, true, true}};
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    labels.push_back(cell(weeks[w]));
    std::vector<std::string> row{labels.back()};
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& v = o.at(names[k]).as_array().at(w);
      lines[k].values.push_back(number_of(v));
      row.push_back(v.is_null() ? "—" : fmt::format("{:.2f}", *number_of(v)));
    }
    t.rows.push_back(std::move(row));
  }
  if (weeks.empty()) {
    std::cout << "no week yet: the campaign starts on " << cell(c.at("start_date")) << "\n";
  } else {
    print_table(std::cout, t);
  }
  const auto& s = o.at("summary").as_object();
  std::cout << "\n";
  Table summary{{}, {}, {}};
  auto row = [&](const char* key, std::string value) {
    summary.rows.push_back({std::string(key) + ":", std::move(value)});
  };
  row("stores", fmt::format("{} treated, {} control", cell(s.at("stores_treated")),
                            cell(s.at("stores_control"))));
  row("baseline", percent(s.at("baseline")));
  row("goal", percent(s.at("goal")));
  row("treated", percent(s.at("treated")));
  row("control", percent(s.at("control")));
  row("effect", s.at("effect").is_null() ? "—" : cell(s.at("effect")) + " points");
  row("effect vs start",
      s.at("effect_vs_start").is_null() ? "—" : cell(s.at("effect_vs_start")) + " points");
  row("goal reached", s.at("goal_reached").as_bool() ? "yes" : "no");
  print_table(std::cout, summary);
  if (!f.svg.empty()) {
    const auto title = fmt::format("{} — {} (%)", cell(c.at("name")), cell(o.at("kpi")));
    write_text_file(f.svg, line_chart_svg(title, labels, lines));
    fmt::print(stderr, "wrote {}\n", f.svg);
  }
  return 0;
}

using CampaignFn = int (*)(LocalApi&, const CampaignFlags&);

}  // namespace

void add_campaign_command(CLI::App& app, Runner& run) {
  auto f = std::make_shared<CampaignFlags>();
  auto* campaign = app.add_subcommand(
      "campaign", "Campaigns: an objective on a KPI over a segment, with a control group");
  campaign->require_subcommand(1);
  auto leaf = [&run, f, campaign](const char* name, const char* help, CampaignFn fn,
                                  bool with_ref = true) {
    auto* cmd = campaign->add_subcommand(name, help);
    add_local_options(cmd, f->local);
    if (with_ref) cmd->add_option("campaign", f->ref, "Campaign id or name")->required();
    cmd->callback([&run, f, fn] {
      run = [f, fn] { return run_local(f->local, [&](LocalApi& api) { return fn(api, *f); }); };
    });
    return cmd;
  };
  leaf("list", "List campaigns", campaign_list, false);
  leaf("create", "Create a campaign from a JSON file (the body POST /api/v1/campaigns takes)",
       campaign_create, false)
      ->add_option("--file", f->file, "JSON file")
      ->required();
  leaf("show", "A campaign", campaign_show);
  leaf("activate", "Set a campaign active", [](LocalApi& api, const CampaignFlags& g) {
    return set_status(api, g, "active");
  });
  leaf("end", "End a campaign", [](LocalApi& api, const CampaignFlags& g) {
    return set_status(api, g, "ended");
  });
  leaf("progress", "Weekly progress: treated, control and the goal line", campaign_progress)
      ->add_option("--svg", f->svg, "Write an SVG line chart of the three lines to this file");
}

}  // namespace boucle::cli
