// Reading the container log forward at disk speed: 1 MiB reads, records parsed in place (no
// allocation per record), output gathered into 1 MiB writes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "runner/lifecycle/container_log_reading.h"

namespace isobench::runner::lifecycle {

namespace detail {

namespace {

constexpr size_t kReadBlock = 1 << 20;
constexpr size_t kPrintBlock = 1 << 20;
/// A line longer than this is not a record of ours (ours hold at most kMaxLogContent bytes).
constexpr size_t kLongestLine = 64 << 20;
/// "TIMESTAMP stdout F ": the fixed part before the content.
constexpr size_t kHeaderLength = kLogTimeLength + 10;

}  // namespace

Result<std::optional<LogFile>> open_log_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::optional<LogFile>();
    return errno_error("cannot open the container log " + path);
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return errno_error("cannot stat " + path);
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::optional<LogFile>(LogFile{std::move(fd), path, status.st_size, status.st_dev, status.st_ino});
}

std::vector<const LogFile*> LogFiles::in_order() const {
  std::vector<const LogFile*> files;
  if (older) files.push_back(&*older);
  if (current) files.push_back(&*current);
  return files;
}

Result<LogFiles> open_log_files(const std::string& path) {
  LogFiles files;
  auto current = open_log_file(path);
  if (!current) return current.error();
  auto older = open_log_file(path + ".1");
  if (!older) return older.error();
  files.current = std::move(*current);
  files.older = std::move(*older);
  if (files.current && files.older && files.current->inode == files.older->inode &&
      files.current->device == files.older->device) {
    files.older.reset();
  }
  return files;
}

bool LogTimeParser::parse(std::string_view text, int64_t& time_ns) {
  if (text.size() != kLogTimeLength) return false;
  if (second_ns_ >= 0 && std::memcmp(text.data(), second_text_, kSecondLength) == 0 && text.back() == 'Z') {
    int64_t nanos = 0;
    for (size_t i = kSecondLength; i < kLogTimeLength - 1; ++i) {
      const char c = text[i];
      if (c < '0' || c > '9') return false;
      nanos = nanos * 10 + (c - '0');
    }
    time_ns = second_ns_ + nanos;
    return true;
  }
  auto time = parse_log_time(text);
  if (!time) return false;
  time_ns = *time;
  std::memcpy(second_text_, text.data(), kSecondLength);
  second_ns_ = *time - *time % 1'000'000'000;
  return true;
}

const char* parse_record(std::string_view line, LogRecord& record, LogTimeParser& times) {
  if (!times.parse(line.substr(0, kLogTimeLength), record.time_ns)) return "bad timestamp";
  const std::string_view stream = line.substr(kLogTimeLength, 8);
  if (stream == " stdout ") {
    record.stream = LogStream::kStdout;
  } else if (stream == " stderr ") {
    record.stream = LogStream::kStderr;
  } else {
    return "unknown stream (not stdout or stderr)";
  }
  if (line.size() < kHeaderLength || (line[kHeaderLength - 2] != 'F' && line[kHeaderLength - 2] != 'P') ||
      line[kHeaderLength - 1] != ' ') {
    return "unknown tag (not F or P)";
  }
  record.partial = line[kHeaderLength - 2] == 'P';
  record.content = line.substr(kHeaderLength);
  return nullptr;
}

Error malformed_line(const LogFile& file, int64_t offset, std::string_view why) {
  // Only errors pay for the line number: count the newlines before the line.
  size_t line = 1;
  std::string head;
  std::vector<char> block(kReadBlock);
  for (int64_t at = 0; at < offset;) {
    const ssize_t got =
        ::pread(file.fd.get(), block.data(), static_cast<size_t>(std::min<int64_t>(kReadBlock, offset - at)), at);
    if (got <= 0) break;
    for (ssize_t i = 0; i < got; ++i) line += block[i] == '\n';
    at += got;
  }
  char start[kHeaderLength];
  const ssize_t got = ::pread(file.fd.get(), start, sizeof start, offset);
  const std::string_view shown(start, got > 0 ? static_cast<size_t>(got) : 0);
  return plain_error("container log " + file.path + ", line " + std::to_string(line) + ": " + std::string(why) +
                     " (\"" + excerpt(shown.substr(0, shown.find('\n'))) + "\")");
}

bool in_time_range(const LogRecord& record, const LogReadOptions& options) {
  if (options.since_ns && record.time_ns < *options.since_ns) return false;
  return !options.until_ns || record.time_ns <= *options.until_ns;
}

RecordReader::RecordReader() : buffer_(kReadBlock) {}

void RecordReader::start(const LogFile& file, int64_t offset) {
  file_ = &file;
  offset_ = offset;
  filled_ = 0;
}

Status RecordReader::read_available(const LogSink& sink) {
  if (!file_) return {};
  struct stat status {};
  // A writer that starts again cuts a record left unfinished by a killed one: drop it here too.
  if (::fstat(file_->fd.get(), &status) == 0 && status.st_size < offset_ + static_cast<int64_t>(filled_)) filled_ = 0;
  for (;;) {
    if (filled_ == buffer_.size()) {
      if (buffer_.size() >= kLongestLine) return malformed_line(*file_, offset_, "a line longer than any record");
      buffer_.resize(buffer_.size() * 2);
    }
    const ssize_t got = ::pread(file_->fd.get(), buffer_.data() + filled_, buffer_.size() - filled_,
                                offset_ + static_cast<int64_t>(filled_));
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot read the container log " + file_->path);
    }
    if (got == 0) return {};
    filled_ += static_cast<size_t>(got);
    ISOBENCH_TRY(hand_out(sink));
  }
}

