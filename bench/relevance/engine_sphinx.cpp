// Sphinx over SphinxQL. bench/tools/sphinxql.cpp speaks the same minimal MySQL protocol but only
// counts rows (it times queries); the evaluation needs the ids, so this client returns the rows.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "engines.hpp"

namespace newsq::relevance {

namespace {

class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("sphinx: socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("sphinx: cannot connect to 127.0.0.1:" + std::to_string(port));
    }
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void read_exact(char* out, std::size_t size) {
    while (size > 0) {
      const ssize_t got = ::recv(fd_, out, size, 0);
      if (got <= 0) throw std::runtime_error("sphinx: searchd closed the connection");
      out += got;
      size -= static_cast<std::size_t>(got);
    }
  }
  void write_all(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t sent = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (sent <= 0) throw std::runtime_error("sphinx: send failed");
      done += static_cast<std::size_t>(sent);
    }
  }

 private:
  int fd_;
};

class SphinxQl {
 public:
  explicit SphinxQl(int port) : socket_(port) {
    read_packet();  // handshake v10; searchd ignores credentials
    std::string response;
    append_le(response, 0x0200 | 0x8000, 4);  // PROTOCOL_41, SECURE_CONNECTION
    append_le(response, 1u << 24, 4);
    response += static_cast<char>(33);  // utf8_general_ci
    response.append(23, '\0');
    response += "eval";
    response += '\0';
    response += '\0';
    write_packet(response, 1);
    check(read_packet());
  }

  /// The first column of every row of the statement's result set.
  std::vector<std::string> first_column(const std::string& sql) {
    write_packet(std::string(1, '\x03') + sql, 0);
    const std::string head = read_packet();
    check(head);
    if (head[0] == 0x00) return {};
    while (!is_eof(read_packet())) {
    }  // column definitions
    std::vector<std::string> values;
    for (;;) {
      const std::string row = read_packet();
      if (is_eof(row)) return values;
      check(row);
      // A text row: length-encoded strings; the first one is the id (short, so 1-byte length).
      const auto length = static_cast<unsigned char>(row[0]);
      if (length >= 0xfb) throw std::runtime_error("sphinx: unexpected row encoding");
      values.push_back(row.substr(1, length));
    }
  }

 private:
  static bool is_eof(const std::string& packet) {
    return static_cast<unsigned char>(packet[0]) == 0xfe && packet.size() < 9;
  }
  static void check(const std::string& packet) {
    if (static_cast<unsigned char>(packet[0]) == 0xff)
      throw std::runtime_error("searchd: " + (packet.size() > 9 ? packet.substr(9) : packet));
  }
  static void append_le(std::string& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
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
  void write_packet(const std::string& payload, int sequence) {
    std::string packet;
    append_le(packet, static_cast<std::uint32_t>(payload.size()), 3);
    packet += static_cast<char>(sequence);
    socket_.write_all(packet + payload);
  }

  Socket socket_;
};

}  // namespace

Runs run_sphinx(const Collection& collection, int port, const std::string& index,
                const std::string& ranker, const std::string& idf, int title_weight) {
  SphinxQl connection(port);
  Runs runs;
  for (const auto& query : collection.queries) {
    std::string match;
    // Words are ASCII letters, digits or UTF-8 bytes only, so nothing needs escaping.
    for (const auto& word : query_words(query.text)) match += (match.empty() ? "" : " | ") + word;
    std::vector<std::string>& ranked = runs[query.id];
    if (match.empty()) continue;
    const std::string sql = "SELECT id FROM " + index + " WHERE MATCH('" + match + "') LIMIT " +
                            std::to_string(kDepth) + " OPTION ranker=" + ranker + ", idf='" + idf +
                            "'" + ", field_weights=(title=" + std::to_string(title_weight) +
                            ", body=1), max_matches=" + std::to_string(kDepth);
    for (const auto& id : connection.first_column(sql))
      ranked.push_back(collection.docs.at(std::stoul(id) - 1).id);
  }
  return runs;
}

}  // namespace newsq::relevance
