#include "sim/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace boucle::sim {

namespace {

constexpr std::array<std::string_view, 4> NAMES{"frequency", "biggest-first", "rules", "oracle"};

core::VisitType visit_type(core::Channel c) {
  switch (c) {
    case core::Channel::hyper:
    case core::Channel::super:
    case core::Channel::cash_carry:
      return core::VisitType::deep;
    default:
      return core::VisitType::quick;
  }
}

std::vector<Priority> best(std::vector<Priority> all, std::size_t limit) {
  std::stable_sort(all.begin(), all.end(),
                   [](const Priority& a, const Priority& b) { return a.value_eur > b.value_eur; });
  if (all.size() > limit) all.resize(limit);
  return all;
}

int weeks_since(const Observed& o, int week) {
  return o.last_visit_week < 0 ? 1000 : week - o.last_visit_week;
}

// Each store every k weeks, nothing else considered.
class FrequencyPolicy final : public Policy {
 public:
  explicit FrequencyPolicy(int k) : k_(k) {}
  std::string_view name() const override { return "frequency"; }
  std::vector<Priority> choose(const PolicyInput& in, std::size_t limit) override {
    // The first cycle goes round the territory sector by sector (by bearing from its centre),
    // one sector a week, so that visits spread evenly over the k weeks and stay grouped.
    const auto sector = sectors(in);
    std::vector<Priority> out;
    for (std::size_t i = 0; i < in.stores.size(); ++i) {
      const int s = in.stores[i];
      const auto& o = in.crm.observed[static_cast<std::size_t>(s)];
      const auto& store = in.crm.stores[static_cast<std::size_t>(s)].store;
      if (o.last_visit_week < 0) {
        if (in.week < k_ && in.week % k_ < sector[i]) continue;  // its sector's week is to come
        out.push_back({s, 60.0 + 5.0 * std::max(0, in.week - sector[i]), visit_type(store.channel),
                       "first visit of the cycle"});
        continue;
      }
      const int since = in.week - o.last_visit_week;
      if (since < k_) continue;
      out.push_back({s, 60.0 + 5.0 * std::min(since - k_, 10), visit_type(store.channel),
                     fmt::format("due: last visit {} weeks ago", since)});
    }
    return best(std::move(out), limit);
  }

 private:
  std::vector<int> sectors(const PolicyInput& in) const {
    const std::size_t n = in.stores.size();
    double lat = 0, lon = 0;
    for (int s : in.stores) {
      lat += in.crm.stores[static_cast<std::size_t>(s)].store.location.lat;
      lon += in.crm.stores[static_cast<std::size_t>(s)].store.location.lon;
    }
    if (n > 0) lat /= static_cast<double>(n), lon /= static_cast<double>(n);
    std::vector<std::pair<double, std::size_t>> by_angle;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = in.crm.stores[static_cast<std::size_t>(in.stores[i])].store.location;
      by_angle.emplace_back(std::atan2(p.lat - lat, (p.lon - lon) * 0.7), i);
    }
    std::sort(by_angle.begin(), by_angle.end());
    std::vector<int> sector(n);
    for (std::size_t rank = 0; rank < n; ++rank) {
      sector[by_angle[rank].second] = static_cast<int>(rank * static_cast<std::size_t>(k_) / n);
    }
    return sector;
  }

  int k_;
};

// The largest stores (by the CRM's potential) first, none visited in the last two weeks.
class BiggestFirstPolicy final : public Policy {
 public:
  std::string_view name() const override { return "biggest-first"; }
  std::vector<Priority> choose(const PolicyInput& in, std::size_t limit) override {
    std::vector<Priority> out;
    for (int s : in.stores) {
      const auto& o = in.crm.observed[static_cast<std::size_t>(s)];
      if (weeks_since(o, in.week) < 2) continue;
      const auto& store = in.crm.stores[static_cast<std::size_t>(s)].store;
      out.push_back({s, 15.0 * store.potential, visit_type(store.channel),
                     fmt::format("potential {:.2f}", store.potential)});
    }
    return best(std::move(out), limit);
  }
};

