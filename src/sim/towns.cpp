#include "sim/towns.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

#include "core/csv.hpp"

namespace boucle::sim {

namespace detail {
// The content of src/sim/data/towns.csv, generated into the build tree by CMake.
std::string_view towns_csv();
}  // namespace detail

namespace {

// INSEE's region order (11 Île-de-France … 93 Provence-Alpes-Côte d'Azur).
constexpr std::array<std::string_view, 12> REGIONS{"idf", "cvl", "bfc", "nor", "hdf", "ges",
                                                   "pdl", "bre", "naq", "occ", "ara", "pac"};

// The area the simulator began with: 113 towns of Auvergne-Rhône-Alpes, southern Burgundy,
// Provence and eastern Occitanie, one contiguous area a team of reps can drive. Its departments
// now hold more towns (every prefecture, the main towns), but the default area stays these, in
// this order, which fixes the random draws: the default demo world is the one it always was.
// clang-format off
constexpr std::array<std::string_view, 113> DEFAULT_TOWNS{
    "Lyon", "Villeurbanne", "Vénissieux", "Vaulx-en-Velin", "Saint-Priest",
    "Villefranche-sur-Saône", "Givors", "Tarare", "Saint-Étienne", "Roanne", "Saint-Chamond",
    "Montbrison", "Firminy", "Grenoble", "Échirolles", "Saint-Martin-d'Hères", "Vienne",
    "Bourgoin-Jallieu", "Voiron", "Villefontaine", "La Tour-du-Pin", "Saint-Marcellin",
    "Bourg-en-Bresse", "Oyonnax", "Ambérieu-en-Bugey", "Valserhône", "Belley", "Miribel",
    "Chambéry", "Aix-les-Bains", "Albertville", "Saint-Jean-de-Maurienne", "Montmélian", "Annecy",
    "Annemasse", "Thonon-les-Bains", "Cluses", "Sallanches", "Rumilly", "Bonneville", "Valence",
    "Montélimar", "Romans-sur-Isère", "Pierrelatte", "Livron-sur-Drôme", "Crest", "Nyons", "Die",
    "Annonay", "Aubenas", "Guilherand-Granges", "Tournon-sur-Rhône", "Privas", "Le Teil",
    "Avignon", "Carpentras", "Orange", "Cavaillon", "Pertuis", "L'Isle-sur-la-Sorgue", "Bollène",
    "Apt", "Marseille", "Aix-en-Provence", "Arles", "Aubagne", "Salon-de-Provence", "Gardanne",
    "Châteaurenard", "Tarascon", "Toulon", "Fréjus", "Draguignan", "Brignoles",
    "Saint-Maximin-la-Sainte-Baume", "Le Luc", "Manosque", "Digne-les-Bains", "Sisteron", "Gap",
    "Nîmes", "Alès", "Bagnols-sur-Cèze", "Beaucaire", "Saint-Gilles", "Vauvert", "Uzès",
    "Montpellier", "Béziers", "Lunel", "Castelnau-le-Lez", "Clermont-l'Hérault", "Pézenas",
    "Lodève", "Ganges", "Chalon-sur-Saône", "Mâcon", "Le Creusot", "Montceau-les-Mines", "Autun",
    "Paray-le-Monial", "Louhans", "Tournus", "Dijon", "Beaune", "Chenôve", "Clermont-Ferrand",
    "Riom", "Issoire", "Thiers", "Vichy", "Le Puy-en-Velay", "Yssingeaux"};
// clang-format on

constexpr std::array<std::string_view, 12> COLUMNS{
    "name",       "department", "region",  "postcode", "lat",       "lon",
    "population", "land_from",  "land_to", "tourist",  "postcodes", "spread_km"};

[[noreturn]] void bad_row(int line, std::string_view what) {
  throw std::logic_error("towns.csv line " + std::to_string(line) + ": " + std::string(what));
}

template <typename T>
T number(const std::string& text, int line, std::string_view column) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    bad_row(line, std::string(column) + " is not a number: '" + text + "'");
  }
  return value;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::vector<Town>& table() {
  static const std::vector<Town> towns = parse_towns(detail::towns_csv());
  return towns;
}

std::vector<const Town*> default_area() {
  const auto& towns = table();
  std::vector<const Town*> out;
  out.reserve(DEFAULT_TOWNS.size());
  for (const auto name : DEFAULT_TOWNS) {
    const auto it =
        std::find_if(towns.begin(), towns.end(), [&](const Town& t) { return t.name == name; });
    if (it == towns.end() || std::find_if(it + 1, towns.end(), [&](const Town& t) {
                               return t.name == name;
                             }) != towns.end()) {
      throw std::logic_error("towns.csv: default town '" + std::string(name) +
                             "' missing or not unique");
    }
    out.push_back(&*it);
  }
  return out;
}

}  // namespace

