// `isobench exec`: a process that joins a running container is never more privileged than the
// container's own init (capabilities, no_new_privs, seccomp), sits in its namespaces and
// cgroups, carries no descriptor of the host, and gets Docker's answers on bad input.
#include <gtest/gtest.h>

#include <sys/inotify.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "common/file_io.h"
#include "common/unique_fd.h"
#include "tests/integration/container_fixture.h"

namespace isobench::integration {
namespace {

using ContainerExecTest = ContainerTest;

/// The lines of /proc/PID/status that say what a process may do.
std::string privilege_lines(const std::string& status) {
  std::string lines;
  std::regex wanted(R"(^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):.*$)", std::regex::multiline);
  for (std::sregex_iterator it(status.begin(), status.end(), wanted), end; it != end; ++it) lines += it->str() + "\n";
  return lines;
}

TEST_F(ContainerExecTest, AJoiningProcessHasExactlyTheInitsPrivileges) {
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sleep", "100"}).empty());
  const std::string pid = inspect("target", "{{.State.Pid}}");
  auto init_status = read_file("/proc/" + pid + "/status");
  ASSERT_TRUE(init_status);
  ProcessResult joined = isobench({"exec", "target", "cat", "/proc/self/status"});
  ASSERT_EQ(joined.exit_code, 0) << joined;
  const std::string expected = privilege_lines(*init_status);
  ASSERT_NE(expected.find("Seccomp:\t2"), std::string::npos) << expected;
  EXPECT_EQ(privilege_lines(joined.out), expected);
}

TEST_F(ContainerExecTest, TheProcessIsInTheContainersPidNamespaceAndCgroup) {
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sleep", "100"}).empty());
  ProcessResult init = isobench({"exec", "target", "cat", "/proc/1/cmdline"});
  EXPECT_EQ(init.exit_code, 0) << init;
  EXPECT_EQ(init.out, std::string("sleep\0" "100\0", 10));
  ProcessResult cgroups = isobench({"exec", "target", "cat", "/proc/self/cgroup"});
  ASSERT_EQ(cgroups.exit_code, 0) << cgroups;
  // Inside the container's cgroup namespace, its own cgroup is the root: a process left in the
  // caller's cgroup would see a path climbing out of it ("/../..").
  std::istringstream lines(cgroups.out);
  int in_container = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(":name=") != std::string::npos) continue;
    EXPECT_TRUE(line.ends_with(":/")) << line;
    ++in_container;
  }
  EXPECT_GT(in_container, 0);
  EXPECT_EQ(isobench({"exec", "target", "cat", "/etc/hostname"}).exit_code, 1) << "the container's root, not the host's";
}

TEST_F(ContainerExecTest, NoDescriptorOfTheHostCrossesIn) {
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sleep", "100"}).empty());
  ProcessResult listed = isobench({"exec", "target", "sh", "-c", "ls /proc/$$/fd; true"});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_EQ(listed.out, "0\n1\n2\n");
}

TEST_F(ContainerExecTest, ADirectoryDescriptorOfTheCallerNeverCrossesEvenThroughAPlantedWorkdir) {
  // The container turns its working directory into a magic link to descriptor 3, the one a
  // careless caller leaves open on the host's root (CVE-2024-21626's pattern).
  ASSERT_FALSE(run_detached({"--name", "planter", "-w", "/tmp"},
                            {"sh", "-c", "cd /; rmdir /tmp && ln -s /proc/self/fd/3 /tmp; sleep 100"})
                   .empty());
  std::this_thread::sleep_for(300ms);
  const std::string prefix = "cd / && exec 3</ && exec /usr/bin/env ISOBENCH_STORE=" + store() +
                             " ISOBENCH_RUNTIME_DIR=" + runtime_dir() + " " + ISOBENCH_EXE + " exec ";
  auto planted = ChildProcess::start({"/bin/sh", "-c", prefix + "planter sh -c 'pwd; ls /proc/$$/fd'"});
  ASSERT_TRUE(planted);
  ProcessResult refused = planted->wait(kRunDeadline);
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_NE(refused.err.find("enter the working directory"), std::string::npos) << refused;
  EXPECT_EQ(refused.out, "") << "nothing ran with the host's root as its directory";
  auto listed = ChildProcess::start({"/bin/sh", "-c", prefix + "-w / planter sh -c 'ls /proc/$$/fd; true'"});
  ASSERT_TRUE(listed);
  ProcessResult fds = listed->wait(kRunDeadline);
  EXPECT_EQ(fds.exit_code, 0) << fds;
  EXPECT_EQ(fds.out, "0\n1\n2\n") << "descriptor 3 of the caller was closed before joining";
}

