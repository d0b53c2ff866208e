// By default a container gets Docker's capability set, no_new_privs and Docker's default
// seccomp profile (EPERM for every syscall it does not allow, argument filters on
// personality, socket and clone, ENOSYS for clone3); --security none turns all three off.
#include <sstream>

#include "common/file_io.h"
#include "tests/fakes/docker_seccomp_profile.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

constexpr const char* kDockerDefaultCapabilities = "00000000a80425fb";

/// The test process's own effective capabilities, as /proc/self/status spells them.
std::string own_effective_capabilities() {
  auto status = read_file("/proc/self/status");
  if (!status) return {};
  std::istringstream lines(*status);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("CapEff:", 0) == 0) return trim(line.substr(7));
  return {};
}

/// What `inspect syscall NAME ARGS...` (a real call) reports inside a container started with OPTIONS.
Json probe_syscall(const std::vector<std::string>& options, const std::string& name,
                   const std::vector<std::string>& args = {}) {
  std::vector<std::string> command = {"inspect", "syscall", name};
  command.insert(command.end(), args.begin(), args.end());
  ProcessResult run = run_in_container(options, command);
  if (run.exit_code != 0) {
    ADD_FAILURE() << "inspect syscall " << name << " did not succeed\n" << run;
    return Json();
  }
  Json result = parse_json(run.out);
  if (!result.is_object()) ADD_FAILURE() << "inspect syscall printed no JSON object\n" << run;
  return result;
}

using Security = IsobenchTest;

TEST_F(Security, EffectiveCapabilitiesAreDockersDefault) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["cap_eff"], kDockerDefaultCapabilities);
}

TEST_F(Security, BoundingSetIsDockersDefault) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["cap_bnd"], kDockerDefaultCapabilities);
}

TEST_F(Security, NoNewPrivsIsSet) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["no_new_privs"], 1);
}

TEST_F(Security, SeccompFilterIsInstalled) {
  constexpr int kSeccompModeFilter = 2;
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["seccomp"], kSeccompModeFilter);
}

TEST_F(Security, HarmlessSyscallsAreAllowed) {
  Json getpid = probe_syscall({}, "getpid");
  ASSERT_TRUE(getpid.is_object());
  EXPECT_EQ(getpid["ret"], 1);
  EXPECT_EQ(getpid["errno"], 0);
}

TEST_F(Security, SecurityNoneKeepsTheRunnersCapabilities) {
  const std::string own = own_effective_capabilities();
  ASSERT_FALSE(own.empty());
  Json status = container_status({"--security", "none"});
  ASSERT_TRUE(status.is_object());
  EXPECT_NE(status["cap_eff"], kDockerDefaultCapabilities);
  EXPECT_EQ(status["cap_eff"], own);
}

TEST_F(Security, SecurityNoneInstallsNoSeccompFilterAndNoNoNewPrivs) {
  Json status = container_status({"--security", "none"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["seccomp"], 0);
  EXPECT_EQ(status["no_new_privs"], 0);
}

TEST_F(Security, SecurityNoneLetsKeyctlThrough) {
  Json keyctl = probe_syscall({"--security", "none"}, "keyctl");
  ASSERT_TRUE(keyctl.is_object());
  EXPECT_NE(keyctl["errno_name"], "EPERM") << keyctl;
}

/// Each of these system calls is refused with EPERM under the default profile: a real call,
/// with arguments that make it harmless even where it is allowed.
class DeniedSyscall : public IsobenchTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(DeniedSyscall, FailsWithEPERM) {
  Json result = probe_syscall({}, GetParam());
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result["syscall"], GetParam());
  EXPECT_EQ(result["mode"], "call");
  EXPECT_EQ(result["ret"], -1) << result;
  EXPECT_EQ(result["errno_name"], "EPERM") << result;
}

