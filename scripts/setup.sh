#!/usr/bin/env bash
# One-command set-up on a fresh Debian 12 machine, as root:
#   ./scripts/setup.sh demo   install what is missing, build, and run `isobench demo`:
#                             bare process vs container vs microVM, report.html in the build dir
#   ./scripts/setup.sh test   install what is missing, build, and run the whole test suite: the
#                             unit tests under ASan and UBSan and each fuzzer for FUZZ_SECONDS
#                             (clang build in build-sanitize), then ctest in the main build
#   ./scripts/setup.sh sanitize   only the clang build, its unit tests and the fuzzers
#   ./scripts/setup.sh tour   a walk through `isobench run` (isolation, limits, seccomp) and bench,
#                             then the course's Docker verbs (scripts/course_tour.sh)
# Environment: BUILD_DIR (default: build), SANITIZE_BUILD_DIR (default: build-sanitize),
# JOBS (default: nproc), FUZZ_SECONDS (per fuzzer, default 25), DEMO_LANG (en or ko),
# DEMO_QUICK=1 for `demo --quick`.
set -euo pipefail

mode="${1:-demo}"
case "$mode" in demo | test | tour | build | sanitize) ;; *)
  echo "usage: $0 demo|test|tour|build|sanitize" >&2
  exit 2
  ;;
esac

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$top/build}"
sanitize_dir="${SANITIZE_BUILD_DIR:-$top/build-sanitize}"
jobs="${JOBS:-$(nproc)}"

# Everything isobench needs, from Debian's archive: one list, grouped (build, test, demo) and
# explained in scripts/packages.txt.
[[ -r "$top/scripts/packages.txt" ]] || { echo "setup: $top/scripts/packages.txt is missing" >&2; exit 1; }
mapfile -t packages < <(sed -e 's/#.*//' -e '/^\[/d' -e 's/[[:space:]]//g' -e '/^$/d' "$top/scripts/packages.txt")

install_missing() {
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages present"
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]}; run as root (sudo $0 $mode) to install them" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  # Installing docker.io, containerd or lxc must not start the host's daemons (dockerd, a
  # bridge of lxc-net's): the bench starts the daemons it needs itself, privately, and stops
  # them. A policy-rc.d that refuses every start, for the install only, unless the host has one.
  local policy=/usr/sbin/policy-rc.d ours=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# isobench setup: no service starts while it installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  [[ -n $ours ]] && rm -f "$policy"
  return "$status"
}

build() {
  cmake -S "$top" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j "$jobs"
}

# The sanitizer build (README, "Fuzzing and the sanitizer build"): clang, ASan + UBSan, only
# the unit tests and the fuzzers. The unit tests need no root.
build_sanitize() {
  cmake -S "$top" -B "$sanitize_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DISOBENCH_FUZZ=ON \
    >/dev/null || return
  cmake --build "$sanitize_dir" -j "$jobs" --target unit_tests fuzzers
}

sanitize_tests() {
  local failed=0
  echo "setup: unit tests under ASan and UBSan"
  # Also references to a returned function's locals (string_views of temporaries) and static
  # initialisation order.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" "$sanitize_dir/tests/unit_tests" --gtest_brief=1 || failed=1
  "$top/scripts/fuzz.sh" "${FUZZ_SECONDS:-25}" || failed=1
  return "$failed"
}

demo() {
  local options=(--lang "${DEMO_LANG:-en}" --output-dir "$build_dir")
  [[ "${DEMO_QUICK:-0}" == 1 ]] && options+=(--quick)
  "$build_dir/isobench" demo "${options[@]}"
}

tour() {
  local isobench="$build_dir/isobench"
  echo
  echo "== isobench doctor: what this host supports"
  "$isobench" doctor
  echo
  echo "== isobench run: a container from the built-in image (pid 1, own hostname, only lo)"
  "$isobench" run --stats -- /bin/hello
  "$isobench" run -- /bin/inspect status
  echo
  echo "== a write to / vanishes with the container; the image is untouched"
  "$isobench" run -- /bin/inspect write /scratch "written inside"
  "$isobench" run -- /bin/inspect exists /scratch || echo "/scratch is gone in the next container"
  echo
  echo "== limits: 64 MiB of memory in a 32 MiB container is OOM-killed"
  "$isobench" run --memory 32m -- /bin/mem --size 64m || echo "(exit code $?)"
  echo
  echo "== seccomp: keyctl is refused inside"
  "$isobench" run -- /bin/inspect syscall keyctl
  echo
  echo "== what isolation costs: bare process vs isobench vs runc, crun, bubblewrap"
  "$isobench" bench --targets bare,isobench,runc,crun,bwrap --workloads noop,cpu,mem \
    --runs "${RUNS:-10}" --warmup 2 -o "$build_dir/demo-results.json"
  echo
  echo "== the course's Docker verbs, without a daemon: pull, images, run -d, ps, logs, stop, ps -a, rm, rmi"
  "$top/scripts/course_tour.sh" "$build_dir"
}

install_missing
if [[ "$mode" == sanitize ]]; then
  build_sanitize
  sanitize_tests
  exit
fi
build
case "$mode" in
  demo) demo ;;
  tour) tour ;;
  test)
    # The sanitizer steps first, so that ctest's summary closes the output; a failure there
    # still lets the main suite run, and fails the whole command.
    sanitized=0
    build_sanitize && sanitize_tests || sanitized=$?
    ((sanitized == 0)) || echo "setup: the sanitizer unit tests or a fuzzer FAILED (above); running the main suite" >&2
    cd "$build_dir"
    ctest --output-on-failure -j "$jobs"
    ((sanitized == 0)) || echo "setup: FAILED: the sanitizer unit tests or a fuzzer (see above)" >&2
    exit "$sanitized"
    ;;
  build) ;;
esac
