// A security review of `isobench run`, as a hostile container, a hostile image or a careless
// caller would attack it. Each attack that worked is reproduced here asserting the safe
// behaviour (so the test fails until it is fixed); attacks that were correctly refused, and
// that escape_test.cpp does not already cover, are here too, to keep them refused.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

namespace fs = std::filesystem;

std::string contents_of(const std::string& path) {
  auto text = read_file(path);
  return text ? *text : std::string("<unreadable>");
}

/// Processes on the host whose command line is exactly `argv` (NUL-separated in /proc).
std::vector<pid_t> processes_running(const std::vector<std::string>& argv) {
  std::string wanted;
  for (const std::string& arg : argv) wanted += arg + '\0';
  std::vector<pid_t> found;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    auto cmdline = read_file("/proc/" + name + "/cmdline");
    if (cmdline && *cmdline == wanted) found.push_back(std::stoi(name));
  }
  return found;
}

using Adversary = IsobenchTest;

// ---------------------------------------------------------------------------------------
// Attacks that WORK today: these tests fail until the hole is closed.
// ---------------------------------------------------------------------------------------

// The container keeps the caller's terminal as its controlling terminal (no setsid): with
// dev.tty.legacy_tiocsti=1 (Debian's default) it can TIOCSTI keystrokes into the caller's
// shell, which runs them on the host after isobench exits (CVE-2017-5226 in bubblewrap;
// runc's init calls setsid). Run under `script`, which gives isobench a terminal.
TEST_F(Adversary, TheContainerDoesNotGetTheCallersControllingTerminal) {
  ProcessResult run = isobench_shell(
      R"(export ISOBENCH; export PROBE='if (true </dev/tty) 2>/dev/null; then echo CTTY; else echo no-ctty; fi; )"
      R"(echo tty_nr=$(cut -d" " -f7 /proc/self/stat)'; )"
      R"(SHELL=/bin/sh script -qec '"$ISOBENCH" run -- /bin/sh -c "$PROBE"' /dev/null)");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out.find("CTTY"), std::string::npos) << run;
  EXPECT_NE(run.out.find("no-ctty"), std::string::npos) << run;
  EXPECT_NE(run.out.find("tty_nr=0"), std::string::npos) << run;
}



// With --share pid, a container's background process survives a SIGKILLed (crashed) runner:
// only the init had a death signal, and the next run's stale-cgroup sweep skips a cgroup that
// still has processes. README: "Nothing is left behind, whatever the ending".
TEST_F(Adversary, AKilledRunnerLeavesNoProcessOfASharedPidContainer) {
  auto started = start_container({"--share", "pid"}, {"/bin/sh", "-c", "sleep 1077 & exec sleep 1078"});
  ASSERT_TRUE(started) << started.error().text();
  ChildProcess runner = std::move(*started);
  ASSERT_TRUE(wait_for_workload(runner.pid(), "sleep", 10s).has_value());
  std::vector<pid_t> background;
  for (int i = 0; i < 200 && background.empty(); ++i) {
    background = processes_running({"sleep", "1077"});
    if (background.empty()) std::this_thread::sleep_for(10ms);
  }
  ASSERT_FALSE(background.empty());
  runner.send_signal(SIGKILL);
  runner.wait(kRunDeadline);
  // A later run sweeps what a dead runner left.
  ProcessResult next = run_in_container({}, {"/bin/true"});
  EXPECT_EQ(next.exit_code, 0) << next;
  std::vector<pid_t> survivors;
  for (int i = 0; i < 100; ++i) {
    survivors = processes_running({"sleep", "1077"});
    if (survivors.empty()) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(survivors.empty()) << "the container's background process outlived the killed runner";
  for (pid_t pid : survivors) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);  // the fixture made us its subreaper
  }
  run_in_container({}, {"/bin/true"});  // sweeps the now empty cgroup
}

