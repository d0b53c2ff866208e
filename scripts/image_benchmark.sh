#!/usr/bin/env bash
# Start-up of `isobench run IMAGE` (the image's layers as overlay lower directories) against
# `isobench run --rootfs DIR` (one directory holding the same merged tree), for a 1-layer and
# a 5-layer image, and `isobench images` over a store of 100 images: issue 14's two speed
# targets for images. Prints figures and whether the targets are met; nothing here is a
# test and nothing asserts a time.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/image_benchmark.sh [--runs N] [--isobench PATH] [--keep]

Builds two OCI images with umoci, a busybox-static root (/bin/true and /bin/sh link to
busybox) as the bottom layer: "one" of 1 layer and "five" of 5 (layers 2-5 add small files).
Each goes through `skopeo copy` to an oci-archive and `isobench load -i` into a fresh
$ISOBENCH_STORE; `umoci unpack` of "five" gives the same merged tree as a plain directory.
Then, with hyperfine (-N, 5 warm-up runs), interleaved in rounds of 5 runs of each:
  image, 1 layer    isobench run localhost/bench-one:latest /bin/true
  image, 5 layers   isobench run localhost/bench-five:latest /bin/true
  rootfs dir        isobench run --rootfs ROOTFS -- /bin/true
and a per-phase breakdown of the three from `isobench run --stats-json`. Then 100 distinct
one-file images (`isobench import`) and `isobench images` / `isobench images -q` (50 runs).
Needs root, hyperfine, jq, umoci, skopeo and busybox-static (/bin/busybox).

  --runs N          timed runs of each run command (default 200)
  --isobench PATH   the isobench binary (default build/isobench of this checkout)
  --keep            keep the work directory (OCI layout, store, rootfs, hyperfine JSON)
  -h, --help        this text
EOF
}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/benchmark_lib.sh
source "$repo_root/scripts/benchmark_lib.sh"
runs=200
isobench="$repo_root/build/isobench"
keep=0
images_runs=50
image_count=100
stats_runs=30
runs_per_round=5

while (($#)); do
  case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --isobench) isobench=${2:?--isobench needs a path}; shift 2 ;;
    --isobench=*) isobench=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "image_benchmark.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "image_benchmark.sh: --runs wants a positive number, not '$runs'" >&2
  exit 2
fi
if ((EUID != 0)); then
  echo "image_benchmark.sh: run as root (isobench run mounts overlays and makes cgroups)" >&2
  exit 1
fi
for tool in hyperfine jq umoci skopeo tar; do
  command -v "$tool" >/dev/null || { echo "image_benchmark.sh: $tool is not installed" >&2; exit 1; }
done
busybox=/bin/busybox
[[ -x "$busybox" ]] || { echo "image_benchmark.sh: no $busybox (install busybox-static)" >&2; exit 1; }
# A dynamic busybox would need its libraries in the image too.
if ldd "$busybox" >/dev/null 2>&1; then
  echo "image_benchmark.sh: $busybox is dynamically linked (install busybox-static)" >&2
  exit 1
fi
[[ -x "$isobench" ]] || { echo "image_benchmark.sh: no isobench at $isobench (build it, or pass --isobench)" >&2; exit 1; }
isobench=$(realpath "$isobench")

work=$(mktemp -d /tmp/isobench-image-bench.XXXXXX)
export ISOBENCH_STORE="$work/store"

log() { printf '== %s\n' "$*" >&2; }

