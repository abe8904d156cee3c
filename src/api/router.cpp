#include "api/router.hpp"

#include <charconv>

namespace boucle::api {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get: return "GET";
    case Method::post: return "POST";
    case Method::patch: return "PATCH";
    case Method::put: return "PUT";
    case Method::del: return "DELETE";
    case Method::head: return "HEAD";
    case Method::options: return "OPTIONS";
    case Method::other: return "OTHER";
  }
  return "OTHER";
}

Method parse_method(std::string_view m) {
  if (m == "GET") return Method::get;
  if (m == "POST") return Method::post;
  if (m == "PATCH") return Method::patch;
  if (m == "PUT") return Method::put;
  if (m == "DELETE") return Method::del;
  if (m == "HEAD") return Method::head;
  if (m == "OPTIONS") return Method::options;
  return Method::other;
}

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

// Matches one path against a pattern's segments, capturing {…} segments as positive ids. A
// capture may be followed by a literal suffix in its segment ("{rep_id}.ics").
bool is_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// `{sha256}` captures a content hash instead of an id.
bool matches(const std::vector<std::string>& pat, const std::vector<std::string_view>& parts,
             std::vector<core::Id>* ids, std::string* hash) {
  if (pat.size() != parts.size()) return false;
  for (std::size_t i = 0; i < pat.size(); ++i) {
    if (pat[i] == "{sha256}") {
      if (!is_sha256(parts[i])) return false;
      *hash = std::string(parts[i]);
    } else if (!pat[i].empty() && pat[i].front() == '{') {
      const std::string_view suffix = std::string_view(pat[i]).substr(pat[i].find('}') + 1);
      std::string_view part = parts[i];
      if (!part.ends_with(suffix)) return false;
      part.remove_suffix(suffix.size());
      core::Id id = 0;
      auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
      if (ec != std::errc{} || p != part.data() + part.size() || id <= 0) return false;
      if (ids) ids->push_back(id);
    } else if (pat[i] != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(Route route) {
  std::vector<std::string> segments;
  for (auto part : split_path(route.pattern)) segments.emplace_back(part);
  segments_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

std::optional<Match> Router::match(Method method, std::string_view path,
                                   std::vector<Method>& allowed) const {
  // A trailing slash is not the same resource; "/api/v1/stores/" is unknown.
  if (path.size() > 1 && path.back() == '/') return std::nullopt;
  const auto parts = split_path(path);
  const Method wanted = method == Method::head ? Method::get : method;
  allowed.clear();
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    std::vector<core::Id> ids;
    std::string hash;
    if (!matches(segments_[i], parts, &ids, &hash)) continue;
    if (r.method == wanted) return Match{&r, std::move(ids), std::move(hash)};
    allowed.push_back(r.method);
  }
  return std::nullopt;
}

}  // namespace boucle::api
