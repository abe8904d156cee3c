// boucle target … and boucle segment …: targeting expressions (docs/TARGETING.md) and saved
// segments, through the API in-process on a database file (local_api.hpp).
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

constexpr std::size_t TOP_COUNTS = 10;

struct TargetFlags {
  LocalOptions local;
  std::string expression;
  int sample = 10;
  std::int64_t store = 0;
};

struct SegmentFlags {
  LocalOptions local;
  std::string ref;  // id or name
  std::string name, expression, description;
  bool is_static = false;
  bool csv = false;
  std::int64_t store = 0;
  std::string output;
};

std::string segment_path(LocalApi& api, const std::string& ref) {
  return "/api/v1/segments/" + std::to_string(resolve_id(api, "/api/v1/segments", ref, "segment"));
}

std::string rep_label(const json::object& item) {
  const auto& id = item.at("rep_id");
  if (id.is_null()) return "(unassigned)";
  return fmt::format("{} ({})", cell(item.at("name")), cell(id));
}

// Count, and the largest counts by rep and by region, of a preview or a segment's counts.
void print_counts(const json::object& counts) {
  const auto count = counts.at("count").as_int64();
  const auto total = counts.at("stores_total").as_int64();
  fmt::print("{} of {} stores ({:.1f} %)\n", count, total,
             total ? 100.0 * static_cast<double>(count) / static_cast<double>(total) : 0.0);
  auto top = [](const json::array& items, const char* head, auto label) {
    Table t{{head, "stores"}, {}, {false, true}};
    for (std::size_t i = 0; i < items.size() && i < TOP_COUNTS; ++i) {
      const auto& o = items[i].as_object();
      t.rows.push_back({label(o), cell(o.at("count"))});
    }
    if (items.size() > TOP_COUNTS) {
      t.rows.push_back({fmt::format("… {} more", items.size() - TOP_COUNTS), ""});
    }
    if (!t.rows.empty()) {
      std::cout << "\n";
      print_table(std::cout, t);
    }
  };
  top(counts.at("by_rep").as_array(), "rep", rep_label);
  top(counts.at("by_region").as_array(), "region", [](const json::object& o) {
    const auto name = cell(o.at("region"));
    return name.empty() ? std::string("(unknown)") : name;
  });
}

Table store_table(bool with_since) {
  Table t{{"id", "code", "name", "channel", "banner", "town", "potential", "rep"},
          {},
          {true, false, false, false, false, false, true, true}};
  if (with_since) t.header.push_back("since");
  return t;
}

// Numbers with `decimals` at most (a table rounds; CSV keeps what the API gave).
std::vector<std::string> store_row(const json::object& s, bool with_since, int decimals = 2) {
  auto get = [&](const char* key) {
    const auto* v = s.if_contains(key);
    return v ? cell(*v, decimals) : std::string();
  };
  std::vector<std::string> row{get("id"),   get("code"),      get("name"), get("channel"),
                               get("banner"), get("town"), get("potential"), get("rep_id")};
  if (with_since) row.push_back(get("since"));
  return row;
}

// The explanation tree: one node a line, indented by depth, ✓ met or ✗ missed, the value seen.
void print_explanation(const json::object& node, int depth) {
  const bool met = node.at("met").as_bool();
  std::string line = std::string(2 * static_cast<std::size_t>(depth), ' ') + (met ? "✓ " : "✗ ") +
                     cell(node.at("clause"));
  if (const auto* observed = node.if_contains("observed")) {
    line += "    (observed: " + cell(*observed) + ")";
  }
  std::cout << line << "\n";
  if (const auto* children = node.if_contains("children")) {
    for (const auto& c : children->as_array()) print_explanation(c.as_object(), depth + 1);
  }
}

void print_explained(const json::object& answer) {
  const auto& store = answer.at("store").as_object();
  fmt::print("store {} {} {} ({}, {})\n", cell(store.at("id")), cell(store.at("code")),
             cell(store.at("name")), cell(store.at("channel")), cell(store.at("town")));
  fmt::print("expression: {}\n", cell(answer.at("expression")));
  if (const auto* member = answer.if_contains("member")) {
    fmt::print("member: {}\n", member->as_bool() ? "yes" : "no");
  }
  std::cout << "\n";
  print_explanation(answer.at("explanation").as_object(), 0);
}

