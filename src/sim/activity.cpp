#include "sim/activity.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <tuple>

#include "sim/geo.hpp"
#include "sim/reports.hpp"

namespace boucle::sim {

namespace {

using core::Channel;
using core::VisitType;

constexpr int MIN_DAYS_BETWEEN_VISITS = 6;
constexpr double CLUSTER_KM = 60;     // a day's stores lie within this distance of its anchor
constexpr int MAX_WAIT_MINUTES = 40;  // longer waits for a store to open: go elsewhere
constexpr int FIRST_STOP_MAX_DELAY = 60;
constexpr int OVERNIGHT_DRIVE_MINUTES = 75;  // farther from home than this: a hotel is worth it
constexpr int MAX_NIGHTS_AWAY = 3;
constexpr int MAX_FACINGS = 8;
constexpr double FAR_CHECKIN_RATE = 0.03;

struct Shelf {
  std::vector<std::size_t> assortment;  // catalogue indices the store should carry
  std::vector<char> listed;             // per catalogue index: on the shelf (the hidden truth)
  std::vector<int> facings;             // per catalogue index, while listed
  std::vector<std::int64_t> ordered_this_week;
  std::vector<std::size_t> last_issues;  // absent or out of stock at the last audit
  double quality = 1;                    // how well the store keeps our shelf, (0, 1]
  double price_index = 1;                // shelf price over list price
  Day last_visit = 0;
};

struct RepState {
  std::size_t user = 0;  // index in the users
  std::vector<std::size_t> stores;
  core::GeoPoint home;
  core::GeoPoint start;  // where tomorrow starts: home, or a hotel near the last stop
  int nights_away = 0;
  std::set<Day> days_off;
};

struct Stop {
  std::size_t store = 0;
  VisitType type = VisitType::quick;
  core::MinuteOfDay start = 0;
  core::Minutes minutes = 0;
};

double km_between(core::GeoPoint a, core::GeoPoint b) { return distance_m(a, b) / 1000.0; }

// Earliest start at or after `arrive` such that the whole visit fits in one opening interval.
std::optional<core::MinuteOfDay> fit(const std::vector<core::Interval>& day,
                                     core::MinuteOfDay arrive, core::Minutes minutes) {
  for (const auto& iv : day) {
    const core::MinuteOfDay s = std::max(arrive, iv.open);
    if (s + minutes <= iv.close) return s;
  }
  return std::nullopt;
}

// Shelf prices end in 9 cents, as French retailers price.
core::Cents shelf_rounding(double cents) {
  return std::max<core::Cents>(9, static_cast<core::Cents>(std::llround(cents / 10.0)) * 10 - 1);
}

class Simulation {
 public:
  Simulation(const ActivityInput& in, std::uint64_t seed) : in_(in), rng_(seed) {}

  Activity run() {
    init_reps();
    init_shelves();
    for (Day d = in_.history_from; d < in_.history_to; ++d) {
      const int wd = weekday_of(d);
      if (wd == 0) weekly_drift(d);
      for (auto& rep : reps_) {
        if (!works(rep, d)) continue;
        for (const auto& stop : plan_day(rep, d)) perform(rep, d, stop);
      }
      if (wd == 6) close_week(d - 6);
    }
    plan_ahead();

    std::sort(out_.visits.begin(), out_.visits.end(), [](const auto& a, const auto& b) {
      return std::tie(a.checkin_at, a.rep_email, a.store_code) <
             std::tie(b.checkin_at, b.rep_email, b.store_code);
    });
    std::sort(out_.planned.begin(), out_.planned.end(), [](const auto& a, const auto& b) {
      return std::tie(a.planned_at, a.rep_email, a.store_code) <
             std::tie(b.planned_at, b.rep_email, b.store_code);
    });
    std::sort(out_.sales.begin(), out_.sales.end(), [](const auto& a, const auto& b) {
      return std::tie(a.week, a.store_code, a.sku) < std::tie(b.week, b.store_code, b.sku);
    });
    return std::move(out_);
  }