// /dev and /dev/shm are tmpfs bounded to 64 MiB of blocks but not in inodes: the kernel's
// default is half the host's RAM in pages (about 3 million here). Empty files with long
// names use no blocks: 100 000 of them in /dev held 117 MiB of kernel memory, so the two
// mounts can pin some 7 GiB, beyond the 1 GiB layer. The layer itself has nr_inodes.
TEST_F(Adversary, DevAndDevShmBoundTheirInodesAsTheLayerDoes) {
  ProcessResult run = run_in_container({}, {"/bin/sh", "-c", "stat -f -c '%c' /dev /dev/shm"});
  ASSERT_EQ(run.exit_code, 0) << run;
  std::istringstream figures(run.out);
  uint64_t dev_inodes = 0, shm_inodes = 0;
  figures >> dev_inodes >> shm_inodes;
  const uint64_t bound = (uint64_t{64} << 20) / 4096 + 1024;  // the layer's rule for 64 MiB
  EXPECT_GT(dev_inodes, 0u) << run;
  EXPECT_LE(dev_inodes, bound) << run;
  EXPECT_LE(shm_inodes, bound) << run;
}

// A layer filled by inodes (many small files) fails writes with ENOSPC, but isobench says
// nothing: it only looks at free blocks.
TEST_F(Adversary, ALayerFullOfInodesIsReportedToo) {
  ProcessResult run = run_in_container(
      {"--layer-size", "8m"}, {"/bin/sh", "-c", "i=0; while touch /tmp/f$i 2>/dev/null; do i=$((i+1)); done; exit 1"});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_NE(run.err.find("writable layer filled up"), std::string::npos) << run;
}



// The same through an O_PATH descriptor, which grants no access at all by itself: the
// runner accepts it (fstat says a regular file), and the container writes the host file.
TEST_F(Adversary, APreservedOPathDescriptorIsRefusedOrHarmless) {
  TemporaryDirectory dir;
  const std::string file = dir.path() + "/o-path";
  std::ofstream(file) << "original\n";
  ASSERT_EQ(chmod(file.c_str(), 0444), 0);
  int path_fd = open(file.c_str(), O_PATH);  // inherited by the shell: no O_CLOEXEC
  ASSERT_GE(path_fd, 0);
  ProcessResult run = isobench_shell("\"$ISOBENCH\" run --preserve-fds 1 -- /bin/sh -c "
                                      "'echo overwritten > /proc/self/fd/3 2>/dev/null; true' 3<&" +
                                      std::to_string(path_fd));
  close(path_fd);
  EXPECT_EQ(contents_of(file), "original\n") << run;
}

// --read-only makes only the image's top mount read-only: a mount inside the image directory
// (a careless caller's bind-mounted data directory) stays writable from the container.
TEST_F(Adversary, ReadOnlyCoversMountsInsideTheImage) {
  TemporaryDirectory dir;
  std::string rootfs = copy_image_into(dir);
  ASSERT_FALSE(rootfs.empty());
  const std::string data = rootfs + "/data";
  ASSERT_TRUE(fs::create_directories(data));
  ASSERT_EQ(mount("adversary-ro", data.c_str(), "tmpfs", 0, "size=1m"), 0) << std::strerror(errno);
  ProcessResult run = run_in_container(
      {"--read-only", "--rootfs", rootfs},
      {"/bin/sh", "-c", "if echo x > /data/f 2>/dev/null; then echo WROTE; else echo refused; fi"});
  const bool written = fs::exists(data + "/f");
  umount2(data.c_str(), MNT_DETACH);
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "refused\n") << run;
  EXPECT_FALSE(written);
}

// runc's list allows c 5:1 because runc puts a pty on /dev/console; isobench never does, so
// a node made with mknod reaches the host's own system console (ttyS0 here): the container
// writes on it and could read what is typed there.
TEST_F(Adversary, TheHostsConsoleCannotBeOpened) {
  const std::string probe =
      "mknod /tmp/console c 5 1 && if true <> /tmp/console 2>/dev/null; then echo OPENED; else echo denied; fi";
  ProcessResult v1 = run_in_container({}, {"/bin/sh", "-c", probe});
  EXPECT_EQ(v1.out, "denied\n") << v1;
  ProcessResult v2 = isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -- /bin/sh -c '" + probe + "'");
  EXPECT_EQ(v2.out, "denied\n") << v2;
}


