#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "api/app.hpp"
#include "sim/records.hpp"

// Writing to the CRM the way its clients do: every record is an HTTP-shaped request handled
// in-process by api::App (validation, authorisation, storage, one transaction each). Used by
// the demo seeder and by the simulator's closed loop.
namespace boucle::sim {

class CrmClient {
 public:
  explicit CrmClient(api::App& app) : app_(app) {}

  // Throws std::runtime_error with the problem+json body when the answer is not 2xx.
  boost::json::value call(api::Method method, const std::string& target, const std::string& token,
                          const std::string& body = "",
                          const std::string& content_type = "application/json");
  boost::json::value post(const std::string& target, const std::string& token,
                          const boost::json::value& body);
  std::string login(const std::string& email, const std::string& password);
  // Every item of a paginated list.
  std::vector<boost::json::object> all(const std::string& path, const std::string& token);

  std::size_t requests() const { return requests_; }
  api::App& app() { return app_; }

 private:
  api::App& app_;
  std::size_t requests_ = 0;
};

// The master data as a company loads it: users through the API (the first admin directly, as
// `boucle user add` does), products and stores as CSV imports, assortment rules one by one.
struct MasterData {
  std::vector<Account> users;  // users[0] is the first admin
  std::vector<StoreRecord> stores;
  std::vector<core::Product> products;
  std::vector<AssortmentRecord> assortment;
};

struct CrmIds {
  std::map<std::string, std::string> tokens;  // by email: a session of every user
  std::map<std::string, core::Id> users;      // by email
  std::map<std::string, core::Id> stores;     // by code
  std::map<std::string, core::Id> products;   // by sku
};

CrmIds load_master_data(CrmClient& client, const MasterData& data);

// Money and CSV cells as the import formats want them.
std::string csv_cell(std::string_view s);
std::string euros_text(core::Cents c);

}  // namespace boucle::sim