 private:
  const core::Store& store(std::size_t s) const { return (*in_.stores)[s].store; }
  const core::User& user(const RepState& r) const { return (*in_.users)[r.user].user; }
  const CatalogItem& item(std::size_t i) const { return (*in_.catalog)[i]; }
  bool launched(std::size_t i, Day day) const { return !item(i).is_new() || day >= in_.launch_day; }

  void init_reps() {
    const auto& users = *in_.users;
    for (std::size_t u = 2; u < users.size(); ++u) {
      RepState r;
      r.user = u;
      r.home = users[u].user.home.value_or(core::GeoPoint{});
      r.start = r.home;
      reps_.push_back(std::move(r));
    }
    for (std::size_t s = 0; s < in_.stores->size(); ++s) {
      const int r = (*in_.store_rep)[s];
      if (r >= 0) reps_[static_cast<std::size_t>(r)].stores.push_back(s);
    }
    // A week of leave for most reps, and the odd day of training or admin.
    const int weeks = (in_.history_to - in_.history_from) / 7;
    for (auto& r : reps_) {
      if (weeks >= 6 && rng_.chance(0.7)) {
        const Day monday = in_.history_from + 7 * rng_.uniform_int(0, weeks - 3);
        for (int k = 0; k < 5; ++k) r.days_off.insert(monday + k);
      }
      for (Day d = in_.history_from; d < in_.history_to; ++d) {
        if (rng_.chance(0.03)) r.days_off.insert(d);
      }
    }
  }

  int initial_facings(Channel c, const CatalogItem& it) {
    const bool core_item = it.tier == 1;
    switch (c) {
      case Channel::hyper:
        if (it.is_new()) return rng_.uniform_int(2, 4);
        return it.tier == 1 ? rng_.uniform_int(4, 7)
                            : (it.tier == 2 ? rng_.uniform_int(3, 5) : rng_.uniform_int(2, 3));
      case Channel::super:
        return core_item ? rng_.uniform_int(3, 5) : rng_.uniform_int(1, 3);
      case Channel::cash_carry:
        return rng_.uniform_int(2, 4);
      case Channel::specialist:
        return rng_.uniform_int(1, 3);
      case Channel::drive:
        return 1;  // a picking slot, not a shelf
      case Channel::proxi:
      case Channel::other:
        return rng_.uniform_int(1, 2);
    }
    return 1;
  }

  void init_shelves() {
    const auto n_items = in_.catalog->size();
    shelves_.resize(in_.stores->size());
    for (std::size_t s = 0; s < shelves_.size(); ++s) {
      const auto& st = store(s);
      auto& sh = shelves_[s];
      sh.listed.assign(n_items, 0);
      sh.facings.assign(n_items, 0);
      sh.ordered_this_week.assign(n_items, 0);
      sh.quality = rng_.uniform(0.45, 1.0);
      double base = 0.9;
      switch (st.channel) {
        case Channel::hyper:
          sh.price_index = rng_.uniform(0.93, 0.99);
          base = 0.96;
          break;
        case Channel::super:
          sh.price_index = rng_.uniform(0.98, 1.04);
          base = 0.90;
          break;
        case Channel::drive:
          sh.price_index = rng_.uniform(0.94, 1.00);
          base = 0.95;
          break;
        case Channel::proxi:
          sh.price_index = rng_.uniform(1.06, 1.16);
          base = 0.85;
          break;
        case Channel::cash_carry:
          sh.price_index = rng_.uniform(0.90, 0.97);
          base = 0.88;
          break;
        case Channel::specialist:
          sh.price_index = rng_.uniform(1.02, 1.12);
          base = 0.90;
          break;
        case Channel::other:
          break;
      }
      for (std::size_t i = 0; i < n_items; ++i) {
        const auto& it = item(i);
        if (!in_assortment(st.channel, it)) continue;
        sh.assortment.push_back(i);
        sh.facings[i] = initial_facings(st.channel, it);
        double p = 0;
        if (it.is_new()) {
          // Launched before the history starts: part of the roll-out is already done.
          const int weeks_in = (in_.history_from - in_.launch_day) / 7;
          if (in_.launch_day < in_.history_from) {
            p = std::min(0.8, 0.2 + 0.07 * weeks_in) * sh.quality;
          }
        } else {
          const double tier_factor = it.tier == 1 ? 1.0 : (it.tier == 2 ? 0.92 : 0.85);
          p = base * tier_factor * (0.6 + 0.4 * sh.quality);
        }
        sh.listed[i] = rng_.chance(p) ? 1 : 0;
      }
      sh.last_visit = in_.history_from - rng_.uniform_int(1, st.visit_frequency_days);
    }
  }

