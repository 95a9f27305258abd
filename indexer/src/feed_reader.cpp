// RSS 2.0 (and 0.91/0.92), RSS 1.0 (RDF) and Atom 1.0 feeds, parsed with pugixml.
//
// Malformed documents: pugixml stops at the first error but keeps the tree built so far. Items
// whose end tag comes before the error are read as usual; the error is reported at its line
// (the item it falls in is lost with it); then reading resumes at the next <item>/<entry> after
// the error, parsing the rest of the items as a fragment, so one broken item costs only itself.
#include <pugixml.hpp>

#include <algorithm>
#include <istream>
#include <iterator>
#include <sstream>
#include <vector>

#include "feed_date.hpp"
#include "html.hpp"
#include "newsq/indexer/readers.hpp"
#include "text.hpp"

namespace newsq::indexer {

namespace {

enum class FeedKind { rss, rdf, atom };

// Offsets in the input turned into 1-based line numbers.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  std::size_t line_of(std::size_t offset) const {
    return static_cast<std::size_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                                    newlines_.begin()) +
           1;
  }

 private:
  std::vector<std::size_t> newlines_;
};

// What the channel (feed) says about all its items.
struct Channel {
  FeedKind kind = FeedKind::rss;
  std::string title;
  std::string lang;                  ///< ISO 639-1, empty when the feed names none
  std::string base;                  ///< for relative links: xml:base or the channel's link
  std::vector<std::string> authors;  ///< Atom feed-level authors, inherited by entries
};

std::string_view local_name(std::string_view name) {
  const auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The markup inside an element: character data as it is (for escaped HTML this is the HTML
// source, XML escapes already undone) and child elements serialised back (HTML written raw into
// a description, Atom xhtml).
std::string inner_markup(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      std::ostringstream serialised;
      child.print(serialised, "", pugi::format_raw);
      out += serialised.str();
    }
  }
  return out;
}

// All character data inside an element, tags ignored (plain-text constructs).
std::string inner_text(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
      out += child.value();
    else if (child.type() == pugi::node_element)
      out += inner_text(child);
  }
  return out;
}

// "en-US" -> "en"; empty when it does not look like a language code.
std::string language_code(std::string_view raw) {
  std::string code = text::ascii_lower(text::trim(raw));
  const auto cut = code.find_first_of("-_");
  if (cut != std::string::npos) code.resize(cut);
  if (code.size() < 2 || code.size() > 3) return {};
  for (char c : code)
    if (c < 'a' || c > 'z') return {};
  return code;
}

// Resolves the relative links feeds often carry ("/world/123") against `base`.
std::string resolve_url(std::string_view raw, std::string_view base) {
  std::string url(text::trim(raw));
  if (url.empty() || base.empty() || url.find("://") != std::string::npos) return url;
  const auto scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return url;
  if (url.starts_with("//")) return std::string(base.substr(0, scheme_end + 1)) + url;
  const auto host_end = base.find('/', scheme_end + 3);
  const std::string_view origin = base.substr(0, host_end);
  if (url.starts_with('/')) return std::string(origin) + url;
  // "story.html": beside the base document.
  const auto last_slash = base.rfind('/');
  if (host_end == std::string_view::npos || last_slash < host_end)
    return std::string(origin) + "/" + url;
  return std::string(base.substr(0, last_slash + 1)) + url;
}

// "jane@example.com (Jane Doe)" -> "Jane Doe"; other forms are kept as written.
std::string rss_author(std::string_view raw) {
  const std::string value = text::collapse_spaces(raw);
  const auto open = value.find('(');
  const auto close = value.rfind(')');
  if (value.find('@') != std::string::npos && open != std::string::npos &&
      close != std::string::npos && close > open + 1)
    return std::string(text::trim(std::string_view(value).substr(open + 1, close - open - 1)));
  return value;
}

void add_unique(std::vector<std::string>& values, std::string value) {
  if (!value.empty() && std::find(values.begin(), values.end(), value) == values.end())
    values.push_back(std::move(value));
}

// Windows-1252 is what feeds labelled ISO-8859-1 usually are, and pugixml does not know it by
// name: both are read as Latin-1, and fix_windows_1252() restores the curly quotes.
pugi::xml_encoding declared_encoding(std::string_view head) {
  if (!head.starts_with("<?xml")) return pugi::encoding_auto;
  const auto end = head.find("?>");
  const std::string declaration = text::ascii_lower(head.substr(0, end));
  for (std::string_view name :
       {"windows-1252", "cp1252", "iso-8859-1", "latin1", "latin-1", "us-ascii", "iso-8859-15"})
    if (declaration.find(name) != std::string::npos) return pugi::encoding_latin1;
  return pugi::encoding_auto;
}

std::string lower_first(std::string message) {
  if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z')
    message[0] = static_cast<char>(message[0] - 'A' + 'a');
  return message;
}

