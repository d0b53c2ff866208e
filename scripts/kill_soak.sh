#!/usr/bin/env bash
# The long kill soak, for release checks: SIGKILL `isobench run` at random points of its start
# ROUNDS times (default 20000), then check that no container process, mount, network namespace
# or (after the next run's clean-up) cgroup directory is left; then the deterministic kill
# tests (a kill before the container's first instruction, after its change of user, of a
# starting container's neighbour, of bench with its runs). The soak prints its figures:
#   [ kill soak ] N kills of N starts (seed S, ...): left behind 0 processes, 0 mounts, ...
# Usage, as root, after building isobench and integration_tests:
#   scripts/kill_soak.sh [ROUNDS] [SEED]      BUILD_DIR (default: build) names the build
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$top/build}"
rounds="${1:-20000}"

if [[ $(id -u) -ne 0 ]]; then
  echo "kill_soak.sh: run as root (containers, cgroups)" >&2
  exit 2
fi
tests=""
for candidate in "$build_dir/tests/integration_tests" "$build_dir/integration_tests"; do
  [[ -x $candidate ]] && tests="$candidate" && break
done
if [[ -z $tests ]]; then
  echo "kill_soak.sh: no integration_tests in $build_dir: cmake --build $build_dir --target isobench integration_tests" >&2
  exit 2
fi

export ISOBENCH_KILL_SOAK_ROUNDS="$rounds"
if [[ -n ${2:-} ]]; then export ISOBENCH_KILL_SOAK_SEED="$2"; fi
exec "$tests" --gtest_filter='KillSoak.*:KilledIsobench.*:BenchKill.*:ProcessLifecycle.IsobenchKilled*'