  static bool centrally_listed(Channel c) {
    return c == Channel::hyper || c == Channel::super || c == Channel::drive;
  }

  // What happens on the shelves between visits: slow erosion where nobody comes, the odd
  // listing won by the store's own buyer, and the new range's central listings at launch.
  void weekly_drift(Day monday) {
    const bool launch_week = in_.launch_day >= monday && in_.launch_day < monday + 7;
    for (std::size_t s = 0; s < shelves_.size(); ++s) {
      const auto& st = store(s);
      auto& sh = shelves_[s];
      const double neglect =
          std::min(1.0, (monday - sh.last_visit) / (2.0 * st.visit_frequency_days));
      for (const auto i : sh.assortment) {
        const auto& it = item(i);
        if (it.is_new()) {
          if (launch_week) {
            const double p = st.channel == Channel::hyper || st.channel == Channel::drive ? 0.35
                             : st.channel == Channel::super                               ? 0.2
                                                                                          : 0.05;
            if (rng_.chance(p * (0.5 + 0.5 * sh.quality))) sh.listed[i] = 1;
            continue;
          }
          if (!launched(i, monday)) continue;
        }
        if (sh.listed[i]) {
          const double p_off =
              (0.004 + 0.015 * neglect) * (st.channel == Channel::proxi ? 1.5 : 1.0);
          if (rng_.chance(p_off)) sh.listed[i] = 0;
        } else {
          const double p_on = it.is_new() ? (centrally_listed(st.channel) ? 0.05 : 0.015) : 0.02;
          if (rng_.chance(p_on * sh.quality)) sh.listed[i] = 1;
        }
      }
    }
  }

  bool works(const RepState& rep, Day day) const {
    const int wd = weekday_of(day);
    return wd < 5 && !user(rep).working_hours.days[static_cast<std::size_t>(wd)].empty() &&
           !is_french_holiday(day) && !rep.days_off.count(day);
  }

  static double deep_share(Channel c) {
    switch (c) {
      case Channel::hyper:
        return 0.40;
      case Channel::super:
        return 0.30;
      case Channel::cash_carry:
        return 0.30;
      case Channel::specialist:
        return 0.20;
      case Channel::drive:
        return 0.10;
      case Channel::proxi:
      case Channel::other:
        return 0.10;
    }
    return 0.2;
  }

  // A deep visit takes longer where there is more shelf to review.
  core::Minutes deep_minutes(Channel c) {
    switch (c) {
      case Channel::hyper:
        return rng_.uniform_int(60, 90);
      case Channel::super:
      case Channel::cash_carry:
        return rng_.uniform_int(50, 75);
      default:
        return rng_.uniform_int(45, 60);
    }
  }

