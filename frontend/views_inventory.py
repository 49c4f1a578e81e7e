"""Pages for the plan's problem inventory: the planners' triage board and inventory, and the
public inventory, entry and committee pages.

Each view parses the request, calls the planning service or selectors it needs and renders.
Services enforce every rule and raise DomainError with a Persian message, shown with its
status; the helpers here only parse form fields and shape data for display.
"""

import rules as django_rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backend.charts import bar_chart_svg
from backend.errors import DomainError, Missing, Refused
from backend.ids import parse_id
from backend.jalali import MONTHS_FA
from backend.persian import to_persian_digits
from cities import selectors as city_selectors
from frontend.form_input import pick, pick_ids
from inventory import selectors, services
from inventory.filters import TriageFilter
from inventory.models import InventoryEntry
from inventory.priority import FORMULA, TERMS
from inventory.selectors import INVENTORY_ORDERINGS
from planning import selectors as planning_selectors
from planning.models import PlanItem

PLAN_CITY = "planning.plan_city"
VIEW_COMMITTEE = "planning.view_committee"
BOARD_PER_PAGE = 20  # each problem on the page asks for its similar entries
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


# Parsing helpers ---------------------------------------------------------------------


def _posted(request, names) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in names}


# Access ------------------------------------------------------------------------------


def _plan(plan_id: int):
    found = planning_selectors.plan_list().filter(pk=plan_id).first()
    if found is None:
        raise Missing(_("برنامه‌ای با این شناسه نیست."))
    return found


def _planner_plan(request, plan_id: int):
    """The plan, if the user plans its city; else Refused (Missing for an unknown plan)."""
    plan = _plan(plan_id)
    if not django_rules.test_rule(PLAN_CITY, request.user, plan.city_id):
        raise Refused(_("شما برنامه‌ریز این شهر نیستید."), code="not_city_planner")
    return plan


def _refused(request, error: DomainError):
    context = {"error": error.message, "status": error.status}
    return render(request, "frontend/inventory/refused.html", context, status=error.status)


def _city_choices(plan) -> dict:
    return {
        "axes": planning_selectors.axis_list().filter(city_id=plan.city_id),
        "committees": planning_selectors.committee_list().filter(city_id=plan.city_id),
        "districts": city_selectors.district_list().filter(city_id=plan.city_id),
    }


# The triage board --------------------------------------------------------------------


def _board_query(raw: str) -> QueryDict:
    """The board's filters from the `back` field of a form (a query string)."""
    return QueryDict(raw or "", mutable=False)


def _board_url(plan, query: QueryDict) -> str:
    url = reverse("inventory:triage", args=[plan.pk])
    return f"{url}?{query.urlencode()}" if query else url


def _committee_by_axis(committees) -> dict[int, int]:
    """The first committee studying each axis: the accept form's default committee."""
    found: dict[int, int] = {}
    for committee in committees:
        for axis in committee.axes.all():
            found.setdefault(axis.pk, committee.pk)
    return found


def _render_board(request, plan, query: QueryDict, *, status: int = 200, failed=None):
    data = query.copy()
    data.setdefault("ordering", "oldest")  # the queue is worked oldest first
    filterset = TriageFilter(data, queryset=selectors.triage_queue(plan_id=plan.pk))
    choices = _city_choices(plan)
    by_axis = _committee_by_axis(choices["committees"])
    context = {
        "plan": plan,
        "values": query,
        "back": query.urlencode(),
        "entries": selectors.inventory_choices(plan_id=plan.pk),
        "failed": failed or {},
        "error": (failed or {}).get("error"),
        **choices,
    }
    if not filterset.is_valid():
        context["filter_errors"] = filterset.form.errors
        return render(request, "frontend/inventory/board.html", context, status=400)
    page = Paginator(filterset.qs, BOARD_PER_PAGE).get_page(query.get("page"))
    context["page"] = page
    suggestions = selectors.inventory_suggestions(
        plan_id=plan.pk,
        texts=[problem.title for problem in page.object_list],
        choices=context["entries"],
    )
    context["rows"] = [
        {
            "problem": problem,
            "suggestions": suggested,
            "committee_id": by_axis.get(problem.axis_id),
            "failed": failed if failed and failed.get("problem") == problem.pk else None,
        }
        for problem, suggested in zip(page.object_list, suggestions, strict=True)
    ]
    return render(request, "frontend/inventory/board.html", context, status=status)


@login_required
@require_GET
def triage(request, plan_id: int):
    try:
        plan = _planner_plan(request, plan_id)
    except DomainError as error:
        return _refused(request, error)
    return _render_board(request, plan, request.GET)