TEST_F(ContainerExecTest, EnvWorkdirAndUserApplyAndTheExitCodePassesThrough) {
  ASSERT_FALSE(run_detached({"--name", "target", "-e", "BASE=1"}, {"sleep", "100"}).empty());
  ProcessResult ran = isobench({"exec", "-e", "FOO=bar", "-w", "/tmp", "-u", "1000:1001", "target", "sh", "-c",
                                "echo $BASE $FOO; pwd; id -u; id -g; exit 5"});
  EXPECT_EQ(ran.exit_code, 5) << ran;
  EXPECT_EQ(ran.out, "1 bar\n/tmp\n1000\n1001\n");
}

TEST_F(ContainerExecTest, BadInputGetsDockersAnswers) {
  ProcessResult unknown = isobench({"exec", "nosuch", "true"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_NE(unknown.err.find("no such container: nosuch"), std::string::npos) << unknown;
  const std::string id = run_detached({"--name", "ended"}, {"true"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(isobench({"wait", "ended"}).out, "0\n");
  ProcessResult stopped = isobench({"exec", "ended", "true"});
  EXPECT_EQ(stopped.exit_code, 1) << stopped;
  EXPECT_NE(stopped.err.find("container " + id + " is not running"), std::string::npos) << stopped;
  ASSERT_FALSE(run_detached({"--name", "target"}, {"sleep", "100"}).empty());
  ProcessResult missing = isobench({"exec", "target", "nosuch"});
  EXPECT_EQ(missing.exit_code, 127) << missing;
  EXPECT_NE(missing.err.find("cannot run 'nosuch'"), std::string::npos) << missing;
  EXPECT_EQ(isobench({"exec", "-u", "root", "target", "true"}).exit_code, 2);
  EXPECT_EQ(isobench({"exec", "target"}).exit_code, 2);
}

using ContainerStatsTest = ContainerTest;

TEST_F(ContainerStatsTest, StatsReadsTheContainersCgroupsAndTopItsProcesses) {
  ASSERT_FALSE(run_detached({"--name", "spinner", "-m", "64m"}, {"sh", "-c", "while true; do :; done"}).empty());
  ASSERT_FALSE(run_detached({"--name", "idle"}, {"sleep", "100"}).empty());
  ProcessResult stats = isobench({"stats", "--no-stream", "--json", "spinner"});
  ASSERT_EQ(stats.exit_code, 0) << stats;
  Json row = parse_json(stats.out);
  ASSERT_TRUE(row.is_object()) << stats;
  EXPECT_EQ(row["Name"], "spinner");
  EXPECT_TRUE(std::string(row["MemUsage"]).ends_with(" / 64MiB")) << row;
  EXPECT_EQ(row["PIDs"], "1");
  // A busy loop: well above nothing, even on a loaded machine (no exact figure is asserted).
  EXPECT_GT(std::stod(std::string(row["CPUPerc"])), 1.0) << row;
  ProcessResult table = isobench({"stats", "--no-stream"});
  EXPECT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(table.out.starts_with("CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT")) << table;
  EXPECT_NE(table.out.find("idle"), std::string::npos) << table;

  const std::string pid = inspect("idle", "{{.State.Pid}}");
  ProcessResult top = isobench({"top", "idle", "-o", "pid,comm"});
  EXPECT_EQ(top.exit_code, 0) << top;
  EXPECT_NE(top.out.find(pid + " sleep"), std::string::npos) << top;
  ProcessResult default_top = isobench({"top", "idle"});
  EXPECT_TRUE(default_top.out.starts_with("UID")) << default_top;
  ProcessResult unknown = isobench({"stats", "--no-stream", "nosuch"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
}

TEST_F(ContainerExecTest, UserNamesComeFromTheContainersOwnPasswdAndGroup) {
  ASSERT_TRUE(write_regular_file(busybox_root() + "/etc/passwd", "root:x:0:0::/:/bin/sh\nalice:x:1234:2345::/:/bin/sh\n"));
  ASSERT_TRUE(write_regular_file(busybox_root() + "/etc/group", "root:x:0:\nstaff:x:50:\n"));
  ASSERT_FALSE(run_detached({"--name", "named"}, {"sleep", "100"}).empty());
  ProcessResult alice = isobench({"exec", "-u", "alice", "named", "id", "-u"});
  EXPECT_EQ(alice.exit_code, 0) << alice;
  EXPECT_EQ(alice.out, "1234\n");
  ProcessResult primary = isobench({"exec", "-u", "alice", "named", "id", "-g"});
  EXPECT_EQ(primary.out, "2345\n") << primary;
  ProcessResult staff = isobench({"exec", "-u", "alice:staff", "named", "id", "-g"});
  EXPECT_EQ(staff.out, "50\n") << staff;
  // The container's passwd as it is now, not the image's: a user it added is found.
  ASSERT_EQ(isobench({"exec", "named", "sh", "-c", "echo bob:x:4321:4321::/:/bin/sh >> /etc/passwd"}).exit_code, 0);
  EXPECT_EQ(isobench({"exec", "-u", "bob", "named", "id", "-u"}).out, "4321\n");
  ProcessResult unknown = isobench({"exec", "-u", "mallory", "named", "true"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("'mallory' is not in"), std::string::npos) << unknown;
}

TEST_F(ContainerExecTest, APasswdThatIsNoRegularFileIsNeverOpenedByTheHost) {
  ASSERT_FALSE(run_detached({"--name", "fifo"}, {"sh", "-c", "mkfifo /etc/passwd; echo made; sleep 100"}).empty());
  ProcessResult logs = logs_once_they_contain("fifo", "made");
  ASSERT_EQ(logs.out, "made\n") << logs;
  // A FIFO tells when it is opened (a device node of the container's choosing would act).
  const std::string fifo = "/proc/" + inspect("fifo", "{{.State.Pid}}") + "/root/etc/passwd";
  UniqueFd watch(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  ASSERT_GE(inotify_add_watch(watch.get(), fifo.c_str(), IN_OPEN), 0) << fifo;
  ProcessResult refused = isobench({"exec", "-u", "alice", "fifo", "true"}, {}, 10s);
  EXPECT_FALSE(refused.timed_out) << refused;
  EXPECT_NE(refused.exit_code, 0) << refused;
  char events[4096];
  EXPECT_LT(read(watch.get(), events, sizeof events), 0) << "the host opened the container's /etc/passwd FIFO";
}

TEST_F(ContainerExecTest, ExecTReturnsThoughABackgroundProcessKeepsItsTerminalBusy) {
  ASSERT_FALSE(run_detached({"--name", "chatty"}, {"sleep", "100"}).empty());
  ProcessResult exec = isobench({"exec", "-t", "chatty", "sh", "-c", "(while :; do echo x; sleep 0.1; done) & echo started"},
                                {}, 10s);
  EXPECT_FALSE(exec.timed_out) << "the relay's drain has an end";
  EXPECT_EQ(exec.exit_code, 0) << exec;
  EXPECT_EQ(exec.out.rfind("started\r\n", 0), 0u) << exec;
}

}  // namespace
}  // namespace isobench::integration
