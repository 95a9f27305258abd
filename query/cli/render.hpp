// Human-readable rendering of search results for the terminal.
#pragma once

#include <ostream>

#include "newsq/searcher.hpp"

namespace newsq::cli {

struct RenderOptions {
  bool color = false;  ///< ANSI bold/colour for highlights and titles (on a TTY)
  std::size_t offset = 0;  ///< rank of the first hit minus one
};

/// Turns a snippet's HTML (escaped text with <mark>) into terminal text: entities decoded, marks
/// shown in bold yellow when `color`, dropped otherwise.
std::string snippet_for_terminal(std::string_view html, bool color);

/// Prints the total, each hit (rank, date, topics, title, url, snippet), the facets and the
/// spelling suggestion.
void render(std::ostream& out, const SearchResult& result, const RenderOptions& options);

}  // namespace newsq::cli
