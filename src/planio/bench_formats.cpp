#include "planio/bench_formats.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <utility>

#include "core/error.hpp"

namespace boucle::planio {

namespace {

// ---- tokens -------------------------------------------------------------------------------------

struct Token {
  std::string_view text;
  int line = 0;  // 1-based
};

struct Line {
  int number = 0;
  std::vector<std::string_view> tokens;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Splits into lines (LF, CRLF or a lone CR end a line) and whitespace-separated tokens; lines
// without tokens are dropped but keep their place in the numbering.
std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  int number = 1;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    Line line{number, {}};
    std::size_t p = i;
    while (p < end) {
      while (p < end && is_space(text[p])) ++p;
      std::size_t q = p;
      while (q < end && !is_space(text[q])) ++q;
      if (q > p) line.tokens.push_back(text.substr(p, q - p));
      p = q;
    }
    if (!line.tokens.empty()) lines.push_back(std::move(line));
    if (end >= text.size()) break;
    // CRLF counts as one line end.
    i = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
    ++number;
  }
  return lines;
}

std::vector<Token> flatten(const std::vector<Line>& lines) {
  std::vector<Token> tokens;
  for (const auto& line : lines) {
    for (auto t : line.tokens) tokens.push_back({t, line.number});
  }
  return tokens;
}

[[noreturn]] void fail(const std::string& name, std::string_view format, int line,
                       std::string field, std::string message) {
  throw core::Error(core::ErrorCode::validation,
                    name + ": not a valid " + std::string(format) + " file",
                    {core::FieldError{std::move(field), std::move(message), line}});
}

std::optional<double> to_number(std::string_view s) {
  double value = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool is_integer(double v) { return std::floor(v) == v && std::fabs(v) < 1e15; }

// Reads numbers for one format, naming the file and the line in every error.
class Reader {
 public:
  Reader(std::string name, std::string_view format) : name_(std::move(name)), format_(format) {}

  [[noreturn]] void fail(int line, std::string field, std::string message) const {
    planio::fail(name_, format_, line, std::move(field), std::move(message));
  }

  double number(std::string_view text, int line, const std::string& field) const {
    auto v = to_number(text);
    if (!v) fail(line, field, "expected a number, found \"" + std::string(text) + "\"");
    return *v;
  }

  double non_negative(std::string_view text, int line, const std::string& field) const {
    double v = number(text, line, field);
    if (v < 0) fail(line, field, "must not be negative");
    return v;
  }

  std::int64_t integer(std::string_view text, int line, const std::string& field,
                       std::int64_t min) const {
    double v = number(text, line, field);
    if (!is_integer(v)) fail(line, field, "expected an integer, found " + std::string(text));
    if (v < static_cast<double>(min)) fail(line, field, "must be at least " + std::to_string(min));
    return static_cast<std::int64_t>(v);
  }

  // A value in the file's units as ticks, when the scale represents it exactly.
  std::int64_t exact_ticks(double value, double scale, int line, const std::string& field) const {
    const double scaled = value * scale;
    const double rounded = std::round(scaled);
    if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, std::fabs(scaled))) {
      fail(line, field, "has more decimals than the tick scale represents");
    }
    return static_cast<std::int64_t>(rounded);
  }

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string_view format_;
};

double euclid(const BenchPoint& a, const BenchPoint& b) {
  const double dx = a.x - b.x;
  const double dy = a.y - b.y;
  return std::sqrt(dx * dx + dy * dy);
}

// Time and distance ticks of every leg: llround(euclid × scale).
plan::Matrix rounded_matrix(const std::vector<BenchPoint>& points, double scale) {
  const int n = static_cast<int>(points.size());
  plan::Matrix m(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const auto t = static_cast<plan::Time>(std::llround(euclid(points[i], points[j]) * scale));
      m.set(i, j, t, t);
    }
  }
  return m;
}

std::string limit_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// ---- Solomon ------------------------------------------------------------------------------------

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

struct SolomonRow {
  int line = 0;
  BenchPoint point;
  double demand = 0, ready = 0, due = 0, service = 0;
};

}  // namespace

