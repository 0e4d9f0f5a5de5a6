"""Text as it enters casebundle: strict decoding, Unicode NFC, invisible characters removed.

Every text cell is cleaned here before anything downstream (validation, policy, redaction)
sees it, so that "Zoë" typed with a combining diaeresis and "Zoë" typed precomposed are the
same name, and a zero-width space or a bidi override cannot split a name so that redaction
misses it or make a reviewer read something other than what is stored.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

#: a well-formed UTF-8 sequence of two or more bytes (RFC 3629)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")

#: C0/C1 controls other than tab and newline; they become a space
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: characters that render as nothing or reorder text: zero-width, bidi embeddings,
#: overrides and isolates, soft hyphen, word joiner, BOM, invisible operators, tag chars
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]")


@dataclass(frozen=True)
class Decoded:
    """The text of a file, or why it could not be decoded (code, message, fix)."""

    text: str | None
    encoding: str = ""
    code: str = ""
    message: str = ""
    fix: str = ""


_FIX_UTF8 = ("in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)', or send the "
             ".xlsx.")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text_file(data: bytes, fallback: str | None) -> Decoded:
    """Strict UTF-8 first; then `fallback` only if the whole file decodes cleanly under it
    and holds no UTF-8 sequence (which would mean two encodings mixed in one file)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                        codecs.BOM_UTF32_BE)):
        return Decoded(None, code="UNSUPPORTED_ENCODING",
                       message="the file is UTF-16/UTF-32 text ('Unicode Text'), not a CSV.",
                       fix=_FIX_UTF8)
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if b"\x00" in data:
        return Decoded(None, code="UNREADABLE_FILE",
                       message="the file holds NUL bytes: it is binary, not CSV text.",
                       fix=_FIX_UTF8)
    if fallback is None:
        return Decoded(None, code="UNSUPPORTED_ENCODING",
                       message=f"the file is not UTF-8 (first bad byte on line "
                               f"{_line_of(data, bad_at)}).", fix=_FIX_UTF8)
    utf8 = _UTF8_MULTIBYTE.search(data)
    if utf8 is not None:
        return Decoded(None, code="MIXED_ENCODING",
                       message=f"the file mixes encodings: UTF-8 text (line "
                               f"{_line_of(data, utf8.start())}) and bytes that are not UTF-8 "
                               f"(line {_line_of(data, bad_at)}); reading it either way would "
                               "garble names.",
                       fix=_FIX_UTF8 + " Check the characters on those lines after saving.")
    try:
        return Decoded(data.decode(fallback), fallback)
    except UnicodeDecodeError as exc:
        return Decoded(None, code="UNSUPPORTED_ENCODING",
                       message=f"the file is neither UTF-8 nor {fallback} (byte "
                               f"0x{data[exc.start]:02x} on line {_line_of(data, exc.start)}).",
                       fix=_FIX_UTF8)


def clean_text(value: str) -> str:
    """NFC, with invisible and reordering characters removed and controls made spaces.

    Tabs and newlines stay (CR LF and lone CR become LF)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _INVISIBLE.sub("", value)
    value = _CONTROLS.sub(" ", value)
    return unicodedata.normalize("NFC", value)


def needs_cleaning(value: str) -> bool:
    """True if clean_text would change more than line endings."""
    return bool(_INVISIBLE.search(value) or _CONTROLS.search(value.replace("\r", ""))
                or not unicodedata.is_normalized("NFC", value))


_NAME_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f-\x9f]|[\u00ad\u061c\u200b-\u200f\u202a-\u202e"
                          r"\u2060-\u206f\ufeff]")


def display_name(raw: str) -> str:
    """A file name as it is shown and recorded: printable, one line, and unique.

    Bytes that are not UTF-8 (surrogate-escaped by the OS layer) become \\xNN, control and
    bidi characters become \\uNNNN, and a backslash is doubled, so two different names can
    never be shown the same.
    """
    out: list[str] = []
    for ch in raw:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif _NAME_UNSAFE.match(ch) or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)  # no normalisation: two different names must stay different
