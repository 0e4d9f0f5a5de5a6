"""Generate a large synthetic meeting from the bundled sample (for benchmarks/scale.py).

Every row of the sample inbox (valid or not) is a template. A generated family copies one
sample family's roster (roles, dates of birth, aliases) under new invented surnames, and
gets copies of that family's rows with the surnames in names and free text replaced, the
item reference made unique and, past the first copy, the dates moved back a few days per
copy, so no two generated texts are the same. Rows are written one file per agency, as
agencies send them (.xlsx), so a meeting has the sample's mix of shared, withheld,
awaiting-review and rejected rows at any size.

    .venv/bin/python benchmarks/scale_meeting.py --items 2000 --out /tmp/meeting-2k
    .venv/bin/python benchmarks/scale_meeting.py --items 50000 --families 5 --out /tmp/m

Deterministic: the same arguments give the same files (pinned workbook times).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from rapidfuzz.distance import DamerauLevenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ingest import discover, parse_date, read_file  # noqa: E402
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting  # noqa: E402

FIXED_TIME = datetime(2026, 11, 20, 9, 0, 0)
ZIP_TIME = (2026, 11, 20, 9, 0, 0)
_ONSETS = ("b", "br", "c", "cr", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p",
           "pr", "r", "s", "st", "t", "tr", "v", "w", "y", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
_CODAS = ("by", "field", "ham", "ley", "ton", "well", "worth", "more", "stead", "combe")
#: surnames the generator may use (the tests' roster can hold up to half of them)
MAX_SURNAMES = 12000
TEXT_COLUMNS = ("subject_name", "summary", "rationale", "opinion_of")


def surnames(n: int = MAX_SURNAMES) -> list[str]:
    """Invented surnames in a fixed order, no two within two edits of each other (as in a
    real meeting, where families rarely have near-identical surnames)."""
    from pipeline.identity.roster import deletions

    rng = random.Random(15)
    index: dict[str, list[str]] = {}
    out: list[str] = []
    for _ in range(n * 50):
        if len(out) == n:
            break
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 3))))
        word += rng.choice(_CODAS)
        near = deletions(word)
        rivals = {w for v in near for w in index.get(v, ())}
        if any(DamerauLevenshtein.distance(word, w) <= 2 for w in rivals):
            continue
        for v in near:
            index.setdefault(v, []).append(word)
        out.append(word.capitalize())
    return out


@dataclass(frozen=True)
class Template:
    """One sample row: its agency, family and raw cells (by contract column)."""

    agency: str
    family_ref: str
    values: dict[str, Any]


def sample_templates() -> tuple[dict[str, Any], list[Template], list[str]]:
    """The sample meeting (as YAML data), every row of its inbox (copies skipped), and the
    agencies in inbox order."""
    meeting = yaml.safe_load(SAMPLE_MEETING.read_text(encoding="utf-8"))
    seen: set[str] = set()
    rows: list[Template] = []
    agencies: list[str] = []
    for f in discover(SAMPLE_INBOX):
        read = read_file(f)
        if read.sha256 in seen:
            continue
        seen.add(read.sha256)
        for raw in read.rows:
            ref = str(raw.values.get("family_ref") or "")
            rows.append(Template(f.agency_folder, ref, dict(raw.values)))
        if f.agency_folder not in agencies:
            agencies.append(f.agency_folder)
    return meeting, rows, agencies


def _family_surnames(family: dict[str, Any]) -> list[str]:
    names = [m["name"] for m in family["members"]]
    return list(dict.fromkeys(n.split()[-1] for n in names if len(n.split()) > 1))


def _replace(text: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
        text = re.sub(rf"\b{re.escape(old.upper())}\b", new.upper(), text)
    return text


def _dob_shift(family: int) -> int:
    """Days each generated family's dates of birth move back: distinct for 3,000 families."""
    return (family * 37) % 3000


def _shift(value: Any, days: int) -> Any:
    if days and isinstance(value, str) and parse_date(value) is not None:
        value = parse_date(value)  # a CSV's date: moved as a date cell
    if days and isinstance(value, datetime):
        return value - timedelta(days=days)
    if days and isinstance(value, date):
        return value - timedelta(days=days)
    return value


@dataclass(frozen=True)
class Generated:
    folder: Path
    meeting: Path
    inbox: Path
    rows: int
    families: int


