"""Lists a person works from export to Excel (XLSX) with the same filter as on screen; shared
by every app (it sits in core so any layer may use it)."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

MAX_ROWS = 50000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(headers: list[str], rows, sheet: str = "数据") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(h) * 2 + 4)
    ws.append(headers)
    for n, row in enumerate(rows):
        if n >= MAX_ROWS:
            break
        ws.append(["" if v is None else v for v in row])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, headers: list[str], rows) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
