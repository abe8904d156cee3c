#include "api/analytics.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.hpp"
#include "core/time.hpp"

namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Id;
using target::Day;
using target::Row;

namespace {

constexpr int SALES_WEEKS = 104;

Day parse_day(const std::string& date) {
  return static_cast<Day>(core::parse_date_days(date).value_or(0));
}

}  // namespace

target::Facts load_facts(storage::Tx& tx, core::UnixSeconds now) {
  target::Facts f;
  f.now = now;
  f.seq = tx.last_seq();

  auto& s = f.stores;
  for (const auto& store : tx.all_stores()) {
    s.id.push_back(store.meta.id);
    s.code.push_back(store.code);
    s.name.push_back(store.name);
    s.channel.push_back(static_cast<std::uint8_t>(store.channel));
    s.banner.push_back(f.banners.code(store.banner));
    s.town.push_back(f.towns.code(store.city));
    const std::string department = target::department_of_postcode(store.postcode);
    s.department.push_back(f.departments.code(department));
    s.region.push_back(f.regions.code(target::region_of_department(department)));
    s.lat.push_back(store.location.lat);
    s.lon.push_back(store.location.lon);
    s.potential.push_back(store.potential);
    s.size_sqm.push_back(store.size_sqm);
    s.frequency_days.push_back(store.visit_frequency_days);
    s.rep.push_back(store.assigned_rep_id.value_or(0));
    for (const auto& tag : store.tags) s.tag_code.push_back(f.tags.code(tag));
    s.tag_begin.push_back(static_cast<std::uint32_t>(s.tag_code.size()));
  }
  std::unordered_map<Id, Row> row_of;
  row_of.reserve(s.size());
  for (std::size_t r = 0; r < s.size(); ++r) row_of.emplace(s.id[r], static_cast<Row>(r));

  std::unordered_map<Id, std::uint32_t> product_of;
  for (const auto& p : tx.all_products()) {
    product_of.emplace(p.meta.id, static_cast<std::uint32_t>(f.products.size()));
    f.products.id.push_back(p.meta.id);
    f.products.sku.push_back(p.sku);
    f.products.range.push_back(f.ranges.code(p.range));
  }
  for (const auto& rule : tx.all_assortment_rules()) {
    auto it = product_of.find(rule.product_id);
    if (it == product_of.end()) continue;
    f.assortment[static_cast<std::size_t>(rule.channel)].push_back(it->second);
  }
  for (auto& list : f.assortment) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }

  std::unordered_map<Id, std::uint32_t> visit_of;
  auto& v = f.visits;
  for (const auto& fact : tx.visit_facts()) {
    auto row = row_of.find(fact.store_id);
    if (row == row_of.end()) continue;  // a visit of a deleted store
    visit_of.emplace(fact.id, static_cast<std::uint32_t>(v.size()));
    v.id.push_back(fact.id);
    v.store.push_back(row->second);
    v.rep.push_back(fact.rep_id);
    v.status.push_back(static_cast<std::uint8_t>(fact.status));
    v.planned_at.push_back(fact.planned_at);
    v.checkin_at.push_back(fact.checkin_at);
    v.checkout_at.push_back(fact.checkout_at);
    v.from_plan.push_back(fact.from_plan ? 1 : 0);
    v.ordered.push_back(fact.ordered ? 1 : 0);
    v.category_facings.push_back(fact.category_facings.value_or(-1));
  }

  auto& a = f.audits;
  for (const auto& fact : tx.audit_facts()) {
    auto visit = visit_of.find(fact.visit_id);
    auto product = product_of.find(fact.product_id);
    if (visit == visit_of.end() || product == product_of.end()) continue;
    a.visit.push_back(visit->second);
    a.store.push_back(v.store[visit->second]);
    a.product.push_back(product->second);
    a.at.push_back(fact.at);
    a.present.push_back(fact.present ? 1 : 0);
    a.out_of_stock.push_back(fact.out_of_stock ? 1 : 0);
    a.promo.push_back(fact.promo ? 1 : 0);
    a.facings.push_back(static_cast<std::int16_t>(std::clamp(fact.facings, 0, 32767)));
  }

  for (const auto& day : tx.plan_day_facts()) {
    f.plan_days.rep.push_back(day.rep_id);
    f.plan_days.day.push_back(parse_day(day.date));
    f.plan_days.drive_seconds.push_back(static_cast<std::int32_t>(day.drive_seconds));
  }

  f.sales_weeks = SALES_WEEKS;
  f.sales_first_week = target::monday_of(f.today()) - 7 * SALES_WEEKS;
  f.sales_revenue.assign(static_cast<std::size_t>(SALES_WEEKS) * s.size(), 0.0f);
  std::unordered_map<std::string, int> week_index;  // a few hundred distinct weeks
  for (const auto& total : tx.sales_revenue(core::format_date_days(f.sales_first_week))) {
    auto row = row_of.find(total.store_id);
    if (row == row_of.end()) continue;
    auto [it, added] = week_index.try_emplace(total.week, 0);
    if (added) it->second = (parse_day(total.week) - f.sales_first_week) / 7;
    const int w = it->second;
    if (w < 0 || w >= SALES_WEEKS) continue;
    f.sales_revenue[static_cast<std::size_t>(w) * s.size() + row->second] +=
        static_cast<float>(static_cast<double>(total.revenue) / 100.0);
  }
  f.index();
  return f;
}

