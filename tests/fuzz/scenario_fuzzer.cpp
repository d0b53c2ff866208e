// `isobench bench --scenario FILE`: the file's text through everything bench does with it
// before a run starts (JSON, the settings, parameter sweeps, workloads, the probe list).
// Any exception that escapes is a bug: isobench would report it as an internal error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/scenario.h"
#include "probes/probe_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace isobench;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto settings = bench::parse_scenario_text(text, "fuzz.json");
  if (!settings) return 0;
  auto options = bench::harness_options(*settings);
  if (!options) return 0;
  (void)probes::ProbeSet::parse(settings->probes);
  for (const bench::WorkloadCommand& workload : options->workloads) (void)workload.label();
  return 0;
}
