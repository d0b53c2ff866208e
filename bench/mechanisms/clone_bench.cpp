// Namespaces: clone3 + wait of a child that exits at once, with each namespace flag alone
// and with isobench's default set. A network namespace is also priced without a new
// process around it.
//
// Counted: clone3 (creating the namespaces), the child's exit, which drops the last
// references and does the part of the teardown that the kernel does at once (for a mount
// namespace, unmounting its copy of the mount tree), and the parent's wait. Not counted: what the
// kernel defers past the exit to its own threads, on another CPU while the loop goes on.
// That covers cleanup_net on the netns workqueue, the work items that free IPC and user
// namespaces, and the RCU callbacks that free pid namespaces and mounts. No column
// shows it.
#include <fcntl.h>
#include <sched.h>

#include <string>

#include "bench/mechanisms/child_process.h"
#include "bench/mechanisms/price_list.h"
#include "common/unique_fd.h"
#include "runner/namespaces.h"

namespace isobench::bench::mechanisms {
namespace {

using runner::Namespace;
using runner::NamespaceSet;

void clone_and_wait(benchmark::State& state, uint64_t flags, const std::string& what) {
  ChildCpuMeter meter;
  for (auto _ : state) {
    if (Status done = run_child({flags}, exit_at_once, what); !done) {
      skip(state, done.error());
      break;
    }
  }
  meter.report(state);
}

/// A child that unshares a network namespace, then exits: the same namespace as
/// BM_Clone/net, created by unshare(2) and not by clone3.
void netns_in_child(benchmark::State& state) {
  ChildCpuMeter meter;
  auto unshare_net = []() noexcept { return unshare(CLONE_NEWNET) == 0 ? 0 : errno; };
  for (auto _ : state) {
    if (Status done = run_child({}, unshare_net, "unshare(CLONE_NEWNET) in a child"); !done) {
      skip(state, done.error());
      break;
    }
  }
  meter.report(state);
}

/// Puts the calling thread back into the network namespace it started in, whatever happens.
class NetnsReturn {
 public:
  explicit NetnsReturn(UniqueFd home) : home_(std::move(home)) {}
  ~NetnsReturn() { (void)go_home(); }
  NetnsReturn(const NetnsReturn&) = delete;
  NetnsReturn& operator=(const NetnsReturn&) = delete;
  Status go_home() {
    if (setns(home_.get(), CLONE_NEWNET) != 0) return errno_error("setns back to the original network namespace");
    return {};
  }

 private:
  UniqueFd home_;
};

/// No process at all: this process unshares a new network namespace and returns to its
/// own one with setns, which drops the new namespace's last reference.
void netns_in_process(benchmark::State& state) {
  UniqueFd home(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!home) {
    skip(state, errno_error("/proc/self/ns/net"));
    return;
  }
  NetnsReturn guard(std::move(home));
  for (auto _ : state) {
    if (unshare(CLONE_NEWNET) != 0) {
      skip(state, errno_error("unshare(CLONE_NEWNET)"));
      break;
    }
    if (Status back = guard.go_home(); !back) {
      skip(state, back.error());
      break;
    }
  }
}

}  // namespace

void register_clone_benchmarks() {
  price(benchmark::RegisterBenchmark("BM_Clone/none", clone_and_wait, uint64_t{0}, std::string("plain child")));
  for (Namespace ns : runner::kAllNamespaces) {
    std::string name(runner::namespace_name(ns));
    price(benchmark::RegisterBenchmark(("BM_Clone/" + name).c_str(), clone_and_wait, runner::clone_flag(ns),
                                       name + " namespace"));
  }
  const NamespaceSet defaults = NamespaceSet::container_default();
  price(benchmark::RegisterBenchmark("BM_Clone/default", clone_and_wait, defaults.clone_flags(),
                                     "namespaces " + defaults.to_string()));
}

void register_netns_benchmarks() {
  price(benchmark::RegisterBenchmark("BM_Netns/unshare_in_child", netns_in_child));
  price(benchmark::RegisterBenchmark("BM_Netns/unshare_setns_in_process", netns_in_process));
}

}  // namespace isobench::bench::mechanisms
