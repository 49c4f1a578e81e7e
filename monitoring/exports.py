"""Export of a plan's measurements: CSV (UTF-8 with BOM, so Excel shows Persian) and XLSX
(a right-to-left sheet), produced row by row.

`COLUMNS` is the one list of the columns, in order. The import of measurements reads the
first seven (`IMPORT_COLUMNS`: code, year, period, value, source, evidence_url, note) by
these keys; the rest (state, entered_at ISO and Jalali) are for people and are ignored on
import. A header cell may be the key or its Persian label.
"""

import csv
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from backend.jalali import jalali_datetime_str
from backend.tables import formula_safe
from monitoring import imports
from monitoring.selectors import plan_reported_measurements
from planning.models import Plan

# The import's columns first (what `monitoring.imports` reads back), then what a reader of
# the export also wants to see.
COLUMNS: list[tuple[str, str]] = [
    *imports.COLUMNS,
    ("state", "وضعیت"),
    ("entered_at", "زمان ثبت (ISO)"),
    ("entered_at_jalali", "زمان ثبت (شمسی)"),
]
IMPORT_COLUMNS: list[str] = [key for key, _label in imports.COLUMNS]
CHUNK = 1000


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def rows(plan: Plan) -> Iterator[dict[str, Any]]:
    """One dict per reported measurement (keys of COLUMNS), read in chunks."""
    for row in plan_reported_measurements(plan).iterator(chunk_size=CHUNK):
        yield {
            "code": row.indicator.code,
            "year": row.year,
            "period": row.period,
            "value": _plain(row.value),
            # Text a person typed never becomes a spreadsheet formula.
            "source": formula_safe(row.source),
            "evidence_url": formula_safe(row.evidence_url),
            "note": formula_safe(row.note),
            "state": row.state,
            "entered_at": row.created_at.isoformat(),
            "entered_at_jalali": jalali_datetime_str(row.created_at),
        }


class _Line:
    """A file-like object whose write() hands back what was written (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(plan: Plan) -> Iterator[str]:
    """The header row holds the keys (what the import reads), prefixed by a BOM."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([key for key, _label in COLUMNS])
    for row in rows(plan):
        yield writer.writerow([row[key] for key, _label in COLUMNS])


def xlsx_file(plan: Plan):
    """A right-to-left workbook (write-only mode) returned as an open file at its start.
    The first row holds the keys, like the CSV."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="measurements")
    sheet.sheet_view.rightToLeft = True
    sheet.append([key for key, _label in COLUMNS])
    for row in rows(plan):
        sheet.append([row[key] for key, _label in COLUMNS])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    book.save(handle)
    handle.seek(0)
    return handle