bool Town::bearing_on_land(double bearing) const {
  if (land_from == 0 && land_to == 360) return true;
  const double from = land_from;
  const double to = land_to;
  if (from <= to) return bearing >= from && bearing <= to;
  return bearing >= from || bearing <= to;  // the arc wraps through north
}

std::string Town::postcode_at(int k) const {
  int base = 0;
  std::from_chars(postcode.data(), postcode.data() + postcode.size(), base);
  std::string s = std::to_string(base + k);
  return std::string(5 - std::min<std::size_t>(5, s.size()), '0') + s;
}

std::vector<Town> parse_towns(std::string_view csv) {
  const auto doc = core::parse_csv(csv);
  if (!doc.errors.empty()) bad_row(doc.errors.front().line, doc.errors.front().message);
  std::array<std::size_t, COLUMNS.size()> at{};
  for (std::size_t c = 0; c < COLUMNS.size(); ++c) {
    const auto index = doc.column(COLUMNS[c]);
    if (!index) bad_row(1, "no column '" + std::string(COLUMNS[c]) + "'");
    at[c] = *index;
  }
  std::vector<Town> towns;
  towns.reserve(doc.rows.size());
  for (const auto& row : doc.rows) {
    const auto field = [&](std::size_t c) -> const std::string& { return row.fields[at[c]]; };
    const int line = row.line;
    Town t;
    t.name = field(0);
    t.department = field(1);
    t.region = field(2);
    t.postcode = field(3);
    t.lat = number<double>(field(4), line, COLUMNS[4]);
    t.lon = number<double>(field(5), line, COLUMNS[5]);
    t.population = number<int>(field(6), line, COLUMNS[6]);
    t.land_from = number<int>(field(7), line, COLUMNS[7]);
    t.land_to = number<int>(field(8), line, COLUMNS[8]);
    const int tourist = number<int>(field(9), line, COLUMNS[9]);
    t.postcodes = number<int>(field(10), line, COLUMNS[10]);
    t.spread_km = number<double>(field(11), line, COLUMNS[11]);

    if (t.name.empty()) bad_row(line, "empty name");
    if (t.department.size() != 2 || !all_digits(t.department)) {
      bad_row(line, "department is not a mainland code: '" + t.department + "'");
    }
    if (std::find(REGIONS.begin(), REGIONS.end(), t.region) == REGIONS.end()) {
      bad_row(line, "unknown region '" + t.region + "'");
    }
    if (t.postcode.size() != 5 || !all_digits(t.postcode) ||
        t.postcode.compare(0, 2, t.department) != 0) {
      bad_row(line, "postcode '" + t.postcode + "' is not in department " + t.department);
    }
    if (!std::isfinite(t.lat) || !std::isfinite(t.lon) || std::fabs(t.lat) > 90 ||
        std::fabs(t.lon) > 180) {
      bad_row(line, "coordinates out of range");
    }
    if (t.population <= 0) bad_row(line, "population must be positive");
    if (t.land_from < 0 || t.land_from > 360 || t.land_to < 0 || t.land_to > 360) {
      bad_row(line, "land arc bearings must lie in 0-360");
    }
    if (tourist != 0 && tourist != 1) bad_row(line, "tourist must be 0 or 1");
    t.tourist = tourist == 1;
    if (t.postcodes < 1 || t.postcodes > 20) bad_row(line, "postcodes must lie in 1-20");
    if (t.spread_km < 0) bad_row(line, "spread_km must not be negative");
    towns.push_back(std::move(t));
  }
  return towns;
}

std::span<const Town> all_towns() { return table(); }

std::vector<std::string> region_codes() { return {REGIONS.begin(), REGIONS.end()}; }

std::vector<const Town*> select_towns(std::span<const std::string> areas) {
  if (areas.empty()) {
    static const std::vector<const Town*> historic = default_area();
    return historic;
  }
  const auto& towns = table();
  std::vector<bool> chosen(towns.size(), false);
  const auto choose = [&](auto&& in_area) {
    for (std::size_t i = 0; i < towns.size(); ++i) {
      if (in_area(towns[i])) chosen[i] = true;
    }
  };
  for (const auto& area : areas) {
    if (area == "france") {
      choose([](const Town&) { return true; });
    } else if (std::find(REGIONS.begin(), REGIONS.end(), area) != REGIONS.end()) {
      choose([&](const Town& t) { return t.region == area; });
    } else if (std::any_of(towns.begin(), towns.end(),
                           [&](const Town& t) { return t.department == area; })) {
      choose([&](const Town& t) { return t.department == area; });
    } else {
      throw std::invalid_argument("unknown area '" + area +
                                  "': expected a region code, a department code or 'france'");
    }
  }
  std::vector<const Town*> out;
  for (std::size_t i = 0; i < towns.size(); ++i) {
    if (chosen[i]) out.push_back(&towns[i]);
  }
  return out;
}

}  // namespace boucle::sim
