#include "newsq/indexer/generations.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include <xapian.h>

#include "newsq/errors.hpp"
#include "newsq/schema.hpp"
#include "text.hpp"

namespace newsq::indexer {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kGenerationInfix = ".gen-";
constexpr std::string_view kStagingSuffix = ".build";

// P without a trailing slash ("var/index/" and "var/index" are the same index).
fs::path normalised(const std::string& index_path) {
  std::string path = index_path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return fs::path(path);
}

fs::path parent_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

std::string errno_text() { return std::strerror(errno); }

// The generation number in "NAME.gen-N" for index name NAME, or nullopt.
std::optional<std::uint64_t> generation_of(std::string_view entry, std::string_view name) {
  if (!entry.starts_with(name)) return std::nullopt;
  entry.remove_prefix(name.size());
  if (!entry.starts_with(kGenerationInfix)) return std::nullopt;
  entry.remove_prefix(kGenerationInfix.size());
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(entry.data(), entry.data() + entry.size(), number);
  if (error != std::errc() || end != entry.data() + entry.size() || entry.empty())
    return std::nullopt;
  return number;
}

// Owns a file descriptor.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

void fsync_directory(const fs::path& directory) {
  Descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0)
    throw Error(ErrorCode::io_error,
                "cannot sync the directory " + directory.string() + ": " + errno_text());
}

// Reads the one "auto NAME" line of a stub newsq wrote; comments and blank lines are allowed,
// as Xapian allows them.
std::string stub_target(const fs::path& stub) {
  std::ifstream in(stub);
  if (!in) throw Error(ErrorCode::index_unavailable, "cannot read the stub " + stub.string());
  std::string line;
  std::optional<std::string> target;
  while (std::getline(in, line)) {
    const std::string_view trimmed = text::trim(line);
    if (trimmed.empty() || trimmed.starts_with('#')) continue;
    if (target || !trimmed.starts_with("auto "))
      throw Error(ErrorCode::index_unavailable,
                  "the index " + stub.string() +
                      " is a stub database newsq does not manage (it must hold one line "
                      "\"auto NAME.gen-N\")");
    target = std::string(text::trim(trimmed.substr(5)));
  }
  if (!target || target->empty())
    throw Error(ErrorCode::index_unavailable,
                "the index " + stub.string() + " is a file but not a stub database");
  return *target;
}

}  // namespace

std::string generation_directory(const std::string& index_path, std::uint64_t generation) {
  return normalised(index_path).string() + std::string(kGenerationInfix) +
         std::to_string(generation);
}

std::string staging_directory(const std::string& index_path, std::uint64_t generation) {
  return generation_directory(index_path, generation) + std::string(kStagingSuffix);
}

IndexLayout inspect_index(const std::string& index_path) {
  const fs::path path = normalised(index_path);
  const std::string name = path.filename().string();
  IndexLayout layout;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent_of(path), error))
    if (entry.is_directory(error))
      if (auto number = generation_of(entry.path().filename().string(), name))
        layout.generations.push_back(*number);
  std::sort(layout.generations.begin(), layout.generations.end());

  const auto status = fs::status(path, error);
  if (!fs::exists(status)) return layout;
  if (fs::is_directory(status)) {
    layout.kind = IndexLayout::Kind::directory;
    return layout;
  }
  const std::string target = stub_target(path);
  const auto live = generation_of(target, name);
  if (!live || target.find('/') != std::string::npos)
    throw Error(ErrorCode::index_unavailable, "the stub " + path.string() + " points at " + target +
                                                  ", not at one of its generations (" + name +
                                                  ".gen-N)");
  layout.kind = IndexLayout::Kind::stub;
  layout.live = live;
  for (auto generation : layout.generations)
    if (generation < *live) layout.previous = generation;
  return layout;
}

std::string resolve_index_directory(const std::string& index_path) {
  const IndexLayout layout = inspect_index(index_path);
  if (layout.kind != IndexLayout::Kind::stub) return index_path;
  std::string directory = generation_directory(index_path, *layout.live);
  // Writing would otherwise create an empty database there and make it live.
  if (!fs::is_directory(directory))
    throw Error(ErrorCode::index_unavailable,
                "the stub " + index_path + " points at " + directory + ", which does not exist");
  return directory;
}

