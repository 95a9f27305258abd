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

namespace {

// The fields a hit shows, as the full reader gives them.
void check_hit_fields(const std::string& stored, bool with_text) {
  const Article full = article_from_json(json::parse(stored), false);
  const auto fast = hit_fields_from_stored(stored, with_text);
  REQUIRE(fast);
  CHECK(fast->id == full.id);
  CHECK(fast->url == full.url);
  CHECK(fast->title == full.title);
  CHECK(fast->published == full.published);
  CHECK(fast->topics == full.topics);
  CHECK(fast->source == full.source);
  CHECK(fast->kind == full.kind);
  CHECK(fast->lang == full.lang);
  CHECK(fast->display_title() == full.display_title());
  if (with_text) {
    CHECK(fast->body == full.body);
    CHECK(fast->summary == full.summary);
  }
}

}  // namespace

TEST_CASE("hit_fields_from_stored reads what the full reader reads", "[article]") {
  Article article;
  article.id = "a1";
  article.url = "https://example.com/a?b=\"c\"";
  article.title = "Tartús \"naval\" base\\ \t tab, 😀 and \x01 control";
  article.body = "Body with \"quotes\", a back\\slash\\\\ and\nlines, Ünïcode.";
  article.summary = "Lead";
  article.published = parse_iso8601("2025-01-30T16:10:00+01:00");
  article.topics = {"Politics", "", "Syria \"war\""};
  article.authors = {"A. Writer"};
  article.source = "Example";
  article.kind = "brief";
  article.lang = "es";
  article.extra["nested"] = json::parse(R"({"a": [1, 2.5e3, {"b": null}], "c": "\"}"})");
  for (const bool ascii : {false, true}) {
    const std::string stored = to_json(article).dump(-1, ' ', ascii);
    check_hit_fields(stored, true);
    check_hit_fields(stored, false);
  }

  // Untitled briefs: the display title comes from the text, so it is read even without text.
  check_hit_fields(R"({"id": 42, "title": " ", "body": "The first words of the brief"})", false);
  check_hit_fields(R"({"id": -7, "title": null, "topics": "Single", "kind": "", "lang": ""})",
                   true);
  check_hit_fields(R"( { "title" : "Repeated" , "title" : "Last" } )", true);
  check_hit_fields(R"({"title": "Escaped \ud83d\ude00 \u00e9 \/ \b\f\r"})", true);
  check_hit_fields("{}", true);
}

TEST_CASE("hit_fields_from_stored leaves anything unusual to the full reader", "[article]") {
  for (const char* stored :
       {"", "[]", R"({"title": 5})", R"({"id": 1.5})", R"({"id": 012})", R"({"id": true})",
        R"({"topics": [1]})", R"({"authors": {"a": 1}})", R"({"title": "x", "body": 3})",
        R"({"kind": "podcast"})", R"({"published": "last week"})", R"({"title": "x"} trailing)",
        R"({"title": "unterminated})", R"({"title": "\ud83d alone"})", R"({"title": "\x"})",
        R"({"title" "x"})", R"({"title": "x",})"})
    CHECK_FALSE(hit_fields_from_stored(stored, true));
  CHECK_FALSE(hit_fields_from_stored(R"({"body": 3})", false));
}
