"""How a meeting's outputs print: convert each to PDF as a reader's software would, and measure.

    .venv/bin/python benchmarks/print_layout.py MEETING_DIR [--extra FILE ...] [--keep DIR]

MEETING_DIR is `<out>/<meeting_id>/` of a run. Every `.xlsx` is printed to PDF by LibreOffice
Calc (`soffice --headless --convert-to pdf`, with a private profile) and every `.html` by
headless Chromium (`--print-to-pdf`). For each file it prints the page count, the page size
(A4 or not, portrait or landscape), on how many pages the protective marking appears, and
the median and smallest height of a printed word in points (a measure of legibility: body
text of 9-11 pt prints words about 7-10 pt high; a table squeezed to fit prints them at 2-3).

The helpers are also used by the render test (tests/pipeline/render/test_print.py). Needs the
Debian packages libreoffice-calc, chromium and poppler-utils.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Flags for headless Chromium on a machine with no network, no GPU and no session bus.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
#: A4 in PostScript points, and how far a renderer may round it.
A4_PT = (595.28, 841.89)
_TOLERANCE_PT = 2.0
_TIMEOUT_S = 180
#: The words of the protective marking that must be printed on every page.
MARKING_WORDS = "OFFICIAL-SENSITIVE"

_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.M)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


class ToolMissing(RuntimeError):
    """A converter or PDF tool is not installed."""


def tool(name: str, *alternatives: str) -> str:
    """The path of an installed program, or ToolMissing naming the Debian package."""
    for candidate in (name, *alternatives):
        found = shutil.which(candidate)
        if found:
            return found
    packages = {"soffice": "libreoffice-calc", "chromium": "chromium", "pdfinfo": "poppler-utils",
                "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils"}
    raise ToolMissing(f"{name} not found: install the Debian package {packages.get(name, name)} "
                      "(apt-get install -y --no-install-recommends "
                      f"{packages.get(name, name)}).")


def _run(args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(list(args), capture_output=True, timeout=_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace')[-500:]}")
    return done


def xlsx_to_pdf(files: Sequence[Path], outdir: Path, profile: Path) -> dict[Path, Path]:
    """Print workbooks to PDF with LibreOffice Calc; source -> pdf.

    soffice names each PDF after its workbook, so files sharing a name (FAM-001.xlsx of
    every recipient) go to different sub-folders: one soffice call per sub-folder.
    """
    soffice = tool("soffice", "libreoffice")
    result: dict[Path, Path] = {}
    by_dir: dict[Path, list[Path]] = {}
    for f in files:
        n = 0
        while any(g.stem == f.stem for g in by_dir.get(outdir / f"x{n:03d}", ())):
            n += 1
        sub = outdir / f"x{n:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        by_dir.setdefault(sub, []).append(f)
        result[f] = sub / (f.stem + ".pdf")
    for sub, group in by_dir.items():
        _run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
              "--norestore", "--convert-to", "pdf", "--outdir", str(sub), *map(str, group)])
    missing = [str(f) for f, pdf in result.items() if not pdf.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no PDF for {', '.join(missing)}")
    return result


def html_to_pdf(file: Path, pdf: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium (its print stylesheet applies)."""
    chromium = tool("chromium", "chromium-browser")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cb-chromium-") as profile:
        _run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
              f"--print-to-pdf={pdf}", file.resolve().as_uri()])
    if not pdf.is_file():
        raise RuntimeError(f"Chromium wrote no PDF for {file}")
    return pdf


@dataclass(frozen=True)
class Word:
    text: str
    x: float
    y: float
    height: float
    x1: float = 0.0

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x) * self.height


