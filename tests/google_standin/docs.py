"""HTML or Word (.docx) uploaded as a Google Doc: kept roughly as Drive converts it (text, headings,
tables, embedded images). Drive converts only what its import formats list for a Google Doc
(`about.importFormats`); anything else is refused."""
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


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# what Drive imports into a Google Doc (about.importFormats, the document entries)
IMPORTS_TO_DOCUMENT = ("text/html", "text/plain", "application/rtf", "application/vnd.oasis.opendocument.text",
                       "application/msword", DOCX, "application/pdf")


def importable(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() in IMPORTS_TO_DOCUMENT


def _docx_blocks(content: bytes) -> list[Block]:
    """A .docx's body in order: paragraphs (Heading N styles as headings), tables (cell text, with
    the pictures in cells after them) and embedded pictures, as data URIs (Drive keeps them)."""
    import base64
    import io

    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(content))
    part = document.part
    blocks: list[Block] = []

    def pictures(element) -> list[Block]:
        out = []
        for blip in element.iter(qn("a:blip")):
            image = part.related_parts[blip.get(qn("r:embed"))]
            out.append({"image": f"data:{image.content_type};base64," + base64.b64encode(image.blob).decode()})
        return out

    def paragraph(element) -> None:
        text = " ".join("".join(node.text or "" for node in element.iter(qn("w:t"))).split())
        style = element.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        name = style.get(qn("w:val")) if style is not None else ""
        level = int(name[-1]) if name.startswith("Heading") and name[-1:].isdigit() else 0
        if text:
            blocks.append({"heading": level, "text": text} if level else {"text": text})
        blocks.extend(pictures(element))

    def table(element) -> None:
        rows, found = [], []
        for row in element.iter(qn("w:tr")):
            cells = []
            for cell in row.findall(qn("w:tc")):
                cells.append(" ".join("".join(node.text or "" for node in cell.iter(qn("w:t"))).split()))
            rows.append(cells)
        found = pictures(element)
        blocks.append({"table": rows})
        blocks.extend(found)

    for element in document.element.body:
        if element.tag == qn("w:p"):
            paragraph(element)
        elif element.tag == qn("w:tbl"):
            table(element)
    return blocks


def from_upload(content: bytes, media_type: str) -> list[Block]:
    """Uploaded media -> document blocks (HTML or .docx parsed; plain text split into paragraphs)."""
    if media_type.split(";")[0].strip().lower() == DOCX:
        return _docx_blocks(content)
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
