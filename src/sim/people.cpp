#include "sim/people.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "sim/geo.hpp"

namespace boucle::sim {

namespace {

constexpr std::array FIRST_NAMES{
    "Camille",  "Julien",    "Sophie",   "Nicolas", "Émilie",   "Thomas",    "Claire",  "Mathieu",
    "Aurélie",  "Sébastien", "Laure",    "Antoine", "Céline",   "Guillaume", "Marion",  "Pierre",
    "Élodie",   "Romain",    "Nathalie", "Olivier", "Sandrine", "Vincent",   "Hélène",  "Florian",
    "Julie",    "Benoît",    "Manon",    "Karim",   "Inès",     "Yannick",   "Léa",     "Franck",
    "Amandine", "Cédric",    "Sarah",    "Loïc",    "Margaux",  "Jérôme",    "Pauline", "Mehdi"};

constexpr std::array LAST_NAMES{
    "Martin",    "Bernard",  "Dubois",    "Moreau",   "Laurent", "Simon",    "Michel",   "Garcia",
    "Roux",      "Fournier", "Girard",    "Bonnet",   "Dupont",  "Lambert",  "Fontaine", "Rousseau",
    "Lacroix",   "Muller",   "Lefèvre",   "Faure",    "André",   "Mercier",  "Blanc",    "Guérin",
    "Boyer",     "Garnier",  "Chevalier", "François", "Legrand", "Gauthier", "Perrin",   "Robin",
    "Clément",   "Morin",    "Fabre",     "Henry",    "Roussel", "Barbier",  "Gautier",  "Masson",
    "Marchand",  "Duval",    "Denis",     "Dumas",    "Marie",   "Lemaire",  "Noël",     "Meyer",
    "Brun",      "Chabert",  "Arnaud",    "Rey",      "Giraud",  "Jacquet",  "Colin",    "Vidal",
    "Pellegrin", "Reynaud",  "Bouvier",   "Teissier"};

// The fixed demo logins; the README prints them.
//   admin@boucle.test / admin-demo-2026, manager@boucle.test / manager-demo-2026,
//   rep<N>@boucle.test / rep<N>-demo-2026 for N = 1, 2, …
constexpr std::string_view ADMIN_EMAIL = "admin@boucle.test";
constexpr std::string_view ADMIN_PASSWORD = "admin-demo-2026";
constexpr std::string_view MANAGER_EMAIL = "manager@boucle.test";
constexpr std::string_view MANAGER_PASSWORD = "manager-demo-2026";

constexpr core::MinuteOfDay hm(int h, int m) { return h * 60 + m; }

constexpr std::array REP_STARTS{hm(7, 30), hm(8, 0), hm(8, 0), hm(8, 30)};

// Equirectangular kilometres around the area's mean latitude (about 45.5°N): fine for clustering.
constexpr double KM_PER_DEGREE = 111.2;
constexpr double COS_MEAN_LATITUDE = 0.70;

struct Xy {
  double x = 0;
  double y = 0;
};
Xy to_xy(core::GeoPoint p) {
  return {p.lon * KM_PER_DEGREE * COS_MEAN_LATITUDE, p.lat * KM_PER_DEGREE};
}
core::GeoPoint to_geo(Xy p) {
  return {p.y / KM_PER_DEGREE, p.x / (KM_PER_DEGREE * COS_MEAN_LATITUDE)};
}
double sq(Xy a, Xy b) { return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y); }

core::GeoPoint jitter_near(const Town& town, double min_km, double max_km, Rng& rng) {
  double bearing = rng.uniform(0, 360);
  for (int tries = 0; tries < 32 && !town.bearing_on_land(bearing); ++tries) {
    bearing = rng.uniform(0, 360);
  }
  if (!town.bearing_on_land(bearing)) bearing = town.land_from;
  return offset(town.centre(), bearing, rng.uniform(min_km, max_km) * 1000.0);
}

const Town* nearest_town(core::GeoPoint p, int min_population, const std::set<const Town*>& taken) {
  const Town* best = nullptr;
  double best_m = 1e18;
  for (const Town& t : all_towns()) {
    if (t.population < min_population || taken.count(&t)) continue;
    const double m = distance_m(p, t.centre());
    if (m < best_m) {
      best_m = m;
      best = &t;
    }
  }
  return best;
}

std::string unique_name(std::set<std::string>& used, Rng& rng) {
  for (;;) {
    std::string name = std::string(rng.pick(std::span<const char* const>(FIRST_NAMES))) + " " +
                       rng.pick(std::span<const char* const>(LAST_NAMES));
    if (used.insert(name).second) return name;
  }
}

core::WeeklyHours office_hours(core::MinuteOfDay open, core::MinuteOfDay close) {
  core::WeeklyHours h;
  for (std::size_t d = 0; d < 5; ++d) h.days[d] = {{open, close}};
  return h;
}

// Territory sizes allowed around the mean: at most `max_ratio` times it, at least `MIN_RATIO`.
constexpr double MIN_RATIO = 0.7;
constexpr int MIN_HOME_POPULATION = 8000;
// A rep short of stores takes a neighbour's store only if it is at most this much farther from
// them: a sparse region keeps a smaller territory rather than a far-flung one.
constexpr double MAX_DETOUR_KM = 35;  // reps live in towns with a school and a station

struct Bounds {
  int minimum = 0;
  int capacity = 0;
};

Bounds bounds_for(std::size_t n_stores, std::size_t n_reps, double max_ratio) {
  const double mean = static_cast<double>(n_stores) / static_cast<double>(n_reps);
  return {static_cast<int>(std::floor(MIN_RATIO * mean)),
          std::max(1, static_cast<int>(std::floor(max_ratio * mean)))};
}

// Each point to a centre, no centre over `bounds.capacity`: points that lose most by not getting
// their nearest centre choose first; centres left under `bounds.minimum` then take the points
// nearest to them from fuller neighbours, within a detour; last, moves and exchanges that
// shorten the total distance.
std::vector<int> assign_balanced(const std::vector<std::vector<double>>& dist, Bounds bounds) {
  const int capacity = bounds.capacity;
  const auto n_points = dist.size();
  const auto n_centres = n_points ? dist[0].size() : 0;
  std::vector<int> owner(n_points, -1);
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t p = 0; p < n_points; ++p) {
    std::vector<double> d = dist[p];
    std::sort(d.begin(), d.end());
    order.emplace_back(d.size() > 1 ? d[1] - d[0] : 0.0, p);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  std::vector<int> load(n_centres, 0);
  for (const auto& [regret, p] : order) {
    std::size_t best = n_centres;
    for (std::size_t c = 0; c < n_centres; ++c) {
      if (load[c] >= capacity) continue;
      if (best == n_centres || dist[p][c] < dist[p][best]) best = c;
    }
    owner[p] = static_cast<int>(best);
    ++load[best];
  }
  for (;;) {
    const auto short_one =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    if (load[short_one] >= bounds.minimum) break;
    std::size_t take = n_points;
    double take_cost = 1e18;
    for (std::size_t p = 0; p < n_points; ++p) {
      const auto o = static_cast<std::size_t>(owner[p]);
      if (o == short_one || load[o] <= bounds.minimum) continue;
      if (dist[p][short_one] > dist[p][o] + MAX_DETOUR_KM) continue;
      if (const double cost = dist[p][short_one]; cost < take_cost) {
        take_cost = cost;
        take = p;
      }
    }
    if (take == n_points) break;
    --load[static_cast<std::size_t>(owner[take])];
    ++load[short_one];
    owner[take] = static_cast<int>(short_one);
  }
  for (int pass = 0; pass < 8; ++pass) {
    bool improved = false;
    for (std::size_t a = 0; a < n_points; ++a) {
      const auto ca = static_cast<std::size_t>(owner[a]);
      if (load[ca] <= bounds.minimum) continue;
      for (std::size_t c = 0; c < n_centres; ++c) {
        if (c != ca && load[c] < capacity && dist[a][c] + 1e-9 < dist[a][ca]) {
          --load[ca];
          ++load[c];
          owner[a] = static_cast<int>(c);
          improved = true;
          break;
        }
      }
    }
    for (std::size_t a = 0; a < n_points; ++a) {
      for (std::size_t b = a + 1; b < n_points; ++b) {
        const auto ca = static_cast<std::size_t>(owner[a]);
        const auto cb = static_cast<std::size_t>(owner[b]);
        if (ca != cb && dist[a][cb] + dist[b][ca] + 1e-9 < dist[a][ca] + dist[b][cb]) {
          std::swap(owner[a], owner[b]);
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return owner;
}

}  // namespace

std::vector<core::GeoPoint> rep_homes(const std::vector<PlacedStore>& stores, int reps, Rng& rng) {
  std::vector<core::GeoPoint> homes;
  if (reps <= 0 || stores.empty()) return homes;
  std::vector<Xy> pts;
  for (const auto& s : stores) pts.push_back(to_xy(s.store.location));

  // k-means++-style seeding made deterministic: a random first centre, then the farthest store.
  std::vector<Xy> centres{
      pts[static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(pts.size()) - 1))]};
  while (static_cast<int>(centres.size()) < reps) {
    std::size_t far = 0;
    double far_d = -1;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      double d = 1e18;
      for (const auto& c : centres) d = std::min(d, sq(pts[i], c));
      if (d > far_d) {
        far_d = d;
        far = i;
      }
    }
    centres.push_back(pts[far]);
  }
  std::vector<std::size_t> label(pts.size(), 0);
  for (int iteration = 0; iteration < 40; ++iteration) {
    for (std::size_t i = 0; i < pts.size(); ++i) {
      double best = 1e18;
      for (std::size_t c = 0; c < centres.size(); ++c) {
        if (const double d = sq(pts[i], centres[c]); d < best) {
          best = d;
          label[i] = c;
        }
      }
    }
    std::vector<Xy> sum(centres.size());
    std::vector<int> n(centres.size(), 0);
    for (std::size_t i = 0; i < pts.size(); ++i) {
      sum[label[i]].x += pts[i].x;
      sum[label[i]].y += pts[i].y;
      ++n[label[i]];
    }
    for (std::size_t c = 0; c < centres.size(); ++c) {
      if (n[c] > 0) centres[c] = {sum[c].x / n[c], sum[c].y / n[c]};
    }
  }

  // Then balanced: each rep gets a compact area of about the same number of stores and lives in
  // the town most central to it (the medoid over towns big enough to live in).
  const Bounds bounds = bounds_for(pts.size(), centres.size(), 1.1);
  std::vector<const Town*> home_towns(centres.size(), nullptr);
  for (int iteration = 0; iteration < 12; ++iteration) {
    std::vector<std::vector<double>> dist(pts.size(), std::vector<double>(centres.size()));
    for (std::size_t i = 0; i < pts.size(); ++i) {
      for (std::size_t c = 0; c < centres.size(); ++c) {
        dist[i][c] = std::sqrt(sq(pts[i], centres[c]));
      }
    }
    const auto owner = assign_balanced(dist, bounds);
    std::set<const Town*> taken;
    for (std::size_t c = 0; c < centres.size(); ++c) {
      const Town* best = nullptr;
      double best_sum = 1e18;
      for (const Town& t : all_towns()) {
        if (t.population < MIN_HOME_POPULATION || taken.count(&t)) continue;
        const Xy at = to_xy(t.centre());
        double sum = 0;
        for (std::size_t i = 0; i < pts.size(); ++i) {
          if (owner[i] == static_cast<int>(c)) sum += std::sqrt(sq(pts[i], at));
        }
        if (sum < best_sum) {
          best_sum = sum;
          best = &t;
        }
      }
      if (best == nullptr) {  // more reps than towns: share
        best = nearest_town(to_geo(centres[c]), 0, {});
      }
      taken.insert(best);
      home_towns[c] = best;
      centres[c] = to_xy(best->centre());
    }
  }
  for (const Town* town : home_towns) homes.push_back(jitter_near(*town, 1.5, 6.0, rng));
  return homes;
}

std::vector<int> assign_territories(const std::vector<PlacedStore>& stores,
                                    const std::vector<core::GeoPoint>& homes, double max_ratio) {
  if (homes.empty()) return std::vector<int>(stores.size(), -1);
  std::vector<std::vector<double>> km(stores.size(), std::vector<double>(homes.size()));
  for (std::size_t s = 0; s < stores.size(); ++s) {
    for (std::size_t r = 0; r < homes.size(); ++r) {
      km[s][r] = distance_m(stores[s].store.location, homes[r]) / 1000.0;
    }
  }
  return assign_balanced(km, bounds_for(stores.size(), homes.size(), max_ratio));
}

std::vector<Account> build_users(const std::vector<core::GeoPoint>& homes,
                                  const std::vector<PlacedStore>& stores,
                                  const std::vector<int>& store_rep, Rng& rng) {
  std::vector<Account> users;
  std::set<std::string> names;
  const Town& head_office = *nearest_town({45.7640, 4.8357}, 0, {});  // Lyon

  Account admin;
  admin.user.role = core::Role::admin;
  admin.user.email = std::string(ADMIN_EMAIL);
  admin.password = std::string(ADMIN_PASSWORD);
  admin.user.name = unique_name(names, rng);
  admin.user.home = jitter_near(head_office, 1, 5, rng);
  admin.user.working_hours = office_hours(hm(9, 0), hm(18, 0));
  users.push_back(std::move(admin));

  Account manager;
  manager.user.role = core::Role::manager;
  manager.user.email = std::string(MANAGER_EMAIL);
  manager.password = std::string(MANAGER_PASSWORD);
  manager.user.name = unique_name(names, rng);
  manager.user.home = jitter_near(head_office, 2, 8, rng);
  manager.user.working_hours = office_hours(hm(8, 30), hm(18, 30));
  manager.user.overnight_allowed = true;
  users.push_back(std::move(manager));

  for (std::size_t r = 0; r < homes.size(); ++r) {
    Account rep;
    auto& u = rep.user;
    const std::string n = std::to_string(r + 1);
    u.role = core::Role::rep;
    u.email = "rep" + n + "@boucle.test";
    rep.password = "rep" + n + "-demo-2026";
    u.name = unique_name(names, rng);
    u.home = homes[r];

    const core::MinuteOfDay start = rng.pick(std::span<const core::MinuteOfDay>(REP_STARTS));
    const core::MinuteOfDay end = start + (rng.chance(0.5) ? hm(10, 0) : hm(9, 30));
    for (std::size_t d = 0; d < 5; ++d) u.working_hours.days[d] = {{start, end}};
    if (rng.chance(0.4)) {  // short Friday
      u.working_hours.days[4] = {{start, rng.chance(0.5) ? hm(16, 0) : hm(16, 30)}};
    }
    if (rng.chance(0.12)) u.working_hours.days[2].clear();  // part time: Wednesdays off
    u.lunch_start = hm(12, 0);
    u.lunch_end = hm(14, 0);
    u.lunch_minutes = rng.chance(0.5) ? 45 : 60;

    // A spread-out territory earns a longer driving allowance and nights away.
    double far_km = 0;
    double sum_km = 0;
    int n_stores = 0;
    for (std::size_t s = 0; s < stores.size(); ++s) {
      if (store_rep[s] != static_cast<int>(r)) continue;
      const double km = distance_m(homes[r], stores[s].store.location) / 1000.0;
      far_km = std::max(far_km, km);
      sum_km += km;
      ++n_stores;
    }
    const double mean_km = n_stores ? sum_km / n_stores : 0;
    u.overnight_allowed = far_km > 90 || rng.chance(0.25);
    u.max_daily_driving =
        std::clamp(180 + 15 * static_cast<int>(std::round(mean_km / 10.0)), 180, 300);
    users.push_back(std::move(rep));
  }
  return users;
}

}  // namespace boucle::sim
