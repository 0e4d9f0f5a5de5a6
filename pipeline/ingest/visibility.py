"""What a person looking at a sheet would actually see.

A cell's text is hidden when its row or column is hidden or too small to show it, when its
font colour (theme, indexed, RGB or automatic, with tint) is too close to the cell's
effective background to read, when its font is too small, when its number format shows
something other than the value (";;;", '"";"";"";""', a literal), or when a conditional
format can do any of these. Rich-text runs are checked one by one. Findings name cells,
never their values. Councils have been fined for spreadsheets carrying hidden data.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from defusedxml import ElementTree as SafeET
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.theme import theme_xml

from pipeline.ingest.limits import Visibility

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
#: SpreadsheetML theme colour index -> clrScheme element (note lt1/dk1 come first)
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4",
                "accent5", "accent6", "hlink", "folHlink")
BLACK, WHITE = "000000", "FFFFFF"
#: share of the foreground colour in each pattern fill (the rest is the background colour)
_PATTERN_SHARE = {"solid": 1.0, "darkGray": 0.75, "mediumGray": 0.5, "lightGray": 0.25,
                  "gray125": 0.125, "gray0625": 0.0625}


@dataclass(frozen=True)
class Palette:
    theme: tuple[str, ...]
    indexed: tuple[str, ...]


def _theme_colours(xml: bytes | str | None) -> tuple[str, ...]:
    try:
        root = SafeET.fromstring(xml or theme_xml)
    except Exception:  # noqa: BLE001 - a damaged theme falls back to Office's default
        root = SafeET.fromstring(theme_xml)
    scheme = next(root.iter(f"{_A}clrScheme"), None)
    found: dict[str, str] = {}
    if scheme is not None:
        for el in scheme:
            name = el.tag.replace(_A, "")
            for child in el:
                value = child.get("lastClr") or child.get("val") or ""
                if re.fullmatch(r"[0-9A-Fa-f]{6}", value):
                    found[name] = value.upper()
    defaults = {"lt1": WHITE, "dk1": BLACK}
    return tuple(found.get(n, defaults.get(n, "808080")) for n in _THEME_ORDER)


def palette(wb: Any) -> Palette:
    """The workbook's theme colours and indexed palette."""
    indexed = tuple(getattr(wb, "_colors", None) or COLOR_INDEX)
    return Palette(theme=_theme_colours(getattr(wb, "loaded_theme", None)),
                   indexed=tuple(str(c)[-6:].upper() for c in indexed))


def _tint(rgb: str, tint: float) -> str:
    if not tint:
        return rgb
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, min(max(lum, 0.0), 1.0), s)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def resolve(color: Any, pal: Palette, default: str) -> str:
    """An openpyxl Color as RRGGBB (theme, indexed, rgb or auto), `default` when unset."""
    if color is None:
        return default
    kind = getattr(color, "type", None)
    tint = float(getattr(color, "tint", 0) or 0)
    if kind == "auto":  # (openpyxl's .auto is not a bool unless the type is auto)
        return default
    if kind == "rgb":
        value = color.rgb
        if isinstance(value, str) and re.fullmatch(r"[0-9A-Fa-f]{6,8}", value):
            return _tint(value[-6:].upper(), tint)
        return default
    if kind == "theme":
        idx = int(color.theme or 0)
        return _tint(pal.theme[idx], tint) if 0 <= idx < len(pal.theme) else default
    if kind == "indexed":
        idx = int(color.indexed or 0)
        if idx == 64:  # system foreground
            return _tint(BLACK, tint)
        if idx == 65:  # system background
            return _tint(WHITE, tint)
        return _tint(pal.indexed[idx], tint) if 0 <= idx < len(pal.indexed) else default
    return default


def _mix(a: str, b: str, share_a: float) -> str:
    return "".join(f"{round(int(a[i:i + 2], 16) * share_a + int(b[i:i + 2], 16) * (1 - share_a)):02X}"
                   for i in (0, 2, 4))


def background(fill: Any, pal: Palette) -> str:
    """The colour a person sees behind a cell's text."""
    if fill is None:
        return WHITE
    stops = getattr(fill, "stop", None)
    if stops:  # gradient: its average
        colours = [resolve(s.color, pal, WHITE) for s in stops]
        return "".join(f"{round(sum(int(c[i:i + 2], 16) for c in colours) / len(colours)):02X}"
                       for i in (0, 2, 4))
    pattern = getattr(fill, "patternType", None) or getattr(fill, "fill_type", None)
    if not pattern or pattern == "none":
        return WHITE
    fg = resolve(fill.fgColor, pal, BLACK)
    bg = resolve(fill.bgColor, pal, WHITE)
    return _mix(fg, bg, _PATTERN_SHARE.get(pattern, 0.5))


