#include "runner/security/device_filter.h"

#include <bpf/bpf.h>

namespace isobench::runner {

const std::vector<DeviceRule>& default_device_rules() {
  using A = DeviceRule::Access;
  static const std::vector<DeviceRule> rules = {
      {'c', -1, -1, A::kMknod},  // creating any node is fine: opening it is what the list guards
      {'b', -1, -1, A::kMknod},
      {'c', 1, 3, A::kAll},     // null
      {'c', 1, 8, A::kAll},     // random
      {'c', 1, 7, A::kAll},     // full
      {'c', 5, 0, A::kAll},     // tty
      {'c', 1, 5, A::kAll},     // zero
      {'c', 1, 9, A::kAll},     // urandom
      {'c', 136, -1, A::kAll},  // pts/*
      {'c', 5, 2, A::kAll},     // ptmx
      {'c', 10, 229, A::kAll},  // fuse
  };
  return rules;
}

std::string device_rule_text(const DeviceRule& rule) {
  auto number = [](int64_t value) { return value < 0 ? std::string("*") : std::to_string(value); };
  std::string text(1, rule.type);
  if (rule.type != 'a') text += " " + number(rule.major) + ":" + number(rule.minor);
  text += ' ';
  if (rule.access & DeviceRule::kRead) text += 'r';
  if (rule.access & DeviceRule::kWrite) text += 'w';
  if (rule.access & DeviceRule::kMknod) text += 'm';
  return text;
}

namespace {

// The instructions, spelled out: the kernel headers have no C macros for them in userspace.
bpf_insn alu_imm(uint8_t op, uint8_t dst, int32_t imm) {
  return {static_cast<uint8_t>(BPF_ALU | op | BPF_K), dst, 0, 0, imm};
}
bpf_insn mov_reg(uint8_t dst, uint8_t src) {
  return {static_cast<uint8_t>(BPF_ALU | BPF_MOV | BPF_X), dst, src, 0, 0};
}
bpf_insn load_word(uint8_t dst, uint8_t src, int16_t offset) {
  return {static_cast<uint8_t>(BPF_LDX | BPF_W | BPF_MEM), dst, src, offset, 0};
}
bpf_insn jump_if_not_equal(uint8_t dst, int32_t imm, int16_t offset) {
  return {static_cast<uint8_t>(BPF_JMP | BPF_JNE | BPF_K), dst, 0, offset, imm};
}
bpf_insn mov64_imm(uint8_t dst, int32_t imm) {
  return {static_cast<uint8_t>(BPF_ALU64 | BPF_MOV | BPF_K), dst, 0, 0, imm};
}
bpf_insn exit_insn() {
  return {static_cast<uint8_t>(BPF_JMP | BPF_EXIT), 0, 0, 0, 0};
}

constexpr uint8_t kType = BPF_REG_2, kAccess = BPF_REG_3, kMajor = BPF_REG_4, kMinor = BPF_REG_5;

}  // namespace

std::vector<bpf_insn> compile_device_program(const std::vector<DeviceRule>& rules) {
  // struct bpf_cgroup_dev_ctx { u32 access_type; /* access << 16 | type */ u32 major; u32 minor; }
  std::vector<bpf_insn> program = {
      load_word(kType, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, access_type)),
      alu_imm(BPF_AND, kType, 0xffff),
      load_word(kAccess, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, access_type)),
      alu_imm(BPF_RSH, kAccess, 16),
      load_word(kMajor, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, major)),
      load_word(kMinor, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, minor)),
  };
  // One block per rule: each test jumps past the rest of the block when it does not match;
  // a block that runs to its end allows the access.
  for (const DeviceRule& rule : rules) {
    std::vector<bpf_insn> block;
    std::vector<size_t> skips;  // jumps to patch with the distance to the block's end
    if (rule.type != 'a') {
      skips.push_back(block.size());
      block.push_back(jump_if_not_equal(kType, rule.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
    }
    if ((rule.access & DeviceRule::kAll) != DeviceRule::kAll) {
      // Every requested access must be in the rule: (access & ~allowed) == 0.
      block.push_back(mov_reg(BPF_REG_1, kAccess));
      block.push_back(alu_imm(BPF_AND, BPF_REG_1, static_cast<int32_t>(~rule.access & DeviceRule::kAll)));
      skips.push_back(block.size());
      block.push_back(jump_if_not_equal(BPF_REG_1, 0, 0));
    }
    if (rule.major >= 0) {
      skips.push_back(block.size());
      block.push_back(jump_if_not_equal(kMajor, static_cast<int32_t>(rule.major), 0));
    }
    if (rule.minor >= 0) {
      skips.push_back(block.size());
      block.push_back(jump_if_not_equal(kMinor, static_cast<int32_t>(rule.minor), 0));
    }
    block.push_back(mov64_imm(BPF_REG_0, 1));
    block.push_back(exit_insn());
    for (size_t at : skips) block[at].off = static_cast<int16_t>(block.size() - at - 1);
    program.insert(program.end(), block.begin(), block.end());
  }
  program.push_back(mov64_imm(BPF_REG_0, 0));
  program.push_back(exit_insn());
  return program;
}

Result<UniqueFd> attach_device_program(const std::vector<bpf_insn>& program, int cgroup_dir_fd) {
  // libbpf 1.x returns -errno.
  int fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, "isobench_dev", "GPL", program.data(), program.size(), nullptr);
  if (fd < 0) return Error{-fd, "cannot load the cgroup device program"};
  UniqueFd prog(fd);
  // ALLOW_MULTI: programs of the cgroups above (a host's own policy) still run too.
  if (int rc = bpf_prog_attach(prog.get(), cgroup_dir_fd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI); rc != 0)
    return Error{-rc, "cannot attach the device program to the container's cgroup"};
  return prog;
}

}  // namespace isobench::runner
