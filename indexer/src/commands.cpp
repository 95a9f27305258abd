#include "newsq/indexer/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "newsq/indexer/ingest.hpp"
#include "newsq/indexer/input_file.hpp"
#include "newsq/searcher.hpp"
#include "newsq/timeutil.hpp"

namespace newsq::indexer {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kProgram = "newsq-index: ";

// Runs a command body, turning the error that ends it into a message and an exit status.
template <typename Body>
int guarded(std::ostream& err, Body&& body) {
  try {
    return body();
  } catch (const Error& e) {
    err << kProgram << e.what() << '\n';
    return exit_status(e.code());
  } catch (const std::exception& e) {
    err << kProgram << "internal error: " << e.what() << '\n';
    return exit_status(ErrorCode::internal);
  }
}

// Fails before anything is indexed when an input cannot be read, so a typo in the last of
// twenty file names does not leave a half-done job.
void check_readable(const std::string& path) {
  if (path == "-") return;
  std::error_code error;
  if (!fs::exists(path, error))
    throw Error(ErrorCode::io_error, "cannot open " + path + ": no such file");
  if (fs::is_directory(path, error))
    throw Error(ErrorCode::io_error, "cannot read " + path + ": it is a directory");
  if (::access(path.c_str(), R_OK) != 0)
    throw Error(ErrorCode::io_error, "cannot open " + path + ": permission denied");
}

std::optional<std::uint64_t> total_size(const std::vector<std::string>& inputs) {
  std::uint64_t total = 0;
  for (const auto& path : inputs) {
    if (path == "-") return std::nullopt;
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error) return std::nullopt;
    total += size;
  }
  return total;
}

std::string human_size(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

}  // namespace

int exit_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_record:
      return kExitRejected;
    case ErrorCode::bad_query:
    case ErrorCode::bad_parameter:
    case ErrorCode::not_found:
    case ErrorCode::index_missing:
    case ErrorCode::schema_mismatch:
    case ErrorCode::index_unavailable:
    case ErrorCode::io_error:
    case ErrorCode::internal:
      return kExitFatal;
  }
  return kExitFatal;
}

int run_add(const AddRequest& request, std::ostream& err) {
  return guarded(err, [&] {
    if (request.inputs.empty()) throw Error(ErrorCode::bad_parameter, "no input files given");
    if (std::count(request.inputs.begin(), request.inputs.end(), "-") > 1)
      throw Error(ErrorCode::bad_parameter, "standard input ('-') can be read only once");
    // Standard input without --format is sniffed once open (nullopt here).
    std::vector<std::optional<Format>> formats;
    for (const auto& path : request.inputs) {
      if (path == "-" && !request.format)
        formats.emplace_back();
      else
        formats.push_back(format_for_input(path, request.format));
      check_readable(path);
    }
    // Checked here, not per page, so a typo fails at once with one message.
    local_to_timestamp(request.read.date.value_or("2000-01-01"), 0, 0, request.read.zone);

    IndexWriter writer(request.index_path, request.batch_size);
    std::optional<ProgressLine> progress_line;
    if (request.progress) progress_line.emplace(err);
    Ingestor ingestor(
        writer, request.read,
        [&](const Problem& problem) {
          if (progress_line) progress_line->clear();
          err << format_problem(problem) << '\n';
        },
        progress_line
            ? Ingestor::ProgressHandler([&](const IngestProgress& p) { progress_line->update(p); })
            : Ingestor::ProgressHandler());
    ingestor.set_total_bytes(total_size(request.inputs));

    for (std::size_t i = 0; i < request.inputs.size(); ++i) {
      InputFile input(request.inputs[i]);
      ingestor.ingest(input, formats[i] ? *formats[i] : sniff_format(input.head()));
    }
    ingestor.finish();
    if (progress_line) progress_line->clear();
    err << format_summary(ingestor.counts(), ingestor.elapsed_seconds()) << '\n';
    return ingestor.counts().rejected > 0 ? kExitRejected : kExitOk;
  });
}

int run_delete(const std::string& index_path, const std::vector<std::string>& ids,
               std::ostream& err) {
  return guarded(err, [&] {
    if (ids.empty()) throw Error(ErrorCode::bad_parameter, "no ids given");
    IndexWriter writer(index_path, std::max<std::size_t>(ids.size(), 1));
    std::size_t deleted = 0;
    std::vector<std::string> missing;
    for (const auto& id : ids) {
      if (writer.remove(id))
        ++deleted;
      else
        missing.push_back(id);
    }
    writer.commit();
    for (const auto& id : missing) err << kProgram << "not found: " << id << '\n';
    err << "deleted " << deleted << " document" << (deleted == 1 ? "" : "s") << ", "
        << missing.size() << " not found\n";
    return missing.empty() ? kExitOk : kExitRejected;
  });
}

int run_synonyms(const std::string& index_path, const std::string& file, std::ostream& err) {
  return guarded(err, [&] {
    std::ifstream in(file);
    if (!in) throw Error(ErrorCode::io_error, "cannot read " + file);
    const auto rules = parse_synonyms(in, file);
    IndexWriter writer(index_path);
    const std::size_t keys = writer.replace_synonyms(rules);
    writer.commit();
    err << "loaded " << rules.size() << " synonym rules (" << keys << " keys) from " << file
        << '\n';
    return kExitOk;
  });
}

int run_stats(const std::string& index_path, bool json, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    Searcher searcher(index_path);
    const IndexStats stats = searcher.stats();
    if (json) {
      nlohmann::json body = {{"path", stats.path},
                             {"documents", stats.documents},
                             {"last_update", stats.last_update},
                             {"size_bytes", stats.size_bytes},
                             {"schema_version", stats.schema_version},
                             {"revision", stats.revision}};
      out << body.dump(2) << '\n';
    } else {
      out << "index:          " << stats.path << '\n'
          << "documents:      " << stats.documents << '\n'
          << "last update:    " << (stats.last_update.empty() ? "never" : stats.last_update) << '\n'
          << "size on disk:   " << human_size(stats.size_bytes) << " (" << stats.size_bytes
          << " bytes)\n"
          << "schema version: " << stats.schema_version << '\n'
          << "revision:       " << stats.revision << '\n';
    }
    return kExitOk;
  });
}

}  // namespace newsq::indexer