INSTANTIATE_TEST_SUITE_P(Security, DeniedSyscall,
                         ::testing::Values("keyctl", "add_key", "unshare", "mount", "umount2", "setns", "bpf",
                                           "perf_event_open", "reboot", "kexec_load", "init_module",
                                           "open_by_handle_at", "swapon", "io_uring_setup", "io_uring_enter",
                                           "io_uring_register"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

/// What `inspect syscall --dry NAME ARGS...` reports: the container's filter answers, the
/// kernel never runs the call (ENOSYS: the filter let it through).
Json dry_call(const std::vector<std::string>& options, const std::string& name,
              const std::vector<std::string>& args = {}) {
  std::vector<std::string> command = {"inspect", "syscall", "--dry", name};
  command.insert(command.end(), args.begin(), args.end());
  ProcessResult run = run_in_container(options, command);
  if (run.exit_code != 0) {
    ADD_FAILURE() << "inspect syscall --dry " << name << " did not succeed\n" << run;
    return Json();
  }
  Json result = parse_json(run.out);
  if (!result.is_object()) ADD_FAILURE() << "inspect syscall printed no JSON object\n" << run;
  return result;
}

/// Every syscall Docker's current default profile refuses on x86_64 to a container with
/// Docker's default capabilities (moby/profiles seccomp/default_linux.go): the
/// specification, written out here rather than taken from the implementation. Not uprobe
/// nor uretprobe: this kernel runs those two without consulting any seccomp filter.
std::vector<std::string> refused_in_a_container() {
  std::vector<std::string> names = isobench::testing::docker_refused_syscalls();
  std::erase_if(names, [](const std::string& name) { return name == "uprobe" || name == "uretprobe"; });
  return names;
}

class RefusedSyscall : public IsobenchTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(RefusedSyscall, AnswersEPERMInsideTheContainer) {
  Json result = dry_call({}, GetParam());
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result["syscall"], GetParam());
  EXPECT_EQ(result["mode"], "dry");
  EXPECT_EQ(result["errno_name"], "EPERM") << result;
}

INSTANTIATE_TEST_SUITE_P(Security, RefusedSyscall, ::testing::ValuesIn(refused_in_a_container()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST_F(Security, DockerAllowedSyscallsAreLetThrough) {
  // One container asks about many, through the image's shell; each must be let through
  // (the dry call's ENOSYS), the newest included (statmount, mseal: kernel 6.8, 6.10).
  const std::vector<std::string> allowed = {
      "read",          "write",     "openat",    "getppid",    "execve", "mmap",       "futex",
      "rseq",          "chroot",    "mknod",     "arch_prctl", "prctl",  "seccomp",    "name_to_handle_at",
      "clock_adjtime", "fchmodat2", "statmount", "listmount",  "mseal",  "getxattrat", "landlock_create_ruleset",
      "memfd_secret",  "pidfd_open"};
  std::string script;
  for (const std::string& name : allowed) script += "inspect syscall --dry " + name + " || exit 1; ";
  ProcessResult run = run_in_container({}, {"sh", "-c", script});
  ASSERT_EQ(run.exit_code, 0) << run;
  std::istringstream lines(run.out);
  size_t seen = 0;
  for (std::string line; std::getline(lines, line); ++seen) {
    Json result = parse_json(line);
    ASSERT_TRUE(result.is_object()) << line;
    EXPECT_EQ(result["errno_name"], "ENOSYS") << result;
  }
  EXPECT_EQ(seen, allowed.size()) << run;
}

/// personality(2) with a value Docker allows is made for real and succeeds: it returns the
/// previous personality (0, PER_LINUX, in a fresh container).
class AllowedPersonality : public IsobenchTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(AllowedPersonality, Succeeds) {
  Json result = probe_syscall({}, "personality", {GetParam()});
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result["mode"], "call");
  EXPECT_EQ(result["errno"], 0) << result;
  EXPECT_EQ(result["ret"], 0) << result;
}

INSTANTIATE_TEST_SUITE_P(Security, AllowedPersonality,
                         ::testing::Values("0", "0x0008", "0x20000", "0x20008", "0xffffffff"));

/// Any other value is refused: READ_IMPLIES_EXEC makes every readable mapping executable,
/// ADDR_NO_RANDOMIZE turns ASLR off, ADDR_COMPAT_LAYOUT and PER_BSD change the memory layout.
class RefusedPersonality : public IsobenchTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RefusedPersonality, FailsWithEPERM) {
  Json result = probe_syscall({}, "personality", {GetParam()});
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result["ret"], -1) << result;
  EXPECT_EQ(result["errno_name"], "EPERM") << result;
}

