#!/usr/bin/env bash
# Kept for its name: measures hey against `python3 -m http.server` on loopback into OUT
# (default tests/fixtures/validation/python-http-server). See validation/measure.sh.
#
#   bash validation/measure-python-http-server.sh [OUT]
set -euo pipefail
exec bash "$(dirname "$0")/measure.sh" python-http-server "$@"
