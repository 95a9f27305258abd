// Query text as newsq hands it to Xapian's QueryParser (private to newsq_query).
#pragma once

#include <string>
#include <string_view>

namespace newsq {

/// `text` with every proximity operator that has a window ("NEAR/3", "ADJ/2") and does not
/// follow a word lower-cased, so that the parser reads it as a plain word.
///
/// Xapian 1.4.22's QueryParser leaks 96 bytes each time it meets such an operator right after
/// another operator or at the start ("a AND ADJ/3 b", "NOT NEAR/2 x": found by fuzz_query) and
/// gives up on that parse; from a public search box that is memory an attacker could make the
/// server lose at will. Those queries are malformed anyway (the parser then reads them again
/// without operators), so nothing a well-formed query means changes: "a NEAR/3 b" is untouched.
std::string without_stray_proximity(std::string_view text);

}  // namespace newsq
