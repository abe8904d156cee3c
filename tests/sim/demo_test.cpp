#include "sim/demo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/catalog.hpp"
#include "sim/geo.hpp"
#include "sim/random.hpp"
#include "sim/stores.hpp"
#include "sim/towns.hpp"

namespace boucle::sim {
namespace {

using core::Channel;
using core::VisitType;

constexpr int SECONDS_PER_MINUTE = 60;

// A Wednesday in winter (history from November, no clock change) and one in spring (history
// across the switch to summer time, Easter and the May holidays).
core::UnixSeconds winter_now() { return paris_instant(*parse_day("2026-03-04"), 10 * 3600); }
core::UnixSeconds spring_now() { return paris_instant(*parse_day("2025-05-14"), 18 * 3600); }

Options options_at(core::UnixSeconds now, std::uint64_t seed = 42) {
  Options o;
  o.seed = seed;
  o.now = now;
  return o;
}

const DemoWorld& winter_world() {
  static const DemoWorld w = generate(options_at(winter_now()));
  return w;
}
const DemoWorld& spring_world() {
  static const DemoWorld w = generate(options_at(spring_now(), 7));
  return w;
}

// Every field, doubles in hexadecimal: equal fingerprints mean bit-identical worlds.
std::string fingerprint(const DemoWorld& w) {
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
    str(s.rep_email);
  }
  for (const auto& p : w.products) {
    str(p.sku);
    str(p.ean);
    str(p.name);
    str(p.range);
    integer(p.price);
    str(p.launched_on.value_or("-"));
  }
  for (const auto& a : w.assortment) {
    integer(static_cast<int>(a.channel));
    str(a.sku);
  }
  for (const auto& v : w.visits) {
    str(v.store_code);
    str(v.rep_email);
    integer(static_cast<int>(v.type));
    integer(v.checkin_at);
    integer(v.checkout_at);
    num(v.checkin_position.lat);
    num(v.checkin_position.lon);
    num(v.checkout_position.lat);
    num(v.checkout_position.lon);
    str(v.report);
    str(v.next_steps);
    for (const auto& a : v.audits) {
      str(a.sku);
      integer(a.present);
      integer(a.facings);
      integer(a.shelf_price.value_or(-1));
      integer(a.out_of_stock);
      integer(a.promo);
    }
    for (const auto& l : v.order) {
      str(l.sku);
      integer(l.quantity);
      integer(l.unit_price);
    }
  }
  for (const auto& p : w.planned) {
    str(p.store_code);
    str(p.rep_email);
    integer(static_cast<int>(p.type));
    integer(p.planned_at);
  }
  for (const auto& s : w.sales) {
    str(s.store_code);
    str(s.sku);
    str(s.week);
    integer(s.units);
    integer(s.revenue);
  }
  return out;
}

std::map<std::string, const DemoStore*> stores_by_code(const DemoWorld& w) {
  std::map<std::string, const DemoStore*> m;
  for (const auto& s : w.stores) m[s.store.code] = &s;
  return m;
}

std::map<std::string, const core::User*> users_by_email(const DemoWorld& w) {
  std::map<std::string, const core::User*> m;
  for (const auto& u : w.users) m[u.user.email] = &u.user;
  return m;
}

std::map<std::string, const core::Product*> products_by_sku(const DemoWorld& w) {
  std::map<std::string, const core::Product*> m;
  for (const auto& p : w.products) m[p.sku] = &p;
  return m;
}

std::set<std::pair<Channel, std::string>> assortment_set(const DemoWorld& w) {
  std::set<std::pair<Channel, std::string>> s;
  for (const auto& a : w.assortment) s.insert({a.channel, a.sku});
  return s;
}

bool well_formed(const std::vector<core::Interval>& day) {
  for (std::size_t i = 0; i < day.size(); ++i) {
    if (day[i].open < 0 || day[i].close > 1440 || day[i].close <= day[i].open) return false;
    if (i > 0 && day[i].open <= day[i - 1].close) return false;  // sorted, disjoint, not touching
  }
  return true;
}

// The visit [checkin, checkout] lies inside one interval of `day`, to the second.
bool inside_one_interval(const std::vector<core::Interval>& day, const LocalTime& in,
                         const LocalTime& out) {
  if (in.day != out.day) return false;
  return std::any_of(day.begin(), day.end(), [&](const core::Interval& iv) {
    return in.second_of_day >= iv.open * SECONDS_PER_MINUTE &&
           out.second_of_day <= iv.close * SECONDS_PER_MINUTE;
  });
}

Day launch_day_of(const DemoWorld& w) {
  for (const auto& p : w.products) {
    if (p.launched_on) return *parse_day(*p.launched_on);
  }
  ADD_FAILURE() << "no product has a launch date";
  return 0;
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

TEST(Generator, SameSeedSameWorldBitForBit) {
  const auto a = generate(options_at(winter_now()));
  EXPECT_EQ(fingerprint(a), fingerprint(winter_world()));
}

TEST(Generator, DifferentSeedDifferentWorld) {
  const auto other = generate(options_at(winter_now(), 43));
  EXPECT_NE(fingerprint(other), fingerprint(winter_world()));
  int moved = 0;
  for (std::size_t i = 0; i < std::min(other.stores.size(), winter_world().stores.size()); ++i) {
    moved += other.stores[i].store.location == winter_world().stores[i].store.location ? 0 : 1;
  }
  EXPECT_GT(moved, 300);
}

TEST(Generator, CountsWithinTheBrief) {
  for (const DemoWorld* w : {&winter_world(), &spring_world()}) {
    EXPECT_EQ(w->users.size(), 8u);
    EXPECT_EQ(w->stores.size(), 320u);
    EXPECT_GE(w->products.size(), 36u);
    EXPECT_LE(w->products.size(), 50u);
    EXPECT_GE(w->visits.size(), 1400u);
    EXPECT_LE(w->visits.size(), 2500u);
    std::size_t audits = 0;
    std::size_t orders = 0;
    for (const auto& v : w->visits) {
      audits += v.audits.size();
      orders += v.order.empty() ? 0 : 1;
    }
    EXPECT_GE(audits, 8000u);
    EXPECT_LE(audits, 25000u);
    const double strike_rate = static_cast<double>(orders) / static_cast<double>(w->visits.size());
    EXPECT_GE(strike_rate, 0.40);
    EXPECT_LE(strike_rate, 0.60);
    EXPECT_GE(w->sales.size(), 30000u);
    EXPECT_LE(w->sales.size(), 150000u);
    EXPECT_GE(w->planned.size(), 60u);
  }
}

TEST(Generator, UsersHaveTheDemoLoginsAndPlausibleProfiles) {
  const auto& users = winter_world().users;
  ASSERT_EQ(users.size(), 8u);
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
}

TEST(Generator, StoresArePlausible) {
  const auto& w = winter_world();
  const auto users = users_by_email(w);
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
    ++per_channel[s.channel];
    sizes[s.channel].push_back(s.size_sqm);
    EXPECT_GT(s.potential, 0);

    // Every store has a rep, and it is a rep.
    ASSERT_FALSE(ds.rep_email.empty()) << s.code;
    ASSERT_TRUE(users.count(ds.rep_email)) << ds.rep_email;
    EXPECT_EQ(users.at(ds.rep_email)->role, core::Role::rep);

    // Near its town, whose postcode it carries.
    const auto towns = all_towns();
    const auto town =
        std::find_if(towns.begin(), towns.end(), [&](const Town& t) { return t.name == s.city; });
    ASSERT_NE(town, towns.end()) << s.city;
    EXPECT_LT(distance_m(s.location, town->centre()), 15000) << s.name;
    EXPECT_EQ(s.postcode.substr(0, 2), town->department) << s.name;

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
  EXPECT_GT(per_channel[Channel::super] + per_channel[Channel::proxi], 160);
  EXPECT_LT(per_channel[Channel::hyper], 60);
  // Sizes consistent with the channel.
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  EXPECT_GT(median(sizes[Channel::hyper]), 4 * median(sizes[Channel::super]));
  EXPECT_GT(median(sizes[Channel::super]), 3 * median(sizes[Channel::proxi]));
}

TEST(Generator, TerritoriesAreBalancedAndCompact) {
  for (const DemoWorld* w : {&winter_world(), &spring_world()}) {
    std::map<std::string, int> per_rep;
    std::map<std::string, std::vector<double>> km;
    const auto users = users_by_email(*w);
    for (const auto& s : w->stores) {
      ++per_rep[s.rep_email];
      km[s.rep_email].push_back(distance_m(*users.at(s.rep_email)->home, s.store.location) / 1000);
    }
    ASSERT_EQ(per_rep.size(), 6u);
    const double mean = static_cast<double>(w->stores.size()) / 6.0;
    for (auto& [rep, n] : per_rep) {
      EXPECT_LE(n, 1.5 * mean) << rep;
      EXPECT_GE(n, 0.5 * mean) << rep;
      auto& d = km[rep];
      std::sort(d.begin(), d.end());
      EXPECT_LT(d[d.size() / 2], 80) << rep << ": median store distance from home";
      EXPECT_LT(d.back(), 200) << rep;
    }
  }
}

TEST(Generator, ProductsAndAssortment) {
  const auto& w = winter_world();
  std::set<std::string> skus;
  std::set<std::string> eans;
  std::set<std::string> ranges;
  std::set<std::string> launched_ranges;
  for (const auto& p : w.products) {
    EXPECT_TRUE(skus.insert(p.sku).second) << p.sku;
    EXPECT_TRUE(eans.insert(p.ean).second) << p.ean;
    EXPECT_TRUE(is_valid_ean13(p.ean)) << p.ean;
    EXPECT_EQ(p.brand, BRAND);
    EXPECT_FALSE(p.name.empty());
    EXPECT_GE(p.price, 50);
    EXPECT_LE(p.price, 1500);
    ranges.insert(p.range);
    if (p.launched_on) {
      launched_ranges.insert(p.range);
      EXPECT_EQ(p.range, NEW_RANGE);
    }
  }
  EXPECT_GE(ranges.size(), 5u);
  ASSERT_EQ(launched_ranges.size(), 1u);
  const Day now_day = paris_local(winter_now()).day;
  const Day launch = launch_day_of(w);
  EXPECT_GE(now_day - launch, 6 * 7);
  EXPECT_LE(now_day - launch, 10 * 7);

  const auto rules = assortment_set(w);
  std::map<Channel, std::set<std::string>> by_channel;
  for (const auto& [c, sku] : rules) {
    EXPECT_TRUE(skus.count(sku)) << sku;
    by_channel[c].insert(sku);
  }
  EXPECT_EQ(by_channel[Channel::hyper], skus);
  const auto subset = [](const std::set<std::string>& a, const std::set<std::string>& b) {
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
  };
  EXPECT_TRUE(subset(by_channel[Channel::proxi], by_channel[Channel::super]));
  EXPECT_TRUE(subset(by_channel[Channel::super], by_channel[Channel::hyper]));
  EXPECT_LT(by_channel[Channel::proxi].size(), by_channel[Channel::super].size());
  for (auto c :
       {Channel::super, Channel::proxi, Channel::drive, Channel::cash_carry, Channel::specialist}) {
    EXPECT_GE(by_channel[c].size(), 8u) << core::to_string(c);
  }
}

// The properties every visit of a world must have; shared by the winter and spring worlds.
void check_visits(const DemoWorld& w, core::UnixSeconds now, int weeks, std::size_t& far_checkins) {
  const auto stores = stores_by_code(w);
  const auto users = users_by_email(w);
  const auto products = products_by_sku(w);
  const auto rules = assortment_set(w);
  const Day now_monday = iso_monday(paris_local(now).day);
  const Day history_from = now_monday - weeks * 7;
  const Day launch = launch_day_of(w);
  ASSERT_TRUE(std::is_sorted(w.visits.begin(), w.visits.end(), [](const auto& a, const auto& b) {
    return a.checkin_at < b.checkin_at;
  }));
  std::map<std::pair<std::string, Day>, std::vector<std::pair<int, int>>> rep_days;
  far_checkins = 0;
  for (const auto& v : w.visits) {
    ASSERT_TRUE(stores.count(v.store_code)) << v.store_code;
    const auto& ds = *stores.at(v.store_code);
    const auto& s = ds.store;
    EXPECT_EQ(v.rep_email, ds.rep_email) << "a rep visits their own stores";
    const auto& rep = *users.at(v.rep_email);

    const auto in = paris_local(v.checkin_at);
    const auto out = paris_local(v.checkout_at);
    ASSERT_EQ(in.day, out.day);
    EXPECT_GE(in.day, history_from);
    EXPECT_LT(in.day, now_monday);
    EXPECT_LT(in.weekday, 5);
    EXPECT_FALSE(is_french_holiday(in.day)) << format_day(in.day);
    const auto minutes = static_cast<double>(v.checkout_at - v.checkin_at) / 60.0;
    if (v.type == VisitType::quick) {
      EXPECT_GE(minutes, 18);
      EXPECT_LE(minutes, 30);
    } else {
      EXPECT_GE(minutes, 43);
      EXPECT_LE(minutes, 90);
    }
    const auto wd = static_cast<std::size_t>(in.weekday);
    EXPECT_TRUE(inside_one_interval(s.opening_hours.days[wd], in, out))
        << s.name << " " << format_day(in.day) << " " << in.minute() << "-" << out.minute();
    EXPECT_TRUE(inside_one_interval(rep.working_hours.days[wd], in, out)) << v.rep_email;
    rep_days[{v.rep_email, in.day}].push_back({in.second_of_day, out.second_of_day});

    const double checkin_m = distance_m(v.checkin_position, s.location);
    if (checkin_m > 1000) {
      ++far_checkins;
    } else {
      EXPECT_GE(checkin_m, 4.9);
      EXPECT_LE(checkin_m, 80.1);
    }
    EXPECT_LE(distance_m(v.checkout_position, s.location), 80.1);
    EXPECT_FALSE(v.report.empty());
    EXPECT_FALSE(v.next_steps.empty());

    EXPECT_FALSE(v.audits.empty());
    std::set<std::string> audited;
    for (const auto& a : v.audits) {
      EXPECT_TRUE(audited.insert(a.sku).second) << "audited twice: " << a.sku;
      EXPECT_TRUE(rules.count({s.channel, a.sku}))
          << a.sku << " not in " << s.name << "'s assortment";
      const auto& p = *products.at(a.sku);
      if (p.launched_on) {
        EXPECT_GE(in.day, launch) << "audit of a product before its launch";
      }
      if (a.present) {
        EXPECT_GE(a.facings, 1);
        EXPECT_LE(a.facings, 8);
        ASSERT_TRUE(a.shelf_price.has_value());
        EXPECT_GE(*a.shelf_price, p.price * 0.6);
        EXPECT_LE(*a.shelf_price, p.price * 1.3);
        if (!a.promo) {
          EXPECT_GE(*a.shelf_price, p.price * 0.8);
        }
      } else {
        EXPECT_EQ(a.facings, 0);
        EXPECT_FALSE(a.shelf_price.has_value());
        EXPECT_FALSE(a.out_of_stock);
        EXPECT_FALSE(a.promo);
      }
    }
    if (v.type == VisitType::deep) {
      for (const auto& [c, sku] : rules) {
        if (c != s.channel) continue;
        const auto& p = *products.at(sku);
        if (!p.launched_on || in.day >= launch) {
          EXPECT_TRUE(audited.count(sku)) << "deep audits cover the assortment";
        }
      }
    }
    std::set<std::string> ordered;
    for (const auto& l : v.order) {
      EXPECT_TRUE(ordered.insert(l.sku).second);
      EXPECT_TRUE(rules.count({s.channel, l.sku})) << l.sku;
      const auto& p = *products.at(l.sku);
      EXPECT_GT(l.quantity, 0);
      EXPECT_LE(l.unit_price, p.price);
      EXPECT_GE(l.unit_price, p.price * 0.9);
    }
  }

  // A rep's visits of a day do not overlap and leave room for lunch in the lunch window.
  for (const auto& [key, spans] : rep_days) {
    const auto& rep = *users.at(key.first);
    auto sorted = spans;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_LE(sorted.size(), 6u);
    for (std::size_t i = 1; i < sorted.size(); ++i) {
      EXPECT_LE(sorted[i - 1].second, sorted[i].first)
          << key.first << " " << format_day(key.second);
    }
    bool lunch = false;
    for (int start = rep.lunch_start; start + rep.lunch_minutes <= rep.lunch_end && !lunch;
         ++start) {
      const int from = start * 60;
      const int to = (start + rep.lunch_minutes) * 60;
      lunch = std::none_of(sorted.begin(), sorted.end(),
                           [&](const auto& s) { return s.first < to && s.second > from; });
    }
    EXPECT_TRUE(lunch) << key.first << " has no lunch on " << format_day(key.second);
  }
}

TEST(Generator, VisitsFitHoursLunchAndGps) {
  for (const auto& [w, now] :
       {std::pair{&winter_world(), winter_now()}, std::pair{&spring_world(), spring_now()}}) {
    std::size_t far = 0;
    check_visits(*w, now, 16, far);
    const double far_share = static_cast<double>(far) / static_cast<double>(w->visits.size());
    EXPECT_GT(far_share, 0.005);
    EXPECT_LT(far_share, 0.08);
  }
}

TEST(Generator, RepsVisitFourToSixStoresOnAWorkingDay) {
  const auto& w = winter_world();
  std::map<std::pair<std::string, Day>, int> per_day;
  for (const auto& v : w.visits) ++per_day[{v.rep_email, paris_local(v.checkin_at).day}];
  double total = 0;
  for (const auto& [key, n] : per_day) total += n;
  const double mean = total / static_cast<double>(per_day.size());
  EXPECT_GE(mean, 3.8);
  EXPECT_LE(mean, 6.0);
  // Overdue stores first: hypermarkets (every 14 days) get visited more than corner shops (42).
  const auto stores = stores_by_code(w);
  std::map<Channel, double> visits_per_store;
  std::map<Channel, int> n_stores;
  for (const auto& s : w.stores) ++n_stores[s.store.channel];
  for (const auto& v : w.visits) visits_per_store[stores.at(v.store_code)->store.channel] += 1;
  EXPECT_GT(visits_per_store[Channel::hyper] / n_stores[Channel::hyper],
            1.5 * visits_per_store[Channel::proxi] / n_stores[Channel::proxi]);
}

TEST(Generator, NewRangePresenceRisesAfterLaunch) {
  const auto& w = winter_world();
  const auto products = products_by_sku(w);
  const Day launch = launch_day_of(w);
  const Day end = iso_monday(paris_local(winter_now()).day);
  int early_present = 0;
  int early = 0;
  int late_present = 0;
  int late = 0;
  for (const auto& v : w.visits) {
    const Day d = paris_local(v.checkin_at).day;
    for (const auto& a : v.audits) {
      if (!products.at(a.sku)->launched_on) continue;
      if (d < launch + 14) {
        ++early;
        early_present += a.present;
      } else if (d >= end - 14) {
        ++late;
        late_present += a.present;
      }
    }
  }
  ASSERT_GT(early, 100);
  ASSERT_GT(late, 100);
  const double early_share = static_cast<double>(early_present) / early;
  const double late_share = static_cast<double>(late_present) / late;
  EXPECT_LT(early_share, 0.45);
  EXPECT_GT(late_share, early_share + 0.2);
}

TEST(Generator, VisitsWinBackMissingProducts) {
  // For a store and product, an audit finding it absent is followed, at the next audit, by
  // presence far more often than a present product disappears.
  const auto& w = winter_world();
  std::map<std::pair<std::string, std::string>, bool> last;
  int absent_then_present = 0;
  int absent_then = 0;
  int present_then_absent = 0;
  int present_then = 0;
  for (const auto& v : w.visits) {
    for (const auto& a : v.audits) {
      const auto key = std::pair{v.store_code, a.sku};
      if (const auto it = last.find(key); it != last.end()) {
        if (it->second) {
          ++present_then;
          present_then_absent += a.present ? 0 : 1;
        } else {
          ++absent_then;
          absent_then_present += a.present ? 1 : 0;
        }
      }
      last[key] = a.present;
    }
  }
  ASSERT_GT(absent_then, 200);
  const double recovery = static_cast<double>(absent_then_present) / absent_then;
  const double loss = static_cast<double>(present_then_absent) / present_then;
  EXPECT_GT(recovery, 0.2);
  EXPECT_LT(loss, 0.10);
}

TEST(Generator, SalesAreWeeklyPerAssortedProduct) {
  for (const auto& [w, now] :
       {std::pair{&winter_world(), winter_now()}, std::pair{&spring_world(), spring_now()}}) {
    const auto stores = stores_by_code(*w);
    const auto products = products_by_sku(*w);
    const auto rules = assortment_set(*w);
    const Day now_monday = iso_monday(paris_local(now).day);
    std::set<std::string> weeks;
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    for (const auto& s : w->sales) {
      const auto week = parse_day(s.week);
      ASSERT_TRUE(week.has_value()) << s.week;
      EXPECT_EQ(weekday_of(*week), 0) << s.week << " is not a Monday";
      EXPECT_GE(*week, now_monday - 16 * 7);
      EXPECT_LT(*week, now_monday);
      weeks.insert(s.week);
      ASSERT_TRUE(stores.count(s.store_code));
      ASSERT_TRUE(products.count(s.sku));
      EXPECT_TRUE(rules.count({stores.at(s.store_code)->store.channel, s.sku}));
      EXPECT_TRUE(keys.insert({s.store_code, s.sku, s.week}).second) << "duplicate sales row";
      EXPECT_GT(s.units, 0);
      EXPECT_EQ(s.revenue, s.units * products.at(s.sku)->price);
    }
    EXPECT_EQ(weeks.size(), 16u);
    // Bigger stores sell more.
    std::map<Channel, double> units;
    std::map<Channel, int> n;
    for (const auto& s : w->stores) ++n[s.store.channel];
    for (const auto& s : w->sales)
      units[stores.at(s.store_code)->store.channel] += static_cast<double>(s.units);
    EXPECT_GT(units[Channel::hyper] / n[Channel::hyper],
              3 * units[Channel::proxi] / n[Channel::proxi]);
  }
}

TEST(Generator, PlannedVisitsCoverTheComingDays) {
  const auto& w = winter_world();
  const auto stores = stores_by_code(w);
  const auto users = users_by_email(w);
  const Day now_day = paris_local(winter_now()).day;
  const Day last = iso_monday(now_day) + 13;
  std::set<std::string> reps;
  std::map<std::string, Day> planned_stores;
  for (const auto& p : w.planned) {
    EXPECT_GT(p.planned_at, winter_now());
    const auto at = paris_local(p.planned_at);
    EXPECT_GT(at.day, now_day);
    EXPECT_LE(at.day, last);
    EXPECT_LT(at.weekday, 5);
    const auto& ds = *stores.at(p.store_code);
    EXPECT_EQ(p.rep_email, ds.rep_email);
    const auto wd = static_cast<std::size_t>(at.weekday);
    const int minutes = p.type == VisitType::deep ? 45 : 20;
    const LocalTime out{at.day, at.weekday, at.second_of_day + minutes * 60};
    EXPECT_TRUE(inside_one_interval(ds.store.opening_hours.days[wd], at, out)) << ds.store.name;
    EXPECT_TRUE(inside_one_interval(users.at(p.rep_email)->working_hours.days[wd], at, out));
    if (const auto it = planned_stores.find(p.store_code); it != planned_stores.end()) {
      EXPECT_GE(at.day - it->second, 6) << "planned twice within a week: " << p.store_code;
    }
    planned_stores[p.store_code] = at.day;
    reps.insert(p.rep_email);
  }
  EXPECT_EQ(reps.size(), 6u);
}

TEST(Generator, InvariantsHoldAcrossSeedsAndSizes) {
  struct Case {
    std::uint64_t seed;
    int reps;
    int stores;
    int weeks;
    const char* now;
  };
  for (const Case& c : {Case{1, 4, 200, 12, "2026-03-04"}, Case{2, 8, 400, 16, "2025-09-10"},
                        Case{3, 6, 320, 20, "2025-04-30"}}) {
    Options o = options_at(paris_instant(*parse_day(c.now), 9 * 3600), c.seed);
    o.reps = c.reps;
    o.stores = c.stores;
    o.weeks = c.weeks;
    const auto w = generate(o);
    SCOPED_TRACE(c.seed);
    ASSERT_EQ(w.users.size(), static_cast<std::size_t>(c.reps + 2));
    ASSERT_EQ(w.stores.size(), static_cast<std::size_t>(c.stores));
    std::set<std::string> codes;
    std::map<std::string, int> per_rep;
    for (const auto& s : w.stores) {
      EXPECT_TRUE(codes.insert(s.store.code).second);
      ASSERT_FALSE(s.rep_email.empty());
      ++per_rep[s.rep_email];
    }
    EXPECT_EQ(per_rep.size(), static_cast<std::size_t>(c.reps));
    for (const auto& [rep, n] : per_rep) EXPECT_LE(n, 1.5 * c.stores / c.reps) << rep;
    std::size_t far = 0;
    check_visits(w, o.now, c.weeks, far);
    EXPECT_GT(w.visits.size(), static_cast<std::size_t>(3 * 5 * c.reps * c.weeks) / 2);
    for (const auto& s : w.sales) EXPECT_EQ(weekday_of(*parse_day(s.week)), 0);
    for (const auto& p : w.planned) EXPECT_GT(p.planned_at, o.now);
  }
}

TEST(Generator, SmallAndEmptyConfigurations) {
  Options small = options_at(winter_now(), 5);
  small.reps = 2;
  small.stores = 30;
  small.weeks = 4;
  const auto w = generate(small);
  EXPECT_EQ(w.users.size(), 4u);
  EXPECT_EQ(w.stores.size(), 30u);
  for (const auto& s : w.stores) EXPECT_FALSE(s.rep_email.empty());
  EXPECT_GT(w.visits.size(), 40u);
  std::size_t far = 0;
  check_visits(w, small.now, 4, far);

  Options nobody = small;
  nobody.reps = 0;
  const auto empty = generate(nobody);
  EXPECT_EQ(empty.users.size(), 2u);
  for (const auto& s : empty.stores) EXPECT_TRUE(s.rep_email.empty());
  EXPECT_TRUE(empty.visits.empty());
  EXPECT_TRUE(empty.planned.empty());
  EXPECT_FALSE(empty.sales.empty());  // the ERP sells whether or not anyone visits

  Options no_history = small;
  no_history.weeks = 0;
  const auto fresh = generate(no_history);
  EXPECT_TRUE(fresh.visits.empty());
  EXPECT_TRUE(fresh.sales.empty());
  EXPECT_FALSE(fresh.planned.empty());
}

}  // namespace
}  // namespace boucle::sim
