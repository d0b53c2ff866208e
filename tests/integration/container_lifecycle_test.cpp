// Containers as objects, without a daemon: `run -d` returns once the workload runs and a
// monitor stays its parent; ps, logs, stop, kill, wait, rm and inspect answer as Docker's
// verbs do (output, exit codes, error texts), and nothing outlives `rm`.
#include <signal.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <sstream>
#include <filesystem>
#include <algorithm>
#include <thread>

#include "common/file_io.h"
#include "tests/integration/container_fixture.h"

namespace isobench::integration {
namespace {

using ContainerLifecycleTest = ContainerTest;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

/// The session id of `pid` (field 6 of /proc/PID/stat); -1 when it is gone.
pid_t session_of(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return -1;
  std::istringstream fields(stat->substr(stat->rfind(')') + 2));
  std::string state;
  pid_t parent = 0, group = 0, session = -1;
  fields >> state >> parent >> group >> session;
  return session;
}

bool process_exists(pid_t pid) { return process_is_live(pid); }

TEST_F(ContainerLifecycleTest, RunDetachedReturnsTheIdWhileTheWorkloadRunsUnderItsMonitor) {
  const std::string id = run_detached({"--name", "sleeper"}, {"sleep", "100"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(inspect("sleeper", "{{.State.Status}}"), "running");
  EXPECT_EQ(inspect(id.substr(0, 12), "{{.Name}}"), "/sleeper");
  const pid_t pid = std::stoi(inspect("sleeper", "{{.State.Pid}}"));
  const pid_t monitor = std::stoi(inspect("sleeper", "{{.Isobench.MonitorPid}}"));
  ASSERT_TRUE(process_exists(pid));
  ASSERT_TRUE(process_exists(monitor));
  // Neither the CLI's child nor in its session: it outlived the CLI, and no terminal can reach it.
  EXPECT_NE(session_of(monitor), session_of(getpid()));
  EXPECT_NE(session_of(pid), session_of(monitor)) << "the workload leads a session of its own";

  ProcessResult listed = isobench({"ps"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  std::vector<std::string> rows = lines_of(listed.out);
  ASSERT_EQ(rows.size(), 2u) << listed;
  EXPECT_TRUE(rows[0].starts_with("CONTAINER ID   IMAGE")) << rows[0];
  EXPECT_NE(rows[1].find(id.substr(0, 12)), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("Up "), std::string::npos) << rows[1];
  EXPECT_TRUE(rows[1].ends_with("sleeper")) << rows[1];
  EXPECT_EQ(isobench({"ps", "-q"}).out, id.substr(0, 12) + "\n");
  EXPECT_EQ(isobench({"ps", "-q", "--no-trunc"}).out, id + "\n");
}

TEST_F(ContainerLifecycleTest, StopSendsTheStopSignalAndPsDashAShowsTheExit) {
  // The container's init gets no default signal actions (it is a pid namespace's init, as in
  // Docker without --init): it must handle SIGTERM to stop on it.
  const std::string id =
      run_detached({"--name", "stopper"}, {"sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"});
  ASSERT_FALSE(id.empty());
  std::this_thread::sleep_for(300ms);  // the trap is set
  const pid_t pid = std::stoi(inspect("stopper", "{{.State.Pid}}"));
  ProcessResult stopped = isobench({"stop", "-t", "20", "stopper"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped;
  EXPECT_EQ(stopped.out, "stopper\n");
  EXPECT_FALSE(process_exists(pid));
  EXPECT_EQ(inspect("stopper", "{{.State.Status}}"), "exited");
  EXPECT_EQ(inspect("stopper", "{{.State.ExitCode}}"), "42");
  EXPECT_EQ(isobench({"ps", "-q"}).out, "");
  ProcessResult all = isobench({"ps", "-a"});
  EXPECT_NE(all.out.find("Exited (42)"), std::string::npos) << all;
  // Stopping a stopped container is no error, as in Docker.
  ProcessResult again = isobench({"stop", "stopper"});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(again.out, "stopper\n");
}

TEST_F(ContainerLifecycleTest, StopKillsAWorkloadThatIgnoresTheSignalAfterTheTimeout) {
  // sleep as the container's init ignores SIGTERM (no handler, and init has no default action).
  ASSERT_FALSE(run_detached({"--name", "stubborn"}, {"sleep", "100"}).empty());
  ProcessResult stopped = isobench({"stop", "-t", "1", "stubborn"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped;
  EXPECT_EQ(inspect("stubborn", "{{.State.ExitCode}}"), "137");
}

TEST_F(ContainerLifecycleTest, LogsGivesBackEachStreamExactly) {
  ASSERT_FALSE(run_detached({"--name", "talker"}, {"sh", "-c", "echo out one; echo err one >&2; echo out two; printf 'no newline'"}).empty());
  ProcessResult waited = isobench({"wait", "talker"});
  EXPECT_EQ(waited.exit_code, 0) << waited;
  EXPECT_EQ(waited.out, "0\n");
  ProcessResult logs = isobench({"logs", "talker"});
  EXPECT_EQ(logs.exit_code, 0) << logs;
  EXPECT_EQ(logs.out, "out one\nout two\nno newline");
  EXPECT_EQ(logs.err, "err one\n");
  EXPECT_EQ(isobench({"logs", "--tail", "1", "talker"}).out, "no newline");
  ProcessResult stamped = isobench({"logs", "-t", "talker"});
  EXPECT_TRUE(std::regex_search(stamped.out, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out one\n)")))
      << stamped;
}

TEST_F(ContainerLifecycleTest, LogsFollowReturnsWhenTheContainerEnds) {
  ASSERT_FALSE(run_detached({"--name", "ticker"}, {"sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 0.2; done"}).empty());
  ProcessResult followed = isobench({"logs", "-f", "ticker"});
  EXPECT_EQ(followed.exit_code, 0) << followed;
  EXPECT_EQ(followed.out, "tick 1\ntick 2\ntick 3\n");
}

TEST_F(ContainerLifecycleTest, WaitPrintsTheExitCodeAndPsShowsIt) {
  ASSERT_FALSE(run_detached({"--name", "three"}, {"sh", "-c", "exit 3"}).empty());
  ProcessResult waited = isobench({"wait", "three"});
  EXPECT_EQ(waited.exit_code, 0) << waited;
  EXPECT_EQ(waited.out, "3\n");
  EXPECT_NE(isobench({"ps", "-a"}).out.find("Exited (3)"), std::string::npos);
  EXPECT_EQ(isobench({"ps", "-a", "-q", "--filter", "exited=3"}).out.size(), 13u);
  EXPECT_EQ(isobench({"ps", "-a", "-q", "--filter", "exited=4"}).out, "");
}

TEST_F(ContainerLifecycleTest, RmRefusesARunningContainerUnlessForced) {
  const std::string id = run_detached({"--name", "busy"}, {"sleep", "100"});
  ASSERT_FALSE(id.empty());
  ProcessResult refused = isobench({"rm", "busy"});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_NE(refused.err.find("cannot remove container \"/busy\": container is running: stop the container before "
                             "removing or force remove"),
            std::string::npos)
      << refused;
  EXPECT_EQ(inspect("busy", "{{.State.Status}}"), "running");
  const pid_t pid = std::stoi(inspect("busy", "{{.State.Pid}}"));
  ProcessResult forced = isobench({"rm", "-f", "busy"});
  EXPECT_EQ(forced.exit_code, 0) << forced;
  EXPECT_EQ(forced.out, "busy\n");
  EXPECT_FALSE(process_exists(pid));
  EXPECT_TRUE(stored_ids().empty());
  // The name is free again.
  EXPECT_FALSE(run_detached({"--name", "busy"}, {"true"}).empty());
}

TEST_F(ContainerLifecycleTest, AutoRemoveLeavesNothingOnceTheContainerEnds) {
  const std::string id = run_detached({"--rm", "--name", "brief"}, {"sh", "-c", "echo bye"});
  ASSERT_FALSE(id.empty());
  for (int i = 0; i < 500 && !stored_ids().empty(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(stored_ids().empty());
  ProcessResult gone = isobench({"logs", "brief"});
  EXPECT_EQ(gone.exit_code, 1) << gone;
  EXPECT_NE(gone.err.find("no such container: brief"), std::string::npos) << gone;
}

TEST_F(ContainerLifecycleTest, ANameInUseIsAConflictAndChangesNothing) {
  const std::string id = run_detached({"--name", "only"}, {"sleep", "100"});
  ASSERT_FALSE(id.empty());
  ProcessResult second = isobench({"run", "-d", "--name", "only", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_NE(second.exit_code, 0) << second;
  EXPECT_NE(second.err.find("the container name \"/only\" is already in use by container \"" + id + "\""),
            std::string::npos)
      << second;
  EXPECT_EQ(stored_ids().size(), 1u);
}

TEST_F(ContainerLifecycleTest, UnknownContainersAndStoppedOnesGetDockersAnswers) {
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"stop"}, {"kill"}, {"rm"}, {"logs"}, {"wait"},
                                               {"inspect", "--type", "container"}}) {
    std::vector<std::string> args = verb;
    args.push_back("nosuch");
    ProcessResult failed = isobench(args);
    EXPECT_EQ(failed.exit_code, 1) << verb[0] << ": " << failed;
    EXPECT_NE(failed.err.find("no such container: nosuch"), std::string::npos) << verb[0] << ": " << failed;
  }
  const std::string id = run_detached({"--name", "done"}, {"true"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(isobench({"wait", "done"}).out, "0\n");
  ProcessResult killed = isobench({"kill", "done"});
  EXPECT_EQ(killed.exit_code, 1) << killed;
  EXPECT_NE(killed.err.find("container " + id + " is not running"), std::string::npos) << killed;
  ProcessResult bad_signal = isobench({"kill", "-s", "SIGNOPE", "done"});
  EXPECT_EQ(bad_signal.exit_code, 2) << bad_signal;
  EXPECT_NE(bad_signal.err.find("invalid signal: SIGNOPE"), std::string::npos) << bad_signal;
  ProcessResult bad_format = isobench({"ps", "--format", "{{.Nope"});
  EXPECT_EQ(bad_format.exit_code, 2) << bad_format;
}

TEST_F(ContainerLifecycleTest, KillSendsTheNamedSignal) {
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sh", "-c", "trap 'echo got usr1; exit 7' USR1; while true; do sleep 0.1; done"}).empty());
  std::this_thread::sleep_for(300ms);  // the trap is set
  ProcessResult killed = isobench({"kill", "-s", "usr1", "target"});
  EXPECT_EQ(killed.exit_code, 0) << killed;
  EXPECT_EQ(isobench({"wait", "target"}).out, "7\n");
  EXPECT_EQ(isobench({"logs", "target"}).out, "got usr1\n");
}

TEST_F(ContainerLifecycleTest, AFailedStartIsTheLaunchersErrorWithItsExitCode) {
  ProcessResult missing = isobench({"run", "-d", "--rootfs", busybox_root(), "--", "/bin/nosuch"});
  EXPECT_EQ(missing.exit_code, 127) << missing;
  EXPECT_TRUE(stored_ids().empty()) << "a command that is not there is refused before anything is made";
  ProcessResult stats = isobench({"run", "-d", "--stats", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(stats.exit_code, 2) << stats;
  ProcessResult anonymous_log = isobench({"run", "--log-opt", "max-size=1m", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(anonymous_log.exit_code, 2) << anonymous_log;
  ProcessResult log_opt = isobench({"run", "-d", "--log-opt", "max-file=3", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(log_opt.exit_code, 2) << log_opt;
  ProcessResult layer_size = isobench({"run", "-d", "--layer-size", "1g", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(layer_size.exit_code, 2) << layer_size;
  EXPECT_TRUE(stored_ids().empty());
}

TEST_F(ContainerLifecycleTest, TheWritableLayerIsKeptOnDiskUntilRm) {
  const std::string id = run_detached({"--name", "writer"}, {"sh", "-c", "echo kept > /tmp/file"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(isobench({"wait", "writer"}).out, "0\n");
  auto kept = read_file(containers_dir() + "/" + id + "/layer/upper/tmp/file");
  ASSERT_TRUE(kept) << "the layer's upper directory holds what the container wrote";
  EXPECT_EQ(*kept, "kept\n");
  EXPECT_FALSE(read_file(busybox_root() + "/tmp/file")) << "the image itself is untouched";
}

TEST_F(ContainerLifecycleTest, StartRunsAStoppedContainerAgainWithItsFilesAsTheyWere) {
  const std::string id = run_detached({"--name", "again"}, {"sh", "-c", "echo run >> /tmp/count; cat /tmp/count | wc -l"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(isobench({"wait", "again"}).out, "0\n");
  ProcessResult started = isobench({"start", "-a", "again"});
  EXPECT_EQ(started.exit_code, 0) << started;
  EXPECT_EQ(started.out, "2\n") << "the second run sees the first one's file";
  EXPECT_EQ(isobench({"logs", "again"}).out, "1\n2\n");
  EXPECT_EQ(inspect("again", "{{.Id}}"), id);
}

TEST_F(ContainerLifecycleTest, RestartStopsAndStartsARunningContainer) {
  ASSERT_FALSE(run_detached({"--name", "cycle"}, {"sleep", "100"}).empty());
  const pid_t before = std::stoi(inspect("cycle", "{{.State.Pid}}"));
  ProcessResult restarted = isobench({"restart", "-t", "1", "cycle"});
  EXPECT_EQ(restarted.exit_code, 0) << restarted;
  EXPECT_EQ(restarted.out, "cycle\n");
  EXPECT_FALSE(process_exists(before));
  EXPECT_EQ(inspect("cycle", "{{.State.Status}}"), "running");
  const pid_t after = std::stoi(inspect("cycle", "{{.State.Pid}}"));
  EXPECT_NE(after, before);
  EXPECT_TRUE(process_exists(after));
  // Starting a running container changes nothing (Docker's answer too).
  ProcessResult again = isobench({"start", "cycle"});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(std::stoi(inspect("cycle", "{{.State.Pid}}")), after);
}

TEST_F(ContainerLifecycleTest, TwoStartsAtOnceGiveOneMonitor) {
  ASSERT_FALSE(run_detached({"--name", "long"}, {"sleep", "100"}).empty());
  ASSERT_EQ(isobench({"stop", "-t", "0", "long"}).exit_code, 0);
  auto first = start_isobench({"start", "long"});
  auto second = start_isobench({"start", "long"});
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->wait(kRunDeadline).exit_code, 0);
  EXPECT_EQ(second->wait(kRunDeadline).exit_code, 0);
  // One monitor, so one sleep whose parent is an isobench monitor.
  std::map<pid_t, std::string> names;
  const std::vector<ProcessEntry> table = process_table();
  for (const ProcessEntry& entry : table) names[entry.pid] = entry.name;
  int sleeps = 0;
  for (const ProcessEntry& entry : table)
    if (entry.name == "sleep" && names[entry.parent] == "isobench") ++sleeps;
  EXPECT_EQ(sleeps, 1);
  EXPECT_EQ(isobench({"ps", "-q"}).out.size(), 13u);
}

TEST_F(ContainerLifecycleTest, AKeptContainerKeepsItsImageUntilRm) {
  const std::string tarball = store() + "-busybox.tar";
  ASSERT_EQ(std::system(("tar -C " + busybox_root() + " -cf " + tarball + " .").c_str()), 0);
  ProcessResult imported = isobench({"import", tarball, "test/busybox:kept"});
  ASSERT_EQ(imported.exit_code, 0) << imported;
  std::filesystem::remove(tarball);
  ProcessResult started = isobench({"run", "-d", "--name", "keeper", "test/busybox:kept", "sh", "-c", "echo from the image"});
  ASSERT_EQ(started.exit_code, 0) << started;
  EXPECT_EQ(isobench({"wait", "keeper"}).out, "0\n");
  EXPECT_EQ(isobench({"logs", "keeper"}).out, "from the image\n");
  EXPECT_EQ(inspect("keeper", "{{.Config.Image}}"), "test/busybox:kept");
  // Exited, yet still its image's user: Docker refuses too.
  ProcessResult refused = isobench({"rmi", "test/busybox:kept"});
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_NE(refused.err.find("uses it (remove the container first"), std::string::npos) << refused;
  EXPECT_EQ(isobench({"image", "prune"}).exit_code, 0);
  ProcessResult restarted = isobench({"start", "-a", "keeper"});
  EXPECT_EQ(restarted.out, "from the image\n") << restarted;
  ASSERT_EQ(isobench({"rm", "keeper"}).exit_code, 0);
  ProcessResult removed = isobench({"rmi", "test/busybox:kept"});
  EXPECT_EQ(removed.exit_code, 0) << removed;
}

TEST_F(ContainerLifecycleTest, NoDescriptorOfTheMonitorReachesTheContainer) {
  ASSERT_FALSE(run_detached({"--name", "fds"}, {"sh", "-c", "ls /proc/1/fd; true"}).empty());
  EXPECT_EQ(isobench({"wait", "fds"}).out, "0\n");
  EXPECT_EQ(isobench({"logs", "fds"}).out, "0\n1\n2\n");
}

TEST_F(ContainerLifecycleTest, AKilledMonitorTakesItsContainerWithItAndRmStillCleansUp) {
  const std::string id = run_detached({"--name", "orphan"}, {"sleep", "100"});
  ASSERT_FALSE(id.empty());
  const pid_t pid = std::stoi(inspect("orphan", "{{.State.Pid}}"));
  const pid_t monitor = std::stoi(inspect("orphan", "{{.Isobench.MonitorPid}}"));
  ASSERT_EQ(kill(monitor, SIGKILL), 0);
  for (int i = 0; i < 500 && process_exists(pid); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(process_exists(pid)) << "the workload dies with its monitor (no orphan keeps running)";
  // The truth is the kernel's: no monitor, so it exited, with an exit code nobody saw.
  EXPECT_EQ(inspect("orphan", "{{.State.Status}}"), "exited");
  EXPECT_EQ(inspect("orphan", "{{.State.ExitCode}}"), "-1");
  EXPECT_NE(isobench({"ps", "-a"}).out.find("Exited (unknown)"), std::string::npos);
  ProcessResult removed = isobench({"rm", "orphan"});
  EXPECT_EQ(removed.exit_code, 0) << removed;
  // The fixture checks that no cgroup of the container is left.
}

TEST_F(ContainerLifecycleTest, AFreshRuntimeDirectoryAfterARebootShowsTheTruth) {
  const std::string id = run_detached({"--name", "rebooted"}, {"sleep", "100"});
  ASSERT_FALSE(id.empty());
  const pid_t monitor = std::stoi(inspect("rebooted", "{{.Isobench.MonitorPid}}"));
  ASSERT_EQ(kill(monitor, SIGKILL), 0);
  for (int i = 0; i < 500 && process_exists(monitor); ++i) std::this_thread::sleep_for(10ms);
  std::filesystem::remove_all(runtime_dir());  // as a reboot empties /run
  ProcessResult listed = isobench({"ps", "-a", "--format", "{{.Names}} {{.State}}"});
  EXPECT_EQ(listed.out, "rebooted exited\n") << listed;
  EXPECT_EQ(isobench({"rm", "rebooted"}).exit_code, 0);
}

TEST_F(ContainerLifecycleTest, ManyCliesAtOnceNeverCorruptTheStore) {
  constexpr int kContainers = 50;
  std::vector<ChildProcess> starting;
  for (int i = 0; i < kContainers; ++i) {
    auto child = start_isobench({"run", "-d", "--rootfs", busybox_root(), "--", "sleep", "100"});
    ASSERT_TRUE(child) << child.error().text();
    starting.push_back(std::move(*child));
  }
  for (ChildProcess& child : starting) {
    ProcessResult started = child.wait(60s);
    EXPECT_EQ(started.exit_code, 0) << started;
  }
  ProcessResult listed = isobench({"ps", "-q"});
  EXPECT_EQ(lines_of(listed.out).size(), static_cast<size_t>(kContainers)) << listed;
  ProcessResult names = isobench({"ps", "--format", "{{.Names}}"});
  std::vector<std::string> unique = lines_of(names.out);
  std::sort(unique.begin(), unique.end());
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end()) << "generated names are unique";
  std::vector<ChildProcess> removing;
  for (const std::string& id : lines_of(listed.out)) {
    auto child = start_isobench({"rm", "-f", id});
    ASSERT_TRUE(child);
    removing.push_back(std::move(*child));
  }
  for (ChildProcess& child : removing) {
    ProcessResult removed = child.wait(60s);
    EXPECT_EQ(removed.exit_code, 0) << removed;
  }
  EXPECT_TRUE(stored_ids().empty());
  EXPECT_EQ(isobench({"ps", "-a", "-q"}).out, "");
}

using ContainerForegroundTest = ContainerTest;

TEST_F(ContainerForegroundTest, ANamedRunInTheForegroundIsAttachedAndKept) {
  ProcessResult run = isobench({"run", "--name", "attached", "--rootfs", busybox_root(), "--", "sh", "-c",
                                "echo out; echo err >&2; exit 4"});
  EXPECT_EQ(run.exit_code, 4) << run;
  EXPECT_EQ(run.out, "out\n") << run;
  EXPECT_EQ(run.err, "err\n") << run;
  EXPECT_EQ(inspect("attached", "{{.State.Status}} {{.State.ExitCode}}"), "exited 4");
  ProcessResult logs = isobench({"logs", "attached"});
  EXPECT_EQ(logs.out, "out\n") << logs;
  ProcessResult again = isobench({"run", "--name", "attached", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(again.exit_code, 125) << again;
  EXPECT_NE(again.err.find("is already in use"), std::string::npos) << again;
}

TEST_F(ContainerForegroundTest, ANamedRunWithRmLeavesNothingAndPassesTheExitCode) {
  ProcessResult run = isobench({"run", "--rm", "--name", "brief", "--rootfs", busybox_root(), "--", "sh", "-c", "echo bye; exit 2"});
  EXPECT_EQ(run.exit_code, 2) << run;
  EXPECT_EQ(run.out, "bye\n") << run;
  EXPECT_TRUE(stored_ids().empty());
  ProcessResult missing = isobench({"run", "--rm", "--name", "absent", "--rootfs", busybox_root(), "--", "/no/such"});
  EXPECT_EQ(missing.exit_code, 127) << missing;
  EXPECT_TRUE(stored_ids().empty()) << "a failed start with --rm keeps nothing";
}

TEST_F(ContainerForegroundTest, AnAttachedRunLosesNoOutputAndTakesStdinWithDashI) {
  ProcessResult big = isobench({"run", "--rm", "--name", "big", "--rootfs", busybox_root(), "--", "sh", "-c",
                                "yes abcdefghi | head -c 300000; echo done >&2"});
  EXPECT_EQ(big.exit_code, 0) << big.err;
  EXPECT_EQ(big.out.size(), 300000u);
  EXPECT_EQ(big.err, "done\n");
  const std::string env = "ISOBENCH_STORE=" + store() + " ISOBENCH_RUNTIME_DIR=" + runtime_dir() + " ";
  ProcessResult piped = run_process(
      {"/bin/sh", "-c", "printf 'one\\ntwo\\n' | " + env + ISOBENCH_EXE + " run -i --rm --name reader --rootfs " +
                            busybox_root() + " -- sh -c 'cat; echo eof'"},
      kRunDeadline);
  EXPECT_EQ(piped.exit_code, 0) << piped;
  EXPECT_EQ(piped.out, "one\ntwo\neof\n") << "the end of our stdin closes the container's";
}

TEST_F(ContainerForegroundTest, SignalsToTheAttachedCommandReachTheContainer) {
  auto attached = start_isobench({"run", "--name", "proxied", "--rootfs", busybox_root(), "--", "sh", "-c",
                                  "trap 'echo terminated; exit 9' TERM; echo ready; while :; do sleep 0.1; done"});
  ASSERT_TRUE(attached);
  ASSERT_TRUE(wait_for_status("proxied", "running"));
  std::this_thread::sleep_for(300ms);  // the trap is set once "ready" is printed
  attached->send_signal(SIGTERM);
  ProcessResult ended = attached->wait(kRunDeadline);
  EXPECT_EQ(ended.exit_code, 9) << ended;
  EXPECT_EQ(ended.out, "ready\nterminated\n") << ended;
}

TEST_F(ContainerForegroundTest, AKeptRunRefusesWhatOnlyAnAnonymousOneHas) {
  ProcessResult sized = isobench({"run", "--name", "nn", "--layer-size", "64m", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_NE(sized.exit_code, 0);
  EXPECT_NE(sized.err.find("--layer-size"), std::string::npos) << sized;
  ProcessResult stats = isobench({"run", "--name", "nn", "--stats", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(stats.exit_code, 2) << stats;
  // A kept container's descriptors 3.. at its start are its monitor's.
  ProcessResult preserved = isobench({"run", "-d", "--preserve-fds", "1", "--rootfs", busybox_root(), "--", "true"});
  EXPECT_EQ(preserved.exit_code, 2) << preserved;
  EXPECT_NE(preserved.err.find("--preserve-fds"), std::string::npos) << preserved;
  EXPECT_TRUE(stored_ids().empty());
}

using ContainerStdinTest = ContainerTest;

TEST_F(ContainerStdinTest, DetachedInteractiveKeepsStdinOpenAsDockersOpenStdin) {
  ASSERT_FALSE(run_detached({"-i", "--name", "reader"}, {"sh", "-c", "read line; echo got"}).empty());
  ASSERT_FALSE(run_detached({"--name", "closed"}, {"sh", "-c", "read line; echo eof $?"}).empty());
  EXPECT_TRUE(wait_for_status("closed", "exited"));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(inspect("reader", "{{.State.Status}} {{.Config.OpenStdin}}"), "running true");
  EXPECT_EQ(isobench({"logs", "closed"}).out, "eof 1\n");
  // start again: still open.
  ASSERT_EQ(isobench({"stop", "-t", "0", "reader"}).exit_code, 0);
  ASSERT_EQ(isobench({"start", "reader"}).exit_code, 0);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(inspect("reader", "{{.State.Status}}"), "running");
}

}  // namespace
}  // namespace isobench::integration
