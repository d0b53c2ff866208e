#!/usr/bin/env bash
# Pull + unpack of a Debian python3 image from a private loopback registry, side by side:
# isobench pull, podman pull, skopeo copy + umoci unpack, and the limit (curl fetching the
# blobs, each layer piped into tar -x, layers in parallel); then a second isobench pull of
# the image it already has. Prints figures and which of issue 14's speed targets are met;
# nothing here is a test and nothing asserts a time.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/pull_benchmark.sh [--runs N] [--image-cache PATH] [--isobench PATH] [--interleave] [--keep]

Measures cold pulls (each run starts from an empty store) of a Debian bookworm image with
python3-minimal, split into layers, from a docker-registry started on a free 127.0.0.1 port:
  isobench      isobench pull (a fresh $ISOBENCH_STORE)
  podman        podman pull (private --root/--runroot, overlay driver)
  skopeo+umoci  skopeo copy to an OCI layout, then umoci unpack into a bundle
  curl+tar      the limit: curl for manifest, config and layers, each layer into tar -xz, in parallel
and the warm case: isobench pull of the image it already holds. Needs root, hyperfine, jq,
curl, docker-registry, skopeo, umoci, podman, and mmdebstrap if the root tarball is not cached.

  --runs N            timed runs per tool (default 5; hyperfine also does 1 warm-up run)
  --image-cache PATH  the mmdebstrap root tarball, built there if missing
                      (default /var/cache/isobench-tests/debian-python3-bookworm.tar,
                      the integration tests' cache)
  --isobench PATH     the isobench binary (default build/isobench of this checkout)
  --interleave        N rounds, each running every tool once (one hyperfine call per round),
                      instead of N runs of one tool then N of the next: steadier ratios
                      when other work on the machine comes and goes
  --keep              keep the work directory (registry storage, stores, hyperfine JSON)
  -h, --help          this text
EOF
}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/benchmark_lib.sh
source "$repo_root/scripts/benchmark_lib.sh"
runs=5
image_cache=/var/cache/isobench-tests/debian-python3-bookworm.tar
isobench="$repo_root/build/isobench"
keep=0
interleave=0

while (($#)); do
  case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --image-cache) image_cache=${2:?--image-cache needs a path}; shift 2 ;;
    --image-cache=*) image_cache=${1#*=}; shift ;;
    --isobench) isobench=${2:?--isobench needs a path}; shift 2 ;;
    --isobench=*) isobench=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    --interleave) interleave=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "pull_benchmark.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "pull_benchmark.sh: --runs wants a positive number, not '$runs'" >&2
  exit 2
fi
if ((EUID != 0)); then
  echo "pull_benchmark.sh: run as root (the unpacked layers keep their owners and device nodes)" >&2
  exit 1
fi
for tool in hyperfine jq curl tar docker-registry skopeo umoci podman; do
  command -v "$tool" >/dev/null || { echo "pull_benchmark.sh: $tool is not installed" >&2; exit 1; }
done
[[ -x "$isobench" ]] || { echo "pull_benchmark.sh: no isobench at $isobench (build it, or pass --isobench)" >&2; exit 1; }
isobench=$(realpath "$isobench")

work=$(mktemp -d /tmp/isobench-pull-bench.XXXXXX)
registry_pid=
podman_roots=()

log() { printf '== %s\n' "$*" >&2; }

