#!/usr/bin/env bash
# Measures hey against a real HTTP server on loopback, the real side of issue 16's validation.
#
#   bash validation/measure.sh SERVER [OUT]
#
# SERVER is one of
#   python-http-server            `python3 -m http.server` (ThreadingHTTPServer, listen(5))
#   python-threaded-backlog-4096  validation/servers/threaded_server.py (the same, listen(4096))
#   nginx                         Debian's nginx with validation/servers/nginx.conf (backlog=511)
# OUT defaults to tests/fixtures/validation/SERVER. Each server serves one 6-byte file
# ("hello\n") from a temporary directory, binds 127.0.0.1 only, is started in the background and
# stopped by its PID. Every hey run is bounded by `timeout`.
#
# Writes into OUT:
#   cC-runI.csv          hey -n 200 -c C -o csv, I = 1..3, C = 1, 10, 50, 100: one row per
#                        response (dial, write, wait, read times); errors and timeouts are absent
#   cC-summary.txt       one more hey -n 200 -c C run, hey's own report (status and error counts)
#   n1000-cC-run1.csv    hey -n 1000 -c C -o csv, C = 50, 200 (threaded server and nginx only)
#   n1000-cC-summary.txt hey -n 1000 -c C, hey's report
#   machine.txt          date, kernel, sysctls, CPUs, load, versions, the listen socket (ss)
#   runs.tsv             per run: file, UTC start, load average before, seconds, exit code, and
#                        the deltas of the kernel's TCP counters over the run (netns-wide)
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:?usage: measure.sh SERVER [OUT]}
out=${2:-tests/fixtures/validation/$server}
runs=3
pause=5          # seconds between runs, so that one run's leftover half-open connections settle
bound=300        # seconds: `timeout` for each hey run (hey's own per-request timeout is 20 s)

case $server in
  python-http-server) port=18080; big=no ;;
  python-threaded-backlog-4096) port=18081; big=yes ;;
  nginx) port=18082; big=yes ;;
  *) echo "unknown server: $server" >&2; exit 2 ;;
esac

command -v hey >/dev/null || apt-get install -y hey >/dev/null
if [ "$server" = nginx ]; then command -v nginx >/dev/null || apt-get install -y nginx >/dev/null; fi

if ss -ltnH "sport = :$port" | grep -q .; then
  echo "port $port is already in use" >&2; exit 1
fi

mkdir -p "$out"
root=$(mktemp -d)
chmod 755 "$root"        # nginx's worker runs as nobody and must read html/
mkdir -p "$root/html" "$root/logs" "$root/tmp"
echo hello > "$root/html/index.html"
chmod 755 "$root/html"; chmod 644 "$root/html/index.html"

case $server in
  python-http-server)
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root/html" >/dev/null 2>&1 & ;;
  python-threaded-backlog-4096)
    python3 validation/servers/threaded_server.py "$port" "$root/html" >/dev/null 2>&1 & ;;
  nginx)
    nginx -p "$root/" -c "$PWD/validation/servers/nginx.conf" -e "$root/logs/error.log" \
      >/dev/null 2>&1 & ;;
esac
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$root"
}
trap stop EXIT

for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.1)" 2>/dev/null && break
  sleep 0.1
done
url="http://127.0.0.1:$port/"
[ "$(python3 -c "import urllib.request; print(urllib.request.urlopen('$url').read().decode(), end='')")" = hello ] \
  || { echo "server does not serve the file" >&2; exit 1; }

# The kernel's TCP counters (/proc/net/netstat, /proc/net/snmp), in a fixed order.
names="ListenOverflows ListenDrops TCPReqQFullDrop TCPSynRetrans TCPLossProbes TCPTimeouts RetransSegs"
counters() {
  awk -v names="$names" '
    $1 ~ /^(TcpExt|Tcp):$/ { if (!($1 in hdr)) { hdr[$1] = $0; next }
      n = split(hdr[$1], h); split($0, v); for (i = 2; i <= n; i++) val[h[i]] = v[i] }
    END { k = split(names, want); for (i = 1; i <= k; i++) printf "%s%s", (i > 1 ? " " : ""), val[want[i]] }
  ' /proc/net/netstat /proc/net/snmp
}

{
  echo "server: $server"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel: $(uname -r)"
  echo "cpus: $(nproc)"
  echo "uptime at start: $(uptime)"
  sysctl net.core.somaxconn net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts \
    net.ipv4.tcp_synack_retries net.ipv4.tcp_abort_on_overflow net.ipv4.tcp_timestamps \
    net.ipv4.tcp_syncookies net.ipv4.tcp_max_syn_backlog 2>&1
  echo "python: $(python3 --version 2>&1)"
  echo "hey: $(dpkg-query -W -f '${Package} ${Version}' hey 2>/dev/null)"
  if [ "$server" = nginx ]; then
    echo "nginx: $(nginx -v 2>&1) ($(dpkg-query -W -f '${Package} ${Version}' nginx 2>/dev/null))"
    echo "nginx processes: $(ps -o pid=,user=,args= -p "$pid" --ppid "$pid" | tr -s ' ' | paste -sd ';')"
  fi
  echo "open files limit: $(ulimit -n)"
  echo "listen socket (ss -ltn; Send-Q of a listener is its backlog):"
  ss -ltn "sport = :$port"
} > "$out/machine.txt"

printf 'file\tstarted_utc\tload_before\tseconds\texit\t%s\n' "$(echo "$names" | tr ' ' '\t')" > "$out/runs.tsv"
run() {  # run FILE HEY-ARGS...: one hey run into OUT/FILE, one line of runs.tsv
  local file=$1; shift
  local started load before after t0 t1 rc=0
  sleep "$pause"
  started=$(date -u +%H:%M:%S)
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  before=$(counters)
  t0=$(date +%s.%N)
  timeout "$bound" hey "$@" "$url" > "$out/$file" || rc=$?
  t1=$(date +%s.%N)
  after=$(counters)
  awk -v f="$file" -v s="$started" -v l="$load" -v t0="$t0" -v t1="$t1" -v rc="$rc" \
    -v a="$after" -v b="$before" 'BEGIN {
      n = split(a, x); split(b, y); printf "%s\t%s\t%s\t%.3f\t%s", f, s, l, t1 - t0, rc
      for (i = 1; i <= n; i++) printf "\t%d", x[i] - y[i]; printf "\n" }' >> "$out/runs.tsv"
  echo "$server $file exit $rc" >&2
}

for c in 1 10 50 100; do
  for i in $(seq "$runs"); do run "c$c-run$i.csv" -n 200 -c "$c" -o csv; done
  run "c$c-summary.txt" -n 200 -c "$c"
done
if [ "$big" = yes ]; then
  for c in 50 200; do
    run "n1000-c$c-run1.csv" -n 1000 -c "$c" -o csv
    run "n1000-c$c-summary.txt" -n 1000 -c "$c"
  done
fi
echo "uptime at end: $(uptime)" >> "$out/machine.txt"
