// HTML output helpers. Every piece of text that reaches the page goes through html_escape(), the
// one escaping function; the only exception is a search snippet, which the query library already
// escapes (with <mark> added around matches).
#pragma once

#include <string>
#include <string_view>

namespace newsq::server {

/// Escapes & < > " ' so the result is safe as element text and inside a double- or
/// single-quoted attribute value. Invalid UTF-8 is passed through unchanged (the browser shows
/// U+FFFD); it cannot break out of text or attributes.
std::string html_escape(std::string_view text);

/// `url` when it is an absolute http(s) URL, else "" — so that a stored `javascript:` or
/// `data:` URL never becomes a link. The result still needs html_escape() in an attribute.
std::string safe_link(std::string_view url);

}  // namespace newsq::server