// --share pid, --share mnt and --security none give the container a way to the host, by
// design (they exist to price one mechanism at a time, as Docker's --pid=host, -v /:/host and
// --privileged exist): what they promise is to say so, every time.
TEST_F(Adversary, OptionsThatGiveUpIsolationSaySoOnEveryRun) {
  ProcessResult pid = run_in_container({"--share", "pid"}, {"/bin/true"});
  EXPECT_EQ(pid.exit_code, 0) << pid;
  EXPECT_NE(pid.err.find("--share pid: the container sees and may signal the host's processes"), std::string::npos)
      << pid;
  ProcessResult mnt = run_in_container({"--share", "mnt"}, {"/bin/true"});
  EXPECT_EQ(mnt.exit_code, 0) << mnt;
  EXPECT_NE(mnt.err.find("--share mnt: the container works in the host's mount namespace"), std::string::npos) << mnt;
  ProcessResult none = run_in_container({"--security", "none"}, {"/bin/true"});
  EXPECT_EQ(none.exit_code, 0) << none;
  EXPECT_NE(none.err.find("as docker run --privileged"), std::string::npos) << none;
  ProcessResult plain = run_in_container({}, {"/bin/true"});
  EXPECT_EQ(plain.err, "") << plain;
}

// ---------------------------------------------------------------------------------------
// Attacks that were refused: these keep them refused.
// ---------------------------------------------------------------------------------------

/// Reports, for each device node in the image's /tmp, "NAME:opened" or "NAME:denied".
const char* kImageDeviceProbe =
    "for f in kmsg sda mem; do if true <> /tmp/$f 2>/dev/null; then echo $f:opened; else echo $f:denied; fi; done";

TEST_F(Adversary, DevicesShippedInTheImageStayClosedWithACgroup) {
  TemporaryDirectory dir;
  std::string rootfs = copy_image_into(dir);
  ASSERT_FALSE(rootfs.empty());
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);  // root of a user namespace must reach the image
  ASSERT_EQ(mknod((rootfs + "/tmp/kmsg").c_str(), S_IFCHR | 0666, makedev(1, 11)), 0);
  ASSERT_EQ(mknod((rootfs + "/tmp/sda").c_str(), S_IFBLK | 0666, makedev(8, 0)), 0);
  ASSERT_EQ(mknod((rootfs + "/tmp/mem").c_str(), S_IFCHR | 0666, makedev(1, 1)), 0);
  const std::string expected = "kmsg:denied\nsda:denied\nmem:denied\n";
  for (const std::vector<std::string>& options :
       {std::vector<std::string>{}, {"--read-only"}, {"--userns"}, {"--userns", "--no-cgroup"}}) {
    std::vector<std::string> all = options;
    all.insert(all.end(), {"--rootfs", rootfs});
    ProcessResult run = run_in_container(all, {"/bin/sh", "-c", kImageDeviceProbe});
    EXPECT_EQ(run.exit_code, 0) << run;
    EXPECT_EQ(run.out, expected) << testing::PrintToString(options) << "\n" << run;
  }
  ProcessResult v2 =
      isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run --rootfs " + rootfs + " -- /bin/sh -c '" + kImageDeviceProbe + "'");
  EXPECT_EQ(v2.out, expected) << v2;
}

/// mknod then open, in /dev (a tmpfs without nodev) and /tmp (the layer), of devices off
/// the list; prints one "name@dir:opened" per device that opened.
const char* kMoreDevicesProbe =
    "for spec in mem:c:1:1 port:c:1:4 sda:b:8:0 vda:b:254:0 tty0:c:4:0 ttyS0:c:4:64 tun:c:10:200 kvm:c:10:232 "
    "nvram:c:10:144 uinput:c:10:223; do IFS=:; set -- $spec; unset IFS;"
    "  for d in /dev /tmp; do mknod $d/x$1 $2 $3 $4 2>/dev/null && (true <> $d/x$1) 2>/dev/null && echo $1@$d:opened;"
    "  rm -f $d/x$1; done; done; echo end";

