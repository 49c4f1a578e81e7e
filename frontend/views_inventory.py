"""Pages for the plan's problem inventory: the planners' triage board and inventory, and the
public inventory, entry and committee pages.

Each view has the API's shape: it parses its input with the serializer of the same API
operation (inventory.serializers, through `frontend.web.parse`), asks the permission rules
(inventory.rules), calls one service or selector and renders. A form that is refused shows
itself again with the message and what was typed (`renders_errors_with`); any other refusal
is answered by the DomainErrorMiddleware with its status and Persian message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backend.charts import bar_chart_svg
from backend.errors import DomainError, Missing
from backend.jalali import MONTHS_FA
from backend.persian import to_persian_digits
from backend.templatetags.persian import fa_code
from cities import selectors as city_selectors
from frontend.paging import paged
from frontend.web import authorise, parse, renders_errors_with
from inventory import selectors, services
from inventory import serializers as s
from inventory.models import InventoryEntry
from inventory.priority import TERMS
from inventory.selectors import INVENTORY_ORDERINGS
from planning import selectors as planning_selectors
from planning.models import Plan

BOARD_PER_PAGE = 20  # each problem on the page asks for its similar entries
ENTRY_PROBLEMS_PER_PAGE = 50  # an entry's linked problems, most supported first
TRIAGE_FIELDS = ("action", "axis", "committee", "entry", "new_title", "reason", "back")
EDIT_FIELDS = ("title", "statement", "severity", "status", "axis", "committee")
ORDERING_LABELS = {
    "priority": gettext_lazy("اولویت"),
    "code": gettext_lazy("کد"),
    "-updated_at": gettext_lazy("آخرین تغییر"),
    "-supporters": gettext_lazy("پشتیبانان"),
}
TRANSFORM_TEXT = {
    "linear": gettext_lazy("خطی: خود شمار در وزن ضرب می‌شود."),
    "log2(1+x)": gettext_lazy(
        "لگاریتمی: هر دو برابر شدن شمار، یک واحد می‌افزاید تا انبوهی یک شاخص بقیه را نپوشاند."
    ),
}


# Input: the board's and the edit form's fields in the API's shape ----------------------


def _posted(request: HttpRequest, names) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in names}


def _triage_input(post: QueryDict) -> dict:
    """TriageIn's (and TriageBulkIn's) data from the board's forms: `entry` is an entry's id
    or "new", and then `new_title` names the new entry. The board never asks for re-triage."""
    data: dict = {
        name: post[name] for name in ("action", "axis", "committee", "reason") if name in post
    }
    choice = post.get("entry", "").strip()
    if choice == "new":
        if data.get("action") == "accept":
            data["new_entry"] = {"title": post.get("new_title", "")}
    elif choice:
        data["entry"] = choice
    return data


def _entry_input(post: QueryDict) -> dict:
    """InventoryEntryPatch's data from the edit form: only the fields it sent. Unticked
    checkboxes send nothing, so the form marks that the «addressed by» list was sent."""
    data: dict = {name: post[name] for name in EDIT_FIELDS if name in post}
    if "addressed_by_sent" in post:
        data["addressed_by"] = post.getlist("addressed_by")
    return data


# Access ------------------------------------------------------------------------------


def _plan(plan_id: int) -> Plan:
    found = planning_selectors.plan_list().filter(pk=plan_id).first()
    if found is None:
        raise Missing(_("برنامه‌ای با این شناسه نیست."))
    return found


def _plan_for(request: HttpRequest, plan_id: int, permission: str) -> Plan:
    """The plan, if the user may `permission` on it (404 for an unknown plan, else 403)."""
    plan = _plan(plan_id)
    authorise(request, permission, plan)
    return plan


def _city_choices(plan: Plan) -> dict:
    return {
        "axes": planning_selectors.axis_list().filter(city_id=plan.city_id),
        "committees": planning_selectors.committee_list().filter(city_id=plan.city_id),
        "districts": city_selectors.district_list().filter(city_id=plan.city_id),
    }


# The triage board --------------------------------------------------------------------


def _board_query(raw: str) -> QueryDict:
    """The board's filters from the `back` field of a form (a query string)."""
    return QueryDict(raw or "", mutable=False)


