// What each kind of isolation a report's targets belong to shares with the host and what
// it does not, and what it cost in these results: the part of every report's summary (and
// of the demo's) that puts bare, namespaces, OCI runtimes, container managers, engines,
// gVisor and the VM on one axis, in English and Korean.
#pragma once

#include <string>
#include <vector>

#include "reports/report_model.h"

namespace isobench::reports {

/// One sentence per kind (bench::isolation_family) among the targets that ran, from a bare
/// process to a VM: its targets, what it shares with the host (the same kernel, a kernel of
/// its own in user space, one behind a hypervisor), then each target's medians for one
/// workload (noop when the results have it): startup, launch to exit, CPU and memory over
/// bare. A figure the results lack is "-"; a target every run of which failed is left out
/// (every report lists its cells' problems).
std::vector<std::string> isolation_kind_sentences(const ReportModel& model, Language language);

}  // namespace isobench::reports
