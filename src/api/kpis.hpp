#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/app.hpp"
#include "target/facts.hpp"
#include "target/kpi.hpp"

// What KPI requests share with campaigns: universes named in a query, periods, the JSON form of
// a KPI value (docs/KPIS.md).
namespace boucle::api {

// The stores (and the reps whose driving counts) of a universe named by `spec`: "all",
// "team" (every store some rep serves), "rep:ID", "segment:ID", "region:NAME",
// "department:CODE", "store:ID"; `where` (an expression) narrows it. A rep's universe never
// leaves their territory; another rep or an unknown id is a 404.
target::Universe resolve_universe(RequestContext& ctx, const target::Facts& facts,
                                  std::string_view spec, const std::optional<std::string>& where);

// The selected products of a KPI: a range name (case-insensitive) or a product id; `field`
// names the input in errors. nullopt selects every product.
std::optional<std::uint32_t> resolve_range(const target::Facts& facts,
                                           const std::optional<std::string>& range,
                                           std::string_view field);
std::optional<std::uint32_t> resolve_product(const target::Facts& facts,
                                             std::optional<core::Id> product_id,
                                             std::string_view field);

// A KPI value as the API shows it: shares in percent (0–100, two decimals), null when
// undefined, with the numerator and denominator and what they count.
boost::json::object kpi_json(const target::KpiValue& v);

}  // namespace boucle::api
