#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.hpp"

// The domain model of SPEC §2. Plain data: validation lives in the API layer,
// persistence in storage. Enumerations have one canonical lower-case spelling (to_string/parse).
namespace boucle::core {

enum class Role { admin, manager, rep };
enum class Channel { hyper, super, proxi, drive, cash_carry, specialist, other };
enum class VisitType { deep, quick };
enum class VisitStatus { planned, in_progress, done, cancelled };
enum class OrderStatus { draft, confirmed, cancelled };
enum class PlanStatus { draft, published, superseded };
enum class PlanVisitKind { optional, mandatory, appointment };

std::string_view to_string(Role v);
std::string_view to_string(Channel v);
std::string_view to_string(VisitType v);
std::string_view to_string(VisitStatus v);
std::string_view to_string(OrderStatus v);
std::string_view to_string(PlanStatus v);
std::string_view to_string(PlanVisitKind v);
std::optional<Role> parse_role(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);
std::optional<VisitType> parse_visit_type(std::string_view s);
std::optional<VisitStatus> parse_visit_status(std::string_view s);
std::optional<OrderStatus> parse_order_status(std::string_view s);
std::optional<PlanStatus> parse_plan_status(std::string_view s);
std::optional<PlanVisitKind> parse_plan_visit_kind(std::string_view s);

struct GeoPoint {
  double lat = 0;
  double lon = 0;
  bool operator==(const GeoPoint&) const = default;
};

// A half-open interval [open, close) of local wall-clock minutes.
struct Interval {
  MinuteOfDay open = 0;
  MinuteOfDay close = 0;
  bool operator==(const Interval&) const = default;
};

// Several intervals per weekday; index 0 is Monday. Intervals of a day are sorted and disjoint.
struct WeeklyHours {
  std::array<std::vector<Interval>, 7> days;
  bool operator==(const WeeklyHours&) const = default;
  bool empty() const;
};

// Fields every stored record carries. `seq` is the server change sequence of its last write;
// a deleted record stays as a tombstone (deleted = true) so clients can learn of the delete.
struct RecordMeta {
  Id id = 0;
  std::int64_t version = 0;
  Seq seq = 0;
  bool deleted = false;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};

struct User {
  RecordMeta meta;
  std::string email;  // stored lower-case
  std::string name;
  Role role = Role::rep;
  std::string password_hash;  // argon2id encoded string; never leaves the server
  std::optional<GeoPoint> home;
  WeeklyHours working_hours;
  MinuteOfDay lunch_start = 12 * 60;  // lunch may start in [lunch_start, lunch_end - lunch_minutes]
  MinuteOfDay lunch_end = 14 * 60;
  Minutes lunch_minutes = 60;
  bool overnight_allowed = false;
  Minutes max_daily_driving = 240;
  bool active = true;
};

struct Store {
  RecordMeta meta;
  std::string code;  // external code (ERP), unique
  std::string name;
  std::string banner;
  Channel channel = Channel::other;
  std::string address;
  std::string postcode;
  std::string city;
  GeoPoint location;
  std::string timezone = "Europe/Paris";
  WeeklyHours opening_hours;
  double potential = 0;  // category potential, relative units (drives DV weights)
  int size_sqm = 0;
  std::optional<Id> assigned_rep_id;
  int visit_frequency_days = 28;  // target: one visit every N days
  std::vector<std::string> tags;
};

struct Product {
  RecordMeta meta;
  std::string sku;  // unique
  std::string ean;
  std::string name;
  std::string brand;
  std::string range;  // gamme
  Cents price = 0;
  std::optional<std::string> launched_on;  // YYYY-MM-DD
  bool active = true;
};

// Stores of `channel` should carry `product_id`: this defines distribution (DN, DV).
struct AssortmentRule {
  RecordMeta meta;
  Channel channel = Channel::other;
  Id product_id = 0;
};

struct Visit {
  RecordMeta meta;
  std::optional<std::string> client_id;  // idempotency key chosen by the client
  Id store_id = 0;
  Id rep_id = 0;
  VisitType type = VisitType::quick;
  VisitStatus status = VisitStatus::planned;
  std::optional<UnixSeconds> planned_at;
  std::optional<UnixSeconds> checkin_at;
  std::optional<GeoPoint> checkin_position;
  std::optional<Metres> checkin_distance;  // computed by the server from the store's location
  bool checkin_far = false;
  std::string checkin_reason;
  std::optional<UnixSeconds> checkout_at;
  std::optional<GeoPoint> checkout_position;
  std::string report;
  std::string next_steps;
};

// One product's shelf reading in one visit (relevé).
struct Audit {
  RecordMeta meta;
  std::optional<std::string> client_id;
  Id visit_id = 0;
  Id store_id = 0;  // denormalised from the visit, for visibility and KPI queries
  Id rep_id = 0;
  Id product_id = 0;
  bool present = false;
  int facings = 0;
  std::optional<Cents> shelf_price;
  bool out_of_stock = false;
  bool promo = false;
};

struct OrderLine {
  Id product_id = 0;
  int quantity = 0;
  Cents unit_price = 0;
  bool operator==(const OrderLine&) const = default;
};

struct Order {
  RecordMeta meta;
  std::optional<std::string> client_id;
  std::optional<Id> visit_id;
  Id store_id = 0;
  Id rep_id = 0;
  OrderStatus status = OrderStatus::confirmed;
  std::vector<OrderLine> lines;
  Cents total() const;
};

// ERP weekly sell-in for one store and product. `week` is the ISO week's Monday, YYYY-MM-DD.
struct SalesFact {
  Id id = 0;
  Id store_id = 0;
  Id product_id = 0;
  std::string week;
  std::int64_t units = 0;
  Cents revenue = 0;
  Seq seq = 0;
};

// Metadata of a photo or file; the bytes live in content-addressed storage (sha256).
struct Attachment {
  RecordMeta meta;
  std::optional<std::string> client_id;
  std::string sha256;
  std::string content_type;
  std::int64_t size_bytes = 0;
  Id store_id = 0;
  std::optional<Id> visit_id;
  Id rep_id = 0;
  std::string filename;
};

// A free-text note on a store, written by a rep or a manager. Notes and tasks are edited
// offline; the last write in the server's order wins (docs/SYNC.md).
struct Note {
  RecordMeta meta;
  std::string client_id;  // chosen by the client that created it
  Id store_id = 0;
  Id author_id = 0;
  std::string text;
};

// Something to do at a store ("replace the shelf label", "meet the new manager").
struct Task {
  RecordMeta meta;
  std::string client_id;
  Id store_id = 0;
  Id author_id = 0;
  std::string title;
  bool done = false;
  std::optional<std::string> due_date;  // YYYY-MM-DD
};

// A rep's change to a store field that someone else changed meanwhile (docs/SYNC.md, field-level
// merge). Values are JSON texts, so that any field's type fits. Open until a rep or a manager
// keeps one side.
enum class ConflictStatus { open, resolved };
struct Conflict {
  RecordMeta meta;
  Id store_id = 0;
  std::string field;
  std::string base_value;    // what the rep saw
  std::string client_value;  // what the rep wanted
  std::string server_value;  // what the server had when the change arrived
  Id user_id = 0;            // the rep who made the change
  ConflictStatus status = ConflictStatus::open;
  std::string resolution;    // "client" or "server" once resolved
  std::optional<Id> resolved_by;
};

struct Session {
  std::string token_hash;
  Id user_id = 0;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
  bool revoked = false;
};

// Plans (SPEC §2, §6): a rep × a period of days → day routes with ordered stops. A plan keeps
// what its planner was told (candidates, parameters) so that it can be re-planned later, and
// what came out (days, stops, objective). Instants are UnixSeconds; dates are local civil dates
// "YYYY-MM-DD" in the plan's time zone.

// A store the planner could visit, as the planner was told: one row per visit of the problem
// (a store may have several when its frequency allows more than one visit in the period).
struct PlanCandidate {
  std::optional<int> visit_index;  // index in the planning problem; nullopt: left out before
  Id store_id = 0;
  VisitType type = VisitType::quick;
  PlanVisitKind kind = PlanVisitKind::optional;
  std::int64_t duration_seconds = 0;
  MicroEuros prize = 0;
  std::string why;                // "overdue by 12 days; high potential"
  int first_day = 0;              // earliest day index of the period it may be planned on
  int group = -1;                 // frequency group shared by copies of one store (-1: none)
  int group_gap_days = 0;         // copies of a group are at least this many days apart
  std::optional<int> locked_day;  // planned on this day index or not at all
  std::optional<Id> appointment_visit_id;  // an existing planned visit kept at its time
  std::optional<UnixSeconds> appointment_at;
  std::optional<std::string> unplanned_reason;  // set when the candidate is not in the plan
  bool operator==(const PlanCandidate&) const = default;
};

struct PlanStop {
  std::string date;
  int position = 0;         // 0-based order within the day
  int candidate = 0;        // index into Plan::candidates
  Id store_id = 0;
  VisitType type = VisitType::quick;
  PlanVisitKind kind = PlanVisitKind::optional;
  UnixSeconds arrival_at = 0;
  UnixSeconds start_at = 0;
  UnixSeconds end_at = 0;
  bool locked = false;
  bool done = false;               // reported done in the field (kept by re-planning)
  std::optional<Id> visit_id;      // the planned Visit made when the plan was published
  bool operator==(const PlanStop&) const = default;
};

// One day-route: leaves from home or last night's hotel, comes back home or to tonight's hotel.
struct PlanDay {
  std::string date;
  UnixSeconds depart_at = 0;
  UnixSeconds back_at = 0;
  std::optional<Id> start_store_id;  // nullopt: home; else a hotel next to this store
  std::optional<Id> end_store_id;    // nullopt: home; else a hotel next to this store
  bool has_lunch = false;
  int lunch_after = 0;               // lunch after this many stops
  UnixSeconds lunch_start_at = 0;
  UnixSeconds lunch_end_at = 0;
  Metres distance_m = 0;
  std::int64_t drive_seconds = 0;
  std::int64_t work_seconds = 0;
  bool operator==(const PlanDay&) const = default;
};

// The parameters the problem was built with (costs in micro-euros).
struct PlanParams {
  std::string timezone = "Europe/Paris";
  MicroEuros per_metre = 0;
  MicroEuros per_second = 0;
  MicroEuros hotel_per_night = 0;
  MicroEuros mix_penalty = 0;
  Metres hotel_min_distance_m = 0;
  double time_limit_seconds = 0;
  std::int64_t max_iterations = 0;
  bool operator==(const PlanParams&) const = default;
};

struct PlanObjective {
  int mandatory_planned = 0;
  int mandatory_total = 0;
  int visits = 0;
  int nights_away = 0;
  MicroEuros prizes = 0;
  MicroEuros travel_cost = 0;
  MicroEuros hotel_cost = 0;
  MicroEuros penalties = 0;
  MicroEuros value = 0;
  Metres distance_m = 0;
  std::int64_t drive_seconds = 0;
  bool operator==(const PlanObjective&) const = default;
};

struct Plan {
  RecordMeta meta;
  Id rep_id = 0;
  std::string start_date;
  int days = 1;
  PlanStatus status = PlanStatus::draft;
  std::int64_t seed = 1;
  PlanParams params;
  PlanObjective objective;
  std::optional<UnixSeconds> published_at;
  // Loaded by Tx::plan, left empty by Tx::plans (lists).
  std::vector<PlanDay> routes;
  std::vector<PlanStop> stops;  // by date, then position
  std::vector<PlanCandidate> candidates;
};

// A saved targeting expression (SPEC §2; docs/TARGETING.md) and its current members. A
// dynamic segment is refreshed when the data its expression reads changes and on a schedule; a
// static one keeps the members of its last explicit refresh.
struct Segment {
  RecordMeta meta;
  std::string name;
  std::string description;
  std::string expression;
  bool dynamic = true;
  std::int64_t member_count = 0;
  std::optional<UnixSeconds> refreshed_at;
  Seq refreshed_seq = 0;  // the change sequence the members reflect
  std::optional<Id> created_by;
};

// A store that joined (joined = true) or left a segment, and when.
struct SegmentEvent {
  Id id = 0;
  Id segment_id = 0;
  Id store_id = 0;
  bool joined = true;
  UnixSeconds at = 0;
};

struct SegmentMember {
  Id store_id = 0;
  UnixSeconds since = 0;
};

enum class CampaignStatus { draft, active, ended };
std::string_view to_string(CampaignStatus v);
std::optional<CampaignStatus> parse_campaign_status(std::string_view s);

// A campaign (SPEC §2): an objective on a KPI over a segment (e.g. DN of range R from 40 % to
// 70 % by a date), a guided visit template, and a control group of member stores held back
// from the campaign (chosen by a hash of the seed and the store id, so it is stable as members
// come and go) so that its effect is measured against them.
struct Campaign {
  RecordMeta meta;
  std::string name;
  std::string description;
  Id segment_id = 0;
  std::string kpi;                   // a target::Kpi name: "dn", "dv", "coverage", …
  std::optional<std::string> range;  // the product range the KPI reads
  std::optional<Id> product_id;      // or one product
  std::optional<double> baseline;    // the KPI at the start (measured at creation when absent)
  double goal = 0;                   // the KPI to reach by end_date (same unit as the KPI)
  std::string start_date;            // YYYY-MM-DD
  std::string end_date;
  MicroEuros visit_value = 0;        // what a visit of a member store due one is worth to the plan
  double control_share = 0;          // share of members held back, 0 … 0.5
  std::int64_t seed = 1;
  std::string visit_template;        // JSON: {"audits": […], "fields": […], "actions": […]}
  CampaignStatus status = CampaignStatus::draft;
};

}  // namespace boucle::core
