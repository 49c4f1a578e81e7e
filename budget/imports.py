"""Budget and execution figures from the municipality's finance system, as CSV or XLSX, with a
row-by-row Persian report; and the same format back out.

The columns are FIELDS (key, Persian label). A city keeps a mapping (ImportMapping) from our
keys to the headers its finance system writes, so its export imports unchanged year after
year; a header may also be our key or our label. Only `code` is required: a file of
execution figures may carry just code, committed and spent. A column absent from the file,
or an empty cell, leaves that figure as it is (a new line starts at zero); the line's year
is the year the import is for, and a `year` cell, when present, must agree with it.

Re-importing the same file is idempotent: every row is matched to the city's line of that
year and code, and a row whose figures are already stored is reported «بدون تغییر» and
writes nothing. `import_preview` stores nothing; `import_apply` stores every new or changed
row in one transaction, or none when a row is wrong (unless the planner accepts storing only
the valid rows), through the same services as a single edit (each line's change is in the
activity log), plus one entry for the import.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook

from accounts.services import activity_record
from backend.authz import authorise
from backend.errors import DomainError
from backend.persian import to_latin_digits, to_persian_digits
from backend.tables import formula_safe, formula_unsafe, read_cells
from budget import services
from budget.models import BudgetLine, FinancingSource, ImportMapping
from cities.models import City

FIELDS: list[tuple[str, str]] = [
    ("year", "سال"),
    ("code", "کد ردیف"),
    ("title", "عنوان"),
    ("source", "منبع تأمین"),
    ("approved", "مصوب"),
    ("revised", "اصلاح‌شده"),
    ("committed", "تعهدشده"),
    ("spent", "هزینه‌شده"),
    ("note", "یادداشت"),
]
KEYS = tuple(key for key, _label in FIELDS)
FIGURES = ("title", "source", "approved", "revised", "committed", "spent", "note")
AMOUNTS = ("approved", "revised", "committed", "spent")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000

NEW, CHANGED, SAME, ERROR = "new", "changed", "same", "error"
STATUS_LABELS = {NEW: "ردیف تازه", CHANGED: "تغییر ارقام", SAME: "بدون تغییر", ERROR: "نادرست"}


def max_bytes() -> int:
    return int(getattr(settings, "BUDGET_IMPORT_MAX_BYTES", MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "BUDGET_IMPORT_MAX_ROWS", MAX_ROWS))


def _source_names() -> dict[str, str]:
    names = {value: value for value in FinancingSource.values}
    for value, label in FinancingSource.choices:
        names[str(label)] = value
    return names


def headers_for(city: City) -> dict[str, str]:
    """key → the header this city's files use (its mapping, else our Persian label)."""
    mapping = ImportMapping.objects.filter(city=city).values_list("columns", flat=True).first()
    mapping = mapping or {}
    return {key: mapping.get(key) or label for key, label in FIELDS}


@dataclass
class RowReport:
    row: int  # the line of the file (the header is line 1)
    code: str
    status: str
    message: str
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "code": self.code,
            "status": self.status,
            "message": self.message,
            "changes": {key: [before, after] for key, (before, after) in self.changes.items()},
        }


@dataclass
class ImportReport:
    year: int
    rows: list[RowReport] = field(default_factory=list)
    stored: int = 0

    def of(self, status: str) -> list[RowReport]:
        return [row for row in self.rows if row.status == status]

    @property
    def errors(self) -> list[RowReport]:
        return self.of(ERROR)

    @property
    def writes(self) -> list[RowReport]:
        return [row for row in self.rows if row.status in (NEW, CHANGED)]

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "rows": [row.as_json() for row in self.rows],
            "new": len(self.of(NEW)),
            "changed": len(self.of(CHANGED)),
            "same": len(self.of(SAME)),
            "errors": len(self.errors),
            "stored": self.stored,
        }


def _columns(header: list[str], city: City) -> list[str | None]:
    names: dict[str, str] = {}
    for key, label in FIELDS:
        names[key] = key
        names[label] = key
    for key, custom in headers_for(city).items():
        names[custom] = key
    found: list[str | None] = []
    for cell in header:
        text = cell.strip()
        key = names.get(text) or names.get(to_latin_digits(text).lower())
        found.append(key if key not in found else None)
    return found


def read_rows(file: Any, city: City) -> list[dict[str, Any]]:
    table = read_cells(file, max_bytes=max_bytes(), max_rows=max_rows(), max_cols=len(FIELDS) + 10)
    header, body = table[0], table[1:]
    keys = _columns(header, city)
    if "code" not in keys:
        headers = headers_for(city)
        raise DomainError(
            f"ستون «{headers['code']}» (کد ردیف) در سطر نخست نیست.", code="import_columns"
        )
    if not body:
        raise DomainError("پرونده سطر داده‌ای ندارد.", code="import_empty")
    rows = []
    for number, cells in enumerate(body, start=2):
        row: dict[str, Any] = {"_row": number}
        for key, value in zip(keys, cells, strict=False):
            if key is not None:
                row[key] = value
        rows.append(row)
    return rows