# isobench unmounts what a run mounted before it exits; a run killed by ^C may still leave
# an overlay under the work directory, so unmount whatever is there before removing it.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local mounts m
  mounts=$(awk -v r="$work/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r)
  for m in $mounts; do umount -l "$m" 2>/dev/null || true; done
  if ((keep)); then
    log "kept $work"
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the images -----------------------------------------------------------------------------

# The bottom layer: a root with nothing but busybox-static and the two links the runs need.
add_busybox_root() {
  local rootfs=$1
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys"
  cp "$busybox" "$rootfs/bin/busybox"
  ln -s busybox "$rootfs/bin/true"
  ln -s busybox "$rootfs/bin/sh"
}

# Layers above the bottom: a handful of small files each, some in a directory that several
# layers add to, so the overlay has a directory to merge.
add_small_files() {
  local rootfs=$1 n=$2 i
  mkdir -p "$rootfs/usr/share/bench" "$rootfs/etc/layer$n.d"
  for ((i = 1; i <= 8; i++)); do
    printf 'layer %d file %d\n' "$n" "$i" >"$rootfs/usr/share/bench/layer$n-$i.txt"
  done
  echo "layer $n" >"$rootfs/etc/layer$n.d/marker"
}

# One unpack / change / repack per layer. Repacking into another tag adds the layer on top
# of the unpacked image's layers there, so "five" starts from "one" and shares its layer.
add_layer() {
  local layout=$1 from=$2 to=$3 n=$4 bundle="$work/bundle-layer"
  umoci unpack --image "$layout:$from" "$bundle" >/dev/null
  if ((n == 1)); then add_busybox_root "$bundle/rootfs"; else add_small_files "$bundle/rootfs" "$n"; fi
  umoci repack --image "$layout:$to" --history.created_by "image_benchmark.sh layer $n" "$bundle" >/dev/null
  rm -rf "$bundle"
}

build_images() {
  local layout=$1 n
  umoci init --layout "$layout" >/dev/null
  umoci new --image "$layout:empty" >/dev/null
  add_layer "$layout" empty one 1
  add_layer "$layout" one five 2
  for n in 3 4 5; do add_layer "$layout" five five "$n"; done
  local tag
  for tag in one five; do
    umoci config --image "$layout:$tag" --config.cmd /bin/sh \
      --config.env PATH=/bin --os linux --architecture amd64 >/dev/null
  done
}

# skopeo writes the reference as the index's ref.name annotation; isobench load names the
# image after it.
load_image() {
  local layout=$1 tag=$2 name=$3
  local archive="$work/$tag.tar"
  skopeo --insecure-policy copy --quiet "oci:$layout:$tag" "oci-archive:$archive:$name" >/dev/null
  "$isobench" load -q -i "$archive"
  "$isobench" image inspect "$name" >/dev/null ||
    { echo "image_benchmark.sh: isobench load -i $archive did not make $name" >&2; return 1; }
}

layer_count() {
  "$isobench" image inspect "$1" | jq -r '(if type == "array" then .[0] else . end) | .RootFS.Layers | length'
}

# 100 images that differ in one file each: distinct layers, configs and ids, as a store of
# many unrelated images would hold.
import_many() {
  local dir="$work/tiny" i
  mkdir -p "$dir/root/etc"
  for ((i = 1; i <= image_count; i++)); do
    echo "tiny image $i" >"$dir/root/etc/tiny-id"
    tar --create --numeric-owner --file "$dir/tiny.tar" -C "$dir/root" .
    "$isobench" import "$dir/tiny.tar" "localhost/tiny$i:latest" >/dev/null
  done
  rm -rf "$dir"
}

# --- the figures ----------------------------------------------------------------------------

# Medians of every phase of `--stats-json` over stats_runs runs of one command, as
# "phase<TAB>ms" lines (plus launch_to_exit, the whole of what isobench measures itself).
phase_medians() {
  local label=$1
  shift
  local dir="$work/stats/$label" i
  mkdir -p "$dir"
  for ((i = 0; i < stats_runs; i++)); do
    "$isobench" run --stats-json "$dir/$i.json" "$@" >/dev/null
  done
  jq -s -r 'def median: sort | if length % 2 == 1 then .[length / 2 | floor]
                                else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    (.[0].phases_ms | keys_unsorted) as $phases
    | ($phases[] as $p | [$p, ([.[].phases_ms[$p]] | median)]),
      ["launch_to_exit", ([.[].launch_to_exit_ms] | median)]
    | @tsv' "$dir"/*.json
}

print_phases() {
  local one=$1 five=$2 rootfs=$3
  echo
  echo "Where the time goes: medians of isobench run --stats-json over $stats_runs runs each (ms):"
  printf '%-22s %12s %12s %12s %12s %12s\n' phase "1 layer" "5 layers" "rootfs dir" "1 - rootfs" "5 - rootfs"
  paste "$one" "$five" "$rootfs" | while IFS=$'\t' read -r p a _ b _ c; do
    awk -v p="$p" -v a="$a" -v b="$b" -v c="$c" '
      function f(x) { return x == "-" ? sprintf("%12s", "-") : sprintf("%12.3f", x) }
      function d(x) { return x == "-" ? sprintf("%12s", "-") : sprintf("%+12.3f", x - c) }
      BEGIN { printf "%-22s %s %s %s %s %s\n", p, f(a), f(b), f(c), d(a), d(b) }'
  done
  echo "(launch_to_exit is what isobench times itself; the hyperfine medians above also hold"
  echo " exec of isobench, the image's lookup in the store and the options' parsing)"
}

# One of the run targets, or why it was not measured.
run_target() {
  local name=$1 what=$2 diff=$3
  if [[ -n "${failed[$name]:-}" ]]; then
    printf '  %s: not measured, the run fails: %s\n' "$what" "${failed[$name]}"
  else
    printf '  %s: %+.3f ms  (target <= 0.3 ms): %s\n' "$what" "$diff" "$(verdict "$diff" '<=' 0.3)"
  fi
}

print_report() {
  local run_json=$1 images_json=$2
  local one five rootfs images_ms quiet_ms d1 d5
  one=$(median_of "image, 1 layer" "$run_json")
  five=$(median_of "image, 5 layers" "$run_json")
  rootfs=$(median_of "rootfs dir" "$run_json")
  images_ms=$(median_of "isobench images" "$images_json")
  quiet_ms=$(median_of "isobench images -q" "$images_json")
  d1=$(awk -v a="$one" -v b="$rootfs" 'BEGIN { printf "%.3f", a - b }')
  d5=$(awk -v a="$five" -v b="$rootfs" 'BEGIN { printf "%.3f", a - b }')
  echo
  echo "isobench run ... /bin/true, $runs runs each (interleaved rounds of $runs_per_round) after 5 warm-up runs, side by side:"
  printf '%-18s %10s %10s %10s %16s\n' command "median ms" "min ms" "max ms" "vs rootfs ms"
  jq -r '.results[] | [.command, (.median * 1000), (.min * 1000), (.max * 1000)] | @tsv' "$run_json" |
    while IFS=$'\t' read -r name median min max; do
      awk -v n="$name" -v m="$median" -v lo="$min" -v hi="$max" -v r="$rootfs" \
        'BEGIN { printf "%-18s %10.3f %10.3f %10.3f %+16.3f\n", n, m, lo, hi, m - r }'
    done
  local name
  for name in "${!failed[@]}"; do printf '%-18s %10s (isobench run fails)\n' "$name" FAILED; done
  echo
  echo "isobench images over $store_size images ($image_count imported + 2 loaded + the built-in), $images_runs runs each:"
  printf '%-18s %10s %10s %10s\n' command "median ms" "min ms" "max ms"
  jq -r '.results[] | [.command, (.median * 1000), (.min * 1000), (.max * 1000)] | @tsv' "$images_json" |
    while IFS=$'\t' read -r name median min max; do
      awk -v n="$name" -v m="$median" -v lo="$min" -v hi="$max" \
        'BEGIN { printf "%-18s %10.3f %10.3f %10.3f\n", n, m, lo, hi }'
    done

  echo
  echo "Issue 14's targets:"
  run_target "image, 1 layer" "run IMAGE (1 layer)  - run --rootfs" "$d1"
  run_target "image, 5 layers" "run IMAGE (5 layers) - run --rootfs" "$d5"
  printf '  isobench images, %d images: %.3f ms            (target < 10 ms):   %s\n' "$store_size" "$images_ms" \
    "$(verdict "$images_ms" '<' 10)"
  printf '  isobench images -q, %d images: %.3f ms         (target < 10 ms):   %s\n' "$store_size" "$quiet_ms" \
    "$(verdict "$quiet_ms" '<' 10)"
  echo "(timings on a shared machine are noisy: compare figures from one run, not across runs)"
  if ((keep)); then echo "hyperfine's JSON: $work/results"; fi
}

# --- main -----------------------------------------------------------------------------------

layout="$work/layout"
log "building the 1-layer and 5-layer images with umoci"
build_images "$layout"
log "loading them into $ISOBENCH_STORE with skopeo copy to oci-archive + isobench load -i"
one_ref=localhost/bench-one:latest
five_ref=localhost/bench-five:latest
load_image "$layout" one "$one_ref"
load_image "$layout" five "$five_ref"
one_layers=$(layer_count "$one_ref")
five_layers=$(layer_count "$five_ref")
if [[ "$one_layers" != 1 || "$five_layers" != 5 ]]; then
  echo "image_benchmark.sh: expected 1 and 5 layers, the store has $one_layers and $five_layers" >&2
  exit 1
fi
umoci unpack --image "$layout:five" "$work/bundle" >/dev/null
rootfs="$work/bundle/rootfs"

# Every command must succeed before it is timed: a failing run is fast and would look good.
# One that fails is left out of the timings and reported with its error instead.
declare -A failed=()
hyperfine_args=()
phase_args=()
probe_run() {
  local name=$1 label=$2
  shift 2
  local err
  if err=$("$isobench" run "$@" 2>&1 >/dev/null); then
    hyperfine_args+=(--command-name "$name" "$isobench run $*")
    phase_args+=("$label")
  else
    failed[$name]=$err
    log "$name: isobench run $* fails, left out: $err"
  fi
}
probe_run "image, 1 layer" one "$one_ref" /bin/true
probe_run "image, 5 layers" five "$five_ref" /bin/true
probe_run "rootfs dir" rootfs --rootfs "$rootfs" -- /bin/true
[[ -z "${failed[rootfs dir]:-}" ]] || { echo "image_benchmark.sh: the --rootfs run fails, nothing to compare with" >&2; exit 1; }

mkdir -p "$work/results"
# Interleaved: rounds of a few runs of every command, so that a burst of load from the
# machine's other users lands on all three alike; a block of one command's runs after
# another's drifted by more than the 0.3 ms the target is about.
rounds=$(((runs + runs_per_round - 1) / runs_per_round))
log "measuring isobench run: $rounds interleaved rounds of $runs_per_round runs of each, after 5 warm-up runs"
hyperfine --style none -N --warmup 5 --runs 1 "${hyperfine_args[@]}" >/dev/null
for ((round = 1; round <= rounds; round++)); do
  hyperfine --style none -N --runs "$runs_per_round" --export-json "$work/results/run-round-$round.json" \
    "${hyperfine_args[@]}" >/dev/null
done
merge_rounds "$work"/results/run-round-*.json >"$work/results/run.json"

log "collecting --stats-json phases ($stats_runs runs each)"
for label in rootfs one five; do
  case "$label" in
    one) args=("$one_ref" /bin/true) ;;
    five) args=("$five_ref" /bin/true) ;;
    rootfs) args=(--rootfs "$rootfs" -- /bin/true) ;;
  esac
  if [[ " ${phase_args[*]} " == *" $label "* ]]; then
    phase_medians "$label" "${args[@]}" >"$work/results/phases-$label.tsv"
  else
    # The same rows, no figures, so the table keeps its columns.
    awk -F'\t' '{ print $1 "\t-" }' "$work/results/phases-rootfs.tsv" >"$work/results/phases-$label.tsv"
  fi
done

log "importing $image_count distinct one-file images"
import_many
store_size=$("$isobench" images -q | wc -l)
log "measuring isobench images over $store_size images: $images_runs runs each"
hyperfine --style basic -N --warmup 5 --runs "$images_runs" --export-json "$work/results/images.json" \
  --command-name "isobench images" "$isobench images" \
  --command-name "isobench images -q" "$isobench images -q" >&2

print_report "$work/results/run.json" "$work/results/images.json"
print_phases "$work/results/phases-one.tsv" "$work/results/phases-five.tsv" "$work/results/phases-rootfs.tsv"
