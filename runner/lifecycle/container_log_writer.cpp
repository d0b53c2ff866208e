// The monitor's side of the container log: lines in, whole records out, the file bounded by
// rotation to PATH.1.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "runner/lifecycle/container_log.h"

namespace isobench::runner::lifecycle {

namespace {

/// Records from one write() call go out together up to this size.
constexpr size_t kBatchLimit = 64 * 1024;
/// timestamp, " stdout F ", newline
constexpr size_t kRecordOverhead = kLogTimeLength + 10 + 1;

constexpr std::string_view kStreamNames[] = {"stdout", "stderr"};

/// Cuts a last record that has no newline (its writer was killed in the middle of it) off the
/// file, so that the records appended next are not glued to it. Returns the size left.
Result<int64_t> cut_unfinished_record(int fd, const std::string& path) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return errno_error("cannot stat " + path);
  int64_t end = status.st_size;
  char block[8192];
  while (end > 0) {
    const int64_t start = end > static_cast<int64_t>(sizeof block) ? end - static_cast<int64_t>(sizeof block) : 0;
    const ssize_t got = ::pread(fd, block, static_cast<size_t>(end - start), start);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot read " + path);
    }
    if (got != end - start) return plain_error("cannot read " + path + ": it shrank while opening it");
    if (const void* newline = ::memrchr(block, '\n', static_cast<size_t>(got))) {
      end = start + (static_cast<const char*>(newline) - block) + 1;
      break;
    }
    end = start;
  }
  if (end != status.st_size && ::ftruncate(fd, end) != 0)
    return errno_error("cannot cut the unfinished record off " + path);
  return end;
}

Result<UniqueFd> open_for_append(const std::string& path) {
  // Read as well as write: open() looks for an unfinished last record.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640));
  if (!fd) return errno_error("cannot open the container log " + path);
  return fd;
}

}  // namespace

Result<std::unique_ptr<LogWriter>> LogWriter::open(std::string path, int64_t max_size) {
  if (max_size < 0) return plain_error("container log " + path + ": negative max size");
  auto fd = open_for_append(path);
  if (!fd) return fd.error();
  auto size = cut_unfinished_record(fd->get(), path);
  if (!size) return size.error();
  return std::unique_ptr<LogWriter>(new LogWriter(std::move(path), std::move(*fd), max_size, *size));
}

LogWriter::LogWriter(std::string path, UniqueFd fd, int64_t max_size, int64_t size)
    : path_(std::move(path)), fd_(std::move(fd)), max_size_(max_size), size_(size) {
  pending_.reserve(kBatchLimit + kMaxLogContent + kRecordOverhead);
  for (Unfinished& line : unfinished_) line.bytes.reserve(kMaxLogContent);
}

Status LogWriter::write(LogStream stream, std::string_view bytes, int64_t realtime_ns) {
  Unfinished& line = unfinished_[static_cast<int>(stream)];
  while (!bytes.empty()) {
    const size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
    if (newline != std::string_view::npos && line.bytes.empty()) {
      ISOBENCH_TRY(add_line(stream, piece, false, realtime_ns));
      continue;
    }
    // The line goes on from an earlier write, or does not end in this one: through the
    // buffer, which is written out as a P chunk whenever more than a record's worth waits.
    std::string_view rest = piece;
    while (line.bytes.size() + rest.size() > kMaxLogContent) {
      if (line.bytes.empty()) line.since_ns = realtime_ns;
      const size_t room = kMaxLogContent - line.bytes.size();
      line.bytes.append(rest.substr(0, room));
      rest.remove_prefix(room);
      ISOBENCH_TRY(add_record(stream, line.bytes, true, line.since_ns));
      line.bytes.clear();
    }
    if (line.bytes.empty()) line.since_ns = realtime_ns;
    line.bytes.append(rest);
    if (newline != std::string_view::npos) {
      ISOBENCH_TRY(add_record(stream, line.bytes, false, line.since_ns));
      line.bytes.clear();
    }
  }
  return write_pending();
}

Status LogWriter::flush_partial(LogStream stream) {
  Unfinished& line = unfinished_[static_cast<int>(stream)];
  if (line.bytes.empty()) return {};
  Status added = add_record(stream, line.bytes, true, line.since_ns);
  line.bytes.clear();
  ISOBENCH_TRY(added);
  return write_pending();
}

std::optional<int64_t> LogWriter::partial_since(LogStream stream) const {
  const Unfinished& line = unfinished_[static_cast<int>(stream)];
  if (line.bytes.empty()) return std::nullopt;
  return line.since_ns;
}

Status LogWriter::add_line(LogStream stream, std::string_view content, bool partial, int64_t time_ns) {
  // A line longer than a record: P chunks, then the rest with the line's own tag.
  while (content.size() > kMaxLogContent) {
    ISOBENCH_TRY(add_record(stream, content.substr(0, kMaxLogContent), true, time_ns));
    content.remove_prefix(kMaxLogContent);
  }
  return add_record(stream, content, partial, time_ns);
}

Status LogWriter::add_record(LogStream stream, std::string_view content, bool partial, int64_t time_ns) {
  const int64_t record_size = static_cast<int64_t>(kRecordOverhead + content.size());
  const int64_t before = size_ + static_cast<int64_t>(pending_.size());
  if (max_size_ > 0 && before > 0 && before + record_size > max_size_) {
    ISOBENCH_TRY(write_pending());
    ISOBENCH_TRY(rotate());
  } else if (pending_.size() >= kBatchLimit) {
    ISOBENCH_TRY(write_pending());
  }
  const size_t at = pending_.size();
  pending_.resize(at + kLogTimeLength);
  format_log_time(time_ns, pending_.data() + at);
  pending_ += ' ';
  pending_ += kStreamNames[static_cast<int>(stream)];
  pending_ += partial ? " P " : " F ";
  pending_ += content;
  pending_ += '\n';
  return {};
}

Status LogWriter::write_pending() {
  if (pending_.empty()) return {};
  if (!fd_) {
    // The last rotation could not start a new file; try again rather than lose the log.
    auto fd = open_for_append(path_);
    if (!fd) {
      pending_.clear();
      return fd.error();
    }
    fd_ = std::move(*fd);
  }
  std::string_view left = pending_;
  while (!left.empty()) {
    const ssize_t written = ::write(fd_.get(), left.data(), left.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      Error error = errno_error("cannot write the container log " + path_);
      // Take back what went out of this batch, so the file still ends with a whole record.
      if (::ftruncate(fd_.get(), size_) != 0) size_ += static_cast<int64_t>(pending_.size() - left.size());
      pending_.clear();
      return error;
    }
    left.remove_prefix(static_cast<size_t>(written));
  }
  size_ += static_cast<int64_t>(pending_.size());
  pending_.clear();
  return {};
}

Status LogWriter::rotate() {
  const std::string older = path_ + ".1";
  if (::rename(path_.c_str(), older.c_str()) != 0) return errno_error("cannot rotate the container log " + path_);
  fd_.reset();
  size_ = 0;
  auto fd = open_for_append(path_);
  if (!fd) return fd.error();
  fd_ = std::move(*fd);
  return {};
}

}  // namespace isobench::runner::lifecycle
