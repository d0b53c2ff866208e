#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"
#include "tests/fakes/docker_seccomp_profile.h"

using namespace isobench::runner;

namespace {

constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kKillProcess = SECCOMP_RET_KILL_PROCESS;
constexpr uint32_t kX32SyscallBit = 0x40000000;

/// What the kernel's classic BPF interpreter answers for one syscall: the seccomp subset of
/// BPF that libseccomp emits (loads from seccomp_data, ALU on A, jumps, returns). nullopt for
/// an instruction outside that subset or a load outside seccomp_data, so the test says so.
std::optional<uint32_t> simulate(const std::vector<sock_filter>& program, const seccomp_data& data) {
  std::array<uint32_t, sizeof(seccomp_data) / 4> words{};
  std::memcpy(words.data(), &data, sizeof data);
  std::array<uint32_t, BPF_MEMWORDS> memory{};
  uint32_t a = 0, x = 0;
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& insn = program[pc];
    const uint32_t k = insn.k;
    switch (insn.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k % 4 != 0 || k / 4 >= words.size()) return std::nullopt;
        a = words[k / 4];
        break;
      case BPF_LD | BPF_IMM: a = k; break;
      case BPF_LDX | BPF_IMM: x = k; break;
      case BPF_LD | BPF_MEM: a = memory.at(k); break;
      case BPF_LDX | BPF_MEM: x = memory.at(k); break;
      case BPF_ST: memory.at(k) = a; break;
      case BPF_STX: memory.at(k) = x; break;
      case BPF_ALU | BPF_AND | BPF_K: a &= k; break;
      case BPF_ALU | BPF_OR | BPF_K: a |= k; break;
      case BPF_MISC | BPF_TAX: x = a; break;
      case BPF_MISC | BPF_TXA: a = x; break;
      case BPF_JMP | BPF_JA: pc += k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? insn.jt : insn.jf; break;
      case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? insn.jt : insn.jf; break;
      case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? insn.jt : insn.jf; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) != 0 ? insn.jt : insn.jf; break;
      case BPF_RET | BPF_K: return k;
      case BPF_RET | BPF_A: return a;
      default: return std::nullopt;
    }
  }
  return std::nullopt;  // fell off the end: the kernel's verifier would refuse the program
}

seccomp_data call(int nr, std::initializer_list<uint64_t> args = {}, uint32_t arch = AUDIT_ARCH_X86_64) {
  seccomp_data data{};
  data.nr = nr;
  data.arch = arch;
  size_t i = 0;
  for (uint64_t arg : args) data.args[i++] = arg;
  return data;
}

const std::vector<sock_filter>& program() {
  return default_seccomp_program().instructions;
}

/// The default filter's answer to syscall NAME with `args`, by simulation.
std::optional<uint32_t> answer(const std::string& name, std::initializer_list<uint64_t> args = {}) {
  const int nr = syscall_number(name);
  if (nr < 0) return std::nullopt;
  return simulate(program(), call(nr, args));
}