Status RecordReader::hand_out(const LogSink& sink) {
  const char* data = buffer_.data();
  size_t at = 0;
  LogRecord record;
  while (const void* found = std::memchr(data + at, '\n', filled_ - at)) {
    const size_t end = static_cast<size_t>(static_cast<const char*>(found) - data);
    if (const char* why = parse_record(std::string_view(data + at, end - at), record, times_)) {
      return malformed_line(*file_, offset_ + static_cast<int64_t>(at), why);
    }
    ISOBENCH_TRY(sink(record));
    at = end + 1;
  }
  std::memmove(buffer_.data(), data + at, filled_ - at);
  filled_ -= at;
  offset_ += static_cast<int64_t>(at);
  return {};
}

Status replay(const std::vector<const LogFile*>& files, const TailStart& from, RecordReader& reader,
              const LogSink& sink) {
  std::string line;
  LogTimeParser times;
  for (const LogPosition& chunk : from.earlier) {
    const LogFile& file = *files[chunk.file];
    line.resize(chunk.length);
    if (::pread(file.fd.get(), line.data(), line.size(), chunk.offset) != static_cast<ssize_t>(line.size())) {
      return errno_error("cannot read the container log " + file.path);
    }
    LogRecord record;
    if (const char* why = parse_record(line, record, times)) return malformed_line(file, chunk.offset, why);
    ISOBENCH_TRY(sink(record));
  }
  for (size_t i = from.start.file; i < files.size(); ++i) {
    reader.start(*files[i], i == from.start.file ? from.start.offset : 0);
    ISOBENCH_TRY(reader.read_available(sink));
  }
  return {};
}

FdPrinter::FdPrinter(int out_fd, int err_fd, bool timestamps) : fds_{out_fd, err_fd}, timestamps_(timestamps) {
  buffer_.reserve(kPrintBlock + kMaxLogContent + kLogTimeLength + 2);
}

Status FdPrinter::print(const LogRecord& record) {
  const int stream = static_cast<int>(record.stream);
  if (fds_[stream] != buffered_fd_) {
    ISOBENCH_TRY(flush());
    buffered_fd_ = fds_[stream];
  }
  if (timestamps_ && at_line_start_[stream]) {
    const int64_t second = record.time_ns / 1'000'000'000;
    if (second != stamp_second_ || record.time_ns < 0) {
      format_log_time(record.time_ns, stamp_);
      stamp_second_ = second;
    } else {
      int64_t nanos = record.time_ns % 1'000'000'000;
      for (size_t i = kLogTimeLength - 2; i >= kLogTimeLength - 10; --i, nanos /= 10)
        stamp_[i] = static_cast<char>('0' + nanos % 10);
    }
    buffer_.append(stamp_, kLogTimeLength);
    buffer_ += ' ';
  }
  buffer_ += record.content;
  if (!record.partial) buffer_ += '\n';
  at_line_start_[stream] = !record.partial;
  return buffer_.size() >= kPrintBlock ? flush() : Status{};
}

Status FdPrinter::flush() {
  if (buffer_.empty()) return {};
  Status written = write_fully(buffered_fd_, buffer_, "the log's output (fd " + std::to_string(buffered_fd_) + ")");
  buffer_.clear();
  return written;
}

}  // namespace detail

namespace {

Status read_selected(const std::string& path, const LogReadOptions& options, const LogSink& sink) {
  auto files = detail::open_log_files(path);
  if (!files) return files.error();
  const std::vector<const detail::LogFile*> in_order = files->in_order();
  detail::TailStart from;
  if (options.tail) {
    auto found = detail::find_tail_start(in_order, *options.tail);
    if (!found) return found.error();
    from = std::move(*found);
  }
  detail::RecordReader reader;
  return detail::replay(in_order, from, reader, [&](const LogRecord& record) {
    return detail::in_time_range(record, options) ? sink(record) : Status{};
  });
}

}  // namespace

Status read_log(const std::string& path, const LogReadOptions& options, const LogSink& sink) {
  return read_selected(path, options, sink);
}

Status print_log(const std::string& path, const LogReadOptions& options, int out_fd, int err_fd) {
  detail::FdPrinter printer(out_fd, err_fd, options.timestamps);
  ISOBENCH_TRY(read_selected(path, options, [&](const LogRecord& record) { return printer.print(record); }));
  return printer.flush();
}

}  // namespace isobench::runner::lifecycle
