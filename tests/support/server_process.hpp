#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Runs the real `boucle` binary as a child process for tests: `serve --port 0` on a database
// file, waiting for its "listening on" line to learn the port.
namespace boucle::testing {

std::string boucle_binary();

// A fresh temporary database path (removed, with its -wal and -shm, by remove_database).
std::string temp_database(const std::string& name);
void remove_database(const std::string& path);

// `boucle user add` with the password on standard input; returns its exit status.
int add_user(const std::string& db, const std::string& role, const std::string& email,
             const std::string& password);

class ServerProcess {
 public:
  ServerProcess(std::string db, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  bool alive();
  void kill_hard();   // SIGKILL, no chance to flush anything
  void terminate();   // SIGTERM and wait

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace boucle::testing
