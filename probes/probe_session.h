// The probes of one command: mounts tracefs when needed, loads the probes asked for,
// switches off (with the reason) the ones this kernel cannot run, and turns what they saw
// of one run into a ProbeReport. A probe that is off falls back to rusage where one exists.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/host_check.h"
#include "common/result.h"
#include "probes/probe_report.h"
#include "probes/probe_set.h"

struct rusage;

namespace isobench::probes {

class ProbeSession {
 public:
  virtual ~ProbeSession() = default;

  /// The probes asked for.
  virtual ProbeSet requested() const = 0;
  /// The probes that loaded; the others are named in notes().
  virtual ProbeSet active() const = 0;
  /// Why a requested probe is off, one line each.
  virtual const std::vector<std::string>& notes() const = 0;

  /// Every child thread `tid` forks from now on starts a run of its own, keyed by its pid.
  virtual Status add_launcher(pid_t tid) = 0;
  virtual void remove_launcher(pid_t tid) = 0;

  /// Reads the events gathered so far: call it now and then while a long run goes on, so that
  /// the bounded ring buffer never fills.
  virtual void poll_events() = 0;

  /// Everything the probes saw of run `root` (launched at `launch_ns`, reaped at `end_ns`,
  /// with `usage` from wait4), with rusage figures where a probe is off. Forgets the run.
  virtual ProbeReport collect(pid_t root, int64_t launch_ns, int64_t end_ns, const struct rusage& usage) = 0;
};

/// Starts a session for `wanted`. When BPF cannot be used at all (built without it, not
/// root, no BTF, ISOBENCH_DISABLE_BPF_FEATURES=bpf) the session still works: every figure
/// comes from rusage and the notes say why.
std::unique_ptr<ProbeSession> start_probe_session(const ProbeSet& wanted);

/// `isobench doctor`'s probe lines: each probe loaded and attached for real, or why not and
/// what stands in for it.
std::vector<HostCheck> check_probes();

}  // namespace isobench::probes