def _board_url(plan: Plan, query: QueryDict) -> str:
    url = reverse("inventory:triage", args=[plan.pk])
    return f"{url}?{query.urlencode()}" if query else url


def _render_board(request: HttpRequest, plan: Plan, query: QueryDict, *, failed=None):
    choices = _city_choices(plan)
    entries = selectors.inventory_choices(plan_id=plan.pk)
    board = selectors.triage_board(
        plan_id=plan.pk,
        query=query,
        committees=choices["committees"],
        per_page=BOARD_PER_PAGE,
        choices=entries,
    )
    failed = failed or {}
    for row in board.get("rows", []):
        row["failed"] = failed if failed.get("problem") == row["problem"].pk else None
    context = {
        "plan": plan,
        "values": query,
        "back": query.urlencode(),
        "entries": entries,
        "failed": failed,
        "error": failed.get("error"),
        **choices,
        **board,
    }
    status = 400 if "filter_errors" in board else 200
    return render(request, "frontend/inventory/board.html", context, status=status)


@login_required
@require_GET
def triage(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id, "inventory.triage")
    return _render_board(request, plan, request.GET)


def _triage_notice(action: str, done: list) -> str:
    count = to_persian_digits(len(done))
    entry = done[0].inventory_entry if done else None
    named = f"{to_persian_digits(entry.code)} «{entry.title}»" if entry else ""
    subject = f"«{done[0].title}»" if len(done) == 1 else _("%(n)s مسئله") % {"n": count}
    if action == "accept":
        return _("%(subject)s در فهرست پذیرفته شد: %(entry)s") % {
            "subject": subject,
            "entry": named,
        }
    if action == "merge":
        return _("%(subject)s با %(entry)s ادغام شد.") % {"subject": subject, "entry": named}
    return _("%(subject)s خارج از موضوع برنامه علامت خورد و دلیل به نویسنده گفته شد.") % {
        "subject": subject
    }


def _board_again(
    request: HttpRequest, error: DomainError, plan_id: int, problem_id: int
) -> HttpResponse:
    """The board with the refused problem's form open, its message and what was typed."""
    plan = _plan_for(request, plan_id, "inventory.triage")
    values = _posted(request, TRIAGE_FIELDS)
    failed = {"problem": problem_id, "error": error.message, "values": values}
    return _render_board(request, plan, _board_query(values["back"]), failed=failed)


@login_required
@require_POST
@renders_errors_with(_board_again)
def triage_action(request: HttpRequest, plan_id: int, problem_id: int) -> HttpResponse:
    """One problem: accept, merge or out_of_scope; back to the board with a notice."""
    plan = _plan_for(request, plan_id, "inventory.triage")
    data = parse(s.TriageIn, _triage_input(request.POST))
    done = services.triage(
        actor=request.user,
        problem_id=problem_id,
        plan_id=plan.pk,
        action=data["action"],
        **s.triage_arguments(data),
    )
    messages.success(request, _triage_notice(data["action"], [done]))
    return redirect(_board_url(plan, _board_query(request.POST.get("back", ""))))


def _bulk_again(request: HttpRequest, error: DomainError, plan_id: int) -> HttpResponse:
    """The board with the bulk form open, its message and the problems still picked."""
    plan = _plan_for(request, plan_id, "inventory.triage")
    values = _posted(request, TRIAGE_FIELDS)
    failed = {
        "bulk": True,
        "error": error.message,
        "values": values,
        "picked": request.POST.getlist("problems"),
    }
    return _render_board(request, plan, _board_query(values["back"]), failed=failed)


