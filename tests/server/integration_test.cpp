// The real newsq-server binary on 127.0.0.1 with a free port, over indexes built by newsq-index:
// the seed page (always) and Reuters-21578 (when ../shared/corpus has it).
#include <signal.h>

#include <set>
#include <thread>

#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "newsq/http_client.hpp"
#include "server/support/server_process.hpp"

using namespace newsq::test;
using boost::beast::http::field;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kTartousTitle = "Russia's silence on Syrian demand regarding military bases";

/// The seed page indexed into a fresh directory, and a server over it.
struct SeedServer {
  TempDir dir;
  std::filesystem::path index = [this] {
    auto path = dir / "index";
    index_seed_page(path);
    return path;
  }();
  ServerProcess server{{"--index", index.string(), "--threads", "2"}};

  newsq::HttpResponse get(const std::string& target) {
    return newsq::http_get(server.url(), target);
  }
  json get_json(const std::string& target, int expected_status = 200) {
    auto response = get(target);
    INFO(target << " -> " << response.body);
    REQUIRE(response.status == expected_status);
    REQUIRE(response.content_type == "application/json; charset=utf-8");
    return json::parse(response.body);
  }
};

std::set<std::string> ids_of(const json& result) {
  std::set<std::string> ids;
  for (const auto& hit : result["hits"]) ids.insert(hit["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE_METHOD(SeedServer, "search finds the Tartous article first", "[integration]") {
  auto result = get_json("/search?q=Tartous+naval+base");
  REQUIRE(result["hits"].size() >= 1);
  CHECK(result["hits"][0]["title"] == kTartousTitle);
  CHECK(result["hits"][0]["snippet"].get<std::string>().find("<mark>") != std::string::npos);
  CHECK(result["total"]["value"].get<int>() >= 1);
  CHECK(result["took_ms"].is_number());
  CHECK(result["query"] == "Tartous naval base");
}

TEST_CASE_METHOD(SeedServer, "filters, facets and paging", "[integration]") {
  auto all = get_json("/search?q=&limit=100&facets=topic,date:day&exact=1");
  auto total = all["total"]["value"].get<std::size_t>();
  REQUIRE(total >= 5);
  REQUIRE(all["facets"]["date"].size() >= 1);
  CHECK(all["facets"]["date"][0]["bucket"].get<std::string>().rfind("2025-01-", 0) == 0);
  CHECK(all["facets"].contains("topic"));

  auto briefs = get_json("/search?kind=brief&limit=100");
  for (const auto& hit : briefs["hits"]) CHECK(hit["kind"] == "brief");
  auto articles = get_json("/search?kind=article&limit=100");
  for (const auto& hit : articles["hits"]) CHECK(hit["kind"] == "article");
  CHECK(briefs["total"]["value"].get<std::size_t>() +
            articles["total"]["value"].get<std::size_t>() ==
        total);
  CHECK(get_json("/search?kind=brief,article&limit=100")["total"]["value"] == total);

  CHECK(get_json("/search?from=2025-01-31")["total"]["value"] == 0);
  // The seed article is dated 2025-01-30 00:00 in Madrid, which is the 29th in UTC.
  CHECK(get_json("/search?from=2025-01-29&to=2025-01-30")["total"]["value"] == total);
  CHECK(get_json("/search?to=2024-12-31")["total"]["value"] == 0);

  auto first = get_json("/search?q=&sort=date&limit=3");
  auto second = get_json("/search?q=&sort=date&limit=3&offset=3");
  CHECK(first["hits"].size() == 3);
  CHECK(second["hits"].size() == 3);
  auto a = ids_of(first), b = ids_of(second);
  for (const auto& id : a) CHECK_FALSE(b.contains(id));
  // Newest first.
  CHECK(first["hits"][0]["published"].get<std::string>() >=
        first["hits"][2]["published"].get<std::string>());
}

TEST_CASE_METHOD(SeedServer, "articles by id and health", "[integration]") {
  auto hit = get_json("/search?q=Tartous+naval+base")["hits"][0];
  auto id = hit["id"].get<std::string>();
  auto article = get_json("/articles/" + id);
  CHECK(article["id"] == id);
  CHECK(article["title"] == kTartousTitle);
  CHECK(article["body"].get<std::string>().find("Tartous") != std::string::npos);
  auto missing = get_json("/articles/no%2Fsuch%20id", 404);
  CHECK(missing["error"]["code"] == "not_found");

  auto health = get_json("/healthz");
  CHECK(health["status"] == "ok");
  CHECK(health["index"] == index.string());
  CHECK(health["documents"].get<int>() >= 5);
  CHECK(health["revision"].get<int>() >= 1);
  CHECK(health["uptime_s"].get<int>() >= 0);
}

TEST_CASE_METHOD(SeedServer, "the page is server-rendered and the assets are served",
                 "[integration]") {
  auto page = get("/?q=Tartous+naval+base");
  CHECK(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("Russia&#39;s silence on Syrian demand") != std::string::npos);
  CHECK(page.body.find("<mark>Tartous</mark>") != std::string::npos);
  auto js = get("/static/app.js");
  CHECK(js.status == 200);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(get("/static/style.css").content_type == "text/css; charset=utf-8");

  RawConnection connection(server.port());
  REQUIRE(connection.send("HEAD /?q=Tartous HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = connection.read_response(5s, true);
  REQUIRE(head);
  CHECK(head->result_int() == 200);
  CHECK(std::stoul(std::string((*head)[field::content_length])) > 1000);
  CHECK(head->body().empty());
  // No stray body bytes were sent: the next answer on the connection parses.
  REQUIRE(connection.send(get_request("/healthz")));
  auto next = connection.read_response();
  REQUIRE(next);
  CHECK(next->result_int() == 200);
}

TEST_CASE_METHOD(SeedServer, "every error status", "[integration]") {
  auto bad = get_json("/search?q=x&limit=0", 400);
  CHECK(bad["error"]["code"] == "bad_parameter");
  CHECK(get_json("/search?from=someday", 400)["error"]["code"] == "bad_parameter");
  CHECK(get_json("/nope", 404)["error"]["code"] == "not_found");

  RawConnection post(server.port());
  REQUIRE(post.send("POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
  auto response = post.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 405);
  CHECK((*response)[field::allow] == "GET, HEAD, OPTIONS");

  RawConnection big_body(server.port());
  REQUIRE(big_body.send("POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n" +
                        std::string(64 * 1024, 'x')));
  response = big_body.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 413);

  RawConnection long_url(server.port());
  REQUIRE(long_url.send(get_request("/search?q=" + std::string(10000, 'a'))));
  response = long_url.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 414);

  RawConnection very_long_url(server.port());
  REQUIRE(very_long_url.send(get_request("/search?q=" + std::string(40000, 'a'))));
  response = very_long_url.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 414);

  RawConnection big_header(server.port());
  REQUIRE(big_header.send(get_request("/", "Cookie: " + std::string(40000, 'c') + "\r\n")));
  response = big_header.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 431);

  RawConnection malformed(server.port());
  REQUIRE(malformed.send("THIS IS NOT HTTP\r\n\r\n"));
  response = malformed.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 400);
  CHECK(malformed.closed_by_peer());

  // The server is still fine after all that.
  CHECK(get_json("/healthz")["status"] == "ok");
}

