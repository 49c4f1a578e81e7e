"""Bulk entry of measurements from CSV or XLSX, with a row-by-row Persian validation report.

The file has the columns of COLUMNS (the export writes the same ones): code, year, period,
value, source, evidence_url, note. CSV may be UTF-8 with or without a BOM, separated by
commas or semicolons; digits may be Persian or Latin; years are Jalali.

`import_preview` checks every row and stores nothing. `import_apply` stores nothing unless
every row is valid, or the planner explicitly accepts storing only the valid rows; it then
enters every valid row as submitted in one transaction (all or nothing) and records one
activity entry for the import.

Hostile files are refused before any row is read: too large, too many rows, not CSV or
XLSX, binary. Cells are read as text (an XLSX formula is its text, never evaluated); text
such as `=cmd|...` in a note is stored as text — exports must write it with
`formula_safe` so that a spreadsheet never runs it.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from accounts.services import activity_record
from backend.authz import allowed
from backend.errors import DomainError
from backend.persian import to_latin_digits
from backend.tables import formula_unsafe, read_cells
from monitoring import services
from monitoring.models import PERIODS, IndicatorVersion, Measurement
from monitoring.selectors import plan_indicators
from planning.models import Plan

# (key, Persian label). A header may use either.
COLUMNS: list[tuple[str, str]] = [
    ("code", "کد شاخص"),
    ("year", "سال"),
    ("period", "دوره"),
    ("value", "مقدار"),
    ("source", "منبع"),
    ("evidence_url", "پیوند مستند"),
    ("note", "یادداشت"),
]
REQUIRED = ("code", "year", "period", "value")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

GREGORIAN_FROM = 1700
OK = "ok"
ERROR = "error"


def max_bytes() -> int:
    return int(getattr(settings, "MONITORING_IMPORT_MAX_BYTES", MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "MONITORING_IMPORT_MAX_ROWS", MAX_ROWS))


@dataclass
class RowReport:
    row: int  # the line of the file (the header is line 1)
    code: str
    status: str
    message: str
    year: int | None = None
    period: int | None = None
    value: Decimal | None = None
    source: str = ""
    evidence_url: str = ""
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "code": self.code,
            "status": self.status,
            "message": self.message,
            "year": self.year,
            "period": self.period,
            "value": None if self.value is None else str(self.value),
        }


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    stored: int = 0

    @property
    def valid(self) -> list[RowReport]:
        return [row for row in self.rows if row.status == OK]

    @property
    def errors(self) -> list[RowReport]:
        return [row for row in self.rows if row.status == ERROR]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [row.as_json() for row in self.rows],
            "valid": len(self.valid),
            "errors": len(self.errors),
            "stored": self.stored,
        }


def read_table(file: Any) -> list[dict[str, Any]]:
    """The file's data rows as dicts of COLUMNS keys with their line number (`_row`).
    Refuses (400, Persian) files too large, too long, unreadable or without the columns."""
    table = read_cells(file, max_bytes=max_bytes(), max_rows=max_rows(), max_cols=len(COLUMNS) + 5)
    header, body = table[0], table[1:]
    names = {key: key for key, _label in COLUMNS} | {label: key for key, label in COLUMNS}
    keys = [
        names.get(to_latin_digits(cell).strip().lower(), names.get(cell.strip())) for cell in header
    ]
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        raise DomainError(
            "ستون‌های لازم در سطر نخست نیستند: " + "، ".join(missing),
            code="import_columns",
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


# Validating rows --------------------------------------------------------------------------


def _int(text: str) -> int | None:
    text = to_latin_digits(text or "").strip()
    try:
        return int(Decimal(text)) if Decimal(text) == int(Decimal(text)) else None
    except (InvalidOperation, ValueError):
        return None


def _number(text: str) -> Decimal | None:
    text = to_latin_digits(text or "").strip().replace("٫", ".")
    for separator in (",", "،", "٬", " ", "\u200c"):
        text = text.replace(separator, "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= services.VALUE_LIMIT:
        return None
    return number.quantize(services.VALUE_PLACES)


def _url_ok(value: str) -> bool:
    if not value:
        return True
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


class _Context:
    """What every row is checked against, read once: the plan's indicators with their
    current versions, the periods that already have a verified or an open value."""

    def __init__(self, actor: Any, plan: Plan):
        self.actor = actor
        self.plan = plan
        self.indicators = {indicator.code: indicator for indicator in plan_indicators(plan)}
        rows = Measurement.objects.filter(indicator__plan=plan)
        self.verified: set[tuple[int, int, int]] = set()
        self.open: set[tuple[int, int, int]] = set()
        for indicator_id, year, period, state in rows.values_list(
            "indicator_id", "year", "period", "state"
        ):
            key = (indicator_id, year, period)
            (self.verified if state == Measurement.State.VERIFIED else self.open).add(key)
        self.today = services._jalali_today()  # noqa: SLF001 - the same clock as the service
        self.seen: dict[tuple[str, int, int], int] = {}


def _check(row: dict[str, Any], context: _Context) -> RowReport:  # noqa: C901 - one list
    code = to_latin_digits(row.get("code", "")).strip().lower()
    report = RowReport(row=row["_row"], code=code, status=ERROR, message="")

    def fail(message: str) -> RowReport:
        report.message = message
        return report

    indicator = context.indicators.get(code)
    if not code:
        return fail("کد شاخص خالی است.")
    if indicator is None:
        return fail(f"شاخصی با کد «{code}» در این برنامه نیست.")
    version = indicator.current_version
    if version is None:
        return fail("این شاخص هنوز منتشر نشده است.")
    if version.kind == IndicatorVersion.Kind.COMPUTED:
        return fail("شاخص محاسبه‌ای است؛ مقدارش از فرمول به دست می‌آید و وارد نمی‌شود.")
    if not allowed(context.actor, "monitoring.enter_measurement", indicator):
        return fail("اجازه‌ی ثبت مقدار این شاخص را ندارید.")
    year, period = _int(row.get("year", "")), _int(row.get("period", "") or "0")
    if year is None:
        return fail("سال باید عدد باشد (سال شمسی، مانند ۱۴۰۴).")
    if period is None:
        return fail("دوره باید عدد باشد.")
    report.year, report.period = year, period
    plan = context.plan
    if year > GREGORIAN_FROM:
        return fail("سال باید شمسی باشد (مانند ۱۴۰۴)، نه میلادی.")
    if not plan.start_year <= year <= plan.end_year:
        return fail(f"سال بیرون از سال‌های برنامه ({plan.start_year} تا {plan.end_year}) است.")
    if period not in PERIODS[version.periodicity]:
        allowed_range = {"monthly": "ماه ۱ تا ۱۲", "quarterly": "فصل ۱ تا ۴", "yearly": "۰"}
        return fail(
            f"دوره با دوره‌ی اندازه‌گیری شاخص نمی‌خواند ({allowed_range[version.periodicity]})."
        )
    first_month = {"monthly": period, "quarterly": 3 * period - 2}.get(version.periodicity, 1)
    if (year, first_month) > context.today:
        return fail("این دوره هنوز نرسیده است.")
    value = _number(row.get("value", ""))
    if value is None:
        return fail("مقدار باید عدد باشد.")
    report.value = value
    key = (code, year, period)
    if key in context.seen:
        return fail(f"تکرار سطر {context.seen[key]} برای همین شاخص و دوره.")
    context.seen[key] = report.row
    if (indicator.pk, year, period) in context.verified:
        return fail("مقدار این دوره پیش‌تر تأیید شده است؛ برای تغییر آن اصلاحیه ثبت کنید.")
    if (indicator.pk, year, period) in context.open:
        return fail("برای این دوره مقداری در انتظار تأیید هست.")
    report.evidence_url = str(row.get("evidence_url", "") or "").strip()
    if not _url_ok(report.evidence_url):
        return fail("پیوند مستند نشانی درستی نیست.")
    report.source = formula_unsafe(str(row.get("source", "") or ""))
    report.note = formula_unsafe(str(row.get("note", "") or ""))
    report.status, report.message = OK, "درست است."
    return report


def import_preview(*, actor: Any, plan: Plan, file: Any) -> ImportReport:
    """Check every row of the file against the plan and store nothing: a row-by-row Persian
    report (line, code, ok or error, message)."""
    rows = read_table(file)
    context = _Context(actor, plan)
    return ImportReport(rows=[_check(row, context) for row in rows])


def import_apply(
    *, actor: Any, plan: Plan, file: Any, accept_valid_rows: bool = False
) -> ImportReport:
    """Store the file's measurements as submitted (awaiting verification) — all of them in
    one transaction, or none. A file with an invalid row stores nothing (400 with the
    report in `extra["report"]`) unless `accept_valid_rows`, when only the valid rows are
    stored. One activity entry records the import."""
    report = import_preview(actor=actor, plan=plan, file=file)
    if report.errors and not accept_valid_rows:
        raise DomainError(
            f"{len(report.errors)} سطر نادرست است؛ چیزی ذخیره نشد. سطرها را درست کنید یا "
            "ذخیره‌ی فقط سطرهای درست را بپذیرید.",
            code="import_invalid",
            extra={"report": report.as_json()},
        )
    if not report.valid:
        raise DomainError(
            "هیچ سطر درستی در پرونده نیست؛ چیزی ذخیره نشد.",
            code="import_invalid",
            extra={"report": report.as_json()},
        )
    indicators = {indicator.code: indicator for indicator in plan_indicators(plan)}
    with transaction.atomic(), services.rollups_deferred():
        for row in report.valid:
            try:
                services.measurement_enter(
                    actor=actor,
                    indicator=indicators[row.code],
                    year=int(row.year or 0),  # set on every valid row
                    period=int(row.period or 0),
                    value=row.value,
                    source=row.source,
                    evidence_url=row.evidence_url,
                    note=row.note,
                    submit=True,
                )
            except DomainError as error:
                raise DomainError(
                    f"سطر {row.row}: {error.message} چیزی ذخیره نشد.",
                    code=error.code,
                    extra={"row": row.row},
                ) from None
        report.stored = len(report.valid)
        activity_record(
            actor=actor,
            action="monitoring.import",
            obj=plan,
            city_id=plan.city_id,
            after={
                "file": str(getattr(file, "name", "") or "")[:200],
                "rows": len(report.rows),
                "stored": report.stored,
                "skipped": [row.row for row in report.errors],
            },
        )
    return report
