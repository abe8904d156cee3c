#include "core/domain.hpp"

#include <utility>

namespace boucle::core {

namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<Role, 3> ROLE_NAMES{{{Role::admin, "admin"}, {Role::manager, "manager"},
                                     {Role::rep, "rep"}}};
constexpr Names<Channel, 7> CHANNEL_NAMES{{{Channel::hyper, "hyper"},
                                           {Channel::super, "super"},
                                           {Channel::proxi, "proxi"},
                                           {Channel::drive, "drive"},
                                           {Channel::cash_carry, "cash_carry"},
                                           {Channel::specialist, "specialist"},
                                           {Channel::other, "other"}}};
constexpr Names<VisitType, 2> VISIT_TYPE_NAMES{{{VisitType::deep, "deep"},
                                                {VisitType::quick, "quick"}}};
constexpr Names<VisitStatus, 4> VISIT_STATUS_NAMES{{{VisitStatus::planned, "planned"},
                                                    {VisitStatus::in_progress, "in_progress"},
                                                    {VisitStatus::done, "done"},
                                                    {VisitStatus::cancelled, "cancelled"}}};
constexpr Names<OrderStatus, 3> ORDER_STATUS_NAMES{{{OrderStatus::draft, "draft"},
                                                    {OrderStatus::confirmed, "confirmed"},
                                                    {OrderStatus::cancelled, "cancelled"}}};
constexpr Names<PlanStatus, 3> PLAN_STATUS_NAMES{{{PlanStatus::draft, "draft"},
                                                  {PlanStatus::published, "published"},
                                                  {PlanStatus::superseded, "superseded"}}};
constexpr Names<PlanVisitKind, 3> PLAN_VISIT_KIND_NAMES{
    {{PlanVisitKind::optional, "optional"},
     {PlanVisitKind::mandatory, "mandatory"},
     {PlanVisitKind::appointment, "appointment"}}};
constexpr Names<CampaignStatus, 3> CAMPAIGN_STATUS_NAMES{{{CampaignStatus::draft, "draft"},
                                                          {CampaignStatus::active, "active"},
                                                          {CampaignStatus::ended, "ended"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E v) {
  for (const auto& [e, s] : names) {
    if (e == v) return s;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> parse(const Names<E, N>& names, std::string_view s) {
  for (const auto& [e, name] : names) {
    if (name == s) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Role v) { return name_of(ROLE_NAMES, v); }
std::string_view to_string(Channel v) { return name_of(CHANNEL_NAMES, v); }
std::string_view to_string(VisitType v) { return name_of(VISIT_TYPE_NAMES, v); }
std::string_view to_string(VisitStatus v) { return name_of(VISIT_STATUS_NAMES, v); }
std::string_view to_string(OrderStatus v) { return name_of(ORDER_STATUS_NAMES, v); }
std::string_view to_string(PlanStatus v) { return name_of(PLAN_STATUS_NAMES, v); }
std::string_view to_string(PlanVisitKind v) { return name_of(PLAN_VISIT_KIND_NAMES, v); }
std::string_view to_string(CampaignStatus v) { return name_of(CAMPAIGN_STATUS_NAMES, v); }
std::optional<Role> parse_role(std::string_view s) { return parse(ROLE_NAMES, s); }
std::optional<Channel> parse_channel(std::string_view s) { return parse(CHANNEL_NAMES, s); }
std::optional<VisitType> parse_visit_type(std::string_view s) {
  return parse(VISIT_TYPE_NAMES, s);
}
std::optional<VisitStatus> parse_visit_status(std::string_view s) {
  return parse(VISIT_STATUS_NAMES, s);
}
std::optional<OrderStatus> parse_order_status(std::string_view s) {
  return parse(ORDER_STATUS_NAMES, s);
}
std::optional<PlanStatus> parse_plan_status(std::string_view s) {
  return parse(PLAN_STATUS_NAMES, s);
}
std::optional<PlanVisitKind> parse_plan_visit_kind(std::string_view s) {
  return parse(PLAN_VISIT_KIND_NAMES, s);
}

std::optional<CampaignStatus> parse_campaign_status(std::string_view s) {
  return parse(CAMPAIGN_STATUS_NAMES, s);
}

bool WeeklyHours::empty() const {
  for (const auto& d : days) {
    if (!d.empty()) return false;
  }
  return true;
}

Cents Order::total() const {
  Cents sum = 0;
  for (const auto& l : lines) sum += l.unit_price * l.quantity;
  return sum;
}

}  // namespace boucle::core
