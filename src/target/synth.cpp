#include "target/synth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "core/domain.hpp"

namespace boucle::target {

namespace {

constexpr UnixSeconds DAY = 86400;
constexpr UnixSeconds HOUR = 3600;
constexpr auto DONE = static_cast<std::uint8_t>(core::VisitStatus::done);
constexpr auto PLANNED = static_cast<std::uint8_t>(core::VisitStatus::planned);
constexpr auto CANCELLED = static_cast<std::uint8_t>(core::VisitStatus::cancelled);
constexpr int TOWNS = 3000;
constexpr int TOWNS_PER_REP = 12;

// xoshiro256** seeded through splitmix64: the same stream on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::uint32_t below(std::uint32_t n) {  // [0, n), n > 0
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  bool chance(double p) { return uniform() < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_;
};

using core::Channel;

struct ChannelProfile {
  Channel channel;
  double share;
  double potential_lo, potential_hi;
  std::int32_t sqm_lo, sqm_hi;
  double assortment_share;  // of each range's products
  std::int32_t category_lo, category_hi;
};
constexpr ChannelProfile CHANNELS[] = {
    {Channel::proxi, 0.45, 3, 40, 120, 900, 0.17, 15, 50},
    {Channel::super, 0.22, 30, 80, 900, 2500, 0.5, 60, 150},
    {Channel::specialist, 0.12, 2, 30, 80, 600, 0.17, 10, 40},
    {Channel::other, 0.08, 0, 20, 50, 400, 0.17, 10, 30},
    {Channel::hyper, 0.05, 65, 100, 2500, 12000, 1.0, 150, 300},
    {Channel::drive, 0.05, 15, 50, 100, 800, 0.34, 20, 80},
    {Channel::cash_carry, 0.03, 35, 80, 2000, 8000, 0.5, 60, 160},
};

const ChannelProfile& profile_of(std::uint8_t channel) {
  for (const auto& c : CHANNELS)
    if (static_cast<std::uint8_t>(c.channel) == channel) return c;
  return CHANNELS[0];
}

constexpr const char* BANNERS[] = {"Carrefour", "E.Leclerc", "Intermarché", "Auchan",
                                   "Super U",   "Lidl",      "Casino",      "Monoprix",
                                   "Franprix",  "Cora",      "Spar",        "Biocoop"};
constexpr const char* TAGS[] = {"bio", "premium", "city_centre", "mall", "rural", "key_account", "new"};
constexpr const char* RANGES[] = {"Breakfast", "Snacks", "Protein", "Drinks"};

std::vector<std::string> departments() {
  std::vector<std::string> out;
  for (int d = 1; d <= 95; ++d) {
    if (d == 20) {
      out.emplace_back("2A");
      out.emplace_back("2B");
    } else {
      std::string code = d < 10 ? "0" : "";
      code += std::to_string(d);
      out.push_back(std::move(code));
    }
  }
  return out;
}

// Appending rather than `"literal" + std::string` avoids a GCC 12 -O3 false -Wrestrict.
std::string prefixed(std::string_view prefix, std::uint32_t number) {
  std::string out(prefix);
  out += std::to_string(number);
  return out;
}

int weekday(Day d) { return static_cast<int>(((d % 7) + 7 + 3) % 7); }  // 0 = Monday

std::int32_t frequency_for(double potential) {
  if (potential >= 70) return 7;
  if (potential >= 40) return 14;
  if (potential >= 15) return 28;
  return 56;
}

double visit_weight(double potential) { return 0.25 + potential / 40.0; }

// Per store and product: 0 never audited, 1 present, 2 absent.
std::uint8_t next_presence(Rng& rng, std::uint8_t previous, double potential, bool ordered) {
  if (previous == 0) return rng.chance(0.3 + 0.6 * potential / 100.0) ? 1 : 2;
  if (previous == 1) return rng.chance(0.94) ? 1 : 2;
  return rng.chance(ordered ? 0.35 : 0.12) ? 1 : 2;
}

struct VisitDraft {
  Row store;
  Id rep;
  UnixSeconds checkin;
  bool deep;
};

// Appends one done visit of `d` and its audits; presence[p] is the store's reading state.
void add_done_visit(Facts& f, Rng& rng, const VisitDraft& d, std::uint8_t* presence) {
  const auto& profile = profile_of(f.stores.channel[d.store]);
  const double potential = f.stores.potential[d.store];
  const auto v = static_cast<std::uint32_t>(f.visits.size());
  const bool from_plan = rng.chance(0.8);
  const bool ordered = rng.chance(0.2 + 0.4 * potential / 100.0);
  const UnixSeconds minutes = d.deep ? 40 + rng.below(50) : 10 + rng.below(20);
  f.visits.id.push_back(f.visits.id.empty() ? 1 : f.visits.id.back() + 1);
  f.visits.store.push_back(d.store);
  f.visits.rep.push_back(d.rep);
  f.visits.status.push_back(DONE);
  f.visits.planned_at.push_back(from_plan ? d.checkin - rng.below(30) * 60 : 0);
  f.visits.checkin_at.push_back(d.checkin);
  f.visits.checkout_at.push_back(rng.chance(0.03) ? 0 : d.checkin + minutes * 60);
  f.visits.from_plan.push_back(from_plan ? 1 : 0);
  f.visits.ordered.push_back(ordered ? 1 : 0);
  f.visits.category_facings.push_back(
      rng.chance(0.5) ? profile.category_lo + static_cast<std::int32_t>(rng.below(
                                                  static_cast<std::uint32_t>(profile.category_hi - profile.category_lo + 1)))
                      : -1);

  const auto& assortment = f.assortment[f.stores.channel[d.store]];
  const std::uint32_t focus = rng.below(static_cast<std::uint32_t>(std::max<std::size_t>(1, f.range_products.size())));
  for (const std::uint32_t p : assortment) {
    if (!d.deep && f.products.range[p] != focus) continue;
    presence[p] = next_presence(rng, presence[p], potential, ordered);
    const bool present = presence[p] == 1;
    f.audits.visit.push_back(v);
    f.audits.store.push_back(d.store);
    f.audits.product.push_back(p);
    f.audits.at.push_back(d.checkin);
    f.audits.present.push_back(present ? 1 : 0);
    f.audits.out_of_stock.push_back(present && rng.chance(0.06) ? 1 : 0);
    f.audits.promo.push_back(present && rng.chance(0.1) ? 1 : 0);
    f.audits.facings.push_back(
        static_cast<std::int16_t>(present ? 1 + rng.below(3 + static_cast<std::uint32_t>(potential / 25)) : 0));
  }
}

void add_catalogue(Facts& f, const SynthOptions& o) {
  for (const char* r : RANGES) f.ranges.code(r);
  const std::uint32_t n = std::max<std::uint32_t>(1, o.products);
  for (std::uint32_t p = 0; p < n; ++p) {
    f.products.id.push_back(static_cast<Id>(p + 1));
    f.products.sku.push_back(prefixed("SKU-", p + 1));
    f.products.range.push_back(p * 4 / n);
  }
  // Each channel carries the first products of every range.
  for (const auto& c : CHANNELS) {
    auto& list = f.assortment[static_cast<std::size_t>(c.channel)];
    for (std::uint32_t r = 0; r < 4; ++r) {
      std::vector<std::uint32_t> in_range;
      for (std::uint32_t p = 0; p < n; ++p)
        if (f.products.range[p] == r) in_range.push_back(p);
      const auto take = std::min<std::size_t>(
          in_range.size(), std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(c.assortment_share * in_range.size()))));
      list.insert(list.end(), in_range.begin(), in_range.begin() + static_cast<std::ptrdiff_t>(take));
    }
    std::sort(list.begin(), list.end());
  }
  f.range_products.assign(4, {});
  for (std::uint32_t p = 0; p < n; ++p) f.range_products[f.products.range[p]].push_back(p);
}

}  // namespace

