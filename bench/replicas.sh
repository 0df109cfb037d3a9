#!/usr/bin/env bash
# The whole-path benchmark with two independent copies of plain and of inboard beside the proxy
# (plain, plain-2, inboard, inboard-2, proxy), with bench/run.sh's settings, and writes
# bench/REPLICAS.md: each set-up against its copy, and the headline figures from every pairing of a
# plain copy with an inboard copy. Two copies of one set-up run the same code, so how far they
# differ is how finely one run can resolve a target. On 127.0.0.1 only; about 13 minutes on 2 cores.
#
#   bench/replicas.sh                 build + run
#   SKIP_BUILD=1 bench/replicas.sh    use the jars already built
#   QUICK=1 bench/replicas.sh         a short run to check the set-up (figures not meaningful)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/target/replicas
STARTED=$(date +%s)
log() { printf '[replicas.sh %4ss] %s\n' "$(( $(date +%s) - STARTED ))" "$*"; }
# shellcheck source=bench/common.sh
. bench/common.sh

cleanup() {
  local status=$?
  # WholePathBench lists every process it starts in <work>/pids: stop them even if it was killed hard.
  if [ -f "$OUT/wholepath/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$OUT/wholepath/pids"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUT/jars"
rm -f "$OUT/wholepath/pids" "$OUT/wholepath.json"
need_tools
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building (mvn -q -DskipTests package)"
  mvn -B -q -DskipTests package -pl bench,agent,config-server,demo-user-service -am
fi
# Measure copies of the jars, as bench/run.sh does: a rebuild during the run must not pull them away.
for jar in bench/target/benchmarks.jar demo-user-service/target/demo-user-service.jar agent/target/inboard-agent.jar \
    config-server/target/inboard-config-server.jar; do
  [ -f "$jar" ] || { echo "missing $jar: build it first (mvn -B -DskipTests package)" >&2; exit 1; }
  cp "$jar" "$OUT/jars/"
done
write_machine "$OUT/machine.txt"

if [ "${QUICK:-0}" = 1 ]; then WP_ARGS=("${WP_QUICK[@]}"); else WP_ARGS=("${WP_FULL[@]}"); fi
log "whole path: plain, plain-2, inboard, inboard-2, proxy"
java -Xmx512m -cp "$OUT/jars/benchmarks.jar" io.inboard.bench.wholepath.WholePathBench \
  --setups plain,plain-2,inboard,inboard-2,proxy \
  --demo-jar "$OUT/jars/demo-user-service.jar" --agent-jar "$OUT/jars/inboard-agent.jar" \
  --config-server-jar "$OUT/jars/inboard-config-server.jar" --inboard-mode server --jvm-options "-Xmx256m" \
  --work "$OUT/wholepath" --out "$OUT/wholepath.json" "${WP_ARGS[@]}"
java -cp "$OUT/jars/benchmarks.jar" io.inboard.bench.report.ReplicaReport --results "$OUT/wholepath.json" \
  --machine "$OUT/machine.txt" --out bench/REPLICAS.md \
  --command "bench/replicas.sh$([ "${QUICK:-0}" = 1 ] && echo ' (QUICK=1: figures not meaningful)')"
log "done: bench/REPLICAS.md"
