// `run -t`, `run -it`, `run -dt` and `exec -t`: the container gets a pseudo-terminal of its own
// devpts (never the caller's), sized as the caller's terminal and following it, Ctrl-C typed
// at the caller reaches the workload as its own SIGINT, the caller's terminal is as it was
// afterwards, and a container cannot point the pty that `exec -t` makes at anything else.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/unique_fd.h"
#include "tests/integration/container_fixture.h"

namespace isobench::integration {
namespace {

using Clock = std::chrono::steady_clock;

/// isobench on a terminal of the test's own, as a user at a terminal runs it: its stdio and
/// controlling terminal are a pty's slave; the test types into the master and reads it.
class TerminalSession {
 public:
  TerminalSession(const std::vector<std::string>& argv, winsize size) {
    int master = -1, slave = -1;
    if (openpty(&master, &slave, nullptr, nullptr, &size) != 0) return;
    master_.reset(master);
    slave_.reset(slave);
    termios settings{};
    tcgetattr(slave, &settings);
    before_ = settings;
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      setsid();
      ioctl(slave, TIOCSCTTY, 0);
      for (int fd = 0; fd < 3; ++fd) dup2(slave, fd);
      close_range(3, ~0u, 0);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~TerminalSession() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return pid_ > 0 && master_; }
  /// Reads what was printed until `text` appears or the deadline passes.
  bool read_until(const std::string& text, std::chrono::milliseconds deadline = kRunDeadline) {
    const auto end = Clock::now() + deadline;
    while (output_.find(text) == std::string::npos && Clock::now() < end) read_some(50);
    return output_.find(text) != std::string::npos;
  }
  void type(const std::string& keys) { (void)!write(master_.get(), keys.data(), keys.size()); }
  /// As much of `keys` as the terminal takes now: a program that stops reading its input
  /// must not stop the test.
  void type_without_waiting(const std::string& keys) {
    const int flags = fcntl(master_.get(), F_GETFL);
    fcntl(master_.get(), F_SETFL, flags | O_NONBLOCK);
    (void)!write(master_.get(), keys.data(), keys.size());
    fcntl(master_.get(), F_SETFL, flags);
  }
  void resize(winsize size) { ioctl(master_.get(), TIOCSWINSZ, &size); }
  /// The exit code, reading on meanwhile (a full pty would block it); -1 after the deadline.
  int wait(std::chrono::milliseconds deadline = kRunDeadline) {
    const auto end = Clock::now() + deadline;
    int status = 0;
    while (Clock::now() < end) {
      read_some(20);
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        while (read_some(0)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }
  const std::string& output() const { return output_; }
  /// The caller's terminal settings now and before isobench ran.
  termios now() const {
    termios settings{};
    tcgetattr(slave_.get(), &settings);
    return settings;
  }
  const termios& before() const { return before_; }

 private:
  bool read_some(int timeout_ms) {
    pollfd fd{master_.get(), POLLIN, 0};
    if (poll(&fd, 1, timeout_ms) <= 0) return false;
    char buffer[4096];
    const ssize_t got = read(master_.get(), buffer, sizeof buffer);
    if (got <= 0) return false;
    output_.append(buffer, static_cast<size_t>(got));
    return true;
  }

  UniqueFd master_, slave_;
  termios before_{};
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string output_;
};

class ContainerTerminalTest : public ContainerTest {
 protected:
  /// isobench ARGS with this test's store, as TerminalSession starts it.
  std::vector<std::string> at_terminal(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"/usr/bin/env", "ISOBENCH_STORE=" + store(), "ISOBENCH_RUNTIME_DIR=" + runtime_dir(),
                                     ISOBENCH_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

TEST_F(ContainerTerminalTest, RunTGivesThePtyOfTheContainersOwnDevptsSizedAsTheCallers) {
  TerminalSession session(at_terminal({"run", "-t", "--rootfs", busybox_root(), "--", "sh", "-c",
                           "tty; stty size; ls -1 /dev/pts"}),
                          winsize{33, 101, 0, 0});
  ASSERT_TRUE(session.started());
  EXPECT_EQ(session.wait(), 0) << session.output();
  // Both terminals turn a newline into CR LF (without -i the caller's stays cooked, as docker's).
  std::string lines = session.output();
  std::erase(lines, '\r');
  // The container's devpts has its one pty, whatever number the caller's has.
  EXPECT_EQ(lines, "/dev/pts/0\n33 101\n0\nptmx\n");
}

TEST_F(ContainerTerminalTest, RunTWithoutACallerTerminalStillGivesOneAndMergesTheStreams) {
  ProcessResult run = isobench({"run", "-t", "--rootfs", busybox_root(), "--", "sh", "-c", "tty; echo to-stderr >&2; exit 3"});
  EXPECT_EQ(run.exit_code, 3) << run;
  EXPECT_EQ(run.out, "/dev/pts/0\r\nto-stderr\r\n") << run;
}

TEST_F(ContainerTerminalTest, CtrlCTypedAtTheCallerReachesTheWorkloadAndTheTerminalIsRestored) {
  TerminalSession session(at_terminal({"run", "-it", "--rootfs", busybox_root(), "--", "sh", "-c",
                           "trap 'echo got-int; exit 7' INT; echo ready; while :; do sleep 1; done"}),
                          winsize{24, 80, 0, 0});
  ASSERT_TRUE(session.started());
  ASSERT_TRUE(session.read_until("ready")) << session.output();
  EXPECT_FALSE(session.now().c_lflag & ICANON) << "the caller's terminal is raw while keys are forwarded";
  session.type("\x03");
  EXPECT_EQ(session.wait(), 7) << session.output();
  EXPECT_NE(session.output().find("got-int"), std::string::npos) << session.output();
  const termios after = session.now();
  EXPECT_EQ(after.c_lflag, session.before().c_lflag);
  EXPECT_EQ(after.c_iflag, session.before().c_iflag);
  EXPECT_EQ(after.c_oflag, session.before().c_oflag);
}

TEST_F(ContainerTerminalTest, TheContainersTerminalFollowsTheCallersSize) {
  TerminalSession session(at_terminal({"run", "-it", "--rootfs", busybox_root(), "--", "sh", "-c",
                           "echo ready; read line; stty size"}),
                          winsize{24, 80, 0, 0});
  ASSERT_TRUE(session.started());
  ASSERT_TRUE(session.read_until("ready")) << session.output();
  session.resize(winsize{40, 120, 0, 0});  // the kernel sends isobench SIGWINCH
  std::this_thread::sleep_for(200ms);
  session.type("\r");
  EXPECT_EQ(session.wait(), 0) << session.output();
  EXPECT_NE(session.output().find("40 120"), std::string::npos) << session.output();
}

TEST_F(ContainerTerminalTest, InteractiveTerminalWithoutACallerTerminalIsRefused) {
  ProcessResult run = isobench({"run", "-it", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_NE(run.exit_code, 0) << run;
  EXPECT_NE(run.err.find("the input device is not a TTY"), std::string::npos) << run;
  ProcessResult exec = isobench({"exec", "-it", "nothing", "true"});
  EXPECT_NE(exec.err.find("the input device is not a TTY"), std::string::npos) << exec;
}

TEST_F(ContainerTerminalTest, ADetachedTerminalsOutputIsTheLogAndItsShellWaitsForInput) {
  const std::string id = run_detached({"-it", "--name", "shell"}, {"sh", "-c", "tty; read line; echo never"});
  ASSERT_FALSE(id.empty());
  ProcessResult logs = logs_once_they_contain("shell", "/dev/pts/0");
  EXPECT_EQ(logs.out, "/dev/pts/0\r\n") << logs;
  EXPECT_EQ(inspect("shell", "{{.State.Status}}"), "running") << "the pty is held open: read waits";
  EXPECT_EQ(isobench({"stop", "-t", "0", "shell"}).exit_code, 0);
}

TEST_F(ContainerTerminalTest, ExecTMakesThePtyWithTheJoinedUsersIdsAndNothingElseCrosses) {
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sleep", "100"}).empty());
  ProcessResult exec = isobench({"exec", "-t", "-u", "1000:1000", "target", "sh", "-c",
                                 "tty; ls -1 /proc/$$/fd; stat -c %u:%g /proc/self/fd/0"});
  EXPECT_EQ(exec.exit_code, 0) << exec;
  EXPECT_EQ(exec.out, "/dev/pts/0\r\n0\r\n1\r\n2\r\n1000:1000\r\n") << exec;
}

TEST_F(ContainerTerminalTest, AContainerCannotRedirectThePtyThatExecTMakes) {
  // With every privilege the container replaces its devpts by a symlink to a directory of its
  // choosing: exec -t must not follow it, whatever it would find there.
  ASSERT_FALSE(run_detached({"--name", "planter", "--security", "none"},
                            {"sh", "-c", "umount /dev/pts && rmdir /dev/pts && mkdir /tmp/pts && ln -s /tmp/pts /dev/pts; "
                                         "echo planted; sleep 100"})
                   .empty());
  ProcessResult logs = logs_once_they_contain("planter", "planted");
  ASSERT_EQ(logs.out, "planted\n") << logs;
  ProcessResult exec = isobench({"exec", "-t", "planter", "echo", "ran"});
  EXPECT_EQ(exec.exit_code, 125) << exec;
  EXPECT_NE(exec.err.find("make the pseudo-terminal"), std::string::npos) << exec;
  EXPECT_EQ(exec.out.find("ran"), std::string::npos) << exec;
}

TEST_F(ContainerTerminalTest, ANamedInteractiveRunIsAttachedThroughItsMonitorAndKept) {
  TerminalSession session(at_terminal({"run", "-it", "--name", "kept", "--rootfs", busybox_root(), "--", "sh", "-c",
                                       "tty; stty size; trap 'echo got-int; exit 7' INT; echo ready; "
                                       "while :; do sleep 1; done"}),
                          winsize{33, 101, 0, 0});
  ASSERT_TRUE(session.started());
  ASSERT_TRUE(session.read_until("ready")) << session.output();
  session.type("\x03");
  EXPECT_EQ(session.wait(), 7) << session.output();
  EXPECT_NE(session.output().find("/dev/pts/0\r\n33 101\r\n"), std::string::npos) << session.output();
  EXPECT_NE(session.output().find("got-int"), std::string::npos) << session.output();
  EXPECT_EQ(session.now().c_lflag, session.before().c_lflag);
  EXPECT_EQ(inspect("kept", "{{.State.Status}} {{.State.ExitCode}} {{.Config.Tty}}"), "exited 7 true");
  EXPECT_NE(isobench({"logs", "kept"}).out.find("ready\r\n"), std::string::npos);
}

TEST_F(ContainerTerminalTest, AttachJoinsTheTerminalOfADetachedShell) {
  ASSERT_FALSE(run_detached({"-it", "--name", "shell"}, {"sh"}).empty());
  TerminalSession session(at_terminal({"attach", "shell"}), winsize{30, 90, 0, 0});
  ASSERT_TRUE(session.started());
  std::this_thread::sleep_for(300ms);
  session.type("stty size; echo sum-$((40+2))\r");
  EXPECT_TRUE(session.read_until("sum-42")) << session.output();
  EXPECT_NE(session.output().find("30 90"), std::string::npos) << "the attaching terminal's size: " << session.output();
  session.type("exit 3\r");
  EXPECT_EQ(session.wait(), 3) << session.output();
  EXPECT_TRUE(wait_for_status("shell", "exited"));
}

TEST_F(ContainerTerminalTest, AttachToAStoppedContainerGetsDockersAnswer) {
  ASSERT_FALSE(run_detached({"--name", "brief"}, {"true"}).empty());
  ASSERT_TRUE(wait_for_status("brief", "exited"));
  ProcessResult attach = isobench({"attach", "brief"});
  EXPECT_EQ(attach.exit_code, 1) << attach;
  EXPECT_NE(attach.err.find("You cannot attach to a stopped container, start it first"), std::string::npos) << attach;
  ProcessResult unknown = isobench({"attach", "nothing"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
}

TEST_F(ContainerTerminalTest, KeysForAWorkloadThatReadsNoneStopNeitherItsLogNorTheClient) {
  ASSERT_FALSE(run_detached({"-it", "--name", "deaf"}, {"sh", "-c", "stty raw -echo; sleep 2.5; echo after-$((1+1)); sleep 100"}).empty());
  TerminalSession session(at_terminal({"attach", "deaf"}), winsize{24, 80, 0, 0});
  ASSERT_TRUE(session.started());
  std::this_thread::sleep_for(100ms);
  // Far more than the pty's input queue and the monitor's buffer for keys hold together.
  for (int i = 0; i < 150; ++i) {
    session.type_without_waiting(std::string(4000, 'k'));
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(session.read_until("after-2")) << "the client still copies output";
  ProcessResult logs = isobench({"logs", "deaf"});
  EXPECT_NE(logs.out.find("after-2"), std::string::npos) << "the monitor's pump still runs";
}

TEST_F(ContainerTerminalTest, AttachWithoutSignalProxyEndsOnSigterm) {
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sleep", "100"}).empty());
  auto attached = start_isobench({"attach", "--sig-proxy=false", "target"});
  ASSERT_TRUE(attached);
  std::this_thread::sleep_for(300ms);
  attached->send_signal(SIGTERM);
  ProcessResult ended = attached->wait(10s);
  EXPECT_FALSE(ended.timed_out);
  EXPECT_EQ(ended.signal, SIGTERM) << ended;
  EXPECT_EQ(inspect("target", "{{.State.Status}}"), "running");
}

}  // namespace
}  // namespace isobench::integration
