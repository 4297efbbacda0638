"""Tables as downloads: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
Vietnamese letters) and XLSX (a real workbook: one sheet per table, a bold header row, numbers
as numbers, dates as dates shown dd/mm/yyyy, shares as percentages).

A sheet may carry a heading (what it is, whose, which period, when it was made): its lines come
first, one cell each, then one empty line, then the header row and the table. A program reading
the CSV skips to the first empty line; a person opening the file later reads what it covers."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Share:
    """A ratio shown as a percentage (a number in the workbook)."""
    value: float | None


@dataclass(frozen=True)
class Month:
    """A month (its first day): a date in the workbook shown mm/yyyy, 11/2026 in the CSV, as the page writes it."""
    first: date


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    heading: tuple[str, ...] = ()  # lines above the table, the first one its title


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _as_text(value, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, Share):
        return "" if value.value is None else f"{value.value * 100:.1f}"
    if isinstance(value, Month):
        return f"{value.first.month:02d}/{value.first.year}"
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _csv_header(sheet: Sheet) -> list[str]:
    """The header row of a CSV: a column of shares is written 58.8 (no sign in a plain-text cell),
    so its heading says the unit, "Tỷ lệ đúng hạn (%)"; the workbook's cells carry the % themselves."""
    shares = {i for row in sheet.rows for i, value in enumerate(row) if isinstance(value, Share)}
    return [f"{name} (%)" if i in shares and not name.endswith("(%)") else name for i, name in enumerate(sheet.header)]


def csv_download(sheet: Sheet, filename: str, zone: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    if sheet.heading:
        writer.writerows([[line] for line in sheet.heading])
        writer.writerow([])
    writer.writerow(_csv_header(sheet))
    tz = ZoneInfo(zone)
    for row in sheet.rows:
        writer.writerow([_as_text(v, tz) for v in row])
    return _download("\ufeff" + out.getvalue(), "text/csv", filename)


def xlsx_download(sheets: list[Sheet], filename: str, zone: str) -> Response:
    tz = ZoneInfo(zone)
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title.translate(_BAD_TITLE)[:31])
        for line in sheet.heading:
            ws.append([line])
        if sheet.heading:
            ws["A1"].font = Font(bold=True, size=13)
            ws.append([])
        ws.append(sheet.header)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        ws.freeze_panes = f"A{ws.max_row + 1}"
        first_row = ws.max_row
        for row in sheet.rows:
            ws.append([_cell(v, tz) for v in row])
            for cell, value in zip(ws[ws.max_row], row):
                if isinstance(value, Share):
                    cell.number_format = "0.0%"
                elif isinstance(value, Month):
                    cell.number_format = "mm/yyyy"
                elif isinstance(value, datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
        for column in ws.iter_cols(min_row=first_row):  # the heading's long lines overflow, as meant
            ws.column_dimensions[column[0].column_letter].width = min(
                40, max(10, *(len(str(c.value or "")) + 2 for c in column)))
    out = io.BytesIO()
    book.save(out)
    return _download(out.getvalue(), XLSX, filename)


def _cell(value, tz: ZoneInfo):
    if isinstance(value, Share):
        return value.value
    if isinstance(value, Month):
        return value.first
    if isinstance(value, datetime):  # a workbook has no time zones: the agency's local time
        return value.astimezone(tz).replace(tzinfo=None)
    return value