class FeedParser {
 public:
  FeedParser(std::string buffer, const std::string& name, const ReadOptions& options,
             RecordSink& sink)
      : buffer_(std::move(buffer)), lines_(buffer_), name_(name), options_(options), sink_(sink) {}

  void run() {
    if (buffer_.starts_with("\xEF\xBB\xBF")) buffer_.replace(0, 3, 3, ' ');  // BOM; keeps offsets
    if (text::blank(buffer_)) {
      error(0, "empty input: no feed to read");
      return;
    }
    encoding_ = declared_encoding(text::trim(buffer_));
    pugi::xml_document document;
    const pugi::xml_parse_result result =
        document.load_buffer(buffer_.data(), buffer_.size(), kParseOptions, encoding_);
    const pugi::xml_node root = document.document_element();
    if (!root) {
      error(lines_.line_of(static_cast<std::size_t>(result.offset)),
            "malformed XML: " + lower_first(result.description()) + ": no feed to read");
      return;
    }
    if (!read_channel(root)) return;
    const std::string item_tag = channel_.kind == FeedKind::atom ? "entry" : "item";
    const pugi::xml_node items_parent =
        channel_.kind == FeedKind::rss ? root.child("channel") : root;
    // RSS 0.91 files in the wild sometimes put items directly under <rss>.
    read_items(items_parent, item_tag, 0, result);
    if (channel_.kind == FeedKind::rss && items_parent != root)
      read_items(root, item_tag, 0, result);
    if (result) return;

    std::size_t error_offset = static_cast<std::size_t>(result.offset);
    report_malformed(error_offset, result, item_tag);
    resume_after(error_offset, item_tag);
  }

 private:
  static constexpr unsigned kParseOptions = pugi::parse_default;

  // Reads the root and the channel's metadata; false (after reporting) when it is no feed.
  bool read_channel(pugi::xml_node root) {
    const std::string_view root_name = root.name();
    pugi::xml_node channel;
    if (root_name == "rss") {
      channel_.kind = FeedKind::rss;
      channel = root.child("channel");
    } else if (local_name(root_name) == "RDF") {
      channel_.kind = FeedKind::rdf;
      channel = root.child("channel");
    } else if (root_name == "feed") {
      channel_.kind = FeedKind::atom;
      channel = root;
    } else {
      error(line_of(root, 0), text::concat({"not an RSS or Atom feed: the root element is <",
                                            root_name, "> (expected <rss>, <feed> or <rdf:RDF>)"}));
      return false;
    }
    if (channel_.kind == FeedKind::atom) {
      channel_.title = single_line(clean(text_construct(channel.child("title"))));
      channel_.lang = language_code(channel.attribute("xml:lang").value());
      channel_.base = channel.attribute("xml:base").value();
      if (channel_.base.empty()) channel_.base = atom_link(channel);
      for (pugi::xml_node author : channel.children("author"))
        add_unique(channel_.authors, clean(text::collapse_spaces(author.child_value("name"))));
    } else {
      channel_.title = single_line(clean(html::to_text(inner_markup(channel.child("title")))));
      channel_.lang = language_code(channel.child_value("language"));
      if (channel_.lang.empty()) channel_.lang = language_code(channel.child_value("dc:language"));
      channel_.base = text::trim(channel.child_value("link"));
    }
    return true;
  }

  // Reads the items (children named `tag` of `parent`) that were parsed whole: all of them when
  // the parse succeeded, else those whose end tag comes before the error.
  void read_items(pugi::xml_node parent, const std::string& tag, std::size_t base,
                  const pugi::xml_parse_result& result) {
    const std::string end_tag = "</" + tag;
    for (pugi::xml_node item : parent.children(tag.c_str())) {
      const std::size_t offset =
          base + static_cast<std::size_t>(std::max<std::ptrdiff_t>(item.offset_debug(), 0));
      if (!result) {
        const std::size_t error_at = base + static_cast<std::size_t>(result.offset);
        const std::size_t end = buffer_.find(end_tag, offset);
        if (end == std::string::npos || end >= error_at) break;  // cut by the error
      }
      read_item(item, lines_.line_of(offset));
    }
  }

  void report_malformed(std::size_t offset, const pugi::xml_parse_result& result,
                        const std::string& tag) {
    error(lines_.line_of(offset),
          text::concat({"malformed XML: ", lower_first(result.description()), " at \"",
                        excerpt(offset), "\" (reading resumes at the next <", tag, ">)"}));
  }

