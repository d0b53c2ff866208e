// Security: installing isobench's default seccomp filter and dropping to Docker's default
// capabilities, each in a child beside a baseline child that does neither, so the
// difference is the mechanism. Also compiling the filter with libseccomp, which isobench
// does at build time and not per container.
#include <sys/prctl.h>

#include <string>

#include "bench/mechanisms/child_process.h"
#include "bench/mechanisms/price_list.h"
#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"

namespace isobench::bench::mechanisms {
namespace {

template <typename Body>
void child_cycle(benchmark::State& state, Body body, const std::string& what) {
  ChildCpuMeter meter;
  for (auto _ : state) {
    if (Status done = run_child({}, body, what); !done) {
      skip(state, done.error());
      break;
    }
  }
  meter.report(state);
}

void baseline_child(benchmark::State& state) {
  child_cycle(state, exit_at_once, "baseline child");
}

void seccomp_install(benchmark::State& state) {
  const runner::SeccompProgram& program = runner::default_seccomp_program();
  state.counters["bpf_instructions"] = static_cast<double>(program.instructions.size());
  child_cycle(
      state,
      [&program]() noexcept {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
        return runner::install_seccomp_program(program);
      },
      "no_new_privs + seccomp filter");
}

void capability_drop(benchmark::State& state) {
  auto last_cap = runner::last_capability();
  if (!last_cap) return skip(state, last_cap.error());
  const uint64_t keep = runner::docker_default_capabilities();
  const int last = *last_cap;
  child_cycle(
      state,
      [keep, last]() noexcept {
        if (int error = runner::limit_bounding_set(keep, last); error != 0) return error;
        return runner::set_process_capabilities(keep);
      },
      "bounding set and capabilities");
}

/// In this process: libseccomp builds the rules and exports the BPF program.
void seccomp_compile(benchmark::State& state) {
  size_t instructions = 0;
  for (auto _ : state) {
    auto program = runner::build_default_seccomp_program();
    if (!program) {
      skip(state, program.error());
      break;
    }
    instructions = program->instructions.size();
    benchmark::DoNotOptimize(program->instructions.data());
  }
  state.counters["bpf_instructions"] = static_cast<double>(instructions);
}

}  // namespace

void register_security_benchmarks() {
  price(benchmark::RegisterBenchmark("BM_Security/baseline_child", baseline_child));
  price(benchmark::RegisterBenchmark("BM_Security/seccomp_install_child", seccomp_install));
  price(benchmark::RegisterBenchmark("BM_Security/capability_drop_child", capability_drop));
  price(benchmark::RegisterBenchmark("BM_Security/seccomp_compile_in_process", seccomp_compile));
}

}  // namespace isobench::bench::mechanisms
