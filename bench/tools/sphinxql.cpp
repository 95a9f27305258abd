// newsq-bench-sphinxql PORT QUERIES.jsonl [--repeats N] [--warmup N]
// Times Sphinx searchd over SphinxQL on 127.0.0.1:PORT (index "news", built by bench/compare
// with topics as an MVA of FNV-1a-32 hashes, `published` a timestamp and `month` YYYYMM).
// Speaks just enough of the MySQL wire protocol (handshake, COM_QUERY, text result sets, multiple
// result sets for FACET) that no MySQL client library is needed; searchd needs no password.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <stdexcept>

#include "args.hpp"
#include "latency.hpp"

namespace {

/// The topic id bench/compare stores in the MVA (the same FNV-1a 32 in Python).
std::uint32_t topic_id(const std::string& topic) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : topic) hash = (hash ^ c) * 16777619u;
  return hash;
}

class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void read_exact(char* out, std::size_t size) {
    while (size > 0) {
      const ssize_t got = ::recv(fd_, out, size, 0);
      if (got <= 0) throw std::runtime_error("searchd closed the connection");
      out += got;
      size -= static_cast<std::size_t>(got);
    }
  }
  void write_all(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t sent = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (sent <= 0) throw std::runtime_error("send to searchd failed");
      done += static_cast<std::size_t>(sent);
    }
  }

 private:
  int fd_;
};

class MysqlConnection {
 public:
  explicit MysqlConnection(int port) : socket_(port) {
    read_packet();  // server handshake v10; searchd ignores credentials
    std::string response;
    const std::uint32_t capabilities =
        0x0200 | 0x8000 | 0x20000;  // PROTOCOL_41, SECURE_CONN, MULTI_RESULTS
    append_le(response, capabilities, 4);
    append_le(response, 1u << 24, 4);   // max packet
    response += static_cast<char>(33);  // utf8_general_ci
    response.append(23, '\0');
    response += "bench";
    response += '\0';
    response += '\0';  // empty auth response
    write_packet(response, 1);
    check_ok(read_packet());
  }

  /// Runs one statement and returns the rows of its first result set (further result sets, as
  /// FACET sends, are read and counted in `extra_rows`).
  std::size_t query(const std::string& sql, std::size_t* extra_rows = nullptr) {
    write_packet(std::string(1, '\x03') + sql, 0);
    std::size_t first_rows = 0;
    for (int set = 0;; ++set) {
      std::string head = read_packet();
      if (static_cast<unsigned char>(head[0]) == 0xff)
        throw std::runtime_error(error_text(head) + " in: " + sql);
      if (head[0] == 0x00) return first_rows;  // OK: no result set
      read_until_eof();                        // column definitions
      std::size_t rows = 0;
      bool more = false;
      for (;;) {
        std::string row = read_packet();
        if (static_cast<unsigned char>(row[0]) == 0xfe && row.size() < 9) {
          const unsigned status = row.size() >= 5 ? static_cast<unsigned char>(row[3]) |
                                                        (static_cast<unsigned char>(row[4]) << 8)
                                                  : 0;
          more = (status & 0x0008) != 0;  // SERVER_MORE_RESULTS_EXISTS
          break;
        }
        if (static_cast<unsigned char>(row[0]) == 0xff) throw std::runtime_error(error_text(row));
        ++rows;
      }
      if (set == 0)
        first_rows = rows;
      else if (extra_rows != nullptr)
        *extra_rows += rows;
      if (!more) return first_rows;
    }
  }

 private:
  static void append_le(std::string& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
  }
  static std::string error_text(const std::string& packet) {
    return "searchd: " + (packet.size() > 9 ? packet.substr(9) : packet.substr(1));
  }
  static void check_ok(const std::string& packet) {
    if (static_cast<unsigned char>(packet[0]) == 0xff) throw std::runtime_error(error_text(packet));
  }
  std::string read_packet() {
    char header[4];
    socket_.read_exact(header, 4);
    const std::size_t size =
        static_cast<unsigned char>(header[0]) | (static_cast<unsigned char>(header[1]) << 8) |
        (static_cast<std::size_t>(static_cast<unsigned char>(header[2])) << 16);
    std::string payload(size, '\0');
    socket_.read_exact(payload.data(), size);
    if (payload.empty()) payload.push_back('\0');
    return payload;
  }
  void read_until_eof() {
    for (;;) {
      const std::string packet = read_packet();
      if (static_cast<unsigned char>(packet[0]) == 0xfe && packet.size() < 9) return;
    }
  }
  void write_packet(const std::string& payload, int sequence) {
    std::string packet;
    append_le(packet, static_cast<std::uint32_t>(payload.size()), 3);
    packet += static_cast<char>(sequence);
    socket_.write_all(packet + payload);
  }

  Socket socket_;
};

std::string sphinxql(const newsq::bench::BenchQuery& query) {
  std::string match;
  for (const auto& word : query.words) match += (match.empty() ? "" : " ") + word;
  if (query.phrase) match = "\"" + match + "\"";
  std::string sql = "SELECT id FROM news WHERE MATCH('" + match + "')";
  if (query.topic) sql += " AND topics = " + std::to_string(topic_id(*query.topic));
  if (query.from) sql += " AND published >= " + std::to_string(*query.from);
  if (query.to) sql += " AND published <= " + std::to_string(*query.to);
  sql += " LIMIT 10 OPTION field_weights=(title=3, body=1)";
  if (query.facets)
    sql +=
        " FACET topics ORDER BY COUNT(*) DESC LIMIT 20 FACET month ORDER BY month ASC LIMIT 1000";
  return sql;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  newsq::bench::MeasureOptions options;
  newsq::bench::take_measure_options(args, options);
  const bool print_sql = newsq::bench::take_flag(args, "--print-sql");
  if (args.size() != 2) {
    std::cerr << "usage: newsq-bench-sphinxql PORT QUERIES.jsonl [--repeats N] [--warmup N]\n";
    return 2;
  }
  try {
    MysqlConnection connection(std::stoi(args[0]));
    const auto queries = newsq::bench::read_queries(args[1]);
    if (print_sql) {
      for (const auto& query : queries) std::cout << sphinxql(query) << '\n';
      return 0;
    }
    auto run = [&](const newsq::bench::BenchQuery& query) {
      std::size_t facet_rows = 0;
      return connection.query(sphinxql(query), &facet_rows);
    };
    std::cout << newsq::bench::measure(queries, run, options).dump() << '\n';
  } catch (const std::exception& error) {
    std::cerr << "newsq-bench-sphinxql: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
