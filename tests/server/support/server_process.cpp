#include "server/support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace newsq::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::filesystem::path built_binary(const std::string& relative) { return binary_dir() / relative; }

ServerProcess::ServerProcess(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, bool add_listen) {
  auto binary = built_binary("server/newsq-server").string();
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  if (add_listen) {
    argv_strings.emplace_back("--listen");
    argv_strings.emplace_back("127.0.0.1:0");
  }
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto err_path = (dir_ / "stderr").string();
  // The environment is built before fork(): only async-signal-safe calls happen in the child.
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto name = text.substr(0, text.find('='));
    if (!env.contains(std::string(name))) env_strings.emplace_back(text);
  }
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  stdout_fd_ = fds[0];

  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char chunk[256];
    auto n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  static constexpr std::string_view kPrefix = "newsq-server listening on ";
  auto at = out.find(kPrefix);
  auto end = out.find('\n');
  if (at == std::string::npos || end == std::string::npos) {
    stop(SIGKILL);
    throw std::runtime_error("newsq-server did not start; stdout: " + out + " stderr: " + log());
  }
  url_ = out.substr(at + kPrefix.size(), end - at - kPrefix.size());
  port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && stop(SIGTERM) == -1) stop(SIGKILL);
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

int ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    auto done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ServerProcess::log() const {
  try {
    return read_file(dir_ / "stderr");
  } catch (const std::exception&) {
    return {};
  }
}

RawConnection::RawConnection(std::uint16_t port) : stream_(io_) {
  stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

bool RawConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  bool ok = false;
  stream_.expires_after(timeout);
  net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                   [&](beast::error_code error, std::size_t) { ok = !error; });
  io_.restart();
  io_.run();
  return ok;
}

std::optional<http::response<http::string_body>> RawConnection::read_response(
    std::chrono::milliseconds timeout, bool to_head_request) {
  http::response_parser<http::string_body> parser;
  parser.skip(to_head_request);
  parser.body_limit(64 * 1024 * 1024);
  bool ok = false;
  stream_.expires_after(timeout);
  http::async_read(stream_, buffer_, parser,
                   [&](beast::error_code error, std::size_t) { ok = !error; });
  io_.restart();
  io_.run();
  if (!ok) return std::nullopt;
  return parser.release();
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  bool closed = false;
  auto drain = std::make_shared<std::function<void()>>();
  *drain = [&, drain] {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(4096),
                            [&, drain](beast::error_code error, std::size_t) {
                              if (error == beast::error::timeout) return;
                              if (error) {
                                closed = true;
                                return;
                              }
                              (*drain)();
                            });
  };
  stream_.expires_after(timeout);
  (*drain)();
  io_.restart();
  io_.run();
  *drain = nullptr;
  return closed;
}

namespace {

void run_indexer(const std::string& arguments) {
  auto result =
      run_command(shell_quote(built_binary("indexer/newsq-index").string()) + " " + arguments);
  // 1 means some records were rejected (Reuters has one empty record); the rest is indexed.
  if (result.exit_code != 0 && result.exit_code != 1)
    throw std::runtime_error("newsq-index " + arguments + " failed (" +
                             std::to_string(result.exit_code) + "): " + result.err);
}

}  // namespace

void index_seed_page(const std::filesystem::path& index) {
  run_indexer("--index " + shell_quote(index.string()) +
              " add --date 2025-01-30 --tz Europe/Madrid " +
              shell_quote((source_dir() / "data/seed/000_fa681b729c5b0812.txt").string()));
}

void index_jsonl(const std::filesystem::path& index, const std::string& jsonl) {
  auto file = index.parent_path() / (index.filename().string() + "-add.jsonl");
  write_file(file, jsonl);
  run_indexer("--index " + shell_quote(index.string()) + " add " + shell_quote(file.string()));
  std::filesystem::remove(file);
}

http::response<http::string_body> send_request(std::uint16_t port, std::string_view method,
                                               std::string_view target, std::string_view body,
                                               std::string_view extra,
                                               std::chrono::milliseconds timeout) {
  RawConnection connection(port);
  std::string request = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n" +
                        std::string(body);
  if (!connection.send(request, timeout))
    throw std::runtime_error("cannot send " + std::string(method) + " " + std::string(target));
  auto response = connection.read_response(timeout);
  if (!response)
    throw std::runtime_error("no response to " + std::string(method) + " " + std::string(target));
  return std::move(*response);
}

std::string get_request(std::string_view target, std::string_view extra) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extra) +
         "\r\n";
}

}  // namespace newsq::test