// The CRM's margin estimate of one product in one store, per week.
double estimated_margin(const CrmView& crm, int store, int sku, double margin_rate) {
  const auto& item = crm.catalog[static_cast<std::size_t>(sku)];
  const auto& s = crm.stores[static_cast<std::size_t>(store)].store;
  return item.weekly_units * s.potential * static_cast<double>(item.product.price) / 100.0 *
         margin_rate;
}

// A field manager's rules of thumb on CRM data: missing products of the new range, delisted
// core products, out-of-stocks seen at the last audit, overdue stores, falling sales.
class RulesPolicy final : public Policy {
 public:
  explicit RulesPolicy(const Scenario& sc) : margin_rate_(sc.economics.margin_rate) {}
  std::string_view name() const override { return "rules"; }
  std::vector<Priority> choose(const PolicyInput& in, std::size_t limit) override {
    std::vector<Priority> out;
    for (int s : in.stores) {
      const auto& o = in.crm.observed[static_cast<std::size_t>(s)];
      const int since = weeks_since(o, in.week);
      if (since < 2) continue;
      const auto& ss = in.crm.stores[static_cast<std::size_t>(s)];
      double value = 0;
      int missing_new = 0, missing_core = 0, oos = 0;
      double listed_margin = 0;
      auto reading_of = [&](int sku) -> const ShelfReading* {
        for (const auto& r : o.last_audit) {
          if (r.sku == sku) return &r;
        }
        return nullptr;
      };
      for (int sku : ss.assortment) {
        const double m = estimated_margin(in.crm, s, sku, margin_rate_);
        const bool is_new = sku >= in.crm.new_range_first && sku < in.crm.new_range_last;
        const ShelfReading* r = reading_of(sku);
        const bool present = r ? r->present : !is_new;  // never audited: assume the launch missing
        if (!present) {
          if (is_new) {
            ++missing_new;
            value += 0.35 * 20 * m;
          } else {
            ++missing_core;
            value += 0.30 * 20 * m;
          }
        } else {
          listed_margin += m;
          if (r && r->oos) {
            ++oos;
            value += 0.7 * 0.65 * 2 * m;
          }
        }
      }
      const double frequency_weeks = std::max(1.0, ss.store.visit_frequency_days / 7.0);
      const double overdue = std::min(3.0, since / frequency_weeks);
      if (overdue > 1) value += 0.4 * (overdue - 1) * listed_margin;
      // Falling sales: the last four weeks of ERP sell-in against the four before.
      double drop = 0;
      const auto& sales = o.erp_sales;
      if (sales.size() >= 8) {
        double last = 0, before = 0;
        for (std::size_t i = sales.size() - 4; i < sales.size(); ++i) last += sales[i];
        for (std::size_t i = sales.size() - 8; i < sales.size() - 4; ++i) before += sales[i];
        if (before > 0 && last < 0.85 * before) {
          drop = before - last;
          value += drop * margin_rate_;
        }
      }
      std::string why;
      auto add = [&](const std::string& part) { why += (why.empty() ? "" : "; ") + part; };
      if (missing_new) add(fmt::format("{} new-range products missing", missing_new));
      if (missing_core) add(fmt::format("{} core products delisted", missing_core));
      if (oos) add(fmt::format("{} out of stock at the last audit", oos));
      if (overdue > 1)
        add(o.last_visit_week < 0 ? std::string("not visited yet")
                                  : fmt::format("overdue ({} weeks)", since));
      if (drop > 0) add(fmt::format("sell-in down {:.0f} € over four weeks", drop));
      // Stores that never move after a visit go down the list: halved per fruitless visit.
      if (o.fruitless_visits > 0) {
        value *= std::pow(0.5, std::min(o.fruitless_visits, 4));
        add(fmt::format("{} visits in a row without result", o.fruitless_visits));
      }
      if (value <= 0) continue;
      out.push_back({s, value, visit_type(ss.store.channel), why});
    }
    return best(std::move(out), limit);
  }

 private:
  double margin_rate_;
};

