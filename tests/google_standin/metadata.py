"""Developer metadata: create, update, delete and search, located on the spreadsheet, on a sheet or
on a range of rows or columns (a `dimensionRange`: its data is those rows or columns)."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .a1 import clamp
from .batch import handles
from .model import Spreadsheet, bad_request


def all_metadata(book: Spreadsheet) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Every metadata entry with the list that holds it."""
    for entry in book.developer_metadata:
        yield book.developer_metadata, entry
    for sheet in book.sheets:
        for entry in sheet.developer_metadata:
            yield sheet.developer_metadata, entry
        for entry in sheet.range_metadata:
            yield sheet.range_metadata, entry


def matches(entry: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """A DeveloperMetadataLookup: every field it sets must match."""
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility", "locationType"):
        wanted = lookup.get(key)
        have = entry["location"]["locationType"] if key == "locationType" else entry.get(key)
        if wanted is not None and str(wanted) != str(have):
            return False
    where = lookup.get("metadataLocation") or {}
    sheet_id = entry["location"].get("sheetId", entry["location"].get("dimensionRange", {}).get("sheetId"))
    if where.get("sheetId") is not None and sheet_id != where["sheetId"]:
        return False
    if where.get("spreadsheet") and entry["location"]["locationType"] != "SPREADSHEET":
        return False
    return True


def find(book: Spreadsheet, data_filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for data_filter in data_filters:
        lookup = data_filter.get("developerMetadataLookup")
        if lookup is None:
            raise bad_request("Only developerMetadataLookup data filters are supported by the stand-in.")
        found += [e for _, e in all_metadata(book) if matches(e, lookup) and e not in found]
    return found


@handles("createDeveloperMetadata")
def create_developer_metadata(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    given = {k: v for k, v in copy.deepcopy(body.get("developerMetadata") or {}).items() if v is not None}
    where = given.pop("location", None) or {}
    if not given.get("visibility"):
        raise bad_request("Developer metadata visibility must be specified.")
    if where.get("sheetId") is not None:
        sheet = book.sheet_by_id(where["sheetId"])
        given["location"] = {"locationType": "SHEET", "sheetId": sheet.id}
        holder = sheet.developer_metadata
    elif where.get("spreadsheet"):
        given["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
        holder = book.developer_metadata
    elif where.get("dimensionRange") is not None:
        span = where["dimensionRange"]
        sheet = book.sheet_by_id(span.get("sheetId"))
        if span.get("dimension") not in ("ROWS", "COLUMNS"):
            raise bad_request("Invalid dimensionRange: dimension must be ROWS or COLUMNS.")
        if span.get("startIndex") is None or span.get("endIndex") is None:
            # Google: metadata may only sit on whole rows or columns, given by both indexes
            raise bad_request("Developer metadata may only be associated with whole rows or columns.")
        given["location"] = {"locationType": "ROW" if span["dimension"] == "ROWS" else "COLUMN",
                             "dimensionRange": {"sheetId": sheet.id, "dimension": span["dimension"],
                                                "startIndex": span["startIndex"], "endIndex": span["endIndex"]}}
        holder = sheet.range_metadata
    else:
        raise bad_request("The stand-in supports spreadsheet, sheet and dimension range metadata locations.")
    given["metadataId"] = given.get("metadataId") or book.next_id() % 2**31
    if any(e["metadataId"] == given["metadataId"] for _, e in all_metadata(book)):
        raise bad_request(f"Metadata with id {given['metadataId']} already exists.")
    holder.append(given)
    return {"createDeveloperMetadata": {"developerMetadata": given}}


@handles("deleteDeveloperMetadata")
def delete_developer_metadata(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    gone = find(book, [body.get("dataFilter") or {}])
    for holder, entry in list(all_metadata(book)):
        if entry in gone:
            holder.remove(entry)
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": gone}}


@handles("updateDeveloperMetadata")
def update_developer_metadata(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """Set the fields named in `fields` of every metadata entry the data filters match."""
    fields = [name.strip() for name in (body.get("fields") or "").split(",") if name.strip()]
    if not fields:
        raise bad_request("updateDeveloperMetadata: 'fields' is required.")
    given = body.get("developerMetadata") or {}
    found = find(book, body.get("dataFilters") or [])
    for entry in found:
        for name in fields:
            if name in ("metadataKey", "metadataValue", "visibility"):
                if given.get(name) is None:
                    entry.pop(name, None)
                else:
                    entry[name] = given[name]
            else:
                raise bad_request(f"updateDeveloperMetadata: the stand-in cannot update '{name}'.")
    return {"updateDeveloperMetadata": {"developerMetadata": [copy.deepcopy(e) for e in found]}}


def boxes(book: Spreadsheet, data_filter: dict[str, Any]) -> list[tuple[Any, tuple[int, int, int, int]]]:
    """The (sheet, (row0, col0, row1, col1)) boxes a DataFilter selects: an A1 range (400 when it
    names no sheet, as Google), a grid range, or the data of matching developer metadata (a sheet's
    metadata selects the whole sheet; a row range's, those rows)."""
    kinds = [key for key in ("a1Range", "gridRange", "developerMetadataLookup") if data_filter.get(key) is not None]
    if len(kinds) != 1:
        raise bad_request("A DataFilter must set exactly one of a1Range, gridRange, developerMetadataLookup.")
    if kinds[0] == "a1Range":
        sheet, box = book.resolve(data_filter["a1Range"])
        return [(sheet, clamp(box, sheet.rows, sheet.cols))]
    if kinds[0] == "gridRange":
        grid = data_filter["gridRange"]
        sheet = book.sheet_by_id(grid.get("sheetId", 0))
        return [(sheet, (grid.get("startRowIndex", 0), grid.get("startColumnIndex", 0),
                         grid.get("endRowIndex", sheet.rows), grid.get("endColumnIndex", sheet.cols)))]
    out = []
    for entry in find(book, [data_filter]):
        where = entry["location"]
        if where["locationType"] == "SPREADSHEET":
            out += [(sheet, (0, 0, sheet.rows, sheet.cols)) for sheet in book.sheets]
        elif where["locationType"] == "SHEET":
            sheet = book.sheet_by_id(where["sheetId"])
            out.append((sheet, (0, 0, sheet.rows, sheet.cols)))
        else:
            span = where["dimensionRange"]
            sheet = book.sheet_by_id(span["sheetId"])
            if span["dimension"] == "ROWS":
                out.append((sheet, (span["startIndex"], 0, span["endIndex"], sheet.cols)))
            else:
                out.append((sheet, (0, span["startIndex"], sheet.rows, span["endIndex"])))
    return out


def search(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """developerMetadata:search -> SearchDeveloperMetadataResponse ({} when nothing matched)."""
    found = find(book, body.get("dataFilters") or [])
    if not found:
        return {}
    return {"matchedDeveloperMetadata": [
        {"developerMetadata": e, "dataFilters": [f for f in body["dataFilters"]
                                                 if matches(e, f["developerMetadataLookup"])]}
        for e in found]}
