"""What a parent report's Google Doc is made from (the .docx that Drive converts), parsed as Word
or Drive reads it: the names of its XML elements and its text.

Shared by the injection tests: they write reports into a local folder while recording the .docx
each Doc would be made from, then check that nothing anybody typed became an element or a field.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from zipfile import ZipFile

import pytest

from sync.local_store import LocalStore
from sync.report_job import write_reports_for_school
from sync.reports.local import LocalFolderSink

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class PageText:
    """The element names (local, any namespace) and the text of a .docx's body, a line a paragraph."""

    tags: set[str] = field(default_factory=set)
    text: str = ""


def parsed(docx: bytes) -> PageText:
    with ZipFile(io.BytesIO(docx)) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    page = PageText()
    page.tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    page.text = "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in root.iter(W + "p"))
    return page


def reports_with_doc_html(folder: Path, **which) -> tuple[list[Path], dict[str, bytes]]:
    """Write the school's parent reports (`which`: class_name, upn, jobs) with the local sink
    asked for the Doc's .docx as Drive's sink is; return the files and the .docx by file stem."""
    docs: dict[str, bytes] = {}
    original = LocalFolderSink.write

    def recording(self, target, pdf, docx):
        docs[target.stem] = docx
        return original(self, target, pdf, docx)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LocalFolderSink, "write", recording)
        patch.setattr(LocalFolderSink, "wants_docx", True, raising=False)
        written = write_reports_for_school(LocalStore(folder), **{"jobs": 1, **which})
    return written, docs
