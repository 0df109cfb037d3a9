#!/usr/bin/env bash
# The agent's per-request cost in one JVM (io.inboard.bench.jmh.AgentPathBenchmark): a frontend and
# a user service, the frontend calling the user service through OkHttp for every request, measured
# by JMH without the agent and then with it (standalone rules: the walk-through's 90/10 canary).
# Writes bench/AGENT-PATH.md: time and allocation per request, and the agent's difference.
#   bench/agent-path.sh                               build + run (about 4 minutes on 2 cores)
#   SKIP_BUILD=1 bench/agent-path.sh                  reuse the jars
#   BEFORE_AGENT_JAR=/tmp/old-agent.jar bench/agent-path.sh   also measure another agent build, same run
#   BEFORE_LABEL="the build at abc1234"    how the report names that build (default: its path)
#   JMH_ARGS="-f 1 -wi 3 -i 3" bench/agent-path.sh    other JMH options
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAR=bench/target/benchmarks.jar
AGENT_JAR=${AGENT_JAR:-agent/target/inboard-agent.jar}
OUT=bench/target/agent-path
REPORT=bench/AGENT-PATH.md
mkdir -p "$OUT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -pl bench,agent -am install -DskipTests
fi
for jar in "$BENCH_JAR" "$AGENT_JAR" ${BEFORE_AGENT_JAR:+"$BEFORE_AGENT_JAR"}; do
  [ -f "$jar" ] || { echo "missing $jar: build it first (mvn -B -pl bench,agent -am install -DskipTests)" >&2; exit 1; }
done

# The rules name the user service's port, so it is chosen here and handed to the benchmark.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RULES="$PWD/$OUT/rules.yaml"
{
  cat bench/src/main/resources/scenarios/10-canary.yaml
  printf -- '---\napiVersion: inboard.io/v1\nkind: Instances\ninstances:\n'
  printf -- '- {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: %s, labels: {app: user, version: v1}}\n' "$PORT"
  printf -- '- {id: user-v2, service: user, namespace: traffic-management, address: 127.0.0.1, port: %s, labels: {app: user, version: v2}}\n' "$PORT"
} > "$RULES"

read -r -a ARGS <<< "${JMH_ARGS:--f 2 -wi 12 -w 3s -i 6 -r 3s}"
COMMON="-Xmx256m -Dbench.userPort=$PORT"
agent_options() {
  echo "-javaagent:$1 -Dinboard.config=$RULES -Dinboard.service=frontend -Dinboard.namespace=traffic-management" \
    "-Dinboard.labels=app=frontend,version=v1 -Dbench.downstream=http://user/list -Dbench.expectHost=user"
}
run() { # name, extra JVM options
  echo "== $1"
  java -jar "$BENCH_JAR" 'io.inboard.bench.jmh.AgentPathBenchmark' "${ARGS[@]}" -prof gc \
    -jvmArgsAppend "$COMMON $2" -rf json -rff "$OUT/$1.json" | tee "$OUT/$1.txt"
}

cat /proc/loadavg > "$OUT/loadavg-start"
run no-agent ""
run agent "$(agent_options "$PWD/$AGENT_JAR")"
VARIANTS="no-agent agent"
if [ -n "${BEFORE_AGENT_JAR:-}" ]; then
  run agent-before "$(agent_options "$(realpath "$BEFORE_AGENT_JAR")")"
  VARIANTS="$VARIANTS agent-before"
fi

python3 - "$OUT" "$REPORT" "${ARGS[*]}" "${BEFORE_LABEL:-${BEFORE_AGENT_JAR:-}}" $VARIANTS <<'PY'
import json, sys, subprocess, datetime
out, report, args, before = sys.argv[1:5]
variants = sys.argv[5:]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
cores = subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()
load_start = open(f'{out}/loadavg-start').read().split()[:3]
load = open('/proc/loadavg').read().split()[:3]
res = {}
for v in variants:
    r = json.load(open(f'{out}/{v}.json'))[0]
    p = r['primaryMetric']
    sec = r.get('secondaryMetrics', {})
    alloc = sec.get('gc.alloc.rate.norm', {}).get('score')
    n = sec['requests']['score']
    user_us, sys_us = sec['userMicros']['score'] / n, sec['systemMicros']['score'] / n
    res[v] = (p['score'], p['scoreError'], alloc, r['jvm'] + ' ' + r['vmVersion'], user_us, sys_us)
base = res['no-agent']
names = {'no-agent': 'without the agent', 'agent': 'with the agent (this build)',
         'agent-before': f'with the agent ({before})'}
rows = []
for v in variants:
    s, e, a, _, u, k = res[v]
    diff = '-' if v == 'no-agent' else (f'user {u - base[4]:+.1f} µs ({100 * (u - base[4]) / base[4]:+.1f} %), '
                                         f'system {k - base[5]:+.1f} µs, {a - base[2]:+.0f} B')
    rows.append(f'| {names[v]} | {u:.1f} | {k:.1f} | {s:.1f} ± {e:.1f} | {a:.0f} | {diff} |')
with open(report, 'w') as f:
    f.write('# The agent per request, in one JVM\n\n')
    f.write('Written by `bench/agent-path.sh` (`io.inboard.bench.jmh.AgentPathBenchmark`). One request: a frontend '
            '(Jetty, in-memory connector) receives it and calls a user service (Jetty on 127.0.0.1, keep-alive) '
            'through OkHttp. With the agent, that is its inbound filter twice, its routing (the 90/10 canary of '
            '`user`), request rewrite and header propagation once, and its metrics three times: what the three '
            'agents of the whole path do for one request, without the whole path\'s eleven processes on two cores. '
            'The set-up checks that the user service saw `Host: user`, i.e. that the agent routed the call.\n\n')
    f.write(f'- date: {datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")}\n')
    f.write(f'- machine: {cpu}, {cores} cores; load average {" ".join(load_start)} at the start, {" ".join(load)} at the end\n')
    f.write(f'- JVM: {base[3]}, `-Xmx256m`; JMH options: `{args} -prof gc`, average time per request\n\n')
    f.write('CPU is the whole JVM\'s (every thread: the connectors\', OkHttp\'s, the JIT\'s and the GC\'s) per request '
            'over the measured iterations, from `/proc/self/stat`, user and system time apart. The agent\'s own work is '
            'user time; system time is mostly the kernel switching threads (about ten switches per request) and moves '
            'from run to run by more than the agent costs. Wall time is JMH\'s average per request, mostly threads '
            'waking each other on two cores.\n\n')
    f.write('| | user CPU µs per request | system CPU µs per request | wall µs per request (± 99.9 % interval) | bytes allocated per request | the agent\'s difference |\n|---|---|---|---|---|---|\n')
    f.write('\n'.join(rows) + '\n\n')
    f.write('## Raw JMH output\n\n')
    for v in variants:
        f.write(f'### {names[v]}\n\n```\n' + open(f'{out}/{v}.txt').read() + '```\n\n')
print(open(report).read().split('## Raw')[0])
PY
