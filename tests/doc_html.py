"""What a parent report's Google Doc is made from, parsed as a browser (or Drive) parses it.

Shared by the injection tests: they write reports into a local folder while recording the HTML
each Doc would be made from, then check that nothing anybody typed became an element.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from sync.local_store import LocalStore
from sync.report_job import write_reports_for_school
from sync.reports.local import LocalFolderSink


class PageText(HTMLParser):
    """The element names and the text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def parsed(html: str) -> PageText:
    page = PageText()
    page.feed(html)
    return page


def reports_with_doc_html(folder: Path, **which) -> tuple[list[Path], dict[str, str]]:
    """Write the school's parent reports (`which`: class_name, upn, jobs) with the local sink
    asked for Doc HTML as Drive's sink is; return the files and the HTML by file stem."""
    html: dict[str, str] = {}
    original = LocalFolderSink.write

    def recording(self, target, pdf, text):
        html[target.stem] = text
        return original(self, target, pdf, text)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LocalFolderSink, "write", recording)
        patch.setattr(LocalFolderSink, "wants_doc_html", True, raising=False)
        written = write_reports_for_school(LocalStore(folder), **{"jobs": 1, **which})
    return written, html