void switch_generation(const std::string& index_path, std::uint64_t generation) {
  const fs::path path = normalised(index_path);
  const fs::path directory = parent_of(path);
  const std::string target =
      path.filename().string() + std::string(kGenerationInfix) + std::to_string(generation);
  std::string temp = (directory / ("." + path.filename().string() + ".stub-XXXXXX")).string();
  Descriptor file(::mkstemp(temp.data()));
  if (file.get() < 0)
    throw Error(ErrorCode::io_error,
                "cannot create a file in " + directory.string() + ": " + errno_text());
  const std::string content = "auto " + target + "\n";
  const auto fail = [&](const std::string& what) {
    const std::string reason = errno_text();
    ::unlink(temp.c_str());
    throw Error(ErrorCode::io_error, what + ": " + reason);
  };
  // Readable by every reader, whatever the umask gave mkstemp's 0600.
  if (::fchmod(file.get(), 0644) != 0) fail("cannot set the mode of " + temp);
  if (::write(file.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
    fail("cannot write " + temp);
  // The content must be on disk before the rename makes it the index, or a crash could leave
  // an empty stub.
  if (::fsync(file.get()) != 0) fail("cannot sync " + temp);
  if (::close(file.release()) != 0) fail("cannot close " + temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot replace " + path.string());
  fsync_directory(directory);  // makes the rename itself durable
}

void convert_to_generations(const std::string& index_path, std::uint64_t live) {
  const fs::path path = normalised(index_path);
  const std::string zero = generation_directory(index_path, 0);
  if (fs::exists(zero))
    throw Error(ErrorCode::io_error,
                "cannot convert " + path.string() + ": " + zero + " already exists");
  if (::rename(path.c_str(), zero.c_str()) != 0)
    throw Error(ErrorCode::io_error,
                "cannot rename " + path.string() + " to " + zero + ": " + errno_text());
  try {
    switch_generation(index_path, live);
  } catch (const Error&) {
    ::rename(zero.c_str(), path.c_str());  // back to the plain directory
    throw;
  }
}

std::vector<std::uint64_t> remove_generations_except(const std::string& index_path,
                                                     const std::vector<std::uint64_t>& keep) {
  const auto kept = [&](std::uint64_t generation) {
    return std::find(keep.begin(), keep.end(), generation) != keep.end();
  };
  std::vector<std::uint64_t> removed;
  for (auto generation : inspect_index(index_path).generations) {
    if (kept(generation)) continue;
    std::error_code error;
    fs::remove_all(generation_directory(index_path, generation), error);
    if (!error) removed.push_back(generation);
  }
  // Staging directories of rebuilds that were killed before they could remove their own.
  const fs::path path = normalised(index_path);
  const std::string name = path.filename().string();
  std::error_code error;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(parent_of(path), error)) {
    std::string entry_name = entry.path().filename().string();
    if (!entry_name.ends_with(kStagingSuffix)) continue;
    entry_name.resize(entry_name.size() - kStagingSuffix.size());
    if (const auto generation = generation_of(entry_name, name); generation && !kept(*generation))
      stale.push_back(entry.path());
  }
  for (const auto& directory : stale) fs::remove_all(directory, error);
  return removed;
}

std::uint64_t claim_generation(const std::string& index_path, std::uint64_t at_least) {
  const IndexLayout layout = inspect_index(index_path);
  std::uint64_t next = std::max<std::uint64_t>(at_least, 1);
  if (!layout.generations.empty()) next = std::max(next, layout.generations.back() + 1);
  if (layout.live) next = std::max(next, *layout.live + 1);
  std::error_code error;
  fs::create_directories(parent_of(normalised(index_path)), error);
  for (;; ++next) {
    const std::string directory = generation_directory(index_path, next);
    if (::mkdir(directory.c_str(), 0755) == 0) return next;
    if (errno != EEXIST)
      throw Error(ErrorCode::io_error, "cannot create " + directory + ": " + errno_text());
  }
}

void verify_generation(const std::string& directory,
                       std::optional<std::uint64_t> expected_documents) {
  const auto fail = [&](const std::string& what) {
    throw Error(ErrorCode::index_unavailable,
                "the new generation " + directory + " failed its check: " + what);
  };
  try {
    Xapian::Database database(directory);
    const std::string version = database.get_metadata(std::string(schema::kMetaSchemaVersion));
    if (version != std::to_string(schema::kSchemaVersion))
      fail("schema version '" + version + "', expected " + std::to_string(schema::kSchemaVersion));
    if (expected_documents && database.get_doccount() != *expected_documents)
      fail(std::to_string(database.get_doccount()) + " documents, expected " +
           std::to_string(*expected_documents));
    std::ostringstream report;
    const std::size_t errors = Xapian::Database::check(directory, 0, &report);
    if (errors > 0) fail(std::to_string(errors) + " errors from Xapian's check: " + report.str());
  } catch (const Xapian::Error& e) {
    fail(e.get_description());
  }
}

std::size_t copy_synonyms(const std::string& from, const std::string& to) {
  try {
    Xapian::Database source(from);
    Xapian::WritableDatabase target(to, Xapian::DB_OPEN);
    for (auto key = target.synonym_keys_begin(); key != target.synonym_keys_end(); ++key)
      target.clear_synonyms(*key);
    std::size_t keys = 0;
    for (auto key = source.synonym_keys_begin(); key != source.synonym_keys_end(); ++key) {
      for (auto synonym = source.synonyms_begin(*key); synonym != source.synonyms_end(*key);
           ++synonym)
        target.add_synonym(*key, *synonym);
      ++keys;
    }
    target.commit();
    return keys;
  } catch (const Xapian::Error& e) {
    throw Error(ErrorCode::index_unavailable,
                "cannot copy the synonyms of " + from + " to " + to + ": " + e.get_description());
  }
}

void compact_database(const std::string& from, const std::string& to) {
  try {
    Xapian::Database(from).compact(to);
  } catch (const Xapian::Error& e) {
    throw Error(ErrorCode::index_unavailable,
                "cannot compact " + from + " into " + to + ": " + e.get_description());
  }
}

void sync_directory_contents(const std::string& directory) {
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    Descriptor file(::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0 || ::fsync(file.get()) != 0)
      throw Error(ErrorCode::io_error,
                  "cannot sync " + entry.path().string() + ": " + errno_text());
  }
  fsync_directory(directory);
}

std::uint64_t directory_bytes(const std::string& directory) {
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error))
    if (entry.is_regular_file(error)) total += entry.file_size(error);
  return total;
}