  // One rep's day: the most overdue store anchors it, the other overdue stores around the anchor
  // fill it, in nearest-neighbour order, each visit placed inside the store's opening hours,
  // the rep's working hours and around a lunch break, within the daily driving allowance.
  std::vector<Stop> plan_day(RepState& rep, Day day) {
    std::vector<Stop> stops;
    const auto& u = user(rep);
    const auto wd = static_cast<std::size_t>(weekday_of(day));
    const auto& work = u.working_hours.days[wd];
    if (work.empty() || rep.stores.empty()) return stops;
    const core::MinuteOfDay work_open = work.front().open;
    const core::MinuteOfDay work_close = work.back().close;
    const core::GeoPoint home = rep.home;

    struct Candidate {
      std::size_t store;
      double ratio;  // days since the last visit over the target frequency
      double score;
    };
    std::vector<Candidate> candidates;
    for (const auto s : rep.stores) {
      const auto& st = store(s);
      if (st.opening_hours.days[wd].empty()) continue;
      const int since = day - shelves_[s].last_visit;
      if (since < MIN_DAYS_BETWEEN_VISITS) continue;
      candidates.push_back({s, static_cast<double>(since) / st.visit_frequency_days, 0});
    }
    if (candidates.empty()) return stops;

    const auto by_score = [](const Candidate& a, const Candidate& b) {
      return a.score > b.score || (a.score == b.score && a.store < b.store);
    };
    for (auto& c : candidates) {
      c.score = c.ratio - km_between(rep.start, store(c.store).location) / 250.0;
    }
    const Candidate anchor = *std::min_element(candidates.begin(), candidates.end(), by_score);
    const core::GeoPoint anchor_at = store(anchor.store).location;

    std::vector<Candidate> cluster;
    for (auto c : candidates) {
      if (c.store == anchor.store) continue;
      const double km = km_between(anchor_at, store(c.store).location);
      if (km > CLUSTER_KM) continue;
      c.score = c.ratio - km / 20.0;
      cluster.push_back(c);
    }
    std::sort(cluster.begin(), cluster.end(), by_score);
    const auto target = static_cast<std::size_t>(rng_.uniform_int(4, 6));
    std::vector<std::size_t> chosen{anchor.store};
    std::vector<std::size_t> backups;
    for (const auto& c : cluster) {
      if (chosen.size() < target) {
        chosen.push_back(c.store);
      } else if (backups.size() < 6) {
        backups.push_back(c.store);
      }
    }

    // Nearest-neighbour tour from the start, then the backups from where the tour ends.
    std::vector<std::size_t> route;
    core::GeoPoint at = rep.start;
    for (auto* group : {&chosen, &backups}) {
      auto left = *group;
      while (!left.empty()) {
        auto next = std::min_element(left.begin(), left.end(), [&](std::size_t a, std::size_t b) {
          return km_between(at, store(a).location) < km_between(at, store(b).location);
        });
        route.push_back(*next);
        at = store(*next).location;
        left.erase(next);
      }
    }

    const bool may_stay = u.overnight_allowed && rep.nights_away < MAX_NIGHTS_AWAY &&
                          works(rep, day + 1) &&
                          drive_minutes(anchor_at, home) > OVERNIGHT_DRIVE_MINUTES;
    const core::MinuteOfDay lunch_latest = u.lunch_end - u.lunch_minutes;
    core::MinuteOfDay t = work_open + rng_.uniform_int(0, 30);  // e-mail and admin before leaving
    core::GeoPoint pos = rep.start;
    bool lunch_taken = false;
    core::Minutes driven = 0;
    int deep_count = 0;
    // The visit type is settled per store before scheduling; a store that cannot be fitted when
    // the tour reaches it (closed until the afternoon, say) is tried once more at the end.
    struct Attempt {
      std::size_t store;
      bool deep;
      core::Minutes minutes;
      bool deferred;
    };
    std::deque<Attempt> queue;
    for (const auto s : route) {
      const auto& st = store(s);
      const double overdue =
          static_cast<double>(day - shelves_[s].last_visit) / st.visit_frequency_days;
      const bool deep = rng_.chance(deep_share(st.channel) + (overdue > 1.5 ? 0.2 : 0.0));
      queue.push_back({s, deep, deep ? deep_minutes(st.channel) : rng_.uniform_int(20, 30), false});
    }
    while (!queue.empty() && stops.size() < target) {
      Attempt attempt = queue.front();
      queue.pop_front();
      const auto& st = store(attempt.store);
      if (attempt.deep && deep_count >= 2) {  // two long visits a day at most
        attempt.deep = false;
        attempt.minutes = rng_.uniform_int(20, 30);
      }
      const core::Minutes leg = drive_minutes(pos, st.location);
      const core::Minutes back = may_stay ? 0 : drive_minutes(st.location, home);
      if (!stops.empty() && driven + leg + back > u.max_daily_driving) continue;

      // Notes, order entry and calls in the car before driving on.
      core::MinuteOfDay depart = stops.empty() ? t : t + rng_.uniform_int(5, 20);
      // Lunch where the rep is, if driving on would push it past the latest lunch start;
      // otherwise on arrival, if the visit would.
      bool lunch = lunch_taken;
      if (!lunch && depart + leg > lunch_latest) {
        depart = std::max(depart, u.lunch_start) + u.lunch_minutes;
        lunch = true;
      }
      // Parking, signing in at the reception, finding the department manager.
      core::MinuteOfDay arrive = depart + leg + rng_.uniform_int(5, 15);
      const auto& hours = st.opening_hours.days[wd];
      auto start = fit(hours, arrive, attempt.minutes);
      if (start && !lunch && *start + attempt.minutes > lunch_latest) {
        arrive = std::max(arrive, u.lunch_start) + u.lunch_minutes;
        lunch = true;
        start = fit(hours, arrive, attempt.minutes);
      }
      // Before the first stop the rep may leave home a little later rather than wait.
      const int wait_allowed = stops.empty() ? FIRST_STOP_MAX_DELAY : MAX_WAIT_MINUTES;
      if (start && *start - arrive > wait_allowed && !attempt.deferred) {
        attempt.deferred = true;
        queue.push_back(attempt);
        continue;
      }
      if (!start || *start - arrive > wait_allowed || *start + attempt.minutes > work_close) {
        continue;
      }
      stops.push_back({attempt.store, attempt.deep ? VisitType::deep : VisitType::quick, *start,
                       attempt.minutes});
      t = *start + attempt.minutes;
      pos = st.location;
      driven += leg;
      lunch_taken = lunch;
      deep_count += attempt.deep ? 1 : 0;
    }

    const bool stay =
        may_stay && !stops.empty() && drive_minutes(pos, home) > OVERNIGHT_DRIVE_MINUTES;
    rep.start = stay ? pos : home;
    rep.nights_away = stay ? rep.nights_away + 1 : 0;
    return stops;
  }