  // The text around `offset` on its line (pugixml points just past the culprit), cut on
  // character boundaries: shows the user what to fix.
  std::string excerpt(std::size_t offset) const {
    constexpr std::size_t kBefore = 10;
    constexpr std::size_t kAfter = 20;
    if (offset >= buffer_.size()) return "end of input";
    const auto continuation = [&](std::size_t at) {
      return at < buffer_.size() && (static_cast<unsigned char>(buffer_[at]) & 0xC0) == 0x80;
    };
    const std::size_t line_start = offset == 0 ? 0 : buffer_.rfind('\n', offset - 1) + 1;
    std::size_t begin = std::max(line_start, offset > kBefore ? offset - kBefore : 0);
    while (begin < offset && continuation(begin)) ++begin;
    std::size_t end = std::min({buffer_.size(), offset + kAfter, buffer_.find('\n', offset)});
    while (end > offset && continuation(end)) --end;
    std::string text = buffer_.substr(begin, end - begin);
    text::replace_invalid_utf8(text);
    return text;
  }

  // After a parse error at `error_offset`: parses from the next item start to the end of the last
  // item as a fragment, repeatedly, reporting each further error.
  void resume_after(std::size_t error_offset, const std::string& tag) {
    const std::string end_tag = "</" + tag;
    std::size_t region_end = buffer_.rfind(end_tag);
    if (region_end == std::string::npos) return;
    region_end = buffer_.find('>', region_end);
    if (region_end == std::string::npos) return;
    ++region_end;
    std::size_t from = error_offset + 1;
    for (;;) {
      const std::size_t start = find_item_start(tag, from);
      if (start == std::string::npos || start >= region_end) return;
      pugi::xml_document fragment;
      const pugi::xml_parse_result result =
          fragment.load_buffer(buffer_.data() + start, region_end - start,
                               kParseOptions | pugi::parse_fragment, encoding_);
      read_items(fragment, tag, start, result);
      if (result) return;
      const std::size_t at = start + static_cast<std::size_t>(result.offset);
      report_malformed(at, result, tag);
      from = std::max(at, start) + 1;
    }
  }

  // "<item" followed by a space, '>' or '/' (not <itemref>), at or after `from`.
  std::size_t find_item_start(const std::string& tag, std::size_t from) const {
    const std::string open = "<" + tag;
    std::size_t at = from;
    while ((at = buffer_.find(open, at)) != std::string::npos) {
      const std::size_t after = at + open.size();
      if (after < buffer_.size() &&
          (buffer_[after] == '>' || buffer_[after] == '/' || buffer_[after] == ' ' ||
           buffer_[after] == '\n' || buffer_[after] == '\t' || buffer_[after] == '\r'))
        return at;
      at = after;
    }
    return std::string::npos;
  }

  void read_item(pugi::xml_node item, std::size_t line) {
    bad_utf8_ = false;
    Article article;
    article.kind = "article";
    article.source = options_.source.empty() ? channel_.title : options_.source;
    if (channel_.kind == FeedKind::atom)
      read_atom_entry(item, line, article);
    else
      read_rss_item(item, line, article);
    if (article.lang.empty()) article.lang = "en";

    if (bad_utf8_) warn(line, "invalid UTF-8 replaced");
    if (article.title.empty() && article.body.empty() && article.summary.empty()) {
      error(line, "the " + std::string(item.name()) + " has neither title nor text");
      return;
    }
    if (article.id.empty()) article.id = derive_id(article);
    sink_.on_article(std::move(article), line);
  }

  void read_rss_item(pugi::xml_node item, std::size_t line, Article& article) {
    article.title = single_line(clean(html::to_text(inner_markup(item.child("title")))));
    const pugi::xml_node guid = item.child("guid");
    article.id = clean(std::string(text::trim(inner_text(guid))));
    std::string link(text::trim(inner_text(item.child("link"))));
    if (link.empty() && channel_.kind == FeedKind::rdf) link = item.attribute("rdf:about").value();
    // A guid is the permalink unless isPermaLink="false" says otherwise.
    if (link.empty() && guid &&
        std::string_view(guid.attribute("isPermaLink").value()) != "false" &&
        article.id.find("://") != std::string::npos)
      link = article.id;
    article.url = clean(resolve_url(link, channel_.base));

    const std::string description = clean(html::to_text(inner_markup(item.child("description"))));
    const std::string content = clean(html::to_text(inner_markup(item.child("content:encoded"))));
    if (!content.empty()) {
      article.body = content;
      if (description != content && !content.starts_with(description))
        article.summary = description;
    } else {
      article.body = description;
    }

    for (pugi::xml_node creator : item.children("dc:creator"))
      add_unique(article.authors, clean(text::collapse_spaces(inner_text(creator))));
    if (article.authors.empty())
      for (pugi::xml_node author : item.children("author"))
        add_unique(article.authors, clean(rss_author(inner_text(author))));
    for (pugi::xml_node category : item.children("category"))
      add_unique(article.topics, clean(single_line(html::to_text(inner_text(category)))));
    for (pugi::xml_node subject : item.children("dc:subject"))
      add_unique(article.topics, clean(text::collapse_spaces(inner_text(subject))));

    read_date(line, article, {item.child("pubDate"), item.child("dc:date")});
    article.lang = language_code(item.child_value("dc:language"));
    if (article.lang.empty()) article.lang = channel_.lang;
  }

