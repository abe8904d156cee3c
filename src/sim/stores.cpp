#include "sim/stores.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "sim/geo.hpp"

namespace boucle::sim {

namespace {

using core::Channel;

struct BannerDef {
  std::string_view name;
  Channel channel;
  double weight;
  int min_population;  // the banner is not found in smaller towns
};

constexpr std::array BANNERS{
    BannerDef{"Carrefour", Channel::hyper, 30, 15000},
    BannerDef{"E.Leclerc", Channel::hyper, 35, 12000},
    BannerDef{"Auchan", Channel::hyper, 20, 30000},
    BannerDef{"Géant Casino", Channel::hyper, 15, 20000},
    BannerDef{"Carrefour Market", Channel::super, 25, 0},
    BannerDef{"Intermarché", Channel::super, 35, 0},
    BannerDef{"Super U", Channel::super, 28, 0},
    BannerDef{"Casino", Channel::super, 12, 0},
    BannerDef{"Carrefour City", Channel::proxi, 22, 20000},
    BannerDef{"Franprix", Channel::proxi, 10, 100000},
    BannerDef{"Spar", Channel::proxi, 20, 0},
    BannerDef{"Vival", Channel::proxi, 28, 0},
    BannerDef{"Petit Casino", Channel::proxi, 20, 0},
    BannerDef{"Leclerc Drive", Channel::drive, 60, 15000},
    BannerDef{"Auchan Drive", Channel::drive, 40, 30000},
    BannerDef{"Metro", Channel::cash_carry, 50, 80000},
    BannerDef{"Promocash", Channel::cash_carry, 50, 20000},
    BannerDef{"Biocoop", Channel::specialist, 55, 7000},
    BannerDef{"Grand Frais", Channel::specialist, 45, 20000},
};

constexpr std::array CHANNELS{Channel::hyper, Channel::super,      Channel::proxi,
                              Channel::drive, Channel::cash_carry, Channel::specialist};

// Channel mix by town size: villages have a supermarket and corner shops, cities everything.
std::array<double, 6> channel_weights(int population) {
  if (population < 10000) return {0.03, 0.47, 0.40, 0.02, 0.00, 0.08};
  if (population < 50000) return {0.13, 0.34, 0.30, 0.08, 0.03, 0.12};
  return {0.12, 0.25, 0.42, 0.07, 0.05, 0.09};
}

struct Street {
  std::string_view full;        // as written in an address after the street type
  std::string_view short_name;  // as used in a store name ("Carrefour City Lyon Gambetta")
};

constexpr std::array STREETS{
    Street{"Jean Jaurès", "Jean Jaurès"},
    Street{"de la République", "République"},
    Street{"Gambetta", "Gambetta"},
    Street{"Victor Hugo", "Victor Hugo"},
    Street{"du Général de Gaulle", "De Gaulle"},
    Street{"Pasteur", "Pasteur"},
    Street{"du Maréchal Foch", "Foch"},
    Street{"Carnot", "Carnot"},
    Street{"de la Gare", "Gare"},
    Street{"Émile Zola", "Zola"},
    Street{"Voltaire", "Voltaire"},
    Street{"Jules Ferry", "Jules Ferry"},
    Street{"de la Liberté", "Liberté"},
    Street{"du 8 Mai 1945", "8 Mai"},
    Street{"Aristide Briand", "Briand"},
    Street{"Georges Clemenceau", "Clemenceau"},
    Street{"Paul Bert", "Paul Bert"},
    Street{"Jean Moulin", "Jean Moulin"},
    Street{"de Verdun", "Verdun"},
    Street{"Anatole France", "Anatole France"},
    Street{"Lamartine", "Lamartine"},
    Street{"de la Paix", "La Paix"},
    Street{"du Marché", "Marché"},
    Street{"Frédéric Mistral", "Mistral"},
    Street{"Pierre Sémard", "Sémard"},
    Street{"Édouard Herriot", "Herriot"},
    Street{"de l'Hôtel de Ville", "Hôtel de Ville"},
    Street{"des Cordeliers", "Cordeliers"},
    Street{"Thiers", "Thiers"},
    Street{"Saint-Jean", "Saint-Jean"},
    Street{"Alsace-Lorraine", "Alsace-Lorraine"},
    Street{"Jean Macé", "Jean Macé"},
};

constexpr std::array STREET_TYPES{"rue",    "rue",       "rue",   "avenue",
                                  "avenue", "boulevard", "place", "cours"};

constexpr std::array ZONES{"des Saules",    "du Grand Pré", "des Pins",      "de la Plaine",
                           "Les Terrasses", "du Moulin",    "Les Fontaines", "du Chêne Vert",
                           "des Bruyères",  "Porte Sud",    "Porte Nord",    "du Val",
                           "des Alouettes", "La Croisée",   "des Peupliers", "Les Portes du Soleil",
                           "du Pont",       "des Vignes",   "Les Hauts",     "de la Gare"};

constexpr std::array WINDS{"Nord", "Nord-Est",  "Est",   "Sud-Est",
                           "Sud",  "Sud-Ouest", "Ouest", "Nord-Ouest"};

core::MinuteOfDay hm(int h, int m) { return h * 60 + m; }

template <typename T, std::size_t N>
const T& pick_from(const std::array<T, N>& a, Rng& rng) {
  return a[static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(N) - 1))];
}

