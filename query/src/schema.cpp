#include "newsq/schema.hpp"

namespace newsq::schema {

namespace {

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string id_term(std::string_view id) {
  std::string term(kPrefixId);
  term += cut_utf8(id, kMaxTermBytes - kPrefixId.size());
  return term;
}

std::string boolean_term(std::string_view prefix, std::string_view folded_value) {
  std::string term(prefix);
  term += cut_utf8(folded_value, kMaxTermBytes - prefix.size());
  return term;
}

}  // namespace newsq::schema