def _triage_arguments(action: str, values: dict) -> dict:
    """The service's keyword arguments for `action`, read from the form's fields."""
    if action == "out_of_scope":
        return {"reason": values["reason"]}
    if action not in ("accept", "merge"):
        return {}
    choice = values["entry"].strip()
    if action == "merge":
        if not choice or choice == "new":
            raise DomainError(
                _("مسئله‌ی فهرستی را که این مسئله تکرار آن است انتخاب کنید."),
                code="entry_required",
            )
        return {"entry": _entry(choice)}
    arguments = {
        "axis": pick(
            planning_selectors.axis_list(), values["axis"], unknown=_("محوری با این شناسه نیست.")
        ),
        "committee": pick(
            planning_selectors.committee_list(),
            values["committee"],
            unknown=_("کمیته‌ای با این شناسه نیست."),
        ),
    }
    if choice == "new":
        arguments["new_entry"] = {"title": values["new_title"]}
    elif choice:
        arguments["entry"] = _entry(choice)
    return arguments  # neither entry nor new_entry: the service says which is needed


def _entry(raw) -> InventoryEntry:
    return pick(selectors.inventory_list(), raw, unknown=_("مسئله‌ای با این شناسه در فهرست نیست."))


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


@login_required
@require_POST
def triage_action(request, plan_id: int, problem_id: int):
    """One problem: accept, merge or out_of_scope; back to the board with a notice."""
    values = _posted(request, TRIAGE_FIELDS)
    try:
        plan = _planner_plan(request, plan_id)
    except DomainError as error:
        return _refused(request, error)
    query = _board_query(values["back"])
    try:
        action = services.ACTIONS.get(values["action"])
        if action is None:
            raise DomainError(_("کار نامعتبر است."), code="invalid_action")
        services.triage_check_queued(plan_id=plan.pk, problem_ids=[problem_id])
        arguments = _triage_arguments(values["action"], values)
        done = action(actor=request.user, problem_id=problem_id, **arguments)
    except DomainError as error:
        failed = {"problem": problem_id, "error": error.message, "values": values}
        return _render_board(request, plan, query, status=error.status, failed=failed)
    messages.success(request, _triage_notice(values["action"], [done]))
    return redirect(_board_url(plan, query))


@login_required
@require_POST
def triage_bulk(request, plan_id: int):
    """The same action on the selected problems, all or nothing."""
    values = _posted(request, TRIAGE_FIELDS)
    try:
        plan = _planner_plan(request, plan_id)
    except DomainError as error:
        return _refused(request, error)
    query = _board_query(values["back"])
    raw_ids = request.POST.getlist("problems")
    try:
        ids = pick_ids(raw_ids, unknown=_("مسئله‌ای با این شناسه نیست."))
        services.triage_check_queued(plan_id=plan.pk, problem_ids=ids)
        done = services.triage_bulk(
            actor=request.user,
            problem_ids=ids,
            action=values["action"],
            **_triage_arguments(values["action"], values),
        )
    except DomainError as error:
        failed = {"bulk": True, "error": error.message, "values": values, "picked": raw_ids}
        return _render_board(request, plan, query, status=error.status, failed=failed)
    messages.success(request, _triage_notice(values["action"], done))
    return redirect(_board_url(plan, query))


# The planners' inventory -------------------------------------------------------------


def _item_groups(plan) -> list[dict]:
    """The plan's items for the «addressed by» checkboxes: by kind, then by code."""
    flat: list[dict] = []

    def walk(nodes):
        for node in nodes:
            flat.append(node)
            walk(node["children"])

    walk(planning_selectors.plan_items_tree(plan=plan))
    return [
        {"kind": kind, "label": kind.label, "items": [i for i in flat if i["kind"] == kind]}
        for kind in PlanItem.Kind
        if any(i["kind"] == kind for i in flat)
    ]


def _edit_values(entry, posted: dict | None = None) -> dict:
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


def _render_manage(request, plan, *, status: int = 200, failed=None):
    failed = failed or {}
    ordering = request.GET.get("ordering") or "priority"
    error = failed.get("error")
    if ordering not in INVENTORY_ORDERINGS:
        ordering, error, status = "priority", _("ترتیب نامعتبر است."), 400
    entries = selectors.with_priority(selectors.inventory_list(plan_id=plan.pk))
    entries.sort(key=INVENTORY_ORDERINGS[ordering])
    for entry in entries:
        mine = failed.get("entry") == entry.pk
        entry.form = _edit_values(entry, failed.get("values") if mine else None)
        entry.form_error = failed.get("error") if mine else None
    context = {
        "plan": plan,
        "entries": entries,
        "ordering": ordering,
        "orderings": ORDERING_LABELS,
        "item_groups": _item_groups(plan),
        "severities": ["1", "2", "3", "4", "5"],
        "statuses": InventoryEntry.Status.choices,
        "export_formats": ["csv", "xlsx", "json"],
        "error": error,
        **_city_choices(plan),
    }
    return render(request, "frontend/inventory/manage.html", context, status=status)


