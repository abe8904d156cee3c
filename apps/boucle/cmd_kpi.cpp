// boucle kpi: the retail-execution KPIs (docs/KPIS.md) of a universe of stores over a period,
// or their weekly series, through the API in-process on a database file (local_api.hpp).
#include <fmt/core.h>

#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "local_api.hpp"
#include "views.hpp"

namespace boucle::cli {

namespace json = boost::json;

namespace {

struct KpiFlags {
  LocalOptions local;
  std::string universe, where, from, to, range, kpis, svg;
  std::int64_t product = 0;
  bool series = false;
};

std::string query_path(const KpiFlags& f) {
  std::vector<std::pair<std::string, std::string>> q;
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) q.emplace_back(key, v);
  };
  put("universe", f.universe);
  put("where", f.where);
  put("from", f.from);
  put("to", f.to);
  put("range", f.range);
  if (f.product > 0) q.emplace_back("product_id", std::to_string(f.product));
  put("kpis", f.kpis);
  return with_query(f.series ? "/api/v1/kpis/series" : "/api/v1/kpis", q);
}

// "universe all: 1500 stores, 8 reps; 2024-05-01 … 2024-05-28; range Protein; as of …"
void print_head(const json::object& o) {
  const auto& u = o.at("universe").as_object();
  std::string products = "all products";
  if (!o.at("range").is_null()) products = "range " + cell(o.at("range"));
  if (!o.at("product_id").is_null()) products = "product " + cell(o.at("product_id"));
  const auto reps = u.at("reps").as_int64();
  fmt::print("universe {}: {} stores, {} rep{}; {} … {}; {}; as of {}\n", cell(u.at("spec")),
             cell(u.at("stores")), reps, reps == 1 ? "" : "s", cell(o.at("from")),
             cell(o.at("to")), products, cell(o.at("as_of")));
}

std::string ratio(const json::value& num, const json::value& den, const std::string& num_unit,
                  const std::string& den_unit) {
  if (num_unit == den_unit) return fmt::format("{} / {} {}", cell(num), cell(den), num_unit);
  return fmt::format("{} {} / {} {}", cell(num), num_unit, cell(den), den_unit);
}

int show_values(const json::object& o) {
  print_head(o);
  std::cout << "\n";
  Table t{{"KPI", "value", "numerator / denominator"}, {}, {false, true, false}};
  for (const auto& k : o.at("kpis").as_array()) {
    const auto& v = k.as_object();
    t.rows.push_back({cell(v.at("kpi")), percent(v.at("value")),
                      ratio(v.at("numerator"), v.at("denominator"), cell(v.at("numerator_unit")),
                            cell(v.at("denominator_unit")))});
  }
  print_table(std::cout, t);
  return 0;
}

int show_series(const json::object& o, const KpiFlags& f) {
  print_head(o);
  std::cout << "\n";
  const auto& weeks = o.at("weeks").as_array();
  const auto& series = o.at("series").as_array();
  Table t{{"week"}, {}, {false}};
  for (const auto& s : series) {
    t.header.push_back(cell(s.at("kpi")) + " %");
    t.right.push_back(true);
  }
  std::vector<std::string> labels;
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    labels.push_back(cell(weeks[w]));
    std::vector<std::string> row{labels.back()};
    for (const auto& s : series) {
      const auto& v = s.at("values").as_array().at(w);
      row.push_back(v.is_null() ? "—" : fmt::format("{:.2f}", *number_of(v)));
    }
    t.rows.push_back(std::move(row));
  }
  print_table(std::cout, t);
  if (!f.svg.empty()) {
    std::vector<ChartLine> lines;
    for (const auto& s : series) {
      ChartLine line{cell(s.at("kpi")), {}, false};
      for (const auto& v : s.at("values").as_array()) line.values.push_back(number_of(v));
      lines.push_back(std::move(line));
    }
    const auto& u = o.at("universe").as_object();
    const auto title = fmt::format("KPIs, universe {} ({} stores), {} … {}", cell(u.at("spec")),
                                   cell(u.at("stores")), cell(o.at("from")), cell(o.at("to")));
    write_text_file(f.svg, line_chart_svg(title, labels, lines));
    fmt::print(stderr, "wrote {}\n", f.svg);
  }
  return 0;
}

int run_kpi(LocalApi& api, const KpiFlags& f) {
  if (!f.svg.empty() && api.json()) throw UsageError("--svg and --json do not go together");
  if (!f.where.empty()) api.input("where", f.where);
  auto answer = api.get(query_path(f));
  if (api.json()) return print_json(answer);
  return f.series ? show_series(answer.as_object(), f) : show_values(answer.as_object());
}

}  // namespace

void add_kpi_command(CLI::App& app, Runner& run) {
  auto f = std::make_shared<KpiFlags>();
  auto* cmd = app.add_subcommand(
      "kpi", "KPIs of a universe of stores over a period, or their weekly series (docs/KPIS.md)");
  add_local_options(cmd, f->local);
  cmd->add_option("--universe", f->universe,
                  "all, team, rep:ID, segment:ID, store:ID, region:NAME or department:CODE "
                  "(default: all)");
  cmd->add_option("--where", f->where, "An expression narrowing the universe");
  cmd->add_option("--from", f->from,
                  "First day, YYYY-MM-DD (default: 27 days before --to; series: 52 weeks)");
  cmd->add_option("--to", f->to, "Last day, YYYY-MM-DD (default: today)");
  cmd->add_option("--range", f->range, "Only the products of this range (DN, DV, OOS, shelf)");
  cmd->add_option("--product", f->product, "Only this product id")->check(CLI::PositiveNumber);
  cmd->add_option("--kpis", f->kpis, "KPIs, comma-separated (default: all)");
  auto* series = cmd->add_flag("--series", f->series, "Weekly series instead of one value");
  cmd->add_option("--svg", f->svg, "With --series: write an SVG line chart to this file")
      ->needs(series);
  cmd->callback([f, &run] {
    run = [f] { return run_local(f->local, [&](LocalApi& api) { return run_kpi(api, *f); }); };
  });
}

}  // namespace boucle::cli
