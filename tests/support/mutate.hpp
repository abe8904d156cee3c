#pragma once

#include <random>
#include <string>
#include <string_view>

namespace boucle::testing {

// Applies 1 to `max_edits` random edits (insert, erase, replace) drawn from `alphabet`;
// deterministic for a seeded engine.
inline std::string mutate(std::string s, std::mt19937_64& rng, std::string_view alphabet,
                          int max_edits = 8) {
  const int edits = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_edits));
  for (int e = 0; e < edits; ++e) {
    const std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    const char c = alphabet[rng() % alphabet.size()];
    switch (rng() % 3) {
      case 0:
        s.insert(pos, 1, c);
        break;
      case 1:
        if (pos < s.size()) s.erase(pos, 1);
        break;
      default:
        if (pos < s.size()) s[pos] = c;
        break;
    }
  }
  return s;
}

}  // namespace boucle::testing