TEST_CASE_METHOD(SeedServer, "keep-alive: several requests on one connection", "[integration]") {
  RawConnection connection(server.port());
  for (const char* target : {"/healthz", "/search?q=Tartous", "/static/app.js", "/nope",
                             "/search?q=naval+base&limit=1"}) {
    INFO(target);
    REQUIRE(connection.send(get_request(target)));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->keep_alive());
  }
  auto log = server.log();
  CHECK(log.find("GET /search 200 ") != std::string::npos);
  CHECK(log.find("GET /nope 404 ") != std::string::npos);
  CHECK(log.find("q=Tartous") == std::string::npos);
}

TEST_CASE_METHOD(SeedServer, "an article added while the server runs shows up", "[integration]") {
  CHECK(get_json("/search?q=quetzalcoatlus")["total"]["value"] == 0);
  index_jsonl(index, R"({"id":"live-1","title":"Quetzalcoatlus skeleton found",)"
                     R"("body":"Palaeontologists found a quetzalcoatlus.",)"
                     R"("published":"2025-02-03T10:00:00Z","topics":["science"]})"
                     "\n");
  json result;
  for (int attempt = 0; attempt < 50; ++attempt) {
    result = get_json("/search?q=quetzalcoatlus");
    if (result["total"]["value"] == 1) break;
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(result["total"]["value"] == 1);
  CHECK(result["hits"][0]["id"] == "live-1");
  CHECK(get_json("/articles/live-1")["topics"][0] == "science");
}

TEST_CASE_METHOD(SeedServer, "SIGTERM stops the server with exit status 0", "[integration]") {
  RawConnection idle(server.port());
  REQUIRE(idle.send(get_request("/healthz")));
  REQUIRE(idle.read_response());
  CHECK(server.stop(SIGTERM) == 0);
  CHECK(idle.closed_by_peer());
}

TEST_CASE("SIGINT stops it too", "[integration]") {
  TempDir dir;
  ServerProcess server({"--index", (dir / "none").string()});
  CHECK(server.stop(SIGINT) == 0);
}

TEST_CASE("CORS only for the configured origins", "[integration]") {
  TempDir dir;
  index_seed_page(dir / "index");
  ServerProcess server({"--index", (dir / "index").string(), "--cors-origin",
                        "https://news.example", "--cors-origin", "https://other.example"});
  RawConnection connection(server.port());
  REQUIRE(connection.send(get_request("/search?q=naval", "Origin: https://other.example\r\n")));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK((*response)[field::access_control_allow_origin] == "https://other.example");
  CHECK((*response)[field::vary] == "Origin");

  REQUIRE(connection.send(get_request("/search?q=naval", "Origin: https://evil.example\r\n")));
  response = connection.read_response();
  REQUIRE(response);
  CHECK((*response)[field::access_control_allow_origin].empty());

  REQUIRE(
      connection.send("OPTIONS /search HTTP/1.1\r\nHost: x\r\nOrigin: https://news.example\r\n"
                      "Access-Control-Request-Method: GET\r\n\r\n"));
  response = connection.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == 204);
  CHECK((*response)[field::access_control_allow_origin] == "https://news.example");
  CHECK((*response)[field::access_control_allow_methods] == "GET, HEAD, OPTIONS");
}

