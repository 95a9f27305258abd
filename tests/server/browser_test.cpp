// The search page in headless Chromium (Debian's `chromium`), driven over the DevTools protocol
// on --remote-debugging-pipe (JSON messages separated by NUL on fds 3 and 4), so the test needs
// no Node packages or WebDriver. Two runs: with JavaScript (app.js fetches /search and uses
// pushState) and without it (server-rendered pages and plain links).
//
// Chromium missing: the test is skipped with a warning, unless CI=true, where it fails.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server/support/server_process.hpp"

using namespace newsq::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kTartousTitle = "Russia's silence on Syrian demand regarding military bases";

bool chromium_available() {
  if (::access(kChromium, X_OK) == 0) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true")
    FAIL("CI=true but " << kChromium << " is missing: apt-get install -y chromium");
  WARN(kChromium << " is not installed (apt-get install -y chromium): skipping the browser test");
  return false;
}

/// One headless Chromium, killed by the destructor.
class Chromium {
 public:
  explicit Chromium(const std::filesystem::path& profile) {
    int to_browser[2], from_browser[2];
    if (::pipe(to_browser) != 0 || ::pipe(from_browser) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> args{kChromium,
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--disable-quic",
                                  "--disable-dev-shm-usage",
                                  "--no-first-run",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--remote-debugging-pipe",
                                  "--user-data-dir=" + profile.string(),
                                  "about:blank"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    auto log_path = (profile.parent_path() / "chromium.log").string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      // fds 3 and 4 are the protocol pipe: Chromium reads commands on 3, writes on 4.
      int in = ::dup(to_browser[0]), out = ::dup(from_browser[1]);
      ::dup2(in, 3);
      ::dup2(out, 4);
      int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
      for (int fd = 5; fd < 1024; ++fd) ::close(fd);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(to_browser[0]);
    ::close(from_browser[1]);
    write_fd_ = to_browser[1];
    read_fd_ = from_browser[0];
  }

  ~Chromium() {
    if (write_fd_ >= 0) ::close(write_fd_);
    if (read_fd_ >= 0) ::close(read_fd_);
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(20ms);
      }
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  /// Sends a command and waits for its answer (events that arrive meanwhile are kept).
  json call(const std::string& method, json params = json::object(),
            const std::string& session = "", std::chrono::milliseconds timeout = 20s) {
    int id = ++next_id_;
    json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (!session.empty()) message["sessionId"] = session;
    auto text = message.dump();
    text.push_back('\0');
    for (std::size_t written = 0; written < text.size();) {
      auto n = ::write(write_fd_, text.data() + written, text.size() - written);
      if (n <= 0) throw std::runtime_error("Chromium's pipe closed");
      written += static_cast<std::size_t>(n);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto reply = next_message(deadline);
      if (!reply) throw std::runtime_error("no answer to " + method);
      if (reply->contains("id") && (*reply)["id"] == id) {
        if (reply->contains("error"))
          throw std::runtime_error(method + " failed: " + (*reply)["error"].dump());
        return (*reply)["result"];
      }
      events_.push_back(std::move(*reply));
    }
  }

  /// A new tab, attached; returns its session id.
  std::string open_tab() {
    auto target = call("Target.createTarget", {{"url", "about:blank"}});
    auto attached =
        call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}});
    auto session = attached["sessionId"].get<std::string>();
    call("Page.enable", {}, session);
    call("Runtime.enable", {}, session);
    call("Log.enable", {}, session);
    return session;
  }

  /// Runs JavaScript in the page (DevTools evaluation works even with page scripts disabled)
  /// and returns its value.
  json evaluate(const std::string& session, const std::string& expression) {
    auto result = call(
        "Runtime.evaluate",
        {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}}, session);
    if (result.contains("exceptionDetails"))
      throw std::runtime_error("evaluation failed: " + result["exceptionDetails"].dump());
    return result["result"].value("value", json());
  }

  /// Polls `condition` (a JavaScript boolean expression) until it holds or 15 s pass.
  bool wait_for(const std::string& session, const std::string& condition) {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (evaluate(session, "!!(" + condition + ")") == true) return true;
      } catch (const std::runtime_error&) {
        // The page is navigating; ask again.
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  void navigate(const std::string& session, const std::string& url) {
    call("Page.navigate", {{"url", url}}, session);
  }

  /// Console errors, uncaught exceptions and CSP violations seen so far.
  std::vector<std::string> problems() const {
    std::vector<std::string> found;
    for (const auto& event : events_) {
      auto method = event.value("method", "");
      if (method == "Runtime.exceptionThrown") found.push_back(event["params"].dump());
      if (method == "Log.entryAdded" && event["params"]["entry"].value("level", "") == "error") {
        auto text = event["params"]["entry"].value("text", "");
        // The page links no favicon.ico, but some Chromium builds still ask for it.
        if (text.find("favicon.ico") == std::string::npos) found.push_back(text);
      }
    }
    return found;
  }

 private:
  std::optional<json> next_message(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      auto end = pending_.find('\0');
      if (end != std::string::npos) {
        auto text = pending_.substr(0, end);
        pending_.erase(0, end + 1);
        return json::parse(text);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd pfd{read_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[65536];
      auto n = ::read(read_fd_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      pending_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int write_fd_ = -1;
  int read_fd_ = -1;
  int next_id_ = 0;
  std::string pending_;
  std::vector<json> events_;
};

/// The seed page plus two articles with topics, so that a search for the Tartous article has a
/// topic facet to click.
struct BrowserFixture {
  TempDir dir;
  std::filesystem::path index = [this] {
    auto path = dir / "index";
    index_seed_page(path);
    index_jsonl(path,
                R"({"id":"naval-1","title":"Tartous naval base lease under review",)"
                R"("body":"Moscow and Damascus discuss the lease of the Tartous naval base.",)"
                R"("topics":["syria","defence"],"published":"2025-01-29T10:00:00Z"})"
                "\n"
                R"({"id":"naval-2","title":"Drills at the Tartous naval base",)"
                R"("body":"The naval base at Tartous hosted drills; the base is Russian.",)"
                R"("topics":["defence"],"published":"2025-01-28T10:00:00Z"})"
                "\n");
    return path;
  }();
  ServerProcess server{{"--index", index.string(), "--threads", "2"}};
};

std::string quoted(const std::string& text) { return json(text).dump(); }

const std::string kHasTartous =
    "[...document.querySelectorAll('.hit h2 a')].some(a => a.textContent === " +
    quoted(kTartousTitle) + ")";

}  // namespace

TEST_CASE_METHOD(BrowserFixture, "the page in Chromium with JavaScript", "[browser]") {
  if (!chromium_available()) return;
  Chromium browser(dir / "profile");
  auto tab = browser.open_tab();
  browser.navigate(tab, server.url() + "/");
  REQUIRE(
      browser.wait_for(tab, "document.readyState === 'complete' && document.getElementById('q')"));

  // Submitting the form is handled by app.js: no page load (the marker survives), URL updated.
  browser.evaluate(tab,
                   "window.__sameDocument = true;"
                   "document.getElementById('q').value = 'Tartous naval base';"
                   "document.getElementById('search-form').requestSubmit(); true");
  REQUIRE(browser.wait_for(tab, kHasTartous));
  CHECK(browser.evaluate(tab, "window.__sameDocument === true") == true);
  CHECK(browser.evaluate(tab, "location.search") == "?q=Tartous+naval+base");
  CHECK(browser.evaluate(tab, "document.title") == "Tartous naval base \u2013 newsq search");
  CHECK(browser.evaluate(tab, "!!document.querySelector('.snippet mark')") == true);

  // Typing offers completions of the last word from /suggest.
  browser.evaluate(tab,
                   "const q = document.getElementById('q'); q.value = 'naval ba';"
                   "q.dispatchEvent(new Event('input', { bubbles: true })); true");
  REQUIRE(browser.wait_for(tab, "[...document.querySelectorAll('#suggestions option')]"
                                ".some(o => o.value === 'naval base')"));

  // Clicking a topic facet refines the search in place.
  REQUIRE(browser.wait_for(tab, "document.querySelector('.topic-facets a')"));
  browser.evaluate(tab,
                   "[...document.querySelectorAll('.topic-facets a')]"
                   ".find(a => a.textContent === 'defence').click(); true");
  REQUIRE(browser.wait_for(tab,
                           "location.search.includes('topic=defence') && "
                           "document.querySelector('.filters') && "
                           "document.querySelectorAll('.hit').length === 2"));
  CHECK(browser.evaluate(tab, kHasTartous) == false);
  CHECK(browser.evaluate(tab, "window.__sameDocument === true") == true);
  CHECK(browser.evaluate(tab, "document.querySelector('input[type=hidden][name=topic]').value") ==
        "defence");

  // Sorting and paging links, then Back restores the unfiltered results.
  browser.evaluate(tab, "history.back(); true");
  REQUIRE(browser.wait_for(
      tab, "!location.search.includes('topic=') && !document.querySelector('.filters')"));
  REQUIRE(browser.wait_for(tab, kHasTartous));

  // A shared URL opens on the same results, rendered by the server.
  browser.navigate(tab, server.url() + "/?q=Tartous+naval+base&topic=defence");
  REQUIRE(browser.wait_for(tab,
                           "document.readyState === 'complete' && "
                           "document.querySelectorAll('.hit').length === 2"));
  auto problems = browser.problems();
  INFO(json(problems).dump(2));
  CHECK(problems.empty());
}

TEST_CASE_METHOD(BrowserFixture, "the page in Chromium without JavaScript", "[browser]") {
  if (!chromium_available()) return;
  Chromium browser(dir / "profile-nojs");
  auto tab = browser.open_tab();
  browser.call("Emulation.setScriptExecutionDisabled", {{"value", true}}, tab);
  browser.navigate(tab, server.url() + "/");
  REQUIRE(
      browser.wait_for(tab, "document.readyState === 'complete' && document.getElementById('q')"));

  // With page scripts off the form submits natively: a GET to /?q=...
  browser.evaluate(tab,
                   "document.getElementById('q').value = 'Tartous naval base';"
                   "document.getElementById('search-form').requestSubmit(); true");
  REQUIRE(browser.wait_for(tab, kHasTartous));
  CHECK(browser.evaluate(tab, "location.search") == "?q=Tartous+naval+base");

  // A topic facet is a plain link to the refined, server-rendered page.
  browser.evaluate(tab,
                   "[...document.querySelectorAll('.topic-facets a')]"
                   ".find(a => a.textContent === 'defence').click(); true");
  REQUIRE(browser.wait_for(tab,
                           "location.search.includes('topic=defence') && "
                           "document.readyState === 'complete' && "
                           "document.querySelectorAll('.hit').length === 2"));
  CHECK(browser.evaluate(tab, kHasTartous) == false);
  // The histogram links narrow the dates.
  REQUIRE(browser.wait_for(tab, "document.querySelector('.histogram a')"));
  browser.evaluate(tab, "document.querySelector('.histogram a').click(); true");
  REQUIRE(browser.wait_for(tab,
                           "location.search.includes('from=2025-01-01') && "
                           "location.search.includes('to=2025-01-31')"));
}