@login_required
@require_POST
@renders_errors_with(_bulk_again)
def triage_bulk(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The same action on the selected problems, all or nothing."""
    plan = _plan_for(request, plan_id, "inventory.triage")
    data = parse(
        s.TriageBulkIn,
        {**_triage_input(request.POST), "problems": request.POST.getlist("problems")},
    )
    done = services.triage_bulk(
        actor=request.user,
        problem_ids=data["problems"],
        action=data["action"],
        plan_id=plan.pk,
        **s.triage_arguments(data),
    )
    messages.success(request, _triage_notice(data["action"], done))
    return redirect(_board_url(plan, _board_query(request.POST.get("back", ""))))


# The planners' inventory -------------------------------------------------------------


def _edit_values(entry: InventoryEntry, posted: dict | None = None) -> dict:
    """What the entry's edit form shows: the entry, or what was typed when it was refused."""
    if posted is not None:
        return posted
    return {
        "title": entry.title,
        "statement": entry.statement,
        "severity": str(entry.severity),
        "status": entry.status,
        "axis": str(entry.axis_id or ""),
        "committee": str(entry.committee_id or ""),
        "addressed_by": [str(item.pk) for item in entry.addressed_by.all()],
    }


def _item_options(item_groups: list[dict]) -> list[dict]:
    """Each plan item's «addressed by» checkbox, drawn once for the page, unticked and
    ticked: every entry's form shows every item of the plan (40 entries × 379 items drawn
    by the template loop took seconds)."""
    html = (
        '<label class="item-option"><input type="checkbox" name="addressed_by" value="{}"{}>'
        ' <span><bdi class="code" dir="ltr">{}</bdi> {}</span></label>'
    )
    return [
        {
            "label": group["label"],
            "items": [
                (
                    str(item["id"]),
                    format_html(html, item["id"], "", fa_code(item["code"]), item["title"]),
                    format_html(
                        html,
                        item["id"],
                        mark_safe(" checked"),
                        fa_code(item["code"]),
                        item["title"],
                    ),
                )
                for item in group["items"]
            ],
        }
        for group in item_groups
    ]


def _picker(options: list[dict], ticked: list[str]) -> list[dict]:
    chosen = set(ticked)
    return [
        {
            "label": group["label"],
            "html": mark_safe(  # noqa: S308 — joined from format_html pieces
                "".join(on if pk in chosen else off for pk, off, on in group["items"])
            ),
        }
        for group in options
    ]


def _with_form(plan: Plan, entry: InventoryEntry, posted: dict | None = None) -> None:
    """Give `entry` its edit form's values and its plan-item picker."""
    options = _item_options(planning_selectors.plan_items_by_kind(plan=plan))
    entry.form = _edit_values(entry, posted)
    entry.picker = _picker(options, entry.form.get("addressed_by") or [])


def _form_choices(plan: Plan) -> dict:
    return {
        "severities": ["1", "2", "3", "4", "5"],
        "statuses": InventoryEntry.Status.choices,
        **_city_choices(plan),
    }


def _ordering(request: HttpRequest) -> str:
    ordering = request.GET.get("ordering")
    return ordering if ordering in INVENTORY_ORDERINGS else "priority"


def _render_manage(request: HttpRequest, plan: Plan, *, failed=None) -> HttpResponse:
    """The plan's inventory. Each entry's edit form (every plan item as a checkbox: ~90 KB
    an entry at 379 items) is loaded when its «ویرایش» is opened (`entry_form`); only a
    refused entry's form is drawn in the page, open, with what was typed."""
    failed = failed or {}
    ordering = request.GET.get("ordering") or "priority"
    entries = selectors.inventory_ordered(plan_id=plan.pk, ordering=ordering)
    for entry in entries:
        mine = failed.get("entry") == entry.pk
        entry.form = entry.picker = None
        entry.form_error = failed.get("error") if mine else None
        if mine:
            _with_form(plan, entry, failed.get("values"))
    context = {
        "plan": plan,
        "entries": entries,
        "ordering": ordering,
        "orderings": ORDERING_LABELS,
        "export_formats": ["csv", "xlsx", "json"],
        "error": failed.get("error"),
        **_form_choices(plan),
    }
    return render(request, "frontend/inventory/manage.html", context)


@login_required
@require_GET
def manage(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id, "inventory.manage")
    return _render_manage(request, plan)


def _manage_again(
    request: HttpRequest, error: DomainError, plan_id: int, entry_id: int
) -> HttpResponse:
    """The inventory with the refused entry's form open, its message and what was typed."""
    plan = _plan_for(request, plan_id, "inventory.manage")
    posted = {**_posted(request, EDIT_FIELDS), "addressed_by": request.POST.getlist("addressed_by")}
    failed = {"entry": entry_id, "error": error.message, "values": posted}
    return _render_manage(request, plan, failed=failed)


@login_required
@require_GET
def entry_form(request: HttpRequest, plan_id: int, entry_id: int) -> HttpResponse:
    """One entry's edit form: a fragment for htmx (the inventory page loads it when the
    entry's «ویرایش» opens), a page of its own otherwise."""
    plan = _plan_for(request, plan_id, "inventory.manage")
    entry = selectors.inventory_entry_detail(pk=entry_id, plan_id=plan.pk)
    _with_form(plan, entry)
    context = {"plan": plan, "entry": entry, "ordering": _ordering(request), **_form_choices(plan)}
    template = "partials/entry_form.html" if request.htmx else "entry_form_page.html"
    return render(request, f"frontend/inventory/{template}", context)


@login_required
@require_POST
@renders_errors_with(_manage_again)
def entry_edit(request: HttpRequest, plan_id: int, entry_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id, "inventory.manage")
    entry = selectors.inventory_entry_detail(pk=entry_id, plan_id=plan.pk)
    changes = parse(s.InventoryEntryPatch, _entry_input(request.POST))
    services.inventory_entry_update(actor=request.user, entry=entry, **changes)
    messages.success(
        request,
        _("مسئله‌ی %(code)s ذخیره شد.") % {"code": to_persian_digits(entry.code)},
    )
    url = reverse("inventory:manage", args=[plan.pk])
    ordering = request.GET.get("ordering")
    query = f"?ordering={ordering}" if ordering in INVENTORY_ORDERINGS else ""
    return redirect(f"{url}{query}#entry-{entry.pk}")


# Public pages ------------------------------------------------------------------------


def _month_label(month: str) -> str:
    """«1404/03» → «خرداد ۱۴۰۴»."""
    year, number = month.split("/")
    return f"{MONTHS_FA[int(number) - 1]} {to_persian_digits(year)}"


def _charts(aggregates: dict) -> list[dict]:
    def rows(key):
        return [(row["label"], row["count"]) for row in aggregates[key]]

    months = [
        (_month_label(row["month"]), row["count"]) for row in aggregates["problems_per_month"]
    ]
    charts = [
        ("entries-per-axis", _("مسائل فهرست در هر محور"), rows("entries_per_axis")),
        ("problems-per-axis", _("مسائل شهروندان در هر محور"), rows("problems_per_axis")),
        ("problems-per-district", _("مسائل شهروندان در هر منطقه"), rows("problems_per_district")),
        ("entries-per-committee", _("مسائل فهرست در هر کمیته"), rows("entries_per_committee")),
        ("problems-per-month", _("مسائل شهروندان در هر ماه"), months),
    ]
    # bar_chart_svg escapes every label; the template marks its output safe.
    return [
        {"key": key, "title": title, "rows": data, "svg": bar_chart_svg(data, title=title)}
        for key, title, data in charts
    ]


def _terms() -> list[dict]:
    return [
        {
            "key": term.key,
            "label": term.label,
            "weight": term.weight,
            "transform": term.transform,
            "explanation": TRANSFORM_TEXT.get(term.transform, ""),
        }
        for term in TERMS
    ]


@require_GET
def public(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(plan_id)
    aggregates = selectors.inventory_aggregates(plan_id=plan.pk)
    context = {
        "plan": plan,
        "totals": aggregates,
        "charts": _charts(aggregates),
        "entries": selectors.inventory_ranked(plan_id=plan.pk),
        "terms": _terms(),
        "export_formats": ["csv", "xlsx", "json"],
    }
    return render(request, "frontend/inventory/public.html", context)


@require_GET
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.inventory_entry_detail(pk=pk)
    problems = paged(
        request, selectors.inventory_entry_problems(entry=found), per_page=ENTRY_PROBLEMS_PER_PAGE
    )
    context = {
        "entry": found,
        "problems": problems.object_list,
        "paged": problems,
        "terms": _terms(),
    }
    return render(request, "frontend/inventory/entry.html", context)


@login_required
@require_GET
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    """A committee's entries with their evidence: for its members and the city's planners."""
    found = planning_selectors.committee_list().filter(pk=pk).first()
    if found is None:
        raise Missing(_("کمیته‌ای با این شناسه نیست."))
    authorise(request, "inventory.view_committee", found)
    context = {"committee": found, "entries": selectors.committee_inventory(committee=found)}
    return render(request, "frontend/inventory/committee.html", context)
