// A ProbeReport as JSON: the `isobench probe --json` document (schema isobench-probe/1) and
// the `probes` object of each run in the bench results, and the way back from the bench's
// `probes` to a ProbeReport. Pure: data in, JSON out, and JSON in, data or an Error out.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
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

/// The inverse of probe_report_to_json(report, false) on untrusted input: for every report r,
/// probe_report_to_json(*probe_report_from_json(probe_report_to_json(r, false)), false) is
/// probe_report_to_json(r, false). What the JSON does not hold comes back as the default:
/// launch_ns, end_ns, phases.workload_pid, each call's generation, and the lifecycle events
/// (a "lifecycle.events" array, written by `isobench probe --json` only, is not read: it
/// names syscalls rather than numbering them, so it could not be turned back exactly).
/// Sections left out stay std::nullopt; keys this schema does not have are ignored, so the
/// probe command's whole document reads too. Refused, with an Error naming the path under
/// `where` ("runs[3].probes.cpu.on_cpu_ns is not a non-negative integer (got -1)"): a value
/// that is not an object, a field the encoder always writes that is missing (and, in a
/// section whose source is "bpf", the BPF-only ones), any field of the wrong type, negative
/// counts, ids beyond 32 bits, milliseconds that are negative or not finite, and histograms
/// histogram_from_json refuses. Never throws; reads each value of the input once.
Result<probes::ProbeReport> probe_report_from_json(const nlohmann::json& value, const std::string& where);

/// The inverse of histogram_to_json: an array of {"le_ns", "count"} objects in any order.
/// le_ns must be an exact power of two from 2^1 to 2^63 (bucket i ends at 2^(i+1) ns, so
/// 2^0 = 1 is no bucket's bound) and appear once; count a non-negative integer. So the
/// histogram never has more than 63 buckets, whatever the input says.
Result<probes::Log2Histogram> histogram_from_json(const nlohmann::json& value, const std::string& where);

}  // namespace isobench::reports