// target ------------------------------------------------------------------------------------

int target_fields(LocalApi& api) {
  auto answer = api.get("/api/v1/targeting/fields");
  if (api.json()) return print_json(answer);
  Table t{{"name", "type", "params", "doc"}, {}, {}};
  for (const auto& f : answer.at("items").as_array()) {
    const auto& o = f.as_object();
    std::string params;
    for (const auto& p : o.at("params").as_array()) {
      params += (params.empty() ? "" : ", ") + cell(p.at("name")) + ": " + cell(p.at("kind"));
    }
    t.rows.push_back({cell(o.at("name")), cell(o.at("type")), params, cell(o.at("doc"))});
  }
  print_table(std::cout, t);
  return 0;
}

int target_preview(LocalApi& api, const TargetFlags& f) {
  api.input("expression", f.expression);
  auto answer = api.post("/api/v1/targeting/preview",
                         json::object{{"expression", f.expression}, {"sample", f.sample}});
  if (api.json()) return print_json(answer);
  const auto& o = answer.as_object();
  fmt::print("expression: {}\n", cell(o.at("expression")));
  print_counts(o);
  const auto& sample = o.at("sample").as_array();
  if (!sample.empty()) {
    fmt::print("\nsample ({} stores):\n", sample.size());
    auto t = store_table(false);
    for (const auto& s : sample) t.rows.push_back(store_row(s.as_object(), false));
    print_table(std::cout, t);
  }
  return 0;
}

int target_explain(LocalApi& api, const TargetFlags& f) {
  api.input("expression", f.expression);
  auto answer = api.post("/api/v1/targeting/explain",
                         json::object{{"expression", f.expression}, {"store_id", f.store}});
  if (api.json()) return print_json(answer);
  print_explained(answer.as_object());
  return 0;
}

// segment -----------------------------------------------------------------------------------

void print_segment(const json::object& g) {
  Table t{{}, {}, {}};
  for (const char* key : {"id", "name", "description", "expression", "dynamic", "member_count",
                          "refreshed_at", "created_by", "version", "created_at", "updated_at"}) {
    if (const auto* v = g.if_contains(key)) t.rows.push_back({std::string(key) + ":", cell(*v)});
  }
  print_table(std::cout, t);
}

int segment_list(LocalApi& api) {
  auto items = api.all("/api/v1/segments");
  if (api.json()) {
    json::array a;
    for (auto& i : items) a.push_back(std::move(i));
    return print_json(json::object{{"items", std::move(a)}, {"next_cursor", nullptr}});
  }
  Table t{{"id", "name", "kind", "members", "refreshed", "expression"},
          {},
          {true, false, false, true, false, false}};
  for (const auto& g : items) {
    t.rows.push_back({cell(g.at("id")), cell(g.at("name")),
                      g.at("dynamic").as_bool() ? "dynamic" : "static", cell(g.at("member_count")),
                      cell(g.at("refreshed_at")), shorten(cell(g.at("expression")), 70)});
  }
  if (t.rows.empty()) {
    std::cout << "no segments\n";
  } else {
    print_table(std::cout, t);
  }
  return 0;
}

int segment_create(LocalApi& api, const SegmentFlags& f) {
  api.input("expression", f.expression);
  json::object body{{"name", f.name}, {"expression", f.expression}, {"dynamic", !f.is_static}};
  if (!f.description.empty()) body["description"] = f.description;
  auto answer = api.post("/api/v1/segments", body);
  if (api.json()) return print_json(answer);
  const auto& g = answer.as_object();
  fmt::print("created {} segment {} \"{}\": {}\n",
             g.at("dynamic").as_bool() ? "dynamic" : "static", cell(g.at("id")),
             cell(g.at("name")), count_of(g.at("member_count").as_int64(), "member"));
  return 0;
}

int segment_show(LocalApi& api, const SegmentFlags& f) {
  const auto path = segment_path(api, f.ref);
  auto g = api.get(path);
  auto counts = api.get(path + "/counts");
  if (api.json()) return print_json(json::object{{"segment", g}, {"counts", counts}});
  print_segment(g.as_object());
  std::cout << "\n";
  print_counts(counts.as_object());
  return 0;
}