Facts synthetic_facts(const SynthOptions& o) {
  Facts f;
  Rng rng(o.seed);
  f.now = static_cast<UnixSeconds>(o.today) * DAY + 7 * HOUR;
  add_catalogue(f, o);
  for (const char* b : BANNERS) f.banners.code(b);
  for (const char* t : TAGS) f.tags.code(t);
  for (int t = 0; t < TOWNS; ++t) f.towns.code(prefixed("Town ", static_cast<std::uint32_t>(t + 1)));
  const std::vector<std::string> depts = departments();
  std::vector<std::uint32_t> dept_code, region_code;
  for (const auto& d : depts) {
    dept_code.push_back(f.departments.code(d));
    region_code.push_back(f.regions.code(region_of_department(d)));
  }

  // Stores, rep by rep.
  const std::uint32_t n = o.stores;
  const std::uint32_t n_reps = std::max<std::uint32_t>(1, n / std::max<std::uint32_t>(1, o.stores_per_rep));
  auto& s = f.stores;
  s.id.reserve(n);
  s.code.reserve(n);
  s.name.reserve(n);
  s.channel.reserve(n);
  s.banner.reserve(n);
  s.town.reserve(n);
  s.department.reserve(n);
  s.region.reserve(n);
  s.lat.reserve(n);
  s.lon.reserve(n);
  s.potential.reserve(n);
  s.size_sqm.reserve(n);
  s.frequency_days.reserve(n);
  s.rep.reserve(n);
  s.tag_begin.reserve(n + 1);
  double weight_sum = 0;
  for (std::uint32_t k = 0; k < n_reps; ++k) {
    const std::uint32_t first = static_cast<std::uint32_t>(std::uint64_t{k} * n / n_reps);
    const std::uint32_t last = static_cast<std::uint32_t>(std::uint64_t{k + 1} * n / n_reps);
    const double home_lat = rng.uniform(43.0, 50.5), home_lon = rng.uniform(-4.0, 7.0);
    const std::size_t dept = rng.below(static_cast<std::uint32_t>(depts.size()));
    const std::uint32_t first_town = rng.below(TOWNS);
    for (std::uint32_t r = first; r < last; ++r) {
      double u = rng.uniform();
      const ChannelProfile* c = &CHANNELS[0];
      for (const auto& candidate : CHANNELS) {
        c = &candidate;
        if (u < candidate.share) break;
        u -= candidate.share;
      }
      const double potential = std::round(rng.uniform(c->potential_lo, c->potential_hi));
      const std::uint32_t banner = rng.below(std::size(BANNERS));
      const std::uint32_t town = (first_town + rng.below(TOWNS_PER_REP)) % TOWNS;
      s.id.push_back(static_cast<Id>(r + 1));
      s.code.push_back(prefixed("S", r + 1));
      std::string name = BANNERS[banner];
      name += ' ';
      name += f.towns.text(town);
      s.name.push_back(std::move(name));
      s.channel.push_back(static_cast<std::uint8_t>(c->channel));
      s.banner.push_back(banner);
      s.town.push_back(town);
      s.department.push_back(dept_code[dept]);
      s.region.push_back(region_code[dept]);
      s.lat.push_back(std::clamp(home_lat + rng.uniform(-0.25, 0.25), 42.5, 51.0));
      s.lon.push_back(std::clamp(home_lon + rng.uniform(-0.35, 0.35), -4.5, 7.5));
      s.potential.push_back(potential);
      s.size_sqm.push_back(c->sqm_lo + static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(c->sqm_hi - c->sqm_lo))));
      s.frequency_days.push_back(frequency_for(potential));
      s.rep.push_back(static_cast<Id>(k + 1));
      const std::uint32_t n_tags = rng.below(4);
      std::uint32_t taken = 0;
      for (std::uint32_t t = 0; t < n_tags; ++t) {
        const std::uint32_t tag = rng.below(std::size(TAGS));
        if (taken & (1u << tag)) continue;
        taken |= 1u << tag;
      }
      for (std::uint32_t tag = 0; tag < std::size(TAGS); ++tag)
        if (taken & (1u << tag)) s.tag_code.push_back(tag);
      s.tag_begin.push_back(static_cast<std::uint32_t>(s.tag_code.size()));
      weight_sum += visit_weight(potential);
    }
  }

  // Visits and audits, store by store over the history.
  const Day first_day = o.today - 7 * o.weeks;
  const double mean_weight = n > 0 ? weight_sum / n : 1;
  const double visits_per_store = o.visits_per_year * o.weeks / 52.0;
  const auto expected_visits = static_cast<std::size_t>(visits_per_store * n * 1.1) + 16;
  double audits_per_visit = 0;
  for (const auto& c : CHANNELS) audits_per_visit += c.share * static_cast<double>(f.assortment[static_cast<std::size_t>(c.channel)].size());
  const auto expected_audits = static_cast<std::size_t>(
      static_cast<double>(expected_visits) * audits_per_visit * (o.deep_share + (1 - o.deep_share) / 4) * 1.1);
  auto& v = f.visits;
  v.id.reserve(expected_visits);
  v.store.reserve(expected_visits);
  v.rep.reserve(expected_visits);
  v.status.reserve(expected_visits);
  v.planned_at.reserve(expected_visits);
  v.checkin_at.reserve(expected_visits);
  v.checkout_at.reserve(expected_visits);
  v.from_plan.reserve(expected_visits);
  v.ordered.reserve(expected_visits);
  v.category_facings.reserve(expected_visits);
  auto& a = f.audits;
  a.visit.reserve(expected_audits);
  a.store.reserve(expected_audits);
  a.product.reserve(expected_audits);
  a.at.reserve(expected_audits);
  a.present.reserve(expected_audits);
  a.out_of_stock.reserve(expected_audits);
  a.promo.reserve(expected_audits);
  a.facings.reserve(expected_audits);

  std::vector<std::uint8_t> presence(f.products.size());
  std::vector<UnixSeconds> times;
  for (Row r = 0; r < n; ++r) {
    const double potential = s.potential[r];
    const double expected = visits_per_store * visit_weight(potential) / mean_weight;
    auto count = static_cast<std::uint32_t>(expected);
    if (rng.chance(expected - count)) ++count;
    times.clear();
    for (std::uint32_t i = 0; i < count; ++i) {
      Day d = first_day + static_cast<Day>(rng.below(static_cast<std::uint32_t>(7 * o.weeks)));
      const int wd = weekday(d);
      if (wd >= 5) d -= wd - 3;  // weekend visits move to Thursday or Friday
      times.push_back(static_cast<UnixSeconds>(d) * DAY + 8 * HOUR + rng.below(10 * 3600));
    }
    std::sort(times.begin(), times.end());
    std::fill(presence.begin(), presence.end(), 0);
    for (const UnixSeconds t : times) {
      if (rng.chance(0.04)) {  // cancelled plan visit
        v.id.push_back(v.id.empty() ? 1 : v.id.back() + 1);
        v.store.push_back(r);
        v.rep.push_back(s.rep[r]);
        v.status.push_back(CANCELLED);
        v.planned_at.push_back(t);
        v.checkin_at.push_back(0);
        v.checkout_at.push_back(0);
        v.from_plan.push_back(1);
        v.ordered.push_back(0);
        v.category_facings.push_back(-1);
        continue;
      }
      add_done_visit(f, rng, {r, s.rep[r], t, rng.chance(o.deep_share)}, presence.data());
    }
    if (rng.chance(0.1 + potential / 250)) {  // planned in the coming week
      Day d = o.today + static_cast<Day>(rng.below(7));
      if (weekday(d) >= 5) d -= weekday(d) - 3;
      v.id.push_back(v.id.empty() ? 1 : v.id.back() + 1);
      v.store.push_back(r);
      v.rep.push_back(s.rep[r]);
      v.status.push_back(PLANNED);
      v.planned_at.push_back(static_cast<UnixSeconds>(d) * DAY + 9 * HOUR + rng.below(8) * HOUR);
      v.checkin_at.push_back(0);
      v.checkout_at.push_back(0);
      v.from_plan.push_back(1);
      v.ordered.push_back(0);
      v.category_facings.push_back(-1);
    }
  }

  // Published plan days: every rep, every working day of the history.
  for (std::uint32_t k = 0; k < n_reps; ++k)
    for (Day d = first_day; d < o.today; ++d) {
      if (weekday(d) >= 5) continue;
      f.plan_days.rep.push_back(static_cast<Id>(k + 1));
      f.plan_days.day.push_back(d);
      f.plan_days.drive_seconds.push_back(static_cast<std::int32_t>(3600 + rng.below(3 * 3600)));
    }

  // Weekly sell-in: potential-driven, seasonal, noisy.
  f.sales_first_week = monday_of(o.today) - 7 * o.weeks;
  f.sales_weeks = o.weeks;
  f.sales_revenue.resize(static_cast<std::size_t>(o.weeks) * n);
  for (int w = 0; w < o.weeks; ++w) {
    const double season = 1 + 0.15 * std::sin(2 * 3.141592653589793 * w / 52.0);
    float* week = f.sales_revenue.data() + static_cast<std::size_t>(w) * n;
    for (Row r = 0; r < n; ++r)
      week[r] = static_cast<float>((20 + 40 * s.potential[r]) * season * (0.7 + 0.6 * rng.uniform()));
  }
  return f;
}

