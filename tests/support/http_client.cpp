#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace boucle::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
};

HttpClient::HttpClient(std::uint16_t port, std::string host)
    : impl_(std::make_unique<Impl>()), port_(port), host_(std::move(host)) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

boost::json::value HttpResponse::json() const { return boost::json::parse(body); }

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->stream) {
      impl_->stream.emplace(impl_->ioc);
      impl_->stream->connect(tcp::endpoint(asio::ip::make_address(host_), port_));
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, host_);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    http::write(*impl_->stream, req, ec);
    // Even if writing failed (the server refused the body and closed), its answer may be there.
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    beast::error_code read_ec;
    http::read(*impl_->stream, buffer, parser, read_ec);
    ec = read_ec;
    if (ec) {
      // The server closed a kept-alive connection (or refused a body): retry once, fresh.
      impl_->stream.reset();
      if (attempt == 0) continue;
      throw beast::system_error(ec);
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive()) impl_->stream.reset();
    return out;
  }
  throw std::runtime_error("unreachable");
}

HttpResponse HttpClient::get(const std::string& target) {
  return request("GET", target, "", token.empty() ? std::map<std::string, std::string>{}
                                                  : std::map<std::string, std::string>{
                                                        {"Authorization", "Bearer " + token}});
}

HttpResponse HttpClient::del(const std::string& target) {
  return request("DELETE", target, "",
                 token.empty() ? std::map<std::string, std::string>{}
                               : std::map<std::string, std::string>{
                                     {"Authorization", "Bearer " + token}});
}

HttpResponse HttpClient::post(const std::string& target, const boost::json::value& body) {
  std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return request("POST", target, boost::json::serialize(body), h);
}

HttpResponse HttpClient::patch(const std::string& target, const boost::json::value& body,
                               const std::string& if_match) {
  std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  if (!if_match.empty()) h["If-Match"] = if_match;
  return request("PATCH", target, boost::json::serialize(body), h);
}

HttpResponse HttpClient::post_csv(const std::string& target, const std::string& csv) {
  std::map<std::string, std::string> h{{"Content-Type", "text/csv; charset=utf-8"}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return request("POST", target, csv, h);
}

std::string HttpClient::raw(const std::string& bytes) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address(host_), port_));
  beast::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);  // the server may close before reading it all
  std::string out;
  char buf[4096];
  while (true) {
    auto n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

std::string HttpClient::raw_until(const std::string& bytes, const std::string& marker) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address(host_), port_));
  beast::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  while (out.find(marker) == std::string::npos) {
    auto n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

}  // namespace boucle::testing
