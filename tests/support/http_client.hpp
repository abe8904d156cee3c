#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

// A small blocking HTTP/1.1 client for tests and tools, over one keep-alive connection
// (reconnecting when the server closed it). Beast stays inside http_client.cpp.
namespace boucle::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  boost::json::value json() const;
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

  // JSON helpers that add the bearer token when set.
  std::string token;
  HttpResponse get(const std::string& target);
  HttpResponse del(const std::string& target);
  HttpResponse post(const std::string& target, const boost::json::value& body);
  HttpResponse patch(const std::string& target, const boost::json::value& body,
                     const std::string& if_match = "");
  HttpResponse post_csv(const std::string& target, const std::string& csv);

  // Sends raw bytes on a new connection and returns whatever comes back before close.
  std::string raw(const std::string& bytes);
  // Sends raw bytes on a new connection and reads until `marker` arrives (or the peer closes).
  std::string raw_until(const std::string& bytes, const std::string& marker);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_;
  std::string host_;
};

}  // namespace boucle::testing
