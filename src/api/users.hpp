#pragma once

#include <string>

#include "core/domain.hpp"
#include "core/error.hpp"
#include "storage/storage.hpp"

namespace boucle::api {

// Creates a user with a hashed password; the shared path of POST /api/v1/users and of
// `boucle user add`. Throws a validation error (bad email, short password) or a conflict
// (email taken). Returns the stored user.
core::User create_user(storage::Storage& db, core::User user, const std::string& password);

// Checks what every stored user must satisfy; appends FieldErrors.
void validate_user(const core::User& user, std::vector<core::FieldError>& errors);
void validate_password(const std::string& password, std::vector<core::FieldError>& errors);

}  // namespace boucle::api
