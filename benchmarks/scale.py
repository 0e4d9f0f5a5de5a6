"""Whole-flow scale benchmark (issue 15): `casebundle run` on meetings it builds itself.

    .venv/bin/python benchmarks/scale.py [--sizes 2000,10000,50000] [--five-families]
                                         [--no-naive] [--work DIR]

For each size: a generated meeting (benchmarks/scale_meeting.py), a cold run (empty work
cache, Prefect's temporary server started as every run does) and a warm run (same inputs
again); wall time, items/s, peak memory (the largest process, and the whole process tree
sampled every 0.2 s: the flow, its worker processes and Prefect's server) and the share
of each stage: start-up (process start, Prefect's server, rules), read, decide (identity
and policy), redact, write, audit, other. At 10,000 items also the daily re-run: one
new 50-row agency file, run on the warm state into the warm run's output folder (as a
daily re-run replaces the outputs it published, whose unchanged views it keeps), and a
cold run of the same inputs from the same state without the cache into a fresh folder,
whose outputs must be identical. With `--five-families`,
50,000 items in five families (10,000 per family). And the naive script
(benchmarks/naive_script.py: pandas + vanilla Presidio per row + one xlsx per family) on
the 2,000-item meeting, in the same session.

The machine's load average is printed before and after: other work on a shared machine
slows every figure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from scale_meeting import Generated, add_file, generate  # noqa: E402

from tests.support.outputs import differences  # noqa: E402

CASEBUNDLE = Path(sys.executable).with_name("casebundle")
STAGES = ("startup", "read", "decide", "redact", "write", "audit", "other")


@dataclass
class Measured:
    label: str
    items: int
    wall: float
    peak_tree_mib: float
    peak_process_mib: float
    peak_tree_pss_mib: float
    seconds: dict[str, float] = field(default_factory=dict)
    work: str = ""

    @property
    def rate(self) -> float:
        return self.items / self.wall if self.wall else 0.0

    def shares(self) -> str:
        stages = dict(self.seconds)
        stages["startup"] = max(0.0, self.wall - sum(self.seconds.values()))
        return " ".join(f"{s} {100 * stages.get(s, 0.0) / self.wall:.0f}%" for s in STAGES)


def _watch(cmd: list[str], env: dict[str, str], log: Path
           ) -> tuple[float, float, float, float, str]:
    """Run cmd; return wall seconds, peak RSS of the tree and of one process, peak PSS of
    the tree (MiB), output.

    RSS summed over a tree counts every shared page once per process that maps it: the
    worker processes are forked from one server process and share its imported modules.
    PSS (proportional set size, Linux) divides each shared page among the processes
    sharing it, so the tree's PSS is the memory the run really holds; both are shown."""
    started = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
        root = psutil.Process(proc.pid)
        tree = one = pss_tree = 0
        while proc.poll() is None:
            try:
                procs = [root, *root.children(recursive=True)]
                rss, pss = [], []
                for p in procs:
                    try:
                        full = p.memory_full_info()
                    except psutil.Error:
                        continue
                    rss.append(full.rss)
                    pss.append(getattr(full, "pss", full.rss))
                tree, one = max(tree, sum(rss)), max(one, max(rss, default=0))
                pss_tree = max(pss_tree, sum(pss))
            except psutil.Error:
                pass
            time.sleep(0.2)
    wall = time.perf_counter() - started
    text = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}); see {log}:\n"
                         f"{text[-3000:]}")
    return wall, tree / 2**20, one / 2**20, pss_tree / 2**20, text


def stage_seconds(text: str) -> dict[str, float]:
    """The run's "Seconds per stage: read 2.1, decide 1.0, ..." line, as numbers."""
    found = re.search(r"Seconds per stage: ((?:[a-z]+ [0-9.]+(?:, )?)+)", text.replace("\n", " "))
    if found is None:
        raise SystemExit("the run printed no 'Seconds per stage' line")
    return {stage: float(secs) for stage, secs in
            (part.split() for part in found.group(1).split(", "))}


def run_casebundle(label: str, gen: Generated, out: Path, state: Path, home: Path,
                   log: Path) -> Measured:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CASEBUNDLE_"))}
    env.update(PREFECT_HOME=str(home), CASEBUNDLE_STATE_DIR=str(state), DO_NOT_TRACK="1")
    cmd = [str(CASEBUNDLE), "run", "--meeting", str(gen.meeting), "--inbox", str(gen.inbox),
           "--out", str(out), "--state", str(state)]
    wall, tree, one, pss, text = _watch(cmd, env, log)
    rows = int(re.search(r"rows in = ledger rows = (\d+)", text,  # type: ignore[union-attr]
                         re.IGNORECASE).group(1))
    seconds = stage_seconds(text)
    work = re.search(r"Work: (.*?)Seconds per stage", text.replace("\n", " "), re.S)
    return Measured(label, rows, wall, tree, one, pss, seconds,
                    work.group(1).strip() if work else "")