BenchInstance read_solomon(std::string_view text, std::string name, const BenchOptions& options) {
  Reader r(name, "Solomon");
  const auto lines = split_lines(text);
  enum class Section { head, vehicle, vehicle_done, customer };
  Section section = Section::head;
  std::int64_t fleet = 0, capacity = 0;
  int vehicle_line = 0;
  std::vector<SolomonRow> rows;
  for (const auto& line : lines) {
    const bool numeric = to_number(line.tokens.front()).has_value();
    if (!numeric) {
      const auto word = upper(line.tokens.front());
      if (!rows.empty()) {
        r.fail(line.number, "customer",
               "expected 7 numbers, found \"" + std::string(line.tokens.front()) + "\"");
      }
      if (word == "VEHICLE") {
        section = Section::vehicle;
      } else if (word == "CUSTOMER") {
        if (section != Section::vehicle_done) {
          r.fail(line.number, "vehicle", "the VEHICLE section (NUMBER, CAPACITY) must come first");
        }
        section = Section::customer;
      }
      continue;  // the instance name and column titles
    }
    if (section == Section::vehicle) {
      if (line.tokens.size() != 2) r.fail(line.number, "vehicle", "expected NUMBER and CAPACITY");
      fleet = r.integer(line.tokens[0], line.number, "number", 1);
      if (fleet > 100000) r.fail(line.number, "number", "implausibly large fleet");
      capacity = r.integer(line.tokens[1], line.number, "capacity", 0);
      vehicle_line = line.number;
      section = Section::vehicle_done;
    } else if (section == Section::customer) {
      if (line.tokens.size() != 7) {
        r.fail(line.number, "customer",
               "expected 7 numbers (CUST NO., X, Y, DEMAND, READY, DUE, SERVICE), found " +
                   std::to_string(line.tokens.size()));
      }
      const auto number = r.integer(line.tokens[0], line.number, "cust no", 0);
      if (number != static_cast<std::int64_t>(rows.size())) {
        r.fail(line.number, "cust no",
               "expected customer " + std::to_string(rows.size()) + " (0 is the depot)");
      }
      SolomonRow row;
      row.line = line.number;
      row.point = {r.number(line.tokens[1], line.number, "x"),
                   r.number(line.tokens[2], line.number, "y")};
      row.demand = static_cast<double>(r.integer(line.tokens[3], line.number, "demand", 0));
      row.ready = r.non_negative(line.tokens[4], line.number, "ready time");
      row.due = r.non_negative(line.tokens[5], line.number, "due date");
      row.service = r.non_negative(line.tokens[6], line.number, "service");
      if (row.due < row.ready) r.fail(line.number, "due date", "is before the ready time");
      if (!rows.empty() && row.demand > static_cast<double>(capacity)) {
        r.fail(line.number, "demand", "exceeds the vehicle capacity");
      }
      rows.push_back(row);
    } else {
      r.fail(line.number, "vehicle", "numbers outside the VEHICLE and CUSTOMER sections");
    }
  }
  if (section == Section::head || section == Section::vehicle) {
    r.fail(vehicle_line, "vehicle", "no VEHICLE section with NUMBER and CAPACITY");
  }
  if (rows.size() < 2) {
    r.fail(lines.empty() ? 0 : lines.back().number, "customer",
           "expected the depot (customer 0) and at least one customer");
  }

  BenchInstance inst;
  inst.name = std::move(name);
  inst.format = BenchFormat::solomon;
  const auto ticks = [](double v) {
    return static_cast<plan::Time>(std::llround(v * SOLOMON_SCALE));
  };
  const SolomonRow& depot = rows.front();
  inst.open = depot.ready;
  inst.close = depot.due;
  inst.capacity = static_cast<double>(capacity);
  for (const auto& row : rows) inst.points.push_back(row.point);

  plan::Problem& p = inst.problem;
  p.days = 1;
  p.travel = rounded_matrix(inst.points, SOLOMON_SCALE);
  p.weights.per_distance = 1;
  p.weights.minimise_routes = options.objective == SolomonObjective::vehicles;
  for (std::int64_t k = 0; k < fleet; ++k) {
    plan::Rep rep;
    rep.id = "vehicle-" + std::to_string(k + 1);
    rep.home = 0;
    rep.final_location = 0;
    plan::Shift shift;
    shift.start_earliest = ticks(depot.ready);
    shift.end_latest = ticks(depot.due);
    rep.shifts = {shift};
    rep.capacity = capacity;
    p.reps.push_back(std::move(rep));
  }
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    plan::Visit v;
    v.id = std::to_string(i);
    v.location = static_cast<plan::Location>(i);
    v.duration = ticks(row.service);
    v.load = static_cast<plan::Load>(row.demand);
    v.kind = plan::VisitKind::mandatory;
    // Solomon bounds the start of service; our window bounds the whole visit.
    v.windows = {{plan::Window{ticks(row.ready), ticks(row.due + row.service)}}};
    p.visits.push_back(std::move(v));
    inst.visits.push_back({1.0, row.service, row.demand, row.ready, row.due});
  }
  return inst;
}

