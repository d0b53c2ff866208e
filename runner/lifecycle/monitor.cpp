#include "runner/lifecycle/monitor.h"

#include <fcntl.h>
#include <signal.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>

#include "common/file_io.h"
#include "common/file_lock.h"
#include "common/system.h"
#include "common/text.h"
#include "runner/container.h"
#include "runner/lifecycle/container_codec.h"
#include "runner/lifecycle/container_liveness.h"
#include "runner/lifecycle/attach_protocol.h"
#include "runner/lifecycle/log_pump.h"

namespace isobench::runner::lifecycle {

namespace {

using Ending = ContainerOutcome::Ending;

/// The monitor's one message to `run -d`, a line: "started PID MONITOR_PID", or "failed
/// EXIT_CODE ERRNO" and the message on the lines after it.
void send_report(UniqueFd& report, const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t sent = ::send(report.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) break;  // the CLI is gone: nobody to tell
    rest.remove_prefix(static_cast<size_t>(sent));
  }
  report.reset();
}

Result<DetachedStart> parse_report(const std::string& text) {
  DetachedStart start;
  if (std::sscanf(text.c_str(), "started %d %d", &start.pid, &start.monitor_pid) == 2) return start;
  int exit_code = 0, errno_value = 0;
  const size_t newline = text.find('\n');
  if (newline != std::string::npos && std::sscanf(text.c_str(), "failed %d %d", &exit_code, &errno_value) == 2)
    return Error{errno_value, text.substr(newline + 1), exit_code};
  return plain_error("the container's monitor died before the container started");
}

/// The monitor is a fork of the whole CLI, whose start-up touched megabytes of the static
/// executable that waiting for the container never uses again: hand those pages back (the
/// kernel drops them from the monitor; the few it still runs fault back in), so that a
/// resting monitor holds about what conmon does. Pages other processes map too are left alone.
void release_startup_pages() {
  // The ranges first, the heap trimmed next, the pages last: whatever code runs after the
  // pageout faults back in (64 KiB at a time, with the kernel's fault-around), so as little
  // as possible does. A fixed array: no free() after the pageout.
  struct Range {
    uintptr_t start, end;
  };
  std::array<Range, 32> ranges{};
  size_t count = 0;
  if (auto maps = read_file("/proc/self/maps")) {
    for (const std::string& line : split_list(*maps, '\n')) {
      uintptr_t start = 0, end = 0;
      const auto dash = line.find('-'), space = line.find(' ');
      if (dash == std::string::npos || space == std::string::npos || dash > space) continue;
      std::from_chars(line.data(), line.data() + dash, start, 16);
      std::from_chars(line.data() + dash + 1, line.data() + space, end, 16);
      // File-backed mappings only (a path after the inode): the executable's text and data.
      if (line.find(" /") == std::string::npos || end <= start || count == ranges.size()) continue;
      ranges[count++] = {start, end};
    }
  }
  ::malloc_trim(0);
  for (size_t i = 0; i < count; ++i)
    ::madvise(reinterpret_cast<void*>(ranges[i].start), ranges[i].end - ranges[i].start, MADV_PAGEOUT);
}

class Monitor {
 public:
  /// `lock` is the container's monitor.lock, taken by start_detached before the fork.
  Monitor(const DetachedLaunch& launch, UniqueFd report, UniqueFd lock)
      : launch_(launch), report_(std::move(report)), lock_(std::move(lock)) {}

