/* Shared by kvm_exit.bpf.c and its C++ reader: fixed-width fields only. */
#ifndef ISOBENCH_PROBES_KVM_EXIT_H
#define ISOBENCH_PROBES_KVM_EXIT_H

struct kvm_exit_key {
  unsigned int root_pid;
  unsigned int isa;         /* 1: VMX (Intel), 2: SVM (AMD) */
  unsigned int exit_reason; /* VMX basic exit reason or SVM exit code */
  unsigned int pad;
};

#endif