// "route de Lyon", "route d'Avignon", "route du Puy-en-Velay".
std::string towards(std::string_view town) {
  const std::string name(town);
  if (name.rfind("Le ", 0) == 0) return "du " + name.substr(3);
  if (name.rfind("Les ", 0) == 0) return "des " + name.substr(4);
  if (name.rfind("L'", 0) == 0) return "de l'" + name.substr(2);
  static const std::array<std::string_view, 9> vowels{"A", "E", "I", "O", "U", "É", "Y", "Î", "Œ"};
  for (auto v : vowels) {
    if (name.rfind(v, 0) == 0) return "d'" + name;
  }
  // Silent h: "route d'Hyères", but "route de Haguenau".
  static const std::array<std::string_view, 7> mute_h{
      "Halluin", "Hennebont", "Herblay", "Hérouville", "Héricourt", "Hénin", "Hyères"};
  for (auto h : mute_h) {
    if (name.rfind(h, 0) == 0) return "d'" + name;
  }
  return "de " + name;
}

double bearing_in_arc(const Town& town, Rng& rng) {
  if (town.land_from == 0 && town.land_to == 360) return rng.uniform(0, 360);
  const double span = std::fmod(town.land_to - town.land_from + 360.0, 360.0);
  return std::fmod(town.land_from + rng.uniform(0, span), 360.0);
}

// Another of the selected towns roughly in the direction of `bearing` from `town`: names the
// road out of town. Only the selected towns, so that the default area draws what it always drew.
const Town& town_towards(const Town& town, double bearing, std::span<const Town* const> towns) {
  const Town* best = nullptr;
  double best_cost = 1e18;
  for (const Town* candidate : towns) {
    const Town& other = *candidate;
    if (&other == &town) continue;
    const double km = distance_m(town.centre(), other.centre()) / 1000.0;
    if (km < 3) continue;  // a suburb is not where a road leads
    double diff = std::fabs(bearing_deg(town.centre(), other.centre()) - bearing);
    if (diff > 180) diff = 360 - diff;
    const double cost = diff + km / 2.0;
    if (cost < best_cost) {
      best_cost = cost;
      best = &other;
    }
  }
  return best ? *best : town;
}