int segment_members(LocalApi& api, const SegmentFlags& f) {
  auto items = api.all(segment_path(api, f.ref) + "/members");
  if (api.json()) {
    json::array a;
    for (auto& i : items) a.push_back(std::move(i));
    return print_json(json::object{{"items", std::move(a)}, {"next_cursor", nullptr}});
  }
  auto t = store_table(true);
  for (const auto& s : items) t.rows.push_back(store_row(s, true, f.csv ? 9 : 2));
  if (f.csv) {
    auto csv = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string out = "\"";
      for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      return out + "\"";
    };
    auto print_line = [&](const std::vector<std::string>& row) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "," : "") + csv(row[i]);
      std::cout << line << "\n";
    };
    print_line(t.header);
    for (const auto& row : t.rows) print_line(row);
    return 0;
  }
  print_table(std::cout, t);
  std::cout << count_of(static_cast<std::int64_t>(items.size()), "member") << "\n";
  return 0;
}

int segment_history(LocalApi& api, const SegmentFlags& f) {
  std::string path = segment_path(api, f.ref) + "/history";
  if (f.store > 0) path += "?store_id=" + std::to_string(f.store);
  auto items = api.all(path);
  if (api.json()) {
    json::array a;
    for (auto& i : items) a.push_back(std::move(i));
    return print_json(json::object{{"items", std::move(a)}, {"next_cursor", nullptr}});
  }
  Table t{{"at", "change", "store"}, {}, {false, false, true}};
  for (const auto& e : items) {
    t.rows.push_back({cell(e.at("at")), cell(e.at("change")), cell(e.at("store_id"))});
  }
  print_table(std::cout, t);
  std::cout << count_of(static_cast<std::int64_t>(items.size()), "event") << "\n";
  return 0;
}

int segment_explain(LocalApi& api, const SegmentFlags& f) {
  auto answer = api.get(segment_path(api, f.ref) + "/explain?store_id=" + std::to_string(f.store));
  if (api.json()) return print_json(answer);
  print_explained(answer.as_object());
  return 0;
}

int segment_refresh(LocalApi& api, const SegmentFlags& f) {
  std::vector<std::pair<std::int64_t, std::string>> targets;
  if (!f.ref.empty()) {
    targets.emplace_back(resolve_id(api, "/api/v1/segments", f.ref, "segment"), f.ref);
  } else {
    for (const auto& g : api.all("/api/v1/segments")) {
      if (g.at("dynamic").as_bool()) targets.emplace_back(g.at("id").as_int64(), cell(g.at("name")));
    }
    if (targets.empty() && !api.json()) std::cout << "no dynamic segments\n";
  }
  for (const auto& [id, label] : targets) {
    auto answer = api.post("/api/v1/segments/" + std::to_string(id) + "/refresh");
    if (api.json()) {
      print_json(answer);  // one answer a line
      continue;
    }
    const auto& o = answer.as_object();
    fmt::print("{} {}: +{} joined, -{} left, {}\n", id, cell(o.at("segment").at("name")),
               cell(o.at("joined")), cell(o.at("left")),
               count_of(o.at("members").as_int64(), "member"));
    std::cout << std::flush;
  }
  return 0;
}

int segment_geojson(LocalApi& api, const SegmentFlags& f) {
  auto answer = api.get(segment_path(api, f.ref) + "/geojson");
  const auto text = json::serialize(answer) + "\n";
  if (f.output.empty() || f.output == "-") {
    std::cout << text;
    return 0;
  }
  write_text_file(f.output, text);
  if (!api.json()) {
    fmt::print("wrote {} ({} stores)\n", f.output, answer.at("features").as_array().size());
  }
  return 0;
}

int segment_delete(LocalApi& api, const SegmentFlags& f) {
  const auto path = segment_path(api, f.ref);
  api.del(path);
  if (!api.json()) fmt::print("deleted segment {}\n", path.substr(path.rfind('/') + 1));
  return 0;
}

using TargetFn = int (*)(LocalApi&, const TargetFlags&);
using SegmentFn = int (*)(LocalApi&, const SegmentFlags&);

