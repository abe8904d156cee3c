#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.hpp"
#include "api/json_input.hpp"
#include "core/domain.hpp"
#include "storage/storage.hpp"

// The rules of the records a rep writes in the field (visits.cpp), shared with the sync
// endpoint (sync.cpp) so that a mutation pushed offline obeys exactly the rules of the REST
// endpoints.
namespace boucle::api {

// A check-in as sent: the body of POST /visits/{id}/check-in, "checkin" of /complete, or a
// visit.checkin mutation.
struct CheckInInput {
  std::optional<double> lat, lon;
  std::optional<core::UnixSeconds> at;  // default: now
  std::optional<std::string> reason;
};

// A check-out as sent.
struct CheckOutInput {
  std::optional<double> lat, lon;
  std::optional<core::UnixSeconds> at;  // default: now
  std::optional<std::string> report, next_steps;
};

// planned → in progress at the given place and time: the server measures the distance to the
// store and flags a far check-in. Changes `v` only; the caller writes it.
void apply_check_in(storage::Tx& tx, const Config& config, core::Visit& v, const CheckInInput& c);
// in progress → done, with the report. Changes `v` only; the caller writes it.
void apply_check_out(core::Visit& v, const CheckOutInput& c, std::string_view at_field);

// Reads an audit's shelf reading (present, facings, price, out of stock, promo).
void read_audit_fields(ObjectReader& in, core::Audit& a, bool creating);
// What is wrong with a shelf reading as a whole (a problem of its "facings"), if anything.
std::optional<std::string> audit_problem(const core::Audit& a);
// Stores `a`, the audit of `product_id` in `visit`; `prefix` locates fields in errors.
void insert_audit(storage::Tx& tx, const core::Visit& visit, core::Id product_id, core::Audit& a,
                  const std::string& prefix);

// Reads "lines"; a line without unit_price_cents takes the product's list price.
std::vector<core::OrderLine> read_lines(storage::Tx& tx, ObjectReader& in, Need need,
                                        std::string_view base = "");
// An order taken during `visit`: the visit's store and rep.
void attach_to_visit(core::Order& o, const core::Visit& visit);

}  // namespace boucle::api