@login_required
@require_GET
def manage(request, plan_id: int):
    try:
        plan = _planner_plan(request, plan_id)
    except DomainError as error:
        return _refused(request, error)
    return _render_manage(request, plan)


def _entry_changes(request) -> dict:
    """inventory_entry_update()'s changes from the fields the form sent."""
    changes: dict = {}
    for name in ("title", "statement", "status"):
        if name in request.POST:
            changes[name] = request.POST[name]
    if "severity" in request.POST:
        severity = parse_id(request.POST["severity"])
        if severity is None:
            raise DomainError(_("شدت باید از ۱ تا ۵ باشد."), code="severity_range")
        changes["severity"] = severity
    if "axis" in request.POST:
        changes["axis"] = pick(
            planning_selectors.axis_list(),
            request.POST["axis"],
            unknown=_("محوری با این شناسه نیست."),
        )
    if "committee" in request.POST:
        changes["committee"] = pick(
            planning_selectors.committee_list(),
            request.POST["committee"],
            unknown=_("کمیته‌ای با این شناسه نیست."),
        )
    # Unticked checkboxes send nothing, so the form marks that the list was sent.
    if "addressed_by_sent" in request.POST:
        unknown = _("بندی با این شناسه نیست.")
        ids = set(pick_ids(request.POST.getlist("addressed_by"), unknown=unknown))
        items = list(planning_selectors.plan_item_list().filter(pk__in=ids))
        if len(items) != len(ids):
            raise DomainError(unknown, code="invalid_choice")
        changes["addressed_by"] = items
    return changes


@login_required
@require_POST
def entry_edit(request, plan_id: int, entry_id: int):
    try:
        plan = _planner_plan(request, plan_id)
    except DomainError as error:
        return _refused(request, error)
    try:
        entry = selectors.inventory_list(plan_id=plan.pk).filter(pk=entry_id).first()
        if entry is None:
            raise Missing(_("این مسئله‌ی فهرست پیدا نشد."))
        services.inventory_entry_update(actor=request.user, entry=entry, **_entry_changes(request))
    except DomainError as error:
        posted = {
            **_posted(request, EDIT_FIELDS),
            "addressed_by": request.POST.getlist("addressed_by"),
        }
        failed = {"entry": entry_id, "error": error.message, "values": posted}
        return _render_manage(request, plan, status=error.status, failed=failed)
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
def public(request, plan_id: int):
    try:
        plan = _plan(plan_id)
    except DomainError as error:
        raise Http404 from error
    aggregates = selectors.inventory_aggregates(plan_id=plan.pk)
    context = {
        "plan": plan,
        "totals": aggregates,
        "charts": _charts(aggregates),
        "entries": selectors.inventory_ranked(plan_id=plan.pk),
        "formula": FORMULA,
        "terms": _terms(),
        "export_formats": ["csv", "xlsx", "json"],
        "can_plan": django_rules.test_rule(PLAN_CITY, request.user, plan.city_id),
    }
    return render(request, "frontend/inventory/public.html", context)


@require_GET
def entry(request, pk: int):
    found = selectors.with_priority(selectors.inventory_list().filter(pk=pk))
    if not found:
        raise Http404
    context = {
        "entry": found[0],
        "problems": selectors.inventory_entry_problems(entry=found[0]),
        "terms": _terms(),
        "formula": FORMULA,
        "can_plan": django_rules.test_rule(PLAN_CITY, request.user, found[0].plan.city_id),
    }
    return render(request, "frontend/inventory/entry.html", context)


@login_required
@require_GET
def committee(request, pk: int):
    """A committee's entries with their evidence: for its members and the city's planners."""
    found = planning_selectors.committee_list().filter(pk=pk).first()
    if found is None:
        return _refused(request, Missing(_("کمیته‌ای با این شناسه نیست.")))
    if not django_rules.test_rule(VIEW_COMMITTEE, request.user, found):
        refusal = Refused(_("این فهرست برای اعضای کمیته و برنامه‌ریزان شهر است."))
        return _refused(request, refusal)
    context = {"committee": found, "entries": selectors.committee_inventory(committee=found)}
    return render(request, "frontend/inventory/committee.html", context)
