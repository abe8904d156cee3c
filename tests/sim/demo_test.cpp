// The demo: the pieces its world is made of (calendar, random draws, geography, towns, catalogue,
// opening hours), the world `boucle demo` builds, and a small demo seeded end to end into SQLite.
#include "sim/demo.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/app.hpp"
#include "core/time.hpp"
#include "sim/calendar.hpp"
#include "sim/catalog.hpp"
#include "sim/geo.hpp"
#include "sim/random.hpp"
#include "sim/stores.hpp"
#include "sim/towns.hpp"
#include "sim/world.hpp"
#include "storage/sqlite_storage.hpp"

namespace boucle::sim {
namespace {

using core::Channel;

constexpr int SECONDS_PER_MINUTE = 60;
constexpr std::size_t DEMO_REPS = 8;
constexpr std::size_t DEMO_STORES = 1500;
// world.cpp's bound on a territory, in multiples of the mean.
constexpr double TERRITORY_MAX_RATIO = 1.25;

// A Wednesday morning in winter; 26 weeks of history reach back to September.
core::UnixSeconds demo_now() { return paris_instant(*parse_day("2026-03-04"), 10 * 3600); }

// The demo's defaults (1,500 stores, 8 reps, 26 weeks in Auvergne-Rhône-Alpes) at demo_now().
DemoOptions demo_options(std::uint64_t seed = 42) {
  DemoOptions o;
  o.seed = seed;
  o.now = demo_now();
  return o;
}

const World& demo_world() {
  static const World w = build_world(demo_scenario(demo_options()));
  return w;
}
const World& other_seed_world() {
  static const World w = build_world(demo_scenario(demo_options(43)));
  return w;
}

// Every field the world draws, doubles in hexadecimal: equal fingerprints mean bit-identical
// worlds.
std::string fingerprint(const World& w) {
  std::string out;
  char buf[64];
  const auto num = [&](double v) {
    std::snprintf(buf, sizeof buf, "%a|", v);
    out += buf;
  };
  const auto str = [&](const std::string& s) { out += s + "|"; };
  const auto integer = [&](std::int64_t v) { out += std::to_string(v) + "|"; };
  const auto hours = [&](const core::WeeklyHours& h) {
    for (const auto& day : h.days) {
      for (const auto& iv : day) {
        integer(iv.open);
        integer(iv.close);
      }
      out += ";";
    }
  };
  integer(w.start_day);
  integer(w.new_range_first);
  integer(w.new_range_last);
  for (const auto& u : w.users) {
    str(u.user.email);
    str(u.user.name);
    str(u.password);
    integer(static_cast<int>(u.user.role));
    if (u.user.home) {
      num(u.user.home->lat);
      num(u.user.home->lon);
    }
    hours(u.user.working_hours);
    integer(u.user.lunch_start);
    integer(u.user.lunch_end);
    integer(u.user.lunch_minutes);
    integer(u.user.overnight_allowed);
    integer(u.user.max_daily_driving);
  }
  for (const auto& s : w.stores) {
    str(s.store.code);
    str(s.store.name);
    str(s.store.banner);
    integer(static_cast<int>(s.store.channel));
    str(s.store.address);
    str(s.store.postcode);
    str(s.store.city);
    num(s.store.location.lat);
    num(s.store.location.lon);
    hours(s.store.opening_hours);
    num(s.store.potential);
    integer(s.store.size_sqm);
    integer(s.store.visit_frequency_days);
    for (const auto& t : s.store.tags) str(t);
    integer(s.rep);
    num(s.truth.potential);
    num(s.truth.responsiveness);
    num(s.truth.relationship);
    num(s.truth.delist_hazard);
    num(s.truth.oos_hazard);
    num(s.truth.price_markup);
    integer(s.truth.base_facings);
    for (int k : s.assortment) integer(k);
    out += ";";
  }
  for (const auto& item : w.catalog) {
    const auto& p = item.product;
    str(p.sku);
    str(p.ean);
    str(p.name);
    str(p.brand);
    str(p.range);
    integer(p.price);
    str(p.launched_on.value_or("-"));
    str(item.range_code);
    integer(item.tier);
    integer(item.launch_rank);
    num(item.weekly_units);
    integer(item.case_size);
  }
  return out;
}

bool well_formed(const std::vector<core::Interval>& day) {
  for (std::size_t i = 0; i < day.size(); ++i) {
    if (day[i].open < 0 || day[i].close > 1440 || day[i].close <= day[i].open) return false;
    if (i > 0 && day[i].open <= day[i - 1].close) return false;  // sorted, disjoint, not touching
  }
  return true;
}

// [from, to] lies inside one interval of the weekly hours, on one day, to the second.
bool inside_hours(const core::WeeklyHours& hours, core::UnixSeconds from, core::UnixSeconds to) {
  const auto in = paris_local(from);
  const auto out = paris_local(to);
  if (in.day != out.day) return false;
  const auto& day = hours.days[static_cast<std::size_t>(in.weekday)];
  return std::any_of(day.begin(), day.end(), [&](const core::Interval& iv) {
    return in.second_of_day >= iv.open * SECONDS_PER_MINUTE &&
           out.second_of_day <= iv.close * SECONDS_PER_MINUTE;
  });
}

TEST(Calendar, ParisOffsetFollowsTheEuRule) {
  const auto switch_on = static_cast<core::UnixSeconds>(*parse_day("2026-03-29")) * 86400 + 3600;
  EXPECT_EQ(paris_utc_offset_seconds(switch_on - 1), 3600);
  EXPECT_EQ(paris_utc_offset_seconds(switch_on), 7200);
  const auto switch_off = static_cast<core::UnixSeconds>(*parse_day("2026-10-25")) * 86400 + 3600;
  EXPECT_EQ(paris_utc_offset_seconds(switch_off - 1), 7200);
  EXPECT_EQ(paris_utc_offset_seconds(switch_off), 3600);
  // 2026-07-14 10:30 in Paris is 08:30 UTC; 2026-01-15 10:30 is 09:30 UTC.
  EXPECT_EQ(paris_instant(*parse_day("2026-07-14"), 10 * 3600 + 1800),
            static_cast<core::UnixSeconds>(*parse_day("2026-07-14")) * 86400 + 8 * 3600 + 1800);
  EXPECT_EQ(paris_instant(*parse_day("2026-01-15"), 10 * 3600 + 1800),
            static_cast<core::UnixSeconds>(*parse_day("2026-01-15")) * 86400 + 9 * 3600 + 1800);
  for (const char* day : {"2025-03-30", "2025-06-01", "2025-10-26", "2025-12-31"}) {
    for (int second : {6 * 3600, 12 * 3600 + 17, 23 * 3600 + 59 * 60}) {
      const auto local = paris_local(paris_instant(*parse_day(day), second));
      EXPECT_EQ(local.day, *parse_day(day));
      EXPECT_EQ(local.second_of_day, second);
    }
  }
}

TEST(Calendar, DatesWeekdaysAndHolidays) {
  EXPECT_EQ(format_day(*parse_day("2026-03-04")), "2026-03-04");
  EXPECT_EQ(weekday_of(*parse_day("2026-03-04")), 2);  // a Wednesday
  EXPECT_EQ(format_day(iso_monday(*parse_day("2026-03-08"))), "2026-03-02");
  EXPECT_FALSE(parse_day("2026-02-30"));
  EXPECT_FALSE(parse_day("2026-3-4"));
  for (const char* d : {"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14",
                        "2026-05-25", "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11",
                        "2026-12-25", "2025-04-21", "2025-05-29"}) {
    EXPECT_TRUE(is_french_holiday(*parse_day(d))) << d;
  }
  for (const char* d : {"2026-04-05", "2026-04-07", "2026-03-04", "2025-12-24"}) {
    EXPECT_FALSE(is_french_holiday(*parse_day(d))) << d;
  }
}

TEST(Random, DrawsStayInRangeAndLookUniform) {
  Rng rng(123);
  int counts[6] = {};
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < 60000; ++i) {
    const int k = rng.uniform_int(1, 6);
    ASSERT_GE(k, 1);
    ASSERT_LE(k, 6);
    ++counts[k - 1];
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const double z = rng.normal();
    sum += z;
    sum_sq += z * z;
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  EXPECT_NEAR(sum / 60000, 0.0, 0.02);
  EXPECT_NEAR(sum_sq / 60000, 1.0, 0.03);
  Rng again(123);
  EXPECT_EQ(again.uniform_int(1, 6), Rng(123).uniform_int(1, 6));
}

TEST(Geo, DistancesAndOffsets) {
  const core::GeoPoint lyon{45.7640, 4.8357};
  const core::GeoPoint marseille{43.2965, 5.3698};
  EXPECT_NEAR(distance_m(lyon, marseille) / 1000.0, 278, 3);  // as the crow flies
  const auto p = offset(lyon, 60, 5000);
  EXPECT_NEAR(distance_m(lyon, p), 5000, 10);
  EXPECT_NEAR(bearing_deg(lyon, p), 60, 0.5);
  EXPECT_LT(drive_minutes(lyon, offset(lyon, 0, 9900)),
            drive_minutes(lyon, offset(lyon, 0, 10100)) + 1);
  EXPECT_GT(drive_minutes(lyon, marseille), 180);
  EXPECT_LT(drive_minutes(lyon, marseille), 300);
}

const Town& town_named(std::string_view name) {
  const auto towns = all_towns();
  const auto it =
      std::find_if(towns.begin(), towns.end(), [&](const Town& t) { return t.name == name; });
  EXPECT_NE(it, towns.end()) << name;
  return it != towns.end() ? *it : towns.front();
}

TEST(Towns, TableIsLargeMainlandAndConsistent) {
  const auto towns = all_towns();
  EXPECT_GE(towns.size(), 450u);
  std::set<std::pair<std::string, std::string>> keys;
  std::map<std::string, std::string> region_of_department;
  for (const auto& t : towns) {
    EXPECT_TRUE(keys.insert({t.name, t.department}).second) << t.name;
    EXPECT_GT(t.lat, 42.3) << t.name;  // mainland France, south of the Channel
    EXPECT_LT(t.lat, 51.1) << t.name;
    EXPECT_GT(t.lon, -4.8) << t.name;
    EXPECT_LT(t.lon, 8.25) << t.name;
    EXPECT_NE(t.department, "2A") << t.name;  // no Corsica
    EXPECT_NE(t.department, "2B") << t.name;
    EXPECT_NE(t.department, "20") << t.name;
    EXPECT_GT(t.population, 1000) << t.name;
    // Mainland departments have two-digit codes and every postcode starts with its code.
    EXPECT_EQ(t.department.size(), 2u) << t.name;
    EXPECT_EQ(t.postcode.size(), 5u) << t.name;
    EXPECT_EQ(t.postcode.substr(0, 2), t.department) << t.name;
    EXPECT_GE(t.land_from, 0) << t.name;
    EXPECT_LE(t.land_to, 360) << t.name;
    EXPECT_GE(t.spread_km, 0) << t.name;
    if (t.name != "Paris" && t.name != "Lyon" && t.name != "Marseille") {
      EXPECT_EQ(t.postcodes, 1) << t.name;
    }
    // A department lies in one region.
    const auto [it, added] = region_of_department.emplace(t.department, t.region);
    EXPECT_EQ(it->second, t.region) << t.name;
  }
  EXPECT_EQ(region_of_department.size(), 94u);  // 96 metropolitan departments less Corsica's two

  // A few well-known facts, to the brief's 0.05°.
  EXPECT_NEAR(town_named("Lyon").lat, 45.76, 0.05);
  EXPECT_NEAR(town_named("Lyon").lon, 4.84, 0.05);
  EXPECT_NEAR(town_named("Marseille").lat, 43.30, 0.05);
  EXPECT_NEAR(town_named("Grenoble").lon, 5.72, 0.05);
  EXPECT_NEAR(town_named("Montpellier").lat, 43.61, 0.05);
  EXPECT_NEAR(town_named("Paris").lat, 48.86, 0.05);
  EXPECT_NEAR(town_named("Paris").lon, 2.35, 0.05);
  EXPECT_NEAR(town_named("Brest").lon, -4.49, 0.05);
  EXPECT_NEAR(town_named("Strasbourg").lon, 7.75, 0.05);
  EXPECT_NEAR(town_named("Lille").lat, 50.63, 0.05);
  EXPECT_EQ(town_named("Bourg-en-Bresse").postcode_at(0), "01000");
  EXPECT_EQ(town_named("Saint-Étienne").department, "42");
}

TEST(Towns, ArrondissementPostcodes) {
  const Town& paris = town_named("Paris");
  ASSERT_EQ(paris.postcodes, 20);
  EXPECT_EQ(paris.postcode_at(0), "75001");
  EXPECT_EQ(paris.postcode_at(19), "75020");
  const Town& lyon = town_named("Lyon");
  ASSERT_EQ(lyon.postcodes, 9);
  EXPECT_EQ(lyon.postcode_at(0), "69001");
  EXPECT_EQ(lyon.postcode_at(8), "69009");
  const Town& marseille = town_named("Marseille");
  ASSERT_EQ(marseille.postcodes, 16);
  EXPECT_EQ(marseille.postcode_at(0), "13001");
  EXPECT_EQ(marseille.postcode_at(15), "13016");
}

TEST(Towns, EveryRegionHasItsTownsAndEveryDepartmentItsPrefecture) {
  const auto regions = region_codes();
  ASSERT_EQ(regions.size(), 12u);
  std::map<std::string, int> per_region;
  for (const auto& t : all_towns()) {
    EXPECT_NE(std::find(regions.begin(), regions.end(), t.region), regions.end()) << t.name;
    ++per_region[t.region];
  }
  for (const auto& r : regions) EXPECT_GE(per_region[r], 25) << r;

  // clang-format off
  const std::map<std::string, std::string> prefectures{
      {"01", "Bourg-en-Bresse"}, {"02", "Laon"}, {"03", "Moulins"}, {"04", "Digne-les-Bains"},
      {"05", "Gap"}, {"06", "Nice"}, {"07", "Privas"}, {"08", "Charleville-Mézières"},
      {"09", "Foix"}, {"10", "Troyes"}, {"11", "Carcassonne"}, {"12", "Rodez"},
      {"13", "Marseille"}, {"14", "Caen"}, {"15", "Aurillac"}, {"16", "Angoulême"},
      {"17", "La Rochelle"}, {"18", "Bourges"}, {"19", "Tulle"}, {"21", "Dijon"},
      {"22", "Saint-Brieuc"}, {"23", "Guéret"}, {"24", "Périgueux"}, {"25", "Besançon"},
      {"26", "Valence"}, {"27", "Évreux"}, {"28", "Chartres"}, {"29", "Quimper"},
      {"30", "Nîmes"}, {"31", "Toulouse"}, {"32", "Auch"}, {"33", "Bordeaux"},
      {"34", "Montpellier"}, {"35", "Rennes"}, {"36", "Châteauroux"}, {"37", "Tours"},
      {"38", "Grenoble"}, {"39", "Lons-le-Saunier"}, {"40", "Mont-de-Marsan"}, {"41", "Blois"},
      {"42", "Saint-Étienne"}, {"43", "Le Puy-en-Velay"}, {"44", "Nantes"}, {"45", "Orléans"},
      {"46", "Cahors"}, {"47", "Agen"}, {"48", "Mende"}, {"49", "Angers"},
      {"50", "Saint-Lô"}, {"51", "Châlons-en-Champagne"}, {"52", "Chaumont"}, {"53", "Laval"},
      {"54", "Nancy"}, {"55", "Bar-le-Duc"}, {"56", "Vannes"}, {"57", "Metz"},
      {"58", "Nevers"}, {"59", "Lille"}, {"60", "Beauvais"}, {"61", "Alençon"},
      {"62", "Arras"}, {"63", "Clermont-Ferrand"}, {"64", "Pau"}, {"65", "Tarbes"},
      {"66", "Perpignan"}, {"67", "Strasbourg"}, {"68", "Colmar"}, {"69", "Lyon"},
      {"70", "Vesoul"}, {"71", "Mâcon"}, {"72", "Le Mans"}, {"73", "Chambéry"},
      {"74", "Annecy"}, {"75", "Paris"}, {"76", "Rouen"}, {"77", "Melun"},
      {"78", "Versailles"}, {"79", "Niort"}, {"80", "Amiens"}, {"81", "Albi"},
      {"82", "Montauban"}, {"83", "Toulon"}, {"84", "Avignon"}, {"85", "La Roche-sur-Yon"},
      {"86", "Poitiers"}, {"87", "Limoges"}, {"88", "Épinal"}, {"89", "Auxerre"},
      {"90", "Belfort"}, {"91", "Évry-Courcouronnes"}, {"92", "Nanterre"}, {"93", "Bobigny"},
      {"94", "Créteil"}, {"95", "Pontoise"}};
  // clang-format on
  for (const auto& [department, name] : prefectures) {
    EXPECT_EQ(town_named(name).department, department) << name;
  }
}

TEST(Towns, SelectByRegionDepartmentOrFrance) {
  const auto only = [](std::initializer_list<std::string> areas) {
    return select_towns(std::vector<std::string>(areas));
  };
  const auto bre = only({"bre"});
  EXPECT_GE(bre.size(), 25u);
  for (const Town* t : bre) EXPECT_EQ(t->region, "bre") << t->name;
  const auto rhone = only({"69"});
  EXPECT_GE(rhone.size(), 5u);
  for (const Town* t : rhone) EXPECT_EQ(t->department, "69") << t->name;
  EXPECT_EQ(only({"france"}).size(), all_towns().size());

  // Areas add up, each town once, in table order.
  const auto both = only({"bre", "29", "69"});
  EXPECT_EQ(both.size(), bre.size() + rhone.size());
  EXPECT_TRUE(std::is_sorted(both.begin(), both.end()));

  // No area: the historic 113 towns around Lyon, Provence and eastern Occitanie, Lyon first.
  const auto historic = select_towns({});
  ASSERT_EQ(historic.size(), 113u);
  EXPECT_EQ(historic.front()->name, "Lyon");
  std::set<std::string> names;
  for (const Town* t : historic) names.insert(t->name);
  EXPECT_EQ(names.size(), 113u);
  for (const char* name : {"Lyon", "Marseille", "Montpellier", "Dijon", "Gap", "Vichy"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  for (const char* name : {"Paris", "Rennes", "Toulouse", "Aurillac", "Moulins"}) {
    EXPECT_FALSE(names.count(name)) << name;
  }

  for (const char* unknown : {"xyz", "2A", "", "France", "971"}) {
    try {
      only({unknown, "ara"});
      ADD_FAILURE() << "no error for '" << unknown << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("'" + std::string(unknown) + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(Towns, ParsesQuotedNamesAndRejectsMalformedRows) {
  const std::string header =
      "name,department,region,postcode,lat,lon,population,land_from,land_to,tourist,postcodes,"
      "spread_km\n";
  const auto towns = parse_towns(header +
                                 "\"Saint-Denis, la ville\",93,idf,93200,48.9362,2.3574,"
                                 "113942,0,360,0,1,0\n"
                                 "Brest,29,bre,29200,48.3903,-4.4863,142346,299,76,0,1,0\n");
  ASSERT_EQ(towns.size(), 2u);
  EXPECT_EQ(towns[0].name, "Saint-Denis, la ville");
  EXPECT_EQ(towns[1].lon, -4.4863);
  EXPECT_FALSE(towns[1].bearing_on_land(180));
  EXPECT_TRUE(towns[1].bearing_on_land(0));

  const auto fails_on_line_3 = [&](const std::string& row) {
    try {
      parse_towns(header + "Brest,29,bre,29200,48.3903,-4.4863,142346,299,76,0,1,0\n" + row);
      ADD_FAILURE() << "accepted: " << row;
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    }
  };
  fails_on_line_3("Rennes,35,bre,35000,48.11,-1.68,220000,0,360,0,1\n");      // a field short
  fails_on_line_3("Rennes,35,bre,35000,48.11,-1.68,many,0,360,0,1,0\n");      // not a number
  fails_on_line_3("Rennes,35,bre,29000,48.11,-1.68,220000,0,360,0,1,0\n");    // wrong department
  fails_on_line_3("Rennes,35,xyz,35000,48.11,-1.68,220000,0,360,0,1,0\n");    // unknown region
  fails_on_line_3("Rennes,35,bre,35000,48.11,-1.68,220000,0,400,0,1,0\n");    // bad bearing
  fails_on_line_3("Rennes,35,bre,35000,48.11,-1.68,220000,0,360,yes,1,0\n");  // bad flag
  fails_on_line_3("Ajaccio,2A,cor,20000,41.92,8.74,73000,0,360,0,1,0\n");     // not mainland
}

TEST(Towns, StoresStayInTheSelectedAreaAndOnLand) {
  const auto bre = select_towns(std::vector<std::string>{"bre"});
  Rng rng(5);
  const auto placed = place_stores(500, bre, rng);
  ASSERT_EQ(placed.size(), 500u);
  for (const auto& p : placed) {
    ASSERT_NE(p.town, nullptr);
    EXPECT_EQ(p.town->region, "bre") << p.store.name;
    EXPECT_EQ(p.store.postcode.substr(0, 2), p.town->department) << p.store.name;
    double nearest_km = 1e9;
    for (const Town* t : bre) {
      nearest_km = std::min(nearest_km, distance_m(p.store.location, t->centre()) / 1000);
    }
    EXPECT_LT(nearest_km, 25) << p.store.name;
  }

  // Over all of France: every store lies within its town's land arc (so not in the sea), and
  // Paris' stores carry its arrondissements' postcodes.
  Rng france_rng(11);
  const auto everywhere =
      place_stores(4000, select_towns(std::vector<std::string>{"france"}), france_rng);
  std::set<std::string> paris_postcodes;
  for (const auto& p : everywhere) {
    const auto& centre = p.town->centre();
    if (distance_m(centre, p.store.location) > 50) {
      const double b = bearing_deg(centre, p.store.location);
      EXPECT_TRUE(p.town->bearing_on_land(b) || p.town->bearing_on_land(std::fmod(b + 0.5, 360)) ||
                  p.town->bearing_on_land(std::fmod(b + 359.5, 360)))
          << p.store.name << " at bearing " << b;
    }
    if (p.town->name == "Paris") paris_postcodes.insert(p.store.postcode);
  }
  EXPECT_GT(paris_postcodes.size(), 10u);
  for (const auto& pc : paris_postcodes) {
    EXPECT_GE(pc, "75001");
    EXPECT_LE(pc, "75020");
  }

  // The default area is the historic one.
  Rng a(3), b(3);
  const auto by_default = place_stores(300, a);
  const auto historic = place_stores(300, select_towns({}), b);
  ASSERT_EQ(by_default.size(), historic.size());
  for (std::size_t i = 0; i < by_default.size(); ++i) {
    EXPECT_EQ(by_default[i].store.name, historic[i].store.name);
    EXPECT_EQ(by_default[i].town, historic[i].town);
  }
}

TEST(Catalog, Ean13CheckDigits) {
  EXPECT_TRUE(is_valid_ean13("4006381333931"));
  EXPECT_TRUE(is_valid_ean13("3017620422003"));
  EXPECT_FALSE(is_valid_ean13("3017620422004"));
  EXPECT_FALSE(is_valid_ean13("301762042200"));
  EXPECT_FALSE(is_valid_ean13("30176204220a3"));
  EXPECT_EQ(ean13_check_digit("400638133393"), 1);
}

TEST(OpeningHours, WellFormedForEveryChannelAndBanner) {
  Rng rng(9);
  const std::vector<std::pair<Channel, std::string>> kinds{
      {Channel::hyper, "E.Leclerc"},    {Channel::hyper, "Carrefour"},
      {Channel::super, "Intermarché"},  {Channel::proxi, "Carrefour City"},
      {Channel::proxi, "Vival"},        {Channel::drive, "Leclerc Drive"},
      {Channel::cash_carry, "Metro"},   {Channel::cash_carry, "Promocash"},
      {Channel::specialist, "Biocoop"}, {Channel::specialist, "Grand Frais"}};
  for (const auto& [channel, banner] : kinds) {
    for (int population : {5000, 30000, 300000}) {
      for (int k = 0; k < 50; ++k) {
        const auto h = opening_hours(channel, banner, population, rng);
        int open_days = 0;
        for (const auto& day : h.days) {
          EXPECT_TRUE(well_formed(day)) << banner;
          open_days += day.empty() ? 0 : 1;
        }
        EXPECT_GE(open_days, 5) << banner;
        EXPECT_FALSE(h.days[1].empty()) << banner << " closed on Tuesday";
      }
    }
  }
}

TEST(DemoWorld, SameSeedSameWorldBitForBit) {
  const World again = build_world(demo_scenario(demo_options()));
  EXPECT_EQ(fingerprint(again), fingerprint(demo_world()));
}

TEST(DemoWorld, DifferentSeedDifferentWorld) {
  const World& a = demo_world();
  const World& b = other_seed_world();
  EXPECT_NE(fingerprint(a), fingerprint(b));
  ASSERT_EQ(a.stores.size(), b.stores.size());
  int moved = 0;
  for (std::size_t i = 0; i < a.stores.size(); ++i) {
    moved += a.stores[i].store.location == b.stores[i].store.location ? 0 : 1;
  }
  EXPECT_GT(moved, static_cast<int>(a.stores.size()) / 2);
}

TEST(DemoWorld, ScenarioStartsWeeksMondaysBeforeNowsMonday) {
  const DemoOptions o = demo_options();
  const Scenario s = demo_scenario(o);
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.seed, o.seed);
  EXPECT_EQ(s.stores, o.stores);
  EXPECT_EQ(s.reps, o.reps);
  EXPECT_EQ(s.weeks, o.weeks);
  EXPECT_EQ(s.area, o.area);
  EXPECT_EQ(s.start, "2025-09-01");  // 26 Mondays before Monday 2026-03-02
  EXPECT_EQ(demo_world().start_day, *parse_day("2025-09-01"));
  EXPECT_EQ(weekday_of(demo_world().start_day), 0);
  // The regime change falls within the history, in its second half.
  EXPECT_GE(s.regime.week, s.weeks / 2);
  EXPECT_LT(s.regime.week, s.weeks);

  // Now's Monday is the Monday of now's day in Paris, whatever the day and hour.
  DemoOptions edge = o;
  edge.weeks = 2;
  edge.now = paris_instant(*parse_day("2026-03-09"), 30 * 60);  // Monday 00:30, Sunday in UTC
  EXPECT_EQ(demo_scenario(edge).start, "2026-02-23");
  edge.now = paris_instant(*parse_day("2026-03-08"), 23 * 3600 + 1800);  // Sunday 23:30
  EXPECT_EQ(demo_scenario(edge).start, "2026-02-16");
  edge.weeks = 0;
  EXPECT_EQ(demo_scenario(edge).start, "2026-03-02");
}

TEST(DemoWorld, CountsWithinTheBrief) {
  const World& w = demo_world();
  EXPECT_EQ(w.users.size(), DEMO_REPS + 2);
  EXPECT_EQ(w.reps(), static_cast<int>(DEMO_REPS));
  EXPECT_EQ(w.stores.size(), DEMO_STORES);
  // The catalogue is the scenario's ranges of the full catalogue, nothing else.
  std::set<std::string> expected;
  for (const auto& item : build_catalog(format_day(w.start_day))) {
    if (item.range_code == "PDJ" || item.range_code == "GOU" || item.range_code == "PRO") {
      expected.insert(item.product.sku);
    }
  }
  std::set<std::string> skus;
  for (const auto& item : w.catalog) skus.insert(item.product.sku);
  EXPECT_EQ(skus, expected);
  EXPECT_GE(w.catalog.size(), 15u);
  for (const auto& s : w.stores) {
    EXPECT_GE(s.rep, 0) << s.store.code;
    EXPECT_LT(s.rep, w.reps()) << s.store.code;
    EXPECT_FALSE(s.assortment.empty()) << s.store.code;
  }
}

TEST(DemoWorld, UsersHaveTheDemoLoginsAndPlausibleProfiles) {
  const auto& users = demo_world().users;
  ASSERT_EQ(users.size(), DEMO_REPS + 2);
  EXPECT_EQ(users[0].user.role, core::Role::admin);
  EXPECT_EQ(users[0].user.email, "admin@boucle.test");
  EXPECT_EQ(users[0].password, "admin-demo-2026");
  EXPECT_EQ(users[1].user.role, core::Role::manager);
  EXPECT_EQ(users[1].user.email, "manager@boucle.test");
  EXPECT_EQ(users[1].password, "manager-demo-2026");
  std::set<std::string> names;
  for (std::size_t i = 0; i < users.size(); ++i) {
    const auto& u = users[i].user;
    EXPECT_TRUE(u.password_hash.empty());
    EXPECT_TRUE(names.insert(u.name).second) << u.name;
    EXPECT_NE(u.name.find(' '), std::string::npos);
    std::string lower = u.email;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    EXPECT_EQ(u.email, lower);
    ASSERT_TRUE(u.home.has_value());
    if (i < 2) continue;
    const std::string n = std::to_string(i - 1);
    EXPECT_EQ(&demo_world().rep_user(static_cast<int>(i) - 2), &users[i]);
    EXPECT_EQ(u.role, core::Role::rep);
    EXPECT_EQ(u.email, "rep" + n + "@boucle.test");
    EXPECT_EQ(users[i].password, "rep" + n + "-demo-2026");
    EXPECT_GE(u.max_daily_driving, 180);
    EXPECT_LE(u.max_daily_driving, 300);
    EXPECT_EQ(u.lunch_start, 12 * 60);
    EXPECT_EQ(u.lunch_end, 14 * 60);
    EXPECT_GE(u.lunch_minutes, 45);
    EXPECT_LE(u.lunch_minutes, 60);
    int working_days = 0;
    for (std::size_t d = 0; d < 7; ++d) {
      const auto& day = u.working_hours.days[d];
      EXPECT_TRUE(well_formed(day));
      if (d >= 5) {
        EXPECT_TRUE(day.empty()) << "reps work Monday to Friday";
      }
      if (day.empty()) continue;
      ++working_days;
      EXPECT_GE(day.front().open, 7 * 60);
      EXPECT_LE(day.front().open, 9 * 60);
      EXPECT_GE(day.back().close, 16 * 60);
      EXPECT_LE(day.back().close, 19 * 60);
    }
    EXPECT_GE(working_days, 4);
    // Home near a real town.
    double nearest_km = 1e9;
    for (const auto& t : all_towns())
      nearest_km = std::min(nearest_km, distance_m(*u.home, t.centre()) / 1000);
    EXPECT_LT(nearest_km, 8);
  }

  // demo_logins gives the same logins without seeding anything.
  const auto logins = demo_logins(demo_options());
  ASSERT_EQ(logins.size(), users.size());
  for (std::size_t i = 0; i < users.size(); ++i) {
    EXPECT_EQ(logins[i].user.email, users[i].user.email);
    EXPECT_EQ(logins[i].password, users[i].password);
    EXPECT_EQ(logins[i].user.role, users[i].user.role);
  }
}

TEST(DemoWorld, StoresArePlausible) {
  const World& w = demo_world();
  const auto area = select_towns(w.scenario.area);
  std::set<std::string> codes;
  std::set<std::string> names;
  std::map<Channel, int> per_channel;
  std::map<Channel, std::vector<double>> sizes;
  const std::regex code_format("PDV-[0-9]{6}");
  const std::regex postcode_format("[0-9]{5}");
  for (const auto& ds : w.stores) {
    const auto& s = ds.store;
    EXPECT_TRUE(codes.insert(s.code).second) << s.code;
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_TRUE(std::regex_match(s.code, code_format)) << s.code;
    EXPECT_TRUE(std::regex_match(s.postcode, postcode_format)) << s.postcode;
    EXPECT_EQ(s.name.rfind(s.banner, 0), 0u) << s.name;
    EXPECT_NE(s.name.find(s.city), std::string::npos) << s.name;
    EXPECT_FALSE(s.address.empty());
    EXPECT_EQ(s.timezone, "Europe/Paris");
    EXPECT_NE(s.channel, Channel::other);
    EXPECT_FALSE(s.assigned_rep_id.has_value()) << "ids exist only once loaded into the CRM";
    ++per_channel[s.channel];
    sizes[s.channel].push_back(s.size_sqm);
    EXPECT_GT(s.potential, 0);

    // Every store has a rep, one of the world's reps.
    EXPECT_GE(ds.rep, 0) << s.code;
    EXPECT_LT(ds.rep, w.reps()) << s.code;

    // In a town of the area, near it, with its postcode.
    const auto town = std::find_if(area.begin(), area.end(), [&](const Town* t) {
      return t->name == s.city && s.postcode.substr(0, 2) == t->department;
    });
    ASSERT_NE(town, area.end()) << s.city << " " << s.postcode;
    EXPECT_EQ((*town)->region, "ara") << s.name;
    EXPECT_LT(distance_m(s.location, (*town)->centre()), 15000) << s.name;

    int open_days = 0;
    for (const auto& day : s.opening_hours.days) {
      EXPECT_TRUE(well_formed(day)) << s.name;
      open_days += day.empty() ? 0 : 1;
    }
    EXPECT_GE(open_days, 5) << s.name;

    const int expected_frequency = s.channel == Channel::hyper   ? 14
                                   : s.channel == Channel::super ? 21
                                   : s.channel == Channel::proxi ? 42
                                                                 : 28;
    if (s.channel == Channel::super && s.visit_frequency_days == 14) {
      EXPECT_TRUE(std::count(s.tags.begin(), s.tags.end(), "key-account")) << s.name;
    } else {
      EXPECT_EQ(s.visit_frequency_days, expected_frequency) << s.name;
    }
    EXPECT_TRUE(std::is_sorted(s.tags.begin(), s.tags.end()));
    if (s.banner == "Biocoop") {
      EXPECT_TRUE(std::count(s.tags.begin(), s.tags.end(), "bio"));
    }
  }
  // Every channel present, mostly supermarkets and convenience stores.
  for (auto c : {Channel::hyper, Channel::super, Channel::proxi, Channel::drive,
                 Channel::cash_carry, Channel::specialist}) {
    EXPECT_GT(per_channel[c], 0) << core::to_string(c);
  }
  const auto n = static_cast<int>(w.stores.size());
  EXPECT_GT(per_channel[Channel::super] + per_channel[Channel::proxi], n / 2);
  EXPECT_LT(per_channel[Channel::hyper], n / 5);
  // Sizes consistent with the channel.
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  EXPECT_GT(median(sizes[Channel::hyper]), 4 * median(sizes[Channel::super]));
  EXPECT_GT(median(sizes[Channel::super]), 3 * median(sizes[Channel::proxi]));
}

TEST(DemoWorld, TerritoriesAreBalancedAndCompact) {
  for (const World* w : {&demo_world(), &other_seed_world()}) {
    SCOPED_TRACE(w->scenario.seed);
    std::vector<int> per_rep(static_cast<std::size_t>(w->reps()), 0);
    std::vector<std::vector<double>> km(per_rep.size());
    for (const auto& s : w->stores) {
      ASSERT_GE(s.rep, 0);
      ASSERT_LT(s.rep, w->reps());
      const auto r = static_cast<std::size_t>(s.rep);
      ++per_rep[r];
      km[r].push_back(distance_m(*w->rep_user(s.rep).user.home, s.store.location) / 1000);
    }
    const double mean = static_cast<double>(w->stores.size()) / static_cast<double>(w->reps());
    for (std::size_t r = 0; r < per_rep.size(); ++r) {
      const std::string& rep = w->users[r + 2].user.email;
      EXPECT_LE(per_rep[r], TERRITORY_MAX_RATIO * mean) << rep;
      EXPECT_GE(per_rep[r], 0.5 * mean) << rep;
      auto& d = km[r];
      std::sort(d.begin(), d.end());
      EXPECT_LT(d[d.size() / 2], 80) << rep << ": median store distance from home";
      EXPECT_LT(d.back(), 200) << rep;
    }
  }
}

TEST(DemoWorld, ProductsAndAssortment) {
  const World& w = demo_world();
  std::set<std::string> skus;
  std::set<std::string> eans;
  std::set<std::string> ranges;
  std::set<std::string> launched_ranges;
  for (std::size_t k = 0; k < w.catalog.size(); ++k) {
    const auto& item = w.catalog[k];
    const auto& p = item.product;
    EXPECT_TRUE(skus.insert(p.sku).second) << p.sku;
    EXPECT_TRUE(eans.insert(p.ean).second) << p.ean;
    EXPECT_TRUE(is_valid_ean13(p.ean)) << p.ean;
    EXPECT_EQ(p.brand, BRAND);
    EXPECT_FALSE(p.name.empty());
    EXPECT_GE(p.price, 50);
    EXPECT_LE(p.price, 1500);
    EXPECT_GT(item.weekly_units, 0);
    EXPECT_GT(item.case_size, 0);
    ranges.insert(item.range_code);
    // The new range, listed first, is the one launched, on the scenario's start date.
    const bool is_new = item.range_code == "PRO";
    EXPECT_EQ(w.is_new(static_cast<int>(k)), is_new) << p.sku;
    EXPECT_EQ(item.is_new(), is_new) << p.sku;
    if (is_new) {
      EXPECT_EQ(p.range, NEW_RANGE);
      EXPECT_EQ(p.launched_on, w.scenario.start) << p.sku;
    } else {
      EXPECT_FALSE(p.launched_on.has_value()) << p.sku;
    }
    if (p.launched_on) launched_ranges.insert(item.range_code);
  }
  EXPECT_EQ(ranges, (std::set<std::string>{"PDJ", "GOU", "PRO"}));
  EXPECT_EQ(launched_ranges, std::set<std::string>{"PRO"});
  EXPECT_EQ(w.new_range_first, 0);
  EXPECT_GT(w.new_range_last, w.new_range_first);
  // Launched `weeks` weeks before now's week.
  const Day now_day = paris_local(demo_now()).day;
  const Day launch = *parse_day(w.scenario.start);
  EXPECT_GE(now_day - launch, 26 * 7);
  EXPECT_LT(now_day - launch, 27 * 7);

  // Each store's assortment: valid catalogue indices, once each, the same for a whole channel.
  std::map<Channel, std::set<std::string>> by_channel;
  std::map<Channel, std::vector<int>> first_of_channel;
  for (const auto& s : w.stores) {
    std::set<std::string> mine;
    for (int k : s.assortment) {
      ASSERT_GE(k, 0);
      ASSERT_LT(k, static_cast<int>(w.catalog.size()));
      EXPECT_TRUE(mine.insert(w.catalog[static_cast<std::size_t>(k)].product.sku).second);
    }
    const auto [it, added] = first_of_channel.emplace(s.store.channel, s.assortment);
    if (!added) {
      EXPECT_EQ(it->second, s.assortment)
          << s.store.code << ": " << core::to_string(s.store.channel);
    } else {
      by_channel[s.store.channel] = mine;
    }
  }
  EXPECT_EQ(by_channel[Channel::hyper], skus);
  const auto subset = [](const std::set<std::string>& a, const std::set<std::string>& b) {
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
  };
  EXPECT_TRUE(subset(by_channel[Channel::proxi], by_channel[Channel::super]));
  EXPECT_TRUE(subset(by_channel[Channel::super], by_channel[Channel::hyper]));
  EXPECT_LT(by_channel[Channel::proxi].size(), by_channel[Channel::super].size());
  for (auto c : {Channel::super, Channel::proxi, Channel::drive, Channel::cash_carry}) {
    EXPECT_GE(by_channel[c].size(), 8u) << core::to_string(c);
  }
  // Without the organic and spread ranges, organic shops carry the protein granola alone.
  EXPECT_GE(by_channel[Channel::specialist].size(), 1u);
  // Every channel carries some of the new range.
  for (const auto& [c, channel_skus] : by_channel) {
    EXPECT_TRUE(std::any_of(channel_skus.begin(), channel_skus.end(), [](const std::string& sku) {
      return sku.rfind("ARD-PRO-", 0) == 0;
    })) << core::to_string(c);
  }
}

TEST(DemoWorld, InvariantsHoldAcrossSeedsSizesAndAreas) {
  struct Case {
    std::uint64_t seed;
    int reps;
    int stores;
    const char* area;
  };
  for (const Case& c : {Case{1, 4, 200, "ara"}, Case{2, 8, 400, "bre"}, Case{3, 6, 320, "69"}}) {
    SCOPED_TRACE(c.seed);
    DemoOptions o = demo_options(c.seed);
    o.reps = c.reps;
    o.stores = c.stores;
    o.area = {c.area};
    const World w = build_world(demo_scenario(o));
    ASSERT_EQ(w.users.size(), static_cast<std::size_t>(c.reps + 2));
    ASSERT_EQ(w.stores.size(), static_cast<std::size_t>(c.stores));
    const auto area = select_towns(o.area);
    std::set<std::string> codes;
    std::map<int, int> per_rep;
    for (const auto& s : w.stores) {
      EXPECT_TRUE(codes.insert(s.store.code).second);
      ASSERT_GE(s.rep, 0);
      ++per_rep[s.rep];
      EXPECT_TRUE(std::any_of(area.begin(), area.end(), [&](const Town* t) {
        return t->name == s.store.city;
      })) << s.store.city;
    }
    EXPECT_EQ(per_rep.size(), static_cast<std::size_t>(c.reps));
    for (const auto& [rep, n] : per_rep) {
      EXPECT_LE(n, TERRITORY_MAX_RATIO * c.stores / c.reps) << rep;
    }
  }
}

TEST(DemoWorld, NoRepsAndNoHistory) {
  DemoOptions nobody = demo_options(5);
  nobody.reps = 0;
  nobody.stores = 30;
  const World empty = build_world(demo_scenario(nobody));
  EXPECT_EQ(empty.users.size(), 2u);
  EXPECT_EQ(empty.reps(), 0);
  EXPECT_EQ(empty.stores.size(), 30u);
  for (const auto& s : empty.stores) EXPECT_EQ(s.rep, -1);
  EXPECT_EQ(demo_logins(nobody).size(), 2u);

  DemoOptions fresh = nobody;
  fresh.reps = 2;
  fresh.weeks = 0;
  const World w = build_world(demo_scenario(fresh));
  EXPECT_EQ(w.start_day, iso_monday(paris_local(fresh.now).day));
  EXPECT_EQ(w.catalog.front().product.launched_on, format_day(w.start_day));
}

// Every item of a paginated storage list.
template <typename T, typename List>
std::vector<T> list_all(List&& list) {
  std::vector<T> out;
  storage::Page page{0, 500};
  for (;;) {
    auto r = list(page);
    out.insert(out.end(), r.items.begin(), r.items.end());
    if (!r.next_after) return out;
    page.after = *r.next_after;
  }
}

class SeedDemo : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("boucle-demo-test-" + std::to_string(::getpid()) + ".db"))
                .string();
    remove_db();
  }
  void TearDown() override { remove_db(); }
  void remove_db() const {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
};

// A small demo seeded into SQLite, read back through storage: the logins, the stores and their
// reps, the weeks of history (visits with audits and orders, the ERP's sales) and the plans
// published for the coming days. Small so that it runs in a few seconds.
TEST_F(SeedDemo, SmallDemoHasItsHistoryAndTheComingDaysPlanned) {
  DemoOptions o;
  o.seed = 7;
  o.stores = 160;
  o.reps = 2;
  o.weeks = 3;
  o.plan_days = 7;
  o.now = demo_now();  // a Wednesday
  int progress_lines = 0;
  o.progress = [&](std::string_view) { ++progress_lines; };
  const DemoResult result = seed_demo(path_, o);
  EXPECT_EQ(progress_lines, o.weeks);
  EXPECT_FALSE(core::now_override().has_value()) << "the simulated clock is left behind";

  const World world = build_world(demo_scenario(o));
  const auto logins = demo_logins(o);
  ASSERT_EQ(result.logins.size(), logins.size());
  ASSERT_EQ(result.logins.size(), 4u);
  for (std::size_t i = 0; i < logins.size(); ++i) {
    EXPECT_EQ(result.logins[i].user.email, logins[i].user.email);
    EXPECT_EQ(result.logins[i].password, logins[i].password);
    EXPECT_EQ(result.logins[i].user.role, logins[i].user.role);
  }
  EXPECT_EQ(result.run.at("weeks").as_array().size(), static_cast<std::size_t>(o.weeks));
  EXPECT_EQ(result.run.at("plans_ahead").as_array().size(), static_cast<std::size_t>(o.reps));

  const Day now_day = paris_local(o.now).day;
  const Day now_monday = iso_monday(now_day);
  const Day first_monday = now_monday - 7 * o.weeks;
  const core::UnixSeconds history_from = paris_instant(first_monday, 0);
  const core::UnixSeconds history_end = paris_instant(now_monday, 0);
  const std::string first_day_ahead = format_day(now_day + 1);
  const std::string last_day_ahead = format_day(now_day + o.plan_days);

  auto db = storage::open_sqlite(path_);
  db->read([&](storage::Tx& tx) {
    const auto counts = tx.counts();
    EXPECT_EQ(counts.users, 4);
    EXPECT_EQ(counts.stores, o.stores);
    EXPECT_EQ(counts.products, static_cast<std::int64_t>(world.catalog.size()));

    // The users, with the demo emails, passwords stored hashed.
    std::vector<core::User> users;
    for (const auto& login : logins) {
      const auto u = tx.user_by_email(login.user.email);
      ASSERT_TRUE(u.has_value()) << login.user.email;
      EXPECT_EQ(u->role, login.user.role);
      EXPECT_EQ(u->name, login.user.name);
      EXPECT_TRUE(u->active);
      EXPECT_FALSE(u->password_hash.empty());
      EXPECT_EQ(u->password_hash.find(login.password), std::string::npos);
      users.push_back(*u);
    }

    // Every store, assigned to its rep.
    std::map<core::Id, const SimStore*> world_store;
    std::map<core::Id, core::Store> stores;
    for (const auto& s : world.stores) {
      const auto stored = tx.store_by_code(s.store.code);
      ASSERT_TRUE(stored.has_value()) << s.store.code;
      EXPECT_FALSE(stored->meta.deleted);
      EXPECT_EQ(stored->name, s.store.name);
      EXPECT_EQ(stored->assigned_rep_id, users.at(static_cast<std::size_t>(s.rep) + 2).meta.id)
          << s.store.code;
      world_store[stored->meta.id] = &s;
      stores[stored->meta.id] = *stored;
    }

    std::map<core::Id, core::Product> products;
    for (const auto& p :
         list_all<core::Product>([&](const storage::Page& pg) { return tx.products(pg); })) {
      products[p.meta.id] = p;
    }
    std::set<std::pair<Channel, core::Id>> rules;
    for (const auto& r : list_all<core::AssortmentRule>(
             [&](const storage::Page& pg) { return tx.assortment_rules(std::nullopt, pg); })) {
      rules.insert({r.channel, r.product_id});
    }
    const auto carries = [&](core::Id store, core::Id product) {
      return rules.count({stores.at(store).channel, product}) > 0;
    };

    // The visits: done in the weeks before now, by the store's rep; planned after now.
    const auto visits =
        list_all<core::Visit>([&](const storage::Page& pg) { return tx.visits({}, {}, pg); });
    std::map<core::Id, const core::Visit*> done;
    std::map<std::pair<core::Id, Day>, int> per_rep_day;
    std::size_t planned = 0;
    for (const auto& v : visits) {
      ASSERT_TRUE(stores.count(v.store_id));
      EXPECT_EQ(v.rep_id, stores.at(v.store_id).assigned_rep_id) << "a rep visits their own stores";
      switch (v.status) {
        case core::VisitStatus::done: {
          ASSERT_TRUE(v.checkin_at && v.checkout_at) << v.meta.id;
          EXPECT_GE(*v.checkin_at, history_from);
          EXPECT_LT(*v.checkin_at, *v.checkout_at);
          EXPECT_LT(*v.checkout_at, history_end);
          EXPECT_LT(*v.checkout_at, o.now);
          EXPECT_LE(*v.checkout_at - *v.checkin_at, 3 * 3600);
          const auto in = paris_local(*v.checkin_at);
          EXPECT_LT(in.weekday, 5) << format_day(in.day);
          ASSERT_TRUE(v.checkin_position.has_value());
          EXPECT_LE(distance_m(*v.checkin_position, stores.at(v.store_id).location), 50);
          EXPECT_FALSE(v.checkin_far);
          EXPECT_FALSE(v.report.empty());
          done[v.meta.id] = &v;
          ++per_rep_day[{v.rep_id, in.day}];
          break;
        }
        case core::VisitStatus::planned:
          ASSERT_TRUE(v.planned_at.has_value());
          EXPECT_GT(*v.planned_at, o.now);
          ++planned;
          break;
        case core::VisitStatus::cancelled:
          break;
        case core::VisitStatus::in_progress:
          ADD_FAILURE() << "visit " << v.meta.id << " left in progress";
          break;
      }
    }
    ASSERT_GT(done.size(), static_cast<std::size_t>(o.weeks * o.reps * 5));
    EXPECT_EQ(static_cast<std::int64_t>(done.size()),
              result.run.at("summary").at("visits_done").as_int64());
    // A working day in the field holds a handful of visits.
    double rep_days = 0;
    double day_visits = 0;
    for (const auto& [key, n] : per_rep_day) {
      rep_days += 1;
      day_visits += n;
    }
    EXPECT_GE(day_visits / rep_days, 2.0);
    EXPECT_LE(day_visits / rep_days, 12.0);

    // Audits: every product the store should carry, once, in every visit not found closed.
    std::map<core::Id, std::set<core::Id>> audited;
    for (const auto& a :
         list_all<core::Audit>([&](const storage::Page& pg) { return tx.audits({}, {}, pg); })) {
      ASSERT_TRUE(done.count(a.visit_id)) << "audit of a visit not done: " << a.visit_id;
      const auto& v = *done.at(a.visit_id);
      EXPECT_EQ(a.store_id, v.store_id);
      EXPECT_EQ(a.rep_id, v.rep_id);
      EXPECT_TRUE(audited[a.visit_id].insert(a.product_id).second) << "audited twice";
      EXPECT_TRUE(carries(a.store_id, a.product_id));
      const auto& p = products.at(a.product_id);
      if (a.present) {
        EXPECT_GE(a.facings, 1);
        EXPECT_LE(a.facings, 12);
        ASSERT_TRUE(a.shelf_price.has_value());
        EXPECT_GE(*a.shelf_price, p.price);  // shelf prices carry the retailer's markup
        EXPECT_LE(*a.shelf_price, p.price * 3 / 2);
      } else {
        EXPECT_EQ(a.facings, 0);
        EXPECT_FALSE(a.shelf_price.has_value());
        EXPECT_FALSE(a.out_of_stock);
        EXPECT_FALSE(a.promo);
      }
    }
    std::size_t closed = 0;
    for (const auto& [id, v] : done) {
      const auto it = audited.find(id);
      if (it == audited.end()) {
        // The store was found closed: a five-minute blank visit, reported as such.
        ++closed;
        EXPECT_EQ(*v->checkout_at - *v->checkin_at, 5 * 60) << id;
        continue;
      }
      for (const auto& [channel, product] : rules) {
        if (channel == stores.at(v->store_id).channel) {
          EXPECT_TRUE(it->second.count(product))
              << "visit " << id << " skipped product " << product;
        }
      }
    }
    EXPECT_LT(closed * 5, done.size());

    // Orders, taken in visits done, at list price.
    const auto orders =
        list_all<core::Order>([&](const storage::Page& pg) { return tx.orders({}, {}, pg); });
    EXPECT_FALSE(orders.empty());
    for (const auto& order : orders) {
      ASSERT_TRUE(order.visit_id.has_value());
      ASSERT_TRUE(done.count(*order.visit_id));
      const auto& v = *done.at(*order.visit_id);
      EXPECT_EQ(order.store_id, v.store_id);
      EXPECT_EQ(order.rep_id, v.rep_id);
      EXPECT_FALSE(order.lines.empty());
      std::set<core::Id> ordered;
      for (const auto& l : order.lines) {
        EXPECT_TRUE(ordered.insert(l.product_id).second);
        EXPECT_TRUE(carries(order.store_id, l.product_id));
        EXPECT_GT(l.quantity, 0);
        EXPECT_EQ(l.unit_price, products.at(l.product_id).price);
      }
    }

    // The ERP's weekly sales of the history's weeks, per store and assorted product.
    const auto sales =
        list_all<core::SalesFact>([&](const storage::Page& pg) { return tx.sales({}, {}, pg); });
    EXPECT_FALSE(sales.empty());
    std::set<std::string> weeks;
    std::map<Channel, double> units;
    for (const auto& s : sales) {
      const auto week = parse_day(s.week);
      ASSERT_TRUE(week.has_value()) << s.week;
      EXPECT_EQ(weekday_of(*week), 0) << s.week << " is not a Monday";
      EXPECT_GE(*week, first_monday);
      EXPECT_LT(*week, now_monday);
      weeks.insert(s.week);
      ASSERT_TRUE(stores.count(s.store_id));
      ASSERT_TRUE(products.count(s.product_id));
      EXPECT_TRUE(carries(s.store_id, s.product_id));
      EXPECT_GT(s.units, 0);
      EXPECT_EQ(s.revenue, s.units * products.at(s.product_id).price);
      units[stores.at(s.store_id).channel] += static_cast<double>(s.units);
    }
    // Every week of the history but the last `erp_lag_weeks`, which the ERP has not sent yet.
    EXPECT_EQ(weeks.size(),
              static_cast<std::size_t>(o.weeks - world.scenario.observation.erp_lag_weeks));
    // Bigger stores sell more.
    std::map<Channel, int> n_stores;
    for (const auto& [id, s] : stores) ++n_stores[s.channel];
    ASSERT_GT(n_stores[Channel::hyper], 0);
    ASSERT_GT(n_stores[Channel::proxi], 0);
    EXPECT_GT(units[Channel::hyper] / n_stores[Channel::hyper],
              3 * units[Channel::proxi] / n_stores[Channel::proxi]);

    // The coming days: one published plan per rep, whose stops are the planned visits.
    std::size_t stops = 0;
    for (std::size_t r = 2; r < users.size(); ++r) {
      const auto& rep = users[r];
      SCOPED_TRACE(rep.email);
      storage::PlanFilter filter;
      filter.rep_id = rep.meta.id;
      filter.status = core::PlanStatus::published;
      filter.overlaps_from = first_day_ahead;
      filter.overlaps_until = last_day_ahead;
      const auto plans = tx.plans(filter, {}, {0, 50}).items;
      ASSERT_EQ(plans.size(), 1u);
      EXPECT_EQ(plans[0].start_date, first_day_ahead);
      EXPECT_EQ(plans[0].days, o.plan_days);
      const auto plan = tx.plan(plans[0].meta.id, {});
      ASSERT_TRUE(plan.has_value());
      EXPECT_FALSE(plan->stops.empty());
      std::set<core::Id> planned_stores;
      for (const auto& stop : plan->stops) {
        ++stops;
        const auto& store = stores.at(stop.store_id);
        EXPECT_EQ(store.assigned_rep_id, rep.meta.id);
        EXPECT_TRUE(planned_stores.insert(stop.store_id).second) << "planned twice: " << store.code;
        EXPECT_GT(stop.start_at, o.now);
        EXPECT_GE(stop.date, first_day_ahead);
        EXPECT_LE(stop.date, last_day_ahead);
        const auto at = paris_local(stop.start_at);
        EXPECT_EQ(format_day(at.day), stop.date);
        EXPECT_LT(at.weekday, 5);
        EXPECT_TRUE(inside_hours(store.opening_hours, stop.start_at, stop.end_at)) << store.name;
        EXPECT_TRUE(inside_hours(rep.working_hours, stop.start_at, stop.end_at));
        ASSERT_TRUE(stop.visit_id.has_value());
        const auto visit = tx.visit(*stop.visit_id, {});
        ASSERT_TRUE(visit.has_value());
        EXPECT_EQ(visit->status, core::VisitStatus::planned);
        EXPECT_EQ(visit->store_id, stop.store_id);
      }
      // Lunch in the lunch window on every day with a visit, clear of the visits.
      for (const auto& day : plan->routes) {
        const bool busy = std::any_of(plan->stops.begin(), plan->stops.end(),
                                      [&](const core::PlanStop& s) { return s.date == day.date; });
        if (!busy) continue;
        ASSERT_TRUE(day.has_lunch) << day.date;
        EXPECT_GE(day.lunch_end_at - day.lunch_start_at, rep.lunch_minutes * 60);
        EXPECT_GE(paris_local(day.lunch_start_at).minute(), rep.lunch_start);
        EXPECT_LE(paris_local(day.lunch_end_at).minute(), rep.lunch_end);
        for (const auto& s : plan->stops) {
          if (s.date != day.date) continue;
          EXPECT_TRUE(s.end_at <= day.lunch_start_at || s.start_at >= day.lunch_end_at) << day.date;
        }
      }
    }
    EXPECT_EQ(planned, stops);
  });

  // The demo logins work.
  api::App app(*db, api::Config{});
  api::Request login;
  login.method = api::Method::post;
  login.target = "/api/v1/auth/login";
  login.content_type = "application/json";
  login.body = R"({"email":"rep1@boucle.test","password":"rep1-demo-2026"})";
  const auto ok = app.handle(login);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(boost::json::parse(ok.body).as_object().contains("token")) << ok.body;
  login.body = R"({"email":"manager@boucle.test","password":"manager-demo-2026"})";
  EXPECT_EQ(app.handle(login).status, 200);
  login.body = R"({"email":"rep1@boucle.test","password":"rep2-demo-2026"})";
  EXPECT_EQ(app.handle(login).status, 401);
}

}  // namespace
}  // namespace boucle::sim
