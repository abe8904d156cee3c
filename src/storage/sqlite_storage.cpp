#include "storage/sqlite_storage.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <unordered_map>

#include "core/assert.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "storage/migrations.hpp"

namespace boucle::storage {

using core::ErrorCode;

namespace {

// A connection with a cache of prepared statements keyed by the SQL literal's address.
class Connection {
 public:
  Connection(const std::string& path, const SqliteOptions& options)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
            options.busy_timeout_ms) {
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec(options.durability == Durability::full ? "PRAGMA synchronous = FULL"
                                                    : "PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA temp_store = MEMORY");
    db_.exec("PRAGMA cache_size = -16000");
  }

  SQLite::Database& db() { return db_; }

  // Transaction control through cached statements (no re-parsing per request).
  void run(const char* sql) {
    auto& q = stmt(sql);
    q.reset();
    q.exec();
  }

  SQLite::Statement& stmt(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
    }
    return *it->second;
  }

 private:
  SQLite::Database db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> cache_;
};

// Borrows a cached statement and leaves it reset, so no statement outlives its use.
class Query {
 public:
  Query(Connection& c, const char* sql) : q_(c.stmt(sql)) {
    q_.reset();
    q_.clearBindings();
  }
  ~Query() {
    try {
      q_.reset();
    } catch (...) {
    }
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int i, std::int64_t v) { return q_.bind(i, static_cast<int64_t>(v)), *this; }
  Query& bind(int i, int v) { return q_.bind(i, v), *this; }
  Query& bind(int i, bool v) { return q_.bind(i, v ? 1 : 0), *this; }
  Query& bind(int i, double v) { return q_.bind(i, v), *this; }
  Query& bind(int i, std::string_view v) { return q_.bind(i, std::string(v)), *this; }
  Query& bind(int i, const std::string& v) { return q_.bind(i, v), *this; }
  Query& bind(int i, const char* v) { return q_.bind(i, std::string(v)), *this; }
  Query& bind_null(int i) { return q_.bind(i), *this; }
  Query& bind_blob(int i, std::string_view v) {
    return q_.bind(i, v.data(), static_cast<int>(v.size())), *this;
  }
  template <typename T>
  Query& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  bool step() { return q_.executeStep(); }
  int exec() { return q_.exec(); }

  std::int64_t i64(int c) { return q_.getColumn(c).getInt64(); }
  int i32(int c) { return q_.getColumn(c).getInt(); }
  bool boolean(int c) { return q_.getColumn(c).getInt() != 0; }
  double f64(int c) { return q_.getColumn(c).getDouble(); }
  std::string str(int c) { return q_.getColumn(c).getString(); }
  bool null(int c) { return q_.getColumn(c).isNull(); }
  std::optional<std::int64_t> opt_i64(int c) {
    return null(c) ? std::nullopt : std::optional<std::int64_t>(i64(c));
  }
  std::optional<double> opt_f64(int c) {
    return null(c) ? std::nullopt : std::optional<double>(f64(c));
  }
  std::optional<std::string> opt_str(int c) {
    return null(c) ? std::nullopt : std::optional<std::string>(str(c));
  }
  std::string bytes(int c) {
    auto col = q_.getColumn(c);
    return std::string(static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes()));
  }

 private:
  SQLite::Statement& q_;
};

core::WeeklyHours hours_from_text(const std::string& text) {
  std::vector<core::FieldError> errors;
  const boost::json::value parsed = boost::json::parse(text);
  auto hours = core::weekly_hours_from_json(parsed, "hours", errors);
  BOUCLE_ASSERT(hours.has_value(), "stored hours were validated before being written");
  return hours.value_or(core::WeeklyHours{});
}

std::string hours_to_text(const core::WeeklyHours& h) {
  return boost::json::serialize(core::weekly_hours_to_json(h));
}

std::vector<std::string> tags_from_text(const std::string& text) {
  std::vector<std::string> out;
  const boost::json::value parsed = boost::json::parse(text);
  for (const auto& v : parsed.as_array()) {
    out.emplace_back(v.as_string());
  }
  return out;
}

// Reads the RecordMeta columns "version, seq, deleted, created_at, updated_at" from `first`.
core::RecordMeta meta_at(Query& q, core::Id id, int first) {
  return core::RecordMeta{id, q.i64(first), q.i64(first + 1), q.boolean(first + 2),
                          q.i64(first + 3), q.i64(first + 4)};
}

std::optional<core::GeoPoint> point(Query& q, int lat_col) {
  if (q.null(lat_col) || q.null(lat_col + 1)) return std::nullopt;
  return core::GeoPoint{q.f64(lat_col), q.f64(lat_col + 1)};
}

template <typename T, typename Read>
PageResult<T> page_of(Query& q, const Page& page, Read read_row) {
  PageResult<T> out;
  while (q.step()) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next_after = out.items.back().meta.id;
      break;
    }
    out.items.push_back(read_row(q));
  }
  return out;
}

std::optional<std::int64_t> scope_rep(const Scope& s) { return s.rep_id; }

constexpr const char* USER_COLS =
    "id, email, name, role, password_hash, home_lat, home_lon, working_hours, lunch_start, "
    "lunch_end, lunch_minutes, overnight_allowed, max_daily_driving, active, version, seq, "
    "deleted, created_at, updated_at";

core::User read_user(Query& q) {
  core::User u;
  u.email = q.str(1);
  u.name = q.str(2);
  u.role = core::parse_role(q.str(3)).value_or(core::Role::rep);
  u.password_hash = q.str(4);
  u.home = point(q, 5);
  u.working_hours = hours_from_text(q.str(7));
  u.lunch_start = q.i32(8);
  u.lunch_end = q.i32(9);
  u.lunch_minutes = q.i32(10);
  u.overnight_allowed = q.boolean(11);
  u.max_daily_driving = q.i32(12);
  u.active = q.boolean(13);
  u.meta = meta_at(q, q.i64(0), 14);
  return u;
}

core::Store read_store(Query& q) {
  core::Store s;
  s.code = q.str(1);
  s.name = q.str(2);
  s.banner = q.str(3);
  s.channel = core::parse_channel(q.str(4)).value_or(core::Channel::other);
  s.address = q.str(5);
  s.postcode = q.str(6);
  s.city = q.str(7);
  s.location = {q.f64(8), q.f64(9)};
  s.timezone = q.str(10);
  s.opening_hours = hours_from_text(q.str(11));
  s.potential = q.f64(12);
  s.size_sqm = q.i32(13);
  s.assigned_rep_id = q.opt_i64(14);
  s.visit_frequency_days = q.i32(15);
  s.tags = tags_from_text(q.str(16));
  s.meta = meta_at(q, q.i64(0), 17);
  return s;
}

core::Product read_product(Query& q) {
  core::Product p;
  p.sku = q.str(1);
  p.ean = q.str(2);
  p.name = q.str(3);
  p.brand = q.str(4);
  p.range = q.str(5);
  p.price = q.i64(6);
  p.launched_on = q.opt_str(7);
  p.active = q.boolean(8);
  p.meta = meta_at(q, q.i64(0), 9);
  return p;
}

core::AssortmentRule read_rule(Query& q) {
  core::AssortmentRule r;
  r.channel = core::parse_channel(q.str(1)).value_or(core::Channel::other);
  r.product_id = q.i64(2);
  r.meta = meta_at(q, q.i64(0), 3);
  return r;
}

core::Visit read_visit(Query& q) {
  core::Visit v;
  v.client_id = q.opt_str(1);
  v.store_id = q.i64(2);
  v.rep_id = q.i64(3);
  v.type = core::parse_visit_type(q.str(4)).value_or(core::VisitType::quick);
  v.status = core::parse_visit_status(q.str(5)).value_or(core::VisitStatus::planned);
  v.planned_at = q.opt_i64(6);
  v.checkin_at = q.opt_i64(7);
  v.checkin_position = point(q, 8);
  v.checkin_distance = q.opt_f64(10);
  v.checkin_far = q.boolean(11);
  v.checkin_reason = q.str(12);
  v.checkout_at = q.opt_i64(13);
  v.checkout_position = point(q, 14);
  v.report = q.str(16);
  v.next_steps = q.str(17);
  v.meta = meta_at(q, q.i64(0), 18);
  return v;
}

core::Audit read_audit(Query& q) {
  core::Audit a;
  a.client_id = q.opt_str(1);
  a.visit_id = q.i64(2);
  a.store_id = q.i64(3);
  a.rep_id = q.i64(4);
  a.product_id = q.i64(5);
  a.present = q.boolean(6);
  a.facings = q.i32(7);
  a.shelf_price = q.opt_i64(8);
  a.out_of_stock = q.boolean(9);
  a.promo = q.boolean(10);
  a.meta = meta_at(q, q.i64(0), 11);
  return a;
}

core::Order read_order(Query& q) {
  core::Order o;
  o.client_id = q.opt_str(1);
  o.visit_id = q.opt_i64(2);
  o.store_id = q.i64(3);
  o.rep_id = q.i64(4);
  o.status = core::parse_order_status(q.str(5)).value_or(core::OrderStatus::draft);
  o.meta = meta_at(q, q.i64(0), 7);
  return o;
}

core::SalesFact read_sales(Query& q) {
  return core::SalesFact{q.i64(0), q.i64(1), q.i64(2), q.str(3), q.i64(4), q.i64(5), q.i64(6)};
}

core::Attachment read_attachment(Query& q) {
  core::Attachment a;
  a.sha256 = q.str(1);
  a.content_type = q.str(2);
  a.size_bytes = q.i64(3);
  a.store_id = q.i64(4);
  a.visit_id = q.opt_i64(5);
  a.rep_id = q.i64(6);
  a.filename = q.str(7);
  a.meta = meta_at(q, q.i64(0), 8);
  a.client_id = q.opt_str(13);
  return a;
}

// Columns: id, client_id, store_id, author_id, text, META_COLS.
core::Note read_note(Query& q) {
  core::Note n;
  n.client_id = q.str(1);
  n.store_id = q.i64(2);
  n.author_id = q.i64(3);
  n.text = q.str(4);
  n.meta = meta_at(q, q.i64(0), 5);
  return n;
}

// Columns: id, client_id, store_id, author_id, title, done, due_date, META_COLS.
core::Task read_task(Query& q) {
  core::Task t;
  t.client_id = q.str(1);
  t.store_id = q.i64(2);
  t.author_id = q.i64(3);
  t.title = q.str(4);
  t.done = q.boolean(5);
  t.due_date = q.opt_str(6);
  t.meta = meta_at(q, q.i64(0), 7);
  return t;
}

// Columns: id, store_id, field, base_value, client_value, server_value, user_id, status,
// resolution, resolved_by, META_COLS.
core::Conflict read_conflict(Query& q) {
  core::Conflict c;
  c.store_id = q.i64(1);
  c.field = q.str(2);
  c.base_value = q.str(3);
  c.client_value = q.str(4);
  c.server_value = q.str(5);
  c.user_id = q.i64(6);
  c.status = q.str(7) == "open" ? core::ConflictStatus::open : core::ConflictStatus::resolved;
  c.resolution = q.str(8);
  c.resolved_by = q.opt_i64(9);
  c.meta = meta_at(q, q.i64(0), 10);
  return c;
}

std::optional<int> opt_int(Query& q, int c) {
  return q.null(c) ? std::nullopt : std::optional<int>(q.i32(c));
}

#define PLAN_COLS                                                                               \
  "id, rep_id, start_date, days, status, seed, timezone, per_metre, per_second, "              \
  "hotel_per_night, mix_penalty, hotel_min_distance_m, time_limit_seconds, max_iterations, "   \
  "mandatory_planned, mandatory_total, visit_count, nights_away, prizes, travel_cost, "        \
  "hotel_cost, penalties, value, distance_m, drive_seconds, published_at, "                    \
  "version, seq, deleted, created_at, updated_at"
#define CANDIDATE_COLS                                                                          \
  "visit_index, store_id, type, kind, duration_seconds, prize, why, first_day, grp, "          \
  "group_gap_days, locked_day, appointment_visit_id, appointment_at, unplanned_reason"
#define DAY_COLS                                                                                \
  "date, depart_at, back_at, start_store_id, end_store_id, has_lunch, lunch_after, "           \
  "lunch_start_at, lunch_end_at, distance_m, drive_seconds, work_seconds"
