#include "storage/migrations.hpp"

#include <array>

namespace boucle::storage {

namespace {

// Conventions: every synced table has id, version, seq (global change sequence of its last
// write), deleted (tombstone), created_at, updated_at (unix seconds). Composite values (hours,
// tags) are JSON text in the form of core/json.hpp.
constexpr std::string_view V1 = R"SQL(
CREATE TABLE seq_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO seq_counter (id, value) VALUES (1, 0);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
  password_hash TEXT NOT NULL,
  home_lat REAL,
  home_lon REAL,
  working_hours TEXT NOT NULL,
  lunch_start INTEGER NOT NULL,
  lunch_end INTEGER NOT NULL,
  lunch_minutes INTEGER NOT NULL,
  overnight_allowed INTEGER NOT NULL,
  max_daily_driving INTEGER NOT NULL,
  active INTEGER NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX users_seq ON users (seq);

CREATE TABLE stores (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  banner TEXT NOT NULL,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  postcode TEXT NOT NULL,
  city TEXT NOT NULL,
  lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  timezone TEXT NOT NULL,
  opening_hours TEXT NOT NULL,
  potential REAL NOT NULL,
  size_sqm INTEGER NOT NULL,
  assigned_rep_id INTEGER REFERENCES users (id),
  visit_frequency_days INTEGER NOT NULL,
  tags TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX stores_seq ON stores (seq);
CREATE INDEX stores_rep ON stores (assigned_rep_id, id);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  ean TEXT NOT NULL,
  name TEXT NOT NULL,
  brand TEXT NOT NULL,
  range TEXT NOT NULL,
  price INTEGER NOT NULL,
  launched_on TEXT,
  active INTEGER NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX products_seq ON products (seq);

CREATE TABLE assortment_rules (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products (id),
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX assortment_rules_key ON assortment_rules (channel, product_id);
CREATE INDEX assortment_rules_seq ON assortment_rules (seq);

CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  client_id TEXT UNIQUE,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  rep_id INTEGER NOT NULL REFERENCES users (id),
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  planned_at INTEGER,
  checkin_at INTEGER,
  checkin_lat REAL,
  checkin_lon REAL,
  checkin_distance_m REAL,
  checkin_far INTEGER NOT NULL DEFAULT 0,
  checkin_reason TEXT NOT NULL DEFAULT '',
  checkout_at INTEGER,
  checkout_lat REAL,
  checkout_lon REAL,
  report TEXT NOT NULL DEFAULT '',
  next_steps TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX visits_seq ON visits (seq);
CREATE INDEX visits_store ON visits (store_id, id);
CREATE INDEX visits_rep ON visits (rep_id, id);

CREATE TABLE audits (
  id INTEGER PRIMARY KEY,
  client_id TEXT UNIQUE,
  visit_id INTEGER NOT NULL REFERENCES visits (id),
  store_id INTEGER NOT NULL REFERENCES stores (id),
  rep_id INTEGER NOT NULL REFERENCES users (id),
  product_id INTEGER NOT NULL REFERENCES products (id),
  present INTEGER NOT NULL,
  facings INTEGER NOT NULL,
  shelf_price INTEGER,
  out_of_stock INTEGER NOT NULL,
  promo INTEGER NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX audits_visit_product ON audits (visit_id, product_id);
CREATE INDEX audits_seq ON audits (seq);
CREATE INDEX audits_store ON audits (store_id, id);

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  client_id TEXT UNIQUE,
  visit_id INTEGER REFERENCES visits (id),
  store_id INTEGER NOT NULL REFERENCES stores (id),
  rep_id INTEGER NOT NULL REFERENCES users (id),
  status TEXT NOT NULL,
  total INTEGER NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX orders_seq ON orders (seq);
CREATE INDEX orders_store ON orders (store_id, id);
CREATE INDEX orders_visit ON orders (visit_id);

CREATE TABLE order_lines (
  order_id INTEGER NOT NULL REFERENCES orders (id),
  line_no INTEGER NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products (id),
  quantity INTEGER NOT NULL,
  unit_price INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE sales (
  id INTEGER PRIMARY KEY,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  product_id INTEGER NOT NULL REFERENCES products (id),
  week TEXT NOT NULL,
  units INTEGER NOT NULL,
  revenue INTEGER NOT NULL,
  seq INTEGER NOT NULL
);
CREATE UNIQUE INDEX sales_key ON sales (store_id, product_id, week);
CREATE INDEX sales_seq ON sales (seq);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  visit_id INTEGER REFERENCES visits (id),
  rep_id INTEGER NOT NULL REFERENCES users (id),
  filename TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX attachments_seq ON attachments (seq);
CREATE INDEX attachments_store ON attachments (store_id, id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
)SQL";

// V2: plans (a rep × a period → day routes of ordered stops), what their planner was told
// (candidates, parameters) so they can be re-planned, and each rep's calendar-feed key.
// Instants are unix seconds like everywhere else (the API shows them as RFC 3339); dates are
// local civil dates YYYY-MM-DD in the plan's time zone. Money inside plans is micro-euros.
constexpr std::string_view V2 = R"SQL(
CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  rep_id INTEGER NOT NULL REFERENCES users (id),
  start_date TEXT NOT NULL,
  days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 14),
  status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
  seed INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  per_metre INTEGER NOT NULL,
  per_second INTEGER NOT NULL,
  hotel_per_night INTEGER NOT NULL,
  mix_penalty INTEGER NOT NULL,
  hotel_min_distance_m REAL NOT NULL,
  time_limit_seconds REAL NOT NULL,
  max_iterations INTEGER NOT NULL,
  mandatory_planned INTEGER NOT NULL,
  mandatory_total INTEGER NOT NULL,
  visit_count INTEGER NOT NULL,
  nights_away INTEGER NOT NULL,
  prizes INTEGER NOT NULL,
  travel_cost INTEGER NOT NULL,
  hotel_cost INTEGER NOT NULL,
  penalties INTEGER NOT NULL,
  value INTEGER NOT NULL,
  distance_m REAL NOT NULL,
  drive_seconds INTEGER NOT NULL,
  published_at INTEGER,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX plans_rep ON plans (rep_id, id);
CREATE INDEX plans_seq ON plans (seq);

CREATE TABLE plan_candidates (
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  ord INTEGER NOT NULL,
  visit_index INTEGER,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  type TEXT NOT NULL CHECK (type IN ('deep', 'quick')),
  kind TEXT NOT NULL CHECK (kind IN ('optional', 'mandatory', 'appointment')),
  duration_seconds INTEGER NOT NULL,
  prize INTEGER NOT NULL,
  why TEXT NOT NULL,
  first_day INTEGER NOT NULL,
  grp INTEGER NOT NULL,
  group_gap_days INTEGER NOT NULL,
  locked_day INTEGER,
  appointment_visit_id INTEGER REFERENCES visits (id),
  appointment_at INTEGER,
  unplanned_reason TEXT,
  PRIMARY KEY (plan_id, ord)
);

CREATE TABLE plan_days (
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  date TEXT NOT NULL,
  depart_at INTEGER NOT NULL,
  back_at INTEGER NOT NULL,
  start_store_id INTEGER REFERENCES stores (id),
  end_store_id INTEGER REFERENCES stores (id),
  has_lunch INTEGER NOT NULL,
  lunch_after INTEGER NOT NULL,
  lunch_start_at INTEGER NOT NULL,
  lunch_end_at INTEGER NOT NULL,
  distance_m REAL NOT NULL,
  drive_seconds INTEGER NOT NULL,
  work_seconds INTEGER NOT NULL,
  PRIMARY KEY (plan_id, date)
);

CREATE TABLE plan_stops (
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  date TEXT NOT NULL,
  position INTEGER NOT NULL,
  candidate INTEGER NOT NULL,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  type TEXT NOT NULL CHECK (type IN ('deep', 'quick')),
  kind TEXT NOT NULL CHECK (kind IN ('optional', 'mandatory', 'appointment')),
  arrival_at INTEGER NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  locked INTEGER NOT NULL,
  done INTEGER NOT NULL,
  visit_id INTEGER REFERENCES visits (id),
  PRIMARY KEY (plan_id, date, position)
);
CREATE INDEX plan_stops_visit ON plan_stops (visit_id);

CREATE TABLE calendar_keys (
  rep_id INTEGER PRIMARY KEY REFERENCES users (id),
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
)SQL";

// V3: targeting and campaigns (docs/TARGETING.md). A segment keeps its current members and
// every join and leave; a campaign names its segment, its KPI objective and its visit template
// (JSON text). Visits gain the category shelf's facings counted in them (share of shelf).
constexpr std::string_view V3 = R"SQL(
ALTER TABLE visits ADD COLUMN category_facings INTEGER;

CREATE TABLE segments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  expression TEXT NOT NULL,
  dynamic INTEGER NOT NULL,
  member_count INTEGER NOT NULL,
  refreshed_at INTEGER,
  refreshed_seq INTEGER NOT NULL,
  created_by INTEGER REFERENCES users (id),
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX segments_name ON segments (name) WHERE deleted = 0;
CREATE INDEX segments_seq ON segments (seq);

CREATE TABLE segment_members (
  segment_id INTEGER NOT NULL REFERENCES segments (id),
  store_id INTEGER NOT NULL REFERENCES stores (id),
  since INTEGER NOT NULL,
  PRIMARY KEY (segment_id, store_id)
) WITHOUT ROWID;

CREATE TABLE segment_events (
  id INTEGER PRIMARY KEY,
  segment_id INTEGER NOT NULL REFERENCES segments (id),
  store_id INTEGER NOT NULL REFERENCES stores (id),
  joined INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX segment_events_segment ON segment_events (segment_id, id);
CREATE INDEX segment_events_store ON segment_events (segment_id, store_id, id);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  segment_id INTEGER NOT NULL REFERENCES segments (id),
  kpi TEXT NOT NULL,
  range TEXT,
  product_id INTEGER REFERENCES products (id),
  baseline REAL,
  goal REAL NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  visit_value INTEGER NOT NULL,
  control_share REAL NOT NULL,
  seed INTEGER NOT NULL,
  visit_template TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'ended')),
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX campaigns_name ON campaigns (name) WHERE deleted = 0;
CREATE INDEX campaigns_seq ON campaigns (seq);
CREATE INDEX campaigns_segment ON campaigns (segment_id);
)SQL";

// V4: offline sync (docs/SYNC.md). Each device's last applied mutation number; notes, tasks and
// store-field conflicts as synced records; photos' bytes, content-addressed, and the chunks of
// uploads in progress; attachments get their client id; a rep's territory epoch moves when a
// store enters or leaves their territory, telling their devices to reload.
constexpr std::string_view V4 = R"SQL(
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  last_applied INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE users ADD COLUMN territory_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX attachments_client ON attachments (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX attachments_sha ON attachments (sha256);

CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL UNIQUE,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  author_id INTEGER NOT NULL REFERENCES users (id),
  text TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX notes_seq ON notes (seq);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL UNIQUE,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  author_id INTEGER NOT NULL REFERENCES users (id),
  title TEXT NOT NULL,
  done INTEGER NOT NULL,
  due_date TEXT,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tasks_seq ON tasks (seq);

CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  field TEXT NOT NULL,
  base_value TEXT NOT NULL,
  client_value TEXT NOT NULL,
  server_value TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (id),
  status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  resolution TEXT NOT NULL,
  resolved_by INTEGER REFERENCES users (id),
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX conflicts_seq ON conflicts (seq);
CREATE INDEX conflicts_status ON conflicts (status, id);

CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  data BLOB NOT NULL,
  uploaded_by INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE uploads (
  sha256 TEXT PRIMARY KEY,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  received INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (id),
  started_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Tombstones older than the horizon may be purged; a device whose cursor is older reloads.
CREATE TABLE sync_horizon (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  purged_through_seq INTEGER NOT NULL
);
INSERT INTO sync_horizon (id, purged_through_seq) VALUES (1, 0);

CREATE TABLE upload_chunks (
  sha256 TEXT NOT NULL,
  offset INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (sha256, offset)
) WITHOUT ROWID;
)SQL";

constexpr std::array<std::string_view, 4> MIGRATIONS = {V1, V2, V3, V4};

}  // namespace

std::span<const std::string_view> sqlite_migrations() { return MIGRATIONS; }

}  // namespace boucle::storage