  int run() {
    Status ready = become_monitor();
    if (!ready) return fail(ready.error());
    ContainerLauncher launcher(launch_.cgroups);
    launcher.on_started([this](pid_t pid, UniqueFd terminal) {
      // A terminal is the container's one stream: what it prints goes in as stdout, as Docker logs it.
      if (terminal) {
        attach_point_.input.reset(::fcntl(terminal.get(), F_DUPFD_CLOEXEC, 3));
        attach_point_.terminal = true;
        pump_.emplace(std::move(terminal), UniqueFd(), std::move(terminal_writer_), release_startup_pages,
                      std::make_unique<AttachClients>(std::move(attach_point_)));
      }
      started(pid);
    });
    auto outcome = launcher.run(launch_.spec);
    detach_streams();
    if (pump_) pump_->finish();
    if (!outcome) return fail(outcome.error());
    if (outcome->ending == Ending::kSetupFailed) return fail(Error{0, outcome->message, outcome->exit_code});
    if (report_) started(0);  // exited before we saw its exec: it did start
    Status recorded = launch_.store->update_state(launch_.id, [&](ContainerState& state) {
      state.status = ContainerStatus::kExited;
      state.pid = 0;
      state.pid_start_time = 0;
      state.finished_at = timestamp_now();
      state.exit_code = outcome->exit_code;
      state.oom_killed = outcome->ending == Ending::kOomKilled || (outcome->cgroup && outcome->cgroup->oom_kills > 0);
      if (pump_ && pump_->lost_writes() > 0)
        state.error = std::to_string(pump_->lost_writes()) + " writes to the container log failed (disk full?)";
      return Status{};
    });
    if (launch_.auto_remove) (void)launch_.store->remove(launch_.id);
    return recorded ? 0 : 1;
  }

 private:
  /// A process of its own: no terminal, "/" as its directory (it holds no mount busy), stdio
  /// on /dev/null, the container's streams on pipes into the log.
  Status become_monitor() {
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) ::signal(signal, SIG_DFL);
    if (::chdir("/") != 0) return errno_error("chdir /");
    null_.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_) return errno_error("cannot open /dev/null");
    for (int fd = 0; fd < 3; ++fd)
      if (::dup2(null_.get(), fd) < 0) return errno_error("cannot put /dev/null on stdio");
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return errno_error("PR_SET_CHILD_SUBREAPER");
    auto writer = LogWriter::open(launch_.store->log_path(launch_.id), launch_.log_max_size);
    if (!writer) return writer.error();
    auto listener = listen_for_attach(*launch_.store, launch_.id);
    if (!listener) return listener.error();
    attach_point_.listener = std::move(*listener);
    attach_point_.hold_until_attached = launch_.hold_output_until_attached;
    if (launch_.spec.terminal) {
      terminal_writer_ = std::move(*writer);  // the pump starts once the pty exists
      return {};
    }
    if (launch_.open_stdin) ISOBENCH_TRY(open_stdin());
    UniqueFd out_read, err_read;
    ISOBENCH_TRY(stream_pipe(1, out_read));
    ISOBENCH_TRY(stream_pipe(2, err_read));
    // A second on, the CLI that forked us has exited and its pages are ours alone to hand back.
    pump_.emplace(std::move(out_read), std::move(err_read), std::move(*writer), release_startup_pages,
                  std::make_unique<AttachClients>(std::move(attach_point_)));
    return {};
  }

  /// A pipe on stdin, inherited by the container's init; its write end goes to attached clients.
  Status open_stdin() {
    UniqueFd read_end;
    ISOBENCH_TRY(make_pipe(read_end, attach_point_.input));
    if (::dup2(read_end.get(), 0) < 0) return errno_error("dup2");
    // Written by the pump's thread, which must never block on a container that reads nothing.
    (void)::fcntl(attach_point_.input.get(), F_SETFL, O_NONBLOCK);
    return {};
  }

  /// A pipe whose write end is `target` (1 or 2), inherited by the container's init.
  static Status stream_pipe(int target, UniqueFd& read_end) {
    UniqueFd write_end;
    ISOBENCH_TRY(make_pipe(read_end, write_end));
    if (::dup2(write_end.get(), target) < 0) return errno_error("dup2");
    return {};
  }

  /// Our copies of the write ends go, so that the pump sees the end of the streams when the
  /// container's processes are gone.
  void detach_streams() {
    // And stdin: with -i our copy of the pipe's read end would keep writes from ever failing.
    for (int fd : {0, 1, 2}) (void)::dup2(null_.get(), fd);
  }

  void started(pid_t pid) {
    detach_streams();
    uint64_t start_time = 0;
    if (auto read = pid > 0 ? process_start_time(pid) : Result<uint64_t>(uint64_t{0}); read) start_time = *read;
    Status recorded = launch_.store->update_state(launch_.id, [&](ContainerState& state) {
      state.status = ContainerStatus::kRunning;
      state.pid = pid;
      state.pid_start_time = start_time;
      state.monitor_pid = ::getpid();
      state.started_at = timestamp_now();
      state.finished_at.clear();
      state.exit_code.reset();
      state.oom_killed = false;
      state.error.clear();
      return Status{};
    });
    if (!recorded) {
      send_report(report_, "failed 125 0\ncannot record the container's start: " + recorded.error().text());
      return;
    }
    send_report(report_, "started " + std::to_string(pid) + " " + std::to_string(::getpid()));
  }

  /// The start failed: say why, to the CLI if it still waits, and in the state.
  int fail(const Error& error) {
    if (launch_.auto_remove) {
      (void)launch_.store->remove(launch_.id);
    } else {
      (void)launch_.store->update_state(launch_.id, [&](ContainerState& state) {
        state.pid = 0;
        state.exit_code = error.exit_code;
        state.error = error.text();
        if (state.status == ContainerStatus::kRunning) state.status = ContainerStatus::kExited;
        if (state.status == ContainerStatus::kExited) state.finished_at = timestamp_now();
        return Status{};
      });
    }
    if (report_)
      send_report(report_, "failed " + std::to_string(error.exit_code) + " " + std::to_string(error.errno_value) + "\n" +
                               error.message);
    return 1;
  }

  const DetachedLaunch& launch_;
  UniqueFd report_;
  UniqueFd lock_;
  UniqueFd null_;
  std::optional<LogPump> pump_;
  std::unique_ptr<LogWriter> terminal_writer_;
  AttachPoint attach_point_;  ///< until the pump takes it
};

