// By default a container gets Docker's capability set, no_new_privs and a seccomp filter
// that answers EPERM to the dangerous system calls; --security none turns all three off.
#include <sstream>

#include "common/file_io.h"
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

/// What `inspect syscall NAME` reports inside a container started with OPTIONS.
Json probe_syscall(const std::vector<std::string>& options, const std::string& name) {
  ProcessResult run = run_in_container(options, {"inspect", "syscall", name});
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

/// Each of these system calls is refused with EPERM under the default profile.
class DeniedSyscall : public IsobenchTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(DeniedSyscall, FailsWithEPERM) {
  Json result = probe_syscall({}, GetParam());
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result["syscall"], GetParam());
  EXPECT_EQ(result["ret"], -1) << result;
  EXPECT_EQ(result["errno_name"], "EPERM") << result;
}

INSTANTIATE_TEST_SUITE_P(Security, DeniedSyscall,
                         ::testing::Values("keyctl", "add_key", "unshare", "mount", "umount2", "setns", "bpf",
                                           "perf_event_open", "reboot", "kexec_load", "init_module",
                                           "open_by_handle_at", "swapon"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

}  // namespace
}  // namespace isobench::integration
