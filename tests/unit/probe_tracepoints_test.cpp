// The one list of tracepoints per probe, and how a program's ELF section names its tracepoint
// (the choose-programs phase turns programs off by it).
#include "probes/probe_tracepoints.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace isobench::probes {
namespace {

const std::vector<std::string> kLifecycle = probe_tracepoints(ProbeKind::kLifecycle).all();

TEST(ProbeTracepoints, ATracepointSectionNamesItsCategoryAndName) {
  EXPECT_EQ(tracepoint_of_section("tp/sched/sched_process_fork", kLifecycle), "sched/sched_process_fork");
  EXPECT_EQ(tracepoint_of_section("tracepoint/sched/sched_process_exit", kLifecycle), "sched/sched_process_exit");
}

TEST(ProbeTracepoints, ARawTracepointSectionNamesItByNameAlone) {
  EXPECT_EQ(tracepoint_of_section("raw_tp/sys_enter", kLifecycle), "raw_syscalls/sys_enter");
  EXPECT_EQ(tracepoint_of_section("raw_tracepoint/sys_exit", kLifecycle), "raw_syscalls/sys_exit");
  EXPECT_EQ(tracepoint_of_section("tp_btf/sched_process_free", kLifecycle), "sched/sched_process_free");
}

TEST(ProbeTracepoints, ASectionOutsideTheListOrOfAnotherKindHasNoTracepoint) {
  EXPECT_EQ(tracepoint_of_section("tp/sched/sched_switch", kLifecycle), std::nullopt);
  EXPECT_EQ(tracepoint_of_section("raw_tp/sched_switch", kLifecycle), std::nullopt);
  EXPECT_EQ(tracepoint_of_section("kprobe/do_exit", kLifecycle), std::nullopt);
  EXPECT_EQ(tracepoint_of_section(".maps", kLifecycle), std::nullopt);
}

TEST(ProbeTracepoints, OnlyTheLifecycleProbeHasOptionalTracepoints) {
  ProbeTracepoints lifecycle = probe_tracepoints(ProbeKind::kLifecycle);
  EXPECT_EQ(lifecycle.optional, (std::vector<std::string>{"raw_syscalls/sys_enter", "raw_syscalls/sys_exit"}));
  EXPECT_EQ(lifecycle.without_optional, "no syscall durations");
  for (ProbeKind kind : {ProbeKind::kCpu, ProbeKind::kSyscalls, ProbeKind::kMemory, ProbeKind::kKvm})
    EXPECT_TRUE(probe_tracepoints(kind).optional.empty()) << probe_name(kind);
}

/// The program file of probe `kind`, probes/bpf/<file>.bpf.c, found from this test's source.
std::string bpf_source_of(ProbeKind kind) {
  const char* file = kind == ProbeKind::kSyscalls ? "syscall" : kind == ProbeKind::kKvm ? "kvm_exit" : nullptr;
  std::filesystem::path root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::ifstream in(root / "probes" / "bpf" / (std::string(file ? file : probe_name(kind)) + ".bpf.c"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ProbeTracepoints, EachListIsExactlyWhatTheProbesProgramsAttachTo) {
  const std::regex section(R"re(SEC\("((tp|raw_tp)/[^"]+)"\))re");
  for (ProbeKind kind : kAllProbes) {
    const std::string source = bpf_source_of(kind);
    ASSERT_FALSE(source.empty()) << probe_name(kind);
    const std::vector<std::string> listed = probe_tracepoints(kind).all();
    std::set<std::string> attached;
    for (auto match = std::sregex_iterator(source.begin(), source.end(), section); match != std::sregex_iterator();
         ++match) {
      auto tracepoint = tracepoint_of_section((*match)[1].str(), listed);
      EXPECT_TRUE(tracepoint.has_value()) << probe_name(kind) << ": " << (*match)[1] << " is not in its list";
      if (tracepoint) attached.insert(*tracepoint);
    }
    EXPECT_EQ(attached, std::set<std::string>(listed.begin(), listed.end())) << probe_name(kind);
  }
}

}  // namespace
}  // namespace isobench::probes
