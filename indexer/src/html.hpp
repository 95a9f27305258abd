// HTML as it appears in news feeds (escaped in RSS descriptions, CDATA, Atom html/xhtml content)
// turned into plain text for indexing (private to newsq_indexer).
#pragma once

#include <string>
#include <string_view>

namespace newsq::indexer::html {

/// Decodes character references: numeric ones (&#8217; &#x2019;) and the named ones of HTML 4
/// (Latin-1, typographic and symbol names such as &eacute; &rsquo; &hellip; &euro;), plus
/// &apos;. Numeric references to 128..159 are read as Windows-1252, as browsers do (&#146; is a
/// right quote); references to 0, surrogates or beyond U+10FFFF become U+FFFD. An unknown name
/// or a '&' without ';' stays as written, so "AT&T" survives. &nbsp; becomes U+00A0.
std::string decode_entities(std::string_view text);

/// Plain text of an HTML fragment: tags removed, comments, <script>, <style> and <template>
/// dropped with their content, entities decoded (&nbsp; as a space), runs of whitespace
/// collapsed; block elements (p, div, li, h1-h6, blockquote, table rows, ...) separate
/// paragraphs, joined by a blank line ("\n\n"), and <br> breaks a line. A '<' that cannot start
/// a tag ("a < b") is text. Tag names may carry a namespace prefix (xhtml:p).
std::string to_text(std::string_view html);

/// Replaces C1 control characters (U+0080..U+009F) with the Windows-1252 characters of the same
/// byte values: feeds labelled ISO-8859-1 are very often Windows-1252, whose curly quotes and
/// dashes are these bytes. Returns true when it replaced anything.
bool fix_windows_1252(std::string& text);

}  // namespace newsq::indexer::html
