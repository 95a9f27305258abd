// The static assets of the search page (server/static/), embedded into the binary at build time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsq::server {

struct Asset {
  std::string name;          ///< file name, served at /static/<name>
  std::string content_type;  ///< from the extension, e.g. "text/css; charset=utf-8"
  std::string_view bytes;    ///< points into the embedded data; valid for the program's life
  std::string etag;          ///< strong ETag (quoted hash of the bytes)
};

/// The Content-Type for a file name by extension (.js, .css, .svg, .html, .json, .txt, .ico);
/// "application/octet-stream" otherwise.
std::string content_type_for(std::string_view file_name);

/// The embedded assets, indexed by name. Cheap to copy the views; build once and keep.
class AssetTable {
 public:
  /// Reads the embedded assets and computes their ETags.
  AssetTable();

  /// The asset with this name ("app.js"), or null.
  const Asset* find(std::string_view name) const;

  /// A short hash over all assets, for cache-busting asset URLs.
  const std::string& version() const { return version_; }

  const std::vector<Asset>& assets() const { return assets_; }

 private:
  std::vector<Asset> assets_;
  std::string version_;
};

}  // namespace newsq::server