#define STOP_COLS                                                                               \
  "date, position, candidate, store_id, type, kind, arrival_at, start_at, end_at, locked, "    \
  "done, visit_id"

core::Plan read_plan(Query& q) {
  core::Plan p;
  p.rep_id = q.i64(1);
  p.start_date = q.str(2);
  p.days = q.i32(3);
  p.status = core::parse_plan_status(q.str(4)).value_or(core::PlanStatus::draft);
  p.seed = q.i64(5);
  p.params.timezone = q.str(6);
  p.params.per_metre = q.i64(7);
  p.params.per_second = q.i64(8);
  p.params.hotel_per_night = q.i64(9);
  p.params.mix_penalty = q.i64(10);
  p.params.hotel_min_distance_m = q.f64(11);
  p.params.time_limit_seconds = q.f64(12);
  p.params.max_iterations = q.i64(13);
  p.objective.mandatory_planned = q.i32(14);
  p.objective.mandatory_total = q.i32(15);
  p.objective.visits = q.i32(16);
  p.objective.nights_away = q.i32(17);
  p.objective.prizes = q.i64(18);
  p.objective.travel_cost = q.i64(19);
  p.objective.hotel_cost = q.i64(20);
  p.objective.penalties = q.i64(21);
  p.objective.value = q.i64(22);
  p.objective.distance_m = q.f64(23);
  p.objective.drive_seconds = q.i64(24);
  p.published_at = q.opt_i64(25);
  p.meta = meta_at(q, q.i64(0), 26);
  return p;
}

core::PlanCandidate read_candidate(Query& q) {
  core::PlanCandidate c;
  c.visit_index = opt_int(q, 0);
  c.store_id = q.i64(1);
  c.type = core::parse_visit_type(q.str(2)).value_or(core::VisitType::quick);
  c.kind = core::parse_plan_visit_kind(q.str(3)).value_or(core::PlanVisitKind::optional);
  c.duration_seconds = q.i64(4);
  c.prize = q.i64(5);
  c.why = q.str(6);
  c.first_day = q.i32(7);
  c.group = q.i32(8);
  c.group_gap_days = q.i32(9);
  c.locked_day = opt_int(q, 10);
  c.appointment_visit_id = q.opt_i64(11);
  c.appointment_at = q.opt_i64(12);
  c.unplanned_reason = q.opt_str(13);
  return c;
}

core::PlanDay read_day(Query& q) {
  core::PlanDay d;
  d.date = q.str(0);
  d.depart_at = q.i64(1);
  d.back_at = q.i64(2);
  d.start_store_id = q.opt_i64(3);
  d.end_store_id = q.opt_i64(4);
  d.has_lunch = q.boolean(5);
  d.lunch_after = q.i32(6);
  d.lunch_start_at = q.i64(7);
  d.lunch_end_at = q.i64(8);
  d.distance_m = q.f64(9);
  d.drive_seconds = q.i64(10);
  d.work_seconds = q.i64(11);
  return d;
}

core::PlanStop read_stop(Query& q) {
  core::PlanStop st;
  st.date = q.str(0);
  st.position = q.i32(1);
  st.candidate = q.i32(2);
  st.store_id = q.i64(3);
  st.type = core::parse_visit_type(q.str(4)).value_or(core::VisitType::quick);
  st.kind = core::parse_plan_visit_kind(q.str(5)).value_or(core::PlanVisitKind::optional);
  st.arrival_at = q.i64(6);
  st.start_at = q.i64(7);
  st.end_at = q.i64(8);
  st.locked = q.boolean(9);
  st.done = q.boolean(10);
  st.visit_id = q.opt_i64(11);
  return st;
}

#define META_COLS "version, seq, deleted, created_at, updated_at"
#define IN_TERRITORY "(?9 IS NULL OR store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?9))"

#define SEGMENT_SELECT                                                                      \
  "SELECT id, name, description, expression, dynamic, member_count, refreshed_at, "        \
  "refreshed_seq, created_by, " META_COLS " FROM segments"

core::Segment read_segment(Query& q) {
  core::Segment g;
  g.name = q.str(1);
  g.description = q.str(2);
  g.expression = q.str(3);
  g.dynamic = q.boolean(4);
  g.member_count = q.i64(5);
  g.refreshed_at = q.opt_i64(6);
  g.refreshed_seq = q.i64(7);
  g.created_by = q.opt_i64(8);
  g.meta = meta_at(q, q.i64(0), 9);
  return g;
}

#define CAMPAIGN_SELECT                                                                      \
  "SELECT id, name, description, segment_id, kpi, range, product_id, baseline, goal, "      \
  "start_date, end_date, visit_value, control_share, seed, visit_template, status, " META_COLS \
  " FROM campaigns"

core::Campaign read_campaign(Query& q) {
  core::Campaign c;
  c.name = q.str(1);
  c.description = q.str(2);
  c.segment_id = q.i64(3);
  c.kpi = q.str(4);
  c.range = q.opt_str(5);
  c.product_id = q.opt_i64(6);
  c.baseline = q.opt_f64(7);
  c.goal = q.f64(8);
  c.start_date = q.str(9);
  c.end_date = q.str(10);
  c.visit_value = q.i64(11);
  c.control_share = q.f64(12);
  c.seed = q.i64(13);
  c.visit_template = q.str(14);
  c.status = core::parse_campaign_status(q.str(15)).value_or(core::CampaignStatus::draft);
  c.meta = meta_at(q, q.i64(0), 16);
  return c;
}