void append_day(Facts& f, Day day, const SynthOptions& o, std::uint64_t seed, std::vector<Row>* touched) {
  Rng rng(seed ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(day)) << 32));
  const std::size_t n = f.stores.size();
  const std::size_t n_products = f.products.size();
  const bool indexed = f.latest_audit.size() == n * n_products;
  std::vector<Row> visited;
  std::vector<std::uint8_t> presence(n_products);
  // A rep's stores are a run of rows with the same rep (synthetic_facts lays them out so).
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first;
    const Id rep = f.stores.rep[first];
    while (last < n && f.stores.rep[last] == rep) ++last;
    if (rep != 0) {
      const auto span = static_cast<std::uint32_t>(last - first);
      const std::uint32_t count = std::min<std::uint32_t>(span, 6 + rng.below(3));
      UnixSeconds t = static_cast<UnixSeconds>(day) * DAY + 8 * HOUR + 30 * 60;
      const std::size_t before = visited.size();
      for (std::uint32_t i = 0; i < count; ++i) {
        Row r = static_cast<Row>(first + rng.below(span));
        for (int retry = 0; retry < 4 && std::find(visited.begin() + static_cast<std::ptrdiff_t>(before),
                                                   visited.end(), r) != visited.end();
             ++retry)
          r = static_cast<Row>(first + rng.below(span));
        visited.push_back(r);
        for (std::size_t p = 0; p < n_products; ++p) {
          const std::uint32_t latest = indexed ? f.latest_audit[r * n_products + p] : NONE;
          presence[p] = latest == NONE ? 0 : f.audits.present[latest] ? 1 : 2;
        }
        const bool deep = rng.chance(o.deep_share);
        add_done_visit(f, rng, {r, rep, t, deep}, presence.data());
        t += (deep ? 75 : 45) * 60 + rng.below(20) * 60;
      }
      f.plan_days.rep.push_back(rep);
      f.plan_days.day.push_back(day);
      f.plan_days.drive_seconds.push_back(static_cast<std::int32_t>(3600 + rng.below(3 * 3600)));
    }
    first = last;
  }
  f.now = std::max(f.now, static_cast<UnixSeconds>(day) * DAY + 19 * HOUR);
  if (touched) {
    std::sort(visited.begin(), visited.end());
    visited.erase(std::unique(visited.begin(), visited.end()), visited.end());
    *touched = std::move(visited);
  }
}

}  // namespace boucle::target