def _luminance(rgb: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(rgb[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, 1 (same colour) to 21 (black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- number formats -----------------------------------------------------------------------

_NUMBER_PLACEHOLDER = re.compile(r"[0#?]|general|[ymdhs]|e[+-]|am/pm|a/p", re.IGNORECASE)


def _sections(fmt: str) -> list[str]:
    """Split a number format on the ';' that are not quoted or escaped."""
    out, cur, quoted, i = [], [], False, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and not quoted:
            cur.append(fmt[i:i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


def _bare(section: str) -> str:
    """A section without quoted literals, escapes, fills, spacing and [..] codes, except
    elapsed-time codes ([h], [mm], [ss]), which show the value."""
    s = re.sub(r'"[^"]*"?', "", section)
    s = re.sub(r"\\.|[_*].", "", s)
    return re.sub(r"\[(?![hms]+\])[^\]]*\]", "", s, flags=re.IGNORECASE)


def format_hides(fmt: str | None, value: Any) -> bool:
    """True if the number format shows something other than the value (or nothing)."""
    if not fmt or fmt.strip().lower() == "general" or isinstance(value, bool):
        return False
    sections = _sections(fmt)
    if isinstance(value, str):
        text: str | None = sections[3] if len(sections) >= 4 else next(
            (s for s in sections if "@" in _bare(s)), None)
        if text is None:
            return False  # no text section: text is shown as typed
        return "@" not in _bare(text)
    if isinstance(value, (int, float, datetime, date, time, timedelta)):
        numeric = sections[:3]
        if any("[" in s and re.search(r"\[[<>=]", s) for s in numeric):
            used = numeric  # conditions: any section may apply
        elif isinstance(value, (int, float)):
            if len(numeric) == 1 or value > 0:
                used = numeric[:1]
            elif value < 0:
                used = numeric[1:2]
            else:
                used = numeric[2:3] if len(numeric) >= 3 else numeric[:1]
        else:
            used = numeric[:1]
        return any(not _NUMBER_PLACEHOLDER.search(_bare(s)) and "@" not in _bare(s)
                   for s in used)
    return False


# --- the sheet ----------------------------------------------------------------------------


@dataclass
class Findings:
    """Kinds of hidden content found, each with a count and the first cell."""

    kinds: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, where: str) -> None:
        self.kinds.setdefault(kind, []).append(where)

    def describe(self) -> str:
        parts = []
        for kind, cells in self.kinds.items():
            first = cells[0]
            more = f" and {len(cells) - 1} more" if len(cells) > 1 else ""
            parts.append(f"{kind} ({first}{more})")
        return "; ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.kinds)


def _hidden_rows(ws: Worksheet, v: Visibility) -> tuple[dict[int, str], str | None]:
    """Rows hidden or too short, by row number; and the default for rows not listed."""
    fmt = ws.sheet_format
    default: str | None = None
    if fmt is not None:
        if fmt.zeroHeight:
            default = "hidden rows (the sheet hides rows by default)"
        elif fmt.defaultRowHeight is not None and float(fmt.defaultRowHeight) < v.min_row_height_pt:
            default = "rows too short to read (sheet default height)"
    rows: dict[int, str] = {}
    for idx, dim in ws.row_dimensions.items():
        if dim.hidden:
            rows[int(idx)] = "hidden rows"
        elif dim.ht is not None and float(dim.ht) < v.min_row_height_pt:
            rows[int(idx)] = "rows too short to read"
        elif dim.ht is not None and default:
            rows[int(idx)] = ""  # an explicit height overrides the sheet's default
    return rows, default


def _hidden_columns(ws: Worksheet, v: Visibility) -> tuple[dict[int, str], str | None]:
    fmt = ws.sheet_format
    default: str | None = None
    if fmt is not None:
        width = fmt.defaultColWidth if fmt.defaultColWidth is not None else fmt.baseColWidth
        if width is not None and float(width) < v.min_column_width:
            default = "columns too narrow to read (sheet default width)"
    cols: dict[int, str] = {}
    for dim in ws.column_dimensions.values():
        lo, hi = int(dim.min or 0), int(dim.max or 0)
        if not lo or hi < lo:
            continue
        reason = None
        if dim.hidden:
            reason = "hidden columns"
        elif dim.customWidth and dim.width is not None and float(dim.width) < v.min_column_width:
            reason = "columns too narrow to read"
        elif dim.customWidth and default:
            reason = ""
        if reason is not None:
            for c in range(lo, min(hi, 16_384) + 1):
                cols[c] = reason
    return cols, default


def _runs(value: Any) -> list[tuple[Any, str]]:
    """(font, text) of each rich-text run; a run without its own font has font None."""
    if isinstance(value, CellRichText):
        return [(p.font, p.text) if isinstance(p, TextBlock) else (None, str(p))
                for p in value]
    return [(None, value)]


def _text_invisible(font: Any, bg: str, pal: Palette, v: Visibility) -> str | None:
    if font is None:
        return None
    size = getattr(font, "sz", None)
    if size is not None and float(size) < v.min_font_pt:
        return f"text in a font under {v.min_font_pt:g} pt"
    colour = resolve(getattr(font, "color", None), pal, BLACK)
    if contrast(colour, bg) < v.min_contrast:
        return "text coloured like its background"
    return None


def _cf_hides(ws: Worksheet, pal: Palette, v: Visibility) -> list[str]:
    """Ranges whose conditional formatting can make text unreadable."""
    found: list[str] = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            dxf = rule.dxf
            if dxf is None:
                continue
            bg = background(dxf.fill, pal) if dxf.fill is not None else WHITE
            hides = (dxf.font is not None and _text_invisible(dxf.font, bg, pal, v)) or (
                dxf.numFmt is not None and (format_hides(dxf.numFmt.formatCode, "text")
                                            or format_hides(dxf.numFmt.formatCode, 1)))
            if hides:
                found.append(str(cf.sqref))
                break
    return found


def hidden_content(ws: Worksheet, cells: Iterable[Any], pal: Palette, v: Visibility
                   ) -> Findings:
    """What in these content cells of `ws` a person would not see."""
    out = Findings()
    rows, row_default = _hidden_rows(ws, v)
    cols, col_default = _hidden_columns(ws, v)
    cf_ranges = [range_boundaries(r) for s in _cf_hides(ws, pal, v) for r in s.split()]
    #: (style, kind of value) -> what the style does to it; most cells share a few styles
    seen: dict[tuple[Any, ...], tuple[str | None, bool]] = {}
    for cell in cells:
        r, c, value = cell.row, cell.column, cell.value
        where = f"{get_column_letter(c)}{r}"
        row_reason = rows.get(r, row_default)
        if row_reason:
            out.add(row_reason, where)
        col_reason = cols.get(c, col_default)
        if col_reason:
            out.add(col_reason, where)
        if cell.comment is not None:
            out.add("comments", where)
        if isinstance(value, CellRichText):
            bg = background(cell.fill, pal)
            for font, text in _runs(value):
                reason = None if not str(text).strip() else _text_invisible(
                    font if font is not None else cell.font, bg, pal, v)
                if reason:
                    out.add(reason, where)
                    break
            hides = format_hides(cell.number_format, str(value))
        else:
            key = (tuple(cell._style), _kind(value))
            if key not in seen:
                seen[key] = (_text_invisible(cell.font, background(cell.fill, pal), pal, v),
                             format_hides(cell.number_format, value))
            reason, hides = seen[key]
            if reason and str(value).strip():
                out.add(reason, where)
        if hides:
            out.add("a number format that does not show the value", where)
        if any(lo_c <= c <= hi_c and lo_r <= r <= hi_r for lo_c, lo_r, hi_c, hi_r in cf_ranges):
            out.add("conditional formatting that can hide text", where)
    for cell in _comments_on_empty_cells(ws):
        out.add("comments", cell)
    return out


def _kind(value: Any) -> tuple[str, int]:
    """What a number format's choice of section depends on: type, and sign of a number."""
    if isinstance(value, bool):
        return ("bool", 0)
    if isinstance(value, (int, float)):
        return ("number", (value > 0) - (value < 0))
    return (type(value).__name__, 0)


def _comments_on_empty_cells(ws: Worksheet) -> list[str]:
    return [c.coordinate for c in getattr(ws, "_cells", {}).values()
            if c.comment is not None and c.value in (None, "")]
