"""The running-width wrap (issue 15) breaks lines exactly where the plain greedy wrap
does: every width measured from scratch for each candidate line, as Excel and Calc
lay text out. Row heights, long-row splits and page breaks all follow from these lines,
so one line broken elsewhere would move a page break."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.spreadsheet import _BOLD, _OTHER, _REGULAR, _WIDE, column_text_pt, wrap_lines


def _width(text: str, bold: bool) -> float:
    table = _BOLD if bold else _REGULAR
    total = 0
    for ch in text:
        code = ord(ch)
        base = unicodedata.normalize("NFKD", ch)[:1]
        if 32 <= code <= 126:
            total += table[code - 32]
        elif base and 32 <= ord(base) <= 126:
            total += table[ord(base) - 32]
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            total += _WIDE
        else:
            total += _OTHER
    return total * 10.0 / 1000.0


def greedy(text: str, width: float, bold: bool) -> list[str]:
    """The greedy wrap measured from scratch for every candidate line."""
    room = column_text_pt(width)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.split(r"(\s+)", paragraph):
            if not token:
                continue
            if _width((line + token).rstrip(), bold) <= room:
                line += token
            elif token.isspace():
                lines.append(line.rstrip())
                line = ""
            else:
                if line.strip():
                    lines.append(line.rstrip())
                while _width(token, bold) > room:
                    cut = 1
                    while cut < len(token) and _width(token[:cut + 1], bold) <= room:
                        cut += 1
                    lines.append(token[:cut])
                    token = token[cut:]
                line = token
        lines.append(line.rstrip())
    return lines


WORDS = st.sampled_from(["a", "I", "the", "Louise", "HARROWFIELD", "(14)", "[Third party B]",
                         "probation-2f96a1b159", "Zoë", "Łódź", "日本", "W" * 30, "i" * 60,
                         "-ve", "03/12/2026", "x"])
GAPS = st.sampled_from([" ", "  ", "\t", "\n", " \n ", "\u00a0", "\u3000", "\n\n"])
TEXTS = st.lists(st.tuples(WORDS, GAPS), max_size=40).map(
    lambda parts: "".join(w + g for w, g in parts))


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from([6, 8, 10, 11, 14.5, 18, 26, 48, 60, 120]), st.booleans())
def test_the_running_width_wrap_breaks_where_the_greedy_wrap_does(
        text: str, width: float, bold: bool) -> None:
    assert wrap_lines(text, width, bold=bold) == greedy(text, width, bold)


def test_lines_on_a_real_note_match_the_greedy_wrap() -> None:
    note = ("Louise HARROWFIELD (14) found at 23:10 in a stairwell at [address] with older "
            "males.  [Third party B] (19) was present\nand in possession of a quantity of "
            "white powder; PCSO informed school DSL 03/12/2026 ")
    for width in (10, 11, 18, 20, 48, 66, 120):
        assert wrap_lines(note, width) == greedy(note, width, False), width
        assert len(wrap_lines(note, width)) >= 2
