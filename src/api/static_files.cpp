#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/app.hpp"

// The built web app (web/dist) served at "/": files by path, and index.html for any other path
// outside /api so that the app's own routes survive a reload. Hashed assets are immutable; the
// page, the manifest and the service worker are revalidated on every load so that a new build
// reaches devices. A pre-compressed ".gz" twin is sent to clients that accept gzip.
namespace boucle::api {

namespace {

std::string_view content_type_of(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool safe_relative(std::string_view path) {
  // Only plain segments: no "..", no ".", no backslashes, no NUL.
  std::size_t i = 0;
  while (i < path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    auto seg = path.substr(i, j - i);
    if (seg == ".." || seg == "." || seg.find('\\') != std::string_view::npos ||
        seg.find('\0') != std::string_view::npos) {
      return false;
    }
    i = j + 1;
  }
  return true;
}

}  // namespace

std::optional<Response> serve_static(const Config& config, const Request& request,
                                     std::string_view path) {
  if (config.web_root.empty()) return std::nullopt;
  if (request.method != Method::get && request.method != Method::head) return std::nullopt;
  if (path.starts_with("/api/") || path == "/api" || path == "/healthz" || path == "/metrics") {
    return std::nullopt;
  }
  if (!safe_relative(path)) return std::nullopt;
  const std::filesystem::path root(config.web_root);
  std::string rel(path.substr(1));
  if (rel.empty()) rel = "index.html";
  std::filesystem::path file = root / rel;
  auto body = read_file(file);
  if (!body) {
    // A path with an extension is a missing file; any other is a route of the app.
    if (std::filesystem::path(rel).has_extension()) return std::nullopt;
    file = root / "index.html";
    body = read_file(file);
    if (!body) return std::nullopt;
  }
  Response r;
  r.status = 200;
  r.content_type = std::string(content_type_of(file));
  const bool immutable = rel.starts_with("assets/");
  r.headers.emplace_back("Cache-Control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (request.accept_encoding.find("gzip") != std::string::npos) {
    if (auto gz = read_file(file.string() + ".gz")) {
      body = std::move(gz);
      r.headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.body = std::move(*body);
  return r;
}

}  // namespace boucle::api