# Podman's overlay driver may leave mounts beneath its root; reset it, and unmount whatever
# it left, before anything under the work directory is removed.
release_podman_root() {
  local root=$1 runroot=$2
  [[ -d "$root" ]] || return 0
  podman_cmd "$root" "$runroot" system reset -f >/dev/null 2>&1 || true
  local mounts
  mounts=$(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r)
  local m
  for m in $mounts; do umount -l "$m" 2>/dev/null || true; done
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$registry_pid" ]] && kill -0 "$registry_pid" 2>/dev/null; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  local i
  for ((i = 0; i < ${#podman_roots[@]}; i += 2)); do
    release_podman_root "${podman_roots[i]}" "${podman_roots[i + 1]}"
  done
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

# --- the Debian root, cached the way tests/integration/test_images.cpp caches it ----------

debian_sources() {
  local candidate
  for candidate in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [[ -r "$candidate" ]] && grep -q debian "$candidate"; then echo "$candidate"; return 0; fi
  done
  echo "pull_benchmark.sh: no configured Debian mirror in /etc/apt" >&2
  return 1
}

# The tarball appears only by rename, whole, so its existence means it is complete; the
# lock makes a concurrent test run (or benchmark) wait instead of building it twice.
ensure_root_tarball() {
  [[ -r "$image_cache" ]] && return 0
  command -v mmdebstrap >/dev/null || { echo "pull_benchmark.sh: mmdebstrap is not installed" >&2; return 1; }
  mkdir -p "$(dirname "$image_cache")"
  local sources partial="${image_cache%.tar}.partial.tar"
  sources=$(debian_sources)
  (
    flock 9
    if [[ ! -r "$image_cache" ]]; then
      log "building $image_cache with mmdebstrap (about 20 s)"
      rm -f "$partial"
      mmdebstrap --quiet --variant=minbase --include=python3-minimal --format=tar bookworm "$partial" "$sources" ||
        { rm -f "$partial"; exit 1; }
      mv "$partial" "$image_cache"
    fi
  ) 9>"$image_cache.lock"
}

# --- the image: three layers, so that parallel fetching and unpacking matter -------------

# Layer 1 the base system, layer 2 Python's standard library, layer 3 the shared libraries
# of /usr/lib/x86_64-linux-gnu: three layers of roughly useful sizes.
build_oci_image() {
  local layout=$1 tag=$2 root="$work/root" parts="$work/layer-tars"
  mkdir -p "$root" "$parts"
  tar --extract --numeric-owner --same-permissions --xattrs --file "$image_cache" -C "$root"
  local python_dirs libs=./usr/lib/x86_64-linux-gnu
  python_dirs=$(cd "$root" && find ./usr/lib -maxdepth 1 -name 'python3*' | sort)
  [[ -n "$python_dirs" ]] || { echo "pull_benchmark.sh: no usr/lib/python3* in $image_cache" >&2; return 1; }
  local excludes=() d
  for d in $python_dirs $libs; do excludes+=("--exclude=$d"); done
  local tar_flags=(--create --numeric-owner --xattrs --sort=name -C "$root")
  tar "${tar_flags[@]}" --file "$parts/1.tar" "${excludes[@]}" .
  # shellcheck disable=SC2086 # the python directories are words without spaces
  tar "${tar_flags[@]}" --file "$parts/2.tar" $python_dirs
  tar "${tar_flags[@]}" --file "$parts/3.tar" "$libs"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  local n
  for n in 1 2 3; do
    umoci raw add-layer --image "$layout:$tag" --history.created_by "pull_benchmark.sh layer $n" "$parts/$n.tar"
  done
  umoci config --image "$layout:$tag" --config.cmd /usr/bin/python3 \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --os linux --architecture amd64
  rm -rf "$root" "$parts"
}

# --- the registry ---------------------------------------------------------------------------

# free_port and start_registry are in benchmark_lib.sh.

# --- the tools ------------------------------------------------------------------------------

# podman on this host needs these limits (its defaults exceed what the machine grants) and
# no network namespace; storage and policy are private so the host's own podman is untouched.
write_podman_config() {
  mkdir -p "$work/podman"
  cat >"$work/podman/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
EOF
  echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$work/podman/policy.json"
  : >"$work/podman/registries.conf"
}

podman_cmd() {
  local root=$1 runroot=$2
  shift 2
  CONTAINERS_CONF="$work/podman/containers.conf" CONTAINERS_REGISTRIES_CONF="$work/podman/registries.conf" \
    podman --root "$root" --runroot "$runroot" --storage-driver overlay "$@"
}

# The limit: no verification, no store, no bookkeeping; just the bytes over HTTP and tar.
write_limit_script() {
  cat >"$work/curl_tar_pull.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
registry=$1 repo=$2 tag=$3 dest=$4
accept='application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json'
mkdir -p "$dest"
curl -fsS -H "Accept: $accept" -o "$dest/manifest.json" "http://$registry/v2/$repo/manifests/$tag"
config=$(jq -r .config.digest "$dest/manifest.json")
curl -fsS -o "$dest/config.json" "http://$registry/v2/$repo/blobs/$config" &
pids=($!)
n=0
for layer in $(jq -r '.layers[].digest' "$dest/manifest.json"); do
  n=$((n + 1))
  mkdir "$dest/$n"
  (curl -fsS "http://$registry/v2/$repo/blobs/$layer" | tar --extract --gzip --numeric-owner --file - -C "$dest/$n") &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
EOF
  chmod +x "$work/curl_tar_pull.sh"
}

# --- the figures ----------------------------------------------------------------------------

# One row per hyperfine result: name, median, min, max in ms.
figures() {
  jq -r '.results[] | [.command, (.median * 1000), (.min * 1000), (.max * 1000)] | @tsv' "$@"
}

print_report() {
  local cold=$1 warm=$2
  local iso podman skopeo limit warm_ms
  iso=$(median_of isobench "$cold")
  podman=$(median_of podman "$cold")
  skopeo=$(median_of skopeo+umoci "$cold")
  limit=$(median_of curl+tar "$cold")
  warm_ms=$(median_of "isobench (warm)" "$warm")

  echo
  local how="$runs runs each"
  ((interleave)) && how="$runs interleaved rounds"
  echo "Cold pull + unpack of $image_ref ($layer_summary), $how:"
  printf '%-18s %10s %10s %10s %12s\n' tool "median ms" "min ms" "max ms" "vs isobench"
  figures "$cold" | while IFS=$'\t' read -r name median min max; do
    awk -v n="$name" -v m="$median" -v lo="$min" -v hi="$max" -v i="$iso" \
      'BEGIN { printf "%-18s %10.1f %10.1f %10.1f %11.2fx\n", n, m, lo, hi, m / i }'
  done
  # The warm pull is a different task (nothing to fetch): no ratio to the cold pulls.
  figures "$warm" | while IFS=$'\t' read -r name median min max; do
    printf '%-18s %10.1f %10.1f %10.1f %12s\n' "$name" "$median" "$min" "$max" -
  done

  local vs_podman vs_skopeo vs_limit
  vs_podman=$(awk -v a="$podman" -v b="$iso" 'BEGIN { printf "%.2f", a / b }')
  vs_skopeo=$(awk -v a="$skopeo" -v b="$iso" 'BEGIN { printf "%.2f", a / b }')
  vs_limit=$(awk -v a="$iso" -v b="$limit" 'BEGIN { printf "%.2f", a / b }')
  echo
  echo "Issue 14's targets:"
  printf '  isobench %sx faster than podman pull             (target >= 1.5x): %s\n' "$vs_podman" \
    "$(verdict "$vs_podman" '>=' 1.5)"
  printf '  isobench %sx faster than skopeo copy + umoci     (target >= 1.5x): %s\n' "$vs_skopeo" \
    "$(verdict "$vs_skopeo" '>=' 1.5)"
  printf '  isobench at %sx the curl+tar limit               (target <= 1.3x): %s\n' "$vs_limit" \
    "$(verdict "$vs_limit" '<=' 1.3)"
  printf '  warm isobench pull %.1f ms                        (target < 50 ms): %s\n' "$warm_ms" \
    "$(verdict "$warm_ms" '<' 50)"
  echo "(timings on a shared machine are noisy: compare figures from one run, not across runs)"
  if ((keep)); then echo "hyperfine's JSON: $work/results"; fi
}

# --- main -----------------------------------------------------------------------------------

ensure_root_tarball
log "building the OCI image from $image_cache"
layout="$work/image-layout"
build_oci_image "$layout" bookworm >/dev/null
log "starting docker-registry"
start_registry
repo=debian-python3
image_ref="$registry/$repo:bookworm"
skopeo --insecure-policy copy --quiet --dest-tls-verify=false "oci:$layout:bookworm" "docker://$image_ref"
layer_summary=$(jq -r '"\(.layers | length) layers, \([.layers[].size] | add / 1048576 | floor) MiB compressed"' \
  "$layout/blobs/sha256/$(jq -r '.manifests[0].digest | ltrimstr("sha256:")' "$layout/index.json")")
log "pushed $image_ref ($layer_summary)"

write_podman_config
write_limit_script
mkdir -p "$work/results"
podman_roots+=("$work/podman/root" "$work/podman/runroot")

# Each prepare empties one tool's store and flushes the page cache's dirty pages, so a run
# starts cold and does not pay for the previous run's writeback.
iso_store="$work/isobench-store"
iso_cold="ISOBENCH_STORE=$iso_store $isobench pull -q $image_ref >/dev/null"
iso_prepare="rm -rf $iso_store && sync"
podman_cold="CONTAINERS_CONF=$work/podman/containers.conf CONTAINERS_REGISTRIES_CONF=$work/podman/registries.conf"
podman_cold+=" podman --root $work/podman/root --runroot $work/podman/runroot --storage-driver overlay"
podman_prepare="$podman_cold system reset -f >/dev/null 2>&1; rm -rf $work/podman/root $work/podman/runroot && sync"
podman_cold+=" pull -q --tls-verify=false --signature-policy $work/podman/policy.json $image_ref >/dev/null"
skopeo_cold="skopeo --insecure-policy copy --quiet --src-tls-verify=false docker://$image_ref"
skopeo_cold+=" oci:$work/skopeo/layout:bookworm && umoci unpack --image $work/skopeo/layout:bookworm $work/skopeo/bundle"
skopeo_cold+=" >/dev/null"
skopeo_prepare="rm -rf $work/skopeo && mkdir $work/skopeo && sync"
limit_cold="$work/curl_tar_pull.sh $registry $repo bookworm $work/limit"
limit_prepare="rm -rf $work/limit && sync"

cold_pulls=(--command-name isobench --prepare "$iso_prepare" "$iso_cold"
  --command-name podman --prepare "$podman_prepare" "$podman_cold"
  --command-name skopeo+umoci --prepare "$skopeo_prepare" "$skopeo_cold"
  --command-name curl+tar --prepare "$limit_prepare" "$limit_cold")
if ((interleave)); then
  # Round 0 is the warm-up; each later round runs every tool once, so a burst of load from
  # the machine's other users lands on all tools alike instead of on one tool's runs.
  log "measuring cold pulls interleaved: $runs rounds after 1 warm-up round"
  for ((round = 0; round <= runs; round++)); do
    hyperfine --style none --runs 1 --export-json "$work/results/round-$round.json" "${cold_pulls[@]}"
    ((round == 0)) || log "round $round: $(jq -r '[.results[] | "\(.command) \(.median * 1000 | floor) ms"] | join(", ")' \
      "$work/results/round-$round.json")"
  done
  rm "$work/results/round-0.json"
  merge_rounds "$work"/results/round-*.json >"$work/results/cold.json"
else
  log "measuring cold pulls ($runs runs each, 1 warm-up)"
  hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$work/results/cold.json" "${cold_pulls[@]}" >&2
fi

# The warm case pulls into the store the last cold isobench run filled.
warm_runs=$((runs < 10 ? 10 : runs))
log "measuring the warm isobench pull ($warm_runs runs)"
hyperfine --style basic --runs "$warm_runs" --warmup 1 --export-json "$work/results/warm.json" \
  --command-name "isobench (warm)" "$iso_cold" >&2

print_report "$work/results/cold.json" "$work/results/warm.json"
