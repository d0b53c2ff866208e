// The kvm probe's reader: VM exits by reason for the run's vCPU threads
// (probes/bpf/kvm_exit.bpf.c). Under TCG there are none, and the figures say why.
#include <string>

#include "kvm_exit.skel.h"
#include "probes/bpf/kvm_exit.h"
#include "probes/kernel_probe.h"

namespace isobench::probes {
namespace {

/// Intel VMX basic exit reasons (SDM vol. 3, appendix C), the ones a microVM makes.
std::string vmx_exit_reason(unsigned reason) {
  switch (reason) {
    case 0: return "EXCEPTION_NMI";
    case 1: return "EXTERNAL_INTERRUPT";
    case 7: return "INTERRUPT_WINDOW";
    case 10: return "CPUID";
    case 12: return "HLT";
    case 18: return "VMCALL";
    case 28: return "CR_ACCESS";
    case 30: return "IO_INSTRUCTION";
    case 31: return "MSR_READ";
    case 32: return "MSR_WRITE";
    case 40: return "PAUSE_INSTRUCTION";
    case 44: return "APIC_ACCESS";
    case 48: return "EPT_VIOLATION";
    case 49: return "EPT_MISCONFIG";
    case 52: return "PREEMPTION_TIMER";
    case 55: return "XSETBV";
  }
  return "VMX reason " + std::to_string(reason);
}

/// AMD SVM exit codes (APM vol. 2, appendix C), the common ones.
std::string svm_exit_reason(unsigned code) {
  switch (code) {
    case 0x060: return "interrupt";
    case 0x072: return "cpuid";
    case 0x078: return "hlt";
    case 0x07b: return "io";
    case 0x07c: return "msr";
    case 0x081: return "hypercall";
    case 0x400: return "npf";
  }
  return "SVM code " + std::to_string(code);
}

class KvmExitProbe final : public SkeletonProbe<kvm_exit_bpf, &ProbeReport::kvm> {
  using SkeletonProbe::SkeletonProbe;

  KvmFigures read(const RunIdentity& run) override {
    KvmFigures figures;
    auto exits = take_run_entries<kvm_exit_key, uint64_t>(
        skeleton().maps.exits, run.root, [](const kvm_exit_key& key, uint64_t) { return key.root_pid; });
    for (const auto& [key, count] : exits) {
      std::string reason = key.isa == 2 ? svm_exit_reason(key.exit_reason) : vmx_exit_reason(key.exit_reason);
      figures.exits_by_reason[reason] += count;
      figures.total_exits += count;
    }
    if (figures.total_exits == 0)
      figures.note = "no KVM exits: nothing in the run used KVM (a VM under TCG emulation makes none)";
    return figures;
  }
};

}  // namespace

Result<std::unique_ptr<KernelProbe>> load_kvm_exit_probe(const TreeMaps& tree) {
  return load_probe<KvmExitProbe>(ProbeKind::kKvm, ISOBENCH_SKELETON_FUNCTIONS(kvm_exit_bpf), tree);
}

}  // namespace isobench::probes
