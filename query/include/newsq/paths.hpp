// Where the tools look for the index when no --index is given.
#pragma once

#include <string>

namespace newsq {

/// $NEWSQ_INDEX if set and non-empty, else $XDG_DATA_HOME/newsq/index, else
/// $HOME/.local/share/newsq/index, else "./newsq-index".
std::string default_index_path();

}  // namespace newsq
