#!/usr/bin/env python3
"""Compares breakersim's simulation of hey against a real server with hey's measurement of it.

    python3 validation/compare.py REAL_DIR SIM_DIR [--markdown] [--json]

Both directories hold hey CSVs named cC-runI.csv: REAL_DIR from validation/measure.sh, SIM_DIR
from `breakersim run SCENARIO --set clients.0.workers=C ... --hey-csv` (validation/validate.sh
writes them). Each row compares one share of responses: a dial mode (hey's DNS+dialup), a wait
mode (Response-delay), or the responses missing because they timed out, per concurrency C.

The tolerance of a row is the real thing's own spread: the simulated share (its runs pooled)
must lie within [lowest, highest] of the real runs' shares, widened by 3 percentage points for
sampling (one run has 200 requests: a share's binomial standard error is up to 3.5 points).
Rows for the response-time percentiles (p50, p90) use a factor instead: the simulated value
within [lowest / 2, highest x 2] of the real runs' (these servers' service times move with
whatever else the 2-core machine is doing). Exit 1 if a row is outside, except at the
concurrencies given with --inform (reported, not judged: docs/validation.md says why).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import analyse  # noqa: E402  (the mode windows and readers live there, once)

WIDEN = 0.03


def shares(run: "analyse.Run") -> dict[str, float]:
    """One run's shares of its requests: per dial mode, per wait mode, and missing."""
    n = run.n
    dial = analyse.classify([r.dial for r in run.responses], analyse.DIAL_MODES)
    wait = analyse.classify([r.wait for r in run.responses], analyse.WAIT_MODES)
    out = {f"dial {k}": v / n for k, v in dial.items()}
    out.update({f"wait {k}": v / n for k, v in wait.items()})
    out["missing (timed out)"] = (n - len(run.responses)) / n
    times = [r.response_time for r in run.responses]
    for p in (0.5, 0.9):
        out[f"p{round(100 * p)} response time (s)"] = analyse.percentile(times, p) or 0.0
    return out


def by_concurrency(directory: Path) -> dict[int, list[dict[str, float]]]:
    runs, _ = analyse.read_fixture_dir(directory)
    grouped: dict[int, list[dict[str, float]]] = {}
    for run in runs:
        if run.n == analyse.DEFAULT_N:
            grouped.setdefault(run.c, []).append(shares(run))
    return grouped


def compare(real_dir: Path, sim_dir: Path, inform: set[int]) -> list[dict]:
    real, sim = by_concurrency(real_dir), by_concurrency(sim_dir)
    rows = []
    for c in sorted(set(real) & set(sim)):
        keys = sorted({k for s in real[c] + sim[c] for k in s})
        for key in keys:
            r = [s.get(key, 0.0) for s in real[c]]
            simulated = sum(s.get(key, 0.0) for s in sim[c]) / len(sim[c])
            if max(r) == 0 and simulated == 0:
                continue
            if key.startswith("p"):
                low, high = min(r) / 2, max(r) * 2
            else:
                low, high = max(0.0, min(r) - WIDEN), max(r) + WIDEN
            rows.append({
                "c": c, "share": key, "real_min": min(r), "real_max": max(r),
                "simulated": simulated, "tolerance": [low, high],
                "within": low <= simulated <= high, "judged": c not in inform,
            })
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| C | share of requests, or percentile | real (runs) | simulated | tolerance | within |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        f = (lambda v: f"{v:.4f}") if r["share"].startswith("p") else (lambda v: f"{100 * v:.1f}%")
        verdict = "yes" if r["within"] else ("**no**" if r["judged"] else "no (not judged)")
        lines.append(
            f"| {r['c']} | {r['share']} | {f(r['real_min'])} – {f(r['real_max'])} "
            f"| {f(r['simulated'])} | {f(r['tolerance'][0])} – {f(r['tolerance'][1])} | {verdict} |")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("real", type=Path)
    p.add_argument("sim", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--inform", type=int, action="append", default=[], metavar="C")
    args = p.parse_args()
    rows = compare(args.real, args.sim, set(args.inform))
    print(json.dumps(rows, indent=1) if args.json else markdown(rows))
    return 0 if rows and all(r["within"] for r in rows if r["judged"]) else 1


if __name__ == "__main__":
    sys.exit(main())
