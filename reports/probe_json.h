// A ProbeReport as JSON: the `isobench probe --json` document (schema isobench-probe/1) and
// the `probes` object of each run in the bench results. Pure: data in, JSON out.
#pragma once

#include <nlohmann/json.hpp>

#include "probes/probe_report.h"
#include "reports/probe_aggregate.h"

namespace isobench::reports {

inline constexpr const char* kProbeSchema = "isobench-probe/1";

/// Every section that is present, each with its "source"; events only when `with_events`.
nlohmann::ordered_json probe_report_to_json(const probes::ProbeReport& report, bool with_events);

/// A cell's aggregate: {"runs", "medians": {name: {"median", "source"}}, "run_queue_latency",
/// "workload_syscalls", "kvm_exits_by_reason", "notes"}.
nlohmann::ordered_json probe_aggregate_to_json(const ProbeAggregate& aggregate);

/// Histogram buckets as [{"le_ns": upper bound, "count": n}, ...] without empty tails.
nlohmann::ordered_json histogram_to_json(const probes::Log2Histogram& histogram);

}  // namespace isobench::reports
