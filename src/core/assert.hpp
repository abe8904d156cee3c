#pragma once

// BOUCLE_ASSERT is for programmer errors only: a broken invariant, never bad input.
// On in debug and CI builds (BOUCLE_ENABLE_ASSERTS), compiled out in release.

namespace boucle::core {
[[noreturn]] void assertion_failed(const char* expr, const char* reason, const char* file, int line);
}

#if defined(BOUCLE_ENABLE_ASSERTS)
#define BOUCLE_ASSERT(expr, reason)                                          \
  do {                                                                       \
    if (!(expr)) ::boucle::core::assertion_failed(#expr, reason, __FILE__, __LINE__); \
  } while (false)
#else
#define BOUCLE_ASSERT(expr, reason) \
  do {                              \
  } while (false)
#endif
