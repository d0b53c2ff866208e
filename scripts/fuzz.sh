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
# Environment: SANITIZE_BUILD_DIR (default build-sanitize), FUZZ_RSS_LIMIT_MB (2048),
# FUZZ_TIMEOUT (10).
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${SANITIZE_BUILD_DIR:-$top/build-sanitize}"
seconds="${1:-25}"
shift || true
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi

# The longest input each target tries: enough for every seed and for nesting past the readers'
# depth limits; longer inputs mostly slow the search down.
declare -A max_len=([scenario]=8192 [results]=16384 [price_list]=8192 [option_values]=512)
targets=("$@")
((${#targets[@]})) || targets=(scenario results price_list option_values)

fuzz_dir="$build_dir/fuzz"
mkdir -p "$fuzz_dir/artifacts" "$fuzz_dir/logs"
# Symbolized reports; a leak or an error anywhere stops the target.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
summary=()
total=0
for name in "${targets[@]}"; do
  binary="$fuzz_dir/fuzz_$name"
  seeds="$top/tests/fuzz/corpus/$name"
  if [[ -z "${max_len[$name]:-}" || ! -d "$seeds" ]]; then
    echo "fuzz: unknown target '$name' (known: ${!max_len[*]})" >&2
    exit 2
  fi
  if [[ ! -x "$binary" ]]; then
    echo "fuzz: $binary is missing: build it with ./scripts/setup.sh sanitize" >&2
    exit 2
  fi
  corpus="$fuzz_dir/corpus/$name"
  mkdir -p "$corpus"
  dict="$fuzz_dir/$name.dict"
  cat "$top/tests/fuzz/json.dict" "$top/tests/fuzz/$name.dict" >"$dict"
  log="$fuzz_dir/logs/$name.log"

  echo "fuzz: $name for $seconds s"
  status=0
  "$binary" "$corpus" "$seeds" -dict="$dict" -max_total_time="$seconds" -max_len="${max_len[$name]}" \
    -rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 \
    -artifact_prefix="$fuzz_dir/artifacts/$name-" >"$log" 2>&1 || status=$?

  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  inputs="$(find "$corpus" -type f | wc -l)"
  if ((status != 0)); then
    failed+=("$name")
    verdict="FAILED (exit status $status)"
    echo "fuzz: $name FAILED: the end of $log:" >&2
    tail -n 40 "$log" >&2
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    [[ -n "$artifact" ]] && echo "fuzz: reproduce with: $binary $artifact" >&2
  else
    verdict="ok"
  fi
  total=$((total + ${executions:-0}))
  summary+=("$(printf '%-14s %12s executions  %6s edges  %6s corpus inputs  %s' \
    "$name" "${executions:-?}" "${coverage:-?}" "$inputs" "$verdict")")
done

echo "fuzz: ${#targets[@]} targets, $seconds s each:"
printf 'fuzz:   %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $fuzz_dir/artifacts/)" >&2
  exit 1
fi
echo "fuzz: $total executions, no crash"
