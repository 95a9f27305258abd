// A child process started by a test and always stopped: SIGKILL to its whole process group on
// destruction (xapian-tcpsrv forks a child per connection, which must die with it).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace newsq::test {

class ProcessGuard {
 public:
  /// Starts `argv` (argv[0] looked up in PATH) in a new process group, stdout and stderr to
  /// /dev/null. Throws std::runtime_error when fork fails.
  explicit ProcessGuard(const std::vector<std::string>& argv);
  ~ProcessGuard();
  ProcessGuard(const ProcessGuard&) = delete;
  ProcessGuard& operator=(const ProcessGuard&) = delete;

  /// Kills the process group now and reaps the child (idempotent).
  void kill();
  /// True while the child has not exited.
  bool running();

 private:
  int pid_ = -1;
};

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
unsigned free_port();

/// Waits up to `timeout_ms` for 127.0.0.1:port to accept a connection.
bool wait_for_port(unsigned port, int timeout_ms);

/// `xapian-tcpsrv` serving `databases` on 127.0.0.1, on a free port (retried on collision).
class TcpServer {
 public:
  explicit TcpServer(const std::vector<std::string>& databases);
  /// Same, on a given port (to restart a killed server where the shard map points).
  TcpServer(const std::vector<std::string>& databases, unsigned port);
  unsigned port() const { return port_; }
  void kill() { process_->kill(); }

 private:
  void start(const std::vector<std::string>& databases, unsigned port);
  unsigned port_ = 0;
  std::unique_ptr<ProcessGuard> process_;
};

}  // namespace newsq::test