[[noreturn]] void run_monitor(const DetachedLaunch& launch, UniqueFd report, UniqueFd lock) {
  int code = 1;
  {
    Monitor monitor(launch, std::move(report), std::move(lock));
    code = monitor.run();
  }
  ::_exit(code);
}

/// The container's monitor.lock, for the monitor to inherit. Taken here, before the fork, so
/// that two starts of one container cannot both get a monitor: the second finds it held. A
/// probe (lock_is_held) holds it shared for an instant, so a busy lock is tried a few times
/// before it counts as a live monitor's.
Result<UniqueFd> take_monitor_lock(const ContainerStore& store, const std::string& id) {
  ISOBENCH_TRY(store.make_runtime_dir(id));
  for (int attempt = 0;; ++attempt) {
    auto lock = lock_file(store.monitor_lock_path(id), LockKind::kExclusive, LockWait::kTry);
    if (lock || !lock_is_busy(lock.error())) return lock;
    if (attempt == 50) return with_exit_code(plain_error("container " + id + " is already running"), 1);
    ::usleep(2000);
  }
}

}  // namespace

Result<DetachedStart> start_detached(const DetachedLaunch& launch) {
  auto lock = take_monitor_lock(*launch.store, launch.id);
  if (!lock) return lock.error();
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return errno_error("socketpair");
  UniqueFd ours(ends[0]), theirs(ends[1]);
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t middle = ::fork();
  if (middle < 0) return errno_error("cannot fork the container's monitor");
  if (middle == 0) {
    // A new session, then a second fork: the monitor leads no session, so it can never get
    // a controlling terminal, and it is nobody's child (init or a subreaper adopts it).
    ours.reset();
    if (::setsid() < 0) ::_exit(1);
    const pid_t monitor = ::fork();
    if (monitor != 0) ::_exit(monitor < 0 ? 1 : 0);
    run_monitor(launch, std::move(theirs), std::move(*lock));
  }
  theirs.reset();
  lock->reset();  // the monitor's alone from now on
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(ours.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    text.append(buffer, static_cast<size_t>(got));
  }
  return parse_report(text);
}

}  // namespace isobench::runner::lifecycle
