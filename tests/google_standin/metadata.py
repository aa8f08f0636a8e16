"""Developer metadata: create, delete and search, located on the spreadsheet or on a sheet."""
from __future__ import annotations

import copy
from typing import Any, Iterator

from .batch import handles
from .model import Spreadsheet, bad_request


def all_metadata(book: Spreadsheet) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Every metadata entry with the list that holds it."""
    for entry in book.developer_metadata:
        yield book.developer_metadata, entry
    for sheet in book.sheets:
        for entry in sheet.developer_metadata:
            yield sheet.developer_metadata, entry


def matches(entry: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """A DeveloperMetadataLookup: every field it sets must match."""
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility", "locationType"):
        wanted = lookup.get(key)
        have = entry["location"]["locationType"] if key == "locationType" else entry.get(key)
        if wanted is not None and str(wanted) != str(have):
            return False
    where = lookup.get("metadataLocation") or {}
    if where.get("sheetId") is not None and entry["location"].get("sheetId") != where["sheetId"]:
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
    else:
        raise bad_request("The stand-in supports spreadsheet and sheet metadata locations only.")
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


def search(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """developerMetadata:search -> SearchDeveloperMetadataResponse ({} when nothing matched)."""
    found = find(book, body.get("dataFilters") or [])
    if not found:
        return {}
    return {"matchedDeveloperMetadata": [
        {"developerMetadata": e, "dataFilters": [f for f in body["dataFilters"]
                                                 if matches(e, f["developerMetadataLookup"])]}
        for e in found]}