def generate(out: Path, items: int, families: int | None = None,
             per_family: int | None = None) -> Generated:
    """Write `out`/meeting.yaml and `out`/INBOX/<agency>/<agency>_return.xlsx.

    `items` rows in all (about); `families` families (default: one per sample family's worth
    of rows, about 13 rows each). Returns where everything went.
    """
    meeting, templates, agencies = sample_templates()
    sample = {f["ref"]: f for f in meeting["families"]}
    by_family: dict[str, list[Template]] = defaultdict(list)
    for t in templates:
        by_family[t.family_ref if t.family_ref in sample else ""].append(t)
    refs = sorted(r for r in by_family if r)
    rows_per_copy = sum(len(by_family[r]) for r in refs) / len(refs)
    n_fam = families or max(1, round(items / rows_per_copy))
    if n_fam > MAX_SURNAMES // 2:
        raise SystemExit(f"at most {MAX_SURNAMES // 2} families")
    names = surnames(2 * n_fam)
    generated_families: list[dict[str, Any]] = []
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    total = 0
    width = len(str(n_fam))
    name_iter = iter(names)
    plan: list[tuple[dict[str, Any], str, dict[str, str]]] = []
    for k in range(n_fam):
        base = sample[refs[k % len(refs)]]
        mapping = {old: next(name_iter) for old in _family_surnames(base)}
        ref = f"GEN-{k + 1:0{width}d}"
        members: list[dict[str, Any]] = []
        fam: dict[str, Any] = {"ref": ref, "members": members, "contact": {
            "address": f"{k + 1} {mapping[next(iter(mapping))]} Road, Brackenford LU1 9ZZ",
            "phone": f"07700 900{k % 1000:03d}"}}
        for m in base["members"]:
            member = dict(m)
            member["name"] = _replace(m["name"], mapping)
            if member.get("dob"):  # each family's own dates of birth
                member["dob"] = _shift(member["dob"], _dob_shift(k))
            if "aliases" in m:
                member["aliases"] = list(m["aliases"])
            members.append(member)
        generated_families.append(fam)
        plan.append((base, ref, mapping))
    # rows: copies of each family's templates until `items` rows (or `per_family` each)
    for k, (base, ref, mapping) in enumerate(plan):
        tmpl = by_family[base["ref"]]
        target = per_family or items // n_fam + (1 if k < items % n_fam else 0)
        for n in range(target):
            t = tmpl[n % len(tmpl)]
            copy = n // len(tmpl)
            values = dict(t.values)
            values["family_ref"] = ref
            values["subject_dob"] = _shift(values.get("subject_dob"), _dob_shift(k))
            for col in TEXT_COLUMNS:
                if isinstance(values.get(col), str):
                    values[col] = _replace(values[col], mapping)
            if values.get("item_ref"):
                values["item_ref"] = f"{values['item_ref']}-{ref}-{copy}"
            # later copies: the same kind of record, a few days earlier
            for col in ("recorded_on", "event_date"):
                values[col] = _shift(values.get(col), 3 * copy % 500)
            if copy and isinstance(values.get("summary"), str):
                values["summary"] = f"{values['summary']} (record {copy + 1})"
            rows[t.agency].append(values)
            total += 1
    meeting = {**meeting, "families": generated_families}
    out.mkdir(parents=True, exist_ok=True)
    meeting_path = out / "meeting.yaml"
    meeting_path.write_text(yaml.safe_dump(meeting, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
    inbox = out / "INBOX"
    for agency in agencies:
        write_rows(inbox / agency / f"{agency}_return.xlsx", rows[agency])
    return Generated(out, meeting_path, inbox, total, n_fam)


def write_rows(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None
               ) -> Path:
    """One agency's submission as .xlsx (streamed, pinned times: byte-stable)."""
    from pipeline.ingest import COLUMNS

    cols = columns or tuple(c.name for c in COLUMNS)
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.create_sheet("Submission")
    ws.append(list(cols))
    for r in rows:
        ws.append([r.get(c) for c in cols])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    tmp.unlink()
    return path


def add_file(gen: Generated, agency: str, n_rows: int, name: str = "late_return.xlsx",
             seed_offset: int = 0) -> Path:
    """A new file of `n_rows` rows for the first families of a generated meeting (the
    "one more agency file arrives" of a daily re-run), taken from that agency's rows."""
    cfg = load_meeting(gen.meeting)
    _meeting, templates, _agencies = sample_templates()
    sample = {f.ref: f for f in load_meeting(SAMPLE_MEETING).families}
    own = [t for t in templates if t.agency == agency and t.family_ref in sample]
    rows = []
    for n in range(n_rows):
        fam = cfg.families[(n + seed_offset) % len(cfg.families)]
        t = own[n % len(own)]
        base = sample[t.family_ref]
        old = _family_surnames({"members": [{"name": m.name} for m in base.members]})
        new = _family_surnames({"members": [{"name": m.name} for m in fam.members]})
        mapping = dict(zip(old, new, strict=False))
        values = dict(t.values)
        values["family_ref"] = fam.ref
        k = cfg.families.index(fam)
        values["subject_dob"] = _shift(values.get("subject_dob"), _dob_shift(k))
        for col in TEXT_COLUMNS:
            if isinstance(values.get(col), str):
                values[col] = _replace(values[col], mapping)
        values["item_ref"] = f"LATE-{n + 1}"
        if isinstance(values.get("summary"), str):
            values["summary"] = f"{values['summary']} (late return {n + 1})"
        rows.append(values)
    return write_rows(gen.inbox / agency / name, rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--families", type=int, default=None)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    gen = generate(args.out, args.items, args.families)
    print(f"{gen.rows} rows, {gen.families} families: {gen.meeting} {gen.inbox}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
