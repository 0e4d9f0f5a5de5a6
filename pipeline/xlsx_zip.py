"""Rewrite an .xlsx (a zip) without recompressing it: new member times, and only the members
that must change decompressed, edited and compressed again.

A workbook is a zip of XML members. Pinning its times to the run start, dropping a defined
name from xl/workbook.xml, or moving a reused workbook's document dates to this run's start
(pipeline/render/published.py `restamp_xlsx`) touches one small member; every other member's
compressed bytes are copied as they are, with only the time and date fields of its local
header and central directory entry rewritten. An edited member is compressed as Python's
zipfile compresses (zlib's default level, raw deflate), so the result is the bytes a fresh
write would give.

Only the plain zips casebundle's writers produce are rewritten in place (no zip64, no data
descriptors, no encryption, one disk); anything else is rewritten member by member through
`zipfile` (slower, same content).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping

#: a member's edit: its uncompressed bytes in, the new bytes out
Edit = Callable[[bytes], bytes]
DateTime = tuple[int, int, int, int, int, int]

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_LOCAL_LEN, _CENTRAL_LEN, _END_LEN = 30, 46, 22


class _NotPlain(Exception):
    """The zip is not one this module rewrites in place."""


def _dos(date_time: DateTime) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def rewrite(data: bytes, date_time: DateTime, edits: Mapping[str, Edit] | None = None) -> bytes:
    """`data` with every member's time set to `date_time` and each member named in `edits`
    replaced by its edit's result (the others' compressed bytes copied unchanged)."""
    edits = edits or {}
    try:
        return _in_place(data, date_time, edits)
    except _NotPlain:
        return _through_zipfile(data, date_time, edits)


def _in_place(data: bytes, date_time: DateTime, edits: Mapping[str, Edit]) -> bytes:
    end = data.rfind(_END)
    if end < 0 or len(data) - end < _END_LEN:
        raise _NotPlain
    (_, disk, cd_disk, on_disk, count, cd_size, cd_offset,
     comment_len) = struct.unpack_from("<4s4H2LH", data, end)
    if disk or cd_disk or on_disk != count or end + _END_LEN + comment_len != len(data) \
            or cd_offset + cd_size != end:
        raise _NotPlain
    dos_time, dos_date = _dos(date_time)
    body, central = bytearray(), bytearray()
    pos = cd_offset
    for _ in range(count):
        entry = bytearray(data[pos:pos + _CENTRAL_LEN])
        if entry[:4] != _CENTRAL:
            raise _NotPlain
        flags, method = struct.unpack_from("<HH", entry, 8)
        crc, csize, usize = struct.unpack_from("<3L", entry, 16)
        name_len, extra_len, comment = struct.unpack_from("<3H", entry, 28)
        (local,) = struct.unpack_from("<L", entry, 42)
        tail = data[pos + _CENTRAL_LEN:pos + _CENTRAL_LEN + name_len + extra_len + comment]
        pos += _CENTRAL_LEN + len(tail)
        if flags & 0x09 or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                or 0xFFFFFFFF in (csize, usize, local):
            raise _NotPlain  # encrypted, data descriptor, or zip64
        header = bytearray(data[local:local + _LOCAL_LEN])
        if header[:4] != _LOCAL:
            raise _NotPlain
        local_name, local_extra = struct.unpack_from("<2H", header, 26)
        start = local + _LOCAL_LEN + local_name + local_extra
        payload = data[start:start + csize]
        edit = edits.get(tail[:name_len].decode("utf-8"))
        if edit is not None:
            raw = payload if method == zipfile.ZIP_STORED else zlib.decompress(payload, -15)
            new = edit(raw)
            payload = new if method == zipfile.ZIP_STORED else _deflate(new)
            crc, csize, usize = zlib.crc32(new), len(payload), len(new)
        struct.pack_into("<2H", header, 10, dos_time, dos_date)
        struct.pack_into("<3L", header, 14, crc, csize, usize)
        struct.pack_into("<2H", entry, 12, dos_time, dos_date)
        struct.pack_into("<3L", entry, 16, crc, csize, usize)
        struct.pack_into("<L", entry, 42, len(body))
        body += header + data[local + _LOCAL_LEN:start] + payload
        central += entry + tail
    closing = bytearray(data[end:])
    struct.pack_into("<2L", closing, 12, len(central), len(body))
    return bytes(body + central + closing)


def _through_zipfile(data: bytes, date_time: DateTime, edits: Mapping[str, Edit]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            edit = edits.get(info.filename)
            if edit is not None:
                member = edit(member)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            dst.writestr(entry, member)
    return out.getvalue()
