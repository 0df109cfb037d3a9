#!/usr/bin/env bash
# Profiles the whole path with JFR: starts the set-ups (default plain and inboard), warms them up,
# records every JVM for JFR_SECONDS under the fixed-rate load, and writes per JVM a recording and a
# summary of where its CPU goes, the agent's own share first:
#   bench/target/profile/<role>.jfr, bench/target/profile/<role>.hot.txt
#
#   bench/profile.sh                          plain + inboard, 500 requests/s, 30 s each
#   SETUPS=inboard RATE=1000 bench/profile.sh
#   METHOD_PROFILING=max JFR_SECONDS=120 bench/profile.sh   one sample per ms of CPU: enough to rank methods
#   java -cp bench/target/benchmarks.jar io.inboard.bench.profile.HotMethods FILE.jfr [prefixes] [top]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/target/profile
mkdir -p "$OUT"
rm -f "$OUT/pids"
trap '[ -f "$OUT/pids" ] && while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$OUT/pids"' EXIT
[ -f bench/target/benchmarks.jar ] || mvn -B -q -DskipTests package
java -Xmx512m -cp bench/target/benchmarks.jar io.inboard.bench.wholepath.WholePathBench \
  --setups "${SETUPS:-plain,inboard}" --rates "${RATE:-500}" --rounds 0 --wrk-rounds 0 \
  --warmup-seconds "${WARMUP_SECONDS:-20}" --jfr-seconds "${JFR_SECONDS:-30}" \
  --jfr-method-profiling "${METHOD_PROFILING:-high}" \
  --inboard-mode "${INBOARD_MODE:-server}" --jvm-options "${JVM_OPTIONS:--Xmx256m}" \
  --work "$OUT" --out "$OUT/profile.json"
for f in "$OUT"/*.hot.txt; do
  echo "== $f"
  sed -n '1,20p' "$f"
done
