#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/domain.hpp"

namespace boucle::api {

// Who is calling: the authenticated user. A rep's reads and writes are scoped to their territory.
struct Principal {
  core::User user;
  core::Role role() const { return user.role; }
  bool is_rep() const { return user.role == core::Role::rep; }
};

// argon2id (libsodium crypto_pwhash_str, "interactive" limits).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

// A random opaque token (256 bits, base64url) and the hash under which it is stored.
std::string new_token();
std::string token_hash(std::string_view token);

// Sliding-window limit on failed logins, per email and per client address.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  // Seconds to wait if this email or address is locked out, else nullopt.
  std::optional<int> blocked(const std::string& email, const std::string& address);
  void record_failure(const std::string& email, const std::string& address);

 private:
  using Clock = std::chrono::steady_clock;
  std::optional<int> check(std::deque<Clock::time_point>& q, int max, Clock::time_point now);

  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> by_email_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> by_address_;
};

}  // namespace boucle::api
