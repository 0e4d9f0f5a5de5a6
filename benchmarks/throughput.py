"""Items per second: casebundle redaction vs vanilla Presidio vs raw spaCy NER (the ceiling).

    .venv/bin/python benchmarks/throughput.py [--n 1500] [--processes 1] [--cb-cores N] [--strict]

casebundle is measured three times: `redact_family` in one process (spaCy over one family's
texts at a time, as a run's per-family tasks do), `redact_families` with the engine's own
multi-core option (`processes` in redaction.yaml, or --cb-cores), and `redact_families` in one
process (spaCy over many families' texts at once). Every figure says how many cores it used;
the one-core ratio is also given by CPU time, which other work on a shared machine disturbs
less than wall time.

All three engines see the same texts: the redaction corpus repeated until --n notes, each copy
tagged with a short suffix so no engine can answer a repeat from a cache. Each engine is loaded
and warmed up in every worker before the clock starts.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction_eval import (  # noqa: E402
    SPACY_MODEL,
    NetworkGuard,
    Note,
    families,
    load_corpus,
    vanilla_analyzer,
)

RATIO_VS_VANILLA = 3.0
RATIO_VS_SPACY = 0.6
WARM_TEXT = "Officers attended. HARROW stated Dean Harrow called 07700 900000 from LU1 9ZZ."

# --- engines: load (and warm up) returns the engine; work runs it over families ----------

WARM_FAMILY = [[Note("w", "W", "police", "seed", ("Tony Brooks",), WARM_TEXT, ())]]
NON_NER_PIPES = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]


def _load_casebundle() -> Any:
    from pipeline.redact import load_redactor

    engine = load_redactor()
    _work_casebundle(engine, WARM_FAMILY)
    return engine


def _family_text(fam: list[Note]) -> Any:
    from pipeline.redact import FamilyText, RedactionInput

    return FamilyText(
        family_ref=fam[0].family_ref,
        keep_names=fam[0].keep_names,
        items=tuple(
            RedactionInput(key=n.note_id, item_id=n.note_id, agency=n.agency, text=n.text)
            for n in fam
        ),
        link_across_agencies=True,
    )


def _work_casebundle(engine: Any, fams: list[list[Note]]) -> int:
    for fam in fams:
        engine.redact_family(_family_text(fam))
    return sum(len(f) for f in fams)


#: cores for casebundle's multi-core figure (None: the engine's `processes` setting)
CB_CORES: int | None = None


def _load_casebundle_multi() -> Any:
    engine = _load_casebundle()
    cores = engine.processes if CB_CORES is None else CB_CORES
    engine.redact_families([_family_text(f) for f in WARM_FAMILY * cores * 2], processes=cores)
    return engine, cores


def _work_casebundle_multi(loaded: Any, fams: list[list[Note]]) -> int:
    engine, cores = loaded
    engine.redact_families([_family_text(f) for f in fams], processes=cores)
    return sum(len(f) for f in fams)


def _work_casebundle_batched(engine: Any, fams: list[list[Note]]) -> int:
    engine.redact_families([_family_text(f) for f in fams], processes=1)
    return sum(len(f) for f in fams)


def _load_presidio() -> Any:
    engine = vanilla_analyzer()
    engine.analyze(text=WARM_TEXT, language="en")
    return engine


def _work_presidio(engine: Any, fams: list[list[Note]]) -> int:
    count = 0
    for fam in fams:
        for n in fam:
            engine.analyze(text=n.text, language="en")
            count += 1
    return count


def _load_spacy(exclude: list[str]) -> Any:
    import spacy

    engine = spacy.load(SPACY_MODEL, exclude=exclude)
    list(engine.pipe([WARM_TEXT] * 8))
    return engine


def _work_spacy(engine: Any, fams: list[list[Note]]) -> int:
    texts = [n.text for fam in fams for n in fam]
    for doc in engine.pipe(texts, batch_size=64):
        _ = doc.ents
    return len(texts)


ENGINES: dict[str, tuple[Callable[[], Any], Callable[[Any, list[list[Note]]], int]]] = {
    "casebundle redact_family": (_load_casebundle, _work_casebundle),
    # the engine's own option: a pool of forked workers, each with its own engine
    "casebundle redact_families": (_load_casebundle_multi, _work_casebundle_multi),
    "vanilla presidio analyze": (_load_presidio, _work_presidio),
    # the same in one process: spaCy over many families' texts at once
    "casebundle redact_families, 1": (_load_casebundle, _work_casebundle_batched),
    "spaCy nlp.pipe, full model": (lambda: _load_spacy([]), _work_spacy),
    # The sm model's ner has its own embedded tok2vec, so it runs alone: the ceiling.
    "spaCy nlp.pipe, ner only": (lambda: _load_spacy(NON_NER_PIPES), _work_spacy),
}

_LOADED: dict[str, Any] = {}  # per process: engine name -> loaded engine


def _init(name: str) -> None:
    _LOADED[name] = ENGINES[name][0]()


def _work(name: str, fams: list[list[Note]]) -> int:
    return ENGINES[name][1](_LOADED[name], fams)


# --- harness ------------------------------------------------------------------------------


def workload(n: int) -> list[list[Note]]:
    """Whole families of the corpus, repeated until at least n notes."""
    base = list(families(load_corpus()).values())
    out: list[list[Note]] = []
    total, rep = 0, 0
    while total < n:
        for fam in base:
            if total >= n:
                break
            if rep:
                fam = [
                    replace(
                        x,
                        note_id=f"{x.note_id}#{rep}",
                        family_ref=f"{x.family_ref}#{rep}",
                        text=f"{x.text} Copy {rep}.",
                    )
                    for x in fam
                ]
            out.append(fam)
            total += len(fam)
        rep += 1
    return out


def _chunks(fams: list[list[Note]], k: int) -> list[list[list[Note]]]:
    return [fams[i::k] for i in range(k)]


def measure_interleaved(
    names: list[str], fams: list[list[Note]], rounds: int
) -> dict[str, tuple[float, int]]:
    """One process: every engine runs each slice in turn, so load from elsewhere on the
    machine falls on all engines alike instead of on whichever ran while it lasted."""
    seconds = dict.fromkeys(names, 0.0)
    items = dict.fromkeys(names, 0)
    for i, part in enumerate(_chunks(fams, rounds)):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            t0 = time.perf_counter()
            c0 = time.process_time()
            items[name] += _work(name, part)
            seconds[name] += time.perf_counter() - t0
            CPU_SECONDS[name] = CPU_SECONDS.get(name, 0.0) + time.process_time() - c0
    return {n: (items[n] / seconds[n], items[n]) for n in names}


#: CPU seconds this process spent in each engine (measure_interleaved): less sensitive than
#: wall time to other work on a shared machine; a pool's workers are not counted
CPU_SECONDS: dict[str, float] = {}


def measure_pool(name: str, fams: list[list[Note]], processes: int) -> tuple[float, int]:
    """A fork pool of `processes` workers, each with its own engine loaded before timing."""
    ctx = mp.get_context("fork")
    with ctx.Pool(processes, initializer=_init, initargs=(name,)) as pool:
        pool.map(_noop, range(processes * 4))  # make sure every worker has finished init
        chunks = [(name, c) for c in _chunks(fams, processes * 4)]
        t0 = time.perf_counter()
        items = sum(pool.starmap(_work, chunks, chunksize=1))
        return items / (time.perf_counter() - t0), items


def _noop(_: int) -> int:
    time.sleep(0.05)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1500, help="number of texts (default 1500)")
    ap.add_argument("--processes", type=int, default=1, help="worker processes per engine")
    ap.add_argument("--rounds", type=int, default=6, help="interleaved slices (1 process)")
    ap.add_argument("--cb-cores", type=int, default=None,
                    help="cores for casebundle redact_families (default: redaction.yaml)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a ratio fails")
    args = ap.parse_args(argv)
    global CB_CORES
    CB_CORES = args.cb_cores
    if args.processes > 1:  # a pool of pools would oversubscribe the cores
        CB_CORES = 1
    fams = workload(args.n)
    n_items = sum(len(f) for f in fams)
    cores = len(os.sched_getaffinity(0))
    print(
        f"{n_items} texts in {len(fams)} families; {cores} cores available; "
        f"{args.processes} process(es) per engine, "
        + ("engines interleaved in one process" if args.processes == 1 else "one pool at a time")
    )
    rates: dict[str, float] = {}
    with NetworkGuard() as guard:
        ready = []
        for name in ENGINES:
            try:
                if args.processes == 1:
                    _init(name)
                ready.append(name)
            except Exception as exc:  # an engine that cannot load is reported, not fatal
                print(f"{name:<30} not available: {type(exc).__name__}: {exc}")
        if args.processes == 1:
            results = measure_interleaved(ready, fams, args.rounds)
        else:
            results = {name: measure_pool(name, fams, args.processes) for name in ready}
        used: dict[str, int] = {}  # cores each engine ran on
        for name, (rate, items) in results.items():
            rates[name] = rate
            used[name] = args.processes
            if name == "casebundle redact_families":
                loaded = _LOADED.get(name)
                per = loaded[1] if loaded else (CB_CORES or 1)
                used[name] = args.processes * per
            print(f"{name:<30} {rate:8.1f} items/s  ({items} items, {used[name]} core(s))")
    cb1, cbn, va, cbb, _, sp = (rates.get(k) for k in ENGINES)
    n_cb = used.get("casebundle redact_families", 1)
    n_one = args.processes
    ok = True
    print()
    for title, num, den, minimum in (
        (f"casebundle ({n_cb} cores) / vanilla ({n_one})", cbn, va, RATIO_VS_VANILLA),
        (f"casebundle ({n_one} core) / spaCy ner ({n_one})", cb1, sp, RATIO_VS_SPACY),
    ):
        if num is None or den is None:
            print(f"{title:<40} >= {minimum:.1f}x   n/a   FAIL (engine missing)")
            ok = False
            continue
        ratio = num / den
        passed = ratio >= minimum
        ok &= passed
        print(f"{title:<40} >= {minimum:.1f}x  {ratio:5.2f}x  {'PASS' if passed else 'FAIL'}")
    if cb1 and va:
        print(f"{f'(casebundle ({n_one} core) / vanilla ({n_one}))':<40}        {cb1 / va:5.2f}x")
    if cbb and va:
        print(f"{f'(batched ({n_one} core) / vanilla ({n_one}))':<40}        {cbb / va:5.2f}x")
    cpu_cb, cpu_va = (CPU_SECONDS.get(k) for k in ("casebundle redact_family",
                                                   "vanilla presidio analyze"))
    if cpu_cb and cpu_va:
        # the same items went through both: the ratio of CPU seconds is the ratio of rates
        print(f"{'(same, by CPU time: casebundle / vanilla)':<40}        {cpu_va / cpu_cb:5.2f}x"
              f"   ({n_items / cpu_cb:.1f} vs {n_items / cpu_va:.1f} items per CPU-second)")
    if va and sp:
        print(f"{'(vanilla presidio / spaCy ner)':<40}        {va / sp:5.2f}x")
    print(f"network: {len(guard.attempts)} connection attempts (all refused)")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
