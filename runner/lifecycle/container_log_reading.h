// The reading parts that print_log/read_log (container_log_reader.cpp) and follow_log
// (container_log_follow.cpp) share. Private to runner/lifecycle.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "runner/lifecycle/container_log.h"

namespace isobench::runner::lifecycle::detail {

/// One log file held open, as it was when opened.
struct LogFile {
  UniqueFd fd;
  std::string path;
  int64_t size = 0;
  dev_t device = 0;
  ino_t inode = 0;
};

/// Opens `path` for reading; nullopt when it does not exist.
Result<std::optional<LogFile>> open_log_file(const std::string& path);

/// PATH.1 and PATH, in reading order, those that exist. PATH is opened first: if it is
/// rotated in between, PATH.1 is the same file and is left out.
struct LogFiles {
  std::optional<LogFile> older;
  std::optional<LogFile> current;
  std::vector<const LogFile*> in_order() const;
};
Result<LogFiles> open_log_files(const std::string& path);

/// parse_log_time for a run of records: most share their second with the record before, so
/// the date and time of day are read once per second (half the reading time otherwise).
class LogTimeParser {
 public:
  /// false when `text` is not a timestamp of the log's form.
  bool parse(std::string_view text, int64_t& time_ns);

 private:
  static constexpr size_t kSecondLength = 20;  ///< "2026-12-02T18:00:00."
  char second_text_[kSecondLength] = {};
  int64_t second_ns_ = -1;  ///< -1: nothing cached
};

/// Reads one line (without its newline) as a record; nullptr, or why it is not one.
const char* parse_record(std::string_view line, LogRecord& record, LogTimeParser& times);

/// "container log PATH, line N: WHY", N counted by reading the file up to `offset`.
Error malformed_line(const LogFile& file, int64_t offset, std::string_view why);

/// Whether `record` passes since/until.
bool in_time_range(const LogRecord& record, const LogReadOptions& options);

/// Reads a log file forward in big blocks, handing out complete records; what follows the last
/// newline waits for the next read (follow) or is dropped with the reader (a killed writer).
class RecordReader {
 public:
  RecordReader();
  /// Reads `file` from `offset` on, forgetting any unfinished line of the previous file.
  void start(const LogFile& file, int64_t offset);
  /// Reads nothing until the next start(): its file is gone.
  void stop() {
    file_ = nullptr;
    filled_ = 0;
  }
  /// Hands `sink` every complete record up to the end of the file as it is now.
  Status read_available(const LogSink& sink);

 private:
  Status hand_out(const LogSink& sink);

  const LogFile* file_ = nullptr;
  LogTimeParser times_;
  int64_t offset_ = 0;  ///< the file offset of buffer_[0]
  std::vector<char> buffer_;
  size_t filled_ = 0;
};

/// Where printing starts for `--tail N`: the first record of the Nth line from the end, and
/// the P chunks of those lines that lie further back, between other streams' records.
struct LogPosition {
  size_t file = 0;  ///< index into LogFiles::in_order()
  int64_t offset = 0;
  size_t length = 0;  ///< for `earlier`: the record's bytes without its newline
};
struct TailStart {
  LogPosition start;
  std::vector<LogPosition> earlier;  ///< in file order
};
Result<TailStart> find_tail_start(const std::vector<const LogFile*>& files, size_t lines);

/// Prints the records from `from` (tail's earlier chunks first) to the end of the last file,
/// leaving `reader` on the last file for following.
Status replay(const std::vector<const LogFile*>& files, const TailStart& from, RecordReader& reader,
              const LogSink& sink);

/// Prints records to two fds as `docker logs` does, in big writes; records of the two streams
/// keep their order (the buffer is written out whenever the stream changes).
class FdPrinter {
 public:
  FdPrinter(int out_fd, int err_fd, bool timestamps);
  Status print(const LogRecord& record);
  Status flush();

 private:
  int fds_[2];
  bool timestamps_;
  bool at_line_start_[2] = {true, true};
  int buffered_fd_ = -1;
  std::string buffer_;
  // The last timestamp printed: lines of the same second change only its nanoseconds.
  int64_t stamp_second_ = -1;
  char stamp_[kLogTimeLength] = {};
};

}  // namespace isobench::runner::lifecycle::detail
