// newsq: search a newsq index from the terminal, locally or through a running newsq-server.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/url.hpp>
#include <iostream>

#include "newsq/errors.hpp"
#include "newsq/http_client.hpp"
#include "newsq/paths.hpp"
#include "newsq/searcher.hpp"
#include "newsq/timeutil.hpp"
#include "render.hpp"

namespace {

struct Options {
  std::vector<std::string> words;
  std::string index;
  std::string server;
  bool json = false;
  std::size_t limit = 10;
  std::size_t offset = 0;
  std::string from, to;
  std::vector<std::string> topics, sources, kinds;
  std::string sort = "relevance";
  std::string match = "all";
  std::string facets;
  bool exact = false;
  bool no_collapse = false;
  std::string lang = "en";
  std::string color = "auto";
};

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

newsq::ErrorCode error_code_from_name(std::string_view name) {
  for (auto code : {newsq::ErrorCode::bad_query, newsq::ErrorCode::bad_parameter,
                    newsq::ErrorCode::not_found, newsq::ErrorCode::index_missing,
                    newsq::ErrorCode::schema_mismatch, newsq::ErrorCode::index_unavailable})
    if (newsq::to_string(code) == name) return code;
  return newsq::ErrorCode::internal;
}

// Asks a running newsq-server the same question and reads back the same result shape.
newsq::SearchResult search_server(const Options& options) {
  boost::urls::url target("/search");
  auto params = target.params();
  params.append({"q", join(options.words)});
  params.append({"limit", std::to_string(options.limit)});
  params.append({"offset", std::to_string(options.offset)});
  params.append({"sort", options.sort});
  params.append({"match", options.match});
  params.append({"lang", options.lang});
  if (!options.from.empty()) params.append({"from", options.from});
  if (!options.to.empty()) params.append({"to", options.to});
  for (const auto& topic : options.topics) params.append({"topic", topic});
  for (const auto& source : options.sources) params.append({"source", source});
  for (const auto& kind : options.kinds) params.append({"kind", kind});
  if (!options.facets.empty()) params.append({"facets", options.facets});
  if (options.exact) params.append({"exact", "true"});
  if (options.no_collapse) params.append({"collapse", "false"});

  const auto response = newsq::http_get(options.server, std::string(target.buffer()));
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    if (!json.is_discarded() && json.contains("error"))
      throw newsq::Error(error_code_from_name(json["error"].value("code", "internal")),
                         json["error"].value("message", "the server refused the search"));
    throw newsq::Error(newsq::ErrorCode::index_unavailable,
                       "the server answered HTTP " + std::to_string(response.status));
  }
  if (json.is_discarded())
    throw newsq::Error(newsq::ErrorCode::internal, "the server's answer is not JSON");
  return newsq::search_result_from_json(json);
}

newsq::SearchResult search_local(const Options& options) {
  newsq::SearchRequest request;
  request.query = join(options.words);
  request.limit = options.limit;
  request.offset = options.offset;
  request.topics = options.topics;
  request.sources = options.sources;
  request.kinds = options.kinds;
  request.sort = newsq::parse_sort(options.sort);
  request.match = newsq::parse_match(options.match);
  if (!options.from.empty()) request.from = newsq::parse_date_bound(options.from, false);
  if (!options.to.empty()) request.to = newsq::parse_date_bound(options.to, true);
  newsq::parse_facets(options.facets, request);
  request.exact = options.exact;
  request.collapse = !options.no_collapse;
  request.lang = options.lang;
  newsq::Searcher searcher(options.index);
  return searcher.search(request);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  options.index = newsq::default_index_path();
  CLI::App app{
      "newsq: search news articles and briefs.\n\n"
      "Query syntax: words (all must match; falls back to any when none match all), "
      "\"exact phrases\", AND OR NOT, -excluded, +required, NEAR, wildcards (pol*), and the "
      "fields title:, topic:, source:, kind:, author:, lang:, id:.\n\n"
      "Exit status: 0 hits found, 1 no hits, 2 bad usage, query or parameter, 3 index missing, "
      "unreadable or of another schema version (or server unreachable), 4 internal error.",
      "newsq"};
  app.add_option("query", options.words, "The search query (several words are joined)");
  app.add_option("--index", options.index,
                 "Index directory (default: $NEWSQ_INDEX, else $XDG_DATA_HOME/newsq/index, else "
                 "~/.local/share/newsq/index)")
      ->capture_default_str();
  app.add_option("--server", options.server,
                 "Query a running newsq-server at this URL (e.g. http://127.0.0.1:8080) instead of "
                 "a local index");
  app.add_flag("--json", options.json, "Print one JSON document (the shape GET /search returns)");
  app.add_option("-n,--limit", options.limit, "Number of hits to show (at most 100)")
      ->capture_default_str();
  app.add_option("--offset", options.offset, "Number of hits to skip (paging)")
      ->capture_default_str();
  app.add_option("--from", options.from,
                 "Published on or after: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] (UTC "
                 "when no offset)");
  app.add_option("--to", options.to,
                 "Published on or before (a bare date includes that whole day, UTC)");
  app.add_option("--topic", options.topics, "Only these topics (repeatable; any of them)")
      ->allow_extra_args(false);
  app.add_option("--source", options.sources, "Only these sources (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--kind", options.kinds, "Only articles or briefs: article|brief (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--sort", options.sort, "relevance|date (newest first)")->capture_default_str();
  app.add_option("--match", options.match,
                 "all: every word must match (falls back to any when nothing does); any: any word")
      ->capture_default_str();
  app.add_option("--facets", options.facets,
                 "Facets to count: topic, date, date:day|month|year (comma-separated)");
  app.add_flag("--exact", options.exact, "Count every match: exact total and facet counts");
  app.add_flag("--no-collapse", options.no_collapse,
               "Show near-duplicate stories (republished wire copies) as separate hits");
  app.add_option("--lang", options.lang, "Language of the query, for stemming (ISO 639-1)")
      ->capture_default_str();
  app.add_option("--color", options.color, "Highlight matches: auto|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }

  try {
    const newsq::SearchResult result =
        options.server.empty() ? search_local(options) : search_server(options);
    if (options.json) {
      std::cout << newsq::to_json(result).dump(2) << "\n";
    } else {
      newsq::cli::RenderOptions render_options;
      render_options.color =
          options.color == "always" || (options.color == "auto" && ::isatty(STDOUT_FILENO));
      render_options.offset = options.offset;
      newsq::cli::render(std::cout, result, render_options);
    }
    return result.hits.empty() ? 1 : 0;
  } catch (const newsq::Error& error) {
    std::cerr << "newsq: " << error.what() << "\n";
    return newsq::exit_code(error.code());
  } catch (const std::exception& error) {
    std::cerr << "newsq: internal error: " << error.what() << "\n";
    return 4;
  }
}
