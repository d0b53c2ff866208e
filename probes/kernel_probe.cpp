#include "probes/kernel_probe.h"

#include <bpf/libbpf.h>

#include "probes/probe_tracepoints.h"

namespace isobench::probes {

Status share_tree_maps(bpf_map* tracked, bpf_map* launchers, const TreeMaps& tree) {
  if (int rc = bpf_map__reuse_fd(tracked, tree.tracked_fd); rc != 0) return bpf_error(rc, "cannot share the tree map");
  if (int rc = bpf_map__reuse_fd(launchers, tree.launchers_fd); rc != 0)
    return bpf_error(rc, "cannot share the launcher map");
  return {};
}

Error bpf_error(int rc, const std::string& what) {
  return Error{rc < 0 ? -rc : rc, what};
}

void leave_out_programs(bpf_object* object, ProbeKind kind, const std::set<std::string>& left_out) {
  if (left_out.empty()) return;
  const std::vector<std::string> tracepoints = probe_tracepoints(kind).all();
  bpf_program* program = nullptr;
  bpf_object__for_each_program(program, object) {
    auto tracepoint = tracepoint_of_section(bpf_program__section_name(program), tracepoints);
    if (tracepoint && left_out.count(*tracepoint) != 0) bpf_program__set_autoload(program, false);
  }
}

}  // namespace isobench::probes
