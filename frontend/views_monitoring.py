"""Pages for plan monitoring: the public plan dashboard and indicator page, and the city's
planners' overdue list and measurement forms (enter, submit, verify, correct).

Each view has the API's shape: it parses its input with the API operation's serializer
(monitoring.serializers), asks the permission rules (monitoring.rules, through
`frontend.web.authorise`), calls one service or selector and renders. A refused form shows
the indicator page again with the message (`renders_errors_with`).
"""

import datetime
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backend.charts import line_chart_svg
from backend.errors import DomainError, Missing
from backend.jalali import MONTHS_FA
from backend.persian import to_persian_digits
from frontend.web import authorise, cache_or_503, parse, renders_errors_with
from monitoring import imports, selectors, services
from monitoring.formula import Formula, FormulaError
from monitoring.models import Indicator, Measurement
from monitoring.serializers import CorrectionIn, MeasurementIn
from planning import selectors as planning_selectors
from planning.models import Plan

HALVES = {
    "H1": gettext_lazy("نیمه‌ی نخست"),
    "H2": gettext_lazy("نیمه‌ی دوم"),
    "Y": gettext_lazy("سال"),
}
TARGET_COLOUR, ACTUAL_COLOUR = "#b35c00", "#0f6e5e"


# Access --------------------------------------------------------------------------------


def _plan(plan_id: int) -> Plan:
    found = planning_selectors.plan_list().filter(pk=plan_id).first()
    if found is None:
        raise Missing(_("برنامه‌ای با این شناسه نیست."))
    return found


def _indicator(pk: int) -> Indicator:
    found = selectors.indicator_get(pk)
    if found is None or not planning_selectors.plan_list().filter(pk=found.plan_id).exists():
        raise Missing(_("شاخصی با این شناسه نیست."))
    return found


def _measurement(indicator: Indicator, pk: int) -> Measurement:
    found = selectors.measurement_of(indicator, pk)
    if found is None:
        raise Missing(_("اندازه‌گیری‌ای با این شناسه نیست."))
    return found


def _year(request: HttpRequest, plan: Plan) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and plan.start_year <= int(raw) <= plan.end_year else None


# Labels --------------------------------------------------------------------------------


def period_label(periodicity: str, year: int, period: int) -> str:
    """«خرداد ۱۴۰۴», «فصل ۲ ۱۴۰۴» or «۱۴۰۴»."""
    if periodicity == "monthly" and 1 <= period <= 12:
        return f"{MONTHS_FA[period - 1]} {to_persian_digits(year)}"
    if periodicity == "quarterly":
        return _("فصل %(q)s %(year)s") % {
            "q": to_persian_digits(period),
            "year": to_persian_digits(year),
        }
    return to_persian_digits(year)


def snapshot_label(year: int, period: str) -> str:
    """«پایان نیمه‌ی نخست ۱۴۰۵», «پایان فصل ۲ ۱۴۰۵», «پایان خرداد ۱۴۰۵»."""
    if period in HALVES:
        name = str(HALVES[period])
    elif period.startswith("Q"):
        name = _("فصل %(q)s") % {"q": to_persian_digits(period[1:])}
    elif period.startswith("M") and period[1:].isdigit() and 1 <= int(period[1:]) <= 12:
        name = MONTHS_FA[int(period[1:]) - 1]
    else:
        name = period
    return _("پایان %(name)s %(year)s") % {"name": name, "year": to_persian_digits(year)}


