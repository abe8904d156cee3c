#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.hpp"

// The demo world: a deterministic, plausible dataset for a French consumer-goods field-sales team
// (users, stores, products, assortment, visit history with audits and orders, next week's plan,
// weekly ERP sales). Plain data, no I/O: the seeder pushes it through the API's write path.
//
// Demo logins (fixed; the README prints them):
//   admin    admin@boucle.test    / admin-demo-2026
//   manager  manager@boucle.test  / manager-demo-2026
//   reps     rep1@boucle.test     / rep1-demo-2026, rep2@boucle.test / rep2-demo-2026, …
namespace boucle::sim {

struct Options {
  std::uint64_t seed = 42;
  int reps = 6;
  int stores = 320;
  int weeks = 16;  // weeks of history before `now`
  // End of history (UTC). History covers the `weeks` full ISO weeks before now's week (Paris time);
  // planned visits cover the rest of now's week after now's day and the whole next week.
  core::UnixSeconds now = 0;
};

// user.password_hash is left empty; role, email (lower-case), name, home, working_hours, lunch,
// overnight and max daily driving are set.
struct DemoUser {
  core::User user;
  std::string password;
};

struct DemoStore {
  core::Store store;
  std::string rep_email;  // the assigned rep ("" if none)
};

struct DemoAssortment {
  core::Channel channel = core::Channel::other;
  std::string sku;
};

struct DemoAudit {
  std::string sku;
  bool present = false;
  int facings = 0;
  std::optional<core::Cents> shelf_price;
  bool out_of_stock = false;
  bool promo = false;
};

struct DemoOrderLine {
  std::string sku;
  int quantity = 0;
  core::Cents unit_price = 0;
};

struct DemoVisit {
  std::string store_code;
  std::string rep_email;
  core::VisitType type = core::VisitType::quick;
  core::UnixSeconds checkin_at = 0;
  core::UnixSeconds checkout_at = 0;
  core::GeoPoint checkin_position;
  core::GeoPoint checkout_position;
  std::string report;
  std::string next_steps;
  std::vector<DemoAudit> audits;
  std::vector<DemoOrderLine> order;  // empty order = no order taken
};

// An upcoming visit; planned_at is the planned check-in time.
struct DemoPlannedVisit {
  std::string store_code;
  std::string rep_email;
  core::VisitType type = core::VisitType::quick;
  core::UnixSeconds planned_at = 0;
};

// Weekly ERP sell-in of one store and product; week is the ISO week's Monday, YYYY-MM-DD.
struct DemoSales {
  std::string store_code;
  std::string sku;
  std::string week;
  std::int64_t units = 0;
  core::Cents revenue = 0;  // units × list price
};

struct DemoWorld {
  std::vector<DemoUser> users;  // users[0] is the admin, users[1] the manager, then the reps
  std::vector<DemoStore> stores;
  std::vector<core::Product> products;
  std::vector<DemoAssortment> assortment;
  std::vector<DemoVisit> visits;          // sorted by checkin_at
  std::vector<DemoPlannedVisit> planned;  // sorted by planned_at
  std::vector<DemoSales> sales;           // sorted by week, store code, sku
};

DemoWorld generate(const Options& options);

}  // namespace boucle::sim
