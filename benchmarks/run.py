"""How argmap's cost grows with the case, as ratios against baselines measured in the same run.

    python -m benchmarks.run                 # 5x50 and 20x1000, and hostile inputs
    python -m benchmarks.run --large         # also 100x10000, 20x10000 (growth per item) and a
                                             # 30 MB Argdown map (minutes)
    python -m benchmarks.run --json out.json

For each size, in a fresh subprocess (so peak memory is that size's own), the median of
several runs of each stage: load+validate, score (PARC + posteriors + robustness + Monte
Carlo at its default 2,000 draws), evidence diagram (DOT and layout), report (the whole
`argmap report` command in a process of its own, diagrams included; its peak memory is the
report's), and editing: one rating edit written to disk by an editing session (checked by
the loader, patched in, backed up) and re-scoring after it (argmap.assess.live_assessment:
PARC, posteriors and diagnosticity, no Monte Carlo). Baselines: a plain C-accelerated YAML
parse of the same files (goals: load ≤ 1× at 20x1000 and 100x10000, score < 1×); growth per
item from 1,000 to 10,000 items at 20 hypotheses (goal ≤ 1.05 for load); the report at
20x1000 within 0.8 s, and score and report under 600 MiB at 100x10000; at 20x1000 an edit
on disk within 200 ms and re-scoring within 100 ms (given as ratios to load and score too);
for start-up, `argmap check` on the shipped case and `argmap --help` against `python -c pass`
(goals ≤ 8× and ≤ 4×), each command run as an installed package runs, its bytecode cached.
Then the hostile inputs of benchmarks/hostile.py, once each beside a valid file of their
format and size (goals: each under 10 s; Argdown read no slower than 10× a valid map as
large).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SIZES = [(5, 50), (20, 1000)]
LARGE = (100, 10000)
PER_ITEM = ((20, 1000), (20, 10000))
"""Growth per item: the same hypotheses, ten times the evidence (with --large)."""
GOALS = {"load": ("yaml", 1.0), "score": ("yaml", 1.0)}
"""Stage → (baseline, goal for stage / baseline), at 20x1000 and 100x10000."""
GOAL_SIZES = ("20x1000", "100x10000")
GROWTH_GOAL = {"load": 1.05}
REPORT_SECONDS = {"20x1000": 0.8}
"""Goal: the whole `argmap report` command within this many seconds, by size."""
PEAK_MIB = {"100x10000": 600.0}
"""Goal: peak memory of a score (load and score in one process) and of the whole report
command under this, by size."""
EDIT_SECONDS = {"20x1000": {"edit": 0.2, "rescore": 0.1}}
"""Goal: one rating edit on disk, and re-scoring after it, within this many seconds."""
STARTUP_GOALS = {"check": 8.0, "help": 4.0}
"""Start-up command → goal for its time over `python -c pass`."""
HOSTILE_SECONDS = 10.0
"""Goal: every hostile input refused or read within this."""
HOSTILE_RATIO = 10.0
"""Goal: a hostile Argdown file read no slower than this times a valid map of its size (a file
of one-character tokens costs a few times more per byte than words do; a lexer that rereads
the rest of the line at each character costs thousands of times more)."""


def _median_time(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _median_times(actions: dict[str, Any], runs: int) -> dict[str, float]:
    """The median time of each action, run in turn (so that the machine's load, which varies,
    falls on each alike and their ratio holds)."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_size(
    hypotheses: int, evidence: int, runs: int, stages: str = "all"
) -> dict[str, float]:
    """Time every stage on one synthetic case (run inside a subprocess); with ``stages``
    "load", only the parse baseline, load and score."""
    import yaml

    from argmap.assess import assess
    from argmap.load import case_files, load_case
    from argmap.render.dot import evidence_map
    from argmap.render.engine import layout

    from .generate import write

    with tempfile.TemporaryDirectory() as tmp:
        folder = write(Path(tmp) / "case", hypotheses, evidence)
        files = case_files(folder, "hypotheses") + case_files(folder, "evidence")
        texts = [f.read_text(encoding="utf-8") for f in files]
        slow = hypotheses * evidence >= 1_000_000
        runs = 1 if slow else runs
        result: dict[str, float] = _median_times(
            {
                "yaml": lambda: [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts],
                "load": lambda: load_case(folder),
            },
            runs,
        )
        case = load_case(folder).case
        result["load_peak_mib"] = _peak_mib()

        def score() -> None:
            a = assess(case)
            _ = a.smallest_change, a.confidence

        result["score"] = _median_time(score, runs)
        result["score_peak_mib"] = _peak_mib()
        result["items"] = float(evidence)
        if stages == "load":
            return result
        result.update(_editing(folder, runs))
        scores = assess(case, draws=1).scores
        result["diagram"] = _median_time(
            lambda: layout(evidence_map(case, scores, max_evidence=40), "svg"), runs
        )

        # The report as a user runs it: the whole command in a process of its own, whose
        # peak memory is the report's alone.
        out = Path(tmp) / "report.html"
        peaks = []

        def report() -> None:
            peaks.append(_command_peak_mib(["report", str(folder), "-o", str(out)]))

        result["report"] = _median_time(report, runs)
        result["cells"] = float(hypotheses * evidence)
        result["peak_mib"] = max(peaks)
    return result