TEST_F(Adversary, DevicesOffTheListStayClosedOnV1AndV2) {
  ProcessResult v1 = run_in_container({}, {"/bin/sh", "-c", kMoreDevicesProbe});
  EXPECT_EQ(v1.out, "end\n") << v1;
  ProcessResult v2 = isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -- /bin/sh -c '" +
                                     std::string(kMoreDevicesProbe) + "'");
  EXPECT_EQ(v2.out, "end\n") << v2;
}

TEST_F(Adversary, DeviceNodesInDevShmMqueueAndPtsDoNotWork) {
  ProcessResult run = run_in_container(
      {}, {"/bin/sh", "-c",
           "mknod /dev/shm/null c 1 3 && if (true <> /dev/shm/null) 2>/dev/null; then echo shm:opened; else echo "
           "shm:denied; fi; mknod /dev/mqueue/null c 1 3 2>/dev/null && echo mqueue:created; mknod /dev/pts/null c 1 "
           "3 2>/dev/null && echo pts:created; echo end"});
  EXPECT_EQ(run.out, "shm:denied\nend\n") << run;
}

TEST_F(Adversary, MagicLinkWorkingDirectoriesAreRefused) {
  for (const char* dir : {"/proc/self/cwd", "/proc/1/cwd", "/proc/self/root", "/proc/1/root/..", "/dev/fd/3",
                          "/proc/self/root/proc/self/fd/3", "/dev/stdin"}) {
    ProcessResult run = isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -w " + std::string(dir) +
                                        " -- /bin/sh -c 'ls -a' 3</tmp");
    EXPECT_EQ(run.exit_code, 125) << dir << "\n" << run;
    EXPECT_NE(run.err.find("working directory"), std::string::npos) << dir << "\n" << run;
  }
}

TEST_F(Adversary, CommandsThroughDescriptorLinksFindNothingOfTheHost) {
  ProcessResult direct = isobench_shell("\"$ISOBENCH\" run --preserve-fds 1 -- /proc/self/fd/3 3</bin/true");
  EXPECT_EQ(direct.exit_code, 127) << direct;
  ProcessResult root = run_in_container({}, {"/proc/self/root/bin/true"});
  EXPECT_EQ(root.exit_code, 127) << root;
  // An image whose /bin/x leads through /proc/self/fd/7, and which ships a real
  // proc/self/fd/7/bin/x so that the host-side check passes; fd 7 is a host directory.
  TemporaryDirectory dir;
  std::string rootfs = copy_image_into(dir);
  ASSERT_FALSE(rootfs.empty());
  fs::create_directories(rootfs + "/proc/self/fd/7/bin");
  fs::copy_file(rootfs + "/bin/hello", rootfs + "/proc/self/fd/7/bin/x");
  fs::create_symlink("/proc/self/fd/7/bin/x", rootfs + "/bin/x");
  TemporaryDirectory host;
  fs::create_directories(host.path() + "/bin");
  fs::copy_file(rootfs + "/bin/noop", host.path() + "/bin/x");
  ProcessResult linked = isobench_shell("\"$ISOBENCH\" run --rootfs " + rootfs + " -- /bin/x 7<" + host.path());
  EXPECT_EQ(linked.exit_code, 127) << linked;
  ProcessResult linked_v2 =
      isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run --rootfs " + rootfs + " -- /bin/x 7<" + host.path());
  EXPECT_EQ(linked_v2.exit_code, 127) << linked_v2;
}

TEST_F(Adversary, OnlyStdioIsOpenInsideByDefault) {
  ProcessResult run = isobench_shell(
      "ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -- /bin/sh -c 'for n in $(seq 3 40); do [ -e /proc/self/fd/$n ] && "
      "echo open:$n; done; echo end' 3</ 4</etc/hostname 7</tmp 9<>/dev/null");
  EXPECT_EQ(run.out, "end\n") << run;
}

