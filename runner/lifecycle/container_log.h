// What a detached container printed (`isobench logs`, issue 15): the monitor writes it, `logs`
// reads it. The format is the CRI / podman "k8s-file" one, one record per line:
//
//   2026-12-02T18:00:00.123456789Z stdout F hello world
//
// a 30-byte UTC timestamp with nanoseconds, the stream, and a tag: F, the workload printed
// CONTENT + "\n"; P, it printed CONTENT with no newline (the line goes on in the stream's next
// record, or it is the stream's last, unfinished line). Content is any bytes but '\n' and
// reads back byte-exact. Records are at most kMaxLogContent bytes of content: a longer line
// becomes P chunks and a final F.
//
// Size: with a max size, the writer renames the full file to PATH.1 (replacing the older one)
// and starts a new PATH, so a log keeps at most about twice the max size on disk, as Docker's
// json-file driver does with max-file=2. Readers read PATH.1 then PATH.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::runner::lifecycle {

enum class LogStream : uint8_t { kStdout = 0, kStderr = 1 };

/// Content bytes a record holds at most; a longer line is split into P chunks of this size.
inline constexpr size_t kMaxLogContent = 16 * 1024;
/// "2026-12-02T18:00:00.123456789Z"
inline constexpr size_t kLogTimeLength = 30;

/// One record as read back; `content` is valid only during the sink's call.
struct LogRecord {
  LogStream stream = LogStream::kStdout;
  bool partial = false;  ///< tag P: the line goes on in this stream's next record
  int64_t time_ns = 0;   ///< nanoseconds since the epoch (CLOCK_REALTIME)
  std::string_view content;
};

/// Writes `time_ns` as the log's timestamp into `out` (exactly kLogTimeLength bytes).
void format_log_time(int64_t time_ns, char* out);
std::string format_log_time(int64_t time_ns);
/// Parses exactly the form format_log_time writes (9 fraction digits, "Z", years 1970 to
/// 2261); anything else is an error.
Result<int64_t> parse_log_time(std::string_view text);

/// What `docker logs --since/--until` accepts, as nanoseconds since the epoch: an RFC 3339
/// time ("2026-12-02T18:00:00Z", with or without a fraction, "+09:00" offsets; the shorter
/// "2026-12-02", "2026-12-02T18", "2026-12-02T18:00"; no zone = the local zone now), a Unix
/// time ("1700000000", "1700000000.5") or a duration before `now_ns` ("10m", "1h30m",
/// "42s", "1.5h", "300ms"). Anything else is a usage error saying what would do.
Result<int64_t> parse_since(std::string_view text, int64_t now_ns);

/// Appends records to a container's log; used by the monitor, so it keeps a few fixed buffers
/// and allocates nothing per write once they have grown to the largest batch.
///
/// Unfinished lines: the bytes of a stream after its last newline wait in a per-stream buffer
/// for the rest of the line, so that a line printed in several writes is one F record. They
/// are written as P records when the line passes kMaxLogContent, and when the monitor calls
/// flush_partial: it must do so when the stream closes (the final line without newline) and
/// may do so when partial_since says a line has waited too long (a prompt). A buffered line is
/// stamped with the time its first byte arrived, as Docker does.
///
/// Each write(2) holds whole records (a write call's records together, in one O_APPEND write
/// where they fit 64 KiB), so a reader never sees half a record that is not still being
/// written. A failed write is cut back off the file, so the file stays whole records.
class LogWriter {
 public:
  /// Opens (creating, mode 0640) PATH for appending. A last record cut short by a killed
  /// writer is cut off. max_size is in bytes: 0 = unbounded, else the rotation size (a file
  /// exceeds it only when one record alone is larger).
  static Result<std::unique_ptr<LogWriter>> open(std::string path, int64_t max_size);

  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  /// Records what the workload printed on `stream` at `realtime_ns` (CLOCK_REALTIME).
  Status write(LogStream stream, std::string_view bytes, int64_t realtime_ns);
  /// Writes `stream`'s unfinished line, if any, as a P record.
  Status flush_partial(LogStream stream);
  /// When `stream`'s unfinished line began; nullopt when there is none.
  std::optional<int64_t> partial_since(LogStream stream) const;
  /// Bytes in the current file (not counting PATH.1).
  int64_t size() const { return size_; }

 private:
  LogWriter(std::string path, UniqueFd fd, int64_t max_size, int64_t size);
  Status add_line(LogStream stream, std::string_view content, bool partial, int64_t time_ns);
  Status add_record(LogStream stream, std::string_view content, bool partial, int64_t time_ns);
  Status write_pending();
  Status rotate();

  struct Unfinished {
    std::string bytes;  ///< reserved at kMaxLogContent; never longer
    int64_t since_ns = 0;
  };

  std::string path_;
  UniqueFd fd_;
  int64_t max_size_;
  int64_t size_;
  std::string pending_;  ///< records not yet written
  Unfinished unfinished_[2];
};

struct LogReadOptions {
  std::optional<size_t> tail;       ///< only the last N lines (P chunks + their F are one line)
  std::optional<int64_t> since_ns;  ///< only records at or after this time
  std::optional<int64_t> until_ns;  ///< only records at or before this time
  bool timestamps = false;          ///< -t: each line starts with its timestamp and a space
};

/// Called per record in file order; an error stops the read and is returned.
using LogSink = std::function<Status(const LogRecord&)>;

/// Reads PATH.1 then PATH and calls `sink` for each record `options` selects (its
/// `timestamps` is for printing and is ignored here). `tail` is applied first, then
/// since/until, as Docker does: `--tail 5 --since 1h` prints those of the last 5 lines that
/// are under an hour old. A missing PATH is an empty log (PATH.1 alone is read); a final line
/// without newline (a writer killed mid-write) is dropped; a malformed line is an error naming
/// the file and line number.
Status read_log(const std::string& path, const LogReadOptions& options, const LogSink& sink);

/// read_log, printing as `docker logs` does: stdout records to `out_fd`, stderr records to
/// `err_fd` (the same fd is fine; order is kept across the two), a P record's content with no
/// newline, with `timestamps` the time and a space at the start of each line.
Status print_log(const std::string& path, const LogReadOptions& options, int out_fd, int err_fd);

/// `docker logs -f`: print_log, then what is appended as it arrives, across rotations, until
/// still_running() returns false (checked at least every 200 ms), and then what the writer
/// wrote before it stopped; or until `cancel_fd` (if >= 0, e.g. an eventfd or a signal pipe)
/// becomes readable, or until the clock passes `until_ns`. A reader more than one rotation
/// behind the writer loses the file it skipped, as with Docker.
Status follow_log(const std::string& path, const LogReadOptions& options, int out_fd, int err_fd,
                  const std::function<bool()>& still_running, int cancel_fd = -1);

}  // namespace isobench::runner::lifecycle
