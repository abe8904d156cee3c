#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "api/app.hpp"
#include "api/json_output.hpp"
#include "api/stores.hpp"
#include "core/csv.hpp"
#include "core/time.hpp"

// CSV imports (POST /api/v1/imports/{stores|products|sales}): every row is validated, then all
// rows are applied in one transaction, or none. Rows upsert on the natural key (store code,
// SKU, store × product × week); on an update only the columns present in the file change.
// The columns are documented in docs/API.md.
namespace boucle::api {

using core::CsvDocument;
using core::CsvRow;
using core::Error;
using core::ErrorCode;
using core::FieldError;
using core::Role;
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 7> DAY_COLUMNS = {"mon", "tue", "wed", "thu",
                                                         "fri", "sat", "sun"};

// Typed access to one row's cells by column name; problems are recorded with the row's line.
class RowReader {
 public:
  RowReader(const CsvDocument& doc, const CsvRow& row, std::vector<FieldError>& errors)
      : doc_(doc), row_(row), errors_(errors) {}

  bool has(std::string_view column) const { return doc_.column(column).has_value(); }

  // nullopt when the column is absent or (for optional columns) the cell is empty.
  std::optional<std::string> text(std::string_view column, bool required, std::size_t max_len) {
    auto idx = doc_.column(column);
    if (!idx || row_.fields[*idx].empty()) {
      if (required) error(column, "is required");
      return std::nullopt;
    }
    const std::string& v = row_.fields[*idx];
    if (v.size() > max_len) {
      error(column, "must be at most " + std::to_string(max_len) + " bytes");
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> decimal(std::string_view column, bool required, double min, double max) {
    auto s = text(column, required, 32);
    if (!s) return std::nullopt;
    std::string t = *s;
    // A French spreadsheet writes 45,76 when the delimiter is ';'.
    if (doc_.delimiter == ';') std::replace(t.begin(), t.end(), ',', '.');
    double v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size() || !std::isfinite(v)) {
      error(column, "must be a number");
      return std::nullopt;
    }
    if (v < min || v > max) {
      error(column, "must be between " + fmt_num(min) + " and " + fmt_num(max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::int64_t> integer(std::string_view column, bool required, std::int64_t min,
                                      std::int64_t max) {
    auto s = text(column, required, 20);
    if (!s) return std::nullopt;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc{} || p != s->data() + s->size()) {
      error(column, "must be an integer");
      return std::nullopt;
    }
    if (v < min || v > max) {
      error(column, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return std::nullopt;
    }
    return v;
  }

  // Euros with up to two decimals ("2.49", "2,49" with ';') to cents.
  std::optional<core::Cents> euros(std::string_view column, bool required) {
    auto v = decimal(column, required, 0, 1'000'000);
    if (!v) return std::nullopt;
    return static_cast<core::Cents>(std::llround(*v * 100));
  }

  std::optional<bool> flag(std::string_view column) {
    auto s = text(column, false, 8);
    if (!s) return std::nullopt;
    std::string v = *s;
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "true" || v == "1" || v == "yes" || v == "oui") return true;
    if (v == "false" || v == "0" || v == "no" || v == "non") return false;
    error(column, "must be true or false");
    return std::nullopt;
  }

  void error(std::string_view column, std::string message) {
    errors_.push_back({std::string(column), std::move(message), row_.line});
  }

  int line() const { return row_.line; }

 private:
  static std::string fmt_num(double v) { return json::serialize(json::value(v)); }

  const CsvDocument& doc_;
  const CsvRow& row_;
  std::vector<FieldError>& errors_;
};

// Parses a CSV body and checks its header: required columns present, no unknown column,
// no column twice. Structural row errors are kept in the returned errors.
CsvDocument parse_body(RequestContext& ctx, const std::vector<std::string_view>& required,
                       const std::vector<std::string_view>& optional,
                       std::vector<FieldError>& errors) {
  CsvDocument doc = core::parse_csv(ctx.request.body);
  errors = doc.errors;
  if (doc.header.empty()) {
    throw Error(ErrorCode::bad_csv, "the CSV is empty: a header line is required",
                {{"", "missing header", 1}});
  }
  std::set<std::string> seen;
  for (const auto& h : doc.header) {
    const bool known = std::find(required.begin(), required.end(), h) != required.end() ||
                       std::find(optional.begin(), optional.end(), h) != optional.end();
    if (!known) errors.push_back({h, "unknown column", 1});
    if (!seen.insert(h).second) errors.push_back({h, "column appears twice", 1});
  }
  for (auto r : required) {
    if (!doc.column(r)) errors.push_back({std::string(r), "required column is missing", 1});
  }
  if (doc.rows.size() > ctx.app.config().max_import_rows) {
    throw Error(ErrorCode::payload_too_large,
                "at most " + std::to_string(ctx.app.config().max_import_rows) + " rows per import");
  }
  return doc;
}

void fail_if(std::vector<FieldError>& errors, std::size_t rows) {
  if (errors.empty()) return;
  std::stable_sort(errors.begin(), errors.end(),
                   [](const FieldError& a, const FieldError& b) { return a.line < b.line; });
  std::set<int> lines;
  for (const auto& e : errors) lines.insert(e.line);
  throw Error(ErrorCode::bad_csv,
              std::to_string(lines.size()) + " of " + std::to_string(rows) +
                  " rows (or the header) are invalid; nothing was imported",
              std::move(errors));
}

Response import_result(std::string_view kind, std::size_t rows, int created, int updated) {
  return json_response(200, json::object{{"kind", kind},
                                         {"rows", rows},
                                         {"created", created},
                                         {"updated", updated}});
}

// "08:30-12:30 14:00-19:00" (or '/' between intervals); empty or "closed" is closed.
std::optional<std::vector<core::Interval>> parse_day(std::string_view text) {
  std::vector<core::Interval> out;
  if (text.empty() || text == "closed" || text == "fermé") return out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '/')) ++i;
    if (i >= text.size()) break;
    if (i + 11 > text.size() || text[i + 5] != '-') return std::nullopt;
    auto open = core::parse_hhmm(text.substr(i, 5));
    auto close = core::parse_hhmm(text.substr(i + 6, 5));
    if (!open || !close || *open >= *close) return std::nullopt;
    if (!out.empty() && out.back().close > *open) return std::nullopt;
    out.push_back({*open, *close});
    i += 11;
  }
  return out;
}

Response import_stores(RequestContext& ctx) {
  std::vector<FieldError> errors;
  const std::vector<std::string_view> required = {"code", "name", "lat", "lon"};
  std::vector<std::string_view> optional = {"banner",   "channel",  "address",   "postcode",
                                            "city",     "timezone", "potential", "size_sqm",
                                            "rep_email", "visit_frequency_days", "tags"};
  optional.insert(optional.end(), DAY_COLUMNS.begin(), DAY_COLUMNS.end());
  auto doc = parse_body(ctx, required, optional, errors);
  int created = 0, updated = 0;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    std::map<std::string, int> first_line;
    std::map<std::string, std::optional<core::Id>> reps;  // email -> rep id
    for (const auto& row : doc.rows) {
      RowReader in(doc, row, errors);
      auto code = in.text("code", true, 64);
      if (!code) continue;
      if (auto [it, fresh] = first_line.emplace(*code, row.line); !fresh) {
        in.error("code", "duplicate of line " + std::to_string(it->second));
        continue;
      }
      auto existing = tx.store_by_code(*code);
      core::Store s = existing.value_or(core::Store{});
      s.code = *code;
      if (auto v = in.text("name", true, 200)) s.name = *v;
      if (auto v = in.decimal("lat", true, -90, 90)) s.location.lat = *v;
      if (auto v = in.decimal("lon", true, -180, 180)) s.location.lon = *v;
      if (auto v = in.text("banner", false, 100)) s.banner = *v;
      if (auto v = in.text("channel", false, 32)) {
        if (auto c = core::parse_channel(*v)) {
          s.channel = *c;
        } else {
          in.error("channel", "must be one of hyper, super, proxi, drive, cash_carry, "
                              "specialist, other");
        }
      }
      if (auto v = in.text("address", false, 300)) s.address = *v;
      if (auto v = in.text("postcode", false, 16)) s.postcode = *v;
      if (auto v = in.text("city", false, 120)) s.city = *v;
      if (auto v = in.text("timezone", false, 64)) s.timezone = *v;
      if (auto v = in.decimal("potential", false, 0, 1e9)) s.potential = *v;
      if (auto v = in.integer("size_sqm", false, 0, 1'000'000)) s.size_sqm = int(*v);
      if (auto v = in.integer("visit_frequency_days", false, 1, 365))
        s.visit_frequency_days = int(*v);
      if (auto v = in.text("tags", false, 1000)) {
        s.tags.clear();
        std::string_view rest = *v;
        while (!rest.empty()) {
          auto bar = rest.find('|');
          auto tag = rest.substr(0, bar);
          if (!tag.empty()) s.tags.emplace_back(tag);
          rest = bar == std::string_view::npos ? "" : rest.substr(bar + 1);
        }
        if (s.tags.size() > 20) in.error("tags", "at most 20 tags");
      } else if (in.has("tags")) {
        s.tags.clear();
      }
      if (in.has("rep_email")) {
        if (auto email = in.text("rep_email", false, 254)) {
          std::string key = *email;
          std::transform(key.begin(), key.end(), key.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          auto it = reps.find(key);
          if (it == reps.end()) {
            auto u = tx.user_by_email(key);
            std::optional<core::Id> id;
            if (u && !u->meta.deleted && u->role == Role::rep) id = u->meta.id;
            it = reps.emplace(key, id).first;
          }
          if (it->second) {
            s.assigned_rep_id = it->second;
          } else {
            in.error("rep_email", "no rep with this email");
          }
        } else {
          s.assigned_rep_id.reset();
        }
      }
      bool any_day = false;
      for (std::size_t d = 0; d < 7; ++d) any_day = any_day || in.has(DAY_COLUMNS[d]);
      if (any_day) {
        for (std::size_t d = 0; d < 7; ++d) {
          auto cell = in.text(DAY_COLUMNS[d], false, 200);
          auto day = parse_day(cell.value_or(""));
          if (!day) {
            in.error(DAY_COLUMNS[d], "must be intervals like 08:30-12:30 14:00-19:00, sorted, "
                                     "or empty when closed");
          } else {
            s.opening_hours.days[d] = *day;
          }
        }
      }
      std::vector<FieldError> checks;
      check_store(tx, s, checks);
      for (auto& e : checks) in.error(e.field, e.message);
      if (!errors.empty()) continue;
      if (existing) {
        tx.update_store(s);
        ++updated;
      } else {
        tx.insert_store(s);
        ++created;
      }
    }
    fail_if(errors, doc.rows.size());  // throws: the transaction rolls back
  });
  return import_result("stores", doc.rows.size(), created, updated);
}

Response import_products(RequestContext& ctx) {
  std::vector<FieldError> errors;
  auto doc = parse_body(ctx, {"sku", "name"},
                        {"ean", "brand", "range", "price", "launched_on", "active"}, errors);
  int created = 0, updated = 0;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    std::map<std::string, int> first_line;
    for (const auto& row : doc.rows) {
      RowReader in(doc, row, errors);
      auto sku = in.text("sku", true, 64);
      if (!sku) continue;
      if (auto [it, fresh] = first_line.emplace(*sku, row.line); !fresh) {
        in.error("sku", "duplicate of line " + std::to_string(it->second));
        continue;
      }
      auto existing = tx.product_by_sku(*sku);
      core::Product p = existing.value_or(core::Product{});
      p.sku = *sku;
      if (auto v = in.text("name", true, 200)) p.name = *v;
      if (auto v = in.text("ean", false, 13)) p.ean = *v;
      if (auto v = in.text("brand", false, 100)) p.brand = *v;
      if (auto v = in.text("range", false, 100)) p.range = *v;
      if (auto v = in.euros("price", false)) p.price = *v;
      if (auto v = in.text("launched_on", false, 10)) {
        if (core::is_valid_date(*v)) {
          p.launched_on = *v;
        } else {
          in.error("launched_on", "must be a date YYYY-MM-DD");
        }
      }
      if (auto v = in.flag("active")) p.active = *v;
      std::vector<FieldError> checks;
      check_product(p, checks);
      for (auto& e : checks) in.error(e.field, e.message);
      if (!errors.empty()) continue;
      if (existing) {
        tx.update_product(p);
        ++updated;
      } else {
        tx.insert_product(p);
        ++created;
      }
    }
    fail_if(errors, doc.rows.size());
  });
  return import_result("products", doc.rows.size(), created, updated);
}

