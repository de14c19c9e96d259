#!/usr/bin/env bash
# The world checked against real servers on this machine (docs/validation.md): simulates hey
# against each server in validation/scenarios/ with breakersim (proxy = "none"), at the
# concurrencies measured, 3 seeds each, and compares the shares of requests in each dial and wait
# mode with hey's measurement (validation/compare.py). Loopback only.
#
#   bash validation/validate.sh            compare with the measurements kept in tests/fixtures
#   bash validation/validate.sh --measure  measure again first (installs hey, nginx if missing)
#
# Exit 1 if a share is outside its tolerance.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p sim-cli
bin=target/release/breakersim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for scenario in validation/scenarios/*.toml; do
  server=$(basename "$scenario" .toml)
  server=${server#hey-}
  real=tests/fixtures/validation/$server
  if [[ ${1:-} == --measure ]]; then
    real=$work/real-$server
    bash validation/measure.sh "$server" "$real"
  fi
  sim=$work/sim-$server
  mkdir -p "$sim"
  for c in 1 10 50 100; do
    for seed in 1 2 3; do
      "$bin" run "$scenario" --seed "$seed" --set "clients.0.workers=$c" \
        --set "clients.0.requests_per_worker=$((200 / c))" \
        --hey-csv "$sim/c$c-run$seed.csv" > /dev/null
    done
  done
  echo "## $server"
  # C = 100 against python-http-server is beyond the model: reported, not judged.
  python3 validation/compare.py "$real" "$sim" --inform 100 || status=1
  echo
done
exit $status
