#include "cli/interrupt.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

namespace isobench::cli {
namespace {

// What the handler reaches: plain lock-free atomics, the only state a handler may touch.
std::atomic<pid_t> g_owner{0};  // the process that installed the guard; 0 while none is installed
std::atomic<int> g_event_fd{-1};
std::atomic<int> g_signal{0};
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void request_stop(int signal_number) {
  const int saved_errno = errno;
  // A child forked or vforked from us runs this until it execs (a vfork child even shares
  // our memory and the eventfd): the signal was for it, so it gets what it would have had
  // without us, the default action, instead of stopping our benchmark.
  if (getpid() != g_owner.load()) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(signal_number, &default_action, nullptr);
    kill(getpid(), signal_number);  // held until this handler returns, then acted on
    errno = saved_errno;
    return;
  }
  int none = 0;
  g_signal.compare_exchange_strong(none, signal_number);
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(g_event_fd.load(), &one, sizeof one);
  errno = saved_errno;
}

}  // namespace

Result<std::unique_ptr<InterruptGuard>> InterruptGuard::install() {
  pid_t none = 0;
  if (!g_owner.compare_exchange_strong(none, getpid()))
    return Error{EBUSY, "cannot handle SIGINT and SIGTERM: another interrupt guard is installed"};
  // Non-blocking: a handler must never block, even on a counter that could overflow.
  UniqueFd event(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!event) {
    g_owner = 0;
    return errno_error("eventfd");
  }
  g_signal = 0;
  g_event_fd = event.get();

  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  // SA_RESTART: only the harness's waits should notice a signal, not every read elsewhere.
  // SA_RESETHAND: the second Ctrl-C is the impatient one, and kills.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  struct sigaction old_interrupt {};
  struct sigaction old_terminate {};
  const bool installed = sigaction(SIGINT, &action, &old_interrupt) == 0;
  if (!installed || sigaction(SIGTERM, &action, &old_terminate) != 0) {
    Error error = errno_error("sigaction");
    if (installed) sigaction(SIGINT, &old_interrupt, nullptr);
    g_event_fd = -1;
    g_owner = 0;
    return error;
  }
  // A signal ignored on entry stays ignored: whoever started us in the background (a shell
  // without job control does that for `&`) asked that a Ctrl-C meant for others not stop us.
  if (old_interrupt.sa_handler == SIG_IGN) sigaction(SIGINT, &old_interrupt, nullptr);
  if (old_terminate.sa_handler == SIG_IGN) sigaction(SIGTERM, &old_terminate, nullptr);
  return std::unique_ptr<InterruptGuard>(new InterruptGuard(std::move(event), old_interrupt, old_terminate));
}

InterruptGuard::InterruptGuard(UniqueFd event, const struct sigaction& old_interrupt,
                               const struct sigaction& old_terminate)
    : event_(std::move(event)), old_interrupt_(old_interrupt), old_terminate_(old_terminate) {}

InterruptGuard::~InterruptGuard() {
  // The handlers first, so that none runs with the descriptor gone.
  sigaction(SIGTERM, &old_terminate_, nullptr);
  sigaction(SIGINT, &old_interrupt_, nullptr);
  g_event_fd = -1;
  g_owner = 0;
}

int InterruptGuard::signal() const {
  return g_signal.load();
}

}  // namespace isobench::cli