/// The errno the kernel answers with the default filter installed, for syscall `nr` with
/// `args`, without running the syscall: a forked child installs the filter, then one more
/// that answers SECCOMP_RET_TRACE for `nr`. The kernel keeps the strictest answer, so an
/// ERRNO of the default filter wins, and a call it allows gets ENOSYS (no tracer) unexecuted.
/// The child exits with the errno; -SIG if a signal killed it. `i386`: the call goes through
/// int 0x80 instead, made for real (harmless calls only). `filtered`: false leaves the default
/// filter out, to see what the kernel alone answers.
int kernel_errno(int nr, std::array<uint64_t, 6> args = {}, bool i386 = false, bool filtered = true) {
  pid_t pid = fork();
  if (pid == 0) {
    sock_filter trace[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog trace_program{std::size(trace), trace};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(250);
    if (filtered && install_seccomp_program(default_seccomp_program()) != 0) _exit(251);
    long ret = 0;
    if (i386) {
      // The 32-bit entry point: the same process, another architecture for seccomp. Only for
      // harmless calls: no dry-call filter here.
      asm volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
      _exit(ret < 0 ? static_cast<int>(-ret) : 0);
    }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &trace_program) != 0) _exit(252);
    ret = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    _exit(ret == -1 ? errno : 0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1000;
  return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

const std::vector<std::string>& kDockerRefused = isobench::testing::docker_refused_syscalls();

// A few Docker allows, including ones newer than the libseccomp this is built with.
const std::vector<std::string> kDockerAllowedSample = {"read",
                                                       "write",
                                                       "getppid",
                                                       "execve",
                                                       "exit_group",
                                                       "mmap",
                                                       "futex",
                                                       "arch_prctl",
                                                       "chroot",
                                                       "mknod",
                                                       "statmount",
                                                       "listmount",
                                                       "mseal",
                                                       "fchmodat2",
                                                       "seccomp",
                                                       "prctl",
                                                       "name_to_handle_at",
                                                       "clock_adjtime",
                                                       "landlock_create_ruleset",
                                                       "uretprobe"};

}  // namespace

TEST(Capabilities, DockerDefaultSetMatchesWhatDockerShowsAsCapEff) {
  EXPECT_EQ(capability_mask_hex(docker_default_capabilities()), "00000000a80425fb");
  EXPECT_FALSE(docker_default_capabilities() & (1ULL << CAP_SYS_ADMIN));
}

TEST(Capabilities, LastCapabilityIsReadFromTheKernel) {
  auto last = last_capability();
  ASSERT_TRUE(last) << last.error().text();
  EXPECT_GE(*last, CAP_AUDIT_READ);
}

TEST(Seccomp, KnowsTheNumbersOfSyscallsNewerThanLibseccomp) {
  EXPECT_EQ(syscall_number("getppid"), SYS_getppid);
  EXPECT_EQ(syscall_number("io_uring_setup"), 425);
  EXPECT_EQ(syscall_number("statmount"), 457);
  EXPECT_EQ(syscall_number("mseal"), 462);
  EXPECT_EQ(syscall_number("file_setattr"), 469);
  EXPECT_EQ(syscall_number("uretprobe"), 335);
  EXPECT_EQ(syscall_number("chown32"), -1);  // i386 only
  EXPECT_EQ(syscall_number("no_such_syscall"), -1);
}

TEST(Seccomp, TheDeniedListNamesEverySyscallDockerRefuses) {
  const std::vector<std::string> denied = default_denied_syscalls();
  for (const std::string& name : kDockerRefused)
    EXPECT_NE(std::find(denied.begin(), denied.end(), name), denied.end()) << name;
  for (const char* allowed : {"read", "getppid", "personality", "socket", "clone", "clone3", "chroot"})
    EXPECT_EQ(std::find(denied.begin(), denied.end(), allowed), denied.end()) << allowed;
}

TEST(Seccomp, TheProgramRefusesEverySyscallDockerRefusesWithEPERM) {
  for (const std::string& name : kDockerRefused) {
    ASSERT_GE(syscall_number(name), 0) << name;
    EXPECT_EQ(answer(name), kEperm) << name;
    EXPECT_EQ(answer(name, {~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL}), kEperm) << name;
  }
}

TEST(Seccomp, TheProgramRefusesEveryNameInTheDeniedList) {
  for (const std::string& name : default_denied_syscalls()) EXPECT_EQ(answer(name), kEperm) << name;
}

TEST(Seccomp, TheProgramAllowsWhatDockerAllows) {
  for (const std::string& name : kDockerAllowedSample) EXPECT_EQ(answer(name), kAllow) << name;
}

TEST(Seccomp, SyscallsNoTableKnowsAreRefused) {
  // An allow list: whatever the kernel adds after this list was written stays refused.
  for (int nr = 471; nr < 1024; ++nr) EXPECT_EQ(simulate(program(), call(nr)), kEperm) << nr;
  EXPECT_EQ(simulate(program(), call(387)), kEperm);  // a hole in the x86_64 table
}

TEST(Seccomp, PersonalityOnlyWithTheValuesDockerAllows) {
  for (uint64_t persona : {0x0ULL, 0x8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL})
    EXPECT_EQ(answer("personality", {persona}), kAllow) << std::hex << persona;
  // READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE, ADDR_COMPAT_LAYOUT, PER_BSD, and values that differ
  // from allowed ones only above bit 31 (the kernel reads 32 bits; the filter compares 64).
  for (uint64_t persona : {0x0400000ULL, 0x0040000ULL, 0x0200000ULL, 0x6ULL, 0x1ULL, 0x100000000ULL, 0x100000008ULL,
                           0xffffffffffffffffULL})
    EXPECT_EQ(answer("personality", {persona}), kEperm) << std::hex << persona;
}

TEST(Seccomp, SocketOnlyForTheFamiliesDockerAllows) {
  for (uint64_t family : {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, AF_KEY, AF_CAN, AF_XDP, AF_MCTP})
    EXPECT_EQ(answer("socket", {family, SOCK_STREAM}), kAllow) << family;
  // AF_DECnet (12), AF_ECONET, AF_ATMSVC, AF_IRDA, AF_WANPIPE, AF_ISDN, AF_CAIF, AF_ALG, AF_VSOCK,
  // past AF_MAX, and AF_INET with garbage above bit 31.
  for (uint64_t family :
       {12ULL, 19ULL, 20ULL, 23ULL, 25ULL, 34ULL, 37ULL, 38ULL, 40ULL, 46ULL, 1000ULL, 0x100000002ULL, 0x100000028ULL})
    EXPECT_EQ(answer("socket", {family, SOCK_STREAM}), kEperm) << family;
}

TEST(Seccomp, CloneWithANamespaceFlagIsRefused) {
  for (uint64_t flag :
       {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP})
    EXPECT_EQ(answer("clone", {flag | SIGCHLD}), kEperm) << std::hex << flag;
  EXPECT_EQ(answer("clone", {SIGCHLD}), kAllow);
  EXPECT_EQ(answer("clone", {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                             CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID}),
            kAllow);
}

TEST(Seccomp, Clone3AnswersENOSYSSoThatLibcFallsBackToClone) {
  EXPECT_EQ(answer("clone3"), kEnosys);
}

TEST(Seccomp, ForeignArchitecturesKillTheProcess) {
  EXPECT_EQ(simulate(program(), call(20, {}, AUDIT_ARCH_I386)), kKillProcess);                // i386 getpid
  EXPECT_EQ(simulate(program(), call(static_cast<int>(kX32SyscallBit | 39))), kKillProcess);  // x32 getpid
}

TEST(Seccomp, TheKernelAnswersAsTheSimulation) {
  // No root needed: no_new_privs allows the filter in a child that only makes dry calls.
  EXPECT_EQ(kernel_errno(syscall_number("io_uring_setup")), EPERM);
  EXPECT_EQ(kernel_errno(syscall_number("open_tree_attr")), EPERM);
  EXPECT_EQ(kernel_errno(syscall_number("ptrace")), EPERM);
  EXPECT_EQ(kernel_errno(SYS_personality, {0x0400000}), EPERM);
  EXPECT_EQ(kernel_errno(SYS_socket, {40, SOCK_STREAM}), EPERM);  // AF_VSOCK
  EXPECT_EQ(kernel_errno(SYS_clone, {CLONE_NEWUSER | SIGCHLD}), EPERM);
  EXPECT_EQ(kernel_errno(syscall_number("clone3")), ENOSYS);  // the filter's own ENOSYS
  // Let through, so the dry call's ENOSYS.
  EXPECT_EQ(kernel_errno(SYS_getppid), ENOSYS);
  EXPECT_EQ(kernel_errno(SYS_personality, {0xffffffff}), ENOSYS);
  EXPECT_EQ(kernel_errno(SYS_socket, {AF_INET, SOCK_STREAM}), ENOSYS);
  EXPECT_EQ(kernel_errno(syscall_number("statmount")), ENOSYS);
  EXPECT_EQ(kernel_errno(1000), EPERM);
}

TEST(Seccomp, AnI386SyscallKillsTheProcessWithSIGSYS) {
  // getpid through int 0x80: the same process, the i386 architecture for seccomp.
  constexpr int kI386Getpid = 20;
  if (kernel_errno(kI386Getpid, {}, /*i386=*/true, /*filtered=*/false) != 0)
    GTEST_SKIP() << "this kernel runs no i386 syscalls (no IA32 emulation)";
  EXPECT_EQ(kernel_errno(kI386Getpid, {}, /*i386=*/true), -SIGSYS);
}

TEST(Seccomp, DefaultProgramCompilesToClassicBpf) {
  auto program = build_default_seccomp_program();
  ASSERT_TRUE(program) << program.error().text();
  EXPECT_GT(program->instructions.size(), 100u);
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
