// The default device allow-list, its v1 spelling, and the cgroup v2 program compiled from it,
// run here by a small interpreter of the instructions the compiler emits.
#include "runner/security/device_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

using namespace isobench::runner;

namespace {

/// The list's meaning, written independently of the compiler: some rule covers the access.
bool allowed_by_rules(const std::vector<DeviceRule>& rules, char type, uint32_t major, uint32_t minor,
                      uint32_t access) {
  return std::any_of(rules.begin(), rules.end(), [&](const DeviceRule& rule) {
    return (rule.type == 'a' || rule.type == type) && (rule.major < 0 || rule.major == major) &&
           (rule.minor < 0 || rule.minor == minor) && (access & ~rule.access) == 0;
  });
}

/// Executes the subset of eBPF that compile_device_program emits over one bpf_cgroup_dev_ctx.
/// Fails the test on anything else, or on a jump out of the program.
int64_t run_program(const std::vector<bpf_insn>& program, char type, uint32_t major, uint32_t minor, uint32_t access) {
  bpf_cgroup_dev_ctx ctx{};
  ctx.access_type = (access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  ctx.major = major;
  ctx.minor = minor;
  uint64_t reg[11] = {};
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const bpf_insn& insn = program[pc];
    switch (insn.code) {
      case BPF_LDX | BPF_W | BPF_MEM: {
        EXPECT_EQ(insn.src_reg, BPF_REG_1);
        uint32_t word;
        std::memcpy(&word, reinterpret_cast<const char*>(&ctx) + insn.off, sizeof word);
        reg[insn.dst_reg] = word;
        break;
      }
      case BPF_ALU | BPF_AND | BPF_K: reg[insn.dst_reg] = uint32_t(reg[insn.dst_reg] & uint32_t(insn.imm)); break;
      case BPF_ALU | BPF_RSH | BPF_K: reg[insn.dst_reg] = uint32_t(reg[insn.dst_reg]) >> insn.imm; break;
      case BPF_ALU | BPF_MOV | BPF_X: reg[insn.dst_reg] = uint32_t(reg[insn.src_reg]); break;
      case BPF_ALU64 | BPF_MOV | BPF_K: reg[insn.dst_reg] = uint64_t(int64_t(insn.imm)); break;
      case BPF_JMP | BPF_JNE | BPF_K:
        if (reg[insn.dst_reg] != uint64_t(int64_t(insn.imm))) pc += insn.off;
        break;
      case BPF_JMP | BPF_EXIT: return int64_t(reg[0]);
      default: ADD_FAILURE() << "unexpected instruction " << int(insn.code); return -1;
    }
  }
  ADD_FAILURE() << "the program ran off its end";
  return -1;
}

}  // namespace

TEST(DeviceFilter, DefaultListAllowsTheUsualDevicesAndNothingElse) {
  const auto& rules = default_device_rules();
  using A = DeviceRule::Access;
  EXPECT_TRUE(allowed_by_rules(rules, 'c', 1, 3, A::kRead | A::kWrite));    // /dev/null
  EXPECT_TRUE(allowed_by_rules(rules, 'c', 136, 7, A::kRead | A::kWrite));  // a pts
  EXPECT_FALSE(allowed_by_rules(rules, 'c', 1, 11, A::kWrite));             // /dev/kmsg
  EXPECT_FALSE(allowed_by_rules(rules, 'b', 253, 0, A::kRead));             // a host disk
  EXPECT_FALSE(allowed_by_rules(rules, 'c', 10, 237, A::kRead | A::kWrite));  // loop-control
  EXPECT_TRUE(allowed_by_rules(rules, 'b', 253, 0, A::kMknod));             // creating is fine
}

TEST(DeviceFilter, V1SpellingMatchesTheDevicesController) {
  EXPECT_EQ(device_rule_text({'c', 1, 3, DeviceRule::kAll}), "c 1:3 rwm");
  EXPECT_EQ(device_rule_text({'b', -1, -1, DeviceRule::kMknod}), "b *:* m");
  EXPECT_EQ(device_rule_text({'c', 136, -1, DeviceRule::kAll}), "c 136:* rwm");
  EXPECT_EQ(device_rule_text({'a', -1, -1, DeviceRule::kAll}), "a rwm");
}

TEST(DeviceFilter, CompiledProgramDecidesExactlyAsTheList) {
  const auto& rules = default_device_rules();
  const auto program = compile_device_program(rules);
  for (char type : {'c', 'b'})
    for (uint32_t major : {0u, 1u, 5u, 10u, 136u, 253u})
      for (uint32_t minor : {0u, 1u, 2u, 3u, 5u, 7u, 8u, 9u, 11u, 200u, 229u, 237u})
        for (uint32_t access = 1; access <= 7; ++access)
          EXPECT_EQ(run_program(program, type, major, minor, access) == 1,
                    allowed_by_rules(rules, type, major, minor, access))
              << type << " " << major << ":" << minor << " access " << access;
}

TEST(DeviceFilter, AnEmptyListDeniesEverything) {
  const auto program = compile_device_program({});
  EXPECT_EQ(run_program(program, 'c', 1, 3, DeviceRule::kRead), 0);
}
