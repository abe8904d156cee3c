#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/domain.hpp"
#include "target/expression.hpp"
#include "target/text.hpp"

// The registry and the built-in store fields (docs/TARGETING.md, "Fields").
namespace boucle::target {

std::string_view to_string(Type t) {
  switch (t) {
    case Type::number:
      return "number";
    case Type::text:
      return "text";
    case Type::boolean:
      return "boolean";
    case Type::tags:
      return "tags";
  }
  return "?";
}

namespace {

constexpr double MISSING = std::numeric_limits<double>::quiet_NaN();

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z') return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  static constexpr std::string_view KEYWORDS[] = {
      "and", "or", "not", "in", "has", "within", "in_polygon", "between", "true", "false"};
  return std::find(std::begin(KEYWORDS), std::end(KEYWORDS), name) == std::end(KEYWORDS);
}

const std::array<std::string, 7>& channel_names() {
  static const std::array<std::string, 7> names = [] {
    std::array<std::string, 7> out;
    for (std::size_t c = 0; c < out.size(); ++c)
      out[c] = std::string(core::to_string(static_cast<core::Channel>(c)));
    return out;
  }();
  return names;
}

template <class F>
Provider numbers(F value) {
  return [value](const Facts& facts, std::span<const Arg> args, std::span<const Row> rows,
                 Column& out) {
    out.number.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) out.number[i] = value(facts, args, rows[i]);
  };
}

// A text column of codes into a Facts dictionary (picked by `dictionary`).
template <class D, class C>
Provider coded(D dictionary, C code_of) {
  return [dictionary, code_of](const Facts& facts, std::span<const Arg>, std::span<const Row> rows,
                               Column& out) {
    out.dictionary = dictionary(facts);
    out.code.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) out.code[i] = code_of(facts, rows[i]);
  };
}

// The range named by a dn/oos/facings argument: exact, else case-folded.
std::optional<std::uint32_t> find_range(const Facts& facts, std::string_view name) {
  if (auto code = facts.ranges.find(name)) return code;
  const std::string folded = detail::fold(name);
  std::string buffer;
  const auto values = facts.ranges.values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    detail::fold_into(buffer, values[i]);
    if (buffer == folded) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

std::span<const std::uint32_t> range_products(const Facts& facts, std::span<const Arg> args) {
  const auto code = find_range(facts, args[0].text);
  if (!code || *code >= facts.range_products.size()) return {};
  return facts.range_products[*code];
}

// The latest audit of (row, product), NONE if never audited (or the Facts is not indexed).
std::uint32_t latest(const Facts& facts, Row r, std::uint32_t p) {
  const std::size_t at = static_cast<std::size_t>(r) * facts.products.size() + p;
  return at < facts.latest_audit.size() ? facts.latest_audit[at] : NONE;
}

void fill_dn(const Facts& facts, std::span<const Arg> args, std::span<const Row> rows,
             Column& out) {
  const auto products = range_products(facts, args);
  // Per channel: the range's products that channel should carry, or all of them.
  std::array<std::vector<std::uint32_t>, 8> considered;
  for (std::size_t c = 0; c < facts.assortment.size(); ++c) {
    const auto& carried = facts.assortment[c];
    std::set_intersection(products.begin(), products.end(), carried.begin(), carried.end(),
                          std::back_inserter(considered[c]));
    if (considered[c].empty()) considered[c].assign(products.begin(), products.end());
  }
  considered[7].assign(products.begin(), products.end());  // a channel code out of range
  out.number.resize(rows.size());
  const std::size_t n_products = facts.products.size();
  const bool indexed = facts.latest_state.size() == facts.stores.size() * n_products;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row r = rows[i];
    const auto& list = considered[std::min<std::size_t>(facts.stores.channel[r], 7)];
    int present = 0;
    if (indexed) {
      const std::uint8_t* state = facts.latest_state.data() + static_cast<std::size_t>(r) * n_products;
      for (const std::uint32_t p : list) present += state[p] >= Facts::PRESENT ? 1 : 0;
    }
    out.number[i] = list.empty() ? 0.0 : 100.0 * present / static_cast<double>(list.size());
  }
}

void fill_oos(const Facts& facts, std::span<const Arg> args, std::span<const Row> rows,
              Column& out) {
  const auto products = range_products(facts, args);
  out.number.resize(rows.size());
  const std::size_t n_products = facts.products.size();
  const bool indexed = facts.latest_state.size() == facts.stores.size() * n_products;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    int present = 0, out_of_stock = 0;
    if (indexed) {
      const std::uint8_t* state =
          facts.latest_state.data() + static_cast<std::size_t>(rows[i]) * n_products;
      for (const std::uint32_t p : products) {
        present += state[p] >= Facts::PRESENT ? 1 : 0;
        out_of_stock += state[p] == Facts::OUT_OF_STOCK ? 1 : 0;
      }
    }
    out.number[i] = present == 0 ? MISSING : 100.0 * out_of_stock / static_cast<double>(present);
  }
}