// Knows the hidden truth: the expected incremental margin of a visit this week.
class OraclePolicy final : public Policy {
 public:
  std::string_view name() const override { return "oracle"; }
  bool needs_truth() const override { return true; }
  std::vector<Priority> choose(const PolicyInput& in, std::size_t limit) override {
    const World& w = *in.world;
    const auto& sc = w.scenario;
    const auto& a = sc.actions;
    const auto& d = sc.dynamics;
    const double horizon = std::clamp(sc.weeks - in.week, 4, 26);
    std::vector<Priority> out;
    for (int s : in.stores) {
      const auto& st = w.stores[static_cast<std::size_t>(s)];
      const auto& ss = in.truth->stores[static_cast<std::size_t>(s)];
      if (ss.responsiveness <= 0) continue;
      const core::VisitType type = visit_type(st.store.channel);
      const bool deep = type == core::VisitType::deep;
      int new_slots = deep ? 3 : 1, relist_slots = deep ? 2 : 0, facing_slots = deep ? 2 : 0;
      bool promo_slot = deep;
      const double life = std::min(horizon, 1.0 / std::max(1e-3, st.truth.delist_hazard));
      double value = 0;
      double listed = 0;
      for (std::size_t i = 0; i < st.assortment.size(); ++i) {
        const int sku = st.assortment[i];
        const auto& cell = ss.shelf[i];
        const double m = expected_margin(w, s, sku, in.week);
        if (!cell.present) {
          const bool is_new = w.is_new(sku);
          int& slots = is_new ? new_slots : relist_slots;
          if (slots > 0) {
            --slots;
            value += action_chance(is_new ? a.place_new : a.relist, ss) * m * life;
          }
          continue;
        }
        listed += m;
        if (cell.oos) {
          value += action_chance(a.fix_oos, ss) * m * d.oos_lost_share /
                   std::max(0.1, sc.truth.oos_recovery);
        }
        if (facing_slots > 0 && cell.facings < 2 * st.truth.base_facings + 1) {
          --facing_slots;
          const double f = std::max(1, cell.facings);
          value += action_chance(a.win_facings, ss) * m *
                   (std::pow((f + 1) / f, d.facings_elasticity) - 1) /
                   std::max(0.05, d.facings_decay);
        }
        if (promo_slot && cell.promo_weeks == 0 && !cell.oos) {
          promo_slot = false;
          value += action_chance(a.promotion, ss) * m * d.promo_lift * d.promo_weeks;
        }
      }
      // Care: a fresh visit cuts delisting and out-of-stocks for a while.
      const double fresh = (1.0 - ss.care) * d.care_protection * std::min(1.0, ss.responsiveness) /
                           std::max(0.05, 1.0 - d.care_decay);
      value += listed * fresh *
               (st.truth.delist_hazard * life + 0.5 * st.truth.oos_hazard * d.oos_lost_share);
      value += action_chance(a.take_order, ss) * listed * st.truth.oos_hazard * 0.75 *
               d.order_cover_weeks * d.oos_lost_share;
      if (value < 1.0) continue;
      out.push_back({s, value, type, fmt::format("expected incremental margin {:.0f} €", value)});
    }
    return best(std::move(out), limit);
  }
};

}  // namespace

bool visible_result(const std::vector<ShelfReading>& before, const std::vector<ShelfReading>& after,
                    bool order_taken, int new_range_first, int new_range_last) {
  if (order_taken) return true;
  for (const auto& now : after) {
    if (!now.present || now.oos) continue;
    const ShelfReading* then = nullptr;
    for (const auto& b : before) {
      if (b.sku == now.sku) then = &b;
    }
    const bool was_missing = then ? (!then->present || then->oos)
                                  : (now.sku >= new_range_first && now.sku < new_range_last);
    if (was_missing) return true;
  }
  return false;
}

std::unique_ptr<Policy> make_policy(std::string_view name, const Scenario& scenario) {
  if (name == "frequency")
    return std::make_unique<FrequencyPolicy>(scenario.policy.frequency_weeks);
  if (name == "biggest-first") return std::make_unique<BiggestFirstPolicy>();
  if (name == "rules") return std::make_unique<RulesPolicy>(scenario);
  if (name == "oracle") return std::make_unique<OraclePolicy>();
  throw std::invalid_argument("unknown policy `" + std::string(name) +
                              "` (frequency, biggest-first, rules, oracle)");
}

std::span<const std::string_view> policy_names() { return NAMES; }

}  // namespace boucle::sim