core::Error storage_error(const SQLite::Exception& e);

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c) : c_(c) {}

  Seq last_seq() override {
    if (seq_) return *seq_;
    Query q(c_, "SELECT value FROM seq_counter WHERE id = 1");
    q.step();
    return q.i64(0);
  }

  // The change sequence is counted in memory during a write transaction and written back once,
  // before the commit (run_batch): one statement per transaction instead of one per record.
  // Values handed out inside a savepoint that is rolled back leave a gap, never a duplicate.
  void flush_seq() {
    if (!seq_ || *seq_ == loaded_seq_) return;
    Query q(c_, "UPDATE seq_counter SET value = ?1 WHERE id = 1");
    q.bind(1, *seq_);
    q.exec();
    loaded_seq_ = *seq_;
  }

  // Users ------------------------------------------------------------------------------------
  std::optional<core::User> user(Id id) override {
    Query q(c_,
            "SELECT id, email, name, role, password_hash, home_lat, home_lon, working_hours, "
            "lunch_start, lunch_end, lunch_minutes, overnight_allowed, max_daily_driving, active, "
            META_COLS " FROM users WHERE id = ?1 AND deleted = 0");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_user(q);
  }

  std::optional<core::User> user_by_email(std::string_view email) override {
    Query q(c_,
            "SELECT id, email, name, role, password_hash, home_lat, home_lon, working_hours, "
            "lunch_start, lunch_end, lunch_minutes, overnight_allowed, max_daily_driving, active, "
            META_COLS " FROM users WHERE email = ?1");
    q.bind(1, email);
    if (!q.step()) return std::nullopt;
    return read_user(q);
  }

  PageResult<core::User> users(const Page& page) override {
    Query q(c_,
            "SELECT id, email, name, role, password_hash, home_lat, home_lon, working_hours, "
            "lunch_start, lunch_end, lunch_minutes, overnight_allowed, max_daily_driving, active, "
            META_COLS " FROM users WHERE id > ?1 AND deleted = 0 ORDER BY id LIMIT ?2");
    q.bind(1, page.after).bind(2, page.limit + 1);
    return page_of<core::User>(q, page, read_user);
  }

  void insert_user(core::User& u) override {
    stamp_new(u.meta);
    Query q(c_,
            "INSERT INTO users (email, name, role, password_hash, home_lat, home_lon, "
            "working_hours, lunch_start, lunch_end, lunch_minutes, overnight_allowed, "
            "max_daily_driving, active, " META_COLS
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0, ?16, "
            "?16)");
    bind_user(q, u);
    q.exec();
    u.meta.id = c_.db().getLastInsertRowid();
  }

  void update_user(core::User& u) override {
    stamp_update(u.meta);
    Query q(c_,
            "UPDATE users SET email = ?1, name = ?2, role = ?3, password_hash = ?4, home_lat = ?5, "
            "home_lon = ?6, working_hours = ?7, lunch_start = ?8, lunch_end = ?9, "
            "lunch_minutes = ?10, overnight_allowed = ?11, max_daily_driving = ?12, active = ?13, "
            "version = ?14, seq = ?15, updated_at = ?16 WHERE id = ?17 AND deleted = 0");
    bind_user(q, u);
    q.bind(17, u.meta.id);
    expect_one(q.exec());
  }

  // Stores -----------------------------------------------------------------------------------
  std::optional<core::Store> store(Id id, const Scope& scope) override {
    Query q(c_,
            "SELECT id, code, name, banner, channel, address, postcode, city, lat, lon, timezone, "
            "opening_hours, potential, size_sqm, assigned_rep_id, visit_frequency_days, tags, "
            META_COLS
            " FROM stores WHERE id = ?1 AND deleted = 0 AND (?2 IS NULL OR assigned_rep_id = ?2)");
    q.bind(1, id).bind(2, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_store(q);
  }

  std::optional<core::Store> store_by_code(std::string_view code) override {
    Query q(c_,
            "SELECT id, code, name, banner, channel, address, postcode, city, lat, lon, timezone, "
            "opening_hours, potential, size_sqm, assigned_rep_id, visit_frequency_days, tags, "
            META_COLS " FROM stores WHERE code = ?1");
    q.bind(1, code);
    if (!q.step()) return std::nullopt;
    return read_store(q);
  }

  PageResult<core::Store> stores(const StoreFilter& f, const Scope& scope,
                                 const Page& page) override {
    Query q(c_,
            "SELECT id, code, name, banner, channel, address, postcode, city, lat, lon, timezone, "
            "opening_hours, potential, size_sqm, assigned_rep_id, visit_frequency_days, tags, "
            META_COLS
            " FROM stores WHERE id > ?1 AND deleted = 0 AND (?2 IS NULL OR assigned_rep_id = ?2) "
            "AND (?3 IS NULL OR assigned_rep_id = ?3) AND (?4 IS NULL OR channel = ?4) "
            "ORDER BY id LIMIT ?5");
    q.bind(1, page.after).bind(2, scope_rep(scope)).bind(3, f.assigned_rep_id);
    if (f.channel) {
      q.bind(4, core::to_string(*f.channel));
    } else {
      q.bind_null(4);
    }
    q.bind(5, page.limit + 1);
    return page_of<core::Store>(q, page, read_store);
  }

  void insert_store(core::Store& s) override {
    stamp_new(s.meta);
    Query q(c_,
            "INSERT INTO stores (code, name, banner, channel, address, postcode, city, lat, lon, "
            "timezone, opening_hours, potential, size_sqm, assigned_rep_id, visit_frequency_days, "
            "tags, " META_COLS
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
            "?17, ?18, 0, ?19, ?19)");
    bind_store(q, s);
    q.exec();
    s.meta.id = c_.db().getLastInsertRowid();
  }

  void update_store(core::Store& s) override {
    // A store moving between territories moves both reps' epochs: their devices reload.
    {
      Query old(c_, "SELECT assigned_rep_id FROM stores WHERE id = ?1");
      old.bind(1, s.meta.id);
      if (old.step()) {
        auto before = old.opt_i64(0);
        if (before != s.assigned_rep_id) {
          Query bump(c_, "UPDATE users SET territory_epoch = territory_epoch + 1 "
                         "WHERE id = ?1 OR id = ?2");
          bump.bind(1, before).bind(2, s.assigned_rep_id).exec();
        }
      }
    }
    // A tombstoned store may be revived by an update (an import of its code again).
    stamp_update(s.meta);
    Query q(c_,
            "UPDATE stores SET code = ?1, name = ?2, banner = ?3, channel = ?4, address = ?5, "
            "postcode = ?6, city = ?7, lat = ?8, lon = ?9, timezone = ?10, opening_hours = ?11, "
            "potential = ?12, size_sqm = ?13, assigned_rep_id = ?14, visit_frequency_days = ?15, "
            "tags = ?16, version = ?17, seq = ?18, updated_at = ?19, deleted = 0 WHERE id = ?20");
    bind_store(q, s);
    q.bind(20, s.meta.id);
    expect_one(q.exec());
    s.meta.deleted = false;
  }

  // Products ---------------------------------------------------------------------------------
  std::optional<core::Product> product(Id id) override {
    Query q(c_, "SELECT id, sku, ean, name, brand, range, price, launched_on, active, " META_COLS
                " FROM products WHERE id = ?1 AND deleted = 0");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_product(q);
  }

  std::optional<core::Product> product_by_sku(std::string_view sku) override {
    Query q(c_, "SELECT id, sku, ean, name, brand, range, price, launched_on, active, " META_COLS
                " FROM products WHERE sku = ?1");
    q.bind(1, sku);
    if (!q.step()) return std::nullopt;
    return read_product(q);
  }

  PageResult<core::Product> products(const Page& page) override {
    Query q(c_, "SELECT id, sku, ean, name, brand, range, price, launched_on, active, " META_COLS
                " FROM products WHERE id > ?1 AND deleted = 0 ORDER BY id LIMIT ?2");
    q.bind(1, page.after).bind(2, page.limit + 1);
    return page_of<core::Product>(q, page, read_product);
  }

  void insert_product(core::Product& p) override {
    stamp_new(p.meta);
    Query q(c_, "INSERT INTO products (sku, ean, name, brand, range, price, launched_on, active, "
                META_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)");
    bind_product(q, p);
    q.exec();
    p.meta.id = c_.db().getLastInsertRowid();
  }

  void update_product(core::Product& p) override {
    stamp_update(p.meta);
    Query q(c_,
            "UPDATE products SET sku = ?1, ean = ?2, name = ?3, brand = ?4, range = ?5, "
            "price = ?6, launched_on = ?7, active = ?8, version = ?9, seq = ?10, "
            "updated_at = ?11, deleted = 0 WHERE id = ?12");
    bind_product(q, p);
    q.bind(12, p.meta.id);
    expect_one(q.exec());
    p.meta.deleted = false;
  }

  // Assortment rules -------------------------------------------------------------------------
  std::optional<core::AssortmentRule> assortment_rule(Id id) override {
    Query q(c_, "SELECT id, channel, product_id, " META_COLS
                " FROM assortment_rules WHERE id = ?1 AND deleted = 0");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_rule(q);
  }

  PageResult<core::AssortmentRule> assortment_rules(std::optional<core::Channel> channel,
                                                    const Page& page) override {
    Query q(c_, "SELECT id, channel, product_id, " META_COLS
                " FROM assortment_rules WHERE id > ?1 AND deleted = 0 "
                "AND (?2 IS NULL OR channel = ?2) ORDER BY id LIMIT ?3");
    q.bind(1, page.after);
    if (channel) {
      q.bind(2, core::to_string(*channel));
    } else {
      q.bind_null(2);
    }
    q.bind(3, page.limit + 1);
    return page_of<core::AssortmentRule>(q, page, read_rule);
  }

  void insert_assortment_rule(core::AssortmentRule& r) override {
    stamp_new(r.meta);
    // (channel, product) is unique: re-adding a deleted rule revives its row.
    Query q(c_,
            "INSERT INTO assortment_rules (channel, product_id, " META_COLS
            ") VALUES (?1, ?2, ?3, ?4, 0, ?5, ?5) ON CONFLICT (channel, product_id) DO UPDATE "
            "SET deleted = 0, version = version + 1, seq = excluded.seq, "
            "updated_at = excluded.updated_at RETURNING id, version");
    q.bind(1, core::to_string(r.channel)).bind(2, r.product_id).bind(3, r.meta.version);
    q.bind(4, r.meta.seq).bind(5, r.meta.updated_at);
    q.step();
    r.meta.id = q.i64(0);
    r.meta.version = q.i64(1);
  }

  // Visits -----------------------------------------------------------------------------------
  std::optional<core::Visit> visit(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, client_id, store_id, rep_id, type, status, planned_at, checkin_at, "
                "checkin_lat, checkin_lon, checkin_distance_m, checkin_far, checkin_reason, "
                "checkout_at, checkout_lat, checkout_lon, report, next_steps, " META_COLS
                " FROM visits WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_visit(q);
  }

  std::optional<core::Visit> visit_by_client_id(std::string_view client_id) override {
    Query q(c_, "SELECT id, client_id, store_id, rep_id, type, status, planned_at, checkin_at, "
                "checkin_lat, checkin_lon, checkin_distance_m, checkin_far, checkin_reason, "
                "checkout_at, checkout_lat, checkout_lon, report, next_steps, " META_COLS
                " FROM visits WHERE client_id = ?1");
    q.bind(1, client_id);
    if (!q.step()) return std::nullopt;
    return read_visit(q);
  }

  PageResult<core::Visit> visits(const VisitFilter& f, const Scope& scope,
                                 const Page& page) override {
    Query q(c_, "SELECT id, client_id, store_id, rep_id, type, status, planned_at, checkin_at, "
                "checkin_lat, checkin_lon, checkin_distance_m, checkin_far, checkin_reason, "
                "checkout_at, checkout_lat, checkout_lon, report, next_steps, " META_COLS
                " FROM visits WHERE id > ?1 AND deleted = 0 AND (?2 IS NULL OR store_id = ?2) "
                "AND (?3 IS NULL OR rep_id = ?3) AND (?4 IS NULL OR status = ?4) AND " IN_TERRITORY
                " ORDER BY id LIMIT ?5");
    q.bind(1, page.after).bind(2, f.store_id).bind(3, f.rep_id).bind(9, scope_rep(scope));
    if (f.status) {
      q.bind(4, core::to_string(*f.status));
    } else {
      q.bind_null(4);
    }
    q.bind(5, page.limit + 1);
    return page_of<core::Visit>(q, page, read_visit);
  }

  void insert_visit(core::Visit& v) override {
    stamp_new(v.meta);
    Query q(c_, "INSERT INTO visits (client_id, store_id, rep_id, type, status, planned_at, "
                "checkin_at, checkin_lat, checkin_lon, checkin_distance_m, checkin_far, "
                "checkin_reason, checkout_at, checkout_lat, checkout_lon, report, next_steps, "
                META_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                "?15, ?16, ?17, ?18, ?19, 0, ?20, ?20)");
    bind_visit(q, v);
    q.exec();
    v.meta.id = c_.db().getLastInsertRowid();
  }

  void update_visit(core::Visit& v) override {
    stamp_update(v.meta);
    Query q(c_, "UPDATE visits SET client_id = ?1, store_id = ?2, rep_id = ?3, type = ?4, "
                "status = ?5, planned_at = ?6, checkin_at = ?7, checkin_lat = ?8, "
                "checkin_lon = ?9, checkin_distance_m = ?10, checkin_far = ?11, "
                "checkin_reason = ?12, checkout_at = ?13, checkout_lat = ?14, checkout_lon = ?15, "
                "report = ?16, next_steps = ?17, version = ?18, seq = ?19, updated_at = ?20 "
                "WHERE id = ?21 AND deleted = 0");
    bind_visit(q, v);
    q.bind(21, v.meta.id);
    expect_one(q.exec());
  }

  // Audits -----------------------------------------------------------------------------------
  std::optional<core::Audit> audit(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, product_id, present, facings, "
                "shelf_price, out_of_stock, promo, " META_COLS
                " FROM audits WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_audit(q);
  }

  std::optional<core::Audit> audit_by_client_id(std::string_view client_id) override {
    Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, product_id, present, facings, "
                "shelf_price, out_of_stock, promo, " META_COLS
                " FROM audits WHERE client_id = ?1");
    q.bind(1, client_id);
    if (!q.step()) return std::nullopt;
    return read_audit(q);
  }

  std::optional<core::Audit> audit_of(Id visit_id, Id product_id) override {
    Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, product_id, present, facings, "
                "shelf_price, out_of_stock, promo, " META_COLS
                " FROM audits WHERE visit_id = ?1 AND product_id = ?2");
    q.bind(1, visit_id).bind(2, product_id);
    if (!q.step()) return std::nullopt;
    return read_audit(q);
  }

  PageResult<core::Audit> audits(const AuditFilter& f, const Scope& scope,
                                 const Page& page) override {
    Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, product_id, present, facings, "
                "shelf_price, out_of_stock, promo, " META_COLS
                " FROM audits WHERE id > ?1 AND deleted = 0 AND (?2 IS NULL OR visit_id = ?2) "
                "AND (?3 IS NULL OR store_id = ?3) AND " IN_TERRITORY " ORDER BY id LIMIT ?4");
    q.bind(1, page.after).bind(2, f.visit_id).bind(3, f.store_id).bind(9, scope_rep(scope));
    q.bind(4, page.limit + 1);
    return page_of<core::Audit>(q, page, read_audit);
  }

  void insert_audit(core::Audit& a) override {
    stamp_new(a.meta);
    Query q(c_, "INSERT INTO audits (client_id, visit_id, store_id, rep_id, product_id, present, "
                "facings, shelf_price, out_of_stock, promo, " META_COLS
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13, ?13)");
    bind_audit(q, a);
    q.exec();
    a.meta.id = c_.db().getLastInsertRowid();
  }

  void update_audit(core::Audit& a) override {
    stamp_update(a.meta);
    Query q(c_, "UPDATE audits SET client_id = ?1, visit_id = ?2, store_id = ?3, rep_id = ?4, "
                "product_id = ?5, present = ?6, facings = ?7, shelf_price = ?8, "
                "out_of_stock = ?9, promo = ?10, version = ?11, seq = ?12, updated_at = ?13, "
                "deleted = 0 WHERE id = ?14");
    bind_audit(q, a);
    q.bind(14, a.meta.id);
    expect_one(q.exec());
    a.meta.deleted = false;
  }

  // Orders -----------------------------------------------------------------------------------
  std::optional<core::Order> order(Id id, const Scope& scope) override {
    std::optional<core::Order> o;
    {
      Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, status, total, " META_COLS
                  " FROM orders WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
      q.bind(1, id).bind(9, scope_rep(scope));
      if (!q.step()) return std::nullopt;
      o = read_order(q);
    }
    load_lines(*o);
    return o;
  }

  std::optional<core::Order> order_by_client_id(std::string_view client_id) override {
    std::optional<core::Order> o;
    {
      Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, status, total, " META_COLS
                  " FROM orders WHERE client_id = ?1");
      q.bind(1, client_id);
      if (!q.step()) return std::nullopt;
      o = read_order(q);
    }
    load_lines(*o);
    return o;
  }

  PageResult<core::Order> orders(const OrderFilter& f, const Scope& scope,
                                 const Page& page) override {
    PageResult<core::Order> out;
    {
      Query q(c_, "SELECT id, client_id, visit_id, store_id, rep_id, status, total, " META_COLS
                  " FROM orders WHERE id > ?1 AND deleted = 0 AND (?2 IS NULL OR visit_id = ?2) "
                  "AND (?3 IS NULL OR store_id = ?3) AND " IN_TERRITORY " ORDER BY id LIMIT ?4");
      q.bind(1, page.after).bind(2, f.visit_id).bind(3, f.store_id).bind(9, scope_rep(scope));
      q.bind(4, page.limit + 1);
      out = page_of<core::Order>(q, page, read_order);
    }
    for (auto& o : out.items) load_lines(o);
    return out;
  }

  void insert_order(core::Order& o) override {
    stamp_new(o.meta);
    {
      Query q(c_, "INSERT INTO orders (client_id, visit_id, store_id, rep_id, status, total, "
                  META_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?9)");
      bind_order(q, o);
      q.exec();
    }
    o.meta.id = c_.db().getLastInsertRowid();
    save_lines(o);
  }

  void update_order(core::Order& o) override {
    stamp_update(o.meta);
    {
      Query q(c_, "UPDATE orders SET client_id = ?1, visit_id = ?2, store_id = ?3, rep_id = ?4, "
                  "status = ?5, total = ?6, version = ?7, seq = ?8, updated_at = ?9 "
                  "WHERE id = ?10 AND deleted = 0");
      bind_order(q, o);
      q.bind(10, o.meta.id);
      expect_one(q.exec());
    }
    {
      Query del(c_, "DELETE FROM order_lines WHERE order_id = ?1");
      del.bind(1, o.meta.id).exec();
    }
    save_lines(o);
  }

  // Sales ------------------------------------------------------------------------------------
  bool put_sales(core::SalesFact& f) override {
    f.seq = next_seq();
    {
      // New facts (the common case of a weekly import) take one statement.
      Query q(c_, "INSERT INTO sales (store_id, product_id, week, units, revenue, seq) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (store_id, product_id, week) "
                  "DO NOTHING RETURNING id");
      q.bind(1, f.store_id).bind(2, f.product_id).bind(3, f.week).bind(4, f.units);
      q.bind(5, f.revenue).bind(6, f.seq);
      if (q.step()) {
        f.id = q.i64(0);
        return true;
      }
    }
    Query q(c_, "UPDATE sales SET units = ?4, revenue = ?5, seq = ?6 "
                "WHERE store_id = ?1 AND product_id = ?2 AND week = ?3 RETURNING id");
    q.bind(1, f.store_id).bind(2, f.product_id).bind(3, f.week).bind(4, f.units);
    q.bind(5, f.revenue).bind(6, f.seq);
    q.step();
    f.id = q.i64(0);
    return false;
  }

  PageResult<core::SalesFact> sales(const SalesFilter& f, const Scope& scope,
                                    const Page& page) override {
    Query q(c_, "SELECT id, store_id, product_id, week, units, revenue, seq FROM sales "
                "WHERE id > ?1 AND (?2 IS NULL OR store_id = ?2) AND (?3 IS NULL OR "
                "product_id = ?3) AND " IN_TERRITORY " ORDER BY id LIMIT ?4");
    q.bind(1, page.after).bind(2, f.store_id).bind(3, f.product_id).bind(9, scope_rep(scope));
    q.bind(4, page.limit + 1);
    PageResult<core::SalesFact> out;
    while (q.step()) {
      if (static_cast<int>(out.items.size()) == page.limit) {
        out.next_after = out.items.back().id;
        break;
      }
      out.items.push_back(read_sales(q));
    }
    return out;
  }

  std::optional<core::SalesFact> sales_fact(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, store_id, product_id, week, units, revenue, seq FROM sales "
                "WHERE id = ?1 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_sales(q);
  }

  // Attachments ------------------------------------------------------------------------------
  std::optional<core::Attachment> attachment(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, sha256, content_type, size_bytes, store_id, visit_id, rep_id, "
                "filename, " META_COLS ", client_id"
                " FROM attachments WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_attachment(q);
  }

  PageResult<core::Attachment> attachments(const AttachmentFilter& f, const Scope& scope,
                                           const Page& page) override {
    Query q(c_, "SELECT id, sha256, content_type, size_bytes, store_id, visit_id, rep_id, "
                "filename, " META_COLS ", client_id FROM attachments WHERE id > ?1 AND deleted = 0 "
                "AND (?2 IS NULL OR visit_id = ?2) AND (?3 IS NULL OR store_id = ?3) AND "
                IN_TERRITORY " ORDER BY id LIMIT ?4");
    q.bind(1, page.after).bind(2, f.visit_id).bind(3, f.store_id).bind(9, scope_rep(scope));
    q.bind(4, page.limit + 1);
    return page_of<core::Attachment>(q, page, read_attachment);
  }

  std::optional<core::Attachment> attachment_by_client_id(std::string_view client_id) override {
    Query q(c_, "SELECT id, sha256, content_type, size_bytes, store_id, visit_id, rep_id, "
                "filename, " META_COLS ", client_id FROM attachments WHERE client_id = ?1");
    q.bind(1, client_id);
    if (!q.step()) return std::nullopt;
    return read_attachment(q);
  }

  void insert_attachment(core::Attachment& a) override {
    stamp_new(a.meta);
    Query q(c_, "INSERT INTO attachments (sha256, content_type, size_bytes, store_id, visit_id, "
                "rep_id, filename, " META_COLS
                ", client_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?10, ?11)");
    q.bind(1, a.sha256).bind(2, a.content_type).bind(3, a.size_bytes).bind(4, a.store_id);
    q.bind(5, a.visit_id).bind(6, a.rep_id).bind(7, a.filename).bind(8, a.meta.version);
    q.bind(9, a.meta.seq).bind(10, a.meta.created_at).bind(11, a.client_id);
    q.exec();
    a.meta.id = c_.db().getLastInsertRowid();
  }

  // A database refusal inside becomes the typed error it means (a constraint: 409, permanent;
  // busy: 503), so that a caller deciding between "reject" and "retry" can tell.
  void savepoint(const std::function<void()>& fn) override {
    c_.run("SAVEPOINT m");
    try {
      fn();
      c_.run("RELEASE m");
    } catch (const SQLite::Exception& e) {
      c_.run("ROLLBACK TO m");
      c_.run("RELEASE m");
      throw storage_error(e);
    } catch (...) {
      c_.run("ROLLBACK TO m");
      c_.run("RELEASE m");
      throw;
    }
  }

  // Sync -------------------------------------------------------------------------------------
  std::optional<Device> device(std::string_view device_id) override {
    Query q(c_, "SELECT device_id, user_id, last_applied FROM devices WHERE device_id = ?1");
    q.bind(1, device_id);
    if (!q.step()) return std::nullopt;
    return Device{q.str(0), q.i64(1), q.i64(2)};
  }

  void put_device(const Device& d) override {
    Query q(c_, "INSERT INTO devices (device_id, user_id, last_applied, created_at, seen_at) "
                "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (device_id) DO UPDATE SET "
                "last_applied = excluded.last_applied, seen_at = excluded.seen_at");
    q.bind(1, d.device_id).bind(2, d.user_id).bind(3, d.last_applied).bind(4, core::now_seconds());
    q.exec();
  }

  std::int64_t territory_epoch(Id user_id) override {
    Query q(c_, "SELECT territory_epoch FROM users WHERE id = ?1");
    q.bind(1, user_id);
    return q.step() ? q.i64(0) : 0;
  }

  std::optional<core::Note> note(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, client_id, store_id, author_id, text, " META_COLS
                " FROM notes WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_note(q);
  }

  std::optional<core::Note> note_by_client_id(std::string_view client_id) override {
    Query q(c_, "SELECT id, client_id, store_id, author_id, text, " META_COLS
                " FROM notes WHERE client_id = ?1");
    q.bind(1, client_id);
    if (!q.step()) return std::nullopt;
    return read_note(q);
  }

  void insert_note(core::Note& n) override {
    stamp_new(n.meta);
    Query q(c_, "INSERT INTO notes (client_id, store_id, author_id, text, " META_COLS
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7)");
    q.bind(1, n.client_id).bind(2, n.store_id).bind(3, n.author_id).bind(4, n.text);
    q.bind(5, n.meta.version).bind(6, n.meta.seq).bind(7, n.meta.created_at).exec();
    n.meta.id = c_.db().getLastInsertRowid();
  }

  void update_note(core::Note& n) override {
    stamp_update(n.meta);
    Query q(c_, "UPDATE notes SET text = ?1, author_id = ?2, version = ?3, seq = ?4, "
                "updated_at = ?5, deleted = 0 WHERE id = ?6");
    q.bind(1, n.text).bind(2, n.author_id).bind(3, n.meta.version).bind(4, n.meta.seq);
    q.bind(5, n.meta.updated_at).bind(6, n.meta.id);
    expect_one(q.exec());
    n.meta.deleted = false;
  }

  std::optional<core::Task> task(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, client_id, store_id, author_id, title, done, due_date, " META_COLS
                " FROM tasks WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_task(q);
  }

  std::optional<core::Task> task_by_client_id(std::string_view client_id) override {
    Query q(c_, "SELECT id, client_id, store_id, author_id, title, done, due_date, " META_COLS
                " FROM tasks WHERE client_id = ?1");
    q.bind(1, client_id);
    if (!q.step()) return std::nullopt;
    return read_task(q);
  }

  void insert_task(core::Task& t) override {
    stamp_new(t.meta);
    Query q(c_, "INSERT INTO tasks (client_id, store_id, author_id, title, done, due_date, "
                META_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?9)");
    q.bind(1, t.client_id).bind(2, t.store_id).bind(3, t.author_id).bind(4, t.title);
    q.bind(5, t.done).bind(6, t.due_date).bind(7, t.meta.version).bind(8, t.meta.seq);
    q.bind(9, t.meta.created_at).exec();
    t.meta.id = c_.db().getLastInsertRowid();
  }

  void update_task(core::Task& t) override {
    stamp_update(t.meta);
    Query q(c_, "UPDATE tasks SET title = ?1, done = ?2, due_date = ?3, author_id = ?4, "
                "version = ?5, seq = ?6, updated_at = ?7, deleted = 0 WHERE id = ?8");
    q.bind(1, t.title).bind(2, t.done).bind(3, t.due_date).bind(4, t.author_id);
    q.bind(5, t.meta.version).bind(6, t.meta.seq).bind(7, t.meta.updated_at).bind(8, t.meta.id);
    expect_one(q.exec());
    t.meta.deleted = false;
  }

  std::optional<core::Conflict> conflict(Id id, const Scope& scope) override {
    Query q(c_, "SELECT id, store_id, field, base_value, client_value, server_value, user_id, "
                "status, resolution, resolved_by, " META_COLS
                " FROM conflicts WHERE id = ?1 AND deleted = 0 AND " IN_TERRITORY);
    q.bind(1, id).bind(9, scope_rep(scope));
    if (!q.step()) return std::nullopt;
    return read_conflict(q);
  }

  PageResult<core::Conflict> conflicts(std::optional<core::ConflictStatus> status,
                                       const Scope& scope, const Page& page) override {
    Query q(c_, "SELECT id, store_id, field, base_value, client_value, server_value, user_id, "
                "status, resolution, resolved_by, " META_COLS
                " FROM conflicts WHERE id > ?1 AND deleted = 0 AND (?2 IS NULL OR status = ?2) "
                "AND " IN_TERRITORY " ORDER BY id LIMIT ?3");
    std::optional<std::string> s;
    if (status) s = *status == core::ConflictStatus::open ? "open" : "resolved";
    q.bind(1, page.after).bind(2, s).bind(3, page.limit + 1).bind(9, scope_rep(scope));
    return page_of<core::Conflict>(q, page, read_conflict);
  }

  void insert_conflict(core::Conflict& c) override {
    stamp_new(c.meta);
    Query q(c_, "INSERT INTO conflicts (store_id, field, base_value, client_value, server_value, "
                "user_id, status, resolution, resolved_by, " META_COLS
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?11, ?12, 0, ?13, ?13)");
    bind_conflict(q, c);
    q.bind(13, c.meta.created_at).exec();
    c.meta.id = c_.db().getLastInsertRowid();
  }

  void update_conflict(core::Conflict& c) override {
    stamp_update(c.meta);
    Query q(c_, "UPDATE conflicts SET store_id = ?1, field = ?2, base_value = ?3, "
                "client_value = ?4, server_value = ?5, user_id = ?6, status = ?7, "
                "resolution = ?8, resolved_by = ?10, version = ?11, seq = ?12, updated_at = ?13 "
                "WHERE id = ?14");
    bind_conflict(q, c);
    q.bind(13, c.meta.updated_at).bind(14, c.meta.id);
    expect_one(q.exec());
  }

  bool blob_exists(std::string_view sha256) override {
    Query q(c_, "SELECT 1 FROM blobs WHERE sha256 = ?1");
    q.bind(1, sha256);
    return q.step();
  }

  std::optional<Blob> blob(std::string_view sha256) override {
    Query q(c_, "SELECT content_type, data FROM blobs WHERE sha256 = ?1");
    q.bind(1, sha256);
    if (!q.step()) return std::nullopt;
    return Blob{q.str(0), q.bytes(1)};
  }

  bool blob_visible(std::string_view sha256, Id user_id, const Scope& scope) override {
    Query q(c_, "SELECT 1 FROM blobs WHERE sha256 = ?1 AND uploaded_by = ?2 "
                "UNION ALL SELECT 1 FROM attachments WHERE sha256 = ?1 AND deleted = 0 AND "
                IN_TERRITORY " LIMIT 1");
    q.bind(1, sha256).bind(2, user_id).bind(9, scope_rep(scope));
    return q.step();
  }

  std::optional<Upload> upload(std::string_view sha256) override {
    Query q(c_, "SELECT sha256, content_type, size_bytes, received, user_id FROM uploads "
                "WHERE sha256 = ?1");
    q.bind(1, sha256);
    if (!q.step()) return std::nullopt;
    return Upload{q.str(0), q.str(1), q.i64(2), q.i64(3), q.i64(4)};
  }

  void put_upload(const Upload& u) override {
    Query q(c_, "INSERT INTO uploads (sha256, content_type, size_bytes, received, user_id, "
                "started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO UPDATE SET "
                "received = excluded.received");
    q.bind(1, u.sha256).bind(2, u.content_type).bind(3, u.size_bytes).bind(4, u.received);
    q.bind(5, u.user_id).bind(6, core::now_seconds()).exec();
  }

  void append_chunk(std::string_view sha256, std::int64_t offset, std::string_view bytes) override {
    Query q(c_, "INSERT INTO upload_chunks (sha256, offset, data) VALUES (?1, ?2, ?3)");
    q.bind(1, sha256).bind(2, offset).bind_blob(3, bytes).exec();
  }

  std::string upload_bytes(std::string_view sha256) override {
    Query q(c_, "SELECT data FROM upload_chunks WHERE sha256 = ?1 ORDER BY offset");
    q.bind(1, sha256);
    std::string out;
    while (q.step()) out += q.bytes(0);
    return out;
  }

  void end_upload(std::string_view sha256, bool complete) override {
    if (complete) {
      auto u = upload(sha256);
      BOUCLE_ASSERT(u.has_value(), "an upload is completed only while it exists");
      const std::string data = upload_bytes(sha256);
      Query q(c_, "INSERT OR IGNORE INTO blobs (sha256, content_type, size_bytes, data, "
                  "uploaded_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      q.bind(1, sha256).bind(2, u->content_type).bind(3, static_cast<std::int64_t>(data.size()));
      q.bind_blob(4, data).bind(5, u->user_id).bind(6, core::now_seconds()).exec();
    }
    Query chunks(c_, "DELETE FROM upload_chunks WHERE sha256 = ?1");
    chunks.bind(1, sha256).exec();
    Query up(c_, "DELETE FROM uploads WHERE sha256 = ?1");
    up.bind(1, sha256).exec();
  }

  std::int64_t purge_tombstones(core::UnixSeconds before) override {
    // Statements are cached by the address of their text: one literal per table.
    static constexpr std::array<std::pair<const char*, const char*>, 7> LEAVES = {{
        {"SELECT max(seq), count(*) FROM audits WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM audits WHERE deleted = 1 AND updated_at < ?1"},
        {"SELECT max(seq), count(*) FROM attachments WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM attachments WHERE deleted = 1 AND updated_at < ?1"},
        {"SELECT max(seq), count(*) FROM notes WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM notes WHERE deleted = 1 AND updated_at < ?1"},
        {"SELECT max(seq), count(*) FROM tasks WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM tasks WHERE deleted = 1 AND updated_at < ?1"},
        {"SELECT max(seq), count(*) FROM conflicts WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM conflicts WHERE deleted = 1 AND updated_at < ?1"},
        {"SELECT max(seq), count(*) FROM assortment_rules WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM assortment_rules WHERE deleted = 1 AND updated_at < ?1"},
        {"SELECT max(seq), count(*) FROM orders WHERE deleted = 1 AND updated_at < ?1",
         "DELETE FROM orders WHERE deleted = 1 AND updated_at < ?1"},
    }};
    Seq through = purged_through();
    std::int64_t purged = 0;
    {
      Query lines(c_, "DELETE FROM order_lines WHERE order_id IN "
                      "(SELECT id FROM orders WHERE deleted = 1 AND updated_at < ?1)");
      lines.bind(1, before).exec();
    }
    for (const auto& [count_sql, delete_sql] : LEAVES) {
      std::int64_t n = 0;
      {
        Query count(c_, count_sql);
        count.bind(1, before);
        count.step();
        n = count.i64(1);
        if (n > 0) through = std::max(through, count.i64(0));
      }
      if (n == 0) continue;
      Query del(c_, delete_sql);
      del.bind(1, before);
      purged += del.exec();
    }
    Query horizon(c_, "UPDATE sync_horizon SET purged_through_seq = ?1 WHERE id = 1");
    horizon.bind(1, through).exec();
    return purged;
  }

  Seq purged_through() override {
    Query q(c_, "SELECT purged_through_seq FROM sync_horizon WHERE id = 1");
    return q.step() ? q.i64(0) : 0;
  }

  std::int64_t bytes_uploaded_since(Id user_id, core::UnixSeconds since) override {
    Query q(c_, "SELECT (SELECT COALESCE(SUM(size_bytes), 0) FROM blobs "
                "        WHERE uploaded_by = ?1 AND created_at >= ?2) + "
                "       (SELECT COALESCE(SUM(size_bytes), 0) FROM uploads WHERE user_id = ?1)");
    q.bind(1, user_id).bind(2, since);
    q.step();
    return q.i64(0);
  }

  int drop_stale_uploads(core::UnixSeconds before) override {
    Query chunks(c_, "DELETE FROM upload_chunks WHERE sha256 IN "
                     "(SELECT sha256 FROM uploads WHERE started_at < ?1)");
    chunks.bind(1, before).exec();
    Query up(c_, "DELETE FROM uploads WHERE started_at < ?1");
    up.bind(1, before);
    return up.exec();
  }

  // Plans -------------------------------------------------------------------------------------
  std::optional<core::Plan> plan(Id id, const Scope& scope) override {
    std::optional<core::Plan> p;
    {
      Query q(c_, "SELECT " PLAN_COLS " FROM plans WHERE id = ?1 AND deleted = 0 "
                  "AND (?2 IS NULL OR rep_id = ?2)");
      q.bind(1, id).bind(2, scope_rep(scope));
      if (!q.step()) return std::nullopt;
      p = read_plan(q);
    }
    load_plan_parts(*p);
    return p;
  }

  PageResult<core::Plan> plans(const PlanFilter& f, const Scope& scope,
                               const Page& page) override {
    Query q(c_, "SELECT " PLAN_COLS " FROM plans WHERE id > ?1 AND deleted = 0 "
                "AND (?2 IS NULL OR rep_id = ?2) AND (?3 IS NULL OR rep_id = ?3) "
                "AND (?4 IS NULL OR status = ?4) "
                "AND (?5 IS NULL OR date(start_date, '+' || (days - 1) || ' days') >= ?5) "
                "AND (?6 IS NULL OR start_date <= ?6) ORDER BY id LIMIT ?7");
    q.bind(1, page.after).bind(2, scope_rep(scope)).bind(3, f.rep_id);
    if (f.status) {
      q.bind(4, core::to_string(*f.status));
    } else {
      q.bind_null(4);
    }
    q.bind(5, f.overlaps_from).bind(6, f.overlaps_until).bind(7, page.limit + 1);
    return page_of<core::Plan>(q, page, read_plan);
  }

  void insert_plan(core::Plan& p) override {
    stamp_new(p.meta);
    {
      Query q(c_, "INSERT INTO plans (rep_id, start_date, days, status, seed, timezone, "
                  "per_metre, per_second, hotel_per_night, mix_penalty, hotel_min_distance_m, "
                  "time_limit_seconds, max_iterations, mandatory_planned, mandatory_total, "
                  "visit_count, nights_away, prizes, travel_cost, hotel_cost, penalties, value, "
                  "distance_m, drive_seconds, published_at, " META_COLS
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                  "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, 0, ?28, ?28)");
      bind_plan(q, p);
      q.exec();
    }
    p.meta.id = c_.db().getLastInsertRowid();
    save_plan_parts(p);
  }

  void update_plan(core::Plan& p) override {
    stamp_update(p.meta);
    {
      Query q(c_, "UPDATE plans SET rep_id = ?1, start_date = ?2, days = ?3, status = ?4, "
                  "seed = ?5, timezone = ?6, per_metre = ?7, per_second = ?8, "
                  "hotel_per_night = ?9, mix_penalty = ?10, hotel_min_distance_m = ?11, "
                  "time_limit_seconds = ?12, max_iterations = ?13, mandatory_planned = ?14, "
                  "mandatory_total = ?15, visit_count = ?16, nights_away = ?17, prizes = ?18, "
                  "travel_cost = ?19, hotel_cost = ?20, penalties = ?21, value = ?22, "
                  "distance_m = ?23, drive_seconds = ?24, published_at = ?25, version = ?26, "
                  "seq = ?27, updated_at = ?28 WHERE id = ?29 AND deleted = 0");
      bind_plan(q, p);
      q.bind(29, p.meta.id);
      expect_one(q.exec());
    }
    for (const char* sql : {"DELETE FROM plan_stops WHERE plan_id = ?1",
                            "DELETE FROM plan_days WHERE plan_id = ?1",
                            "DELETE FROM plan_candidates WHERE plan_id = ?1"}) {
      Query del(c_, sql);
      del.bind(1, p.meta.id).exec();
    }
    save_plan_parts(p);
  }

  std::vector<core::Visit> appointments(Id rep_id, core::UnixSeconds from,
                                        core::UnixSeconds to) override {
    Query q(c_, "SELECT id, client_id, store_id, rep_id, type, status, planned_at, checkin_at, "
                "checkin_lat, checkin_lon, checkin_distance_m, checkin_far, checkin_reason, "
                "checkout_at, checkout_lat, checkout_lon, report, next_steps, " META_COLS
                " FROM visits WHERE rep_id = ?1 AND deleted = 0 AND status = 'planned' "
                "AND planned_at >= ?2 AND planned_at < ?3 "
                "AND store_id IN "
                "(SELECT id FROM stores WHERE assigned_rep_id = ?1 AND deleted = 0) "
                "AND (id NOT IN (SELECT visit_id FROM plan_stops WHERE visit_id IS NOT NULL) "
                "  OR id IN (SELECT appointment_visit_id FROM plan_candidates "
                "            WHERE appointment_visit_id IS NOT NULL)) "
                "ORDER BY planned_at, id");
    q.bind(1, rep_id).bind(2, from).bind(3, to);
    std::vector<core::Visit> out;
    while (q.step()) out.push_back(read_visit(q));
    return out;
  }

  std::vector<std::pair<Id, core::UnixSeconds>> last_visits(Id rep_id) override {
    Query q(c_, "SELECT store_id, MAX(COALESCE(checkin_at, planned_at, created_at)) FROM visits "
                "WHERE deleted = 0 AND status IN ('done', 'in_progress') AND store_id IN "
                "(SELECT id FROM stores WHERE assigned_rep_id = ?1) GROUP BY store_id "
                "ORDER BY store_id");
    q.bind(1, rep_id);
    std::vector<std::pair<Id, core::UnixSeconds>> out;
    while (q.step()) out.emplace_back(q.i64(0), q.i64(1));
    return out;
  }

  std::vector<CalendarEntry> calendar_entries(Id rep_id, core::UnixSeconds since,
                                              int limit) override {
    struct Link {
      Id visit_id, plan_id;
      std::string date;
      int position;
    };
    std::vector<Link> links;
    {
      // Rows of one visit are adjacent, the latest plan first: that stop explains the visit.
      Query q(c_, "SELECT ps.visit_id, ps.plan_id, ps.date, ps.position FROM plan_stops ps "
                  "JOIN plans p ON p.id = ps.plan_id AND p.deleted = 0 AND p.rep_id = ?1 "
                  "  AND p.status != 'draft' "
                  "JOIN visits v ON v.id = ps.visit_id AND v.deleted = 0 "
                  "  AND v.status != 'cancelled' AND v.rep_id = ?1 "
                  "JOIN stores s ON s.id = v.store_id AND s.deleted = 0 "
                  "WHERE COALESCE(v.planned_at, ps.start_at) >= ?2 "
                  "ORDER BY COALESCE(v.planned_at, ps.start_at), v.id, ps.plan_id DESC");
      q.bind(1, rep_id).bind(2, since);
      while (q.step() && static_cast<int>(links.size()) <= limit) {
        const Id visit_id = q.i64(0);
        if (!links.empty() && links.back().visit_id == visit_id) continue;
        links.push_back({visit_id, q.i64(1), q.str(2), q.i32(3)});
      }
    }
    if (static_cast<int>(links.size()) > limit) links.resize(static_cast<std::size_t>(limit));
    std::vector<CalendarEntry> out;
    for (const auto& l : links) {
      CalendarEntry e;
      e.plan_id = l.plan_id;
      {
        Query q(c_, "SELECT " STOP_COLS " FROM plan_stops WHERE plan_id = ?1 AND date = ?2 "
                    "AND position = ?3");
        q.bind(1, l.plan_id).bind(2, l.date).bind(3, l.position);
        if (!q.step()) continue;
        e.stop = read_stop(q);
      }
      {
        Query q(c_, "SELECT " CANDIDATE_COLS " FROM plan_candidates WHERE plan_id = ?1 "
                    "AND ord = ?2");
        q.bind(1, l.plan_id).bind(2, e.stop.candidate);
        if (!q.step()) continue;
        e.candidate = read_candidate(q);
      }
      auto v = visit(l.visit_id, Scope{});
      if (!v) continue;
      auto st = store(v->store_id, Scope{});
      if (!st) continue;
      e.visit = std::move(*v);
      e.store = std::move(*st);
      out.push_back(std::move(e));
    }
    return out;
  }

  void put_calendar_key(Id rep_id, std::string_view key_hash, core::UnixSeconds now) override {
    Query q(c_, "INSERT INTO calendar_keys (rep_id, key_hash, created_at) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (rep_id) DO UPDATE SET key_hash = excluded.key_hash, "
                "created_at = excluded.created_at");
    q.bind(1, rep_id).bind(2, key_hash).bind(3, now).exec();
  }

  bool calendar_key_matches(Id rep_id, std::string_view key_hash) override {
    Query q(c_, "SELECT 1 FROM calendar_keys WHERE rep_id = ?1 AND key_hash = ?2");
    q.bind(1, rep_id).bind(2, key_hash);
    return q.step();
  }

  // Tombstones and changes -------------------------------------------------------------------
  bool remove(EntityKind kind, Id id) override {
    const char* sql = nullptr;
    switch (kind) {
      case EntityKind::user:
        sql = "UPDATE users SET deleted = 1, version = version + 1, seq = ?1, updated_at = ?2 "
              "WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::store:
        sql = "UPDATE stores SET deleted = 1, version = version + 1, seq = ?1, updated_at = ?2 "
              "WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::product:
        sql = "UPDATE products SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::assortment_rule:
        sql = "UPDATE assortment_rules SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::visit:
        sql = "UPDATE visits SET deleted = 1, version = version + 1, seq = ?1, updated_at = ?2 "
              "WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::audit:
        sql = "UPDATE audits SET deleted = 1, version = version + 1, seq = ?1, updated_at = ?2 "
              "WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::order:
        sql = "UPDATE orders SET deleted = 1, version = version + 1, seq = ?1, updated_at = ?2 "
              "WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::attachment:
        sql = "UPDATE attachments SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::sales:
        BOUCLE_ASSERT(false, "sales facts are overwritten, never deleted");
        return false;
      case EntityKind::segment:
        sql = "UPDATE segments SET deleted = 1, version = version + 1, seq = ?1, updated_at = ?2 "
              "WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::campaign:
        sql = "UPDATE campaigns SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::note:
        sql = "UPDATE notes SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::task:
        sql = "UPDATE tasks SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
      case EntityKind::conflict:
        sql = "UPDATE conflicts SET deleted = 1, version = version + 1, seq = ?1, "
              "updated_at = ?2 WHERE id = ?3 AND deleted = 0";
        break;
    }
    // Take the seq only once the row is known to exist, so failed deletes burn no seq.
    if (!exists_live(kind, id)) return false;
    Query q(c_, sql);
    q.bind(1, next_seq()).bind(2, core::now_seconds()).bind(3, id);
    return q.exec() == 1;
  }

  std::vector<Change> changes_since(Seq since, const Scope& scope, int limit,
                                    bool with_sales) override {
    Query q(c_,
            "SELECT seq, 0, id, deleted FROM users WHERE seq > ?1 AND (?2 IS NULL OR id = ?2) "
            "UNION ALL SELECT seq, 1, id, deleted FROM stores WHERE seq > ?1 "
            "  AND (?2 IS NULL OR assigned_rep_id = ?2) "
            "UNION ALL SELECT seq, 2, id, deleted FROM products WHERE seq > ?1 "
            "UNION ALL SELECT seq, 3, id, deleted FROM assortment_rules WHERE seq > ?1 "
            "UNION ALL SELECT seq, 4, id, deleted FROM visits WHERE seq > ?1 AND (?2 IS NULL OR "
            "  store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 5, id, deleted FROM audits WHERE seq > ?1 AND (?2 IS NULL OR "
            "  store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 6, id, deleted FROM orders WHERE seq > ?1 AND (?2 IS NULL OR "
            "  store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 7, id, deleted FROM attachments WHERE seq > ?1 AND (?2 IS NULL "
            "  OR store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 8, id, 0 FROM sales WHERE ?4 AND seq > ?1 AND (?2 IS NULL OR "
            "  store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 9, id, deleted FROM segments WHERE seq > ?1 AND ?2 IS NULL "
            "UNION ALL SELECT seq, 10, id, deleted FROM campaigns WHERE seq > ?1 "
            "UNION ALL SELECT seq, 11, id, deleted FROM notes WHERE seq > ?1 AND (?2 IS NULL OR "
            "  store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 12, id, deleted FROM tasks WHERE seq > ?1 AND (?2 IS NULL OR "
            "  store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "UNION ALL SELECT seq, 13, id, deleted FROM conflicts WHERE seq > ?1 AND (?2 IS NULL "
            "  OR store_id IN (SELECT id FROM stores WHERE assigned_rep_id = ?2)) "
            "ORDER BY 1 LIMIT ?3");
    q.bind(1, since).bind(2, scope_rep(scope)).bind(3, limit).bind(4, with_sales);
    std::vector<Change> out;
    while (q.step()) {
      out.push_back(Change{q.i64(0), static_cast<EntityKind>(q.i32(1)), q.i64(2), q.boolean(3)});
    }
    return out;
  }

  // Sessions ---------------------------------------------------------------------------------
  void insert_session(const core::Session& s) override {
    Query q(c_, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) "
                "VALUES (?1, ?2, ?3, ?4, ?5)");
    q.bind(1, s.token_hash).bind(2, s.user_id).bind(3, s.created_at).bind(4, s.expires_at);
    q.bind(5, s.revoked).exec();
  }

  std::optional<core::Session> session(std::string_view token_hash) override {
    Query q(c_, "SELECT token_hash, user_id, created_at, expires_at, revoked FROM sessions "
                "WHERE token_hash = ?1");
    q.bind(1, token_hash);
    if (!q.step()) return std::nullopt;
    return core::Session{q.str(0), q.i64(1), q.i64(2), q.i64(3), q.boolean(4)};
  }

  bool revoke_session(std::string_view token_hash) override {
    Query q(c_, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1 AND revoked = 0");
    q.bind(1, token_hash);
    return q.exec() == 1;
  }

  int delete_expired_sessions(core::UnixSeconds now) override {
    Query q(c_, "DELETE FROM sessions WHERE expires_at < ?1");
    q.bind(1, now);
    return q.exec();
  }

  // Analytics --------------------------------------------------------------------------------
  std::vector<core::Store> all_stores() override {
    Query q(c_,
            "SELECT id, code, name, banner, channel, address, postcode, city, lat, lon, timezone, "
            "opening_hours, potential, size_sqm, assigned_rep_id, visit_frequency_days, tags, "
            META_COLS " FROM stores WHERE deleted = 0 ORDER BY id");
    std::vector<core::Store> out;
    while (q.step()) out.push_back(read_store(q));
    return out;
  }

  std::vector<core::Product> all_products() override {
    Query q(c_, "SELECT id, sku, ean, name, brand, range, price, launched_on, active, " META_COLS
                " FROM products WHERE deleted = 0 ORDER BY id");
    std::vector<core::Product> out;
    while (q.step()) out.push_back(read_product(q));
    return out;
  }

  std::vector<core::AssortmentRule> all_assortment_rules() override {
    Query q(c_, "SELECT id, channel, product_id, " META_COLS
                " FROM assortment_rules WHERE deleted = 0 ORDER BY id");
    std::vector<core::AssortmentRule> out;
    while (q.step()) out.push_back(read_rule(q));
    return out;
  }

  std::vector<VisitFact> visit_facts() override {
    Query q(c_,
            "SELECT v.id, v.store_id, v.rep_id, v.status, COALESCE(v.planned_at, 0), "
            "COALESCE(v.checkin_at, 0), COALESCE(v.checkout_at, 0), "
            "EXISTS (SELECT 1 FROM plan_stops ps WHERE ps.visit_id = v.id), "
            "EXISTS (SELECT 1 FROM orders o WHERE o.visit_id = v.id AND o.deleted = 0 "
            "  AND o.status = 'confirmed'), v.category_facings "
            "FROM visits v WHERE v.deleted = 0 ORDER BY v.id");
    std::vector<VisitFact> out;
    while (q.step()) {
      VisitFact f;
      f.id = q.i64(0);
      f.store_id = q.i64(1);
      f.rep_id = q.i64(2);
      f.status = core::parse_visit_status(q.str(3)).value_or(core::VisitStatus::planned);
      f.planned_at = q.i64(4);
      f.checkin_at = q.i64(5);
      f.checkout_at = q.i64(6);
      f.from_plan = q.boolean(7);
      f.ordered = q.boolean(8);
      if (!q.null(9)) f.category_facings = q.i32(9);
      out.push_back(f);
    }
    return out;
  }

  std::vector<AuditFact> audit_facts() override {
    Query q(c_,
            "SELECT a.visit_id, a.store_id, a.product_id, COALESCE(v.checkin_at, a.created_at), "
            "a.present, a.out_of_stock, a.promo, a.facings FROM audits a "
            "JOIN visits v ON v.id = a.visit_id "
            "WHERE a.deleted = 0 AND v.deleted = 0 AND v.status = 'done' ORDER BY a.id");
    std::vector<AuditFact> out;
    while (q.step()) {
      out.push_back(AuditFact{q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.boolean(4),
                              q.boolean(5), q.boolean(6), q.i32(7)});
    }
    return out;
  }

  std::vector<PlanDayFact> plan_day_facts() override {
    // For each rep and date, the day of the latest published (or since superseded but once
    // published) plan that covers it.
    Query q(c_,
            "SELECT p.rep_id, d.date, d.drive_seconds FROM plan_days d "
            "JOIN plans p ON p.id = d.plan_id "
            "WHERE p.deleted = 0 AND p.published_at IS NOT NULL AND p.id = ("
            "  SELECT MAX(p2.id) FROM plans p2 JOIN plan_days d2 ON d2.plan_id = p2.id "
            "  WHERE p2.rep_id = p.rep_id AND d2.date = d.date AND p2.deleted = 0 "
            "  AND p2.published_at IS NOT NULL) "
            "ORDER BY p.rep_id, d.date");
    std::vector<PlanDayFact> out;
    while (q.step()) out.push_back(PlanDayFact{q.i64(0), q.str(1), q.i64(2)});
    return out;
  }

  std::vector<SalesRevenue> sales_revenue(std::string_view from_week) override {
    Query q(c_, "SELECT store_id, week, revenue FROM sales WHERE week >= ?1");
    q.bind(1, from_week);
    std::vector<SalesRevenue> out;
    while (q.step()) out.push_back(SalesRevenue{q.i64(0), q.str(1), q.i64(2)});
    return out;
  }

  // Segments ---------------------------------------------------------------------------------
  std::optional<core::Segment> segment(Id id) override {
    Query q(c_, SEGMENT_SELECT " WHERE id = ?1 AND deleted = 0");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_segment(q);
  }

  std::optional<core::Segment> segment_by_name(std::string_view name) override {
    Query q(c_, SEGMENT_SELECT " WHERE name = ?1 AND deleted = 0");
    q.bind(1, name);
    if (!q.step()) return std::nullopt;
    return read_segment(q);
  }

  PageResult<core::Segment> segments(const Page& page) override {
    Query q(c_, SEGMENT_SELECT " WHERE id > ?1 AND deleted = 0 ORDER BY id LIMIT ?2");
    q.bind(1, page.after).bind(2, page.limit + 1);
    return page_of<core::Segment>(q, page, read_segment);
  }

  void insert_segment(core::Segment& g) override {
    stamp_new(g.meta);
    Query q(c_,
            "INSERT INTO segments (name, description, expression, dynamic, member_count, "
            "refreshed_at, refreshed_seq, created_by, " META_COLS
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)");
    bind_segment(q, g);
    q.exec();
    g.meta.id = c_.db().getLastInsertRowid();
  }

  void update_segment(core::Segment& g) override {
    stamp_update(g.meta);
    Query q(c_,
            "UPDATE segments SET name = ?1, description = ?2, expression = ?3, dynamic = ?4, "
            "member_count = ?5, refreshed_at = ?6, refreshed_seq = ?7, created_by = ?8, "
            "version = ?9, seq = ?10, updated_at = ?11 WHERE id = ?12 AND deleted = 0");
    bind_segment(q, g);
    q.bind(12, g.meta.id);
    expect_one(q.exec());
  }

  std::vector<Id> segment_member_ids(Id segment_id) override {
    Query q(c_, "SELECT store_id FROM segment_members WHERE segment_id = ?1 ORDER BY store_id");
    q.bind(1, segment_id);
    std::vector<Id> out;
    while (q.step()) out.push_back(q.i64(0));
    return out;
  }

  PageResult<core::SegmentMember> segment_members(Id segment_id, const Scope& scope,
                                                  const Page& page) override {
    Query q(c_, "SELECT m.store_id, m.since FROM segment_members m WHERE m.segment_id = ?1 "
                "AND m.store_id > ?2 AND (?3 IS NULL OR m.store_id IN "
                "(SELECT id FROM stores WHERE assigned_rep_id = ?3)) ORDER BY m.store_id LIMIT ?4");
    q.bind(1, segment_id).bind(2, page.after).bind(3, scope_rep(scope)).bind(4, page.limit + 1);
    PageResult<core::SegmentMember> out;
    while (q.step()) {
      if (static_cast<int>(out.items.size()) == page.limit) {
        out.next_after = out.items.back().store_id;
        break;
      }
      out.items.push_back(core::SegmentMember{q.i64(0), q.i64(1)});
    }
    return out;
  }

  void apply_membership(Id segment_id, const std::vector<Id>& joined,
                        const std::vector<Id>& left, core::UnixSeconds at) override {
    for (Id store : joined) {
      Query q(c_, "INSERT INTO segment_members (segment_id, store_id, since) VALUES (?1, ?2, ?3)");
      q.bind(1, segment_id).bind(2, store).bind(3, at).exec();
      Query e(c_, "INSERT INTO segment_events (segment_id, store_id, joined, at) "
                  "VALUES (?1, ?2, 1, ?3)");
      e.bind(1, segment_id).bind(2, store).bind(3, at).exec();
    }
    for (Id store : left) {
      Query q(c_, "DELETE FROM segment_members WHERE segment_id = ?1 AND store_id = ?2");
      q.bind(1, segment_id).bind(2, store);
      if (q.exec() != 1) continue;
      Query e(c_, "INSERT INTO segment_events (segment_id, store_id, joined, at) "
                  "VALUES (?1, ?2, 0, ?3)");
      e.bind(1, segment_id).bind(2, store).bind(3, at).exec();
    }
  }

  PageResult<core::SegmentEvent> segment_events(Id segment_id, std::optional<Id> store_id,
                                                const Page& page) override {
    Query q(c_, "SELECT id, segment_id, store_id, joined, at FROM segment_events "
                "WHERE segment_id = ?1 AND id > ?2 AND (?3 IS NULL OR store_id = ?3) "
                "ORDER BY id LIMIT ?4");
    q.bind(1, segment_id).bind(2, page.after).bind(3, store_id).bind(4, page.limit + 1);
    PageResult<core::SegmentEvent> out;
    while (q.step()) {
      if (static_cast<int>(out.items.size()) == page.limit) {
        out.next_after = out.items.back().id;
        break;
      }
      out.items.push_back(
          core::SegmentEvent{q.i64(0), q.i64(1), q.i64(2), q.boolean(3), q.i64(4)});
    }
    return out;
  }

  // Campaigns --------------------------------------------------------------------------------
  std::optional<core::Campaign> campaign(Id id) override {
    Query q(c_, CAMPAIGN_SELECT " WHERE id = ?1 AND deleted = 0");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_campaign(q);
  }

  std::optional<core::Campaign> campaign_by_name(std::string_view name) override {
    Query q(c_, CAMPAIGN_SELECT " WHERE name = ?1 AND deleted = 0");
    q.bind(1, name);
    if (!q.step()) return std::nullopt;
    return read_campaign(q);
  }

  PageResult<core::Campaign> campaigns(const Page& page) override {
    Query q(c_, CAMPAIGN_SELECT " WHERE id > ?1 AND deleted = 0 ORDER BY id LIMIT ?2");
    q.bind(1, page.after).bind(2, page.limit + 1);
    return page_of<core::Campaign>(q, page, read_campaign);
  }

  void insert_campaign(core::Campaign& c) override {
    stamp_new(c.meta);
    Query q(c_,
            "INSERT INTO campaigns (name, description, segment_id, kpi, range, product_id, "
            "baseline, goal, start_date, end_date, visit_value, control_share, seed, "
            "visit_template, status, " META_COLS
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
            "?17, 0, ?18, ?18)");
    bind_campaign(q, c);
    q.exec();
    c.meta.id = c_.db().getLastInsertRowid();
  }

  void update_campaign(core::Campaign& c) override {
    stamp_update(c.meta);
    Query q(c_,
            "UPDATE campaigns SET name = ?1, description = ?2, segment_id = ?3, kpi = ?4, "
            "range = ?5, product_id = ?6, baseline = ?7, goal = ?8, start_date = ?9, "
            "end_date = ?10, visit_value = ?11, control_share = ?12, seed = ?13, "
            "visit_template = ?14, status = ?15, version = ?16, seq = ?17, updated_at = ?18 "
            "WHERE id = ?19 AND deleted = 0");
    bind_campaign(q, c);
    q.bind(19, c.meta.id);
    expect_one(q.exec());
  }

  Counts counts() override {
    Query q(c_, "SELECT (SELECT count(*) FROM users WHERE deleted = 0), "
                "(SELECT count(*) FROM stores WHERE deleted = 0), "
                "(SELECT count(*) FROM products WHERE deleted = 0), "
                "(SELECT count(*) FROM visits WHERE deleted = 0), "
                "(SELECT count(*) FROM audits WHERE deleted = 0), "
                "(SELECT count(*) FROM orders WHERE deleted = 0), (SELECT count(*) FROM sales)");
    q.step();
    return Counts{q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.i64(5), q.i64(6)};
  }

 private:
  Seq next_seq() {
    if (!seq_) {
      seq_ = loaded_seq_ = last_seq();
    }
    return ++*seq_;
  }

  void stamp_new(core::RecordMeta& m) {
    m.version = 1;
    m.seq = next_seq();
    m.deleted = false;
    m.created_at = m.updated_at = core::now_seconds();
  }

  void stamp_update(core::RecordMeta& m) {
    m.version += 1;
    m.seq = next_seq();
    m.updated_at = core::now_seconds();
  }

  static void expect_one(int changed) {
    BOUCLE_ASSERT(changed == 1, "update_* is only called on a record that exists");
    if (changed != 1) throw core::Error(ErrorCode::not_found, "record vanished during update");
  }

  bool exists_live(EntityKind kind, Id id) {
    static constexpr std::array<const char*, 14> SQL = {
        "SELECT 1 FROM users WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM stores WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM products WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM assortment_rules WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM visits WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM audits WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM orders WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM attachments WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM sales WHERE id = ?1 AND 0",  // sales facts are never deleted
        "SELECT 1 FROM segments WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM campaigns WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM notes WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM tasks WHERE id = ?1 AND deleted = 0",
        "SELECT 1 FROM conflicts WHERE id = ?1 AND deleted = 0"};
    Query q(c_, SQL[static_cast<std::size_t>(kind)]);
    q.bind(1, id);
    return q.step();
  }

  void bind_conflict(Query& q, const core::Conflict& c) {
    q.bind(1, c.store_id).bind(2, c.field).bind(3, c.base_value).bind(4, c.client_value);
    q.bind(5, c.server_value).bind(6, c.user_id);
    q.bind(7, c.status == core::ConflictStatus::open ? "open" : "resolved");
    q.bind(8, c.resolution).bind(10, c.resolved_by).bind(11, c.meta.version).bind(12, c.meta.seq);
  }

  void bind_segment(Query& q, const core::Segment& g) {
    q.bind(1, g.name).bind(2, g.description).bind(3, g.expression).bind(4, g.dynamic);
    q.bind(5, g.member_count).bind(6, g.refreshed_at).bind(7, g.refreshed_seq);
    q.bind(8, g.created_by).bind(9, g.meta.version).bind(10, g.meta.seq);
    q.bind(11, g.meta.updated_at);
  }

  void bind_campaign(Query& q, const core::Campaign& c) {
    q.bind(1, c.name).bind(2, c.description).bind(3, c.segment_id).bind(4, c.kpi);
    q.bind(5, c.range).bind(6, c.product_id).bind(7, c.baseline).bind(8, c.goal);
    q.bind(9, c.start_date).bind(10, c.end_date).bind(11, c.visit_value);
    q.bind(12, c.control_share).bind(13, c.seed).bind(14, c.visit_template);
    q.bind(15, core::to_string(c.status)).bind(16, c.meta.version).bind(17, c.meta.seq);
    q.bind(18, c.meta.updated_at);
  }

  void bind_user(Query& q, const core::User& u) {
    q.bind(1, u.email).bind(2, u.name).bind(3, core::to_string(u.role)).bind(4, u.password_hash);
    if (u.home) {
      q.bind(5, u.home->lat).bind(6, u.home->lon);
    } else {
      q.bind_null(5).bind_null(6);
    }
    q.bind(7, hours_to_text(u.working_hours)).bind(8, u.lunch_start).bind(9, u.lunch_end);
    q.bind(10, u.lunch_minutes).bind(11, u.overnight_allowed).bind(12, u.max_daily_driving);
    q.bind(13, u.active).bind(14, u.meta.version).bind(15, u.meta.seq).bind(16, u.meta.updated_at);
  }

  void bind_store(Query& q, const core::Store& s) {
    q.bind(1, s.code).bind(2, s.name).bind(3, s.banner).bind(4, core::to_string(s.channel));
    q.bind(5, s.address).bind(6, s.postcode).bind(7, s.city).bind(8, s.location.lat);
    q.bind(9, s.location.lon).bind(10, s.timezone).bind(11, hours_to_text(s.opening_hours));
    q.bind(12, s.potential).bind(13, s.size_sqm).bind(14, s.assigned_rep_id);
    q.bind(15, s.visit_frequency_days);
    q.bind(16, boost::json::serialize(core::strings_to_json(s.tags)));
    q.bind(17, s.meta.version).bind(18, s.meta.seq).bind(19, s.meta.updated_at);
  }

  void bind_product(Query& q, const core::Product& p) {
    q.bind(1, p.sku).bind(2, p.ean).bind(3, p.name).bind(4, p.brand).bind(5, p.range);
    q.bind(6, p.price).bind(7, p.launched_on).bind(8, p.active).bind(9, p.meta.version);
    q.bind(10, p.meta.seq).bind(11, p.meta.updated_at);
  }

  void bind_visit(Query& q, const core::Visit& v) {
    q.bind(1, v.client_id).bind(2, v.store_id).bind(3, v.rep_id);
    q.bind(4, core::to_string(v.type)).bind(5, core::to_string(v.status));
    q.bind(6, v.planned_at).bind(7, v.checkin_at);
    if (v.checkin_position) {
      q.bind(8, v.checkin_position->lat).bind(9, v.checkin_position->lon);
    } else {
      q.bind_null(8).bind_null(9);
    }
    q.bind(10, v.checkin_distance).bind(11, v.checkin_far).bind(12, v.checkin_reason);
    q.bind(13, v.checkout_at);
    if (v.checkout_position) {
      q.bind(14, v.checkout_position->lat).bind(15, v.checkout_position->lon);
    } else {
      q.bind_null(14).bind_null(15);
    }
    q.bind(16, v.report).bind(17, v.next_steps).bind(18, v.meta.version).bind(19, v.meta.seq);
    q.bind(20, v.meta.updated_at);
  }

  void bind_audit(Query& q, const core::Audit& a) {
    q.bind(1, a.client_id).bind(2, a.visit_id).bind(3, a.store_id).bind(4, a.rep_id);
    q.bind(5, a.product_id).bind(6, a.present).bind(7, a.facings).bind(8, a.shelf_price);
    q.bind(9, a.out_of_stock).bind(10, a.promo).bind(11, a.meta.version).bind(12, a.meta.seq);
    q.bind(13, a.meta.updated_at);
  }

  void bind_order(Query& q, const core::Order& o) {
    q.bind(1, o.client_id).bind(2, o.visit_id).bind(3, o.store_id).bind(4, o.rep_id);
    q.bind(5, core::to_string(o.status)).bind(6, o.total()).bind(7, o.meta.version);
    q.bind(8, o.meta.seq).bind(9, o.meta.updated_at);
  }

  void load_lines(core::Order& o) {
    Query q(c_, "SELECT product_id, quantity, unit_price FROM order_lines WHERE order_id = ?1 "
                "ORDER BY line_no");
    q.bind(1, o.meta.id);
    o.lines.clear();
    while (q.step()) o.lines.push_back({q.i64(0), q.i32(1), q.i64(2)});
  }

  void save_lines(const core::Order& o) {
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      Query q(c_, "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)");
      q.bind(1, o.meta.id).bind(2, static_cast<int>(i)).bind(3, o.lines[i].product_id);
      q.bind(4, o.lines[i].quantity).bind(5, o.lines[i].unit_price).exec();
    }
  }

  void bind_plan(Query& q, const core::Plan& p) {
    q.bind(1, p.rep_id).bind(2, p.start_date).bind(3, p.days).bind(4, core::to_string(p.status));
    q.bind(5, p.seed).bind(6, p.params.timezone).bind(7, p.params.per_metre);
    q.bind(8, p.params.per_second).bind(9, p.params.hotel_per_night);
    q.bind(10, p.params.mix_penalty).bind(11, p.params.hotel_min_distance_m);
    q.bind(12, p.params.time_limit_seconds).bind(13, p.params.max_iterations);
    const auto& o = p.objective;
    q.bind(14, o.mandatory_planned).bind(15, o.mandatory_total).bind(16, o.visits);
    q.bind(17, o.nights_away).bind(18, o.prizes).bind(19, o.travel_cost).bind(20, o.hotel_cost);
    q.bind(21, o.penalties).bind(22, o.value).bind(23, o.distance_m).bind(24, o.drive_seconds);
    q.bind(25, p.published_at).bind(26, p.meta.version).bind(27, p.meta.seq);
    q.bind(28, p.meta.updated_at);
  }

  void save_plan_parts(const core::Plan& p) {
    for (std::size_t i = 0; i < p.candidates.size(); ++i) {
      const auto& c = p.candidates[i];
      Query q(c_, "INSERT INTO plan_candidates (plan_id, ord, " CANDIDATE_COLS
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                  "?16)");
      q.bind(1, p.meta.id).bind(2, static_cast<int>(i)).bind(3, c.visit_index);
      q.bind(4, c.store_id).bind(5, core::to_string(c.type)).bind(6, core::to_string(c.kind));
      q.bind(7, c.duration_seconds).bind(8, c.prize).bind(9, c.why).bind(10, c.first_day);
      q.bind(11, c.group).bind(12, c.group_gap_days).bind(13, c.locked_day);
      q.bind(14, c.appointment_visit_id).bind(15, c.appointment_at);
      q.bind(16, c.unplanned_reason).exec();
    }
    for (const auto& d : p.routes) {
      Query q(c_, "INSERT INTO plan_days (plan_id, " DAY_COLS
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
      q.bind(1, p.meta.id).bind(2, d.date).bind(3, d.depart_at).bind(4, d.back_at);
      q.bind(5, d.start_store_id).bind(6, d.end_store_id).bind(7, d.has_lunch);
      q.bind(8, d.lunch_after).bind(9, d.lunch_start_at).bind(10, d.lunch_end_at);
      q.bind(11, d.distance_m).bind(12, d.drive_seconds).bind(13, d.work_seconds).exec();
    }
    for (const auto& st : p.stops) {
      Query q(c_, "INSERT INTO plan_stops (plan_id, " STOP_COLS
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
      q.bind(1, p.meta.id).bind(2, st.date).bind(3, st.position).bind(4, st.candidate);
      q.bind(5, st.store_id).bind(6, core::to_string(st.type)).bind(7, core::to_string(st.kind));
      q.bind(8, st.arrival_at).bind(9, st.start_at).bind(10, st.end_at).bind(11, st.locked);
      q.bind(12, st.done).bind(13, st.visit_id).exec();
    }
  }

  void load_plan_parts(core::Plan& p) {
    p.candidates.clear();
    p.routes.clear();
    p.stops.clear();
    {
      Query q(c_, "SELECT " CANDIDATE_COLS " FROM plan_candidates WHERE plan_id = ?1 ORDER BY ord");
      q.bind(1, p.meta.id);
      while (q.step()) p.candidates.push_back(read_candidate(q));
    }
    {
      Query q(c_, "SELECT " DAY_COLS " FROM plan_days WHERE plan_id = ?1 ORDER BY date");
      q.bind(1, p.meta.id);
      while (q.step()) p.routes.push_back(read_day(q));
    }
    {
      Query q(c_, "SELECT " STOP_COLS " FROM plan_stops WHERE plan_id = ?1 "
                  "ORDER BY date, position");
      q.bind(1, p.meta.id);
      while (q.step()) p.stops.push_back(read_stop(q));
    }
  }

  Connection& c_;
  std::optional<Seq> seq_;  // the counter of this write transaction, once read
  Seq loaded_seq_ = 0;     // its value in the database
};

#undef PLAN_COLS
#undef CANDIDATE_COLS
#undef DAY_COLS
#undef STOP_COLS

#undef META_COLS
#undef IN_TERRITORY

core::Error storage_error(const SQLite::Exception& e) {
  const int code = e.getErrorCode();
  if (code == SQLITE_CONSTRAINT) {
    return core::Error(ErrorCode::conflict, std::string("constraint violated: ") + e.what());
  }
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    return core::Error(ErrorCode::unavailable, "database busy, retry");
  }
  return core::Error(ErrorCode::storage, e.what());
}

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(std::string path, SqliteOptions options)
      : path_(std::move(path)), options_(options) {
    try {
      writer_ = std::make_unique<Connection>(path_, options_);
      writer_->db().exec("PRAGMA journal_mode = WAL");
      migrate();
      schema_version_ = writer_->db().execAndGet("PRAGMA user_version").getInt();
    } catch (const SQLite::Exception& e) {
      throw core::Error(ErrorCode::storage, "cannot open database " + path_ + ": " + e.what());
    }
  }

  void read(const std::function<void(Tx&)>& fn) override {
    auto conn = acquire_reader();
    try {
      conn->run("BEGIN");
      try {
        SqliteTx tx(*conn);
        fn(tx);
        conn->run("COMMIT");
      } catch (...) {
        conn->run("ROLLBACK");
        throw;
      }
    } catch (const SQLite::Exception& e) {
      release_reader(std::move(conn));
      throw storage_error(e);
    } catch (...) {
      release_reader(std::move(conn));
      throw;
    }
    release_reader(std::move(conn));
  }

  // Group commit. Concurrent writers queue their functions; the first to find no batch running
  // leads: it runs everything queued in one transaction, each function inside its own savepoint
  // (one that throws undoes only its own writes), and commits once, so a batch costs one fsync.
  // Every caller returns only after the commit that holds its writes, or with its own error.
  void write(const std::function<void(Tx&)>& fn) override {
    PendingWrite mine{&fn, nullptr, false};
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&mine);
    queue_cv_.wait(lock, [&] { return mine.done || !leader_active_; });
    if (!mine.done) {
      leader_active_ = true;
      std::vector<PendingWrite*> batch;
      batch.swap(queue_);
      lock.unlock();
      run_batch(batch);
      lock.lock();
      leader_active_ = false;
      for (auto* p : batch) p->done = true;
      queue_cv_.notify_all();
    }
    if (mine.error) std::rethrow_exception(mine.error);
  }

  // Set once by the migrations at open; reading it must not wait for a commit in progress.
  int schema_version() override { return schema_version_; }

  std::string describe() const override { return "sqlite:" + path_; }

 private:
  struct PendingWrite {
    const std::function<void(Tx&)>* fn;
    std::exception_ptr error;
    bool done = false;
  };

  static std::exception_ptr current_error() {
    try {
      throw;
    } catch (const SQLite::Exception& e) {
      return std::make_exception_ptr(storage_error(e));
    } catch (...) {
      return std::current_exception();
    }
  }

  void run_batch(const std::vector<PendingWrite*>& batch) {
    std::lock_guard lock(write_mutex_);
    try {
      writer_->run("BEGIN IMMEDIATE");
    } catch (...) {
      for (auto* p : batch) p->error = current_error();
      return;
    }
    SqliteTx tx(*writer_);
    const bool alone = batch.size() == 1;  // a lone write needs no savepoint
    for (auto* p : batch) {
      try {
        if (alone) {
          (*p->fn)(tx);
          continue;
        }
        writer_->run("SAVEPOINT w");
        try {
          (*p->fn)(tx);
          writer_->run("RELEASE w");
        } catch (...) {
          writer_->run("ROLLBACK TO w");
          writer_->run("RELEASE w");
          throw;
        }
      } catch (...) {
        p->error = current_error();
      }
    }
    try {
      if (!(alone && batch[0]->error)) tx.flush_seq();
      writer_->run(alone && batch[0]->error ? "ROLLBACK" : "COMMIT");
    } catch (...) {
      auto error = current_error();
      try {
        writer_->run("ROLLBACK");
      } catch (...) {
      }
      for (auto* p : batch) {
        if (!p->error) p->error = error;
      }
    }
  }

  void migrate() {
    auto migrations = sqlite_migrations();
    int version = writer_->db().execAndGet("PRAGMA user_version").getInt();
    if (version > static_cast<int>(migrations.size())) {
      throw core::Error(ErrorCode::storage,
                        "database schema version " + std::to_string(version) +
                            " is newer than this build knows (" +
                            std::to_string(migrations.size()) + ")");
    }
    for (auto i = static_cast<std::size_t>(version); i < migrations.size(); ++i) {
      SQLite::Transaction t(writer_->db());
      writer_->db().exec(std::string(migrations[i]));
      writer_->db().exec("PRAGMA user_version = " + std::to_string(i + 1));
      t.commit();
    }
  }

  std::unique_ptr<Connection> acquire_reader() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!readers_.empty()) {
        auto c = std::move(readers_.back());
        readers_.pop_back();
        return c;
      }
    }
    return std::make_unique<Connection>(path_, options_);
  }

  void release_reader(std::unique_ptr<Connection> c) {
    std::lock_guard lock(pool_mutex_);
    if (static_cast<int>(readers_.size()) < std::max(options_.readers, 1) * 4) {
      readers_.push_back(std::move(c));
    }
  }

  std::string path_;
  SqliteOptions options_;
  int schema_version_ = 0;
  std::mutex write_mutex_;  // guards writer_
  std::mutex queue_mutex_;  // guards queue_ and leader_active_
  std::condition_variable queue_cv_;
  std::vector<PendingWrite*> queue_;
  bool leader_active_ = false;
  std::unique_ptr<Connection> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_;
};

}  // namespace

std::string_view to_string(EntityKind kind) {
  switch (kind) {
    case EntityKind::user: return "user";
    case EntityKind::store: return "store";
    case EntityKind::product: return "product";
    case EntityKind::assortment_rule: return "assortment_rule";
    case EntityKind::visit: return "visit";
    case EntityKind::audit: return "audit";
    case EntityKind::order: return "order";
    case EntityKind::attachment: return "attachment";
    case EntityKind::sales: return "sales";
    case EntityKind::segment: return "segment";
    case EntityKind::campaign: return "campaign";
    case EntityKind::note: return "note";
    case EntityKind::task: return "task";
    case EntityKind::conflict: return "conflict";
  }
  return "unknown";
}

std::unique_ptr<Storage> open_sqlite(const std::string& path, const SqliteOptions& options) {
  return std::make_unique<SqliteStorage>(path, options);
}

int sqlite_latest_schema_version() { return static_cast<int>(sqlite_migrations().size()); }

}  // namespace boucle::storage