void fill_facings(const Facts& facts, std::span<const Arg> args, std::span<const Row> rows,
                  Column& out) {
  const auto products = range_products(facts, args);
  out.number.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double sum = 0;
    for (const std::uint32_t p : products) {
      const std::uint32_t a = latest(facts, rows[i], p);
      if (a != NONE) sum += facts.audits.facings[a];
    }
    out.number[i] = sum;
  }
}

void fill_tags(const Facts& facts, std::span<const Arg>, std::span<const Row> rows, Column& out) {
  const auto& s = facts.stores;
  out.dictionary = facts.tags.values();
  if (rows.size() == s.size() && s.tag_begin.size() == s.size() + 1 &&
      (rows.empty() || rows.back() + 1 == rows.size())) {
    out.tag_begin = s.tag_begin;  // all rows, ascending: the columns as they are
    out.tag_code = s.tag_code;
    return;
  }
  out.tag_begin.resize(rows.size() + 1);
  out.tag_begin[0] = 0;
  out.tag_code.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row r = rows[i];
    if (r + 1 < s.tag_begin.size())
      out.tag_code.insert(out.tag_code.end(), s.tag_code.begin() + s.tag_begin[r],
                          s.tag_code.begin() + s.tag_begin[r + 1]);
    out.tag_begin[i + 1] = static_cast<std::uint32_t>(out.tag_code.size());
  }
}

Param whole(std::string name, double max) {
  Param p;
  p.kind = Param::Kind::number;
  p.name = std::move(name);
  p.min = 1;
  p.max = max;
  p.integer = true;
  return p;
}

Param range_param() {
  Param p;
  p.kind = Param::Kind::text;
  p.name = "range";
  p.known = [](const Facts& facts) { return facts.ranges.values(); };
  return p;
}

Registry make_builtin() {
  Registry r;
  constexpr auto S = Reads::STORES, V = Reads::VISITS, A = Reads::AUDITS, SALES = Reads::SALES,
                 CLOCK = Reads::CLOCK;
  auto field = [&r](std::string name, Type type, std::string doc, std::uint32_t reads,
                    Provider provider, std::vector<Param> params = {},
                    std::vector<std::string> known = {}) {
    r.add(FieldSpec{std::move(name), type, std::move(params), std::move(doc), reads,
                    std::move(known), std::move(provider)});
  };
  auto strings = [](auto member) {
    return [member](const Facts& f) { return std::span<const std::string>((f.stores.*member)); };
  };
  auto row_code = [](const Facts&, Row r) { return r; };

  field("id", Type::number, "the store's id", S,
        numbers([](const Facts& f, auto, Row r) { return static_cast<double>(f.stores.id[r]); }));
  field("code", Type::text, "the store's code", S, coded(strings(&StoreColumns::code), row_code));
  field("name", Type::text, "the store's name", S, coded(strings(&StoreColumns::name), row_code));
  {
    const auto& names = channel_names();
    field("channel", Type::text, "the store's channel", S,
          coded([](const Facts&) { return std::span<const std::string>(channel_names()); },
                [](const Facts& f, Row r) {
                  return f.stores.channel[r] < 7 ? std::uint32_t{f.stores.channel[r]} : NONE;
                }),
          {}, std::vector<std::string>(names.begin(), names.end()));
  }
  auto dictionary = [](auto member) {
    return [member](const Facts& f) { return (f.*member).values(); };
  };
  field(
      "banner", Type::text, "the store's banner (retail brand)", S,
      coded(dictionary(&Facts::banners), [](const Facts& f, Row r) { return f.stores.banner[r]; }));
  field("town", Type::text, "the store's town", S,
        coded(dictionary(&Facts::towns), [](const Facts& f, Row r) { return f.stores.town[r]; }));
  field("department", Type::text, "the store's French department (\"69\", \"2A\")", S,
        coded(dictionary(&Facts::departments),
              [](const Facts& f, Row r) { return f.stores.department[r]; }));
  field(
      "region", Type::text, "the store's French region", S,
      coded(dictionary(&Facts::regions), [](const Facts& f, Row r) { return f.stores.region[r]; }));
  field("potential", Type::number, "the store's potential score", S,
        numbers([](const Facts& f, auto, Row r) { return f.stores.potential[r]; }));
  field("size", Type::number, "the store's sales area in m²", S,
        numbers(
            [](const Facts& f, auto, Row r) { return static_cast<double>(f.stores.size_sqm[r]); }));
  field("frequency", Type::number, "target days between two visits", S,
        numbers([](const Facts& f, auto, Row r) {
          return static_cast<double>(f.stores.frequency_days[r]);
        }));
  field("rep", Type::number, "the assigned rep's id, 0 when unassigned", S,
        numbers([](const Facts& f, auto, Row r) { return static_cast<double>(f.stores.rep[r]); }));
  field("assigned", Type::boolean, "the store has an assigned rep", S,
        [](const Facts& f, std::span<const Arg>, std::span<const Row> rows, Column& out) {
          out.flag.resize(rows.size());
          for (std::size_t i = 0; i < rows.size(); ++i)
            out.flag[i] = f.stores.rep[rows[i]] != 0 ? 1 : 0;
        });
  field("tags", Type::tags, "the store's tags", S, fill_tags);
  field("lat", Type::number, "latitude in degrees", S,
        numbers([](const Facts& f, auto, Row r) { return f.stores.lat[r]; }));
  field("lon", Type::number, "longitude in degrees", S,
        numbers([](const Facts& f, auto, Row r) { return f.stores.lon[r]; }));
  field("days_since_visit", Type::number, "days since the last done visit; never visited: infinity",
        S | V | CLOCK, numbers([](const Facts& f, auto, Row r) {
          const UnixSeconds last = r < f.last_visit_at.size() ? f.last_visit_at[r] : 0;
          return last == 0 ? std::numeric_limits<double>::infinity()
                           : static_cast<double>(f.today() - day_of(last));
        }));
  field("visits", Type::number,
        "done visits checked in during the last `days` days (today included)", V | CLOCK,
        numbers([](const Facts& f, std::span<const Arg> args, Row r) {
          if (r + 1 >= f.store_visit_begin.size()) return 0.0;
          const Day today = f.today(), from = today - static_cast<Day>(args[0].number);
          int count = 0;
          for (std::uint32_t k = f.store_visit_begin[r]; k < f.store_visit_begin[r + 1]; ++k) {
            const Day d = day_of(f.visits.checkin_at[f.store_visits[k]]);
            count += d > from && d <= today ? 1 : 0;
          }
          return static_cast<double>(count);
        }),
        {whole("days", 3650)});
  field("sales", Type::number, "revenue (euros) over the `weeks` complete weeks before this week",
        SALES | CLOCK, numbers([](const Facts& f, std::span<const Arg> args, Row r) {
          return f.sales_over(r, static_cast<int>(args[0].number));
        }),
        {whole("weeks", 520)});
  field("sales_trend", Type::number,
        "percent change of sales over the last `weeks` weeks against the `weeks` before; missing "
        "when those are 0",
        SALES | CLOCK, numbers([](const Facts& f, std::span<const Arg> args, Row r) {
          const int w = static_cast<int>(args[0].number);
          const double recent = f.sales_over(r, w);
          const double earlier = f.sales_over(r, 2 * w) - recent;
          return earlier == 0 ? MISSING : 100.0 * (recent - earlier) / earlier;
        }),
        {whole("weeks", 260)});
  field("dn", Type::number,
        "numeric distribution (%) of a range: its expected products present at the latest audit",
        S | A, fill_dn, {range_param()});
  field("oos", Type::number,
        "% of a range's present products that were out of stock at the latest audit", A, fill_oos,
        {range_param()});
  field("facings", Type::number, "sum of the facings of a range's products at their latest audits",
        A, fill_facings, {range_param()});
  return r;
}

}  // namespace

