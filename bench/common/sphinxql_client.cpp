#include "sphinxql_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace newsq::bench {

namespace {

void append_le(std::string& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

std::string error_text(const std::string& packet) {
  return "searchd: " + (packet.size() > 9 ? packet.substr(9) : packet.substr(1));
}

bool is_eof(const std::string& packet) {
  return static_cast<unsigned char>(packet[0]) == 0xfe && packet.size() < 9;
}

bool is_error(const std::string& packet) { return static_cast<unsigned char>(packet[0]) == 0xff; }

}  // namespace

SphinxqlConnection::SphinxqlConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  try {
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
    const std::string answer = read_packet();
    if (is_error(answer)) throw std::runtime_error(error_text(answer));
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

SphinxqlConnection::~SphinxqlConnection() { ::close(fd_); }

std::size_t SphinxqlConnection::query(const std::string& sql, std::size_t* extra_rows) {
  write_packet(std::string(1, '\x03') + sql, 0);
  std::size_t first_rows = 0;
  for (int set = 0;; ++set) {
    std::string head = read_packet();
    if (is_error(head)) throw std::runtime_error(error_text(head) + " in: " + sql);
    if (head[0] == 0x00) return first_rows;  // OK: no result set
    read_until_eof();                        // column definitions
    std::size_t rows = 0;
    bool more = false;
    for (;;) {
      std::string row = read_packet();
      if (is_eof(row)) {
        const unsigned status = row.size() >= 5 ? static_cast<unsigned char>(row[3]) |
                                                      (static_cast<unsigned char>(row[4]) << 8)
                                                : 0;
        more = (status & 0x0008) != 0;  // SERVER_MORE_RESULTS_EXISTS
        break;
      }
      if (is_error(row)) throw std::runtime_error(error_text(row));
      ++rows;
    }
    if (set == 0)
      first_rows = rows;
    else if (extra_rows != nullptr)
      *extra_rows += rows;
    if (!more) return first_rows;
  }
}

std::string SphinxqlConnection::read_packet() {
  char header[4];
  read_exact(header, 4);
  const std::size_t size = static_cast<unsigned char>(header[0]) |
                           (static_cast<unsigned char>(header[1]) << 8) |
                           (static_cast<std::size_t>(static_cast<unsigned char>(header[2])) << 16);
  std::string payload(size, '\0');
  read_exact(payload.data(), size);
  if (payload.empty()) payload.push_back('\0');
  return payload;
}

void SphinxqlConnection::read_until_eof() {
  while (!is_eof(read_packet())) {
  }
}

void SphinxqlConnection::write_packet(const std::string& payload, int sequence) {
  std::string packet;
  append_le(packet, static_cast<std::uint32_t>(payload.size()), 3);
  packet += static_cast<char>(sequence);
  write_all(packet + payload);
}

void SphinxqlConnection::read_exact(char* out, std::size_t size) {
  while (size > 0) {
    const ssize_t got = ::recv(fd_, out, size, 0);
    if (got <= 0) throw std::runtime_error("searchd closed the connection");
    out += got;
    size -= static_cast<std::size_t>(got);
  }
}

void SphinxqlConnection::write_all(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t sent = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (sent <= 0) throw std::runtime_error("send to searchd failed");
    done += static_cast<std::size_t>(sent);
  }
}

std::uint32_t sphinx_topic_id(const std::string& topic) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : topic) hash = (hash ^ c) * 16777619u;
  return hash;
}

std::string sphinxql_statement(const BenchQuery& query) {
  std::string match;
  for (const auto& word : query.words) match += (match.empty() ? "" : " ") + word;
  if (query.phrase) match = "\"" + match + "\"";
  std::string sql = "SELECT id FROM news WHERE MATCH('" + match + "')";
  if (query.topic) sql += " AND topics = " + std::to_string(sphinx_topic_id(*query.topic));
  if (query.from) sql += " AND published >= " + std::to_string(*query.from);
  if (query.to) sql += " AND published <= " + std::to_string(*query.to);
  sql += " LIMIT 10 OPTION field_weights=(title=3, body=1)";
  if (query.facets)
    sql +=
        " FACET topics ORDER BY COUNT(*) DESC LIMIT 20 FACET month ORDER BY month ASC LIMIT 1000";
  return sql;
}

}  // namespace newsq::bench
