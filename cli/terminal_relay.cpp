#include "cli/terminal_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "common/file_io.h"
#include "common/system.h"

namespace isobench::cli {

namespace {

/// Where the SIGWINCH handler writes: one relay at a time per process.
std::atomic<int> resize_pipe{-1};

void note_resize(int) {
  const int saved = errno;
  const int fd = resize_pipe.load();
  if (fd >= 0) (void)!::write(fd, "w", 1);
  errno = saved;
}

void drain_pipe(int fd) {
  char bytes[64];
  while (::read(fd, bytes, sizeof bytes) > 0) {
  }
}

}  // namespace

runner::TerminalSize caller_terminal_size() {
  for (int fd : {0, 1}) {
    winsize size{};
    if (::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0)
      return {size.ws_row, size.ws_col};
  }
  return {};
}

Status check_terminal_options(bool tty, bool interactive) {
  if (tty && interactive && !::isatty(0)) return usage_error("the input device is not a TTY: drop -t, or run from a terminal");
  return {};
}

WindowSizeWatch::WindowSizeWatch() {
  if (!make_pipe(read_end_, write_end_, O_CLOEXEC | O_NONBLOCK)) return;
  resize_pipe.store(write_end_.get());
  struct sigaction action {};
  action.sa_handler = note_resize;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGWINCH, &action, &previous_);
}

WindowSizeWatch::~WindowSizeWatch() {
  if (!write_end_) return;
  ::sigaction(SIGWINCH, &previous_, nullptr);
  resize_pipe.store(-1);
}

void WindowSizeWatch::drain() const { drain_pipe(read_end_.get()); }

RawTerminal::RawTerminal(int fd) {
  termios current{};
  if (!::isatty(fd) || ::tcgetattr(fd, &current) != 0) return;
  termios raw = current;
  ::cfmakeraw(&raw);
  if (::tcsetattr(fd, TCSANOW, &raw) != 0) return;
  fd_ = fd;
  saved_ = current;
}

RawTerminal::~RawTerminal() {
  if (saved_) (void)::tcsetattr(fd_, TCSANOW, &*saved_);
}

TerminalRelay::TerminalRelay(UniqueFd master, bool forward_input)
    : master_(std::move(master)), forward_input_(forward_input) {
  // Without these pipes the relay still copies output; finish() then waits for the hang-up.
  (void)make_pipe(wake_read_, wake_write_, O_CLOEXEC | O_NONBLOCK);
  resize_.emplace();
  follow_window_size();  // the size may have changed since the container was made
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);  // signals stay the launcher's to forward
  thread_ = std::thread([this] { relay(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

TerminalRelay::~TerminalRelay() { finish(); }

void TerminalRelay::finish() {
  if (!thread_.joinable()) return;
  if (wake_write_) (void)!::write(wake_write_.get(), "x", 1);
  thread_.join();
  resize_.reset();
}

void TerminalRelay::relay() {
  bool input_open = forward_input_;
  bool ending = false;
  int64_t give_up_at = 0;  // once ending: a process that keeps the slave open and chatters cannot hold us
  for (;;) {
    if (ending && monotonic_ns() >= give_up_at) return;
    pollfd fds[] = {{master_.get(), static_cast<short>(POLLIN | (pending_input_.empty() ? 0 : POLLOUT)), 0},
                    {input_open && pending_input_.empty() ? 0 : -1, POLLIN, 0},
                    {ending ? -1 : wake_read_.get(), POLLIN, 0},
                    {resize_->fd(), POLLIN, 0}};
    const int ready = ::poll(fds, std::size(fds), ending ? kDrainQuietMs : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;  // an error, or quiet for kDrainQuietMs after the end
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
      if (!copy_output()) return;  // hung up: no slave is open any more
    if (fds[0].revents & POLLOUT) flush_input();
    if (fds[1].revents) copy_input(input_open);
    if (fds[2].revents && !ending) {
      ending = true;
      give_up_at = monotonic_ns() + int64_t{kDrainLimitMs} * 1'000'000;
    }
    if (fds[3].revents) {
      resize_->drain();
      follow_window_size();
    }
  }
}

bool TerminalRelay::copy_output() {
  char buffer[16384];
  const ssize_t got = ::read(master_.get(), buffer, sizeof buffer);
  if (got < 0) return errno == EINTR || errno == EAGAIN;
  return got > 0 && write_fully(STDOUT_FILENO, std::string_view(buffer, static_cast<size_t>(got)), "stdout");
}

void TerminalRelay::copy_input(bool& input_open) {
  char buffer[4096];
  const ssize_t got = ::read(0, buffer, sizeof buffer);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) {
    input_open = false;  // as docker: the end of our input is not the end of the container's
    return;
  }
  pending_input_.assign(buffer, static_cast<size_t>(got));
  flush_input();
}

void TerminalRelay::flush_input() { write_what_fits(master_.get(), pending_input_); }

void TerminalRelay::follow_window_size() {
  const runner::TerminalSize size = caller_terminal_size();
  if (size.rows == 0) return;
  winsize window{size.rows, size.columns, 0, 0};
  (void)::ioctl(master_.get(), TIOCSWINSZ, &window);
}

void CallerTerminal::start(UniqueFd master, bool forward_input) {
  if (forward_input) raw_.emplace(STDIN_FILENO);
  relay_.emplace(std::move(master), forward_input);
}

void CallerTerminal::finish() {
  if (relay_) relay_->finish();
  raw_.reset();
}

}  // namespace isobench::cli