  core::GeoPoint gps_near(core::GeoPoint p, bool far) {
    const double u = rng_.uniform();
    const double metres = far ? rng_.uniform(1200, 4000) : 5.0 + 75.0 * u * u;
    return offset(p, rng_.uniform(0, 360), metres);
  }

  // The shelf as the rep finds it, what the visit changes, and the order taken.
  void perform(const RepState& rep, Day day, const Stop& stop) {
    const auto& st = store(stop.store);
    auto& sh = shelves_[stop.store];
    const bool deep = stop.type == VisitType::deep;

    DemoVisit v;
    v.store_code = st.code;
    v.rep_email = user(rep).email;
    v.type = stop.type;
    v.checkin_at = paris_instant(day, stop.start * 60 + rng_.uniform_int(0, 59));
    v.checkout_at = paris_instant(day, (stop.start + stop.minutes) * 60 - rng_.uniform_int(1, 59));
    v.checkin_position = gps_near(st.location, rng_.chance(FAR_CHECKIN_RATE));
    v.checkout_position = gps_near(st.location, false);

    // Deep visits audit the whole assortment; quick ones the new range, last time's problems
    // and a few core products.
    std::vector<std::size_t> carried;
    for (const auto i : sh.assortment) {
      if (launched(i, day)) carried.push_back(i);
    }
    std::vector<std::size_t> audited;
    if (deep) {
      audited = carried;
    } else {
      std::set<std::size_t> focus;
      for (const auto i : carried) {
        if (item(i).is_new()) focus.insert(i);
      }
      for (const auto i : sh.last_issues) {
        if (focus.size() >= 6) break;
        focus.insert(i);
      }
      // Core products first; shops without any (organic stores) get a few of what they carry.
      std::vector<std::size_t> core_items;
      std::vector<std::size_t> others;
      for (const auto i : carried) (item(i).tier == 1 ? core_items : others).push_back(i);
      rng_.shuffle(core_items);
      rng_.shuffle(others);
      core_items.insert(core_items.end(), others.begin(), others.end());
      for (const auto i : core_items) {
        if (focus.size() >= 5) break;
        focus.insert(i);
      }
      audited.assign(focus.begin(), focus.end());
    }

    const double neglect = std::min(1.0, (day - sh.last_visit) / (2.0 * st.visit_frequency_days));
    const double oos_rate = 0.025 + 0.08 * neglect + (st.channel == Channel::proxi ? 0.02 : 0.0);
    const double promo_rate =
        st.channel == Channel::hyper ? 0.08 : (st.channel == Channel::super ? 0.06 : 0.03);
    VisitFacts facts;
    facts.type = stop.type;
    facts.new_range_launched = day >= in_.launch_day;
    std::vector<std::size_t> out_of_stock;
    std::vector<std::size_t> gained;
    for (const auto i : audited) {
      const auto& it = item(i);
      DemoAudit a;
      a.sku = it.product.sku;
      a.present = sh.listed[i] != 0;
      if (a.present) {
        a.out_of_stock = rng_.chance(oos_rate);
        a.facings = std::clamp(sh.facings[i] + (rng_.chance(0.2) ? rng_.uniform_int(-1, 1) : 0), 1,
                               MAX_FACINGS);
        a.promo = !a.out_of_stock && rng_.chance(promo_rate);
        const double price = static_cast<double>(it.product.price) * sh.price_index;
        a.shelf_price = shelf_rounding(a.promo ? price * rng_.uniform(0.70, 0.85)
                                               : price * (1.0 + rng_.normal(0, 0.015)));
        if (a.out_of_stock) {
          out_of_stock.push_back(i);
          facts.out_of_stock.push_back(it.product.name);
        }
        if (a.promo) facts.promo.push_back(it.product.name);
        if (deep && rng_.chance(0.1)) sh.facings[i] = std::min(MAX_FACINGS, sh.facings[i] + 1);
      } else {
        // The rep argues for what is missing; the new range is the season's priority.
        const double p =
            (it.is_new() ? (deep ? 0.55 : 0.30) : (deep ? 0.40 : 0.20)) * (0.5 + 0.5 * sh.quality);
        if (rng_.chance(p)) {
          sh.listed[i] = 1;
          gained.push_back(i);
          (it.is_new() ? facts.listed_new : facts.listed_core).push_back(it.product.name);
        }
      }
      v.audits.push_back(std::move(a));
    }
    sh.last_issues.clear();
    for (const auto i : audited) {
      if (!sh.listed[i]) {
        sh.last_issues.push_back(i);
        ++facts.still_absent;
        if (item(i).is_new()) ++facts.new_range_absent;
      }
    }
    for (const auto i : out_of_stock) sh.last_issues.push_back(i);

    take_order(st, sh, day, deep, gained, out_of_stock, v, facts);
    const auto text = write_up(facts, rng_);
    v.report = text.report;
    v.next_steps = text.next_steps;
    sh.last_visit = day;
    out_.visits.push_back(std::move(v));
  }

