#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar and runs the router JMH benchmark briefly, then writes
# bench/JMH-REPORT.md: the raw JMH output and a summary of the median decision times.
#   bench/jmh.sh                 build + run (about 2 minutes on 2 cores)
#   SKIP_BUILD=1 bench/jmh.sh    reuse the jar
#   JMH_ARGS="-f 1 -wi 5 -i 10" bench/jmh.sh   other JMH options (default adds -prof gc: bytes/decision)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bench/target/benchmarks.jar
OUT=bench/target/jmh-router
REPORT=bench/JMH-REPORT.md
mkdir -p "$OUT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -pl bench -am install -DskipTests
fi
[ -f "$JAR" ] || { echo "missing $JAR: the build did not produce it" >&2; exit 1; }

read -r -a ARGS <<< "${JMH_ARGS:--f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc}"
cat /proc/loadavg > "$OUT/loadavg-start"
java -jar "$JAR" 'io.inboard.bench.jmh.RouterBenchmark' "${ARGS[@]}" \
  -rf json -rff "$OUT/result.json" | tee "$OUT/output.txt"

python3 - "$OUT/result.json" "$OUT/output.txt" "$REPORT" "${ARGS[*]}" "$OUT/loadavg-start" <<'PY'
import json, sys, platform, subprocess, datetime
result, raw, report, args = sys.argv[1:5]
runs = json.load(open(result))
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
cores = subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()
load = open('/proc/loadavg').read().split()[:3]
load_start = open(sys.argv[5]).read().split()[:3] if len(sys.argv) > 5 else ['?'] * 3
java = runs[0]['jvm'] + ' ' + runs[0]['vmVersion'] if runs else '?'
rows = []
ok = True
for r in runs:
    s = r['params']['scenario']
    p = r['primaryMetric']
    pct = p['scorePercentiles']
    median = pct['50.0']
    alloc = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm', {}).get('score')
    alloc = f"{alloc:.0f}" if alloc is not None else '?'
    if s.endswith('-fresh'):
        # Informational: the worst case, a header value never seen before on every request.
        rows.append(f"| {s} | {median:.0f} | {pct['90.0']:.0f} | {pct['99.0']:.0f} | {p['score']:.0f} | {alloc} | (none) | - |")
        continue
    target = 5000 if s.startswith('rules200') else 1000
    ok &= median < target
    rows.append(f"| {s} | {median:.0f} | {pct['90.0']:.0f} | {pct['99.0']:.0f} | {p['score']:.0f} | {alloc} | < {target} | {'yes' if median < target else 'NO'} |")
with open(report, 'w') as f:
    f.write('# Router JMH report\n\n')
    f.write('`Router.route(request)` per decision, JMH SampleTime, nanoseconds. Written by `bench/jmh.sh`.\n\n')
    f.write(f'- date: {datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")}\n')
    f.write(f'- machine: {cpu}, {cores} cores, shared with other work: load average {" ".join(load_start)} at the start, {" ".join(load)} at the end (1/5/15 min)\n')
    f.write(f'- JVM: {java}\n- JMH options: `{args}`\n\n')
    f.write('Scenarios: `canary-*` and `rewrite-gateway` use 00-gateway + 10-canary; `dark-*` 40-dark-release '
            '(`dark-default-mesh` falls through the header rule to the default); `sticky-mesh` 30-sticky-canary '
            'with a hash key (sticky subset pick + ring hash); `rules200-*` a VirtualService of 200 rules, each '
            'a header regex match, with a request matching the last rule (`-last`) or none (`-none`, a 404 decision); '
            '`rules200-last-fresh` sends 4096 different header values in turn, so nothing is remembered between '
            'decisions; `rules200-re2-fresh` does the same with regexes outside the simple form the router matches '
            'itself (`rule-i-(x|[a-z]+)`), so the matching rule runs on RE2/J every time. The two `-fresh` scenarios '
            'are informational (no target).\n\n')
    f.write('A load average far above the core count means the benchmark thread was often descheduled: '
            'the high percentiles then measure the machine, not the router; the medians are the figures to read.\n\n')
    f.write('| scenario | median | p90 | p99 | mean | bytes allocated / decision | target (median) | met |\n|---|---|---|---|---|---|---|---|\n')
    f.write('\n'.join(rows) + '\n\n')
    f.write(f'All targets met: {"yes" if ok else "no"}.\n\n')
    f.write('## Raw JMH output\n\n```\n' + open(raw).read() + '```\n')
print(open(report).read().split('## Raw')[0])
PY
