#!/usr/bin/env bash
# CPU per request of one demo user service (no agent) at saturation, then at fixed low rates on one
# keep-alive connection: what a canary's second instance, serving a tenth of the calls, pays per call.
# Loopback only, about 4 minutes. See bench/ANALYSIS.md, section 3.
#
#   bench/low-rate.sh
#   RATES=50,400 SECONDS_PER_RATE=10 bench/low-rate.sh
#   RATES=50 SETTLE_SECONDS=150 bench/low-rate.sh    # after the JIT recompiled (over a minute at 50/s)
#   CONNECTIONS=2 HEADERS="x-request-id: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" \
#     JVM_OPTIONS="-Xmx256m -javaagent:agent/target/inboard-agent.jar -Dinboard.config=rules.yaml ..." \
#     bench/low-rate.sh                              # one service with the agent, called as a meshed caller would
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -f bench/target/benchmarks.jar ] && [ -f demo-user-service/target/demo-user-service.jar ] \
  || mvn -B -q -DskipTests package -pl bench,demo-user-service -am
java -Xmx512m -cp bench/target/benchmarks.jar io.inboard.bench.wholepath.LowRateBench \
  --demo-jar demo-user-service/target/demo-user-service.jar --jvm-options "${JVM_OPTIONS:--Xmx256m}" \
  --rates "${RATES:-50,100,400}" --seconds "${SECONDS_PER_RATE:-20}" --settle-seconds "${SETTLE_SECONDS:-30}" \
  --connections "${CONNECTIONS:-1}" --headers "${HEADERS:-}" --work bench/target/low-rate