def run_naive(gen: Generated, out: Path, log: Path) -> Measured:
    cmd = [sys.executable, str(HERE / "naive_script.py"), str(gen.inbox), str(out)]
    wall, tree, one, pss, _ = _watch(cmd, dict(os.environ), log)
    return Measured("naive script", gen.rows, wall, tree, one, pss)


def line(m: Measured) -> str:
    return (f"| {m.label} | {m.items} | {m.wall:.1f} | {m.rate:.0f} | {m.peak_tree_mib:.0f} "
            f"| {m.peak_tree_pss_mib:.0f} | {m.peak_process_mib:.0f} "
            f"| {m.shares() if m.seconds else '-'} |")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2000,10000,50000")
    ap.add_argument("--five-families", action="store_true",
                    help="also 50,000 items in five families")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--repeat", type=int, default=3,
                    help="cold casebundle and naive script runs on 2,000 items, in turn "
                         "(medians reported)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/casebundle-scale"))
    args = ap.parse_args(argv)
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    home = work / "prefect-home"
    print(f"load average before: {load()} ({os.cpu_count()} cores)", flush=True)
    results: list[Measured] = []
    notes: list[str] = []
    # Prefect's database is created (migrated) on first use: done once here, not timed
    sample = generate(work / "warmup", 60, families=4)
    run_casebundle("warm-up (not counted)", sample, work / "warmup-out",
                   work / "warmup-state", home, work / "warmup.log")
    plans: list[tuple[str, int, int | None]] = [
        (f"{int(n):,} items", int(n), None) for n in args.sizes.split(",") if n]
    if args.five_families:
        plans.append(("50,000 items in 5 families", 50000, 5))
    for label, n, families in plans:
        tag = f"m{n}" + (f"-f{families}" if families else "")
        gen = generate(work / tag, n, families)
        state = work / f"{tag}-state"
        cold = run_casebundle(f"{label}, cold", gen, work / f"{tag}-out-cold", state, home,
                              work / f"{tag}-cold.log")
        results.append(cold)
        print(line(cold), cold.work, f"load {load()}", flush=True)
        warm = run_casebundle(f"{label}, warm", gen, work / f"{tag}-out-warm", state, home,
                              work / f"{tag}-warm.log")
        results.append(warm)
        print(line(warm), warm.work, f"load {load()}", flush=True)
        if n == 2000 and families is None and not args.no_naive:
            # in turn, so that other work on the machine slows both alike; medians
            colds, naives = [cold], []
            for r in range(max(1, args.repeat)):
                if r:
                    again = run_casebundle(f"{label}, cold (repeat {r + 1})", gen,
                                           work / f"{tag}-out-cold{r}",
                                           work / f"{tag}-state{r}", home,
                                           work / f"{tag}-cold{r}.log")
                    colds.append(again)
                    results.append(again)
                    print(line(again), f"load {load()}", flush=True)
                naive = run_naive(gen, work / f"naive-out{r}", work / f"naive{r}.log")
                naives.append(naive)
                results.append(naive)
                print(line(naive), f"load {load()}", flush=True)
            cb = statistics.median(m.wall for m in colds)
            nv = statistics.median(m.wall for m in naives)
            ratios = ", ".join(f"{c.wall / v.wall:.2f}" for c, v in zip(colds, naives,
                                                                          strict=True))
            notes.append(f"2,000 items, {len(colds)} pairs in turn: casebundle cold median "
                         f"{cb:.1f} s, naive script median {nv:.1f} s, ratio of medians "
                         f"{cb / nv:.2f} (pairs: {ratios}; target at most 0.80)")
        if n == 10000 and families is None:
            # the daily re-run: one more agency file of 50 rows
            before = work / f"{tag}-state-before"
            shutil.copytree(state, before)
            shutil.rmtree(before / "cache")
            add_file(gen, "police", 50)
            # into the folder the warm run published, as the next day's run would
            rerun = run_casebundle(f"{label} + one 50-row file, warm", gen,
                                   work / f"{tag}-out-warm", state, home,
                                   work / f"{tag}-rerun.log")
            recold = run_casebundle(f"{label} + one 50-row file, cold", gen,
                                    work / f"{tag}-out-recold", before, home,
                                    work / f"{tag}-recold.log")
            results += [rerun, recold]
            print(line(rerun), rerun.work, flush=True)
            print(line(recold), flush=True)
            meeting = "jag-2026-12"
            diff = differences(work / f"{tag}-out-warm" / meeting,
                               work / f"{tag}-out-recold" / meeting)
            notes.append(f"re-run after one 50-row file: {rerun.wall:.1f} s = "
                         f"{100 * rerun.wall / cold.wall:.1f}% of the cold run's "
                         f"{cold.wall:.1f} s (target under 15%); outputs vs a cold run of "
                         f"the same inputs: {len(diff)} files differ")
    print()
    print("| run | items | wall s | items/s | peak RSS, tree MiB | peak PSS, tree MiB "
          "| peak RSS, one process MiB | share of wall time |")
    print("|---|---|---|---|---|---|---|---|")
    for m in results:
        print(line(m))
    print()
    for note in notes:
        print(note)
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
