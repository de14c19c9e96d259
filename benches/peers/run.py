"""The peer benchmark's driver: breakersim against its SimPy peer, timed and checked.

Run by benches/peers/compare.sh (which makes the venv and the build); docs/performance.md#peer-benchmark.
For each scenario: ROUNDS interleaved rounds (breakersim, SimPy, breakersim, SimPy, ...), each
timed as a whole process and by its own simulation clock (breakersim's `run --timing`, the
peer's perf_counter around env.run); then SEEDS seeds of each, whose availability (and, for
the lab, 503 share) must agree within K standard errors of the difference of the means.
Optionally, instructions under callgrind. Exit 1 if an outcome disagrees.
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(__file__).resolve().parent / "simpy_model.py"
SCENARIOS = {
    "tutorial": ROOT / "scenarios/istio-outlier-tutorial.toml",
    "lab": ROOT / "scenarios/envoy-circuit-breaker-lab.toml",
}
# The outcomes compared: the availability for both; for the tutorial the ejections too (the
# detector's own dynamics), for the lab the share of 503 (UO, the breakers' refusals).
METRICS = {"tutorial": ["availability", "ejections"], "lab": ["availability", "503_share"]}


def run(cmd):
    """Runs `cmd`; returns (wall seconds of the whole process, stdout, stderr)."""
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - began, done.stdout, done.stderr


def breakersim_once(args, scenario, seed=None):
    """One breakersim run: whole-process time, simulation time and outcome."""
    cmd = [args.breakersim, "run", "--timing", "--format", "json", str(scenario)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    wall, out, err = run(cmd)
    # `wall time` has millisecond resolution; events / (events/s) gives the same time with
    # the rate's seven digits.
    events = int(re.search(r"events processed: (\d+)", err).group(1))
    rate = int(re.search(r"events/s: (\d+)", err).group(1))
    result = json.loads(out)
    client = result["client"]
    ejections = sum(e["action"] == "EJECT" and e["enforced"] for e in result["outlier_events"])
    return wall, events / rate, outcome(client["status"], client["availability"], ejections)


def simpy_once(args, scenario, seed=None):
    """One SimPy run: whole-process time, simulation time and outcome."""
    cmd = [args.python, str(MODEL), str(scenario)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    wall, out, _ = run(cmd)
    result = json.loads(out)
    return wall, result["sim_wall_s"], outcome(
        result["status"], result["availability"], result["ejections"])


def outcome(status, availability, ejections):
    answered = sum(status.values())
    return {"availability": availability, "503_share": status.get("503", 0) / answered,
            "ejections": ejections}


def timings(args, scenario):
    """Interleaved rounds; medians of whole-process and simulation times for each side."""
    sides = {"breakersim": ([], []), "simpy": ([], [])}
    for _ in range(args.rounds):
        for name, once in (("breakersim", breakersim_once), ("simpy", simpy_once)):
            wall, sim, _ = once(args, scenario)
            sides[name][0].append(wall)
            sides[name][1].append(sim)
    return {name: (statistics.median(w), statistics.median(s)) for name, (w, s) in sides.items()}


def agreement(args, key, scenario):
    """Each side over seeds 1..SEEDS: per metric the means, the standard error of their
    difference (Welch: sqrt(s_a^2/n + s_b^2/n)) and whether |difference| <= K of them."""
    seeds = range(1, args.seeds + 1)
    ours = [breakersim_once(args, scenario, s)[2] for s in seeds]
    peer = [simpy_once(args, scenario, s)[2] for s in seeds]
    rows = []
    for metric in METRICS[key]:
        a, b = [o[metric] for o in ours], [o[metric] for o in peer]
        se = (statistics.variance(a) / len(a) + statistics.variance(b) / len(b)) ** 0.5
        diff = statistics.mean(a) - statistics.mean(b)
        rows.append((metric, statistics.mean(a), statistics.mean(b), diff, se,
                     abs(diff) <= args.k * se))
    return rows


def instructions(cmd):
    """Instructions callgrind counts for `cmd` (its `Collected` line)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                          capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def callgrind(args, scenario):
    """Whole-process instructions of each side, and those of loading alone (breakersim's
    `check`, the peer's --build-only): the difference is the simulation's."""
    ours = instructions([args.breakersim, "run", "--format", "json", str(scenario)])
    ours_load = instructions([args.breakersim, "check", str(scenario)])
    peer = instructions([args.python, str(MODEL), str(scenario)])
    peer_load = instructions([args.python, str(MODEL), str(scenario), "--build-only"])
    return ours, ours - ours_load, peer, peer - peer_load


def report(key, scenario, args):
    t = timings(args, scenario)
    (bw, bs), (pw, ps) = t["breakersim"], t["simpy"]
    print(f"== {key}: {scenario.relative_to(ROOT)} ({args.rounds} interleaved rounds, medians)")
    print(f"  whole process:   breakersim {bw * 1e3:9.2f} ms   SimPy {pw * 1e3:9.2f} ms"
          f"   ratio {pw / bw:6.1f}x")
    print(f"  simulation only: breakersim {bs * 1e3:9.2f} ms   SimPy {ps * 1e3:9.2f} ms"
          f"   ratio {ps / bs:6.1f}x")
    if args.callgrind:
        ours, ours_sim, peer, peer_sim = callgrind(args, scenario)
        print(f"  instructions, whole process: breakersim {ours / 1e6:10.1f} M   SimPy"
              f" {peer / 1e6:10.1f} M   ratio {peer / ours:6.1f}x")
        print(f"  instructions, simulation:    breakersim {ours_sim / 1e6:10.1f} M   SimPy"
              f" {peer_sim / 1e6:10.1f} M   ratio {peer_sim / ours_sim:6.1f}x")
    ok = True
    print(f"  outcomes over seeds 1-{args.seeds} (agree if |difference| <= {args.k} standard"
          " errors of it):")
    for metric, a, b, diff, se, within in agreement(args, key, scenario):
        verdict = "agree" if within else "DISAGREE"
        print(f"    {metric:12} breakersim {a:.5f}   SimPy {b:.5f}   difference {diff:+.5f}"
              f"   SE {se:.5f}   {verdict}")
        ok &= within
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--breakersim", required=True, help="the breakersim binary")
    parser.add_argument("--python", default=sys.executable, help="a Python with simpy")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side")
    parser.add_argument("--seeds", type=int, default=20, help="seeds per side for outcomes")
    parser.add_argument("--k", type=float, default=3.0, help="tolerance in standard errors")
    parser.add_argument("--callgrind", action="store_true", help="also count instructions")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), action="append",
                        help="only this scenario (repeatable); default both")
    args = parser.parse_args()
    if args.seeds < 2 or args.rounds < 1:
        parser.error("--seeds needs at least 2 (for a standard error), --rounds at least 1")
    ok = True
    for key in args.scenario or list(SCENARIOS):
        ok &= report(key, SCENARIOS[key], args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
