"""HTML uploaded as a Google Doc: kept roughly as Drive converts it (text, headings, tables, images)."""
from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

Block = dict[str, Any]
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "title"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text = ""
        self.heading = 0
        self.table: list[list[str]] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag == "table":
            self.flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th"):
            self.text = ""
        elif tag == "img":
            self.flush()
            self.blocks.append({"image": dict(attrs).get("src") or ""})
        elif tag in _BLOCKS:
            self.flush()
            self.heading = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else 0

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.table:
            self.table[-1].append(" ".join(self.text.split()))
            self.text = ""
        elif tag == "table" and self.table is not None:
            self.blocks.append({"table": self.table})
            self.table = None
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text += data

    def flush(self) -> None:
        text = " ".join(self.text.split())
        if text and self.table is None:
            self.blocks.append({"heading": self.heading, "text": text} if self.heading else {"text": text})
        if self.table is None:
            self.text, self.heading = "", 0


def from_upload(content: bytes, media_type: str) -> list[Block]:
    """Uploaded media -> document blocks (HTML parsed; plain text split into paragraphs)."""
    text = content.decode("utf-8", errors="replace")
    if media_type.startswith("text/html"):
        converter = _Converter()
        converter.feed(text)
        converter.close()
        converter.flush()
        return converter.blocks
    return [{"text": line} for line in text.splitlines() if line.strip()]


def export(blocks: list[Block], media_type: str) -> bytes:
    if media_type == "text/plain":
        lines = []
        for block in blocks:
            if "table" in block:
                lines += ["\t".join(row) for row in block["table"]]
            elif "text" in block:
                lines.append(block["text"])
        return "\n".join(lines).encode()
    parts = []
    for block in blocks:
        if "image" in block:
            parts.append(f'<img src="{html.escape(block["image"])}">')
        elif "table" in block:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                           for row in block["table"])
            parts.append(f"<table>{rows}</table>")
        else:
            tag = f"h{block['heading']}" if block.get("heading") else "p"
            parts.append(f"<{tag}>{html.escape(block['text'])}</{tag}>")
    return ("<html><body>" + "".join(parts) + "</body></html>").encode()