// A week cell: the Monday "2026-11-23" or the ISO week "2026-W48".
std::optional<std::string> parse_week(const std::string& text) {
  if (core::is_monday(text)) return text;
  if (text.size() == 8 && text[4] == '-' && (text[5] == 'W' || text[5] == 'w')) {
    int year = 0, week = 0;
    auto [p1, e1] = std::from_chars(text.data(), text.data() + 4, year);
    auto [p2, e2] = std::from_chars(text.data() + 6, text.data() + 8, week);
    if (e1 != std::errc{} || e2 != std::errc{} || p1 != text.data() + 4 ||
        p2 != text.data() + 8 || week < 1 || week > 53) {
      return std::nullopt;
    }
    // The Monday of ISO week 1 is the Monday of the week holding January 4th.
    auto days = core::parse_date_days(std::to_string(year) + "-01-04");
    if (!days) return std::nullopt;
    const std::int64_t weekday = ((*days % 7) + 10) % 7;  // 1970-01-01 was a Thursday: Mon = 0
    const std::int64_t monday = *days - weekday + (week - 1) * 7;
    std::string out = core::format_date_days(monday);
    // Week 53 exists only in long years: its Monday must still belong to the same ISO year.
    if (week == 53) {
      auto next_days = core::parse_date_days(std::to_string(year + 1) + "-01-04");
      if (!next_days) return std::nullopt;
      const std::int64_t next_week1 = *next_days - (((*next_days % 7) + 10) % 7);
      if (monday >= next_week1) return std::nullopt;
    }
    return out;
  }
  return std::nullopt;
}