// ---- TOPTW --------------------------------------------------------------------------------------

BenchInstance read_toptw(std::string_view text, std::string name, const BenchOptions& options) {
  Reader r(name, "TOPTW");
  if (options.tours < 1) r.fail(0, "tours", "at least one tour");
  if (options.toptw_decimals < 0 || options.toptw_decimals > 6) {
    r.fail(0, "decimals", "between 0 and 6");
  }
  const auto lines = split_lines(text);
  if (lines.size() < 3) {
    r.fail(lines.empty() ? 1 : lines.back().number, "header",
           "expected the lines \"k v N t\", \"D Q\" and one line per vertex");
  }
  const Line& head = lines[0];
  if (head.tokens.size() < 3) r.fail(head.number, "N", "the first line is \"k v N t\"");
  const auto declared = r.integer(head.tokens[2], head.number, "N", 1);

  // i x y d S f a list(a) O C: O and C are the last two fields, after the a-long list.
  struct Vertex {
    int line = 0;
    BenchPoint point;
    double service = 0, score = 0, open = 0, close = 0;
  };
  std::vector<Vertex> vertices;
  for (std::size_t li = 2; li < lines.size(); ++li) {
    const Line& line = lines[li];
    const auto& t = line.tokens;
    if (t.size() < 9) {
      r.fail(line.number, "vertex",
             "expected \"i x y d S f a list O C\", found " + std::to_string(t.size()) + " fields");
    }
    const auto index = r.integer(t[0], line.number, "i", 0);
    if (index != static_cast<std::int64_t>(vertices.size())) {
      r.fail(line.number, "i", "expected vertex " + std::to_string(vertices.size()));
    }
    const auto a = r.integer(t[6], line.number, "a", 0);
    if (static_cast<std::int64_t>(t.size()) != 9 + a) {
      r.fail(line.number, "a",
             "says " + std::to_string(a) + " list entries, the line has " +
                 std::to_string(static_cast<std::int64_t>(t.size()) - 9));
    }
    Vertex v;
    v.line = line.number;
    v.point = {r.number(t[1], line.number, "x"), r.number(t[2], line.number, "y")};
    v.service = r.non_negative(t[3], line.number, "d");
    v.score = r.non_negative(t[4], line.number, "S");
    for (std::size_t k = 5; k + 2 < t.size(); ++k) r.number(t[k], line.number, "list");
    v.open = r.non_negative(t[t.size() - 2], line.number, "O");
    v.close = r.non_negative(t[t.size() - 1], line.number, "C");
    if (v.close < v.open) r.fail(line.number, "C", "is before O");
    vertices.push_back(v);
  }
  if (static_cast<std::int64_t>(vertices.size()) != declared + 1) {
    r.fail(head.number, "N",
           "says " + std::to_string(declared) + " vertices besides vertex 0, the file has " +
               std::to_string(vertices.size() - 1));
  }

  BenchInstance inst;
  inst.name = std::move(name);
  inst.format = BenchFormat::toptw;
  const double scale = std::pow(10.0, options.toptw_decimals);
  inst.leg_scale = scale;
  const Vertex& depot = vertices.front();
  inst.open = depot.open;
  inst.close = depot.close;
  for (const auto& v : vertices) inst.points.push_back(v.point);

  plan::Problem& p = inst.problem;
  p.days = 1;
  p.weights.per_distance = 1;
  const int n = static_cast<int>(vertices.size());
  p.travel = plan::Matrix(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      // Truncated to the convention's decimals: floor(euclid × 10^decimals) is exact in ticks.
      const auto t =
          static_cast<plan::Time>(std::floor(euclid(inst.points[i], inst.points[j]) * scale));
      p.travel.set(i, j, t, t);
    }
  }
  plan::Shift shift;
  shift.start_earliest = r.exact_ticks(depot.open, scale, depot.line, "O");
  shift.end_latest = r.exact_ticks(depot.close, scale, depot.line, "C");
  for (int k = 0; k < options.tours; ++k) {
    plan::Rep rep;
    rep.id = "tour-" + std::to_string(k + 1);
    rep.shifts = {shift};
    p.reps.push_back(std::move(rep));
  }
  for (int i = 1; i < n; ++i) {
    const auto& vx = vertices[static_cast<std::size_t>(i)];
    plan::Visit v;
    v.id = std::to_string(i);
    v.location = i;
    v.duration = r.exact_ticks(vx.service, scale, vx.line, "d");
    v.prize = static_cast<plan::Cost>(std::llround(vx.score * static_cast<double>(PRIZE_SCALE)));
    v.kind = plan::VisitKind::optional;
    // The start must be in [O, C]: the whole visit in [O, C + d].
    v.windows = {{plan::Window{r.exact_ticks(vx.open, scale, vx.line, "O"),
                               r.exact_ticks(vx.close + vx.service, scale, vx.line, "C")}}};
    p.visits.push_back(std::move(v));
    inst.visits.push_back({vx.score, vx.service, 0.0, vx.open, vx.close});
  }
  // Every leg is driven inside [O0, C0], so a tour drives at most C0 - O0.
  const double max_distance_ticks = options.tours * (depot.close - depot.open) * scale;
  if (max_distance_ticks >= static_cast<double>(PRIZE_SCALE)) {
    inst.warnings.push_back("a total distance of up to " + limit_text(max_distance_ticks) +
                            " ticks may outweigh one score point");
  }
  return inst;
}

