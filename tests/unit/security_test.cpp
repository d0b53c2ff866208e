#include <gtest/gtest.h>
#include <linux/capability.h>

#include <algorithm>

#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"

using namespace isobench::runner;

TEST(Capabilities, DockerDefaultSetMatchesWhatDockerShowsAsCapEff) {
  EXPECT_EQ(capability_mask_hex(docker_default_capabilities()), "00000000a80425fb");
  EXPECT_FALSE(docker_default_capabilities() & (1ULL << CAP_SYS_ADMIN));
}

TEST(Capabilities, LastCapabilityIsReadFromTheKernel) {
  auto last = last_capability();
  ASSERT_TRUE(last) << last.error().text();
  EXPECT_GE(*last, CAP_AUDIT_READ);
}

TEST(Seccomp, DefaultDenyListCoversDockersBlockedSyscalls) {
  const auto& denied = default_denied_syscalls();
  for (const char* name : {"keyctl", "add_key", "kexec_load", "init_module", "open_by_handle_at", "mount", "umount2",
                           "swapon", "reboot", "bpf", "perf_event_open", "unshare", "setns"})
    EXPECT_NE(std::find(denied.begin(), denied.end(), name), denied.end()) << name;
}

TEST(Seccomp, DefaultProgramCompilesToClassicBpf) {
  auto program = build_default_seccomp_program();
  ASSERT_TRUE(program) << program.error().text();
  // An architecture check, one compare per denied syscall and the clone flag rules.
  EXPECT_GT(program->instructions.size(), default_denied_syscalls().size());
  EXPECT_LT(program->instructions.size(), 4096u);  // BPF_MAXINSNS
}

TEST(Seccomp, TheProgramEmbeddedAtBuildTimeIsTheOneLibseccompBuildsNow) {
  auto fresh = build_default_seccomp_program();
  ASSERT_TRUE(fresh) << fresh.error().text();
  const auto& embedded = default_seccomp_program().instructions;
  ASSERT_EQ(embedded.size(), fresh->instructions.size());
  for (size_t i = 0; i < embedded.size(); ++i) {
    EXPECT_EQ(embedded[i].code, fresh->instructions[i].code) << i;
    EXPECT_EQ(embedded[i].jt, fresh->instructions[i].jt) << i;
    EXPECT_EQ(embedded[i].jf, fresh->instructions[i].jf) << i;
    EXPECT_EQ(embedded[i].k, fresh->instructions[i].k) << i;
  }
}
