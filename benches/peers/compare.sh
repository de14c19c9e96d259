#!/usr/bin/env bash
# The peer benchmark (docs/performance.md#peer-benchmark): breakersim against a SimPy model of
# the same scenarios (benches/peers/simpy_model.py), timed side by side and checked to agree.
#
#   bash benches/peers/compare.sh [--rounds N] [--seeds N] [--k K] [--callgrind] [--scenario tutorial|lab]
#
# Makes a venv under the cargo target directory with SimPy from PyPI (not a dependency of the
# crates, and not installed or run by CI), builds breakersim with `cargo build --release`,
# then hands over to benches/peers/run.py. Exit 1 if the outcomes disagree.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIMPY_VERSION=4.1.2
target=${CARGO_TARGET_DIR:-target}
venv="$target/peers-venv"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "simpy==$SIMPY_VERSION"
fi

cargo build --release --quiet
exec "$venv/bin/python" benches/peers/run.py --breakersim "$target/release/breakersim" "$@"
