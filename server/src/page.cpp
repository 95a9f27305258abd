#include "newsq/server/page.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "newsq/server/html.hpp"
#include "newsq/timeutil.hpp"

namespace newsq::server {

namespace {

/// "1,234,567": counts are easier to read grouped.
std::string group_digits(std::uint64_t value) {
  auto digits = std::to_string(value);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[(month - 1) % 12];
}

/// The inclusive date range of a histogram bucket ("2025", "2025-01" or "2025-01-30").
std::pair<std::string, std::string> bucket_range(const std::string& bucket) {
  if (bucket.size() == 4) return {bucket + "-01-01", bucket + "-12-31"};
  if (bucket.size() == 7) {
    int year = std::atoi(bucket.substr(0, 4).c_str());
    int month = std::atoi(bucket.substr(5, 2).c_str());
    char last[3];
    std::snprintf(last, sizeof last, "%02d", days_in_month(year, std::clamp(month, 1, 12)));
    return {bucket + "-01", bucket + "-" + last};
  }
  return {bucket, bucket};
}

/// A link to the page with these parameters, ready for an href attribute.
std::string page_href(const SearchParams& params) {
  auto query = to_query_string(params);
  return html_escape(query.empty() ? "/" : "/?" + query);
}

/// "2025-01-30 16:10" from the stored timestamp, in the source's own offset.
std::string display_date(const Timestamp& ts) {
  auto iso = format_iso8601(ts);
  return iso.size() >= 16 ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso;
}

class PageWriter {
 public:
  explicit PageWriter(const PageView& view) : view_(view), params_(view.params) {}

  std::string render() {
    head();
    out_ += "<body>\n<a class=\"skip\" href=\"#results\">Skip to results</a>\n";
    header();
    out_ += "<main id=\"main\">\n<div id=\"results\" tabindex=\"-1\">\n";
    if (view_.error != nullptr) {
      out_ += "<p class=\"error\" role=\"alert\">" + html_escape(view_.error->message) + "</p>\n";
    } else if (view_.result != nullptr) {
      results(*view_.result);
    } else {
      out_ +=
          "<p class=\"intro\">Search the news archive: words, \"exact phrases\", "
          "<kbd>AND</kbd>, <kbd>OR</kbd>, <kbd>NOT</kbd>, and refine by topic and date.</p>\n";
    }
    out_ += "</div>\n</main>\n";
    out_ += "<footer><p>newsq &middot; <a href=\"/healthz\">status</a></p></footer>\n";
    out_ += "</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  void head() {
    auto version = html_escape(view_.asset_version);
    std::string title = params_.q.empty() ? "newsq search" : params_.q + " \u2013 newsq search";
    out_ +=
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>" +
        html_escape(title) +
        "</title>\n"
        "<link rel=\"stylesheet\" href=\"/static/style.css?v=" +
        version +
        "\">\n"
        "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/static/favicon.svg?v=" +
        version + "\">\n<script src=\"/static/app.js?v=" + version +
        "\" defer></script>\n</head>\n";
  }

  void header() {
    out_ +=
        "<header class=\"top\">\n<a class=\"brand\" href=\"/\">newsq</a>\n"
        "<form id=\"search-form\" role=\"search\" action=\"/\" method=\"get\">\n"
        "<label for=\"q\" class=\"visually-hidden\">Search news</label>\n"
        "<input id=\"q\" name=\"q\" type=\"search\" value=\"" +
        html_escape(params_.q) +
        "\" placeholder=\"Search news\" autocomplete=\"off\" spellcheck=\"false\" "
        "list=\"suggestions\">\n<datalist id=\"suggestions\"></datalist>\n";
    // Active filters and the sort order survive a new query; removing them is one click.
    auto hidden = [this](std::string_view name, const std::string& value) {
      out_ += "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" +
              html_escape(value) + "\">\n";
    };
    for (const auto& topic : params_.topics) hidden("topic", topic);
    for (const auto& source : params_.sources) hidden("source", source);
    for (const auto& kind : params_.kinds) hidden("kind", kind);
    if (!params_.from.empty()) hidden("from", params_.from);
    if (!params_.to.empty()) hidden("to", params_.to);
    if (!params_.sort.empty()) hidden("sort", params_.sort);
    out_ += "<button type=\"submit\">Search</button>\n</form>\n</header>\n";
  }