// The nearest selected towns: out-of-town retail parks line the roads between neighbours.
std::vector<const Town*> nearest_towns(const Town& town, std::size_t n,
                                       std::span<const Town* const> towns) {
  std::vector<std::pair<double, const Town*>> by_distance;
  for (const Town* candidate : towns) {
    const Town& other = *candidate;
    if (&other == &town) continue;
    by_distance.emplace_back(distance_m(town.centre(), other.centre()), &other);
  }
  std::sort(by_distance.begin(), by_distance.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Town*> out;
  for (std::size_t i = 0; i < by_distance.size() && i < n; ++i) {
    if (by_distance[i].first < 60000) out.push_back(by_distance[i].second);
  }
  return out;
}

bool out_of_town(Channel c) {
  return c == Channel::hyper || c == Channel::drive || c == Channel::cash_carry;
}

// Where in or around the town a store of this channel stands: corner shops in the centre,
// supermarkets in the neighbourhoods, hypermarkets, drives and cash & carry on the outskirts.
core::GeoPoint place_around(const Town& town, std::span<const Town* const> towns, Channel channel,
                            Rng& rng, double& bearing_out) {
  const double town_km = town.spread_km > 0
                             ? town.spread_km
                             : std::clamp(std::sqrt(town.population / 10000.0), 0.8, 7.0);
  double km = 0;
  switch (channel) {
    case Channel::proxi:
      km = std::max(0.1, town_km * 0.8 * std::sqrt(rng.uniform()));
      break;
    case Channel::super:
      km = town_km * rng.uniform(0.3, 1.1) + 0.3;
      break;
    case Channel::specialist:
      km = town_km * rng.uniform(0.4, 1.2) + 0.3;
      break;
    default:
      km = rng.uniform(0.8 * town_km + 1.0, 1.2 * town_km + 3.0);
      break;
  }
  double bearing = bearing_in_arc(town, rng);
  if (out_of_town(channel) && rng.chance(0.6)) {
    const auto near = nearest_towns(town, 3, towns);
    if (!near.empty()) {
      const double towards_neighbour =
          bearing_deg(town.centre(), rng.pick(std::span<const Town* const>(near))->centre());
      const double b = std::fmod(towards_neighbour + rng.uniform(-20, 20) + 360.0, 360.0);
      if (town.bearing_on_land(b)) bearing = b;
    }
  }
  bearing_out = bearing;
  return offset(town.centre(), bearing, km * 1000.0);
}

// "des Saules" → "Les Saules", as a retail park is named on its own.
std::string zone_label(std::string_view zone) {
  const std::string z(zone);
  if (z.rfind("des ", 0) == 0) return "Les " + z.substr(4);
  if (z.rfind("du ", 0) == 0) return "Le " + z.substr(3);
  if (z.rfind("de la ", 0) == 0) return "La " + z.substr(6);
  if (z.rfind("de l'", 0) == 0) return "L'" + z.substr(5);
  return z;
}

std::string wind_of(const Town& town, core::GeoPoint p) {
  if (distance_m(town.centre(), p) < 1200) return "Centre";
  const double b = bearing_deg(town.centre(), p);
  return std::string(WINDS[static_cast<std::size_t>(std::fmod(b + 22.5, 360.0) / 45.0) % 8]);
}

struct Draft {
  PlacedStore placed;
  double bearing = 0;
  std::string street_short;
  std::string zone;
};

void name_stores(std::vector<Draft>& drafts) {
  // Where one banner has several stores in a town, the part of town tells them apart,
  // as the retailers themselves do ("Intermarché Montélimar Sud").
  std::map<std::pair<std::string, std::string>, int> per_banner_town;
  for (const auto& d : drafts) ++per_banner_town[{d.placed.store.banner, d.placed.store.city}];
  std::set<std::string> used;
  for (auto& d : drafts) {
    auto& s = d.placed.store;
    std::string name = s.banner + " " + s.city;
    const bool urban_corner = s.channel == Channel::proxi && d.placed.town->population >= 40000;
    if (urban_corner) {
      name += " " + d.street_short;
    } else if (per_banner_town[{s.banner, s.city}] > 1) {
      name += " " + wind_of(*d.placed.town, s.location);
    }
    if (used.count(name)) {  // then the street or the retail park, as in "Intermarché Gap Carnot"
      name = s.banner + " " + s.city + " " +
             (d.street_short.empty() ? zone_label(d.zone) : d.street_short);
    }
    const std::string base = name;
    for (int k = 2; used.count(name); ++k) name = base + " " + std::to_string(k);
    used.insert(name);
    s.name = name;
  }
}

std::vector<int> stores_per_town(int count, std::span<const Town* const> towns, Rng& rng) {
  // Sub-linear in population: rural France has more shops per inhabitant than its cities.
  std::vector<double> weight(towns.size());
  double total = 0;
  for (std::size_t i = 0; i < towns.size(); ++i) {
    weight[i] = std::pow(static_cast<double>(towns[i]->population), 0.8);
    total += weight[i];
  }
  std::vector<int> n(towns.size(), 0);
  int remaining = count;
  if (count >= static_cast<int>(towns.size())) {  // every town on the map gets a store
    std::fill(n.begin(), n.end(), 1);
    remaining -= static_cast<int>(towns.size());
  }
  // Largest remainder, ties broken by a random jitter so the seed decides.
  std::vector<std::pair<double, std::size_t>> remainders;
  int given = 0;
  for (std::size_t i = 0; i < towns.size(); ++i) {
    const double share = remaining * weight[i] / total;
    const int whole = static_cast<int>(share);
    n[i] += whole;
    given += whole;
    remainders.emplace_back(share - whole + rng.uniform(0, 1e-6), i);
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  for (int k = 0; k < remaining - given; ++k) ++n[remainders[static_cast<std::size_t>(k)].second];
  return n;
}

}  // namespace

int visit_frequency_days(Channel channel, bool key_account) {
  switch (channel) {
    case Channel::hyper:
      return 14;
    case Channel::super:
      return key_account ? 14 : 21;
    case Channel::proxi:
      return 42;
    case Channel::drive:
    case Channel::cash_carry:
    case Channel::specialist:
      return 28;
    case Channel::other:
      return 56;
  }
  return 28;
}

core::WeeklyHours opening_hours(Channel channel, std::string_view banner, int town_population,
                                Rng& rng) {
  core::WeeklyHours h;
  const auto every_day = [&](int from_day, int to_day, std::vector<core::Interval> iv) {
    for (int d = from_day; d <= to_day; ++d) h.days[static_cast<std::size_t>(d)] = iv;
  };
  const auto one_of = [&](std::initializer_list<core::MinuteOfDay> options) {
    return std::data(options)[rng.uniform_int(0, static_cast<int>(options.size()) - 1)];
  };
  switch (channel) {
    case Channel::hyper: {
      const auto open = one_of({hm(8, 30), hm(8, 30), hm(9, 0)});
      const auto close = one_of({hm(20, 0), hm(20, 30), hm(21, 0), hm(21, 0), hm(21, 30)});
      every_day(0, 5, {{open, close}});
      if (rng.chance(banner == "E.Leclerc" ? 0.15 : 0.4)) every_day(6, 6, {{hm(9, 0), hm(12, 30)}});
      break;
    }
    case Channel::super: {
      const auto open = one_of({hm(8, 0), hm(8, 30), hm(8, 30), hm(9, 0)});
      const auto close = one_of({hm(19, 30), hm(19, 30), hm(20, 0)});
      if (town_population < 8000 &&
          rng.chance(0.3)) {  // country supermarkets still close for lunch
        every_day(0, 5, {{open, hm(12, 30)}, {hm(14, 30), close}});
      } else {
        every_day(0, 5, {{open, close}});
      }
      if (rng.chance(0.55)) every_day(6, 6, {{hm(9, 0), hm(12, 30)}});
      break;
    }
    case Channel::proxi: {
      if (banner == "Carrefour City" || banner == "Franprix") {  // city convenience: long days
        const auto open = one_of({hm(7, 0), hm(7, 30), hm(8, 0)});
        const auto close = one_of({hm(21, 0), hm(21, 30), hm(22, 0)});
        every_day(0, 5, {{open, close}});
        if (rng.chance(0.8)) every_day(6, 6, {{hm(9, 0), hm(13, 0)}});
      } else {  // village shop: lunch closure, Sunday morning, Monday morning off
        const auto open = one_of({hm(7, 30), hm(8, 0), hm(8, 30)});
        const auto noon = one_of({hm(12, 30), hm(13, 0)});
        const auto reopen = one_of({hm(15, 0), hm(15, 30), hm(16, 0)});
        const auto close = one_of({hm(19, 0), hm(19, 30)});
        every_day(1, 5, {{open, noon}, {reopen, close}});
        const double monday = rng.uniform();
        if (monday < 0.55) {
          every_day(0, 0, {{reopen, close}});
        } else if (monday < 0.8) {
          every_day(0, 0, {{open, noon}, {reopen, close}});
        }  // else closed all Monday
        if (rng.chance(0.7)) every_day(6, 6, {{hm(8, 0), hm(12, 30)}});
      }
      break;
    }
    case Channel::drive: {
      const auto open = one_of({hm(8, 0), hm(8, 0), hm(9, 0)});
      const auto close = one_of({hm(19, 30), hm(20, 0)});
      every_day(0, 5, {{open, close}});
      break;
    }
    case Channel::cash_carry: {
      if (banner == "Metro") {  // restaurateurs shop at dawn
        every_day(0, 5, {{hm(6, 0), one_of({hm(20, 0), hm(21, 0)})}});
      } else {
        every_day(0, 4, {{hm(7, 0), hm(12, 30)}, {hm(14, 0), hm(18, 30)}});
        every_day(5, 5, {{hm(7, 30), hm(12, 0)}});
      }
      break;
    }
    case Channel::specialist: {
      if (banner == "Grand Frais") {
        const auto open = one_of({hm(8, 30), hm(9, 0)});
        every_day(0, 5, {{open, one_of({hm(19, 0), hm(19, 30)})}});
        if (rng.chance(0.6)) every_day(6, 6, {{hm(8, 30), hm(12, 30)}});
      } else {
        const auto open = one_of({hm(9, 0), hm(9, 30)});
        const auto close = one_of({hm(19, 0), hm(19, 30)});
        if (town_population < 20000 && rng.chance(0.5)) {
          every_day(0, 5, {{open, hm(12, 30)}, {hm(14, 30), close}});
        } else {
          every_day(0, 5, {{open, close}});
        }
        if (rng.chance(0.4)) every_day(0, 0, {{hm(14, 30), close}});
      }
      break;
    }
    case Channel::other:
      every_day(0, 5, {{hm(9, 0), hm(19, 0)}});
      break;
  }
  return h;
}

std::vector<PlacedStore> place_stores(int count, Rng& rng) {
  return place_stores(count, select_towns({}), rng);
}

std::vector<PlacedStore> place_stores(int count, std::span<const Town* const> towns, Rng& rng) {
  if (count <= 0 || towns.empty()) return {};
  const auto per_town = stores_per_town(count, towns, rng);
  std::vector<Draft> drafts;
  int code_number = 100;
  for (std::size_t t = 0; t < towns.size(); ++t) {
    const Town& town = *towns[t];
    for (int k = 0; k < per_town[t]; ++k) {
      // Channel, then a banner present in towns of this size.
      const auto weights = channel_weights(town.population);
      std::array<double, 6> eligible{};
      for (std::size_t c = 0; c < CHANNELS.size(); ++c) {
        for (const auto& b : BANNERS) {
          if (b.channel == CHANNELS[c] && town.population >= b.min_population) {
            eligible[c] = weights[c];
          }
        }
      }
      const Channel channel = CHANNELS[rng.weighted_index(eligible)];
      std::vector<double> banner_weights;
      for (const auto& b : BANNERS) {
        banner_weights.push_back(
            b.channel == channel && town.population >= b.min_population ? b.weight : 0.0);
      }
      const BannerDef& banner = BANNERS[rng.weighted_index(banner_weights)];

      Draft d;
      d.placed.town = &town;
      auto& s = d.placed.store;
      code_number += rng.uniform_int(1, 9);  // ERP codes with the gaps of closed stores
      std::string digits = std::to_string(code_number);
      s.code = "PDV-" + std::string(6 - std::min<std::size_t>(6, digits.size()), '0') + digits;
      s.banner = std::string(banner.name);
      s.channel = channel;
      s.city = std::string(town.name);
      s.postcode = town.postcode_at(rng.uniform_int(0, town.postcodes - 1));
      s.location = place_around(town, towns, channel, rng, d.bearing);
      s.timezone = "Europe/Paris";

      const Street& street = pick_from(STREETS, rng);
      d.street_short = std::string(street.short_name);
      d.zone = std::string(pick_from(ZONES, rng));
      const std::string number = std::to_string(rng.uniform_int(1, 140));
      if (out_of_town(channel)) {
        const std::string road = "route " + towards(town_towards(town, d.bearing, towns).name);
        if (channel == Channel::cash_carry) {
          s.address = "Zone industrielle " + d.zone + ", " + number + " " + road;
        } else {
          const double r = rng.uniform();
          const std::string park =
              r < 0.4 ? "Centre commercial " : (r < 0.7 ? "Zone commerciale " : "ZAC ");
          s.address = park + d.zone + ", " + road;
        }
        d.street_short.clear();
      } else {
        s.address = number + " " + pick_from(STREET_TYPES, rng) + " " + std::string(street.full);
      }

      // Size first, potential from size and a local draw: the category potential.
      double size = 0;
      switch (channel) {
        case Channel::hyper:
          size = banner.name == "E.Leclerc" ? rng.uniform(5000, 11000) : rng.uniform(6000, 14000);
          break;
        case Channel::super:
          size = rng.uniform(1100, 3200);
          break;
        case Channel::proxi:
          size = rng.uniform(120, 450);
          break;
        case Channel::drive:
          size = rng.uniform(800, 2500);
          break;
        case Channel::cash_carry:
          size = rng.uniform(3000, 9000);
          break;
        case Channel::specialist:
          size = banner.name == "Biocoop" ? rng.uniform(250, 600) : rng.uniform(900, 1500);
          break;
        case Channel::other:
          size = rng.uniform(200, 800);
          break;
      }
      s.size_sqm = static_cast<int>(std::round(size / 10.0)) * 10;
      const double per_sqm = channel == Channel::drive        ? 1.0 / 1800
                             : channel == Channel::cash_carry ? 1.0 / 2800
                             : channel == Channel::proxi      ? 1.0 / 900
                             : channel == Channel::specialist ? 1.0 / 1200
                             : channel == Channel::super      ? 1.0 / 1500
                                                              : 1.0 / 2600;
      const double town_factor = 1.0 + 0.08 * std::log10(town.population / 20000.0);
      const double potential = size * per_sqm * town_factor * std::exp(rng.normal(0, 0.15));
      s.potential = std::round(std::max(0.05, potential) * 100.0) / 100.0;

      s.opening_hours = opening_hours(channel, banner.name, town.population, rng);

      if (banner.name == "Biocoop" || (rng.chance(0.06) && channel != Channel::cash_carry)) {
        s.tags.emplace_back("bio");
      }
      if (town.tourist && rng.chance(0.5)) s.tags.emplace_back("tourist");
      if (channel == Channel::proxi && town.population >= 50000) s.tags.emplace_back("urban");
      if (town.population < 10000) s.tags.emplace_back("rural");
      drafts.push_back(std::move(d));
    }
  }

  // Key accounts: the largest potentials of the hyper and super channels.
  std::vector<double> big;
  for (const auto& d : drafts) {
    const auto c = d.placed.store.channel;
    if (c == Channel::hyper || c == Channel::super) big.push_back(d.placed.store.potential);
  }
  std::sort(big.begin(), big.end(), std::greater<>());
  const double key_threshold = big.empty() ? 1e18 : big[std::min(big.size() - 1, big.size() / 5)];
  for (auto& d : drafts) {
    auto& s = d.placed.store;
    const bool key_account = (s.channel == Channel::hyper || s.channel == Channel::super) &&
                             s.potential >= key_threshold;
    if (key_account) s.tags.emplace_back("key-account");
    std::sort(s.tags.begin(), s.tags.end());
    s.visit_frequency_days = visit_frequency_days(s.channel, key_account);
  }

  name_stores(drafts);
  std::vector<PlacedStore> out;
  out.reserve(drafts.size());
  for (auto& d : drafts) out.push_back(std::move(d.placed));
  return out;
}

}  // namespace boucle::sim
