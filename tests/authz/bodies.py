"""Every response body as searchable text: HTML and text as they are, JSON with its non-ASCII unescaped,
PDF through its text layer (pypdf), Excel cell by cell (openpyxl), streamed files read whole."""

from __future__ import annotations

import io
import json
import zipfile


def raw(resp) -> bytes:
    if getattr(resp, "streaming", False):
        return b"".join(resp.streaming_content)
    return resp.content


def text_of(resp) -> str:
    data = raw(resp)
    kind = resp.get("Content-Type", "").split(";")[0].strip()
    if data.startswith(b"%PDF"):
        return pdf_text(data)
    if data.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data)):
        return xlsx_text(data)
    body = data.decode("utf-8", errors="replace")
    if kind == "application/json" or body[:1] in "[{":
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    # a line break or a kerning gap may split a word: search the text with its spaces gone as well
    return text + "\n" + "".join(text.split())


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    cells = []
    for sheet in book.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)