  void results(const SearchResult& result) {
    summary(result);
    if (result.suggestion) {
      auto corrected = params_;
      corrected.q = *result.suggestion;
      corrected.offset = 0;
      out_ += "<p class=\"suggestion\">Did you mean <a href=\"" + page_href(corrected) + "\">" +
              html_escape(*result.suggestion) + "</a>?</p>\n";
    }
    active_filters();
    out_ += "<div class=\"layout\">\n<section class=\"hits\" aria-label=\"Results\">\n";
    if (result.hits.empty()) {
      out_ += "<p class=\"empty\">No articles match. Try fewer words, <a href=\"" +
              page_href(without_filters()) + "\">remove the filters</a>, or match any word.</p>\n";
    } else {
      out_ += "<ol class=\"hit-list\" start=\"" + std::to_string(params_.offset + 1) + "\">\n";
      for (const auto& hit : result.hits) this->hit(hit);
      out_ += "</ol>\n";
    }
    pager(result);
    out_ += "</section>\n";
    facets(result);
    out_ += "</div>\n";
  }

  void summary(const SearchResult& result) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", view_.took_ms);
    std::string total = (result.total_exact ? "" : "about ") + group_digits(result.total);
    out_ += "<div class=\"summary\">\n<p role=\"status\">";
    if (result.hits.empty()) {
      out_ += "No results";
    } else {
      out_ += "Results " + group_digits(params_.offset + 1) + "&ndash;" +
              group_digits(params_.offset + result.hits.size()) + " of " + total;
    }
    out_ += " <span class=\"took\">(" + std::string(took) + " ms)</span></p>\n";
    // Sorting is a pair of links so it works without JavaScript and is one click either way.
    out_ += "<p class=\"sort\">Sort: ";
    bool by_date = params_.sort == "date";
    auto sort_link = [&](std::string_view value, std::string_view label, bool current) {
      auto sorted = params_;
      sorted.sort = std::string(value);
      sorted.offset = 0;
      out_ += "<a href=\"" + page_href(sorted) + "\"" + (current ? " aria-current=\"true\"" : "") +
              ">" + std::string(label) + "</a>";
    };
    sort_link("relevance", "relevance", !by_date);
    out_ += " &middot; ";
    sort_link("date", "newest first", by_date);
    out_ += "</p>\n</div>\n";
  }

  SearchParams without_filters() const {
    auto plain = params_;
    plain.topics.clear();
    plain.sources.clear();
    plain.kinds.clear();
    plain.from.clear();
    plain.to.clear();
    plain.offset = 0;
    return plain;
  }

  void active_filters() {
    std::vector<std::pair<std::string, SearchParams>> chips;  // label, link without it
    auto remove_from = [&](std::vector<std::string> SearchParams::*field, std::string_view name) {
      for (const auto& value : params_.*field) {
        auto without = params_;
        auto& list = without.*field;
        list.erase(std::remove(list.begin(), list.end(), value), list.end());
        without.offset = 0;
        chips.emplace_back(std::string(name) + ": " + value, std::move(without));
      }
    };
    remove_from(&SearchParams::topics, "topic");
    remove_from(&SearchParams::sources, "source");
    remove_from(&SearchParams::kinds, "kind");
    if (!params_.from.empty() || !params_.to.empty()) {
      auto without = params_;
      without.from.clear();
      without.to.clear();
      without.offset = 0;
      chips.emplace_back("date: " + (params_.from.empty() ? "…" : params_.from) + " to " +
                             (params_.to.empty() ? "…" : params_.to),
                         std::move(without));
    }
    if (chips.empty()) return;
    out_ += "<ul class=\"filters\" aria-label=\"Active filters\">\n";
    for (const auto& [label, without] : chips) {
      out_ += "<li><a href=\"" + page_href(without) + "\" title=\"Remove this filter\">" +
              html_escape(label) +
              " <span aria-hidden=\"true\">&times;</span>"
              "<span class=\"visually-hidden\"> (remove)</span></a></li>\n";
    }
    out_ += "</ul>\n";
  }

  void hit(const Hit& hit) {
    auto link = safe_link(hit.url);
    // Without a usable source URL, the stored article is the next best target.
    if (link.empty()) link = "/articles/" + percent_encode_segment(hit.id);
    out_ += "<li class=\"hit\">\n<h2><a href=\"" + html_escape(link) + "\">" +
            html_escape(hit.title.empty() ? std::string("(untitled)") : hit.title) +
            "</a></h2>\n<p class=\"meta\">";
    bool first = true;
    auto separator = [&] {
      if (!std::exchange(first, false)) out_ += " &middot; ";
    };
    if (hit.published) {
      separator();
      out_ += "<time datetime=\"" + html_escape(format_iso8601(*hit.published)) + "\">" +
              html_escape(display_date(*hit.published)) + "</time>";
    }
    if (!hit.source.empty()) {
      separator();
      out_ += "<span class=\"source\">" + html_escape(hit.source) + "</span>";
    }
    if (hit.kind == "brief") {
      separator();
      out_ += "<span class=\"kind\">brief</span>";
    }
    if (!hit.topics.empty()) {
      separator();
      out_ += "<span class=\"topics\">";
      for (std::size_t i = 0; i < hit.topics.size(); ++i) {
        if (i != 0) out_ += ", ";
        out_ += "<a href=\"" + page_href(with_topic(hit.topics[i])) + "\">" +
                html_escape(hit.topics[i]) + "</a>";
      }
      out_ += "</span>";
    }
    out_ += "</p>\n";
    // The query library escapes the snippet and adds only <mark> tags: insert it as is.
    if (!hit.snippet.empty()) out_ += "<p class=\"snippet\">" + hit.snippet + "</p>\n";
    out_ += "</li>\n";
  }

