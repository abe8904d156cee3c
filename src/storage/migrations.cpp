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

constexpr std::array<std::string_view, 1> MIGRATIONS = {V1};

}  // namespace

std::span<const std::string_view> sqlite_migrations() { return MIGRATIONS; }

}  // namespace boucle::storage
