#!/usr/bin/env bash
# Builds breakersim at git revision REV (in a temporary worktree with its own target
# directory) and the work tree's, then compares their outcome distributions over 100 seeds
# on every shipped scenario (compare.py). Usage: benches/outcomes/compare.sh REV [compare.py args]
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:?usage: benches/outcomes/compare.sh REV [--seeds N] [SCENARIO...]}
shift
old=$(mktemp -d)
trap 'git worktree remove --force "$old/src" >/dev/null 2>&1 || true; rm -rf "$old"' EXIT
git worktree add -q --detach "$old/src" "$rev"
CARGO_TARGET_DIR="$old/target" cargo build --release -q --manifest-path "$old/src/Cargo.toml"
cargo build --release -q
python3 benches/outcomes/compare.py "$old/target/release/breakersim" target/release/breakersim "$@"
