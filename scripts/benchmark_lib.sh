# shellcheck shell=bash
# Helpers the benchmark scripts share (sourced by pull_benchmark.sh, image_benchmark.sh,
# container_benchmark.sh and course_tour.sh): merging hyperfine rounds, reading medians out of
# hyperfine's JSON, verdicts, and a docker-registry of their own on a free loopback port.

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

# A docker-registry on a free 127.0.0.1 port, its storage under $work/registry: sets
# registry (HOST:PORT) and registry_pid; the caller stops it (kill "$registry_pid").
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Another process may take the port between the pick and the registry's bind: retry then.
start_registry() {
  local _ port i
  mkdir -p "$work/registry/storage"
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    cat >"$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry/storage
http:
  addr: 127.0.0.1:$port
  secret: isobench-local-registry
EOF
    docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
    registry_pid=$!
    for ((i = 0; i < 100; i++)); do
      kill -0 "$registry_pid" 2>/dev/null || break
      if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
        registry="127.0.0.1:$port"
        return 0
      fi
      sleep 0.1
    done
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=
  done
  echo "${0##*/}: the registry did not start; its log:" >&2
  cat "$work/registry/log" >&2
  return 1
}