Response import_sales(RequestContext& ctx) {
  std::vector<FieldError> errors;
  auto doc = parse_body(ctx, {"store_code", "sku", "week", "units"}, {"revenue"}, errors);
  int created = 0, updated = 0;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    std::map<std::string, std::optional<core::Id>> stores;
    std::map<std::string, std::optional<core::Product>> products;
    std::map<std::tuple<core::Id, core::Id, std::string>, int> first_line;
    for (const auto& row : doc.rows) {
      RowReader in(doc, row, errors);
      auto code = in.text("store_code", true, 64);
      auto sku = in.text("sku", true, 64);
      auto week_text = in.text("week", true, 10);
      auto units = in.integer("units", true, -1'000'000, 100'000'000);
      auto revenue = in.decimal("revenue", false, -1e9, 1e10);
      std::optional<core::Id> store_id;
      std::optional<core::Product> product;
      if (code) {
        auto it = stores.find(*code);
        if (it == stores.end()) {
          auto s = tx.store_by_code(*code);
          it = stores.emplace(*code, s && !s->meta.deleted ? std::optional(s->meta.id)
                                                           : std::nullopt).first;
        }
        store_id = it->second;
        if (!store_id) in.error("store_code", "no store with this code");
      }
      if (sku) {
        auto it = products.find(*sku);
        if (it == products.end()) {
          auto p = tx.product_by_sku(*sku);
          it = products.emplace(*sku, p && !p->meta.deleted ? p : std::nullopt).first;
        }
        product = it->second;
        if (!product) in.error("sku", "no product with this SKU");
      }
      std::optional<std::string> week;
      if (week_text) {
        week = parse_week(*week_text);
        if (!week) in.error("week", "must be a Monday YYYY-MM-DD or an ISO week YYYY-Www");
      }
      if (!store_id || !product || !week || !units || !errors.empty()) continue;
      auto [it, fresh] = first_line.emplace(std::tuple(*store_id, product->meta.id, *week), row.line);
      if (!fresh) {
        in.error("week", "duplicate of line " + std::to_string(it->second));
        continue;
      }
      core::SalesFact f;
      f.store_id = *store_id;
      f.product_id = product->meta.id;
      f.week = *week;
      f.units = *units;
      f.revenue = revenue ? static_cast<core::Cents>(std::llround(*revenue * 100))
                          : *units * product->price;
      ++(tx.put_sales(f) ? created : updated);
    }
    fail_if(errors, doc.rows.size());
  });
  return import_result("sales", doc.rows.size(), created, updated);
}

