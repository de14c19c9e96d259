#!/usr/bin/env python3
"""Do two breakersim binaries give the same distribution of outcomes?

Runs every scenario given (default: every shipped scenario, scenarios/*.toml) with seeds
1..N under both binaries (`run --seed S --format json`), and for every number in the
result (the clients' availability, latencies, statuses and flags, every Envoy stat, the
peaks, the count of outlier events) compares the two samples of N values with Welch's
two-sample z statistic (N >= 30: the normal approximation to Student's t).

A change that alters seeded outcomes (a new sampler, another order of random draws or of
equal-time events) must leave these distributions alone. The verdict is Bonferroni-corrected
over every metric of every scenario: the run fails (exit 1) if any metric's two-sided p-value
is below FAMILY_ALPHA / (number of metrics compared), or a metric constant under both binaries
has different values. It also prints how many metrics pass |z| > 2.576 (p < 0.01), which
chance alone gives to about 1 metric in 100.

Usage: benches/outcomes/compare.py OLD_BINARY NEW_BINARY [--seeds N] [--jobs J]
       [--seed-offset-new K] [--set-new PATH=VALUE]... [SCENARIO...]
(benches/outcomes/compare.sh REV builds REV's binary and runs this against the work tree's.)
"""

import argparse
import concurrent.futures
import glob
import json
import math
import subprocess
import sys

FAMILY_ALPHA = 0.05


def flatten(prefix, value, out):
    """Every number in a JSON value, under its dotted path."""
    if isinstance(value, bool):
        out[prefix] = float(value)
    elif isinstance(value, (int, float)):
        out[prefix] = float(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            flatten(f"{prefix}.{k}" if prefix else k, v, out)


def metrics_of(result):
    """The outcome numbers of one run's JSON result."""
    out = {}
    flatten("client", result.get("client", {}), out)
    flatten("stats", result.get("stats", {}), out)
    flatten("peaks", result.get("peaks", {}), out)
    out["outlier_events"] = float(len(result.get("outlier_events") or []))
    out["sim_time_s"] = float(result.get("sim_time_s") or 0.0)
    return out


def run_one(binary, scenario, seed, extra):
    done = subprocess.run(
        [binary, "run", "--seed", str(seed), "--format", "json", *extra, scenario],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"{binary} run --seed {seed} {scenario} failed:\n{done.stderr}")
    return metrics_of(json.loads(done.stdout))


def samples(binary, scenario, seeds, pool, extra=(), offset=0):
    numbers = range(offset + 1, offset + seeds + 1)
    runs = list(pool.map(lambda s: run_one(binary, scenario, s, extra), numbers))
    names = sorted(set().union(*runs))
    # A metric absent from a run (a status no run of it had) counts as 0 there.
    return {m: [r.get(m, 0.0) for r in runs] for m in names}


def mean_var(xs):
    n = len(xs)
    m = sum(xs) / n
    return m, sum((x - m) ** 2 for x in xs) / (n - 1)


def compare(old, new):
    """(metric, old mean, new mean, z or None, constant-mismatch) for each metric."""
    rows = []
    for m in sorted(set(old) | set(new)):
        a = old.get(m, [0.0] * len(next(iter(old.values()))))
        b = new.get(m, [0.0] * len(next(iter(new.values()))))
        (ma, va), (mb, vb) = mean_var(a), mean_var(b)
        se = math.sqrt(va / len(a) + vb / len(b))
        if se == 0.0:
            rows.append((m, ma, mb, None, ma != mb))
        else:
            rows.append((m, ma, mb, (mb - ma) / se, False))
    return rows


def p_two_sided(z):
    return math.erfc(abs(z) / math.sqrt(2.0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--seed-offset-new",
        type=int,
        default=0,
        metavar="K",
        help="the new binary's runs take seeds K+1..K+N (other seeds: the same binary against "
        "itself then shows what chance alone gives)",
    )
    ap.add_argument(
        "--set-new",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="an override for the new binary's runs only: a deliberate change, to see the "
        "comparison catch it (e.g. --set-new backends.0.service_time=11ms)",
    )
    args = ap.parse_intermixed_args()
    if args.seeds < 30:
        sys.exit("--seeds must be at least 30 (the z statistic's normal approximation)")
    scenarios = args.scenarios or sorted(glob.glob("scenarios/*.toml"))
    extra = [a for s in args.set_new for a in ("--set", s)]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for sc in scenarios:
            results[sc] = compare(
                samples(args.old, sc, args.seeds, pool),
                samples(args.new, sc, args.seeds, pool, extra, args.seed_offset_new),
            )
    tested = sum(1 for rows in results.values() for r in rows if r[3] is not None)
    threshold = FAMILY_ALPHA / max(tested, 1)
    failures, at_1pct = [], 0
    for sc, rows in results.items():
        varying = [r for r in rows if r[3] is not None]
        worst = max(varying, key=lambda r: abs(r[3]), default=None)
        at_1pct += sum(1 for r in varying if abs(r[3]) > 2.576)
        for m, ma, mb, z, mismatch in rows:
            if mismatch or (z is not None and p_two_sided(z) < threshold):
                failures.append((sc, m, ma, mb, z))
        line = f"{sc}: {len(varying)} varying metrics, {len(rows) - len(varying)} constant"
        if worst:
            m, ma, mb, z, _ = worst
            line += f"; largest |z| {abs(z):.2f} ({m}: {ma:.6g} -> {mb:.6g})"
        print(line)
        for m in ("client.availability", "client.latency_ms.p99"):
            row = next((r for r in rows if r[0] == m), None)
            if row:
                z = "constant" if row[3] is None else f"z {row[3]:+.2f}"
                print(f"    {m}: {row[1]:.6g} -> {row[2]:.6g} ({z})")
    print(
        f"{tested} metrics compared over {args.seeds} seeds; {at_1pct} with |z| > 2.576 "
        f"(chance alone: about {tested / 100:.1f}); family-wise alpha {FAMILY_ALPHA} "
        f"(Bonferroni: p < {threshold:.2g} fails)"
    )
    for sc, m, ma, mb, z in failures:
        zs = "constant under both, values differ" if z is None else f"z {z:+.2f}"
        print(f"DIFFERENT: {sc}: {m}: {ma:.6g} -> {mb:.6g} ({zs})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
