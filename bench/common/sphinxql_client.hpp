// A minimal SphinxQL client for the benchmark drivers: just enough of the MySQL wire protocol
// (handshake, COM_QUERY, text result sets, multiple result sets for FACET) that no MySQL client
// library is needed; searchd needs no password. Shared by newsq-bench-sphinxql (single-client
// latency) and newsq-bench-load (concurrent load), so both time Sphinx through the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "latency.hpp"

namespace newsq::bench {

/// One blocking connection to searchd on 127.0.0.1:PORT (TCP_NODELAY). Not thread-safe: one per
/// client thread.
class SphinxqlConnection {
 public:
  /// Connects and completes the handshake; throws std::runtime_error when searchd refuses.
  explicit SphinxqlConnection(int port);
  ~SphinxqlConnection();
  SphinxqlConnection(const SphinxqlConnection&) = delete;
  SphinxqlConnection& operator=(const SphinxqlConnection&) = delete;

  /// Runs one statement and returns the rows of its first result set (further result sets, as
  /// FACET sends, are read and counted in `extra_rows`). Throws std::runtime_error on a searchd
  /// error or a closed connection.
  std::size_t query(const std::string& sql, std::size_t* extra_rows = nullptr);

 private:
  std::string read_packet();
  void read_until_eof();
  void write_packet(const std::string& payload, int sequence);
  void read_exact(char* out, std::size_t size);
  void write_all(const std::string& data);

  int fd_;
};

/// The topic id bench/compare stores in the MVA (FNV-1a 32, the same function in Python).
std::uint32_t sphinx_topic_id(const std::string& topic);

/// The SphinxQL statement for a bench query against index "news" as bench/compare builds it
/// (topics an MVA of sphinx_topic_id, `published` a timestamp, `month` YYYYMM): top 10 ids with
/// the title weighted 3, the filters as attribute conditions, facets as FACET clauses.
std::string sphinxql_statement(const BenchQuery& query);

}  // namespace newsq::bench
