// A child process the crash tests start and kill -9: an RAII guard that always kills and reaps
// it, so a failing test never leaves a newsq-index behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace newsq::test {

class ChildProcess {
 public:
  /// Starts `argv[0]` (a path) with `argv`, standard input from /dev/null and standard output
  /// and error appended to `output`. Throws std::runtime_error when fork() fails; a failed
  /// exec shows as exit status 127.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output);
  /// Kills (SIGKILL) and reaps the child when it is still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Waits up to `timeout` for the child to end; its exit status, 128+signal when a signal
  /// ended it, or nullopt when it is still running.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

  /// kill -9 and reap. Returns the status as wait_for() does: 128+9 when the kill ended it, the
  /// exit status when it had already finished.
  int kill_now();

  pid_t pid() const { return pid_; }

 private:
  std::optional<int> reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace newsq::test
