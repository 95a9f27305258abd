// The search page, rendered by the server so that `/?q=...` works without JavaScript (results,
// facets, date histogram, paging, "did you mean"); app.js then takes over navigation.
#pragma once

#include <string>
#include <string_view>

#include "newsq/searcher.hpp"
#include "newsq/server/errors.hpp"
#include "newsq/server/search_params.hpp"

namespace newsq::server {

/// What one page shows. `result` is null when no search was asked for (the bare page) or when
/// it failed (`error` then says why).
struct PageView {
  const SearchParams& params;
  const SearchResult* result = nullptr;
  const HttpError* error = nullptr;
  double took_ms = 0;
  std::string_view asset_version;  ///< appended to asset URLs (?v=) so deploys bust caches
};

/// The complete HTML document. All text is escaped with html_escape(); the snippet is inserted
/// as the query library produced it (escaped, with <mark>). No inline script or style, so the
/// page works under a strict Content-Security-Policy.
std::string render_page(const PageView& view);

/// The parameters the page searches with: those of the URL plus topic facets and a date
/// histogram (by month, or by day when the from..to range is at most 92 days).
SearchParams page_search_params(const SearchParams& url_params);

/// The Content-Security-Policy sent with the page: scripts, styles and fetches from this origin
/// only, no inline script, no framing.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace newsq::server
