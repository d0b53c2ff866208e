#include "tests/integration/traced_runner.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/integration/isobench_fixture.h"

#ifndef ISOBENCH_EXE
#error "tests/CMakeLists.txt defines ISOBENCH_EXE, the isobench executable under test"
#endif

namespace isobench::integration {
namespace {

void* signal_data(int signal) {
  return reinterpret_cast<void*>(static_cast<long>(signal));
}

}  // namespace

std::unique_ptr<TracedRunner> TracedRunner::start(const std::vector<std::string>& options,
                                                  const std::vector<std::string>& command) {
  std::vector<std::string> argv = run_arguments(options, command);
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    raise(SIGSTOP);
    execv(args[0], args.data());
    _exit(127);
  }
  auto traced = std::unique_ptr<TracedRunner>(new TracedRunner(pid));
  int status;
  if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status)) return nullptr;
  long trace_options = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
                       PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SETOPTIONS, pid, nullptr, reinterpret_cast<void*>(trace_options)) != 0) return nullptr;
  return traced;
}

TracedRunner::~TracedRunner() {
  kill_runner();
  if (init_ > 0) {
    ::kill(init_, SIGKILL);
    waitpid(init_, nullptr, __WALL);
  }
}

pid_t TracedRunner::run_until_the_container_is_cloned() {
  for (int stops = 0; stops < 10000; ++stops) {
    if (ptrace(PTRACE_CONT, runner_, nullptr, signal_data(pending_signal_)) != 0) return -1;
    pending_signal_ = 0;
    int status;
    if (waitpid(runner_, &status, __WALL) != runner_ || !WIFSTOPPED(status)) return -1;
    const int event = status >> 16;
    if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_VFORK) {
      unsigned long child = 0;
      ptrace(PTRACE_GETEVENTMSG, runner_, nullptr, &child);
      init_ = static_cast<pid_t>(child);
      if (waitpid(init_, &status, __WALL) != init_) return -1;  // its attach stop
      return init_;
    }
    if (event == 0 && WSTOPSIG(status) != SIGTRAP) pending_signal_ = WSTOPSIG(status);  // a real signal: pass it
  }
  return -1;
}

bool TracedRunner::run_init_past_syscall(long number, uint64_t arg0) {
  if (ptrace(PTRACE_CONT, runner_, nullptr, nullptr) != 0) return false;  // it waits for the init
  bool in_the_call = false;
  int signal_to_pass = 0;
  for (int stops = 0; stops < 100000; ++stops) {
    if (ptrace(PTRACE_SYSCALL, init_, nullptr, signal_data(signal_to_pass)) != 0) return false;
    signal_to_pass = 0;
    int status;
    if (waitpid(init_, &status, __WALL) != init_ || !WIFSTOPPED(status)) return false;
    if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
      if ((status >> 16) == 0) signal_to_pass = WSTOPSIG(status);
      continue;
    }
    __ptrace_syscall_info info{};
    ptrace(PTRACE_GET_SYSCALL_INFO, init_, reinterpret_cast<void*>(sizeof info), &info);
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
      in_the_call = static_cast<long>(info.entry.nr) == number && info.entry.args[0] == arg0;
    else if (info.op == PTRACE_SYSCALL_INFO_EXIT && in_the_call)
      return true;
  }
  return false;
}

void TracedRunner::kill_runner() {
  if (runner_ <= 0) return;
  ::kill(runner_, SIGKILL);
  int status;
  while (waitpid(runner_, &status, __WALL) == runner_ && !WIFEXITED(status) && !WIFSIGNALED(status)) {
  }
  runner_ = -1;
}

bool TracedRunner::release_init_and_wait(int& status, std::chrono::milliseconds deadline) {
  if (ptrace(PTRACE_DETACH, init_, nullptr, nullptr) != 0) return false;
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < give_up) {
    if (waitpid(init_, &status, WNOHANG | __WALL) == init_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
      init_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace isobench::integration