WriteLockHold::WriteLockHold(const std::string& directory, std::chrono::milliseconds wait) {
  const std::string path = (fs::path(directory) / "flintlock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw Error(ErrorCode::io_error, "cannot open " + path + ": " + errno_text());
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 1;  // what Xapian 1.4's FlintLock locks
  if (::fcntl(fd_, F_OFD_SETLK, &lock) == 0) return;
  int error = errno;
  if ((error == EAGAIN || error == EACCES) && wait.count() > 0) {
    // Queue in the kernel (F_OFD_SETLKW) rather than poll: the holder may release the lock only
    // for an instant. SIGALRM without SA_RESTART interrupts the wait at the deadline.
    struct sigaction quiet {
    }, previous{};
    quiet.sa_handler = [](int) {};
    sigemptyset(&quiet.sa_mask);
    ::sigaction(SIGALRM, &quiet, &previous);
    itimerval timer{};
    timer.it_value.tv_sec = static_cast<time_t>(wait.count() / 1000);
    timer.it_value.tv_usec = static_cast<suseconds_t>((wait.count() % 1000) * 1000);
    ::setitimer(ITIMER_REAL, &timer, nullptr);
    int result = ::fcntl(fd_, F_OFD_SETLKW, &lock);
    error = errno;
    itimerval off{};
    ::setitimer(ITIMER_REAL, &off, nullptr);
    ::sigaction(SIGALRM, &previous, nullptr);
    if (result == 0) return;
    if (error == EINTR) error = EAGAIN;
  }
  ::close(fd_);
  fd_ = -1;
  if (error == EAGAIN || error == EACCES)
    throw Error(ErrorCode::index_unavailable,
                "the index " + directory + " is locked by another writer" +
                    (wait.count() > 0 ? " (waited " + std::to_string(wait.count()) + " ms)" : ""));
  throw Error(ErrorCode::io_error, "cannot lock " + path + ": " + std::strerror(error));
}

WriteLockHold::~WriteLockHold() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases its lock
}

GenerationLock::GenerationLock(const std::string& index_path) {
  const std::string path = normalised(index_path).string() + ".lock";
  std::error_code error;
  fs::create_directories(parent_of(normalised(index_path)), error);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(ErrorCode::io_error, "cannot open " + path + ": " + errno_text());
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw Error(ErrorCode::index_unavailable, "another rebuild, rollback or compact of " +
                                                  index_path + " is running (" + path +
                                                  " is locked)");
  }
}

GenerationLock::~GenerationLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace newsq::indexer