Response list_sales(RequestContext& ctx) {
  storage::SalesFilter f{ctx.query_id("store_id"), ctx.query_id("product_id")};
  auto page = ctx.page();
  auto result =
      storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.sales(f, ctx.scope(), page); });
  return page_response(result);
}

}  // namespace

void add_import_routes(Router& r) {
  const Access staff = Access::only({Role::admin, Role::manager});
  r.add({Method::post, "/api/v1/imports/stores",
         "Import stores from CSV (columns: code, name, lat, lon required; see docs/API.md)",
         "imports", staff, Body::csv, {}, "", "ImportResult", import_stores});
  r.add({Method::post, "/api/v1/imports/products",
         "Import products from CSV (columns: sku, name required; see docs/API.md)", "imports",
         staff, Body::csv, {}, "", "ImportResult", import_products});
  r.add({Method::post, "/api/v1/imports/sales",
         "Import weekly ERP sell-in from CSV (store_code, sku, week, units[, revenue])", "imports",
         staff, Body::csv, {}, "", "ImportResult", import_sales});
}

void add_sales_routes(Router& r) {
  r.add({Method::get, "/api/v1/sales", "List weekly sales facts", "sales", {}, Body::none,
         {"limit", "cursor", "store_id", "product_id"}, "", "SalesList", list_sales});
}

}  // namespace boucle::api
