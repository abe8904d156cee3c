#pragma once

#include <span>
#include <string_view>

namespace boucle::storage {

// Versioned schema migrations: migration i (1-based) brings the schema from version i-1 to i.
// Never edit a released migration; append a new one.
std::span<const std::string_view> sqlite_migrations();

}  // namespace boucle::storage
