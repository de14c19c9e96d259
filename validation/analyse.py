#!/usr/bin/env python3
"""Summarise hey runs (issue 16's validation): dial and wait modes, errors, percentiles.

    python3 validation/analyse.py tests/fixtures/validation/python-http-server [--json] [--per-run]

Reads a fixture directory written by validation/measure.sh: `[n1000-]cC-runI.csv` (hey -o csv,
one row per response) and `[n1000-]cC-summary.txt` (hey's report of one more run, the only place
that counts errors and timeouts). The older naming `python-cC-runI.csv` reads too. Groups the
runs by (n, C) and prints, per group, the responses and their status codes, the errors, the
share of dials and of response waits in each mode, and p50/p90/p99 of response time.

Standard library only (Python 3.11). The reader (read_fixture_dir) is separate from the
classification (analyse_group) so that a reader of a breakersim output can feed the same
classification: it only needs Response records and Summary records.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# --- The mode windows: the one place to change them. -----------------------------------------
#
# Each window is (label, lower bound inclusive, upper bound exclusive), in seconds. A value in
# no window counts as "other" (between modes). A retransmission timer cannot fire early, and it
# fires a little late (the timer is in jiffies, the RTO a little above its nominal value) and
# the server may add queueing, so each mode's window around its nominal time t is
# [MODE_LOW * t, MODE_HIGH * t): 2 % below (rounding, in a simulator too) and 15 % above. On
# this machine the measured modes sit 0 to 9 % above nominal (see the READMEs), and 15 % keeps
# the windows of doubling modes well apart.
MODE_LOW = 0.98
MODE_HIGH = 1.15


def _near(t: float) -> tuple[str, float, float]:
    return (f"~{t:g}s", MODE_LOW * t, MODE_HIGH * t)


# Dial ("DNS+dialup": hey's GetConn to GotConn, so the TCP handshake for a new connection and
# ~0 for a reused keep-alive one). A SYN dropped at a full accept queue is retransmitted by the
# client after its initial RTO of 1 s, and on Linux >= 6.5 with net.ipv4.tcp_syn_linear_timeouts
# = 4 the first four retransmissions stay 1 s apart (1, 2, 3, 4 s after the first SYN) before
# backing off exponentially (net/ipv4/tcp_timer.c, tcp_retransmit_timer). Under 0.5 s: no SYN
# was lost. Beyond the 3 s window: a fourth SYN or later.
DIAL_MODES: list[tuple[str, float, float]] = [
    ("<0.5s", 0.0, 0.5),
    _near(1.0),
    _near(2.0),
    _near(3.0),
    ("beyond", MODE_HIGH * 3.0, math.inf),
]

# Wait ("Response-delay": hey's WroteRequest to GotFirstResponseByte). When the handshake's
# final ACK is dropped at a full accept queue, the client thinks it is connected and sends the
# request; it is dropped the same way, and the client retransmits it: first a tail-loss probe
# 2*srtt + 200 ms after sending (one packet in flight; net/ipv4/tcp_output.c,
# tcp_schedule_loss_probe), then RTOs from about 200 ms (the minimum RTO) doubling each time,
# so near 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8 s after the request. Below MODE_LOW * 0.2 s ("~0"):
# no retransmission of the request can have happened. Beyond the 12.8 s window: nothing is
# expected, as hey gives up at 20 s.
_WAIT_CENTRES = [0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8]
WAIT_MODES: list[tuple[str, float, float]] = (
    [("~0", 0.0, MODE_LOW * _WAIT_CENTRES[0])]
    + [_near(t) for t in _WAIT_CENTRES]
    + [("beyond", MODE_HIGH * _WAIT_CENTRES[-1], math.inf)]
)

OTHER = "other"

# Percentiles of response time, nearest rank (the value at rank ceil(p * count)), over the
# responses in the CSVs (errors and timeouts have no row there, as in hey's own report).
PERCENTILES = [0.50, 0.90, 0.99]

# hey's -n when a file name does not say (measure.sh names the n=1000 runs n1000-...).
DEFAULT_N = 200


# --- Records: what the classification needs. -------------------------------------------------


@dataclass
class Response:
    response_time: float  # seconds, hey's "response-time"
    dial: float  # seconds, "DNS+dialup"
    wait: float  # seconds, "Response-delay" (resp wait)
    status: int


@dataclass
class Run:
    """One run with a row per response (a hey -o csv file, or a simulated run)."""

    name: str
    n: int  # requests asked for
    c: int  # concurrency
    responses: list[Response]
    # Kernel TCP counter deltas over the run (measure.sh's runs.tsv), when known.
    counters: dict[str, int] | None = None


@dataclass
class Summary:
    """One run's counts of statuses and errors (hey's report without -o csv)."""

    name: str
    n: int
    c: int
    status_counts: dict[int, int]
    timeouts: int
    other_errors: int
    error_lines: list[str] = field(default_factory=list)


# --- The reader of measure.sh's fixture directories. -----------------------------------------

_NAME = re.compile(r"(?:^|-)(?:n(?P<n>\d+)-)?c(?P<c>\d+)-(?P<kind>run\d+\.csv|summary\.txt)$")


def _parse_name(path: Path) -> tuple[int, int, str] | None:
    m = _NAME.search(path.name)
    if not m:
        return None
    return int(m["n"] or DEFAULT_N), int(m["c"]), m["kind"]


def read_csv_run(path: Path, n: int, c: int) -> Run:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    responses = [
        Response(
            response_time=float(r["response-time"]),
            dial=float(r["DNS+dialup"]),
            wait=float(r["Response-delay"]),
            status=int(r["status-code"]),
        )
        for r in rows
    ]
    return Run(path.name, n, c, responses)


_STATUS = re.compile(r"^\s*\[(\d+)\]\s+(\d+) responses")
_ERROR = re.compile(r"^\s*\[(\d+)\]\s+(.*)$")


def read_summary(path: Path, n: int, c: int) -> Summary:
    statuses: dict[int, int] = {}
    timeouts = other = 0
    lines = []
    section = None
    for line in path.read_text().splitlines():
        if line.startswith("Status code distribution"):
            section = "status"
            continue
        if line.startswith("Error distribution"):
            section = "error"
            continue
        if section == "status" and (m := _STATUS.match(line)):
            statuses[int(m[1])] = int(m[2])
        elif section == "error" and (m := _ERROR.match(line)):
            count, text = int(m[1]), m[2]
            lines.append(line.strip())
            if "Timeout exceeded" in text or "deadline exceeded" in text:
                timeouts += count
            else:
                other += count
    return Summary(path.name, n, c, statuses, timeouts, other, lines)


def read_counters(path: Path) -> dict[str, dict[str, int]]:
    """measure.sh's runs.tsv: per file, the deltas of the kernel's TCP counters over its run."""
    if not path.exists():
        return {}
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    fixed = {"file", "started_utc", "load_before", "seconds", "exit"}
    return {r["file"]: {k: int(v) for k, v in r.items() if k not in fixed} for r in rows}


def read_fixture_dir(directory: Path) -> tuple[list[Run], list[Summary]]:
    counters = read_counters(directory / "runs.tsv")
    runs, summaries = [], []
    for path in sorted(directory.iterdir()):
        parsed = _parse_name(path)
        if not parsed:
            continue
        n, c, kind = parsed
        if kind == "summary.txt":
            summaries.append(read_summary(path, n, c))
        else:
            run = read_csv_run(path, n, c)
            run.counters = counters.get(path.name)
            runs.append(run)
    return runs, summaries


# --- The classification. ----------------------------------------------------------------------


def classify(values: list[float], modes: list[tuple[str, float, float]]) -> dict[str, int]:
    counts = {label: 0 for label, _, _ in modes}
    counts[OTHER] = 0
    for v in values:
        for label, lo, hi in modes:
            if lo <= v < hi:
                counts[label] += 1
                break
        else:
            counts[OTHER] += 1
    return counts


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered)))
    return ordered[rank - 1]


def implied_retransmissions(responses: list[Response]) -> dict[str, int]:
    """What the modes imply the client's kernel sent, to set beside its counters.

    A dial in the k-th whole-second mode means k SYN retransmissions, each on an RTO. A wait in
    the 0.2 s mode means one tail-loss probe; in the j-th doubling mode after it (0.4, 0.8, ...)
    one probe and j RTOs. Values between modes are not counted.
    """
    syn = data_rto = probes = 0
    dial_k = {label: k for k, (label, _, _) in enumerate(DIAL_MODES) if 0 < k < len(DIAL_MODES) - 1}
    wait_j = {label: j for j, (label, _, _) in enumerate(WAIT_MODES) if 0 < j < len(WAIT_MODES) - 1}
    for r in responses:
        for label, lo, hi in DIAL_MODES:
            if lo <= r.dial < hi and label in dial_k:
                syn += dial_k[label]
        for label, lo, hi in WAIT_MODES:
            if lo <= r.wait < hi and label in wait_j:
                probes += 1
                data_rto += wait_j[label] - 1
    return {"syn_retransmits": syn, "loss_probes": probes, "rtos": syn + data_rto}


def analyse_runs(runs: list[Run]) -> dict:
    """The figures of some runs pooled (one group, or one run)."""
    responses = [r for run in runs for r in run.responses]
    statuses: dict[int, int] = {}
    for r in responses:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    times = [r.response_time for r in responses]
    counted = [run.counters for run in runs if run.counters is not None]
    kernel = None
    if counted and len(counted) == len(runs):
        kernel = {k: sum(c[k] for c in counted) for k in counted[0]}
    return {
        "runs": [run.name for run in runs],
        "requests": sum(run.n for run in runs),
        "responses": len(responses),
        "missing": sum(run.n - len(run.responses) for run in runs),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "dial": classify([r.dial for r in responses], DIAL_MODES),
        "wait": classify([r.wait for r in responses], WAIT_MODES),
        "response_time": {f"p{round(p * 100)}": percentile(times, p) for p in PERCENTILES},
        "max_response_time": max(times) if times else None,
        "implied_retransmissions": implied_retransmissions(responses),
        "kernel_counters": kernel,
    }


def analyse_group(runs: list[Run], summaries: list[Summary], per_run: bool = False) -> dict:
    out = analyse_runs(runs)
    out["summaries"] = [
        {
            "name": s.name,
            "requests": s.n,
            "status_counts": {str(k): v for k, v in sorted(s.status_counts.items())},
            "timeouts": s.timeouts,
            "other_errors": s.other_errors,
            "error_lines": s.error_lines,
        }
        for s in summaries
    ]
    if per_run:
        out["per_run"] = [analyse_runs([run]) for run in runs]
    return out


def analyse(runs: list[Run], summaries: list[Summary], per_run: bool = False) -> list[dict]:
    keys = sorted({(r.n, r.c) for r in runs} | {(s.n, s.c) for s in summaries})
    groups = []
    for n, c in keys:
        g = analyse_group(
            [r for r in runs if (r.n, r.c) == (n, c)],
            [s for s in summaries if (s.n, s.c) == (n, c)],
            per_run,
        )
        groups.append({"n": n, "c": c, **g})
    return groups


# --- Printing. ----------------------------------------------------------------------------------


def _share(count: int, total: int) -> str:
    if total == 0 or count == 0:
        return "-"
    return f"{100 * count / total:.1f}% ({count})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt_s(v: float | None) -> str:
    return "-" if v is None else f"{v:.4f}"


def _statuses(d: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in d.items()) or "-"


def print_tables(groups: list[dict], per_run: bool) -> None:
    def rows_of(g: dict) -> list[tuple[str, dict]]:
        label = f"{g['c']}" if g["n"] == DEFAULT_N else f"{g['c']} (n={g['n']})"
        rows = [(label, g)]
        if per_run:
            rows += [(f"  {r['runs'][0]}", r) for r in g.get("per_run", [])]
        return rows

    print("Responses (CSV runs pooled; summary = hey's report of one more run)\n")
    header = ["C", "CSV runs", "responses (status)", "missing from CSVs"]
    header += ["summary: responses (status)", "timeouts", "other errors"]
    header += [f"p{round(p * 100)} s" for p in PERCENTILES] + ["max s"]
    rows = []
    for g in groups:
        for label, r in rows_of(g):
            s = g["summaries"] if r is g else []
            rows.append(
                [label, str(len(r["runs"])), f"{r['responses']} ({_statuses(r['status_counts'])})",
                 str(r["missing"]),
                 "; ".join(_statuses(x["status_counts"]) for x in s) or "",
                 "; ".join(str(x["timeouts"]) for x in s) or "",
                 "; ".join(str(x["other_errors"]) for x in s) or ""]
                + [_fmt_s(v) for v in r["response_time"].values()]
                + [_fmt_s(r["max_response_time"])]
            )
    print(_table(header, rows))

    for key, modes, title in (("dial", DIAL_MODES, "Dial (DNS+dialup)"),
                              ("wait", WAIT_MODES, "Wait (Response-delay)")):
        print(f"\n{title}: share of responses (count) per mode\n")
        header = ["C"] + [f"{label} [{lo:.3g}, {hi:.3g})" for label, lo, hi in modes] + [OTHER]
        labels = [m[0] for m in modes] + [OTHER]
        rows = []
        for g in groups:
            for label, r in rows_of(g):
                rows.append([label] + [_share(r[key][m], r["responses"]) for m in labels])
        print(_table(header, rows))


def print_kernel_table(groups: list[dict], per_run: bool) -> None:
    rows = []
    for g in groups:
        items = [(f"{g['c']}" if g["n"] == DEFAULT_N else f"{g['c']} (n={g['n']})", g)]
        if per_run:
            items += [(f"  {r['runs'][0]}", r) for r in g.get("per_run", [])]
        for label, r in items:
            k, i = r["kernel_counters"], r["implied_retransmissions"]
            if k is None:
                continue
            rows.append([label, str(k.get("ListenOverflows", "")), str(k.get("TCPReqQFullDrop", "")),
                         f"{k.get('TCPSynRetrans', '')} / {i['syn_retransmits']}",
                         f"{k.get('TCPLossProbes', '')} / {i['loss_probes']}",
                         f"{k.get('TCPTimeouts', '')} / {i['rtos']}"])
    if not rows:
        return
    print("\nKernel counters over the CSV runs (runs.tsv) / what the CSV modes imply for the client\n")
    print(_table(["C", "ListenOverflows", "TCPReqQFullDrop", "TCPSynRetrans / SYNs implied",
                  "TCPLossProbes / implied", "TCPTimeouts / RTOs implied"], rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--json", action="store_true", help="print one JSON document instead")
    ap.add_argument("--per-run", action="store_true", help="also give every CSV run's figures")
    args = ap.parse_args(argv)
    runs, summaries = read_fixture_dir(args.directory)
    if not runs and not summaries:
        print(f"no hey runs in {args.directory}", file=sys.stderr)
        return 1
    groups = analyse(runs, summaries, args.per_run)
    if args.json:
        doc = {
            "directory": str(args.directory),
            "dial_modes": [[label, lo, None if hi == math.inf else hi] for label, lo, hi in DIAL_MODES],
            "wait_modes": [[label, lo, None if hi == math.inf else hi] for label, lo, hi in WAIT_MODES],
            "percentiles": PERCENTILES,
            "groups": groups,
        }
        json.dump(doc, sys.stdout, indent=1)
        print()
    else:
        print_tables(groups, args.per_run)
        print_kernel_table(groups, args.per_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