Analytics::Analytics(storage::Storage& db) : db_(db), registry_(target::Registry::builtin()) {}

std::shared_ptr<const target::Facts> Analytics::facts() {
  const auto [seq, now] = storage::read(db_, [](storage::Tx& tx) {
    return std::pair{tx.last_seq(), core::now_seconds()};
  });
  std::lock_guard lock(mutex_);
  // The snapshot also moves with the day: relative fields ("days since the last visit") read
  // its present.
  if (facts_ && facts_->seq == seq && facts_->today() == target::day_of(now)) return facts_;
  auto fresh = std::make_shared<target::Facts>(
      storage::read(db_, [&](storage::Tx& tx) { return load_facts(tx, now); }));
  facts_ = std::move(fresh);
  cache_.clear();
  return facts_;
}

target::Expression Analytics::parse(std::string_view text, const target::Facts& facts,
                                    std::string_view field) const {
  try {
    return target::Expression::parse(text, registry_, target::Limits{}, &facts);
  } catch (const target::ExpressionError& e) {
    std::string message = e.message();
    if (!e.expected().empty()) {
      message += " (expected ";
      for (std::size_t i = 0; i < e.expected().size() && i < 12; ++i) {
        if (i) message += ", ";
        message += e.expected()[i];
      }
      message += ")";
    }
    core::FieldError fe{std::string(field), message};
    fe.position = static_cast<int>(e.position());
    throw Error(ErrorCode::validation, "invalid expression at byte " +
                                           std::to_string(e.position()) + ": " + e.message(),
                {fe});
  }
}

std::vector<Row> Analytics::select(const target::Expression& e, const target::Facts& facts) {
  std::lock_guard lock(mutex_);
  // The cache belongs to the current snapshot; an older one a request still holds is
  // evaluated without it.
  return target::select(e, facts, &facts == facts_.get() ? &cache_ : nullptr);
}

std::optional<SegmentRefresh> Analytics::refresh(Id segment_id, bool force) {
  auto f = facts();
  auto segment = storage::read(db_, [&](storage::Tx& tx) { return tx.segment(segment_id); });
  if (!segment) return std::nullopt;
  return refresh_on(*segment, *f, force);
}

std::vector<SegmentRefresh> Analytics::refresh_dynamic() {
  auto f = facts();
  std::vector<core::Segment> segments;
  storage::read(db_, [&](storage::Tx& tx) {
    storage::Page page{0, 500};
    while (true) {
      auto r = tx.segments(page);
      for (auto& g : r.items) {
        if (g.dynamic) segments.push_back(std::move(g));
      }
      if (!r.next_after) break;
      page.after = *r.next_after;
    }
  });
  std::vector<SegmentRefresh> out;
  for (const auto& g : segments) {
    if (auto r = refresh_on(g, *f, false)) out.push_back(*r);
  }
  return out;
}

std::optional<SegmentRefresh> Analytics::refresh_on(const core::Segment& segment,
                                                    const target::Facts& facts, bool force) {
  const std::pair<std::int64_t, Day> stamp{facts.seq, facts.today()};
  {
    std::lock_guard lock(mutex_);
    auto it = evaluated_.find(segment.meta.id);
    const bool fresh = it != evaluated_.end() && it->second == stamp;
    if (!force && (!segment.dynamic || fresh)) return std::nullopt;
  }
  // A saved expression may name a range that no longer exists: it then selects nothing from
  // that clause rather than failing the refresh.
  auto expression = target::Expression::parse(segment.expression, registry_);
  const auto rows = select(expression, facts);
  std::vector<Id> now_in;
  now_in.reserve(rows.size());
  for (Row r : rows) now_in.push_back(facts.stores.id[r]);  // ascending, like the rows

  SegmentRefresh result;
  result.segment_id = segment.meta.id;
  const bool written = storage::write(db_, [&](storage::Tx& tx) {
    auto current = tx.segment(segment.meta.id);
    if (!current) return false;  // deleted meanwhile
    const auto before = tx.segment_member_ids(segment.meta.id);
    std::vector<Id> joined, left;
    std::set_difference(now_in.begin(), now_in.end(), before.begin(), before.end(),
                        std::back_inserter(joined));
    std::set_difference(before.begin(), before.end(), now_in.begin(), now_in.end(),
                        std::back_inserter(left));
    result.joined = static_cast<std::int64_t>(joined.size());
    result.left = static_cast<std::int64_t>(left.size());
    result.members = static_cast<std::int64_t>(now_in.size());
    if (joined.empty() && left.empty() && !force) return true;
    tx.apply_membership(segment.meta.id, joined, left, facts.now);
    current->member_count = result.members;
    current->refreshed_at = facts.now;
    current->refreshed_seq = facts.seq;
    tx.update_segment(*current);
    return true;
  });
  if (!written) return std::nullopt;
  std::lock_guard lock(mutex_);
  evaluated_[segment.meta.id] = stamp;
  return result;
}

bool in_control_group(const core::Campaign& campaign, Id store_id) {
  if (campaign.control_share <= 0) return false;
  // splitmix64 of (seed, store): a uniform draw in [0, 1) that never changes for this pair.
  std::uint64_t x = static_cast<std::uint64_t>(campaign.seed) * 0x9E3779B97F4A7C15ull ^
                    static_cast<std::uint64_t>(store_id);
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x ^= x >> 31;
  const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
  return u < campaign.control_share;
}

}  // namespace boucle::api
