# shellcheck shell=bash
# Helpers the benchmark scripts share (sourced by pull_benchmark.sh and image_benchmark.sh):
# merging hyperfine rounds, reading medians out of hyperfine's JSON, and verdicts.

# hyperfine JSON files of interleaved rounds (each with every command once or a few times)
# merged into one document of the same shape: every command's times together, its min,
# max and median, in the first round's command order.
merge_rounds() {
  jq -s '(.[0].results | map(.command)) as $order | [.[].results[]] as $all
    | {results: [$order[] as $c | [$all[] | select(.command == $c) | .times[]] | sort
        | {command: $c, times: ., min: .[0], max: .[-1],
           median: (if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end)}]}' "$@"
}

# The median of command NAME, in ms, from hyperfine JSON files.
median_of() {
  local name=$1
  shift
  jq -r --arg n "$name" '.results[] | select(.command == $n) | .median * 1000' "$@"
}

# "met" when the figure satisfies `op limit` (op: >=, <= or <), else "NOT met".
verdict() {
  awk -v x="$1" -v op="$2" -v y="$3" 'BEGIN {
    ok = (op == ">=") ? (x >= y) : (op == "<=") ? (x <= y) : (x < y)
    print ok ? "met" : "NOT met" }'
}