@dataclass(frozen=True)
class PdfPages:
    """What a printed PDF holds, page by page."""

    sizes: tuple[tuple[float, float], ...]  # (width, height) in points, per page
    texts: tuple[str, ...]  # the text of each page (pdftotext, reading order)
    words: tuple[tuple[Word, ...], ...]  # each page's words with their boxes

    @property
    def pages(self) -> int:
        return len(self.sizes)

    def is_a4(self, page: int) -> bool:
        w, h = self.sizes[page]
        short, long_ = sorted((w, h))
        return abs(short - A4_PT[0]) <= _TOLERANCE_PT and abs(long_ - A4_PT[1]) <= _TOLERANCE_PT

    def orientation(self, page: int) -> str:
        w, h = self.sizes[page]
        return "landscape" if w > h else "portrait"

    def size_label(self) -> str:
        """e.g. 'A4 landscape', 'A4 portrait+landscape', '612x792 portrait'."""
        names = []
        for p in range(self.pages):
            size = "A4" if self.is_a4(p) else "x".join(f"{v:.0f}" for v in self.sizes[p])
            names.append((size, self.orientation(p)))
        sizes = sorted({s for s, _ in names})
        orients = sorted({o for _, o in names})
        return f"{'/'.join(sizes)} {'+'.join(orients)}"

    def word_heights(self) -> list[float]:
        return [w.height for page in self.words for w in page if w.text.strip()]

    def pages_with(self, phrase: str) -> list[int]:
        """1-based numbers of the pages whose text contains `phrase` (spacing ignored)."""
        want = "".join(phrase.split())
        return [n for n, t in enumerate(self.texts, start=1) if want in "".join(t.split())]

    def tokens(self) -> list[str]:
        """Every printed word, page after page, in pdftotext's reading order."""
        return [w for text in self.texts for w in text.split()]

    def overlaps(self, min_share: float = 0.3) -> list[tuple[int, str, str]]:
        """Words printed on top of other words: (page, word, word).

        Two words overlap when their boxes share more than `min_share` of the smaller box:
        what a reader sees when a row is too short for its wrapped text and the lines run
        into the row below.
        """
        found = []
        for n, words in enumerate(self.words, start=1):
            boxes = sorted((w for w in words if w.text.strip()), key=lambda w: w.y)
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    if b.y >= a.y + a.height:
                        break
                    inter_w = min(a.x1, b.x1) - max(a.x, b.x)
                    inter_h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
                    if inter_w <= 0 or inter_h <= 0:
                        continue
                    smaller = min(a.area, b.area) or 1.0
                    if inter_w * inter_h > min_share * smaller:
                        found.append((n, a.text, b.text))
        return found

    def outside_page(self) -> list[tuple[int, str]]:
        """Words that lie partly off the page (cut off at an edge)."""
        out = []
        for n, words in enumerate(self.words, start=1):
            width, height = self.sizes[n - 1]
            out += [(n, w.text) for w in words
                    if w.x < -0.5 or w.x1 > width + 0.5 or w.y < -0.5 or w.y + w.height > height + 0.5]
        return out


def find_in_order(words: Sequence[str], tokens: Sequence[str], slack: int = 4) -> bool:
    """True if `words` appear in `tokens` in order, close together.

    Other words may come in between (a neighbouring table cell printed on the same line),
    but no more than `slack` times the text's own length plus 40: the text is there, whole,
    in reading order, not scattered over the document. A word the printer broke over two
    lines (an id or a hash wider than its column) may arrive in consecutive pieces.
    """
    # pdftotext joins a word hyphenated at a line end ("14-" / "year-old" -> "14year-old"),
    # so hyphens are ignored on both sides
    words = [w for w in (_dehyphen(w) for w in words) if w]
    tokens = [_dehyphen(t) for t in tokens]
    if not words:
        return True
    window = slack * len(words) + 40
    starts = [i for i, t in enumerate(tokens) if words[0].startswith(t) and t]
    for start in starts:
        i, ok = start, True
        for w in words:
            i = _match_word(w, tokens, i, start + window)
            if i < 0:
                ok = False
                break
        if ok:
            return True
    return False


def _dehyphen(word: str) -> str:
    return word.replace("-", "").replace("\u00ad", "")


#: how many words of a neighbouring cell may come between two pieces of a broken word

_PIECE_GAP = 12


def _match_word(word: str, tokens: Sequence[str], i: int, limit: int) -> int:
    """Index after `word` found at or after i, whole or in pieces; -1 if not there.

    A word broken at the end of a line ("14-" / "year-old", or a hash over two lines)
    arrives in pieces, perhaps with words of the next cell on the same line in between.
    """
    while i < min(len(tokens), limit):
        if tokens[i] == word:
            return i + 1
        if tokens[i] and word.startswith(tokens[i]):
            end = _rest(word[len(tokens[i]):], tokens, i + 1)
            if end >= 0:
                return end
        i += 1
    return -1


def _rest(rest: str, tokens: Sequence[str], i: int) -> int:
    if not rest:
        return i
    for j in range(i, min(len(tokens), i + _PIECE_GAP)):
        if tokens[j] and rest.startswith(tokens[j]):
            end = _rest(rest[len(tokens[j]):], tokens, j + 1)
            if end >= 0:
                return end
    return -1



