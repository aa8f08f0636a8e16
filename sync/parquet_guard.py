"""Checks that damaged Parquet bytes never reach the parts of fastparquet that cannot take them.

fastparquet reads its own files well and damaged ones badly: its compiled Thrift reader can crash
the process on a footer whose lengths run past the end, and a data page that says it holds fewer
than no values makes it loop for ever (`fastparquet.core.skip_definition_bytes`). A results
snapshot is ours, but a file on a disk or in a bucket can be damaged, and a damaged snapshot must
be one sentence (`SnapshotUnreadable`), never a hung or crashed sync. So before fastparquet parses
a footer or reads a page, the Thrift structures are walked here in Python with every length
checked against the bytes there are, and every page's count of values against its column's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

# Thrift compact protocol types (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md)
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)
_DEEPEST = 32


class _Damaged(Exception):
    pass


def _varint(data: bytes, at: int, end: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= end or shift > 63:
            raise _Damaged
        byte = data[at]
        value, shift, at = value | (byte & 0x7F) << shift, shift + 7, at + 1
        if not byte & 0x80:
            return value, at


def _value(data: bytes, at: int, end: int, kind: int, depth: int, *, element: bool = False) -> int:
    """Where one value of Thrift type `kind` starting at `at` ends."""
    if kind in (_TRUE, _FALSE):
        at += element            # a field's bool is in its header; a list's takes a byte
    elif kind == _BYTE:
        at += 1
    elif kind == _DOUBLE:
        at += 8
    elif kind in (_I16, _I32, _I64):
        _, at = _varint(data, at, end)
    elif kind == _BINARY:
        size, at = _varint(data, at, end)
        at += size
    elif kind in (_LIST, _SET):
        if at >= end:
            raise _Damaged
        size, inner, at = data[at] >> 4, data[at] & 0x0F, at + 1
        if size == 15:
            size, at = _varint(data, at, end)
        if size > end - at:      # every element takes a byte at least
            raise _Damaged
        for _ in range(size):
            at = _value(data, at, end, inner, depth + 1, element=True)
    elif kind == _MAP:
        size, at = _varint(data, at, end)
        if size:
            if size > end - at:
                raise _Damaged
            types, at = data[at], at + 1
            for _ in range(size):
                at = _value(data, at, end, types >> 4, depth + 1, element=True)
                at = _value(data, at, end, types & 0x0F, depth + 1, element=True)
    elif kind == _STRUCT:
        at = _struct_end(data, at, end, depth + 1)
    else:
        raise _Damaged
    if at > end:
        raise _Damaged
    return at


def _struct_end(data: bytes, at: int, end: int, depth: int) -> int:
    if depth > _DEEPEST:
        raise _Damaged
    while True:
        if at >= end:
            raise _Damaged
        header, at = data[at], at + 1
        if header == 0:          # the struct's end
            return at
        if header >> 4 == 0:     # a field id written in full
            _, at = _varint(data, at, end)
        at = _value(data, at, end, header & 0x0F, depth)


def struct_end(data: bytes, start: int, end: int) -> int | None:
    """Where the Thrift compact struct that starts at `start` ends, or None when it does not fit
    before `end` (a length past the end, an unknown type, nesting deeper than Parquet's)."""
    try:
        return _struct_end(data, start, end, 0)
    except _Damaged:
        return None


def footer_fits(data: bytes) -> bool:
    """The footer (FileMetaData) fills exactly the bytes its length says, before the last 8."""
    size = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - size
    return start >= 4 and struct_end(data, start, len(data) - 8) == len(data) - 8


def pages_fit(table: Any, data: bytes) -> bool:
    """Every page of every column of a parsed `fastparquet.ParquetFile` lies inside its column's
    bytes, with a header that fits and between 0 and the column's number of values."""
    from fastparquet.cencoding import NumpyIO, ThriftObject

    for group in table.row_groups or []:
        if group.num_rows is None or group.num_rows < 0:
            return False
        for chunk in group.columns or []:
            column = chunk.meta_data
            if column is None or column.data_page_offset is None or column.num_values is None:
                return False
            start = min(column.dictionary_page_offset or column.data_page_offset, column.data_page_offset)
            end = start + (column.total_compressed_size or 0)
            if column.num_values < 0 or start < 4 or not start < end <= len(data):
                return False
            at = start
            while at < end:
                header_end = struct_end(data, at, end)
                if header_end is None:
                    return False
                header = ThriftObject.from_buffer(
                    NumpyIO(np.frombuffer(data, np.uint8, header_end - at, at).copy()), "PageHeader")
                counts = [part.num_values for part in (header.data_page_header, header.data_page_header_v2,
                                                       header.dictionary_page_header) if part is not None]
                size = header.compressed_page_size
                if size is None or size < 0 or any(n is None or not 0 <= n <= column.num_values for n in counts):
                    return False
                at = header_end + size
    return True
