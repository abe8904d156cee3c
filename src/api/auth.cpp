#include "api/auth.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/error.hpp"

namespace boucle::api {

namespace {

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw core::Error(core::ErrorCode::internal, "libsodium failed to initialise");
}

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw core::Error(core::ErrorCode::internal, "out of memory while hashing a password");
  }
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  ensure_sodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string token_hash(std::string_view token) {
  ensure_sodium();
  // A fast keyless hash is enough: tokens carry 256 random bits, so no dictionary applies.
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::optional<int> LoginLimiter::check(std::deque<Clock::time_point>& q, int max,
                                       Clock::time_point now) {
  while (!q.empty() && now - q.front() > window_) q.pop_front();
  if (static_cast<int>(q.size()) < max) return std::nullopt;
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(q.front() + window_ - now);
  return std::max<int>(1, static_cast<int>(wait.count()) + 1);
}

std::optional<int> LoginLimiter::blocked(const std::string& email, const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (auto it = by_email_.find(email); it != by_email_.end()) {
    if (auto w = check(it->second, max_failures_, now)) return w;
  }
  if (auto it = by_address_.find(address); it != by_address_.end()) {
    // An address may try several accounts (an office behind one NAT), hence a wider budget.
    if (auto w = check(it->second, max_failures_ * 4, now)) return w;
  }
  return std::nullopt;
}

void LoginLimiter::record_failure(const std::string& email, const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  // Bound memory under a flood of distinct emails: forget everyone when too many are tracked.
  if (by_email_.size() > 100'000) by_email_.clear();
  if (by_address_.size() > 100'000) by_address_.clear();
  by_email_[email].push_back(now);
  by_address_[address].push_back(now);
}

}  // namespace boucle::api
