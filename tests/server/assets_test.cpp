#include "newsq/server/assets.hpp"

#include <catch2/catch.hpp>

using namespace newsq::server;

TEST_CASE("content types come from the extension", "[assets]") {
  CHECK(content_type_for("app.js") == "text/javascript; charset=utf-8");
  CHECK(content_type_for("style.css") == "text/css; charset=utf-8");
  CHECK(content_type_for("favicon.svg") == "image/svg+xml");
  CHECK(content_type_for("page.html") == "text/html; charset=utf-8");
  CHECK(content_type_for("data.json") == "application/json; charset=utf-8");
  CHECK(content_type_for("README") == "application/octet-stream");
  CHECK(content_type_for("archive.tar.gz") == "application/octet-stream");
}

TEST_CASE("the page's assets are embedded with ETags", "[assets]") {
  AssetTable table;
  for (const char* name : {"app.js", "style.css", "favicon.svg"}) {
    INFO(name);
    const Asset* asset = table.find(name);
    REQUIRE(asset != nullptr);
    CHECK(asset->bytes.size() > 50);
    CHECK(asset->etag.size() == 18);
    CHECK(asset->etag.front() == '"');
  }
  CHECK(table.find("missing.js") == nullptr);
  CHECK(table.find("../CMakeLists.txt") == nullptr);
  CHECK(table.find("app.js")->etag != table.find("style.css")->etag);
  CHECK(table.version().size() == 10);
  CHECK(AssetTable().version() == table.version());
}
