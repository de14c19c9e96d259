#!/usr/bin/env bash
# Measures hey against `python3 -m http.server` on loopback, the real side of issue 16's
# validation: writes one CSV per run (hey -o csv: every successful response's dial, write,
# wait and read times) and one summary per concurrency into OUT (default
# tests/fixtures/validation/python-http-server). Loopback only; the server is stopped by PID.
#
#   bash validation/measure-python-http-server.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/validation/python-http-server}
port=18080
command -v hey >/dev/null || apt-get install -y hey >/dev/null
mkdir -p "$out"
root=$(mktemp -d)
echo hello > "$root/index.html"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$root"' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.1)" 2>/dev/null && break
  sleep 0.1
done
for c in 10 50 100; do
  for i in 1 2 3; do
    hey -n 200 -c "$c" -o csv "http://127.0.0.1:$port/" > "$out/python-c$c-run$i.csv"
  done
  hey -n 200 -c "$c" "http://127.0.0.1:$port/" > "$out/python-c$c-summary.txt"
done
