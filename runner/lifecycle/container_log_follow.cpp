// `logs -f`: print what the log holds, then what the monitor appends, across rotations.
//
// The follower holds PATH open and reads it to its end on every change the directory's
// inotify watch reports (and every 200 ms regardless, to ask still_running() and in case
// inotify is unavailable). A rotation shows as PATH naming another file: the writer renames
// only after its last write to the old one, so the follower reads its open file to the end,
// then PATH.1 if that is a file it never saw (it fell a rotation behind), then the new PATH.
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "common/system.h"
#include "runner/lifecycle/container_log_reading.h"

namespace isobench::runner::lifecycle {

namespace {

constexpr int kPollMillis = 200;

bool same_file(const struct stat& status, const detail::LogFile& file) {
  return status.st_ino == file.inode && status.st_dev == file.device;
}

class Follower {
 public:
  Follower(std::string path, LogSink sink) : path_(std::move(path)), sink_(std::move(sink)) {}

  /// Prints what the log holds now (from the tail's start, if any).
  Status start(std::optional<size_t> tail) {
    auto files = detail::open_log_files(path_);
    if (!files) return files.error();
    files_ = std::move(*files);
    const std::vector<const detail::LogFile*> in_order = files_.in_order();
    detail::TailStart from;
    if (tail) {
      auto found = detail::find_tail_start(in_order, *tail);
      if (!found) return found.error();
      from = std::move(*found);
    }
    ISOBENCH_TRY(detail::replay(in_order, from, reader_, sink_));
    // The reader stays on PATH (if it was there: else catch_up opens it when it appears).
    if (!files_.current) reader_.stop();
    return {};
  }

  /// Prints what was appended since, following PATH through rotations.
  Status catch_up() {
    if (!files_.current) {
      ISOBENCH_TRY(open_current());
      if (!files_.current) return {};
    }
    for (;;) {
      ISOBENCH_TRY(reader_.read_available(sink_));
      struct stat status {};
      if (::stat(path_.c_str(), &status) != 0) {
        if (errno == ENOENT) return {};  // between the writer's rename and its new file
        return errno_error("cannot stat the container log " + path_);
      }
      if (same_file(status, *files_.current)) return {};
      // Rotated: what the writer put in the old file is all there now.
      ISOBENCH_TRY(reader_.read_available(sink_));
      ISOBENCH_TRY(read_skipped_file());
      ISOBENCH_TRY(open_current());
      if (!files_.current) return {};
    }
  }

 private:
  Status open_current() {
    auto current = detail::open_log_file(path_);
    if (!current) return current.error();
    files_.current = std::move(*current);
    if (files_.current) {
      reader_.start(*files_.current, 0);
    } else {
      reader_.stop();
    }
    return {};
  }

  /// PATH.1 when it is not the file just read to its end: the follower missed a whole file.
  Status read_skipped_file() {
    auto older = detail::open_log_file(path_ + ".1");
    if (!older) return older.error();
    if (!*older || (older->value().inode == files_.current->inode && older->value().device == files_.current->device)) {
      return {};
    }
    files_.older = std::move(*older);
    reader_.start(*files_.older, 0);
    return reader_.read_available(sink_);
  }

  std::string path_;
  LogSink sink_;
  detail::LogFiles files_;
  detail::RecordReader reader_;
};

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// An inotify fd watching the log's directory; invalid when inotify is unavailable (then the
/// poll timeout alone paces the follower).
UniqueFd watch_directory(const std::string& path) {
  UniqueFd watch(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!watch) return watch;
  const uint32_t events = IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE;
  if (::inotify_add_watch(watch.get(), directory_of(path).c_str(), events) < 0) watch.reset();
  return watch;
}

/// Waits for a change in the directory, the cancel fd, or the poll timeout; true on cancel.
Result<bool> wait_for_change(int watch, int cancel_fd) {
  struct pollfd fds[2] = {{watch, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
  const int ready = ::poll(fds, 2, kPollMillis);
  if (ready < 0) {
    if (errno == EINTR) return false;
    return errno_error("cannot wait for the container log to change");
  }
  if (cancel_fd >= 0 && fds[1].revents != 0) return true;
  if (watch >= 0 && fds[0].revents != 0) {
    alignas(struct inotify_event) char events[4096];
    while (::read(watch, events, sizeof events) > 0) {
    }
  }
  return false;
}

}  // namespace

Status follow_log(const std::string& path, const LogReadOptions& options, int out_fd, int err_fd,
                  const std::function<bool()>& still_running, int cancel_fd) {
  detail::FdPrinter printer(out_fd, err_fd, options.timestamps);
  const UniqueFd watch = watch_directory(path);
  Follower follower(path, [&](const LogRecord& record) {
    return detail::in_time_range(record, options) ? printer.print(record) : Status{};
  });
  ISOBENCH_TRY(follower.start(options.tail));
  for (;;) {
    // Asked before reading: once the writer is known to be gone, one more read sees all it wrote.
    const bool running = still_running();
    ISOBENCH_TRY(follower.catch_up());
    ISOBENCH_TRY(printer.flush());
    if (!running || (options.until_ns && realtime_ns() > *options.until_ns)) return {};
    auto cancelled = wait_for_change(watch.get(), cancel_fd);
    if (!cancelled) return cancelled.error();
    if (*cancelled) return {};
  }
}

}  // namespace isobench::runner::lifecycle
