#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (ASan + UBSan), each for a bounded time:
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default: 25 s, every target)
#   scripts/fuzz.sh 600                                 a release check: 10 minutes each
# CI runs it briefly from `./scripts/setup.sh test`; the fuzzers come from the clang build that
# `./scripts/setup.sh test` (or `sanitize`) makes in build-sanitize/.
#
# Each target starts from its committed seeds (tests/fuzz/corpus/NAME, only read) and the
# inputs earlier runs found (build-sanitize/fuzz/corpus/NAME, where new ones go). A crash,
# a leak, a sanitizer report, an input slower than FUZZ_TIMEOUT seconds or more memory than
# FUZZ_RSS_LIMIT_MB leaves the input in build-sanitize/fuzz/artifacts/ and makes the exit
# status 1. The closing table gives each target's executions (libFuzzer's final stats).
# Environment: SANITIZE_BUILD_DIR (default build-sanitize), FUZZ_JOBS (targets run at once,
# default: the number of CPUs), FUZZ_RSS_LIMIT_MB (2048), FUZZ_TIMEOUT (10).
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${SANITIZE_BUILD_DIR:-$top/build-sanitize}"
seconds="${1:-25}"
shift || true
jobs="${FUZZ_JOBS:-$(nproc)}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ && "$jobs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]  (FUZZ_JOBS: a positive number)" >&2
  exit 2
fi

# The longest input each target tries: enough for every seed and for nesting past the readers'
# depth limits; longer inputs mostly slow the search down.
declare -A max_len=([scenario]=8192 [results]=16384 [price_list]=8192 [option_values]=512)
targets=("$@")
((${#targets[@]})) || targets=(scenario results price_list option_values)

fuzz_dir="$build_dir/fuzz"
for name in "${targets[@]}"; do
  if [[ -z "${max_len[$name]:-}" ]]; then
    echo "fuzz: unknown target '$name' (known: ${!max_len[*]})" >&2
    exit 2
  fi
  if [[ ! -x "$fuzz_dir/fuzz_$name" ]]; then
    echo "fuzz: $fuzz_dir/fuzz_$name is missing: build it with ./scripts/setup.sh sanitize" >&2
    exit 2
  fi
done
mkdir -p "$fuzz_dir/artifacts" "$fuzz_dir/logs"
# Symbolized reports; an error anywhere stops the target.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# One target, its output into logs/NAME.log and libFuzzer's exit status into logs/NAME.status.
fuzz_one() {
  local name="$1" corpus="$fuzz_dir/corpus/$1" dict="$fuzz_dir/$1.dict" status=0
  mkdir -p "$corpus"
  cat "$top/tests/fuzz/json.dict" "$top/tests/fuzz/$name.dict" >"$dict"
  "$fuzz_dir/fuzz_$name" "$corpus" "$top/tests/fuzz/corpus/$name" -dict="$dict" -max_total_time="$seconds" \
    -max_len="${max_len[$name]}" -rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}" -timeout="${FUZZ_TIMEOUT:-10}" \
    -print_final_stats=1 -artifact_prefix="$fuzz_dir/artifacts/$name-" >"$fuzz_dir/logs/$name.log" 2>&1 || status=$?
  echo "$status" >"$fuzz_dir/logs/$name.status"
}

echo "fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time: ${targets[*]}"
running=0
for name in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
  rm -f "$fuzz_dir/logs/$name.status"
  fuzz_one "$name" &
  running=$((running + 1))
done
wait

failed=()
summary=()
total=0
for name in "${targets[@]}"; do
  log="$fuzz_dir/logs/$name.log"
  status="$(cat "$fuzz_dir/logs/$name.status" 2>/dev/null || echo "?")"
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  inputs="$(find "$fuzz_dir/corpus/$name" -type f | wc -l)"
  verdict="ok"
  if [[ "$status" != 0 ]]; then
    failed+=("$name")
    verdict="FAILED (exit status $status)"
    echo "fuzz: $name FAILED: the end of $log:" >&2
    tail -n 40 "$log" >&2
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    [[ -z "$artifact" ]] || echo "fuzz: reproduce with: $fuzz_dir/fuzz_$name $artifact" >&2
  fi
  total=$((total + ${executions:-0}))
  summary+=("$(printf '%-14s %10s executions %6s edges %6s corpus inputs  %s' \
    "$name" "${executions:-?}" "${coverage:-?}" "$inputs" "$verdict")")
done

printf 'fuzz:   %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $fuzz_dir/artifacts/)" >&2
  exit 1
fi
echo "fuzz: $total executions in all, no crash"