TEST_F(Adversary, HostnameClockAndKernelLogOfTheHostStayOutOfReach) {
  char before[256] = {};
  ASSERT_EQ(gethostname(before, sizeof before - 1), 0);
  ProcessResult run = run_in_container(
      {"--share", "uts"},
      {"/bin/sh", "-c",
       "hostname adversary 2>/dev/null && echo HOSTNAME-SET; date -s 2000-01-01 >/dev/null 2>&1; "
       "[ \"$(date +%Y)\" = 2000 ] && echo DATE-SET; "
       "dmesg >/dev/null 2>&1 && echo DMESG-READ; echo end"});
  EXPECT_EQ(run.out, "end\n") << run;
  char after[256] = {};
  ASSERT_EQ(gethostname(after, sizeof after - 1), 0);
  EXPECT_STREQ(before, after);
  EXPECT_GT(time(nullptr), 946684800 + 86400 * 365) << "the host's clock was set";
}

TEST_F(Adversary, MasksAndReadOnlyProcSysHoldThroughOtherPaths) {
  ProcessResult run = run_in_container(
      {}, {"/bin/sh", "-c",
           "head -c 1 /proc/1/root/proc/timer_list | wc -c; head -c 1 /proc/self/root/proc/keys | wc -c; "
           "(printf '' >> /proc/1/root/proc/sys/kernel/core_pattern) 2>/dev/null && echo SYSCTL-WRITABLE; "
           "(printf '' >> /proc/sys/kernel/core_pattern) 2>/dev/null && echo SYSCTL-WRITABLE; "
           "(printf '' >> /sys/kernel/uevent_helper) 2>/dev/null && echo SYS-WRITABLE; echo end"});
  EXPECT_EQ(run.out, "0\n0\nend\n") << run;
}

TEST_F(Adversary, HostCgroupsStayReadOnlyWithAUserNamespaceAndTheHostsNetwork) {
  // With --userns and --share net, /sys is the host's, bound read-only with its cgroup mounts.
  ProcessResult run = run_in_container(
      {"--userns", "--share", "net"},
      {"/bin/sh", "-c",
       "for f in /sys/fs/cgroup/memory/isobench/cgroup.procs /sys/fs/cgroup/pids/cgroup.procs "
       "/sys/fs/cgroup/unified/cgroup.procs; do [ -e $f ] && (printf '' >> $f) 2>/dev/null && echo WRITABLE:$f; "
       "done; mkdir /sys/fs/cgroup/memory/adversary 2>/dev/null && echo MKDIR; echo end"});
  EXPECT_EQ(run.out, "end\n") << run;
}

/// A copy of the built-in image in `dir` with `name` replaced: by a symlink to `link` when
/// `link` is not empty, else by a regular file. "" on failure.
std::string image_with(const TemporaryDirectory& dir, const std::string& name, const std::string& link) {
  std::string rootfs = copy_image_into(dir);
  if (rootfs.empty()) return {};
  std::error_code error;
  fs::remove_all(rootfs + "/" + name, error);
  if (link.empty())
    std::ofstream(rootfs + "/" + name) << "not a directory\n";
  else
    fs::create_symlink(link, rootfs + "/" + name, error);
  return error ? std::string() : rootfs;
}

TEST_F(Adversary, MountTargetsThatAreNotRealDirectoriesAreRefused) {
  struct Case {
    const char* name;
    const char* link;
    std::vector<std::string> options;
  };
  const Case cases[] = {
      {"proc", "", {}},                           // a file where a directory is expected
      {"dev", "/nonexistent", {}},                // a dangling symlink
      {"sys", "proc", {"--userns"}},              // a relative symlink, in a user namespace
      {"proc", "/proc", {"--read-only"}},         // an absolute symlink to the same name
      {"dev", "tmp", {"--userns", "--read-only"}},
  };
  for (const Case& c : cases) {
    TemporaryDirectory dir;
    std::string rootfs = image_with(dir, c.name, c.link);
    ASSERT_FALSE(rootfs.empty()) << c.name;
    std::vector<std::string> options = c.options;
    options.insert(options.end(), {"--rootfs", rootfs});
    ProcessResult run = run_in_container(options, {"/bin/sh", "-c", "head -c 1 /proc/timer_list | wc -c"});
    EXPECT_EQ(run.exit_code, 125) << c.name << " -> '" << c.link << "'\n" << run;
    EXPECT_EQ(run.out, "") << run;
  }
}

}  // namespace
}  // namespace isobench::integration
