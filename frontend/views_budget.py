"""Pages for the budget slice: where the plan's money goes (public), a goal's or any plan
item's subtree, the council's one-year slice, a project's page with the planners' small forms,
and the city's import page for budget and execution figures (planners).

Each view asks the permission rules (budget.rules, through `frontend.web.authorise`), calls
one selector or service and renders. The services parse and validate the typed text
themselves (amounts, percentages, Jalali dates, choices), with Persian messages; a refused
form shows its page again with the message (`renders_errors_with`), with the error's 4xx
status. Ids beyond what the database holds name nothing (404).
"""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.errors import DomainError, Missing
from backend.ids import MAX_ID, parse_id
from backend.jalali import jalali_date_str
from backend.persian import to_latin_digits, to_persian_digits
from budget import imports, selectors, services
from budget.models import Milestone, Project
from cities import selectors as city_selectors
from cities.models import City
from frontend.templatetags.budget_pages import money, source_label
from frontend.web import authorise, cache_or_503, renders_errors_with
from monitoring.selectors import jalali_year
from planning import selectors as planning_selectors
from planning.models import Plan, PlanItem

SLICE_SCHEMES = 60  # above this many schemes, the slice shows them one goal at a time
SLICE_OUTSIDE = 30  # the largest lines outside the plan listed (all are in the lines list)
SLICE_LINES_PER_PAGE = 50

# Access --------------------------------------------------------------------------------


def _id(pk: int) -> int:
    """A path id the database can hold, else 404 (a huge id names nothing)."""
    if not 1 <= pk <= MAX_ID:
        raise Missing(_("چنین چیزی پیدا نشد."))
    return pk


def _plan(plan_id: int) -> Plan:
    found = planning_selectors.plan_list().filter(pk=_id(plan_id)).first()
    if found is None:
        raise Missing(_("برنامه‌ای با این شناسه نیست."))
    return found


def _item(plan: Plan, item_id: int) -> PlanItem:
    found = planning_selectors.plan_item_list().filter(plan=plan, pk=_id(item_id)).first()
    if found is None:
        raise Missing(_("بندی با این شناسه در این برنامه نیست."))
    return found


def _project(pk: int) -> Project:
    found = selectors.project_get(_id(pk))
    if found is None:
        raise Missing(_("پروژه‌ای با این شناسه نیست."))
    return found


def _milestone(project: Project, pk: int) -> Milestone:
    found = selectors.milestone_get(_id(pk))
    if found is None or found.project_id != project.pk:
        raise Missing(_("گامی با این شناسه در این پروژه نیست."))
    return found


def _city(city_id: int) -> City:
    found = city_selectors.city_list().filter(pk=_id(city_id)).first()
    if found is None:
        raise Missing(_("شهری با این شناسه نیست."))
    return found


def _year(request: HttpRequest, plan: Plan) -> int:
    """The year asked for (?year=, in any digits) when it is one of the plan's, else the
    current Jalali year kept inside the plan's years."""
    raw = to_latin_digits(request.GET.get("year", "")).strip()
    if raw.isdigit() and plan.start_year <= int(raw) <= plan.end_year:
        return int(raw)
    return jalali_year(plan)


def _plan_year(plan: Plan, year: int) -> int:
    if not plan.start_year <= year <= plan.end_year:
        raise Missing(_("این سال از سال‌های برنامه نیست."))
    return year


# Where the money goes ------------------------------------------------------------------


@require_GET
def overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's totals, every goal's three figures side by side with its gap flags, the
    published rule, and the roll-ups by axis, committee and district."""
    plan = _plan(plan_id)
    year = _year(request, plan)
    data = selectors.cached_figures(plan, year, "plan", lambda: selectors.plan_budget(plan, year))
    flagged = [row for row in data["items"] if row["flags"]]
    return render(request, "frontend/budget/overview.html", {**data, "flagged": flagged})


@require_GET
def goal(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    """A goal's (or any plan item's) three figures, its subtree's rows and its projects."""
    plan = _plan(plan_id)
    item = _item(plan, item_id)
    year = _year(request, plan)
    data = selectors.cached_figures(
        plan, year, f"goal:{item.pk}", lambda: selectors.goal_budget(plan, year, item)
    )
    context = {
        **data,
        "item": item,
        "ancestors": planning_selectors.plan_item_ancestors(item=item),
        "rows": data["items"][1:],
    }
    return render(request, "frontend/budget/goal.html", context)


