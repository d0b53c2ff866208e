#!/usr/bin/env bash
# Containers as objects, priced side by side with podman (conmon + runc) in one run:
#   start     run in the foreground vs run -d returning (isobench; podman the same)
#   ps        ps -a with 100 containers in the store
#   logs      logs of a 100 MiB log, beside cat of the same file (the disk's speed)
#   monitor   what one more running container's monitor costs: isobench's monitor, conmon
# Usage: scripts/container_benchmark.sh [--runs N] [BUILD_DIR]   (root; hyperfine, jq, podman, busybox-static)
set -euo pipefail
runs=20
if [[ ${1:-} == --runs ]]; then runs=$2; shift 2; fi
build=$(realpath "${1:-build}")
here=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
# shellcheck source=scripts/benchmark_lib.sh
source "$here/benchmark_lib.sh"
for tool in hyperfine jq podman runc /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "container_benchmark: needs $tool (./scripts/setup.sh build installs it)" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "container_benchmark: run as root" >&2; exit 2; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }

work=$(mktemp -d /tmp/isobench-container-bench-XXXXXX)
export ISOBENCH_STORE=$work/store ISOBENCH_RUNTIME_DIR=$work/run
isobench=$build/isobench
# podman's containers and conmons in cgroups of this run's own (with cgroupfs podman would
# otherwise make libpod_parent at every hierarchy's root and leave it there).
cgroup_parent=/isobench-container-bench-$$
podman_cmd() {
  local verb=$1
  shift
  local parent=()
  if [ "$verb" = run ] || [ "$verb" = create ]; then parent=(--cgroup-parent "$cgroup_parent"); fi
  CONTAINERS_CONF=$work/podman.conf podman --root "$work/podman-root" --runroot "$work/podman-run" \
    --storage-driver overlay "$verb" "${parent[@]}" "$@"
}
cleanup() {
  "$isobench" rm -f $("$isobench" ps -aq) >/dev/null 2>&1 || true
  podman_cmd rm -af -t 0 >/dev/null 2>&1 || true
  podman_cmd system reset -f >/dev/null 2>&1 || true
  # Only the cgroups named after this run: deepest first, as rmdir needs.
  find /sys/fs/cgroup -maxdepth 2 -type d -name "${cgroup_parent#/}" -print0 2>/dev/null |
    while IFS= read -r -d '' top; do find "$top" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work"/busybox/{bin,proc,dev,sys,tmp,etc}
cp /bin/busybox "$work/busybox/bin/"
for tool in sh sleep true yes head; do ln -s busybox "$work/busybox/bin/$tool"; done
root=$work/busybox
# podman on this host: limits the machine grants, no network, cgroupfs (no systemd), runc
# (crun refuses hybrid cgroups).
cat >"$work/podman.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
export -f podman_cmd
export work cgroup_parent

echo "== start: foreground run vs run -d returning ($runs runs each, interleaved by hyperfine's order)"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/start.json" \
  -n "isobench run" "$isobench run --rootfs $root -- /bin/true" \
  -n "isobench run -d --rm" "$isobench run -d --rm --rootfs $root -- /bin/true" \
  -n "podman run" "bash -c 'podman_cmd run --rm --rootfs $root /bin/true'" \
  -n "podman run -d --rm" "bash -c 'podman_cmd run -d --rm --rootfs $root /bin/true'" >/dev/null
sleep 2  # the -d --rm containers remove themselves
fg=$(median_of "isobench run" "$work/start.json"); bg=$(median_of "isobench run -d --rm" "$work/start.json")
pfg=$(median_of "podman run" "$work/start.json"); pbg=$(median_of "podman run -d --rm" "$work/start.json")
printf '  isobench: foreground %.2f ms, -d %.2f ms (%.2fx; target <= 1.5x: %s)\n' "$fg" "$bg" "$(ratio "$bg" "$fg")" \
  "$(verdict "$(ratio "$bg" "$fg")" "<=" 1.5)"
printf '  podman:   foreground %.2f ms, -d %.2f ms; isobench -d is %.1fx faster than podman -d\n' "$pfg" "$pbg" \
  "$(ratio "$pbg" "$bg")"

echo "== ps -a with 100 containers"
for _ in $(seq 100); do "$isobench" run -d --rootfs "$root" -- /bin/true >/dev/null; done
for _ in $(seq 100); do podman_cmd create --rootfs "$root" /bin/true >/dev/null; done
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/ps.json" \
  -n "isobench ps -a" "$isobench ps -a" -n "podman ps -a" "bash -c 'podman_cmd ps -a'" >/dev/null
ips=$(median_of "isobench ps -a" "$work/ps.json"); pps=$(median_of "podman ps -a" "$work/ps.json")
printf '  isobench %.2f ms (target < 10 ms: %s), podman %.2f ms (%.1fx)\n' "$ips" "$(verdict "$ips" "<" 10)" "$pps" \
  "$(ratio "$pps" "$ips")"
"$isobench" rm -f $("$isobench" ps -aq) >/dev/null
podman_cmd rm -af >/dev/null

echo "== logs of a 100 MiB log"
"$isobench" run -d --name chatty --rootfs "$root" -- sh -c 'yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 104857600' >/dev/null
"$isobench" wait chatty >/dev/null
podman_cmd run --name chatty --log-driver k8s-file --rootfs "$root" sh -c 'yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 104857600' >/dev/null
log=$("$isobench" inspect -f '{{.LogPath}}' chatty)
hyperfine -N --warmup 2 --runs 10 --export-json "$work/logs.json" \
  -n "cat (disk speed)" "cat $log" -n "isobench logs" "$isobench logs chatty" \
  -n "podman logs" "bash -c 'podman_cmd logs chatty'" --output=null >/dev/null
printf '  cat %.0f ms, isobench logs %.0f ms, podman logs %.0f ms (log %s MiB)\n' "$(median_of "cat (disk speed)" "$work/logs.json")" \
  "$(median_of "isobench logs" "$work/logs.json")" "$(median_of "podman logs" "$work/logs.json")" "$(( $(stat -c %s "$log") >> 20 ))"

echo "== the monitor of one running container (kB: RSS, and private memory: what one more costs)"
"$isobench" run -d --name idle --rootfs "$root" -- sleep 100 >/dev/null
podman_cmd run -d --name idle --rootfs "$root" sleep 100 >/dev/null
sleep 2  # at rest: a monitor hands back its start-up pages a second after the start
monitor=$("$isobench" inspect -f '{{.Isobench.MonitorPid}}' idle)
conmon=$(podman_cmd inspect -f '{{.State.ConmonPid}}' idle)
for who in "isobench monitor:$monitor" "conmon:$conmon"; do
  pid=${who##*:}
  printf '  %-17s RSS %6s kB, private %6s kB, PSS %6s kB\n' "${who%%:*}" \
    "$(awk '/^Rss:/ {print $2}' /proc/"$pid"/smaps_rollup)" \
    "$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' /proc/"$pid"/smaps_rollup)" \
    "$(awk '/^Pss:/ {print $2}' /proc/"$pid"/smaps_rollup)"
done
