"""Budget writes: yearly projects and their milestones and progress, budget lines, the share
of a line that funds a project, and each city's import column mapping.

Every write is authorised with `budget.manage` (budget/rules.py), validated with Persian
messages (a refusal is a DomainError, never a 500), and recorded in the city's activity log
with the fields before and after, inside the transaction of the change. Money is parsed into
whole rials (int) and shares into basis points (int); nothing here is a float.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Sum

from accounts.services import activity_record
from backend.authz import authorise
from backend.errors import Conflict, DomainError
from backend.ids import parse_id
from backend.jalali import parse_date
from backend.persian import to_latin_digits
from backend.sanitise import plain_text, plain_title
from budget import figures, selectors
from budget.models import (
    BudgetLine,
    FinancingSource,
    Funding,
    ImportMapping,
    Milestone,
    Project,
)
from cities.models import City, District
from planning.models import Plan, PlanItem

TITLE_MAX = 300
TEXT_MAX = 5000
CODE_MAX = 40
UNIT_MAX = 200
MONEY_LIMIT = 10**18  # whole rials a BigIntegerField holds comfortably
YEAR_MIN, YEAR_MAX = 1300, 1500
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$")
SEPARATORS = str.maketrans("", "", ",،٬' _\u066c\u202f\u00a0")

PROJECT_FIELDS = (
    "title",
    "description",
    "responsible_unit",
    "district",
    "planned_start",
    "planned_end",
    "planned_cost",
    "status",
    "progress_mode",
    "manual_progress",
    "progress_evidence",
    "progress_note",
)
LINE_FIELDS = ("title", "source", "approved", "revised", "committed", "spent", "note")
MILESTONE_FIELDS = ("title", "due_on", "done_on", "weight")


def _changed(city_id: int) -> None:
    """Tell the cached figures of the city that they are out of date: now (so the rest of
    this request reads fresh figures) and again once the change is committed (so no reader
    caches the old figures in between)."""
    selectors.budget_changed(city_id)
    transaction.on_commit(lambda: selectors.budget_changed(city_id))


def _known_fields(fields: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = set(fields) - set(known)
    if unknown:
        raise DomainError("فیلد ناشناخته: " + "، ".join(sorted(unknown)), code="unknown_field")


# Parsing ----------------------------------------------------------------------------------


def rials(value: Any, *, field: str = "مبلغ") -> int:
    """Whole rials from an int or text (Persian or Latin digits, thousands separators).
    Refuses fractions, negatives, floats and amounts beyond MONEY_LIMIT."""
    if isinstance(value, (bool, float)):
        raise DomainError(f"{field} باید عدد صحیح ریال باشد.", code="not_rials")
    if isinstance(value, int):
        number = value
    else:
        text = to_latin_digits(str(value if value is not None else "")).translate(SEPARATORS)
        text = text.strip()
        if not text.isdigit() and not (text.startswith("-") and text[1:].isdigit()):
            raise DomainError(f"{field} باید عدد صحیح ریال باشد.", code="not_rials")
        number = int(text)
    if number < 0:
        raise DomainError(f"{field} نمی‌تواند منفی باشد.", code="negative_amount")
    if number >= MONEY_LIMIT:
        raise DomainError(f"{field} بیش از اندازه‌ی پذیرفتنی است.", code="amount_too_large")
    return number


def share_points(value: Any) -> int:
    """A share given in percent (up to two decimals: «۳۷٫۵») as basis points (3750)."""
    if isinstance(value, (bool, float)):
        raise DomainError("سهم باید درصدی میان ۰ و ۱۰۰ باشد.", code="invalid_share")
    text = to_latin_digits(str(value if value is not None else "")).strip()
    text = text.replace("٫", ".").replace("%", "").replace("٪", "").strip()
    try:
        percent = Decimal(text)
    except InvalidOperation:
        raise DomainError("سهم باید درصدی میان ۰ و ۱۰۰ باشد.", code="invalid_share") from None
    if not percent.is_finite() or percent <= 0 or percent > 100:
        raise DomainError("سهم باید درصدی بیش از ۰ و تا ۱۰۰ باشد.", code="invalid_share")
    points = percent * 100
    if points != points.to_integral_value():
        raise DomainError("سهم را با دست‌بالا دو رقم اعشار بنویسید.", code="invalid_share")
    return int(points)


def _percent(value: Any) -> Decimal:
    text = to_latin_digits(str(value if value is not None else "")).strip()
    text = text.replace("٫", ".").replace("%", "").replace("٪", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DomainError("پیشرفت باید درصدی از ۰ تا ۱۰۰ باشد.", code="invalid_progress") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise DomainError("پیشرفت باید درصدی از ۰ تا ۱۰۰ باشد.", code="invalid_progress")
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_year(value: Any) -> int:
    text = to_latin_digits(str(value if value is not None else "")).strip()
    if not text.isdigit() or not YEAR_MIN <= int(text) <= YEAR_MAX:
        raise DomainError("سال باید سال خورشیدی مانند ۱۴۰۴ باشد.", code="invalid_year")
    return int(text)


def parse_code(value: Any, label: str) -> str:
    code = to_latin_digits(str(value if value is not None else "")).strip()
    if not CODE_RE.match(code):
        raise DomainError(
            f"{label} باید با حرف لاتین یا رقم آغاز شود و دست‌بالا ۴۰ نویسه باشد.",
            code="invalid_code",
        )
    return code


def _title(value: Any) -> str:
    title = plain_title(str(value or ""))[:TITLE_MAX]
    if not title:
        raise DomainError("عنوان را بنویسید.", code="title_required")
    return title


def _text(value: Any, limit: int = TEXT_MAX) -> str:
    lines = [plain_text(line) for line in str(value or "").splitlines()]
    return "\n".join(lines).strip()[:limit]


def _url(value: Any) -> str:
    value = str(value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise DomainError("پیوند مستند نشانی درستی نیست.", code="invalid_url") from None
    return value[:500]


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError as error:
        raise DomainError(str(error), code="invalid_date") from None


def _choice(value: Any, choices: list[str], message: str) -> str:
    if value not in choices:
        raise DomainError(message, code="invalid_choice")
    return str(value)


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, District):
        return value.pk
    return value


# Projects ---------------------------------------------------------------------------------


def _scheme(plan: Plan, scheme: PlanItem | int) -> PlanItem:
    if isinstance(scheme, PlanItem):
        item: PlanItem | None = scheme
    else:
        pk = parse_id(scheme)
        item = PlanItem.objects.filter(pk=pk, plan=plan).first() if pk else None
    if item is None or item.plan_id != plan.pk:
        raise DomainError("طرح از همین برنامه نیست.", code="scheme_not_in_plan")
    if item.kind != PlanItem.Kind.PROJECT:
        raise DomainError(
            "پروژه‌ی سالانه زیر یک طرح (بند از نوع طرح / پروژه) تعریف می‌شود.",
            code="not_a_scheme",
        )
    return item


def _district(plan: Plan, value: Any) -> District | None:
    if value in (None, ""):
        return None
    if isinstance(value, District):
        district: District | None = value
    else:
        pk = parse_id(value)
        district = District.objects.filter(pk=pk).first() if pk else None
    if district is None or district.city_id != plan.city_id:
        raise DomainError("منطقه از همین شهر نیست.", code="district_not_in_city")
    return district


def _clean_project_field(project: Project, name: str, value: Any) -> Any:
    parsers = {
        "title": _title,
        "description": _text,
        "responsible_unit": lambda v: plain_text(str(v or ""))[:UNIT_MAX],
        "district": lambda v: _district(project.plan, v),
        "planned_start": _date,
        "planned_end": _date,
        "planned_cost": lambda v: rials(v, field="اعتبار پیش‌بینی‌شده"),
        "status": lambda v: _choice(v, Project.Status.values, "وضعیت پروژه نامعتبر است."),
        "progress_mode": lambda v: _choice(
            v, Project.ProgressMode.values, "شیوه‌ی سنجش پیشرفت نامعتبر است."
        ),
        "manual_progress": lambda v: None if v in (None, "") else _percent(v),
        "progress_evidence": _url,
        "progress_note": _text,
    }
    return parsers[name](value)


def _check_project(project: Project) -> None:
    if (
        project.planned_start
        and project.planned_end
        and project.planned_end < project.planned_start
    ):
        raise DomainError("پایان برنامه‌ریزی‌شده پیش از آغاز آن است.", code="dates_out_of_order")
    if (
        project.progress_mode == Project.ProgressMode.MANUAL
        and project.manual_progress is not None
        and not project.progress_evidence
        and not project.progress_note
    ):
        raise DomainError(
            "پیشرفت دستی را با مستند (پیوند یا توضیح) ثبت کنید.", code="evidence_required"
        )


def _refresh_progress(project: Project) -> None:
    milestones = (
        [
            (weight, done is not None)
            for weight, done in project.milestones.values_list("weight", "done_on")
        ]
        if project.pk and project.progress_mode == Project.ProgressMode.MILESTONES
        else []
    )
    project.physical_progress = figures.project_progress(
        status=project.status,
        mode=project.progress_mode,
        manual=project.manual_progress,
        milestones=milestones,
    )


def _project_state(project: Project, names: tuple[str, ...]) -> dict[str, Any]:
    state = {name: _json(getattr(project, name)) for name in names}
    state["physical_progress"] = str(Decimal(project.physical_progress).quantize(Decimal("0.01")))
    return state


def project_create(
    *,
    actor: Any,
    plan: Plan,
    scheme: PlanItem | int,
    year: Any,
    code: Any,
    title: Any,
    **fields: Any,
) -> Project:
    """A yearly project under a scheme of the plan, in one of the plan's years."""
    authorise(actor, "budget.manage", plan)
    _known_fields(fields, PROJECT_FIELDS)
    year = parse_year(year)
    if not plan.start_year <= year <= plan.end_year:
        raise DomainError("سال پروژه در بازه‌ی سال‌های برنامه نیست.", code="year_outside_plan")
    project = Project(
        plan=plan,
        scheme=_scheme(plan, scheme),
        year=year,
        code=parse_code(code, "کد پروژه"),
        title=_title(title),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for name, value in fields.items():
        setattr(project, name, _clean_project_field(project, name, value))
    _check_project(project)
    _refresh_progress(project)
    try:
        with transaction.atomic():
            project.save()
            activity_record(
                actor=actor,
                action="budget.project_create",
                obj=project,
                city_id=plan.city_id,
                after=_project_state(project, ("year", "code", "title", *fields)),
            )
            _changed(plan.city_id)
    except IntegrityError:
        raise Conflict("پروژه‌ای با این کد در این سال هست.", code="duplicate_code") from None
    return project


def _locked_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("plan").get(pk=project.pk)


def project_update(*, actor: Any, project: Project, **fields: Any) -> Project:
    """Change a project's fields; one activity entry with what changed (a status change is
    among them). Progress is recomputed."""
    authorise(actor, "budget.manage", project)
    _known_fields(fields, PROJECT_FIELDS)
    with transaction.atomic():
        locked = _locked_project(project)
        before = _project_state(locked, tuple(fields))
        for name, value in fields.items():
            setattr(locked, name, _clean_project_field(locked, name, value))
        _check_project(locked)
        _refresh_progress(locked)
        after = _project_state(locked, tuple(fields))
        changed = {key for key in after if after[key] != before.get(key)}
        if changed:
            locked.save()
            activity_record(
                actor=actor,
                action="budget.project_update",
                obj=locked,
                city_id=locked.plan.city_id,
                before={key: before.get(key) for key in changed},
                after={key: after[key] for key in changed},
            )
            _changed(locked.plan.city_id)
    return locked


def _after_milestones(project: Project) -> None:
    locked = _locked_project(project)
    before = locked.physical_progress
    _refresh_progress(locked)
    if locked.physical_progress != before:
        locked.save(update_fields=["physical_progress", "updated_at"])
        _changed(locked.plan.city_id)


def milestone_add(
    *, actor: Any, project: Project, title: Any, due_on: Any = None, weight: Any = 1
) -> Milestone:
    authorise(actor, "budget.manage", project)
    milestone = Milestone(project=project, title=_title(title), due_on=_date(due_on))
    milestone.weight = _weight(weight)
    with transaction.atomic():
        milestone.save()
        activity_record(
            actor=actor,
            action="budget.milestone_add",
            obj=project,
            city_id=project.plan.city_id,
            after={"milestone": milestone.pk, "title": milestone.title, "weight": milestone.weight},
        )
        _after_milestones(project)
    return milestone


def _weight(value: Any) -> int:
    text = to_latin_digits(str(value if value is not None else "")).strip()
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise DomainError("وزن گام باید عددی از ۱ تا ۱۰۰۰ باشد.", code="invalid_weight")
    return int(text)


def milestone_update(*, actor: Any, milestone: Milestone, **fields: Any) -> Milestone:
    """Change a milestone (mark it done with `done_on`, or undo with an empty one)."""
    authorise(actor, "budget.manage", milestone)
    _known_fields(fields, MILESTONE_FIELDS)
    parsers = {"title": _title, "due_on": _date, "done_on": _date, "weight": _weight}
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        before = {name: _json(getattr(locked, name)) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, parsers[name](value))
        after = {name: _json(getattr(locked, name)) for name in fields}
        changed = {key for key in after if after[key] != before[key]}
        if changed:
            locked.save()
            activity_record(
                actor=actor,
                action="budget.milestone_update",
                obj=milestone.project,
                city_id=milestone.project.plan.city_id,
                before={"milestone": locked.pk, **{k: before[k] for k in changed}},
                after={"milestone": locked.pk, **{k: after[k] for k in changed}},
            )
            _after_milestones(milestone.project)
    return locked


def milestone_remove(*, actor: Any, milestone: Milestone) -> None:
    authorise(actor, "budget.manage", milestone)
    project = milestone.project
    with transaction.atomic():
        activity_record(
            actor=actor,
            action="budget.milestone_remove",
            obj=project,
            city_id=project.plan.city_id,
            before={"milestone": milestone.pk, "title": milestone.title},
        )
        Milestone.objects.filter(pk=milestone.pk).delete()
        _after_milestones(project)


# Budget lines -----------------------------------------------------------------------------


def clean_line_field(name: str, value: Any) -> Any:
    labels = {
        "approved": "مبلغ مصوب",
        "revised": "مبلغ اصلاح‌شده",
        "committed": "مبلغ تعهدشده",
        "spent": "مبلغ هزینه‌شده",
    }
    if name == "title":
        return _title(value)
    if name == "note":
        return _text(value)
    if name == "source":
        return _choice(value, FinancingSource.values, "منبع تأمین نامعتبر است.")
    if name == "revised" and value in (None, ""):
        return None
    return rials(value, field=labels[name])


def _line_state(line: BudgetLine, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(line, name) for name in names}


def line_create(
    *, actor: Any, city: City, year: Any, code: Any, title: Any, **fields: Any
) -> BudgetLine:
    """A line of the city's budget for a Jalali year."""
    authorise(actor, "budget.manage", city)
    _known_fields(fields, LINE_FIELDS)
    line = BudgetLine(
        city=city, year=parse_year(year), code=parse_code(code, "کد ردیف"), title=_title(title)
    )
    for name, value in fields.items():
        if name != "title":
            setattr(line, name, clean_line_field(name, value))
    try:
        with transaction.atomic():
            line.save()
            activity_record(
                actor=actor,
                action="budget.line_create",
                obj=line,
                city_id=city.pk,
                after=_line_state(line, ("year", "code", "title", *LINE_FIELDS[1:])),
            )
            _changed(city.pk)
    except IntegrityError:
        raise Conflict("ردیفی با این کد در بودجه‌ی این سال هست.", code="duplicate_code") from None
    return line


def line_update(*, actor: Any, line: BudgetLine, **fields: Any) -> tuple[BudgetLine, bool]:
    """Change a line's amounts or text. Returns (line, whether anything changed): sending
    the same figures again changes nothing and records nothing."""
    authorise(actor, "budget.manage", line)
    _known_fields(fields, LINE_FIELDS)
    with transaction.atomic():
        locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
        before = _line_state(locked, tuple(fields))
        for name, value in fields.items():
            setattr(locked, name, clean_line_field(name, value))
        after = _line_state(locked, tuple(fields))
        changed = {key for key in after if after[key] != before[key]}
        if changed:
            locked.save()
            activity_record(
                actor=actor,
                action="budget.line_update",
                obj=locked,
                city_id=locked.city_id,
                before={key: before[key] for key in changed},
                after={key: after[key] for key in changed},
            )
            _changed(locked.city_id)
    return locked, bool(changed)


# Fundings ---------------------------------------------------------------------------------


def funding_set(*, actor: Any, line: BudgetLine, project: Project, share: Any) -> Funding:
    """The share (percent) of a line that funds a project, created or changed. The line is
    locked so that two planners at once cannot give away more than the whole line."""
    authorise(actor, "budget.manage", line)
    authorise(actor, "budget.manage", project)
    points = share_points(share)
    if project.plan.city_id != line.city_id:
        raise DomainError("ردیف بودجه از شهر این پروژه نیست.", code="line_not_in_city")
    if project.year != line.year:
        raise DomainError("سال ردیف بودجه با سال پروژه یکی نیست.", code="year_mismatch")
    with transaction.atomic():
        locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
        others = (
            Funding.objects.filter(line=locked)
            .exclude(project=project)
            .aggregate(total=Sum("share"))
        )["total"] or 0
        if others + points > figures.WHOLE_SHARE:
            free = Decimal(figures.WHOLE_SHARE - others) / 100
            raise DomainError(
                f"سهم‌های این ردیف از ۱۰۰٪ بیشتر می‌شود؛ دست‌بالا {free.normalize():f}٪ آن آزاد است.",
                code="shares_exceed_line",
                extra={"free_percent": f"{free.normalize():f}"},
            )
        funding = Funding.objects.filter(line=locked, project=project).first()
        before = {"share": funding.share} if funding else {}
        if funding is None:
            funding = Funding.objects.create(line=locked, project=project, share=points)
        elif funding.share != points:
            funding.share = points
            funding.save(update_fields=["share"])
        if before.get("share") != points:
            activity_record(
                actor=actor,
                action="budget.funding_set",
                obj=locked,
                city_id=locked.city_id,
                before={"project": project.pk, **before},
                after={"project": project.pk, "share": points},
            )
            _changed(locked.city_id)
    return funding


def funding_remove(*, actor: Any, funding: Funding) -> None:
    authorise(actor, "budget.manage", funding)
    with transaction.atomic():
        activity_record(
            actor=actor,
            action="budget.funding_remove",
            obj=funding.line,
            city_id=funding.line.city_id,
            before={"project": funding.project_id, "share": funding.share},
        )
        Funding.objects.filter(pk=funding.pk).delete()
        _changed(funding.line.city_id)


# The import mapping -----------------------------------------------------------------------


def mapping_set(*, actor: Any, city: City, columns: Any, known: tuple[str, ...]) -> ImportMapping:
    """The city's column mapping: our field → the header its finance system writes."""
    authorise(actor, "budget.manage", city)
    if not isinstance(columns, dict):
        raise DomainError("نگاشت ستون‌ها باید فهرست «فیلد: سرستون» باشد.", code="invalid_mapping")
    clean: dict[str, str] = {}
    for key, header in columns.items():
        if key not in known:
            raise DomainError(f"فیلد ناشناخته در نگاشت: {key}", code="invalid_mapping")
        header = plain_text(str(header or ""))[:100]
        if header:
            clean[key] = header
    if len(set(clean.values())) != len(clean):
        raise DomainError("یک سرستون برای دو فیلد آمده است.", code="invalid_mapping")
    with transaction.atomic():
        mapping, _ = ImportMapping.objects.select_for_update().get_or_create(city=city)
        before = dict(mapping.columns)
        if before != clean:
            mapping.columns = clean
            mapping.save()
            activity_record(
                actor=actor,
                action="budget.mapping_set",
                obj=city,
                city_id=city.pk,
                before=before,
                after=clean,
            )
    return mapping