@require_GET
def budget_slice(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    """The council's slice of one year: schemes against the lines that fund them."""
    plan = _plan(plan_id)
    year = _plan_year(plan, year)
    data = selectors.cached_figures(plan, year, "slice", lambda: selectors.budget_slice(plan, year))
    goal_id = parse_id(request.GET.get("goal"))
    known = {goal["id"] for goal in data["goals"]}
    chosen = goal_id if goal_id in known else None
    # A big plan (Qom's has 270 schemes) shows its schemes one goal at a time.
    by_goal = chosen is not None or len(data["schemes"]) + len(data["unfunded"]) > SLICE_SCHEMES
    shown = selectors.slice_of_goal(data, chosen)
    if by_goal and chosen is None:
        shown = {**shown, "schemes": [], "unfunded": []}
    outside = data["lines_outside"]  # the largest first
    context = {
        **shown,
        "by_goal": by_goal,
        "chosen_goal": chosen,
        "lines_outside": outside[:SLICE_OUTSIDE],
        "outside_more": max(len(outside) - SLICE_OUTSIDE, 0),
        "page": Paginator(data["lines"], SLICE_LINES_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "frontend/budget/slice.html", context)


# A project -----------------------------------------------------------------------------


def _render_project(
    request: HttpRequest, project: Project, *, error: str | None = None, failed=None
) -> HttpResponse:
    detail = selectors.project_detail(project)
    context = {
        **detail,
        "plan": project.plan,
        "scheme": project.scheme,
        "ancestors": planning_selectors.plan_item_ancestors(item=project.scheme),
        "statuses": Project.Status.choices,
        "modes": Project.ProgressMode.choices,
        "today": jalali_date_str(timezone.localdate()),
        "error": error,
        "failed": failed or {},
    }
    return render(request, "frontend/budget/project.html", context)


@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_project(request, _project(pk))


def _message(error: DomainError) -> str:
    """The service's Persian message with Persian digits («۲ سطر نادرست است») in the
    Persian UI."""
    language = get_language()
    persian = not language or language.startswith("fa")
    return to_persian_digits(error.message) if persian else error.message


def _project_again(request: HttpRequest, error: DomainError, pk: int, **kwargs) -> HttpResponse:
    """The project page again with the refusal and what was typed in the form that failed
    (named by the form's url: project_status, project_progress, milestone_done)."""
    found = _project(pk)
    match = request.resolver_match
    failed = {"form": match.url_name if match else "", "values": request.POST}
    return _render_project(request, found, error=_message(error), failed=failed)


def _back(project: Project, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('budget:project', args=[project.pk])}#{anchor}")


@login_required
@require_POST
@renders_errors_with(_project_again)
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(pk)
    authorise(request, "budget.manage", found)
    services.project_update(
        actor=request.user, project=found, status=request.POST.get("status", "")
    )
    messages.success(request, _("وضعیت پروژه ثبت شد."))
    return _back(found, "status")


PROGRESS_FIELDS = ("progress_mode", "manual_progress", "progress_evidence", "progress_note")


@login_required
@require_POST
@renders_errors_with(_project_again)
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How progress is measured: from the milestones, or a percentage entered with
    evidence (a link or a note; the service refuses a bare number)."""
    found = _project(pk)
    authorise(request, "budget.manage", found)
    fields = {name: request.POST.get(name, "") for name in PROGRESS_FIELDS}
    services.project_update(actor=request.user, project=found, **fields)
    messages.success(request, _("پیشرفت فیزیکی پروژه ثبت شد."))
    return _back(found, "progress")


@login_required
@require_POST
@renders_errors_with(_project_again)
def milestone_done(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    """Mark a milestone done (on the date given, today by default) or not done."""
    found = _project(pk)
    step = _milestone(found, milestone_id)
    authorise(request, "budget.manage", step)
    done = request.POST.get("done") != "0"
    done_on = (request.POST.get("done_on", "").strip() or timezone.localdate()) if done else ""
    services.milestone_update(actor=request.user, milestone=step, done_on=done_on)
    notice = _("گام انجام‌شده ثبت شد.") if done else _("گام انجام‌نشده ثبت شد.")
    messages.success(request, notice)
    return _back(found, f"milestone-{step.pk}")


# The city's budget figures: import, export, column mapping ------------------------------

IMPORT_CACHE_SECONDS = 15 * 60  # a previewed file waits this long for «ثبت»


def _import_key(token: str) -> str:
    return f"budget-import:{token}"


def _import_year(request: HttpRequest, city: City, years: list[int]) -> int:
    raw = to_latin_digits(request.POST.get("year") or request.GET.get("year") or "").strip()
    if raw.isdigit() and services.YEAR_MIN <= int(raw) <= services.YEAR_MAX:
        return int(raw)
    plan = planning_selectors.plan_list().filter(city=city).first()
    return jalali_year(plan) if plan is not None else (years[-1] if years else 1404)


def _shown(key: str, value: Any) -> str:
    """A figure of the import report as the pages show it."""
    if value is None or value == "":
        return "—"
    if key in imports.AMOUNTS:
        return money(value)
    if key == "source":
        return source_label(value)
    return str(value)


def _report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's rows with their status in words and each change labelled."""
    labels = {key: pgettext("budget column", label) for key, label in imports.FIELDS}
    return [
        {
            **row,
            "label": row["message"] if row["status"] == imports.ERROR else _(row["message"]),
            "changes": [
                {
                    "label": labels.get(key, key),
                    "before": _shown(key, old),
                    "after": _shown(key, new),
                }
                for key, (old, new) in row.get("changes", {}).items()
            ],
        }
        for row in report.get("rows", [])
    ]


def _import_page(request: HttpRequest, city: City, **context: Any) -> HttpResponse:
    years = selectors.city_budget_years(city.pk)
    year = context.pop("year", None) or _import_year(request, city, years)
    headers = imports.headers_for(city)
    report = context.get("report")
    context = {
        "city": city,
        "year": year,
        "years": sorted({*years, year}),
        "plans": planning_selectors.plan_list().filter(city=city),
        "fields": [
            (key, pgettext("budget column", label), headers[key]) for key, label in imports.FIELDS
        ],
        "report_rows": _report_rows(report) if report else [],
        **context,
    }
    return render(request, "frontend/budget/import.html", context)


def _import_again(request: HttpRequest, error: DomainError, city_id: int) -> HttpResponse:
    city = _city(city_id)
    report = error.extra.get("report") if isinstance(error.extra, dict) else None
    return _import_page(
        request,
        city,
        year=report.get("year") if report else None,
        error=_message(error),
        report=report,
        token=request.POST.get("token", ""),
    )


@login_required
@renders_errors_with(_import_again)
def budget_import(request: HttpRequest, city_id: int) -> HttpResponse:
    """Upload a CSV/XLSX of the year's budget or execution figures, read the row-by-row
    report (nothing is stored), then «ثبت»: nothing is stored while a row is wrong, unless
    the planner accepts storing only the valid rows."""
    city = _city(city_id)
    authorise(request, "budget.manage", city)
    if request.method != "POST":
        return _import_page(request, city)
    if request.POST.get("action") == "apply":
        token = request.POST.get("token", "")
        with cache_or_503():
            saved = cache.get(_import_key(token))
        if not saved or saved["user"] != request.user.pk or saved["city"] != city.pk:
            raise DomainError(_("پرونده را دوباره بفرستید؛ مهلت آن گذشته است."), code="expired")
        report = imports.import_apply(
            actor=request.user,
            city=city,
            year=saved["year"],
            file=ContentFile(saved["data"], name=saved["name"]),
            accept_valid_rows=request.POST.get("accept_valid_rows") == "on",
        )
        with cache_or_503():
            cache.delete(_import_key(token))
        messages.success(
            request,
            _("%(n)s ردیف بودجه‌ی سال %(year)s ثبت شد.")
            % {
                "n": to_persian_digits(str(report.stored)),
                "year": to_persian_digits(str(report.year)),
            },
        )
        return redirect(f"{reverse('budget:import', args=[city.pk])}?year={report.year}")
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("پرونده‌ای برای خواندن انتخاب کنید."), code="file_required")
    year = services.parse_year(request.POST.get("year", ""))
    report = imports.import_preview(actor=request.user, city=city, year=year, file=upload)
    upload.seek(0)
    token = secrets.token_urlsafe(16)
    with cache_or_503():
        cache.set(
            _import_key(token),
            {
                "user": request.user.pk,
                "city": city.pk,
                "year": year,
                "name": upload.name,
                "data": upload.read(imports.max_bytes() + 1),
            },
            IMPORT_CACHE_SECONDS,
        )
    return _import_page(request, city, year=year, report=report.as_json(), token=token)


@require_GET
def budget_export(request: HttpRequest, city_id: int, year: int, fmt: str) -> HttpResponse:
    """The city's lines of a year in the format the import reads (the city's headers)."""
    city = _city(city_id)
    if not services.YEAR_MIN <= year <= services.YEAR_MAX:
        raise Missing(_("این سال پذیرفتنی نیست."))
    if fmt == "xlsx":
        body = imports.export_xlsx(city, year)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, kind = imports.export_csv(city, year), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="budget-{city.slug}-{year}.{fmt}"'
    return response


@login_required
@require_POST
@renders_errors_with(_import_again)
def budget_mapping(request: HttpRequest, city_id: int) -> HttpResponse:
    """The headers the city's finance system writes for each of our columns."""
    city = _city(city_id)
    authorise(request, "budget.manage", city)
    columns = {key: request.POST.get(f"column-{key}", "") for key in imports.KEYS}
    services.mapping_set(actor=request.user, city=city, columns=columns, known=imports.KEYS)
    messages.success(request, _("ستون‌های پرونده‌ی این شهر ثبت شد."))
    year = to_latin_digits(request.POST.get("year", "")).strip()
    query = f"?year={year}" if year.isdigit() else ""
    return redirect(f"{reverse('budget:import', args=[city.pk])}{query}#mapping")
