#include "server_process.hpp"

#include <algorithm>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace boucle::testing {

std::string boucle_binary() { return BOUCLE_BINARY; }

std::string temp_database(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() /
              ("boucle-test-" + std::to_string(::getpid()) + "-" + name + ".db");
  remove_database(path.string());
  return path.string();
}

void remove_database(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

int add_user(const std::string& db, const std::string& role, const std::string& email,
             const std::string& password) {
  const std::string cmd = boucle_binary() + " user add --db '" + db + "' --role " + role +
                          " --email '" + email + "' > /dev/null";
  FILE* p = ::popen(cmd.c_str(), "w");
  if (!p) return -1;
  std::fputs((password + "\n").c_str(), p);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ServerProcess::ServerProcess(std::string db, std::vector<std::string> extra_args) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {boucle_binary(), "serve", "--db", db, "--port", "0",
                                   "--threads", "2"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  // The API alone unless a test asks for a web app: whether web/dist was built must not matter.
  if (std::find(extra_args.begin(), extra_args.end(), "--web-root") == extra_args.end()) {
    args.insert(args.end(), {"--web-root", "none"});
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // Read until the "listening on http://127.0.0.1:PORT" line.
  std::string seen;
  char c;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline && ::read(out[0], &c, 1) == 1) {
    seen += c;
    if (c == '\n') {
      auto pos = seen.rfind("listening on http://");
      if (pos != std::string::npos) {
        auto colon = seen.rfind(':');
        port_ = static_cast<std::uint16_t>(std::stoi(seen.substr(colon + 1)));
        break;
      }
    }
  }
  stdout_fd_ = out[0];  // kept open: a closed pipe would kill the server on its next print
  if (port_ == 0) {
    kill_hard();
    throw std::runtime_error("boucle serve did not start: " + seen);
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) terminate();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  return ::waitpid(pid_, &status, WNOHANG) == 0;
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServerProcess::terminate() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_hard();
}

}  // namespace boucle::testing