// ---- OPHS ---------------------------------------------------------------------------------------

BenchInstance read_ophs(std::string_view text, std::string name, const BenchOptions&) {
  Reader r(name, "OPHS");
  // Blank lines and trailing tabs occur: the format is a stream of whitespace-separated tokens.
  const auto tokens = flatten(split_lines(text));
  std::size_t at = 0;
  auto next = [&](const std::string& field) -> const Token& {
    if (at >= tokens.size()) {
      r.fail(tokens.empty() ? 1 : tokens.back().line, field, "the file ends early");
    }
    return tokens[at++];
  };
  const Token& tn = next("N");
  const auto n = r.integer(tn.text, tn.line, "N", 2);
  const Token& th = next("H");
  const auto h = r.integer(th.text, th.line, "H", 0);
  const Token& td = next("D");
  const auto days = r.integer(td.text, td.line, "D", 1);
  if (n > 100000 || h > 100000 || days > 1000) r.fail(tn.line, "N", "implausibly large instance");
  const Token& tmax = next("Tmax");
  const double total = r.non_negative(tmax.text, tmax.line, "Tmax");
  std::vector<double> limits;
  for (std::int64_t d = 0; d < days; ++d) {
    const Token& t = next("T" + std::to_string(d + 1));
    limits.push_back(r.non_negative(t.text, t.line, "T" + std::to_string(d + 1)));
  }
  // Start hotel H0, end hotel H1, the H extra hotels, then the N - 2 vertices.
  const auto locations = n + h;
  std::vector<BenchPoint> points;
  std::vector<double> scores;
  for (std::int64_t k = 0; k < locations; ++k) {
    const Token& x = next("x");
    const Token& y = next("y");
    const Token& s = next("score");
    points.push_back({r.number(x.text, x.line, "x"), r.number(y.text, y.line, "y")});
    scores.push_back(r.non_negative(s.text, s.line, "score"));
  }
  // A separator line (dashes) may follow; more numbers mean N or H is wrong.
  for (; at < tokens.size(); ++at) {
    if (to_number(tokens[at].text)) {
      r.fail(tokens[at].line, "N", "more locations than N + H = " + std::to_string(locations));
    }
  }

  BenchInstance inst;
  inst.name = std::move(name);
  inst.format = BenchFormat::ophs;
  inst.points = points;
  inst.day_limit = limits;
  inst.total_limit = total;
  inst.hotel_count = static_cast<int>(h + 2);

  plan::Problem& p = inst.problem;
  p.days = static_cast<int>(days);
  p.travel = rounded_matrix(points, OPHS_SCALE);
  p.weights.per_distance = 1;
  plan::Rep rep;
  rep.id = "tour";
  rep.home = 0;
  rep.final_location = 1;
  for (double limit : limits) {
    plan::Shift shift;
    // Travel time = distance, no service times: a trip's length limit is a driving limit. The
    // limits have at most four decimals; the epsilon absorbs 45.657 × 10^4 = 456569.99999999994.
    shift.max_drive = static_cast<plan::Time>(std::floor(limit * OPHS_SCALE + 1e-6));
    rep.shifts.push_back(shift);
  }
  rep.overnight.allowed = true;
  rep.overnight.cost_per_night = 0;
  rep.overnight.home_allowed = false;
  // Divsalar, Vansteenwegen & Cattrysse (2013): an intermediate trip may end at any of the H + 2
  // hotels, the start and end hotels included (and a hotel may be used on several nights).
  for (int k = 0; k < inst.hotel_count; ++k) rep.overnight.hotels.push_back(k);
  p.reps.push_back(std::move(rep));
  for (auto k = static_cast<int>(h + 2); k < locations; ++k) {
    plan::Visit v;
    v.id = std::to_string(k - inst.hotel_count + 1);
    v.location = k;
    v.prize = static_cast<plan::Cost>(
        std::llround(scores[static_cast<std::size_t>(k)] * static_cast<double>(PRIZE_SCALE)));
    p.visits.push_back(std::move(v));
    inst.visits.push_back({scores[static_cast<std::size_t>(k)], 0.0, 0.0, 0.0, NO_LIMIT});
  }

  const double sum = std::accumulate(limits.begin(), limits.end(), 0.0);
  if (total + BENCH_TOLERANCE < sum) {
    inst.warnings.push_back("Tmax " + limit_text(total) + " is below the sum of the trip limits " +
                            limit_text(sum) +
                            ": the total limit may bind; the model does not express it (the "
                            "re-check does)");
  }
  if (sum * OPHS_SCALE >= static_cast<double>(PRIZE_SCALE)) {
    inst.warnings.push_back("a total distance of up to " + limit_text(sum * OPHS_SCALE) +
                            " ticks may outweigh one score point");
  }
  return inst;
}

