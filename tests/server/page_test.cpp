#include "newsq/server/page.hpp"

#include <catch2/catch.hpp>

using namespace newsq;
using namespace newsq::server;

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

SearchResult sample_result() {
  SearchResult result;
  result.query = "tartous";
  result.total = 25;
  result.total_exact = true;
  Hit hit;
  hit.id = "id/1";
  hit.title = "Russia's <b>silence</b>";
  hit.url = "https://example.org/a?b=1&c=2";
  hit.published = Timestamp{1738249800, 60};  // 2025-01-30T16:10+01:00
  hit.topics = {"syria", "<script>"};
  hit.source = "Atalayar & co";
  hit.kind = "article";
  hit.snippet = "the <mark>Tartous</mark> naval base &amp; more";
  result.hits.push_back(hit);
  Hit evil = hit;
  evil.id = "evil";
  evil.url = "javascript:alert(1)";
  evil.title = "";
  result.hits.push_back(evil);
  result.facet_topics = true;
  result.topic_facets = {{"syria", 12}, {"a\"b", 3}};
  result.facet_date = true;
  result.date_facets = {{"2025-01", 20}, {"2025-02", 5}};
  result.suggestion = "tartus <x>";
  return result;
}

}  // namespace

TEST_CASE("the bare page has a labelled search form and no inline script", "[page]") {
  SearchParams params;
  auto html = render_page({params, nullptr, nullptr, 0, "v1"});
  CHECK(contains(html, "<!doctype html>"));
  CHECK(contains(html, "<html lang=\"en\">"));
  CHECK(contains(html, "role=\"search\""));
  CHECK(contains(html, "<label for=\"q\""));
  CHECK(contains(html, "<main id=\"main\">"));
  CHECK(contains(html, "<script src=\"/static/app.js?v=v1\" defer></script>"));
  CHECK_FALSE(contains(html, "<script>"));
  CHECK_FALSE(contains(html, "style=\""));
  CHECK_FALSE(contains(html, "onclick"));
}

TEST_CASE("the page Content-Security-Policy forbids inline code and framing", "[page]") {
  std::string policy(kContentSecurityPolicy);
  CHECK(contains(policy, "default-src 'none'"));
  CHECK(contains(policy, "script-src 'self'"));
  CHECK(contains(policy, "frame-ancestors 'none'"));
  CHECK_FALSE(contains(policy, "unsafe-inline"));
  CHECK_FALSE(contains(policy, "unsafe-eval"));
}

TEST_CASE("every piece of user text on the page is escaped", "[page]") {
  SearchParams params;
  params.q = "\"><script>alert(1)</script>";
  params.has_query = true;
  params.topics = {"x\"y"};
  auto result = sample_result();
  auto html = render_page({params, &result, nullptr, 1.5, "v1"});
  CHECK_FALSE(contains(html, "<script>alert"));
  CHECK(contains(html, "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
  CHECK(contains(html, "Russia&#39;s &lt;b&gt;silence&lt;/b&gt;"));
  CHECK(contains(html, "Atalayar &amp; co"));
  CHECK(contains(html, ">&lt;script&gt;</a>"));
  CHECK(contains(html, "value=\"x&quot;y\""));
  CHECK(contains(html, "tartus &lt;x&gt;"));
  // The snippet is already escaped by the query library and keeps its <mark>s.
  CHECK(contains(html, "the <mark>Tartous</mark> naval base &amp; more"));
  // Links are escaped inside attributes.
  CHECK(contains(html, "href=\"https://example.org/a?b=1&amp;c=2\""));
}

TEST_CASE("a javascript: URL never becomes a link", "[page]") {
  SearchParams params;
  params.has_query = true;
  auto result = sample_result();
  auto html = render_page({params, &result, nullptr, 0, "v"});
  CHECK_FALSE(contains(html, "javascript:"));
  CHECK(contains(html, "href=\"/articles/evil\""));
  CHECK(contains(html, ">(untitled)</a>"));
}

TEST_CASE("facets, histogram, paging, sort and suggestion are links", "[page]") {
  SearchParams params;
  params.q = "tartous";
  params.has_query = true;
  params.offset = 10;
  auto result = sample_result();
  auto html = render_page({params, &result, nullptr, 2.25, "v"});
  CHECK(contains(html, "href=\"/?q=tartous&amp;topic=syria\""));
  CHECK(contains(html, "href=\"/?q=tartous&amp;topic=a%22b\""));
  CHECK(contains(html, "href=\"/?q=tartous&amp;from=2025-01-01&amp;to=2025-01-31\""));
  CHECK(contains(html, "href=\"/?q=tartous&amp;from=2025-02-01&amp;to=2025-02-28\""));
  CHECK(contains(html, "class=\"bar h10\""));
  CHECK(contains(html, "class=\"bar h3\""));
  CHECK(contains(html, "rel=\"prev\" href=\"/?q=tartous\""));
  CHECK(contains(html, "rel=\"next\" href=\"/?q=tartous&amp;offset=20\""));
  CHECK(contains(html, "href=\"/?q=tartous&amp;sort=date\""));
  CHECK(contains(html, "Did you mean <a href=\"/?q=tartus+%3Cx%3E\">"));
  CHECK(contains(html, "Results 11&ndash;12 of 25"));
  CHECK(contains(html, "<ol class=\"hit-list\" start=\"11\">"));
  CHECK(contains(html, "<time datetime=\"2025-01-30T16:10:00+01:00\">2025-01-30 16:10</time>"));
}

TEST_CASE("active filters can be removed and survive a new query", "[page]") {
  SearchParams params;
  params.q = "oil";
  params.has_query = true;
  params.topics = {"crude"};
  params.from = "1987-03-01";
  SearchResult result;
  auto html = render_page({params, &result, nullptr, 0, "v"});
  CHECK(contains(html, "<input type=\"hidden\" name=\"topic\" value=\"crude\">"));
  CHECK(contains(html, "<input type=\"hidden\" name=\"from\" value=\"1987-03-01\">"));
  CHECK(contains(html, "href=\"/?q=oil&amp;from=1987-03-01\" title=\"Remove this filter\""));
  CHECK(contains(html, "href=\"/?q=oil&amp;topic=crude\" title=\"Remove this filter\""));
  CHECK(contains(html, "No articles match"));
}

TEST_CASE("an error is shown as an alert", "[page]") {
  SearchParams params;
  params.q = "\"unbalanced";
  params.has_query = true;
  HttpError error{boost::beast::http::status::bad_request, "bad_query", "bad <query>"};
  auto html = render_page({params, nullptr, &error, 0, "v"});
  CHECK(contains(html, "role=\"alert\">bad &lt;query&gt;</p>"));
}

TEST_CASE("the page asks for topic facets and a histogram by month or day", "[page]") {
  SearchParams params;
  CHECK(page_search_params(params).facets == "topic,date:month");
  params.from = "2025-01-01";
  params.to = "2025-01-31";
  CHECK(page_search_params(params).facets == "topic,date:day");
  params.to = "2025-12-31";
  CHECK(page_search_params(params).facets == "topic,date:month");
  params.to = "garbage";
  CHECK(page_search_params(params).facets == "topic,date:month");
}
