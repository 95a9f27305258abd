// A small synchronous HTTP/1.1 client (Boost.Beast), used by `newsq --server URL` and by tests.
#pragma once

#include <chrono>
#include <string>

namespace newsq {

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// GETs `target` ("/search?q=...", already percent-encoded) from `base_url`
/// ("http://127.0.0.1:8080", scheme http only). Throws Error(bad_parameter) for a malformed
/// base URL and Error(io_error) when the server cannot be reached or the time runs out.
HttpResponse http_get(const std::string& base_url, const std::string& target,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace newsq
