#include "server/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

#include "api/app.hpp"

namespace boucle::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

api::Request to_api(http::request<http::string_body>&& req, const std::string& ip) {
  api::Request r;
  r.method = api::parse_method(std::string_view(req.method_string().data(), req.method_string().size()));
  r.target = std::string(req.target());
  r.content_type = std::string(req[http::field::content_type]);
  r.authorization = std::string(req[http::field::authorization]);
  r.if_match = std::string(req[http::field::if_match]);
  r.accept_encoding = std::string(req[http::field::accept_encoding]);
  r.body = std::move(req.body());
  r.client_ip = ip;
  return r;
}

http::response<http::string_body> to_beast(api::Response&& res, unsigned version,
                                           bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(res.status), version};
  out.set(http::field::server, "boucle");
  if (!res.content_type.empty()) out.set(http::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(res.body);
  out.prepare_payload();
  return out;
}

// One connection: read a request (header first, to choose the body limit), answer, repeat
// while keep-alive. All handlers of a session run on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, api::App& app, const Options& options)
      : stream_(std::move(socket)), app_(app), options_(options) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    ip_ = ec ? "unknown" : ep.address().to_string();
  }

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(app_.config().max_csv_body);
    stream_.expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return fail_read(ec);
    const auto& header = parser_->get();
    const std::size_t limit = api::body_limit_for(app_.config(), header.target());
    if (auto len = parser_->content_length(); len && *len > limit) {
      return reply_error(core::ErrorCode::payload_too_large,
                         "the body is larger than " + std::to_string(limit) + " bytes");
    }
    parser_->body_limit(limit);
    // A client that asked to be told before sending its body (curl does for large uploads)
    // gets "100 Continue" at once instead of waiting for its own timeout.
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                        header.version());
      http::async_write(stream_, *interim,
                        [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail_read(ec);
    auto req = parser_->release();
    if (is_event_stream(req)) return start_events(std::move(req));
    const bool keep_alive = req.keep_alive();
    api::Response res = app_.handle(to_api(std::move(req), ip_));
    send(to_beast(std::move(res), req.version(), keep_alive));
  }

  static bool is_event_stream(const http::request<http::string_body>& req) {
    const std::string_view target(req.target().data(), req.target().size());
    constexpr std::string_view PATH = "/api/v1/events";
    return req.method() == http::verb::get && target.starts_with(PATH) &&
           (target.size() == PATH.size() || target[PATH.size()] == '?');
  }

  // Server-sent events: the answer's header, then an event whenever something the listener may
  // see changed (checked twice a second, and only after a write), and a comment line every 20 s
  // so that proxies keep the stream open. The stream ends when the client goes.
  void start_events(http::request<http::string_body>&& req) {
    const unsigned version = req.version();
    auto listener = app_.listen(to_api(std::move(req), ip_));
    if (auto* problem = std::get_if<api::Response>(&listener)) {
      return send(to_beast(std::move(*problem), version, false));
    }
    listener_.emplace(std::move(std::get<api::App::Listener>(listener)));
    writes_seen_ = app_.writes();
    stream_.expires_never();
    timer_.emplace(stream_.get_executor());
    write_event(
        "HTTP/1.1 200 OK\r\nServer: boucle\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n"
        "retry: 3000\n: connected\n\n");
    // Reading detects the client leaving (EOF or reset); nothing else is expected from it.
    drain_.resize(512);
    stream_.socket().async_read_some(
        asio::buffer(drain_), [self = shared_from_this()](beast::error_code, std::size_t) {
          self->events_closed_ = true;
          beast::error_code ignored;
          if (self->timer_) self->timer_->cancel();
          self->stream_.socket().close(ignored);
        });
    tick_events();
  }

  void tick_events() {
    if (events_closed_) return;
    timer_->expires_after(std::chrono::milliseconds(500));
    timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->events_closed_) return;
      self->since_ping_ += 1;
      std::string out;
      const auto writes = self->app_.writes();
      if (writes != self->writes_seen_) {
        self->writes_seen_ = writes;
        try {
          if (auto seq = self->app_.news_for(*self->listener_)) {
            out = "event: changed\ndata: {\"seq\":" + std::to_string(*seq) + "}\n\n";
          }
        } catch (const std::exception& e) {
          spdlog::warn("event stream: {}", e.what());
        }
      }
      if (out.empty() && self->since_ping_ >= 40) out = ": ping\n\n";
      if (out.empty()) return self->tick_events();
      self->since_ping_ = 0;
      self->write_event(std::move(out));
      self->tick_events();
    });
  }

  // One write at a time; an event due while one is being written waits for the next tick.
  void write_event(std::string text) {
    if (event_writing_) {
      pending_events_ += text;
      return;
    }
    event_writing_ = true;
    auto buf = std::make_shared<std::string>(std::move(text));
    asio::async_write(stream_.socket(), asio::buffer(*buf),
                      [self = shared_from_this(), buf](beast::error_code ec, std::size_t) {
                        self->event_writing_ = false;
                        if (ec) {
                          self->events_closed_ = true;
                          if (self->timer_) self->timer_->cancel();
                          return;
                        }
                        if (!self->pending_events_.empty()) {
                          std::string next;
                          next.swap(self->pending_events_);
                          self->write_event(std::move(next));
                        }
                      });
  }

  void fail_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return reply_error(core::ErrorCode::payload_too_large, "the body is too large");
    }
    if (ec == http::error::header_limit) {
      return reply_error(core::ErrorCode::header_too_large, "the header is too large");
    }
    reply_error(core::ErrorCode::bad_request, "malformed HTTP request: " + ec.message());
  }

  // A transport-level error: answer problem+json and close the connection.
  void reply_error(core::ErrorCode code, const std::string& detail) {
    api::Response res = api::problem_response(core::Error(code, detail));
    app_.metrics().observe("?", "transport", res.status, 0);
    send(to_beast(std::move(res), 11, false));
  }

  void send(http::response<http::string_body>&& msg) {
    auto sp = std::make_shared<http::response<http::string_body>>(std::move(msg));
    response_ = sp;
    stream_.expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    http::async_write(stream_, *sp,
                      beast::bind_front_handler(&Session::on_write, shared_from_this(),
                                                sp->need_eof()));
  }

  void on_write(bool close_after, beast::error_code ec, std::size_t) {
    response_.reset();
    if (ec) return close();
    if (close_after) return linger();
    read_header();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // After an answer that closes the connection while the client may still be sending (a body
  // refused as too large), stop sending and drain what arrives for a short while: closing with
  // unread data would reset the connection and could destroy the answer before it is read.
  void linger() {
    close();
    stream_.expires_after(std::chrono::seconds(2));
    drain_.resize(16 * 1024);
    stream_.async_read_some(asio::buffer(drain_),
                            beast::bind_front_handler(&Session::on_drain, shared_from_this()));
  }

  void on_drain(beast::error_code ec, std::size_t) {
    if (ec) return;  // EOF, timeout or reset: the session ends and the socket closes
    stream_.async_read_some(asio::buffer(drain_),
                            beast::bind_front_handler(&Session::on_drain, shared_from_this()));
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;
  std::vector<char> drain_;
  // The event stream, once this connection became one.
  std::optional<api::App::Listener> listener_;
  std::optional<asio::steady_timer> timer_;
  std::uint64_t writes_seen_ = 0;
  int since_ping_ = 0;
  bool events_closed_ = false;
  bool event_writing_ = false;
  std::string pending_events_;
  api::App& app_;
  const Options& options_;
  std::string ip_;
};

}  // namespace