INSTANTIATE_TEST_SUITE_P(Security, RefusedPersonality,
                         ::testing::Values("0x0400000", "0x0040000", "0x0200000", "0x0006", "0x100000000"));

TEST_F(Security, SocketFamiliesDockerRefusesAreRefused) {
  // AF_VSOCK (host/guest sockets, not namespaced), AF_ALG, AF_DECnet, past AF_MAX, and
  // AF_INET with bits above 31 (which the kernel would ignore).
  for (const char* family : {"40", "38", "12", "46", "0x100000002"}) {
    Json result = dry_call({}, "socket", {family, "1"});
    ASSERT_TRUE(result.is_object());
    EXPECT_EQ(result["errno_name"], "EPERM") << "family " << family << ": " << result;
  }
}

TEST_F(Security, SocketFamiliesDockerAllowsAreLetThrough) {
  // AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET.
  for (const char* family : {"1", "2", "10", "16", "17"}) {
    Json result = dry_call({}, "socket", {family, "1"});
    ASSERT_TRUE(result.is_object());
    EXPECT_EQ(result["errno_name"], "ENOSYS") << "family " << family << ": " << result;
  }
}

TEST_F(Security, CloneWithANamespaceFlagIsRefused) {
  // CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, each with SIGCHLD.
  for (const char* flags :
       {"0x00020011", "0x02000011", "0x04000011", "0x08000011", "0x10000011", "0x20000011", "0x40000011"}) {
    Json result = dry_call({}, "clone", {flags});
    ASSERT_TRUE(result.is_object());
    EXPECT_EQ(result["errno_name"], "EPERM") << "flags " << flags << ": " << result;
  }
  Json fork_like = dry_call({}, "clone", {"0x11"});
  ASSERT_TRUE(fork_like.is_object());
  EXPECT_EQ(fork_like["errno_name"], "ENOSYS") << fork_like;
}

TEST_F(Security, Clone3AnswersENOSYSSoThatLibcFallsBackToClone) {
  Json filtered = probe_syscall({}, "clone3");
  ASSERT_TRUE(filtered.is_object());
  EXPECT_EQ(filtered["errno_name"], "ENOSYS") << filtered;
  // Without the filter the same call reaches the kernel, which refuses its size.
  Json unfiltered = probe_syscall({"--security", "none"}, "clone3");
  ASSERT_TRUE(unfiltered.is_object());
  EXPECT_EQ(unfiltered["errno_name"], "EINVAL") << unfiltered;
}

TEST_F(Security, SecurityNoneLetsIoUringAndAnyPersonalityThrough) {
  // The probes tell the filter apart from the kernel: without it, the same calls get past.
  Json uring = probe_syscall({"--security", "none"}, "io_uring_setup");
  ASSERT_TRUE(uring.is_object());
  EXPECT_EQ(uring["errno_name"], "EFAULT") << uring;
  Json persona = probe_syscall({"--security", "none"}, "personality", {"0x0400000"});
  ASSERT_TRUE(persona.is_object());
  EXPECT_EQ(persona["errno"], 0) << persona;
  Json vsock = dry_call({"--security", "none"}, "socket", {"40", "1"});
  ASSERT_TRUE(vsock.is_object());
  EXPECT_EQ(vsock["errno_name"], "ENOSYS") << vsock;
}

}  // namespace
}  // namespace isobench::integration