  void take_order(const core::Store& st, Shelf& sh, Day day, bool deep,
                  const std::vector<std::size_t>& gained,
                  const std::vector<std::size_t>& out_of_stock, DemoVisit& v, VisitFacts& facts) {
    double p = 0.45;
    switch (st.channel) {
      case Channel::hyper:
        p = 0.38;
        break;
      case Channel::super:
        p = 0.50;
        break;
      case Channel::proxi:
        p = 0.45;
        break;
      case Channel::drive:
        p = 0.28;
        break;
      case Channel::cash_carry:
        p = 0.45;
        break;
      case Channel::specialist:
        p = 0.42;
        break;
      case Channel::other:
        break;
    }
    if (!gained.empty() || !out_of_stock.empty()) p += 0.25;
    if (!rng_.chance(std::min(0.9, p))) return;

    // New listings and out-of-stock products first, then a few regular reorders.
    std::vector<std::size_t> lines(gained.begin(), gained.end());
    for (const auto i : out_of_stock) {
      if (std::find(lines.begin(), lines.end(), i) == lines.end()) lines.push_back(i);
    }
    std::vector<std::size_t> on_shelf;
    for (const auto i : sh.assortment) {
      if (sh.listed[i] && std::find(lines.begin(), lines.end(), i) == lines.end() &&
          launched(i, day)) {
        on_shelf.push_back(i);
      }
    }
    rng_.shuffle(on_shelf);
    const int extra = rng_.uniform_int(deep ? 1 : 0, st.channel == Channel::hyper ? 4 : 3);
    for (int k = 0; k < extra && k < static_cast<int>(on_shelf.size()); ++k) {
      lines.push_back(on_shelf[static_cast<std::size_t>(k)]);
    }
    if (lines.size() > 8) lines.resize(8);
    if (lines.empty()) return;

    const double r = rng_.uniform();
    const bool big = st.channel == Channel::hyper || st.channel == Channel::cash_carry;
    const double discount = r < 0.45   ? 0.0
                            : r < 0.7  ? 0.02
                            : r < 0.88 ? 0.03
                                       : (big && r > 0.96 ? 0.08 : 0.05);
    std::sort(lines.begin(), lines.end(), [&](std::size_t a, std::size_t b) {
      return item(a).product.sku < item(b).product.sku;
    });
    for (const auto i : lines) {
      const auto& it = item(i);
      const bool is_gained = std::find(gained.begin(), gained.end(), i) != gained.end();
      const int cases =
          is_gained
              ? (st.potential > 2 ? 2 : 1)
              : std::max(1, static_cast<int>(std::lround(st.potential * rng_.uniform(0.3, 0.9))));
      DemoOrderLine line;
      line.sku = it.product.sku;
      line.quantity = cases * it.case_size;
      line.unit_price = std::llround(static_cast<double>(it.product.price) * (1.0 - discount));
      sh.ordered_this_week[i] += line.quantity;
      facts.order_total += line.unit_price * line.quantity;
      v.order.push_back(std::move(line));
    }
    facts.order_lines = static_cast<int>(v.order.size());
  }

