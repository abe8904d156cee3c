#pragma once

#include <boost/json/object.hpp>

#include "storage/storage.hpp"

namespace boucle::api {

// One page of the changes feed after `since` that `scope` may see, read with `tx`:
// {"items": [{"seq","kind","id","deleted","data"}], "next_since", "has_more", "last_seq"}.
boost::json::object changes_page(storage::Tx& tx, core::Seq since, const storage::Scope& scope,
                                 int limit, bool with_sales);

}  // namespace boucle::api
