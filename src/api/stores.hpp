#pragma once

#include <vector>

#include "core/domain.hpp"
#include "core/error.hpp"
#include "storage/storage.hpp"

namespace boucle::api {

// Rules a store must satisfy before it is stored, whether it comes from JSON or from a CSV
// row: a known time zone, an assigned rep that exists and is a rep. Appends FieldErrors.
void check_store(storage::Tx& tx, const core::Store& store, std::vector<core::FieldError>& errors);

// Rules of a product: EAN of 8 or 13 digits with a valid check digit, or empty.
void check_product(const core::Product& product, std::vector<core::FieldError>& errors);

}  // namespace boucle::api
