#!/usr/bin/env bash
# Memory stays flat in simulated time (issue 19): peak RSS of bench-100-hosts run for 600 s
# and for 3,600 s simulated must be within 10% of each other. Reads the `timing: peak
# memory: N KiB (VmHWM)` line of `run --timing` (Linux: /proc/self/status). Needs the release
# binary (`cargo build --release`); BREAKERSIM overrides its path.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BREAKERSIM:-${CARGO_TARGET_DIR:-target}/release/breakersim}
scenario=scenarios/bench/bench-100-hosts.toml

peak_kib() {
  # 3,600 s is ~282 million events: above the default limits.max_events (250 million).
  "$bin" run --timing "$scenario" --set "duration=$1" --set limits.max_events=400000000 \
    2>&1 >/dev/null |
    sed -n 's/^timing: peak memory: \([0-9]*\) KiB (VmHWM)$/\1/p'
}

short=$(peak_kib 600s)
long=$(peak_kib 3600s)
if [ -z "$short" ] || [ -z "$long" ]; then
  echo "memory-flat: no peak memory line from $bin run --timing (not Linux?)" >&2
  exit 1
fi
echo "memory-flat: peak RSS $short KiB at 600 s, $long KiB at 3600 s simulated"
# Within 10% either way: 10 * |long - short| <= short (the smaller run as the base).
diff=$((long > short ? long - short : short - long))
if [ $((10 * diff)) -gt "$short" ]; then
  echo "memory-flat: peak RSS differs by more than 10% ($short KiB vs $long KiB)" >&2
  exit 1
fi
