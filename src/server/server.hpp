#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boucle::api {
class App;
}

// The HTTP transport: Boost.Beast over a pool of threads running one io_context. It owns
// sockets, keep-alive, timeouts and body limits, and hands each parsed request to api::App.
// Beast and Asio headers stay inside server.cpp.
namespace boucle::server {

struct Options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port (see Server::port())
  int threads = 0;            // 0: two per hardware thread, at least 4
  int read_timeout_seconds = 30;
  std::size_t max_header_bytes = 16 * 1024;
};

class Server {
 public:
  Server(api::App& app, Options options);
  ~Server();

  // Binds and starts listening; after this, port() is the bound port.
  void start();
  // Blocks until stop() is called or SIGINT/SIGTERM arrives (when handle_signals).
  void run(bool handle_signals = true);
  void stop();
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace boucle::server
