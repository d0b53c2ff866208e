// `--tail N` without reading the whole log: scan from the end backwards in blocks, counting
// lines, until the start of the Nth line from the end.
//
// A line is the records of one stream up to and including an F, or a stream's last records
// when they are P (its final line had no newline). Walking backwards, a record ends a line if
// it is F or the last record of its stream. Once N lines are in, the first records of those
// lines may still be P chunks further back, behind the other stream's records: those chunks
// are picked up alone (`earlier`), so that `--tail 1` prints a whole line and nothing else.
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "runner/lifecycle/container_log_reading.h"

namespace isobench::runner::lifecycle::detail {

namespace {

constexpr size_t kScanBlock = 1 << 20;

/// The line-counting state of a backward scan.
class TailCounter {
 public:
  explicit TailCounter(size_t lines) : lines_(lines) {}

  /// Takes the next record backwards; false once the start is found.
  bool take(const LogRecord& record, const LogPosition& position) {
    const int stream = static_cast<int>(record.stream);
    if (!stopping_) {
      const bool ends_line = !record.partial || !seen_[stream];
      if (!ends_line || counted_ < lines_) {
        counted_ += ends_line;
        seen_[stream] = true;
        result_.start = position;
        return true;
      }
      stopping_ = true;
      if (counted_ == 0)
        result_.start = {position.file, position.offset + static_cast<int64_t>(position.length) + 1, 0};
      open_[0] = seen_[0];
      open_[1] = seen_[1];
    }
    // Looking only for the first chunks of the lines taken, whose F ends this stream's
    // previous line.
    if (open_[stream]) {
      if (record.partial) {
        result_.earlier.push_back(position);
      } else {
        open_[stream] = false;
      }
    }
    return open_[0] || open_[1];
  }

  TailStart result() && {
    std::reverse(result_.earlier.begin(), result_.earlier.end());
    return std::move(result_);
  }

 private:
  size_t lines_;
  size_t counted_ = 0;
  bool seen_[2] = {false, false};
  bool stopping_ = false;
  bool open_[2] = {false, false};
  TailStart result_;
};

/// Walks the records of `file` from its end to its start, handing each (with its position)
/// to `counter` until it is done; a last line without newline (a killed writer) is skipped.
/// Result: whether the counter wants more.
Result<bool> scan_backwards(const LogFile& file, size_t index, TailCounter& counter) {
  std::vector<char> data;
  LogTimeParser times;
  size_t carried = 0;           // bytes of a record that began in an earlier block, at the end of data
  bool found_last_end = false;  // whether the newline ending the file's last record was seen
  for (int64_t block_end = file.size; block_end > 0;) {
    const int64_t block_start =
        block_end > static_cast<int64_t>(kScanBlock) ? block_end - static_cast<int64_t>(kScanBlock) : 0;
    const size_t length = static_cast<size_t>(block_end - block_start);
    std::vector<char> next(length + carried);
    if (carried > 0) std::memcpy(next.data() + length, data.data(), carried);
    if (::pread(file.fd.get(), next.data(), length, block_start) != static_cast<ssize_t>(length)) {
      return errno_error("cannot read the container log " + file.path);
    }
    data = std::move(next);
    size_t limit = data.size();  // just after the newline that ends the next record backwards
    if (!found_last_end) {
      const void* last = ::memrchr(data.data(), '\n', data.size());
      limit = last ? static_cast<size_t>(static_cast<const char*>(last) - data.data()) + 1 : 0;
      found_last_end = last != nullptr;
    }
    while (limit > 0) {
      const void* previous = ::memrchr(data.data(), '\n', limit - 1);
      if (!previous && block_start > 0) break;  // the record began in an earlier block
      const size_t begin = previous ? static_cast<size_t>(static_cast<const char*>(previous) - data.data()) + 1 : 0;
      const std::string_view line(data.data() + begin, limit - 1 - begin);
      const int64_t offset = block_start + static_cast<int64_t>(begin);
      LogRecord record;
      if (const char* why = parse_record(line, record, times)) return malformed_line(file, offset, why);
      if (!counter.take(record, {index, offset, line.size()})) return false;
      limit = begin;
    }
    carried = limit;
    data.resize(carried);
    block_end = block_start;
  }
  return true;
}

}  // namespace

Result<TailStart> find_tail_start(const std::vector<const LogFile*>& files, size_t lines) {
  TailCounter counter(lines);
  for (size_t i = files.size(); i-- > 0;) {
    auto more = scan_backwards(*files[i], i, counter);
    if (!more) return more.error();
    if (!*more) break;
  }
  return std::move(counter).result();
}

}  // namespace isobench::runner::lifecycle::detail