  // The week's ERP sell-in: replenishment driven by the store's potential, the season and the
  // shelf, plus the orders reps took.
  void close_week(Day monday) {
    const int doy = day_of_year(monday + 3);
    const std::string week = format_day(monday);
    for (std::size_t s = 0; s < shelves_.size(); ++s) {
      const auto& st = store(s);
      auto& sh = shelves_[s];
      const double channel_factor =
          st.channel == Channel::drive ? 0.6 : (st.channel == Channel::cash_carry ? 1.2 : 1.0);
      for (const auto i : sh.assortment) {
        const auto& it = item(i);
        if (!launched(i, monday + 6)) continue;
        std::int64_t units = sh.ordered_this_week[i];
        sh.ordered_this_week[i] = 0;
        if (sh.listed[i]) {
          double mean = it.weekly_units * st.potential * seasonality(it.range_code, doy) *
                        channel_factor * std::exp(rng_.normal(0, 0.25));
          if (it.is_new()) mean *= std::min(1.0, 0.5 + 0.08 * ((monday - in_.launch_day) / 7));
          if (st.potential < 0.6) {  // small stores take a delivery every other week or so
            mean = rng_.chance(0.45) ? 0.0 : mean / 0.55;
          }
          units += rng_.poisson(mean);
        }
        if (units <= 0) continue;
        out_.sales.push_back({st.code, it.product.sku, week, units, units * it.product.price});
      }
    }
  }

  // Upcoming visits: the rest of now's week and the whole next week, planned the same way.
  void plan_ahead() {
    const Day last = iso_monday(in_.now_day) + 13;
    for (auto& rep : reps_) {
      rep.start = rep.home;
      rep.nights_away = 0;
      rep.days_off.clear();
    }
    for (Day d = in_.now_day + 1; d <= last; ++d) {
      for (auto& rep : reps_) {
        if (!works(rep, d)) continue;
        for (const auto& stop : plan_day(rep, d)) {
          const auto& st = store(stop.store);
          out_.planned.push_back(
              {st.code, user(rep).email, stop.type, paris_instant(d, stop.start * 60)});
          shelves_[stop.store].last_visit = d;
        }
      }
    }
  }

  const ActivityInput& in_;
  Rng rng_;
  std::vector<RepState> reps_;
  std::vector<Shelf> shelves_;
  Activity out_;
};

}  // namespace

Activity simulate_activity(const ActivityInput& input, std::uint64_t seed) {
  return Simulation(input, seed).run();
}

}  // namespace boucle::sim