def _when(stamp: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(stamp) if stamp else None


# The plan dashboard ----------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(plan_id)
    data = selectors.plan_dashboard(plan, _year(request, plan))
    for goal in data["goals"]:
        goal["last_measured"] = _when(goal["last_measured_at"])
    corrections = selectors.snapshot_corrections(plan)
    snapshots = [
        {
            **row,
            "label": snapshot_label(row["year"], row["period"]),
            "figure": row["data__plan"] or {},
            "corrections": corrections.get(row["id"], 0),
        }
        for row in data["snapshots"]
    ]
    context = {
        **data,
        "snapshots": snapshots,
        "years": list(range(plan.start_year, plan.end_year + 1)),
        "indicator_rows": sorted(
            (
                {**row, "overdue_days": data["freshness"][int(pk)]["overdue_days"]}
                for pk, row in data["indicators"].items()
            ),
            key=lambda row: row["code"],
        ),
    }
    return render(request, "frontend/monitoring/dashboard.html", context)


@login_required
@require_GET
def overdue(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(plan_id)
    authorise(request, "monitoring.manage_indicators", plan)
    rows = selectors.overdue_indicators(plan)
    for row in rows:
        row["labels"] = [
            period_label(row["version"].periodicity, year, period)
            for year, period in row["missing_periods"]
        ]
        row["last_measured"] = _when(row["last_measured_at"])
    return render(request, "frontend/monitoring/overdue.html", {"plan": plan, "rows": rows})


# The indicator page --------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _chart(detail: dict[str, Any], version: Any) -> str:
    """Target vs actual per plan year (the year's actual to date by the declared
    aggregation), with the baseline as the first point."""
    rows = detail["realisation"]
    labels = [str(row["year"]) for row in rows]
    targets = [_number(row["target"]) for row in rows]
    actuals = [_number(row["actual"]) for row in rows]
    baseline = detail["baseline"]
    if baseline is not None:
        labels.insert(0, str(baseline.year))
        targets.insert(0, float(baseline.value))
        actuals.insert(0, float(baseline.value))
    title = _("هدف و مقدار واقعی «%(title)s»") % {"title": version.title if version else ""}
    return line_chart_svg(
        labels,
        [(str(_("هدف")), TARGET_COLOUR, targets), (str(_("واقعی")), ACTUAL_COLOUR, actuals)],
        title=title,
        empty=_("هنوز داده‌ای نیست"),
    )


def _formula(indicator: Indicator, version: Any) -> dict[str, Any] | None:
    """A computed indicator's formula in Persian with each input and reference's value."""
    if version is None or version.kind != "computed" or not version.formula:
        return None
    try:
        formula = Formula(version.formula)
    except FormulaError as error:
        return {"persian": version.formula, "error": error.message, "terms": []}
    values = selectors.latest_values(indicator.plan, formula.references())
    inputs = {row.get("name"): row.get("value") for row in version.inputs or []}
    titles = {row.get("name"): row.get("title") for row in version.inputs or []}
    terms = formula.explain(values=values, inputs=inputs)
    for term in terms:
        term["title"] = titles.get(term["name"], "") if term["kind"] == "input" else ""
    return {"persian": formula.to_persian(), "error": None, "terms": terms}


def _render_indicator(
    request: HttpRequest, indicator: Indicator, *, error: str | None = None, failed=None
) -> HttpResponse:
    detail = selectors.indicator_detail(indicator)
    version = detail["current_version"]
    periodicity = version.periodicity if version else "monthly"
    for entry in detail["periods"]:
        entry["label"] = period_label(periodicity, entry["year"], entry["period"])
    for row in detail["realisation"]:
        row["percent"] = None if row["value"] is None else row["value"]
    context = {
        **detail,
        "version": version,
        "plan": indicator.plan,
        "formula": _formula(indicator, version),
        "chart": _chart(detail, version),
        "error": error,
        "failed": failed or {},
        "years": list(range(indicator.plan.start_year, indicator.plan.end_year + 1)),
        "period_choices": _period_choices(periodicity),
        "last_measured": _when((detail["freshness"] or {}).get("last_measured_at")),
    }
    return render(request, "frontend/monitoring/indicator.html", context)


def _period_choices(periodicity: str) -> list[tuple[int, str]]:
    if periodicity == "monthly":
        return [(month, MONTHS_FA[month - 1]) for month in range(1, 13)]
    if periodicity == "quarterly":
        return [(q, _("فصل %(q)s") % {"q": to_persian_digits(q)}) for q in range(1, 5)]
    return [(0, _("سالانه"))]


@require_GET
def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_indicator(request, _indicator(pk))


def _indicator_again(request: HttpRequest, error: DomainError, pk: int, **kwargs) -> HttpResponse:
    found = _indicator(pk)
    failed = {"form": request.POST.get("form", ""), "values": request.POST, **kwargs}
    return _render_indicator(request, found, error=error.message, failed=failed)


def _back(indicator: Indicator, anchor: str = "measurements") -> HttpResponse:
    return redirect(f"{reverse('monitoring:indicator', args=[indicator.pk])}#{anchor}")


@login_required
@require_POST
@renders_errors_with(_indicator_again)
def measurement_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _indicator(pk)
    authorise(request, "monitoring.enter_measurement", found)
    data = parse(MeasurementIn, request.POST)
    row = services.measurement_enter(actor=request.user, indicator=found, **data)
    notice = (
        _("مقدار ثبت و برای تأیید فرستاده شد.") if data["submit"] else _("پیش‌نویس مقدار ثبت شد.")
    )
    messages.success(request, notice)
    return _back(found, f"m-{row.pk}")


@login_required
@require_POST
@renders_errors_with(_indicator_again)
def measurement_submit(request: HttpRequest, pk: int, measurement_id: int) -> HttpResponse:
    found = _indicator(pk)
    row = _measurement(found, measurement_id)
    authorise(request, "monitoring.enter_measurement", row)
    services.measurement_submit(actor=request.user, measurement=row)
    messages.success(request, _("مقدار برای تأیید فرستاده شد."))
    return _back(found, f"m-{row.pk}")


@login_required
@require_POST
@renders_errors_with(_indicator_again)
def measurement_verify(request: HttpRequest, pk: int, measurement_id: int) -> HttpResponse:
    found = _indicator(pk)
    row = _measurement(found, measurement_id)
    authorise(request, "monitoring.verify_measurement", row)
    services.measurement_verify(actor=request.user, measurement=row)
    messages.success(request, _("مقدار تأیید شد."))
    return _back(found, f"m-{row.pk}")


@login_required
@require_POST
@renders_errors_with(_indicator_again)
def measurement_correct(request: HttpRequest, pk: int, measurement_id: int) -> HttpResponse:
    found = _indicator(pk)
    row = _measurement(found, measurement_id)
    authorise(request, "monitoring.correct_measurement", row)
    data = parse(CorrectionIn, request.POST)
    fresh = services.measurement_correct(actor=request.user, measurement=row, **data)
    messages.success(request, _("اصلاح با دلیل آن ثبت شد؛ مقدار پیشین نگه داشته شد."))
    return _back(found, f"m-{fresh.pk}")


# Importing a period's measurements -----------------------------------------------------

IMPORT_CACHE_SECONDS = 15 * 60  # a previewed file waits this long for «store»


def _import_key(token: str) -> str:
    return f"monitoring-import:{token}"


def _import_page(request: HttpRequest, plan: Plan, **context: Any) -> HttpResponse:
    context.setdefault("columns", imports.COLUMNS)
    return render(request, "frontend/monitoring/import.html", {"plan": plan, **context})


def _import_again(request: HttpRequest, error: DomainError, plan_id: int) -> HttpResponse:
    plan = _plan(plan_id)
    report = error.extra.get("report") if isinstance(error.extra, dict) else None
    return _import_page(
        request,
        plan,
        error=error.message,
        report=report,
        token=request.POST.get("token", ""),
    )


@login_required
@renders_errors_with(_import_again)
def measurements_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Upload a CSV/XLSX of measurements, read the row-by-row report, then store: nothing is
    stored until every row is valid, or the planner accepts storing only the valid rows."""
    plan = _plan(plan_id)
    authorise(request, "monitoring.manage_indicators", plan)
    if request.method != "POST":
        return _import_page(request, plan)
    if request.POST.get("action") == "apply":
        with cache_or_503():
            saved = cache.get(_import_key(request.POST.get("token", "")))
        if not saved or saved["user"] != request.user.pk or saved["plan"] != plan.pk:
            raise DomainError(_("پرونده را دوباره بفرستید؛ مهلت آن گذشته است."), code="expired")
        report = imports.import_apply(
            actor=request.user,
            plan=plan,
            file=ContentFile(saved["data"], name=saved["name"]),
            accept_valid_rows=request.POST.get("accept_valid_rows") == "on",
        )
        with cache_or_503():
            cache.delete(_import_key(request.POST["token"]))
        messages.success(
            request,
            _("%(n)s اندازه‌گیری ثبت شد و در انتظار تأیید است.")
            % {"n": to_persian_digits(str(report.stored))},
        )
        return redirect("monitoring:dashboard", plan_id=plan.pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("پرونده‌ای برای خواندن انتخاب کنید."), code="file_required")
    report = imports.import_preview(actor=request.user, plan=plan, file=upload)
    upload.seek(0)
    token = secrets.token_urlsafe(16)
    with cache_or_503():
        cache.set(
            _import_key(token),
            {
                "user": request.user.pk,
                "plan": plan.pk,
                "name": upload.name,
                "data": upload.read(imports.max_bytes() + 1),
            },
            IMPORT_CACHE_SECONDS,
        )
    return _import_page(request, plan, report=report.as_json(), token=token)
