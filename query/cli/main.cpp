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
  std::string now;
  std::optional<double> recency_weight, recency_half_life;
  std::string related;   ///< --related ID: stories related to this one instead of a search
  bool suggest = false;  ///< --suggest: completions of the query instead of a search
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

// The JSON of a GET to the server, or the error it answered with.
nlohmann::json server_get(const Options& options, const std::string& target) {
  const auto response = newsq::http_get(options.server, target);
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    if (!json.is_discarded() && json.contains("error"))
      throw newsq::Error(error_code_from_name(json["error"].value("code", "internal")),
                         json["error"].value("message", "the server refused the request"));
    throw newsq::Error(newsq::ErrorCode::index_unavailable,
                       "the server answered HTTP " + std::to_string(response.status));
  }
  if (json.is_discarded())
    throw newsq::Error(newsq::ErrorCode::internal, "the server's answer is not JSON");
  return json;
}

// Asks a running newsq-server the same question and reads back the same result shape.
newsq::SearchResult search_server(const Options& options) {
  boost::urls::url target("/search");
  auto params = target.params();
  params.append({"q", join(options.words)});
  params.append({"limit", std::to_string(options.limit)});
  params.append({"offset", std::to_string(options.offset)});
  params.append({"sort", options.sort});
  if (!options.now.empty()) params.append({"now", options.now});
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

  const auto json = server_get(options, std::string(target.buffer()));
  return newsq::search_result_from_json(json);
}

newsq::Recency recency_of(const Options& options) {
  newsq::Recency recency;
  if (options.recency_weight) recency.weight = *options.recency_weight;
  if (options.recency_half_life) recency.half_life_days = *options.recency_half_life;
  if (!options.now.empty()) recency.now = newsq::parse_date_bound(options.now, false);
  return recency;
}

newsq::SearchResult related(const Options& options) {
  if (!options.server.empty()) {
    boost::urls::url target("/articles");
    target.segments().push_back(options.related);
    target.segments().push_back("related");
    target.params().append({"limit", std::to_string(options.limit)});
    if (options.no_collapse) target.params().append({"collapse", "false"});
    return newsq::search_result_from_json(server_get(options, std::string(target.buffer())));
  }
  newsq::RelatedRequest request;
  request.id = options.related;
  request.limit = options.limit;
  request.collapse = !options.no_collapse;
  newsq::Searcher searcher(options.index);
  return searcher.related(request);
}

nlohmann::json suggest(const Options& options) {
  const std::string prefix = join(options.words);
  if (!options.server.empty()) {
    boost::urls::url target("/suggest");
    target.params().append({"q", prefix});
    target.params().append({"limit", std::to_string(options.limit)});
    auto json = server_get(options, std::string(target.buffer()));
    json.erase("took_ms");
    return json;
  }
  newsq::Searcher searcher(options.index);
  return newsq::to_json(prefix, searcher.suggest(prefix, options.limit));
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
  request.recency = recency_of(options);
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
  app.add_option("--sort", options.sort,
                 "relevance (text blended with recency)|date (newest first)|text (text only)")
      ->capture_default_str();
  app.add_option("--now", options.now,
                 "Reference time of the recency blend (default: the newest story's time)");
  app.add_option("--recency-weight", options.recency_weight,
                 "Share of recency in sort=relevance, 0 to 1 (default 0.2; local index only: a "
                 "server uses its own)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--recency-half-life", options.recency_half_life,
                 "Days after which a story gets half the recency of the newest (default 30; "
                 "local index only)")
      ->check(CLI::PositiveNumber);
  app.add_option("--related", options.related,
                 "Show the stories related to the story with this id instead of searching");
  app.add_flag("--suggest", options.suggest,
               "Show search-box completions of the query's last word instead of searching "
               "(-n sets how many, at most 20)");
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
    if (options.suggest && !options.related.empty())
      throw newsq::Error(newsq::ErrorCode::bad_parameter,
                         "--suggest and --related cannot be used together");
    if (!options.server.empty() && (options.recency_weight || options.recency_half_life))
      throw newsq::Error(newsq::ErrorCode::bad_parameter,
                         "--recency-weight and --recency-half-life apply to a local index; a "
                         "server blends with its own settings (newsq-server --recency-weight)");
    if (options.suggest) {
      const nlohmann::json json = suggest(options);
      if (options.json) {
        std::cout << json.dump(2) << "\n";
      } else {
        for (const auto& item : json.at("suggestions"))
          std::cout << item.at("text").get<std::string>() << "\t" << item.at("kind").get<std::string>()
                    << "\t" << item.at("count").get<std::uint64_t>() << "\n";
      }
      return json.at("suggestions").empty() ? 1 : 0;
    }
    if (!options.related.empty() && !options.words.empty())
      throw newsq::Error(newsq::ErrorCode::bad_parameter,
                         "--related takes an id, not a query: drop the query words");
    const newsq::SearchResult result = !options.related.empty() ? related(options)
                                       : options.server.empty() ? search_local(options)
                                                                : search_server(options);
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