def _editing(folder: Path, runs: int) -> dict[str, float]:
    """One rating edit on disk through an editing session, and re-scoring after it."""
    from itertools import cycle

    from argmap.assess import live_assessment
    from argmap.editing import Editor, SetRating

    editor = Editor(folder)
    item = editor.case.evidence[len(editor.case.evidence) // 2].id
    leaf = editor.case.leaves[len(editor.case.leaves) // 2].id
    codes = cycle(("C", "I", "CC", "II", "N"))
    edit = _median_time(lambda: editor.apply(SetRating(item, leaf, next(codes))), max(runs, 5))
    rescore = _median_time(lambda: live_assessment(editor.case), max(runs, 5))
    return {"edit": edit, "rescore": rescore}


def _command_peak_mib(arguments: list[str]) -> float:
    """Run ``argmap ARGUMENTS`` in a new process; its peak resident memory in MiB."""
    command = [sys.executable, "-c", "from argmap.cli import main; main()", *arguments]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as child:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            message = child.stderr.read().decode() if child.stderr else ""
            raise RuntimeError(f"argmap {' '.join(arguments)} failed: {message}")
    return usage.ru_maxrss / 1024


def _startup(runs: int) -> dict[str, float]:
    """Median wall times of `python -c pass`, `argmap --help` and `argmap check` on the shipped
    case, run in turn (so the machine's load falls on each alike).

    Each runs as an installed package does: with its bytecode cached (here in a temporary
    folder, warmed by a first run), although PYTHONDONTWRITEBYTECODE may be set here."""
    argmap = str(Path(sys.executable).with_name("argmap"))
    commands = {
        "python": [sys.executable, "-c", "pass"],
        "help": [argmap, "--help"],
        "check": [argmap, "check", str(REPO)],
    }
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        for turn in range(runs + 1):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, capture_output=True, check=True, env=env, cwd=REPO)
                if turn:  # the first turn writes the bytecode
                    times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def _measure(h: int, e: int, runs: int, stages: str = "all") -> dict[str, float]:
    print(f"measuring {h}x{e} …", file=sys.stderr, flush=True)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--one", f"{h}x{e}", "--runs", str(runs)]
        + ["--stages", stages],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, float] = json.loads(out.splitlines()[-1])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also measure 100x10000")
    parser.add_argument("--runs", type=int, default=5, help="runs per stage (median)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--stages", default="all", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # inside the per-size subprocess
        h, e = (int(x) for x in args.one.split("x"))
        print(json.dumps(measure_size(h, e, args.runs, args.stages)))
        return 0

    sizes = SIZES + ([LARGE] if args.large else [])
    results = {f"{h}x{e}": _measure(h, e, args.runs) for h, e in sizes}
    per_item: dict[str, dict[str, float]] = {}
    if args.large:
        for h, e in PER_ITEM:
            name = f"{h}x{e}"
            per_item[name] = results[name] if name in results else _measure(h, e, args.runs, "load")
    startup = _startup(args.runs)

    stages = ("yaml", "load", "score", "diagram", "report")
    print(
        f"{'size':>10} "
        + " ".join(f"{s:>9}" for s in stages)
        + f" {'load/yaml':>10} {'score/yaml':>11} {'report MiB':>10} {'at load':>8} {'at score':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:>10} "
            + " ".join(f"{r[s]:>8.3f}s" for s in stages)
            + f" {r['load'] / r['yaml']:>10.2f} {r['score'] / r['yaml']:>11.2f}"
            f" {r['peak_mib']:>10.0f} {r['load_peak_mib']:>8.0f} {r['score_peak_mib']:>8.0f}"
        )
    names = list(results)
    growth = {}
    if len(names) >= 2:
        a, b = results[names[-2]], results[names[-1]]
        for s in stages:
            growth[s] = math.log(b[s] / a[s]) / math.log(b["cells"] / a["cells"])
        print(
            f"growth exponent {names[-2]} → {names[-1]} (1 = linear in cells): "
            + ", ".join(f"{s} {g:.2f}" for s, g in growth.items())
        )
    per_item_growth = {}
    if len(per_item) == 2:
        (a_name, a), (b_name, b) = per_item.items()
        for s in ("yaml", "load", "score"):
            per_item_growth[s] = math.log(b[s] / a[s]) / math.log(b["items"] / a["items"])
        print(
            f"growth per item {a_name} → {b_name} (1 = linear in items): "
            + ", ".join(f"{s} {g:.2f}" for s, g in per_item_growth.items())
            + f"; {b_name}: yaml {b['yaml']:.3f}s, load {b['load']:.3f}s, score {b['score']:.3f}s"
        )
    print(
        f"start-up: python -c pass {startup['python'] * 1000:.0f} ms, argmap --help "
        f"{startup['help'] * 1000:.0f} ms ({startup['help'] / startup['python']:.1f}×), "
        f"argmap check (shipped case) {startup['check'] * 1000:.0f} ms "
        f"({startup['check'] / startup['python']:.1f}×)"
    )
    verdicts = []
    for name, r in results.items():
        for stage, (base, goal) in GOALS.items():
            ratio = r[stage] / r[base]
            if name in GOAL_SIZES:
                verdicts.append(
                    f"{stage}/{base} at {name}: {ratio:.2f} (goal ≤ {goal})"
                    + ("" if ratio <= goal else "  MISSED")
                )
    for name, r in results.items():
        print(
            f"editing at {name}: a rating edit on disk {r['edit'] * 1000:.0f} ms "
            f"({r['edit'] / r['load']:.2f}× load), re-scoring {r['rescore'] * 1000:.0f} ms "
            f"({r['rescore'] / r['score']:.2f}× score)"
        )
    for name, goals in EDIT_SECONDS.items():
        for stage, seconds in goals.items():
            if name in results:
                took = results[name][stage]
                verdicts.append(
                    f"{'a rating edit on disk' if stage == 'edit' else 're-scoring an edit'} at "
                    f"{name}: {took * 1000:.0f} ms (goal < {seconds * 1000:.0f} ms)"
                    + ("" if took < seconds else "  MISSED")
                )
    for name, seconds in REPORT_SECONDS.items():
        if name in results:
            took = results[name]["report"]
            verdicts.append(
                f"argmap report at {name}: {took:.2f} s (goal ≤ {seconds:g} s)"
                + ("" if took <= seconds else "  MISSED")
            )
    for name, mib in PEAK_MIB.items():
        for key, what in (("score_peak_mib", "score"), ("peak_mib", "report")):
            if name in results:
                peak = results[name][key]
                verdicts.append(
                    f"peak memory of {what} at {name}: {peak:.0f} MiB (goal < {mib:g})"
                    + ("" if peak < mib else "  MISSED")
                )
    for stage, goal in GROWTH_GOAL.items():
        if stage in per_item_growth:
            growth_ratio = per_item_growth[stage]
            verdicts.append(
                f"{stage} growth per item: {growth_ratio:.2f} (goal ≤ {goal})"
                + ("" if growth_ratio <= goal else "  MISSED")
            )
    for command, goal in STARTUP_GOALS.items():
        ratio = startup[command] / startup["python"]
        verdicts.append(
            f"argmap {'check' if command == 'check' else '--help'} / python -c pass: "
            f"{ratio:.1f} (goal ≤ {goal:g})" + ("" if ratio <= goal else "  MISSED")
        )
    print("\n".join(verdicts))
    hostile = _hostile(args.large)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "sizes": results,
                    "growth": growth,
                    "per_item": per_item,
                    "growth_per_item": per_item_growth,
                    "startup": startup,
                    "hostile": hostile,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


def _hostile(large: bool) -> dict[str, dict[str, float | str]]:
    """Time the hostile inputs in a subprocess of their own; print the table and the goals."""
    print("measuring hostile inputs …", file=sys.stderr, flush=True)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.hostile", *(["--large"] if large else [])],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, dict[str, float | str]] = json.loads(out)
    peak = found.pop("peak")["mib"]
    print(f"\n{'hostile input':<32} {'outcome':>8} {'seconds':>8} {'valid':>8} {'ratio':>6}")
    slowest, worst_ratio = 0.0, 0.0
    for name, r in found.items():
        seconds, baseline = float(r["seconds"]), float(r["baseline"])
        ratio = seconds / baseline if baseline else math.inf
        print(f"{name:<32} {r['outcome']!s:>8} {seconds:>8.3f} {baseline:>8.3f} {ratio:>6.1f}")
        if "valid map" in str(name):
            continue  # --large's growth measure (its baseline a map 30 times smaller), not hostile
        slowest = max(slowest, seconds)
        if str(name).startswith("argdown") and r["outcome"] == "read":
            worst_ratio = max(worst_ratio, ratio)
    print(
        f"hostile inputs: slowest {slowest:.2f} s (goal < {HOSTILE_SECONDS:.0f} s)"
        + ("" if slowest < HOSTILE_SECONDS else "  MISSED")
    )
    print(
        f"hostile Argdown read / valid map of its size: {worst_ratio:.1f} "
        f"(goal ≤ {HOSTILE_RATIO:.0f})" + ("" if worst_ratio <= HOSTILE_RATIO else "  MISSED")
    )
    print(f"hostile inputs: peak {peak:.0f} MiB")
    return found


if __name__ == "__main__":
    sys.exit(main())