  SearchParams with_topic(const std::string& topic) const {
    auto refined = params_;
    if (std::find(refined.topics.begin(), refined.topics.end(), topic) == refined.topics.end())
      refined.topics.push_back(topic);
    refined.offset = 0;
    return refined;
  }

  static std::string percent_encode_segment(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        encoded += static_cast<char>(c);
      } else {
        encoded += '%';
        encoded += kHex[c >> 4];
        encoded += kHex[c & 15];
      }
    }
    return encoded;
  }

  void pager(const SearchResult& result) {
    bool has_previous = params_.offset > 0;
    bool has_next = params_.offset + result.hits.size() < result.total &&
                    params_.offset + params_.limit <= kMaxOffset;
    if (!has_previous && !has_next) return;
    out_ += "<nav class=\"pager\" aria-label=\"Pages\">\n";
    if (has_previous) {
      auto previous = params_;
      previous.offset = params_.offset > params_.limit ? params_.offset - params_.limit : 0;
      out_ += "<a rel=\"prev\" href=\"" + page_href(previous) + "\">&larr; Previous</a>\n";
    }
    out_ += "<span>Page " + std::to_string(params_.offset / params_.limit + 1) + "</span>\n";
    if (has_next) {
      auto next = params_;
      next.offset = params_.offset + params_.limit;
      out_ += "<a rel=\"next\" href=\"" + page_href(next) + "\">Next &rarr;</a>\n";
    }
    out_ += "</nav>\n";
  }

  void facets(const SearchResult& result) {
    if (result.topic_facets.empty() && result.date_facets.empty()) return;
    out_ += "<aside class=\"facets\" aria-label=\"Refine results\">\n";
    if (!result.topic_facets.empty()) {
      out_ += "<section>\n<h2>Topics</h2>\n<ul class=\"topic-facets\">\n";
      for (const auto& facet : result.topic_facets) {
        bool active = std::find(params_.topics.begin(), params_.topics.end(), facet.value) !=
                      params_.topics.end();
        out_ += "<li><a href=\"" + page_href(with_topic(facet.value)) + "\"" +
                (active ? " aria-current=\"true\"" : "") + ">" + html_escape(facet.value) +
                "</a> <span class=\"count\">" + group_digits(facet.count) + "</span></li>\n";
      }
      out_ += "</ul>\n</section>\n";
    }
    if (!result.date_facets.empty()) {
      std::uint64_t largest = 1;
      for (const auto& bucket : result.date_facets) largest = std::max(largest, bucket.count);
      out_ += "<section>\n<h2>Date</h2>\n<ol class=\"histogram\">\n";
      for (const auto& bucket : result.date_facets) {
        auto [from, to] = bucket_range(bucket.value);
        auto refined = params_;
        refined.from = from;
        refined.to = to;
        refined.offset = 0;
        // Bar lengths are CSS classes h0..h10: the CSP forbids inline style attributes.
        auto level = (bucket.count * 10 + largest - 1) / largest;
        out_ += "<li><a href=\"" + page_href(refined) + "\"><span class=\"label\">" +
                html_escape(bucket.value) + "</span> <span class=\"bar h" + std::to_string(level) +
                "\" aria-hidden=\"true\"></span> <span class=\"count\">" +
                group_digits(bucket.count) + "</span></a></li>\n";
      }
      out_ += "</ol>\n</section>\n";
    }
    out_ += "</aside>\n";
  }

  const PageView& view_;
  const SearchParams& params_;
  std::string out_;
};

}  // namespace

std::string render_page(const PageView& view) { return PageWriter(view).render(); }

SearchParams page_search_params(const SearchParams& url_params) {
  auto params = url_params;
  std::string bucket = "month";
  if (!params.from.empty() && !params.to.empty()) {
    try {
      auto span = parse_date_bound(params.to, true) - parse_date_bound(params.from, false);
      if (span <= 92 * 86400) bucket = "day";
    } catch (const Error&) {
      // to_search_request() reports the bad date; the bucket does not matter then.
    }
  }
  params.facets = "topic,date:" + bucket;
  return params;
}

}  // namespace newsq::server
