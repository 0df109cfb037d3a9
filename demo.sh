#!/usr/bin/env bash
# The traffic-management walk-through in one command: builds what is missing, starts the config
# server, the gateway, user v1, user v2 and a frontend (each service with the Inboard agent) on
# 127.0.0.1, applies every scenario in scenarios/ in turn, drives traffic through the gateway on
# both domains and through the frontend, and prints one table. Everything it starts is stopped on
# exit or Ctrl-C.
#
#   ./demo.sh                 run the walk-through, print the table, stop
#   ./demo.sh --keep-running  leave the mesh up afterwards and print commands to try
#   ./demo.sh --rebuild       build even if the jars look up to date
set -euo pipefail
cd "$(dirname "$0")"

keep=""
rebuild=""
for arg in "$@"; do
  case "$arg" in
    --keep-running) keep="--keep-running" ;;
    --rebuild) rebuild=yes ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

for tool in java mvn setsid; do
  command -v "$tool" >/dev/null || { echo "demo.sh: '$tool' not found; install Java 17+ and Maven" >&2; exit 1; }
done

started=$SECONDS
jars=(config-server/target/inboard-config-server.jar gateway/target/inboard-gateway.jar
      agent/target/inboard-agent.jar demo-user-service/target/demo-user-service.jar
      cli/target/inboardctl.jar demo/target/inboard-demo.jar)

modules=config-server,gateway,agent,demo-user-service,cli,demo

needs_build() {
  [[ -n "$rebuild" ]] && return 0
  local jar
  for jar in "${jars[@]}"; do
    [[ -f "$jar" ]] || return 0
    # A source or pom changed since this jar was built: rebuild.
    if [[ -n "$(find . -path ./.git -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ]]; then
      return 0
    fi
  done
  return 1
}

if needs_build; then
  mkdir -p target
  echo "==> building the jars it runs (the first build downloads dependencies and takes a few minutes)"
  echo "    mvn -B -Dmaven.test.skip=true package -pl $modules -am"
  # Show one line per module as it starts; the whole log stays in target/demo-build.log.
  if ! mvn -B -Dmaven.test.skip=true package -pl "$modules" -am 2>&1 | tee target/demo-build.log \
      | grep --line-buffered -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]|BUILD (SUCCESS|FAILURE)|^\[ERROR\]' \
      | sed -u 's/^\[INFO\] /    /'; then
    echo "demo.sh: the build failed; see target/demo-build.log" >&2
    exit 1
  fi
  echo "==> built in $((SECONDS - started)) s"
else
  echo "==> jars are up to date (./demo.sh --rebuild to build anyway)"
fi

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/inboard-demo.XXXXXX")
pid=""

stop_everything() {
  local status=$?
  trap - EXIT INT TERM
  # A closed output (e.g. a pager or tee gone with the Ctrl-C) must not cut the clean-up short.
  trap '' PIPE
  if [[ -n "$pid" ]]; then
    # The walk-through runs in its own process group (setsid): signal the whole group, so its JVMs
    # go too even if it cannot stop them itself.
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 100); do
      pgrep -g "$pid" >/dev/null || break
      sleep 0.1
    done
    pgrep -g "$pid" >/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
    local left="" p name
    if [[ -f "$run_dir/pids" ]]; then
      while read -r p name; do
        if kill -0 "$p" 2>/dev/null; then
          kill -KILL "$p" 2>/dev/null || true
          left="$left $name($p)"
        fi
      done < "$run_dir/pids"
    fi
    sleep 0.2
    if pgrep -g "$pid" >/dev/null; then
      echo "==> WARNING: processes still running in group $pid: $(pgrep -g "$pid" | tr '\n' ' ')" >&2
      status=1
    elif [[ -n "$left" ]]; then
      echo "==> had to kill:$left; nothing is left running now"
    else
      echo "==> stopped everything it started ($(wc -l < "$run_dir/pids" 2>/dev/null || echo 0) JVMs + the driver); nothing left running"
    fi
  fi
  echo "==> total $((SECONDS - started)) s; logs in $run_dir"
  exit "$status"
}
trap stop_everything EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setsid java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djdk.httpclient.allowRestrictedHeaders=host \
  -jar demo/target/inboard-demo.jar --root . --run-dir "$run_dir" $keep &
pid=$!
# setsid made the walk-through a process group leader; use the group it really got.
pid=$(ps -o pgid= -p "$pid" | tr -d ' ' || echo "$pid")
status=0
wait "$pid" || status=$?
exit "$status"
