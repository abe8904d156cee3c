#pragma once

#include <string>

#include "core/domain.hpp"

// Records as a company loads them into the CRM (before ids exist): people with their password,
// stores with the email of their rep, assortment rules by SKU.
namespace boucle::sim {

// user.password_hash is left empty; role, email (lower-case), name, home, working_hours, lunch,
// overnight and max daily driving are set.
struct Account {
  core::User user;
  std::string password;
};

struct StoreRecord {
  core::Store store;
  std::string rep_email;  // the assigned rep ("" if none)
};

struct AssortmentRecord {
  core::Channel channel = core::Channel::other;
  std::string sku;
};

}  // namespace boucle::sim
