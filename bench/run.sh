#!/usr/bin/env bash
# Inboard benchmarks, end to end: builds, then measures on 127.0.0.1 only
#   1. the whole path (load generator -> frontend -> user) in the plain, plain-canary, inboard and proxy
#      set-ups,
#   2. the control plane (200 watching agents, 50 edits),
#   3. startup with and without the agent,
#   4. JMH micro-benchmarks (router, consistent hashing, context hand-off),
# and writes bench/REPORT.md and bench/results.json. Bounded: under 15 minutes on 2 cores.
#
#   bench/run.sh                 full run
#   QUICK=1 bench/run.sh         a short run to check the set-up (figures not meaningful)
#   SKIP_BUILD=1 bench/run.sh    use the jars already built
#   INBOARD_MODE=standalone      agents read a local rules file instead of the config server
#   REPORT_ONLY=1 bench/run.sh   rewrite the report from the last run's results (no measuring)
#
# Every process started here is stopped on exit, also on Ctrl-C or failure.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=bench/target
RESULTS=$OUT/results
QUICK=${QUICK:-0}
INBOARD_MODE=${INBOARD_MODE:-server}
JVM_OPTIONS=${JVM_OPTIONS:--Xmx256m}
STARTED=$(date +%s)

log() { printf '[run.sh %4ss] %s\n' "$(( $(date +%s) - STARTED ))" "$*"; }

