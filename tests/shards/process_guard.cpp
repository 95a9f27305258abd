#include "process_guard.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace newsq::test {

ProcessGuard::ProcessGuard(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also from the parent, so kill() works even before the child runs
}

ProcessGuard::~ProcessGuard() { kill(); }

void ProcessGuard::kill() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool ProcessGuard::running() {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
    ::kill(-pid_, SIGKILL);
    pid_ = -1;
    return false;
  }
  return true;
}

unsigned free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool wait_for_port(unsigned port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TcpServer::TcpServer(const std::vector<std::string>& databases) {
  // Another process may take the port between free_port() and the server's bind: retry.
  for (int attempt = 0; attempt < 5; ++attempt) {
    try {
      start(databases, free_port());
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 4) throw;
    }
  }
}

TcpServer::TcpServer(const std::vector<std::string>& databases, unsigned port) {
  start(databases, port);
}

void TcpServer::start(const std::vector<std::string>& databases, unsigned port) {
  std::vector<std::string> argv = {"xapian-tcpsrv", "--quiet", "--interface",
                                   "127.0.0.1",     "--port",  std::to_string(port),
                                   "--timeout",     "10000"};
  argv.insert(argv.end(), databases.begin(), databases.end());
  process_ = std::make_unique<ProcessGuard>(argv);
  // A connection accepted from wait_for_port is served by a forked child that exits at once.
  if (!wait_for_port(port, 5000) || !process_->running())
    throw std::runtime_error("xapian-tcpsrv did not start on port " + std::to_string(port));
  port_ = port;
}

}  // namespace newsq::test