def inspect_pdf(pdf: Path) -> PdfPages:
    """Page sizes (pdfinfo), text per page and word boxes (pdftotext) of a PDF."""
    info = _run([tool("pdfinfo"), "-f", "1", "-l", "100000", str(pdf)]).stdout.decode()
    sizes = tuple((float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(info))
    raw = _run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"]).stdout.decode("utf-8")
    texts = tuple(raw.split("\f")[: len(sizes)])
    bbox = _run([tool("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"]
                ).stdout.decode("utf-8")
    words = tuple(
        tuple(Word(html.unescape(t), float(x0), float(y0), float(y1) - float(y0), float(x1))
              for x0, y0, x1, y1, t in _WORD.findall(page))
        for page in _PAGE.findall(bbox)
    )

    return PdfPages(sizes=sizes, texts=texts, words=words)


def render_png(pdf: Path, png_stem: Path, page: int = 1, dpi: int = 70) -> Path:
    """One page of a PDF as a PNG (pdftoppm); returns the PNG's path."""
    png_stem.parent.mkdir(parents=True, exist_ok=True)
    _run([tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
          "-singlefile", str(pdf), str(png_stem)])
    return png_stem.with_suffix(".png")


def print_all(files: Iterable[Path], workdir: Path) -> dict[Path, Path]:
    """Print every .xlsx and .html in `files` to PDF under `workdir`; source -> pdf."""
    files = list(files)
    xlsx = [f for f in files if f.suffix == ".xlsx"]
    pdfs = xlsx_to_pdf(xlsx, workdir / "xlsx", workdir / "lo-profile") if xlsx else {}
    for n, f in enumerate(f for f in files if f.suffix == ".html"):
        pdfs[f] = html_to_pdf(f, workdir / "html" / f"{n:03d}-{f.stem}.pdf")
    return pdfs


def _kind(path: Path, root: Path) -> str:
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    parts = rel.parts
    if parts[0] == "bundles":
        return f"chair's bundle {path.suffix[1:]}"
    if parts[0] == "recipients":
        return f"recipient view {path.suffix[1:]}"
    if parts[0] == "audit":
        return f"audit report {path.suffix[1:]}"
    return f"{path.stem} {path.suffix[1:]}"


#: The pages shown in docs/outputs.md: (file under the meeting folder, page, image name).
IMAGES = (
    ("bundles/FAM-001.html", 1, "bundle-html-summary"),
    ("bundles/FAM-001.html", 3, "bundle-html-not-shared"),
    ("bundles/FAM-001.xlsx", 2, "bundle-xlsx-chronology"),
    ("bundles/FAM-001.xlsx", 5, "bundle-xlsx-sharing-basis"),
    ("recipients/police/FAM-001.html", 1, "view-html"),
    ("agenda.html", 1, "agenda-html"),
    ("agenda.xlsx", 2, "agenda-xlsx-follow-up"),
    ("audit/audit_report.html", 2, "audit-html-no-consent"),
    ("audit/audit_report.xlsx", 4, "audit-xlsx-no-consent"),
    ("template.xlsx", 4, "template-guidance"),
)


def write_images(root: Path, pdfs: dict[Path, Path], folder: Path, dpi: int = 72) -> list[Path]:
    """The pages in IMAGES as PNGs in `folder` (files the run did not write are skipped)."""
    written = []
    for rel, page, name in IMAGES:
        source = root / rel
        if source not in pdfs:
            continue
        written.append(render_png(pdfs[source], folder / name, page=page, dpi=dpi))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("meeting_dir", type=Path, help="<out>/<meeting_id>/ of a run")
    ap.add_argument("--extra", type=Path, nargs="*", default=[],
                    help="other files to print too (e.g. a submission template)")
    ap.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    ap.add_argument("--images", type=Path,
                    help="write the pages shown in docs/outputs.md as PNGs into this folder")
    args = ap.parse_args(argv)
    root: Path = args.meeting_dir
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xlsx", ".html"))
    files += [p for p in args.extra]
    work = args.keep or Path(tempfile.mkdtemp(prefix="cb-print-"))
    pdfs = print_all(files, work)
    if args.images:
        extra = {root / p.name: pdfs[p] for p in args.extra}  # template.xlsx beside the meeting
        for png in write_images(root, {**pdfs, **extra}, args.images):
            print(f"wrote {png}")

    print(f"{'file':48} {'kind':24} {'pages':>5}  {'paper':22} {'marked':>7} "
          f"{'word pt med/min':>15}")
    for f in files:
        pages = inspect_pdf(pdfs[f])
        heights = pages.word_heights()
        med = statistics.median(heights) if heights else 0.0
        low = min(heights) if heights else 0.0
        marked = len(pages.pages_with(MARKING_WORDS))
        rel = f.relative_to(root) if f.is_relative_to(root) else f
        print(f"{str(rel)[:48]:48} {_kind(f, root):24} {pages.pages:>5}  {pages.size_label():22} "
              f"{marked:>3}/{pages.pages:<3} {med:>7.1f}/{low:<7.1f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
