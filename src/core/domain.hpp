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

std::string_view to_string(Role v);
std::string_view to_string(Channel v);
std::string_view to_string(VisitType v);
std::string_view to_string(VisitStatus v);
std::string_view to_string(OrderStatus v);
std::optional<Role> parse_role(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);
std::optional<VisitType> parse_visit_type(std::string_view s);
std::optional<VisitStatus> parse_visit_status(std::string_view s);
std::optional<OrderStatus> parse_order_status(std::string_view s);

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
  std::string sha256;
  std::string content_type;
  std::int64_t size_bytes = 0;
  Id store_id = 0;
  std::optional<Id> visit_id;
  Id rep_id = 0;
  std::string filename;
};

struct Session {
  std::string token_hash;
  Id user_id = 0;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
  bool revoked = false;
};

}  // namespace boucle::core
