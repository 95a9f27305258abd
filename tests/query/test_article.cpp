#include <catch2/catch.hpp>

#include "newsq/article.hpp"
#include "newsq/errors.hpp"

using namespace newsq;
using nlohmann::json;

TEST_CASE("article_from_json reads every documented field and keeps unknown ones", "[article]") {
  const auto article = article_from_json(json::parse(R"({
    "id": "a1", "url": "https://example.com/a1", "title": "Title", "body": "Body text",
    "summary": "Lead", "published": "2025-01-30T16:10:00+01:00", "topics": ["Politics", "Syria"],
    "source": "Example", "authors": ["A. Writer"], "kind": "brief", "lang": "es",
    "section": "world", "priority": 3})"));
  CHECK(article.id == "a1");
  CHECK(article.url == "https://example.com/a1");
  CHECK(article.title == "Title");
  CHECK(article.body == "Body text");
  CHECK(article.summary == "Lead");
  REQUIRE(article.published);
  CHECK(article.published->offset_minutes == 60);
  CHECK(article.topics == std::vector<std::string>{"Politics", "Syria"});
  CHECK(article.authors == std::vector<std::string>{"A. Writer"});
  CHECK(article.source == "Example");
  CHECK(article.kind == "brief");
  CHECK(article.lang == "es");
  CHECK(article.extra["section"] == "world");
  CHECK(article.extra["priority"] == 3);

  // The stored JSON round-trips, unknown fields included.
  const json stored = to_json(article);
  CHECK(stored["published"] == "2025-01-30T16:10:00+01:00");
  CHECK(stored["section"] == "world");
  const auto again = article_from_json(stored);
  CHECK(again.published == article.published);
  CHECK(again.extra == article.extra);
}

TEST_CASE("article_from_json names what is wrong", "[article]") {
  auto message_for = [](const char* text) -> std::string {
    try {
      article_from_json(json::parse(text));
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::bad_record);
      return error.what();
    }
    return "";
  };
  CHECK(message_for(R"({"title": "x", "published": "last week"})").find("published") !=
        std::string::npos);
  CHECK(message_for(R"({"title": "x", "topics": [1, 2]})").find("topics") != std::string::npos);
  CHECK(message_for(R"({"title": "x", "kind": "podcast"})").find("kind") != std::string::npos);
  CHECK(message_for(R"({"id": "x", "url": "https://example.com"})").find("neither title nor text") !=
        std::string::npos);
  CHECK(message_for(R"([1, 2])").find("object") != std::string::npos);
}

TEST_CASE("derive_id is stable and depends on url, else title and date", "[article]") {
  Article a;
  a.url = "https://example.com/x";
  a.title = "One";
  Article b = a;
  b.title = "Two";
  CHECK(derive_id(a) == derive_id(b));  // same url, same story
  CHECK(derive_id(a).rfind('u', 0) == 0);

  Article c, d;
  c.title = d.title = "Spain leads NATO's naval exercises";
  c.published = Timestamp{1000, 0};
  d.published = Timestamp{2000, 0};
  CHECK(derive_id(c) != derive_id(d));
  CHECK(derive_id(c) == derive_id(c));
  CHECK(derive_id(c).size() == 17);
}

TEST_CASE("display_title falls back to the first words of the text", "[article]") {
  Article untitled;
  untitled.body = "Shr 12 cts vs 15 cts\n  Net 1.2 mln vs 1.5 mln\n  Revs 20 mln vs 21 mln and "
                  "more words to make this longer than the limit of the title";
  const auto title = untitled.display_title(40);
  CHECK(title.rfind("Shr 12 cts vs 15 cts Net", 0) == 0);
  CHECK(title.size() <= 40 + 3);
  Article titled;
  titled.title = "A title";
  titled.body = "Body";
  CHECK(titled.display_title() == "A title");
}
