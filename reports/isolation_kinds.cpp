#include "reports/isolation_kinds.h"

#include <algorithm>
#include <cctype>

#include "bench/targets/target.h"
#include "reports/number_text.h"
#include "reports/report_text.h"

namespace isobench::reports {
namespace {

struct KindText {
  const char* family;  ///< bench::isolation_family
  const char* english;
  const char* korean;
};

/// From nothing set up to a kernel of its own: the order the sentences go in.
constexpr KindText kKinds[] = {
    {bench::kProcess,
     "a process: the host's kernel and everything else of the host's (its processes, mounts, network, users); "
     "nothing is set up, so this is the baseline",
     "프로세스: 호스트의 커널과 그 밖의 모든 것(프로세스, 마운트, 네트워크, 사용자)을 그대로 씁니다. 아무것도 "
     "준비하지 않으므로 기준선입니다"},
    {bench::kNamespacesOnly,
     "namespaces only: the host's kernel, with a view of its own of processes, mounts, network and hostname; "
     "no cgroup limit and no seccomp filter: the lightest container",
     "네임스페이스만: 호스트 커널을 쓰되 프로세스, 마운트, 네트워크, 호스트 이름을 따로 봅니다. cgroup 제한과 "
     "seccomp 필터가 없는 가장 가벼운 컨테이너입니다"},
    {bench::kOciRuntime,
     "OCI runtimes: the host's kernel; the runtime reads a bundle and sets up namespaces, a cgroup, a seccomp "
     "filter and fewer capabilities before the workload starts: what Docker and podman call underneath",
     "OCI 런타임: 호스트 커널을 씁니다. 런타임이 번들을 읽어 네임스페이스, cgroup, seccomp 필터, 줄인 "
     "capability를 준비한 뒤 워크로드를 시작합니다. Docker와 podman이 그 아래에서 부르는 것이 이것입니다"},
    {bench::kContainerManager,
     "container managers: the host's kernel; a tool without a daemon builds a whole system container (its own "
     "/run, devices and cgroups) from a root directory",
     "컨테이너 관리자: 호스트 커널을 씁니다. 데몬 없는 도구가 루트 디렉터리로 시스템 컨테이너 전체(자기 /run, "
     "장치, cgroup)를 만듭니다"},
    {bench::kEngine,
     "engines: the host's kernel and an OCI runtime underneath, plus a client, an image store and a daemon "
     "(dockerd and containerd) or a monitor per container (conmon): each run is a request they serve",
     "엔진: 호스트 커널과 그 아래의 OCI 런타임에 더해 클라이언트, 이미지 저장소, 데몬(dockerd와 containerd) "
     "또는 컨테이너마다 모니터(conmon)가 있습니다. 실행 하나하나가 이들이 처리하는 요청입니다"},
    {bench::kUserSpaceKernel,
     "a user-space kernel: gVisor's sentry, a kernel written in Go that runs as a host process, serves the "
     "workload's system calls, and the host's kernel sees only the sentry's: a smaller surface, paid for at "
     "start and on every system call",
     "사용자 공간 커널: Go로 쓴 커널인 gVisor의 sentry가 호스트 프로세스로 돌며 워크로드의 시스템 호출을 "
     "처리하고, 호스트 커널은 sentry의 호출만 봅니다. 공격 면이 작은 대신 시작과 시스템 호출마다 비용을 냅니다"},
    {bench::kVirtualMachine,
     "a virtual machine: a kernel of its own, booted behind a hypervisor (QEMU); it shares nothing of the host's "
     "kernel but the devices the hypervisor gives it",
     "가상 머신: 하이퍼바이저(QEMU) 뒤에서 자기 커널을 부팅합니다. 호스트 커널과는 하이퍼바이저가 주는 장치 "
     "말고는 아무것도 공유하지 않습니다"},
};

std::string median_of(const CellSummary& cell, const char* metric, double scale, const char* pattern) {
  const MetricSummary* found = cell.find(metric);
  return found ? number_text(pattern, found->summary.median / scale) : "-";
}

/// "runc: startup 27.0 ms, launch to exit 35 ms, CPU 20 ms, +5.8 MiB over bare".
std::string target_figures(const CellSummary& cell, const std::string& target, const Words& words) {
  return target + ": " + words("startup ", "시작 ") + median_of(cell, "startup_ms", 1, "%.1f ms") +
         words(", launch to exit ", ", 실행부터 종료까지 ") + median_of(cell, "wall_ms", 1, "%.1f ms") + ", CPU " +
         median_of(cell, "cpu_ms", 1, "%.1f ms") + ", " + median_of(cell, "overhead_kib", 1024, "%+.1f MiB") +
         words(" over bare", " (bare 대비)");
}

std::string workload_shown(const ReportModel& model) {
  const std::vector<std::string>& workloads = model.results.workloads;
  if (workloads.empty() || std::find(workloads.begin(), workloads.end(), "noop") != workloads.end()) return "noop";
  return workloads.front();
}

}  // namespace

std::vector<std::string> isolation_kind_sentences(const ReportModel& model, Language language) {
  const Words words{language == Language::kKorean};
  const std::string workload = workload_shown(model);
  std::vector<std::string> sentences;
  for (const KindText& kind : kKinds) {
    std::vector<std::string> figures;
    for (const bench::TargetInfo& target : model.results.targets) {
      if (!target.available || bench::isolation_family(target.name) != kind.family) continue;
      const CellSummary* cell = find_cell(model, target.name, workload, first_concurrency(model));
      if (cell && !cell->metrics.empty()) figures.push_back(target_figures(*cell, target.name, words));
    }
    if (figures.empty()) continue;
    std::string sentence = words(kind.english, kind.korean);
    sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
    sentence += words(". Here (", ". 여기서 (") + workload + words(", medians): ", ", 중앙값): ");
    for (size_t i = 0; i < figures.size(); ++i) sentence += (i ? "; " : "") + figures[i];
    sentences.push_back(sentence + ".");
  }
  return sentences;
}

}  // namespace isobench::reports