TEST_CASE("without an index the server starts, answers 503, and serves once it appears",
          "[integration]") {
  TempDir dir;
  auto index = dir / "index";
  ServerProcess server({"--index", index.string(), "--refresh-ms", "50"});
  auto response = newsq::http_get(server.url(), "/search?q=naval");
  CHECK(response.status == 503);
  CHECK(json::parse(response.body)["error"]["code"] == "index_missing");
  CHECK(newsq::http_get(server.url(), "/readyz").status == 503);
  CHECK(newsq::http_get(server.url(), "/?q=naval").status == 503);
  CHECK(newsq::http_get(server.url(), "/").status == 200);

  index_seed_page(index);
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    std::this_thread::sleep_for(50ms);
    status = newsq::http_get(server.url(), "/search?q=naval").status;
  }
  CHECK(status == 200);
}

TEST_CASE("configuration from the environment, --help lists every option", "[integration]") {
  TempDir dir;
  index_seed_page(dir / "index");
  ServerProcess server(
      {}, {{"NEWSQ_INDEX", (dir / "index").string()}, {"NEWSQ_LISTEN", "127.0.0.1:0"}}, false);
  auto health = json::parse(newsq::http_get(server.url(), "/healthz").body);
  CHECK(health["index"] == (dir / "index").string());

  auto help = run_command(shell_quote(built_binary("server/newsq-server").string()) + " --help");
  CHECK(help.exit_code == 0);
  for (const char* option :
       {"--index", "--listen", "--threads", "--cors-origin", "--max-connections",
        "--read-timeout-ms", "--write-timeout-ms", "--shutdown-timeout-ms", "--header-limit",
        "--body-limit", "--max-url", "--refresh-ms", "NEWSQ_LISTEN", "NEWSQ_INDEX"}) {
    INFO(option);
    CHECK(help.out.find(option) != std::string::npos);
  }
  auto bad =
      run_command(shell_quote(built_binary("server/newsq-server").string()) + " --listen nonsense");
  CHECK(bad.exit_code == 2);
}

TEST_CASE("over Reuters: Tartous first, topic facets and filters", "[integration][reuters]") {
  auto index = reuters_index_path();
  if (!index) {
    WARN("../shared/corpus/reuters21578 is absent: skipping the Reuters checks");
    return;
  }
  ServerProcess server({"--index", index->string()});
  auto get_json = [&](const std::string& target) {
    auto response = newsq::http_get(server.url(), target);
    INFO(target << " -> " << response.body);
    REQUIRE(response.status == 200);
    return json::parse(response.body);
  };
  auto tartous = get_json("/search?q=Tartous+naval+base");
  REQUIRE_FALSE(tartous["hits"].empty());
  CHECK(tartous["hits"][0]["title"] == kTartousTitle);

  auto oil = get_json("/search?q=oil+prices&facets=topic,date:month&limit=20");
  CHECK(oil["total"]["value"].get<int>() > 100);
  REQUIRE_FALSE(oil["facets"]["topic"].empty());
  std::set<std::string> topics;
  for (const auto& facet : oil["facets"]["topic"]) topics.insert(facet["value"]);
  CHECK(topics.contains("crude"));
  REQUIRE_FALSE(oil["facets"]["date"].empty());
  CHECK(oil["facets"]["date"][0]["bucket"].get<std::string>().rfind("1987-", 0) == 0);

  auto crude = get_json("/search?q=oil+prices&topic=crude&limit=50");
  CHECK(crude["total"]["value"].get<int>() > 10);
  for (const auto& hit : crude["hits"]) {
    auto hit_topics = hit["topics"].get<std::vector<std::string>>();
    CHECK(std::find(hit_topics.begin(), hit_topics.end(), "crude") != hit_topics.end());
  }
  auto march = get_json("/search?q=oil&from=1987-03-01&to=1987-03-31&limit=50");
  for (const auto& hit : march["hits"]) {
    auto published = hit["published"].get<std::string>();
    CHECK(published.substr(0, 7) == "1987-03");
  }
  auto page2 = get_json("/search?q=oil+prices&limit=10&offset=10");
  auto page1 = get_json("/search?q=oil+prices&limit=10");
  for (const auto& id : ids_of(page2)) CHECK_FALSE(ids_of(page1).contains(id));
}
