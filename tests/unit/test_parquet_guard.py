"""sync.parquet_guard: damaged Parquet bytes are refused before fastparquet can hang or crash on
them. Thrift compact bytes written by hand: a field header is (id delta << 4) | type, with types
5 = i32 (a zigzag varint), 8 = binary (a varint length, then the bytes), 9 = list ((size << 4) |
element type), 12 = struct; 0 ends a struct."""
from __future__ import annotations

import io

import numpy as np
import pytest

from functions.snapshot import SCHEMA_VERSION
from sync.parquet_guard import footer_fits, pages_fit, struct_end
from sync.snapshot import SnapshotUnreadable, _fastparquet, from_parquet, to_parquet
from tests.unit.test_trust import A


@pytest.mark.parametrize(("data", "end"), [
    (b"\x00", 1),                              # an empty struct
    (b"\x15\x06\x00", 3),                      # field 1, i32 3 (zigzag 6)
    (b"\x15\x06\x28\x03abc\x00", 8),           # then field 3, binary of 3 bytes
    (b"\x19\x35\x02\x04\x06\x00", 6),          # field 1, a list of 3 i32: 1, 2, 3
    (b"\x1c\x15\x06\x00\x00", 5),              # field 1, a struct holding field 1 = 3
    (b"\x05\x0a\x06\x00", 4),                  # field 5 written in full (zigzag 10), i32 3
    (b"\x11\x12\x00", 3),                      # fields 1 and 2: true, false (in the header)
])
def test_a_struct_that_fits_ends_where_it_says(data: bytes, end: int) -> None:
    assert struct_end(data + b"\xff\xff", 0, len(data) + 2) == end


@pytest.mark.parametrize("data", [
    b"",                                       # nothing at all
    b"\x15\x06",                               # no end
    b"\x18\x05abc\x00",                        # a binary of 5 bytes with 3 there
    b"\x19\xf5\xff\xff\x7f\x00",               # a list of 2,097,151 i32 in 6 bytes
    b"\x15\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00",   # a varint longer than 64 bits
    b"\x1d\x00",                               # type 13: no such type
    b"\x1c" * 40 + b"\x00" * 41,               # structs nested 40 deep (Parquet's are 4)
])
def test_a_struct_that_does_not_fit_is_refused(data: bytes) -> None:
    assert struct_end(data, 0, len(data)) is None


def test_a_snapshot_as_written_fits() -> None:
    data = to_parquet(A, {"schema_version": str(SCHEMA_VERSION)})
    assert footer_fits(data)
    assert pages_fit(_fastparquet().ParquetFile(io.BytesIO(data)), data)


def test_a_page_that_says_it_holds_fewer_than_no_values_is_damaged_not_a_hang() -> None:
    """fastparquet's skip_definition_bytes loops for ever on a negative count (n //= 128 stays -1):
    the whole suite once stalled on such a file, made by the fuzz test below by chance."""
    from fastparquet.cencoding import NumpyIO, ThriftObject

    data = bytearray(to_parquet(A, {"schema_version": str(SCHEMA_VERSION)}))
    start = _fastparquet().ParquetFile(io.BytesIO(bytes(data))).row_groups[0].columns[0].meta_data.data_page_offset
    at = data.index(b"\x15\x06", start) + 1        # DataPageHeader.num_values: 3 pupils, zigzag 6
    data[at] = 89                                  # zigzag 89 is -45
    header = ThriftObject.from_buffer(NumpyIO(np.frombuffer(bytes(data[start:start + 40]), np.uint8).copy()),
                                      "PageHeader")
    assert header.data_page_header.num_values == -45
    assert not pages_fit(_fastparquet().ParquetFile(io.BytesIO(bytes(data))), bytes(data))
    with pytest.raises(SnapshotUnreadable, match="x/pupils.parquet is damaged"):
        from_parquet(bytes(data), "x/pupils.parquet")


def test_a_footer_whose_lengths_run_past_its_end_is_damaged() -> None:
    data = bytearray(to_parquet(A, {"schema_version": str(SCHEMA_VERSION)}))
    at = data.rindex(b"schema_version") - 1        # the key's length, 14, before it
    assert data[at] == 14
    data[at] = 0xFF                                # 0xff then "s" (0x73): 127 + 115 * 128 = 14,847 bytes
    assert not footer_fits(bytes(data))
    with pytest.raises(SnapshotUnreadable, match="x/pupils.parquet is damaged"):
        from_parquet(bytes(data), "x/pupils.parquet")