cleanup() {
  local status=$?
  # Every benchmark program appends the pid of each process it starts to <work>/pids; if one of
  # them was killed hard, its children are still listed there.
  for f in "$OUT"/wholepath/pids "$OUT"/controlplane/pids "$OUT"/startup/pids; do
    [ -f "$f" ] || continue
    while read -r pid; do
      kill "$pid" 2>/dev/null || true
    done < "$f"
  done
  # Our own background jobs (none normally; the benchmarks run in the foreground).
  local jobs_left
  jobs_left=$(jobs -p)
  [ -z "$jobs_left" ] || kill $jobs_left 2>/dev/null || true
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/common.sh
. bench/common.sh

mkdir -p "$RESULTS"
if [ "${REPORT_ONLY:-0}" = 1 ]; then
  # Rewrites REPORT.md and results.json from the last run's files (e.g. after editing ANALYSIS.md).
  java -cp "$OUT/benchmarks.jar" io.inboard.bench.report.ReportWriter --results "$RESULTS" \
    --report bench/REPORT.md --json bench/results.json
  exit 0
fi
rm -f "$RESULTS"/*.json "$OUT"/*/pids
[ -f bench/results.json ] && cp bench/results.json "$RESULTS/previous-results.json"
: > "$RESULTS/commands.txt"
run() {
  # Runs a command and records it, so the report can list exactly what was executed.
  echo "$*" >> "$RESULTS/commands.txt"
  "$@"
}

need_tools

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building (mvn -q -DskipTests package, the modules measured and what they need)"
  run mvn -B -q -DskipTests package -pl bench,agent,config-server,demo-user-service -am
fi

# Measure copies of the jars: a module rebuilt by someone else during the run (mvn clean) must not
# pull a jar from under a running benchmark.
mkdir -p "$OUT/jars"
for jar in $OUT/benchmarks.jar demo-user-service/target/demo-user-service.jar agent/target/inboard-agent.jar \
    config-server/target/inboard-config-server.jar; do
  if [ -f "$jar" ]; then
    cp "$jar" "$OUT/jars/"
  else
    rm -f "$OUT/jars/$(basename "$jar")"
    log "missing $jar: what needs it is reported as not measured"
  fi
done
BENCH_JAR=$OUT/jars/benchmarks.jar
DEMO_JAR=$OUT/jars/demo-user-service.jar
AGENT_JAR=$OUT/jars/inboard-agent.jar
SERVER_JAR=$OUT/jars/inboard-config-server.jar
for jar in "$BENCH_JAR" "$DEMO_JAR"; do
  [ -f "$jar" ] || { echo "missing $jar: the build did not produce it" >&2; exit 1; }
done
BENCH="java -Xmx512m -cp $BENCH_JAR"

write_machine "$RESULTS/machine.txt"

if [ "$QUICK" = 1 ]; then
  WP_ARGS=("${WP_QUICK[@]}")
  CP_ARGS=(--agents 200 --edits 10)
  SU_ARGS=(--repeats 2 --burst 200 --load-seconds 2)
  JMH_ARGS=(-f 1 -wi 1 -w 1s -i 1 -r 1s)
else
  WP_ARGS=("${WP_FULL[@]}")
  CP_ARGS=(--agents 200 --edits 50)
  SU_ARGS=(--repeats 5 --burst 2000 --load-seconds 6)
  JMH_ARGS=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
fi
JMH_SHORT=(-f 1 -wi 1 -w 1s -i 2 -r 1s)

# The standalone rules file and agent identity used by the startup benchmark's agent run.
STANDALONE=$OUT/startup-rules.yaml
{
  cat bench/src/main/resources/scenarios/10-canary.yaml
} > "$STANDALONE"

SETUPS=plain,plain-canary,inboard,proxy
if [ ! -f "$AGENT_JAR" ]; then
  log "no $AGENT_JAR: the inboard set-up will be reported as not measured"
fi

log "whole path: plain, plain-canary, inboard, proxy (about 10 minutes)"
run $BENCH io.inboard.bench.wholepath.WholePathBench --setups "$SETUPS" \
  --demo-jar "$DEMO_JAR" --agent-jar "$AGENT_JAR" --config-server-jar "$SERVER_JAR" \
  --inboard-mode "$INBOARD_MODE" --jvm-options "$JVM_OPTIONS" \
  --work "$OUT/wholepath" --out "$RESULTS/wholepath.json" "${WP_ARGS[@]}" \
  || log "whole-path benchmark failed (see above); the report says what is missing"

if [ -f "$SERVER_JAR" ]; then
  log "control plane: 200 watching agents"
  run $BENCH io.inboard.bench.controlplane.ControlPlaneBench --config-server-jar "$SERVER_JAR" \
    --jvm-options "$JVM_OPTIONS" --work "$OUT/controlplane" --out "$RESULTS/controlplane.json" "${CP_ARGS[@]}" \
    || log "control-plane benchmark failed (see above)"
else
  log "no $SERVER_JAR: control plane not measured"
fi

log "startup with and without the agent"
run $BENCH io.inboard.bench.startup.StartupBench --demo-jar "$DEMO_JAR" --agent-jar "$AGENT_JAR" \
  --jvm-options "$JVM_OPTIONS" \
  --agent-options "-Dinboard.config=$ROOT/$STANDALONE -Dinboard.service=user -Dinboard.namespace=traffic-management -Dinboard.labels=app=user,version=v1 -Dinboard.port={port}" \
  --work "$OUT/startup" --out "$RESULTS/startup.json" "${SU_ARGS[@]}" \
  || log "startup benchmark failed (see above)"

log "JMH: router, consistent hashing, context hand-off"
jmh() {
  # One JMH run at a time on this machine: JMH refuses to start while another holds /tmp/jmh.lock
  # (someone else's benchmark); wait for it rather than measure two benchmarks fighting for 2 cores.
  local name=$1; shift
  local tries=0
  while true; do
    if run java -jar "$BENCH_JAR" "$@" "${JMH_ARGS[@]}" -rf json -rff "$RESULTS/$name.json" > "$OUT/$name.log" 2>&1; then
      return 0
    fi
    if grep -q "Unable to acquire the JMH lock" "$OUT/$name.log" && [ $tries -lt 12 ]; then
      tries=$((tries + 1))
      log "another JMH run holds the lock; waiting 15 s ($tries/12)"
      sleep 15
      continue
    fi
    log "JMH $name failed (see $OUT/$name.log)"
    return 0
  done
}
jmh jmh-router 'io.inboard.bench.jmh.RouterBenchmark'
JMH_ARGS=("${JMH_SHORT[@]}")  # the time budget: 17 benchmarks, shorter iterations
jmh jmh-bench 'io.inboard.bench.jmh.(HashBalancerBenchmark|ContextHandOffBenchmark|IstioMetricsBenchmark)'

run $BENCH io.inboard.bench.report.ReportWriter --results "$RESULTS" --report bench/REPORT.md --json bench/results.json
log "done: bench/REPORT.md, bench/results.json"
cat bench/results.json
