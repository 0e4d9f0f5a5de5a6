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


def inspect_pdf(pdf: Path) -> PdfPages:
    """Page sizes (pdfinfo), text per page and word boxes (pdftotext) of a PDF."""
    info = _run([tool("pdfinfo"), "-f", "1", "-l", "100000", str(pdf)]).stdout.decode()
    sizes = tuple((float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(info))
    raw = _run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"]).stdout.decode("utf-8")
    texts = tuple(raw.split("\f")[: len(sizes)])
    bbox = _run([tool("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"]
                ).stdout.decode("utf-8")
    words = tuple(
        tuple(Word(html.unescape(t), float(x0), float(y0), float(y1) - float(y0))
              for x0, y0, _x1, y1, t in _WORD.findall(page))
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


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("meeting_dir", type=Path, help="<out>/<meeting_id>/ of a run")
    ap.add_argument("--extra", type=Path, nargs="*", default=[],
                    help="other files to print too (e.g. a submission template)")
    ap.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    args = ap.parse_args(argv)
    root: Path = args.meeting_dir
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xlsx", ".html"))
    files += [p for p in args.extra]
    work = args.keep or Path(tempfile.mkdtemp(prefix="cb-print-"))
    pdfs = print_all(files, work)
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