struct Server::Impl {
  Impl(api::App& a, Options o)
      : app(a), options(std::move(o)), ioc(threads_for(options)), acceptor(ioc),
        signals(ioc) {}

  static int threads_for(const Options& o) {
    if (o.threads > 0) return o.threads;
    // Handlers run on these threads and a write waits for its commit (fsync): more threads than
    // cores keep reads flowing while writes wait on the disk.
    return std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(s), app, options)->start();
      }
      accept();
    });
  }

  api::App& app;
  Options options;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::vector<std::thread> pool;
};

Server::Server(api::App& app, Options options)
    : impl_(std::make_unique<Impl>(app, std::move(options))) {}

Server::~Server() {
  stop();
  for (auto& t : impl_->pool) {
    if (t.joinable()) t.join();
  }
}

void Server::start() {
  auto& i = *impl_;
  tcp::endpoint ep{asio::ip::make_address(i.options.address), i.options.port};
  i.acceptor.open(ep.protocol());
  i.acceptor.set_option(asio::socket_base::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen(asio::socket_base::max_listen_connections);
  i.accept();
}

void Server::run(bool handle_signals) {
  auto& i = *impl_;
  if (handle_signals) {
    i.signals.add(SIGINT);
    i.signals.add(SIGTERM);
    i.signals.async_wait([this](beast::error_code, int sig) {
      spdlog::info("signal {} received, stopping", sig);
      stop();
    });
  }
  const int n = Impl::threads_for(i.options);
  for (int k = 1; k < n; ++k) i.pool.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& t : i.pool) {
    if (t.joinable()) t.join();
  }
  i.pool.clear();
}

void Server::stop() {
  auto& i = *impl_;
  asio::post(i.ioc, [&i] {
    beast::error_code ec;
    i.acceptor.close(ec);
    i.signals.cancel(ec);
  });
  i.ioc.stop();
}

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace boucle::server
