#include "newsq/indexer/readers.hpp"

#include "newsq/errors.hpp"
#include "text.hpp"

namespace newsq::indexer {

Format parse_format(std::string_view text) {
  if (text == "jsonl") return Format::jsonl;
  if (text == "page") return Format::page;
  if (text == "sgml") return Format::sgml;
  if (text == "feed") return Format::feed;
  throw Error(ErrorCode::bad_parameter,
              "unknown format '" + std::string(text) + "' (expected jsonl, page, sgml or feed)");
}

std::string_view to_string(Format format) noexcept {
  switch (format) {
    case Format::jsonl:
      return "jsonl";
    case Format::page:
      return "page";
    case Format::sgml:
      return "sgml";
    case Format::feed:
      return "feed";
  }
  return "jsonl";
}

std::optional<Format> format_for_path(std::string_view path) {
  std::string name = text::ascii_lower(path);
  if (name.ends_with(".xz")) name.resize(name.size() - 3);
  const auto dot = name.rfind('.');
  const auto slash = name.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return std::nullopt;
  const std::string_view extension = std::string_view(name).substr(dot + 1);
  if (extension == "jsonl" || extension == "ndjson" || extension == "json") return Format::jsonl;
  if (extension == "sgm" || extension == "sgml") return Format::sgml;
  if (extension == "txt" || extension == "page") return Format::page;
  if (extension == "rss" || extension == "atom" || extension == "xml") return Format::feed;
  return std::nullopt;
}

Format sniff_format(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  head = text::trim(head);
  if (!head.starts_with('<')) return Format::jsonl;
  for (std::string_view marker : {"<rss", "<feed", "<rdf:RDF"})
    if (head.find(marker) != std::string_view::npos) return Format::feed;
  if (head.find("<REUTERS") != std::string_view::npos) return Format::sgml;
  return Format::jsonl;
}

void read_records(Format format, std::istream& in, const std::string& name,
                  const ReadOptions& options, RecordSink& sink) {
  switch (format) {
    case Format::jsonl:
      return read_jsonl(in, name, options, sink);
    case Format::page:
      return read_page(in, name, options, sink);
    case Format::sgml:
      return read_sgml(in, name, options, sink);
    case Format::feed:
      return read_feed(in, name, options, sink);
  }
}

}  // namespace newsq::indexer