Registry Registry::builtin() {
  static const Registry registry = make_builtin();
  return registry;
}

void Registry::add(FieldSpec spec) {
  if (!valid_name(spec.name))
    throw std::invalid_argument(
        fmt::format("field name `{}` must be lower snake case ([a-z][a-z0-9_]*, at most 64 "
                    "bytes) and not a keyword",
                    spec.name));
  if (index_.contains(spec.name))
    throw std::invalid_argument(fmt::format("field `{}` is already registered", spec.name));
  if (!spec.provider)
    throw std::invalid_argument(fmt::format("field `{}` has no provider", spec.name));
  if (!spec.known_values.empty() && spec.type != Type::text)
    throw std::invalid_argument(
        fmt::format("field `{}` has known values but is not text", spec.name));
  for (const Param& p : spec.params)
    if (p.name.empty() || (p.kind == Param::Kind::number && !(p.min <= p.max)))
      throw std::invalid_argument(
          fmt::format("field `{}` has a badly formed parameter", spec.name));
  index_.emplace(spec.name, fields_.size());
  fields_.push_back(std::make_shared<const FieldSpec>(std::move(spec)));
}

const FieldSpec* Registry::find(std::string_view name) const {
  const auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : fields_[it->second].get();
}

std::shared_ptr<const FieldSpec> Registry::share(const FieldSpec& spec) const {
  const auto it = index_.find(spec.name);
  if (it == index_.end() || fields_[it->second].get() != &spec) return nullptr;
  return fields_[it->second];
}

void EvalCache::clear() {
  columns_.clear();
  facts_ = nullptr;
}

void EvalCache::bind(const Facts& facts) {
  if (facts_ == &facts && seq_ == facts.seq && now_ == facts.now && rows_ == facts.stores.size())
    return;
  columns_.clear();
  facts_ = &facts;
  seq_ = facts.seq;
  now_ = facts.now;
  rows_ = facts.stores.size();
}

const Column* EvalCache::find(const Facts& facts, const std::string& key) {
  bind(facts);
  const auto it = columns_.find(key);
  return it == columns_.end() ? nullptr : it->second.get();
}

const Column& EvalCache::put(const Facts& facts, const std::string& key, Column column) {
  bind(facts);
  auto& slot = columns_[key];
  slot = std::make_unique<Column>(std::move(column));
  return *slot;
}

}  // namespace boucle::target
