#pragma once

#include "api/app.hpp"
#include "sim/demo.hpp"

namespace boucle::cli {

// Writes a demo world into an empty database through the real write path: every record is
// an HTTP-shaped request handled by api::App (validation, authorisation, storage), as a
// client would send it. Only the first admin is created directly, as `boucle user add` does.
// Prints progress lines. Throws if any request is refused.
void seed_demo(api::App& app, const sim::DemoWorld& world);

}  // namespace boucle::cli