CLI::App* leaf(CLI::App* parent, const char* name, const char* help, LocalOptions& local) {
  auto* cmd = parent->add_subcommand(name, help);
  add_local_options(cmd, local);
  return cmd;
}

}  // namespace

void add_target_command(CLI::App& app, Runner& run) {
  auto f = std::make_shared<TargetFlags>();
  auto* target = app.add_subcommand(
      "target", "Targeting expressions (docs/TARGETING.md): fields, preview, explain");
  target->require_subcommand(1);
  auto bind = [&run, f](CLI::App* cmd, TargetFn fn) {
    cmd->callback([&run, f, fn] {
      run = [f, fn] { return run_local(f->local, [&](LocalApi& api) { return fn(api, *f); }); };
    });
  };

  bind(leaf(target, "fields", "The fields an expression may name", f->local),
       [](LocalApi& api, const TargetFlags&) { return target_fields(api); });

  auto* preview = leaf(target, "preview",
                       "Count the stores an expression selects, by rep and region, with a sample",
                       f->local);
  preview->add_option("expression", f->expression, "The expression")->required();
  preview->add_option("--sample", f->sample, "Stores in the sample")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  bind(preview, target_preview);

  auto* explain = leaf(target, "explain", "Which clauses one store meets or misses", f->local);
  explain->add_option("expression", f->expression, "The expression")->required();
  explain->add_option("--store", f->store, "Store id")->required()->check(CLI::PositiveNumber);
  bind(explain, target_explain);
}

void add_segment_command(CLI::App& app, Runner& run) {
  auto f = std::make_shared<SegmentFlags>();
  auto* segment = app.add_subcommand("segment", "Saved segments of stores");
  segment->require_subcommand(1);
  auto bind = [&run, f](CLI::App* cmd, SegmentFn fn) {
    cmd->callback([&run, f, fn] {
      run = [f, fn] { return run_local(f->local, [&](LocalApi& api) { return fn(api, *f); }); };
    });
  };
  auto ref = [f](CLI::App* cmd, bool required = true) {
    auto* o = cmd->add_option("segment", f->ref, "Segment id or name");
    if (required) o->required();
  };

  bind(leaf(segment, "list", "List segments", f->local),
       [](LocalApi& api, const SegmentFlags&) { return segment_list(api); });

  auto* create = leaf(segment, "create", "Save a segment; its members are computed at once",
                      f->local);
  create->add_option("name", f->name, "Name (unique)")->required();
  create->add_option("expression", f->expression, "Expression (docs/TARGETING.md)")->required();
  create->add_option("--description", f->description, "Description");
  create->add_flag("--static", f->is_static,
                   "Members change only on an explicit refresh (default: dynamic)");
  bind(create, segment_create);

  auto* show = leaf(segment, "show", "A segment and its counts by rep and region", f->local);
  ref(show);
  bind(show, segment_show);

  auto* members = leaf(segment, "members", "Every member store", f->local);
  ref(members);
  members->add_flag("--csv", f->csv, "CSV instead of a table");
  bind(members, segment_members);

  auto* history = leaf(segment, "history", "Who joined and who left, and when", f->local);
  ref(history);
  history->add_option("--store", f->store, "Only this store")->check(CLI::PositiveNumber);
  bind(history, segment_history);

  auto* explain = leaf(segment, "explain", "Why a store is or is not a member", f->local);
  ref(explain);
  explain->add_option("--store", f->store, "Store id")->required()->check(CLI::PositiveNumber);
  bind(explain, segment_explain);

  auto* refresh = leaf(segment, "refresh",
                       "Re-evaluate a segment now (every dynamic segment when none is named)",
                       f->local);
  ref(refresh, false);
  bind(refresh, segment_refresh);

  auto* geojson = leaf(segment, "geojson", "The members as GeoJSON points", f->local);
  ref(geojson);
  geojson->add_option("--output,-o", f->output, "File to write (default: standard output)");
  bind(geojson, segment_geojson);

  auto* del = leaf(segment, "delete", "Delete a segment no live campaign targets", f->local);
  ref(del);
  bind(del, segment_delete);
}

}  // namespace boucle::cli