  void read_atom_entry(pugi::xml_node entry, std::size_t line, Article& article) {
    article.title = single_line(clean(text_construct(entry.child("title"))));
    article.id = clean(std::string(text::trim(inner_text(entry.child("id")))));
    std::string base = entry.attribute("xml:base").value();
    if (base.empty()) base = channel_.base;
    article.url = clean(resolve_url(atom_link(entry), base));

    const pugi::xml_node content = entry.child("content");
    const std::string body = content.attribute("src") ? "" : clean(text_construct(content));
    const std::string summary = clean(text_construct(entry.child("summary")));
    if (!body.empty()) {
      article.body = body;
      if (summary != body && !body.starts_with(summary)) article.summary = summary;
    } else {
      article.body = summary;
    }

    for (pugi::xml_node author : entry.children("author"))
      add_unique(article.authors, clean(text::collapse_spaces(author.child_value("name"))));
    if (article.authors.empty()) article.authors = channel_.authors;
    for (pugi::xml_node category : entry.children("category")) {
      std::string term = category.attribute("term").value();
      if (text::blank(term)) term = category.attribute("label").value();
      add_unique(article.topics, clean(text::collapse_spaces(term)));
    }

    // Atom 0.3 said issued/modified.
    read_date(line, article,
              {entry.child("published"), entry.child("issued"), entry.child("updated"),
               entry.child("modified")});
    article.lang = language_code(entry.attribute("xml:lang").value());
    if (article.lang.empty()) article.lang = channel_.lang;
  }

  // The first of `candidates` present gives the date.
  void read_date(std::size_t line, Article& article,
                 std::initializer_list<pugi::xml_node> candidates) {
    for (pugi::xml_node node : candidates) {
      if (!node) continue;
      const std::string raw(text::trim(inner_text(node)));
      if (raw.empty()) continue;
      const auto date = parse_feed_date(raw);
      if (!date) {
        warn(line, "unparseable date '" + clean(raw) + "': kept without a date");
        return;
      }
      if (date->zone_assumed)
        warn(line, "the date '" + clean(raw) + "' has no known time zone: UTC assumed");
      article.published = date->timestamp;
      return;
    }
    warn(line, "no date: kept without a date");
  }

  // An Atom text construct: type "text" (default), "html" or "xhtml".
  static std::string text_construct(pugi::xml_node node) {
    if (!node) return {};
    const std::string type = text::ascii_lower(node.attribute("type").value());
    if (type == "html" || type == "text/html" || type == "xhtml" || type == "application/xhtml+xml")
      return html::to_text(inner_markup(node));
    if (type.empty() || type == "text" || type.starts_with("text/"))
      return std::string(text::trim(inner_text(node)));
    return {};  // base64 or another media type: not text
  }

  // rel="alternate" (or no rel) link's href, else the first link's.
  static std::string atom_link(pugi::xml_node parent) {
    std::string first;
    for (pugi::xml_node link : parent.children("link")) {
      const std::string_view rel = link.attribute("rel").value();
      const std::string href = link.attribute("href").value();
      if (rel.empty() || rel == "alternate") return href;
      if (first.empty()) first = href;
    }
    return first;
  }

  static std::string single_line(std::string_view text) { return text::collapse_spaces(text); }

  // Windows-1252 bytes restored and invalid UTF-8 replaced (remembered for one warning a record).
  std::string clean(std::string value) {
    html::fix_windows_1252(value);
    if (text::replace_invalid_utf8(value)) bad_utf8_ = true;
    return value;
  }

  std::size_t line_of(pugi::xml_node node, std::size_t base) const {
    const std::ptrdiff_t offset = node.offset_debug();
    return offset < 0 ? 0 : lines_.line_of(base + static_cast<std::size_t>(offset));
  }

  void error(std::size_t line, std::string message) {
    sink_.on_problem({name_, line, std::move(message), Severity::error});
  }
  void warn(std::size_t line, std::string message) {
    sink_.on_problem({name_, line, std::move(message), Severity::warning});
  }

  std::string buffer_;
  LineIndex lines_;
  const std::string& name_;
  const ReadOptions& options_;
  RecordSink& sink_;
  pugi::xml_encoding encoding_ = pugi::encoding_auto;
  Channel channel_;
  bool bad_utf8_ = false;
};

}  // namespace

void read_feed(std::istream& in, const std::string& name, const ReadOptions& options,
               RecordSink& sink) {
  std::string buffer{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  FeedParser(std::move(buffer), name, options, sink).run();
}

}  // namespace newsq::indexer
