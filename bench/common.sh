# Shared by bench/run.sh and bench/replicas.sh (sourced, not run): the tools they need, the machine
# description they record, and the whole-path benchmark's settings, so that both measure alike.

# Installs wrk and nginx when missing (Debian packages); apt's output goes to $OUT/apt.log.
need_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (Debian packages)"
    if ! apt-get install -y "${missing[@]}" >"$OUT/apt.log" 2>&1; then
      apt-get update >>"$OUT/apt.log" 2>&1
      apt-get install -y "${missing[@]}" >>"$OUT/apt.log" 2>&1
    fi
  fi
  export PATH="$PATH:/usr/sbin"
}

# Describes the machine and the checkout measured.
write_machine() {
  {
    echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores online"
    echo "kernel:  $(uname -sr)"
    echo "load:    $(cat /proc/loadavg) (1/5/15 min, at start)"
    echo "memory (free -m):"
    free -m
    echo "java -version:"
    java -version 2>&1
    echo "nginx:   $(nginx -v 2>&1)"
    echo "wrk:     $(wrk -v 2>&1 | head -1)"
    echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  } > "$1"
}

# The whole-path benchmark's settings: WP_QUICK to check the set-up, WP_FULL for figures.
WP_QUICK=(--rates 200 --warmup-seconds 3 --phase-warmup-seconds 1 --seconds 3 --rounds 1 --wrk-seconds 3 --wrk-rounds 1 --instance-warmup-seconds 2)
# Many short rounds: on a shared machine, other work disturbs some rounds; the report takes the
# median over rounds, which a few disturbed ones do not move. Saturation in fifteen 2-second turns
# per set-up: every set-up ran 10-20 % faster or slower together from one round to the next, so the
# throughput ratio is taken round by round (the two set-ups seconds apart) and its median comes
# with an interval; fifteen rounds are the fewest whose interval holds the median with 96.5 %
# between the 4th smallest and 4th largest ratio (bench/ANALYSIS.md).
WP_FULL=(--rates 500,1000 --warmup-seconds 3 --warmup-rounds 2 --phase-warmup-seconds 1 --seconds 3 --rounds 6 --wrk-seconds 2 --wrk-rounds 15 --saturation-warmup-seconds 12 --saturation-rewarm-seconds 15 --instance-warmup-seconds 15 --saturation-phase-warmup-seconds 4)