BenchInstance read_bench(std::string_view text, std::string name, BenchFormat format,
                         const BenchOptions& options) {
  switch (format) {
    case BenchFormat::solomon:
      return read_solomon(text, std::move(name), options);
    case BenchFormat::toptw:
      return read_toptw(text, std::move(name), options);
    case BenchFormat::ophs:
      return read_ophs(text, std::move(name), options);
  }
  throw core::Error(core::ErrorCode::internal, "unknown benchmark format");
}

BenchInstance read_bench_file(const std::filesystem::path& path, BenchFormat format,
                              const BenchOptions& options) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    throw core::Error(core::ErrorCode::validation, "cannot read " + path.string());
  }
  return read_bench(text.str(), path.stem().string(), format, options);
}

double bench_leg(const BenchInstance& instance, plan::Location from, plan::Location to) {
  const double e = euclid(instance.points[static_cast<std::size_t>(from)],
                          instance.points[static_cast<std::size_t>(to)]);
  if (instance.leg_scale <= 0) return e;
  // The same truncation as the ticks of read_toptw, so both agree exactly.
  return std::floor(e * instance.leg_scale) / instance.leg_scale;
}

// ---- re-check -----------------------------------------------------------------------------------

BenchResult evaluate_bench(const BenchInstance& inst, const plan::Solution& solution) {
  BenchResult result;
  const plan::Problem& p = inst.problem;
  const auto visit_count = static_cast<int>(p.visits.size());
  const auto location_count = static_cast<int>(inst.points.size());
  std::vector<int> made(static_cast<std::size_t>(visit_count), 0);
  auto violate = [&](std::string rule, std::string detail) {
    result.violations.push_back(std::move(rule) + ": " + std::move(detail));
  };
  auto num = [](double v) { return limit_text(v); };

  std::map<std::pair<int, int>, const plan::Route*> by_rep_day;
  double total_drive = 0;
  for (const auto& route : solution.routes) {
    const std::string where =
        "rep " + std::to_string(route.rep) + " day " + std::to_string(route.day);
    if (route.rep < 0 || route.rep >= static_cast<int>(p.reps.size()) || route.day < 0 ||
        route.day >= p.days) {
      violate("route", where + " does not exist");
      continue;
    }
    if (!by_rep_day.emplace(std::make_pair(route.rep, route.day), &route).second) {
      violate("route", where + " appears twice");
      continue;
    }
    if (route.start_location < 0 || route.start_location >= location_count ||
        route.end_location < 0 || route.end_location >= location_count) {
      violate("route", where + " starts or ends at an unknown location");
      continue;
    }
    if (inst.format != BenchFormat::ophs &&
        (route.start_location != 0 || route.end_location != 0)) {
      violate("depot", where + " does not start and end at the depot");
    }
    if (!route.stops.empty()) ++result.vehicles;

    // The earliest schedule in the file's units: leave at the opening, wait where early.
    double t = inst.open;
    double drive = 0;
    double load = 0;
    plan::Location at = route.start_location;
    for (const auto& stop : route.stops) {
      if (stop.visit < 0 || stop.visit >= visit_count) {
        violate("visit", where + " has an unknown visit " + std::to_string(stop.visit));
        continue;
      }
      const auto& bv = inst.visits[static_cast<std::size_t>(stop.visit)];
      const auto& visit = p.visits[static_cast<std::size_t>(stop.visit)];
      ++made[static_cast<std::size_t>(stop.visit)];
      const double leg = bench_leg(inst, at, visit.location);
      drive += leg;
      t += leg;
      const double start = std::max(t, bv.ready);
      if (start > bv.due + BENCH_TOLERANCE) {
        violate("window", where + " starts visit " + visit.id + " at " + num(start) +
                              ", after its latest start " + num(bv.due));
      }
      t = start + bv.service;
      load += bv.demand;
      at = visit.location;
    }
    const double back = bench_leg(inst, at, route.end_location);
    drive += back;
    t += back;
    if (t > inst.close + BENCH_TOLERANCE) {
      violate("horizon", where + " ends at " + num(t) + ", after " + num(inst.close));
    }
    if (load > inst.capacity + BENCH_TOLERANCE) {
      violate("capacity", where + " carries " + num(load) + " > " + num(inst.capacity));
    }
    const auto day = static_cast<std::size_t>(route.day);
    if (day < inst.day_limit.size() && drive > inst.day_limit[day] + BENCH_TOLERANCE) {
      violate("max_drive", where + " drives " + num(drive) + " > " + num(inst.day_limit[day]));
    }
    total_drive += drive;
    result.distance += drive;
  }

  if (inst.format == BenchFormat::ophs) {
    // One trip a day, each starting where the last one ended; a day without a route stays put.
    for (int r = 0; r < static_cast<int>(p.reps.size()); ++r) {
      const auto& rep = p.reps[static_cast<std::size_t>(r)];
      plan::Location at = rep.home;
      for (int d = 0; d < p.days; ++d) {
        auto it = by_rep_day.find({r, d});
        if (it == by_rep_day.end()) continue;
        const plan::Route& route = *it->second;
        const std::string where = "rep " + std::to_string(r) + " day " + std::to_string(d);
        if (route.start_location != at) {
          violate("continuity", where + " starts at " + std::to_string(route.start_location) +
                                    ", the night was at " + std::to_string(at));
        }
        if (d + 1 < p.days && route.end_location >= inst.hotel_count) {
          violate("hotel",
                  where + " ends at " + std::to_string(route.end_location) + ", not a hotel");
        }
        at = route.end_location;
      }
      if (at != rep.final_location) {
        violate("final", "rep " + std::to_string(r) + " ends the tour at " + std::to_string(at) +
                             ", not at " + std::to_string(rep.final_location));
      }
    }
    if (total_drive > inst.total_limit + BENCH_TOLERANCE) {
      violate("total_limit",
              "the tour is " + num(total_drive) + " long > Tmax " + num(inst.total_limit));
    }
  }

  for (int v = 0; v < visit_count; ++v) {
    const int times = made[static_cast<std::size_t>(v)];
    const auto& visit = p.visits[static_cast<std::size_t>(v)];
    if (times > 1)
      violate("duplicate", "visit " + visit.id + " made " + std::to_string(times) + " times");
    if (times >= 1) {
      ++result.served;
      result.score += inst.visits[static_cast<std::size_t>(v)].score;
    } else if (visit.kind != plan::VisitKind::optional) {
      ++result.mandatory_missing;
    }
  }
  return result;
}

}  // namespace boucle::planio