def _parse(row: dict[str, Any], year: int, sources: dict[str, str]) -> dict[str, Any]:
    """The row's figures, cleaned by the services' own parsers (DomainError when wrong)."""
    if row.get("year", "").strip():
        given = services.parse_year(row["year"])
        if given != year:
            raise DomainError(
                f"سال سطر ({to_persian_digits(given)}) با سال ورود "
                f"({to_persian_digits(year)}) یکی نیست."
            )
    values: dict[str, Any] = {}
    for key in FIGURES:
        cell = formula_unsafe(str(row.get(key, "") or "").strip())
        if not cell:
            continue
        if key == "source":
            if cell not in sources:
                raise DomainError(f"منبع تأمین «{cell}» شناخته نیست.")
            values[key] = sources[cell]
        else:
            values[key] = services.clean_line_field(key, cell)
    return values


def import_preview(*, actor: Any, city: City, year: Any, file: Any) -> ImportReport:
    """Check every row against the city's lines of the year; store nothing."""
    authorise(actor, "budget.manage", city)
    year = services.parse_year(year)
    rows = read_rows(file, city)
    existing = {line.code: line for line in BudgetLine.objects.filter(city=city, year=year)}
    sources = _source_names()
    seen: dict[str, int] = {}
    report = ImportReport(year=year)
    for row in rows:
        raw_code = str(row.get("code", "") or "")
        code = to_latin_digits(raw_code).strip()
        item = RowReport(row=row["_row"], code=code, status=ERROR, message="")
        report.rows.append(item)
        try:
            code = services.parse_code(raw_code, "کد ردیف")
            values = _parse(row, year, sources)
        except DomainError as error:
            item.message = error.message
            continue
        if code in seen:
            item.message = f"تکرار سطر {to_persian_digits(seen[code])} با همین کد ردیف."
            continue
        seen[code] = item.row
        item.values = values
        line = existing.get(code)
        if line is None:
            if not values.get("title"):
                item.message = "ردیف تازه است و عنوان ندارد."
                continue
            item.status, item.message = NEW, STATUS_LABELS[NEW]
            continue
        item.changes = {
            key: (getattr(line, key), value)
            for key, value in values.items()
            if getattr(line, key) != value
        }
        item.status = CHANGED if item.changes else SAME
        item.message = STATUS_LABELS[item.status]
    return report


def import_apply(
    *, actor: Any, city: City, year: Any, file: Any, accept_valid_rows: bool = False
) -> ImportReport:
    """Store the new and changed rows (all in one transaction), or nothing: a file with a
    wrong row stores nothing (400 with the report in `extra["report"]`) unless
    `accept_valid_rows`."""
    report = import_preview(actor=actor, city=city, year=year, file=file)
    if report.errors and not accept_valid_rows:
        raise DomainError(
            f"{to_persian_digits(len(report.errors))} سطر نادرست است؛ چیزی ذخیره نشد. "
            "سطرها را درست کنید یا ذخیره‌ی فقط سطرهای درست را بپذیرید.",
            code="import_invalid",
            extra={"report": report.as_json()},
        )
    if not report.writes and not report.of(SAME):
        raise DomainError(
            "هیچ سطر درستی در پرونده نیست؛ چیزی ذخیره نشد.",
            code="import_invalid",
            extra={"report": report.as_json()},
        )
    with transaction.atomic():
        existing = {
            line.code: line
            for line in BudgetLine.objects.select_for_update().filter(city=city, year=report.year)
        }
        for row in report.writes:
            values = dict(row.values)
            try:
                line = existing.get(row.code)
                if line is None:
                    title = values.pop("title")
                    services.line_create(
                        actor=actor,
                        city=city,
                        year=report.year,
                        code=row.code,
                        title=title,
                        **values,
                    )
                else:
                    services.line_update(actor=actor, line=line, **values)
            except DomainError as error:
                raise DomainError(
                    f"سطر {to_persian_digits(row.row)}: {error.message} چیزی ذخیره نشد.",
                    code=error.code,
                    extra={"row": row.row},
                ) from None
        report.stored = len(report.writes)
        if not report.stored:
            return report  # an idempotent re-import: nothing written, nothing to record
        activity_record(
            actor=actor,
            action="budget.import",
            obj=city,
            city_id=city.pk,
            after={
                "year": report.year,
                "file": str(getattr(file, "name", "") or "")[:200],
                "rows": len(report.rows),
                "new": len(report.of(NEW)),
                "changed": len(report.of(CHANGED)),
                "same": len(report.of(SAME)),
                "skipped": [row.row for row in report.errors],
            },
        )
    return report


# Export -----------------------------------------------------------------------------------


def _export_rows(city: City, year: int) -> tuple[list[str], list[list[Any]]]:
    headers = headers_for(city)
    labels = dict(FinancingSource.choices)
    rows = []
    for line in BudgetLine.objects.filter(city=city, year=year).order_by("code"):
        rows.append(
            [
                line.year,
                formula_safe(line.code),
                formula_safe(line.title),
                str(labels.get(line.source, line.source)),
                line.approved,
                "" if line.revised is None else line.revised,
                line.committed,
                line.spent,
                formula_safe(line.note),
            ]
        )
    return [headers[key] for key in KEYS], rows


def export_csv(city: City, year: int) -> bytes:
    header, rows = _export_rows(city, year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(city: City, year: int) -> bytes:
    header, rows = _export_rows(city, year)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(year))
    sheet.sheet_view.rightToLeft = True
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book.save(handle.name)
        handle.seek(0)
        return handle.read()
