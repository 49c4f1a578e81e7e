"""Monitoring writes: indicators and their versions, links with public weights, baselines,
targets, measurements (enter → submit → verify; corrections as new rows), the monitoring
state of plan items, computed indicators and the stored roll-up, and period snapshots.

Every write is authorised with the rules of monitoring/rules.py, recorded in the city's
activity log with the fields before and after, and keeps the stored figures (`Rollup`) up to
date inside the same transaction, so pages never compute the roll-up per request.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.services import activity_record
from backend.authz import authorise
from backend.errors import Conflict, DomainError
from backend.jalali import to_jalali
from backend.persian import to_latin_digits
from backend.sanitise import plain_text, plain_title
from monitoring.models import (
    PERIODS,
    Baseline,
    Indicator,
    IndicatorLink,
    IndicatorVersion,
    ItemMonitoring,
    Measurement,
    Periodicity,
    Rollup,
    Snapshot,
    Target,
)
from monitoring.selectors import current_values, plan_figures, plan_indicators
from planning.models import Plan, PlanItem

TITLE_MAX = 300
TEXT_MAX = 5000
REASON_MAX = 1000
SOURCE_MAX = 300
CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
INPUT_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VERSION_FIELDS = (
    "title",
    "unit",
    "direction",
    "periodicity",
    "aggregation",
    "source",
    "definition",
    "kind",
    "formula",
    "inputs",
)
VALUE_LIMIT = Decimal(10) ** 14  # what fits a value (20 digits, 6 after the point)
VALUE_PLACES = Decimal("0.000001")
RECOMPUTED_REASON = "بازمحاسبه‌ی خودکار پس از تغییر مقدارهای ورودی فرمول"

FORMULA_MESSAGES = {
    "missing_value": "مقدار یکی از شاخص‌ها یا ورودی‌های فرمول در دسترس نیست.",
    "division_by_zero": "فرمول به تقسیم بر صفر رسید.",
    "cycle": "فرمول‌ها یکدیگر را به‌صورت چرخه‌ای به کار می‌برند.",
}


# Small helpers ---------------------------------------------------------------------------


def _decimal(value: Any, *, field: str = "مقدار") -> Decimal:
    """A finite decimal that fits the value columns, from a number or text (Persian digits
    and the Persian decimal separator are accepted)."""
    if isinstance(value, Decimal):
        number = value
    else:
        text = to_latin_digits(str(value if value is not None else "")).strip()
        text = text.replace("٫", ".").replace(",", "").replace("،", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError(f"{field} باید عدد باشد.", code="not_a_number") from None
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise DomainError(f"{field} عدد پذیرفتنی نیست.", code="not_a_number")
    return number.quantize(VALUE_PLACES)


def _text(value: Any, limit: int) -> str:
    lines = [plain_text(line) for line in str(value or "").splitlines()]
    return "\n".join(lines).strip()[:limit]


def _url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise DomainError("پیوند مستند نشانی درستی نیست.", code="invalid_url") from None
    return value


def _city_id(indicator: Indicator) -> int:
    return indicator.plan.city_id


def _jalali_today() -> tuple[int, int]:
    today = to_jalali(timezone.localdate())
    return today.year, today.month


def _formula_error(error: Exception) -> DomainError:
    """monitoring.formula's FormulaError as a Persian DomainError."""
    code = getattr(error, "code", None) or (str(error) if str(error).isidentifier() else None)
    message = getattr(error, "message", None) or str(error)
    if not message or message.isidentifier():
        message = FORMULA_MESSAGES.get(code or "", "فرمول نادرست است.")
    return DomainError(message, code=f"formula_{code}" if code else "formula_invalid")


def _years_of(plan: Plan) -> range:
    return range(plan.start_year, plan.end_year + 1)


# Indicators and versions -----------------------------------------------------------------


def _version_state(version: IndicatorVersion) -> dict[str, Any]:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


def _inputs(value: Any) -> list[dict[str, str]]:
    """The named inputs of a computed version: [{"name", "title", "value"}, …]."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise DomainError("ورودی‌های فرمول باید فهرست باشند.", code="invalid_inputs")
    found: list[dict[str, str]] = []
    names = set()
    for entry in value:
        if not isinstance(entry, dict):
            raise DomainError("هر ورودی فرمول نام و مقدار دارد.", code="invalid_inputs")
        name = str(entry.get("name", "")).strip()
        if not INPUT_NAME_RE.match(name) or name in names:
            raise DomainError(
                "نام ورودی باید لاتین، یکتا و مانند population باشد.", code="invalid_input_name"
            )
        names.add(name)
        item = {"name": name, "title": plain_title(str(entry.get("title", "")))[:200]}
        if entry.get("value") not in (None, ""):
            item["value"] = str(_decimal(entry["value"], field="مقدار ورودی"))
        found.append(item)
    return found


def _choice(value: Any, choices: list[str], message: str) -> str:
    if value not in choices:
        raise DomainError(message, code="invalid_choice")
    return str(value)


def _apply_version_fields(version: IndicatorVersion, fields: dict[str, Any]) -> None:
    """Clean and set a draft's fields (unsaved)."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise DomainError("فیلد ناشناخته برای نسخه‌ی شاخص.", code="unknown_field")
    cleaners = {
        "title": lambda v: plain_title(v)[:TITLE_MAX],
        "unit": lambda v: plain_title(v)[:60],
        "source": lambda v: plain_title(v)[:SOURCE_MAX],
        "definition": lambda v: _text(v, TEXT_MAX),
        "direction": lambda v: _choice(
            v, IndicatorVersion.Direction.values, "جهت مطلوب نامعتبر است."
        ),
        "periodicity": lambda v: _choice(v, Periodicity.values, "دوره‌ی اندازه‌گیری نامعتبر است."),
        "aggregation": lambda v: _choice(
            v, IndicatorVersion.Aggregation.values, "شیوه‌ی تجمیع نامعتبر است."
        ),
        "kind": lambda v: _choice(v, IndicatorVersion.Kind.values, "گونه‌ی شاخص نامعتبر است."),
        "formula": lambda v: str(v or "").strip()[:TEXT_MAX],
        "inputs": _inputs,
    }
    for name, value in fields.items():
        setattr(version, name, cleaners[name](value))
    if version.kind == IndicatorVersion.Kind.MEASURED:
        if version.formula:
            raise DomainError("شاخص اندازه‌گیری‌شده فرمول ندارد.", code="formula_not_computed")
        version.inputs = []


def indicator_create(
    *,
    actor: Any,
    plan: Plan,
    code: str,
    title: str,
    owner: Any = None,
    owner_unit: str = "",
    **version_fields: Any,
) -> Indicator:
    """A new indicator of the plan with its first version as a draft (publish it with
    indicator_version_publish). `code` is Latin (e_services) and unique in the plan."""
    authorise(actor, "monitoring.manage_indicators", plan)
    code = to_latin_digits(code or "").strip().lower()
    if not CODE_RE.match(code):
        raise DomainError(
            "کد شاخص باید با حرف لاتین آغاز شود و فقط حرف کوچک لاتین، رقم، _ یا - داشته باشد.",
            code="invalid_code",
        )
    version = IndicatorVersion(number=1)
    _apply_version_fields(version, {"title": title, **version_fields})
    if not version.title:
        raise DomainError("عنوان شاخص را بنویسید.", code="title_required")
    try:
        with transaction.atomic():
            indicator = Indicator.objects.create(
                plan=plan, code=code, owner=owner, owner_unit=plain_title(owner_unit)[:200]
            )
            version.indicator = indicator
            version.save()
            activity_record(
                actor=actor,
                action="monitoring.indicator_create",
                obj=indicator,
                city_id=plan.city_id,
                after={"code": code, "owner": getattr(owner, "pk", None), **_json(version)},
            )
    except IntegrityError:
        raise Conflict("شاخصی با این کد در این برنامه هست.", code="code_taken") from None
    return indicator


def _json(version: IndicatorVersion) -> dict[str, Any]:
    return {name: value for name, value in _version_state(version).items()}


def indicator_version_draft(*, actor: Any, indicator: Indicator, **fields: Any) -> IndicatorVersion:
    """The indicator's draft version with `fields` changed: the existing draft, or a new one
    numbered after the last and copied from the current published version."""
    authorise(actor, "monitoring.manage_indicators", indicator)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        draft = indicator.versions.filter(published_at__isnull=True).first()
        if draft is None:
            source = indicator.current_version
            number = (indicator.versions.aggregate(top=Max("number"))["top"] or 0) + 1
            draft = IndicatorVersion(indicator=indicator, number=number)
            if source is not None:
                for name in VERSION_FIELDS:
                    setattr(draft, name, getattr(source, name))
        before = _version_state(draft) if draft.pk else {}
        _apply_version_fields(draft, fields)
        if not draft.title:
            raise DomainError("عنوان شاخص را بنویسید.", code="title_required")
        draft.save()
        after = _version_state(draft)
        changed = [name for name in VERSION_FIELDS if before.get(name) != after[name]]
        if changed:
            activity_record(
                actor=actor,
                action="monitoring.version_draft",
                obj=draft,
                city_id=_city_id(indicator),
                before={name: before.get(name) for name in changed},
                after={"number": draft.number, **{name: after[name] for name in changed}},
            )
    return draft


def _check_formula(version: IndicatorVersion) -> None:
    """Parse the formula against the plan's published indicators and the version's inputs,
    refuse references of another periodicity, and refuse a cycle over the plan's formulas."""
    from monitoring.formula import FormulaError, check_cycles, parse

    indicator = version.indicator
    if not version.formula:
        raise DomainError("فرمول شاخص محاسبه‌ای را بنویسید.", code="formula_required")
    others: dict[str, IndicatorVersion] = {}
    for other in plan_indicators(indicator.plan).exclude(pk=indicator.pk):
        current = other.current_version
        if current is not None:
            others[other.code] = current
    codes = frozenset([*others, indicator.code])
    inputs = frozenset(entry["name"] for entry in version.inputs)
    try:
        formula = parse(version.formula, known_codes=codes, known_inputs=inputs)
        formulas = {
            code: parse(
                current.formula,
                known_codes=codes,
                known_inputs=frozenset(entry["name"] for entry in current.inputs),
            )
            for code, current in others.items()
            if current.kind == IndicatorVersion.Kind.COMPUTED
        }
        formulas[indicator.code] = formula
        check_cycles(formulas)
    except FormulaError as error:
        raise _formula_error(error) from None
    for code in formula.references():
        referenced = others.get(code)
        if referenced is not None and referenced.periodicity != version.periodicity:
            raise DomainError(
                f"شاخص «{code}» دوره‌ی اندازه‌گیری دیگری دارد؛ فرمول فقط مقدار همان دوره را می‌خواند.",
                code="formula_periodicity",
            )
    missing = [entry["name"] for entry in version.inputs if "value" not in entry]
    if missing:
        raise DomainError(
            "مقدار ورودی‌های فرمول را بنویسید: " + "، ".join(missing), code="input_value_required"
        )


def indicator_version_publish(*, actor: Any, version: IndicatorVersion) -> IndicatorVersion:
    """Publish a draft: from now on it is the indicator's current version and immutable.
    Periodicity is frozen once a version is published; a computed version's formula is
    parsed against the plan's indicators and checked for cycles; its values are computed."""
    indicator = version.indicator
    authorise(actor, "monitoring.manage_indicators", indicator)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        version = IndicatorVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise Conflict("این نسخه پیش‌تر منتشر شده است.", code="already_published")
        previous = indicator.current_version
        if previous is not None and previous.periodicity != version.periodicity:
            raise DomainError(
                "دوره‌ی اندازه‌گیری شاخص پس از انتشار تغییر نمی‌کند.", code="periodicity_frozen"
            )
        if not version.title:
            raise DomainError("عنوان شاخص را بنویسید.", code="title_required")
        if version.kind == IndicatorVersion.Kind.COMPUTED:
            _check_formula(version)
        version.published_at = timezone.now()
        version.published_by = actor if getattr(actor, "pk", None) else None
        version.save()
        activity_record(
            actor=actor,
            action="monitoring.version_publish",
            obj=version,
            city_id=_city_id(indicator),
            before={"current_version": previous.number if previous else None},
            after={"current_version": version.number},
        )
        plan = indicator.plan
        if version.kind == IndicatorVersion.Kind.COMPUTED:
            _recompute_all(plan, version.periodicity, actor)
        rollup_refresh(plan=plan)
    return version


# Links, baselines, targets, item states ---------------------------------------------------


def indicator_link_set(
    *, actor: Any, indicator: Indicator, plan_item: PlanItem, weight: Any
) -> IndicatorLink | None:
    """Link an indicator to a plan item with a public weight (> 0), change the weight, or
    (weight None) unlink it."""
    authorise(actor, "monitoring.manage_indicators", indicator)
    if plan_item.plan_id != indicator.plan_id:
        raise DomainError("بند باید از همین برنامه باشد.", code="item_other_plan")
    number = None if weight in (None, "") else _decimal(weight, field="وزن")
    if number is not None and not Decimal(0) < number < Decimal(100000):
        raise DomainError("وزن باید عددی بزرگ‌تر از صفر باشد.", code="weight_range")
    with transaction.atomic():
        link = (
            IndicatorLink.objects.select_for_update()
            .filter(indicator=indicator, plan_item=plan_item)
            .first()
        )
        before = {"weight": str(link.weight) if link else None}
        if number is None:
            if link is None:
                return None
            link.delete()
            result = None
        elif link is None:
            result = link = IndicatorLink.objects.create(
                indicator=indicator, plan_item=plan_item, weight=number
            )
        else:
            link.weight = number
            link.save(update_fields=["weight"])
            result = link
        after = {"weight": str(number.normalize()) if number is not None else None}
        if before["weight"] is not None:
            before["weight"] = str(Decimal(before["weight"]).normalize())
        if before != after:
            activity_record(
                actor=actor,
                action="monitoring.link_set",
                obj=indicator,
                city_id=_city_id(indicator),
                before={"plan_item": plan_item.pk, **before},
                after={"plan_item": plan_item.pk, **after},
            )
        rollup_refresh(plan=indicator.plan)
    return result


def baseline_set(
    *, actor: Any, indicator: Indicator, value: Any, year: int, month: int = 12, note: str = ""
) -> Baseline:
    """Set the indicator's baseline: its value at a Jalali year and month."""
    authorise(actor, "monitoring.manage_indicators", indicator)
    number = _decimal(value)
    year, month = int(year), int(month)
    if not 1300 <= year <= 1500 or not 1 <= month <= 12:
        raise DomainError("تاریخ مقدار پایه نامعتبر است.", code="invalid_date")
    with transaction.atomic():
        baseline = Baseline.objects.select_for_update().filter(indicator=indicator).first()
        before = (
            {"value": str(baseline.value), "year": baseline.year, "month": baseline.month}
            if baseline
            else {}
        )
        baseline = baseline or Baseline(indicator=indicator)
        baseline.value, baseline.year, baseline.month = number, year, month
        baseline.note = _text(note, TEXT_MAX)
        baseline.save()
        activity_record(
            actor=actor,
            action="monitoring.baseline_set",
            obj=indicator,
            city_id=_city_id(indicator),
            before=before,
            after={"value": str(number), "year": year, "month": month},
        )
        rollup_refresh(plan=indicator.plan)
    return baseline


def target_set(
    *, actor: Any, indicator: Indicator, year: int, value: Any, is_horizon: bool = False
) -> Target:
    """Set the indicator's target for a Jalali year of the plan. The horizon target
    (`is_horizon`, one per indicator) may be the plan's end year or a later one."""
    authorise(actor, "monitoring.manage_indicators", indicator)
    plan = indicator.plan
    year = int(year)
    last = 1500 if is_horizon else plan.end_year
    if not plan.start_year <= year <= last:
        raise DomainError(
            f"سال هدف باید از {plan.start_year} تا {plan.end_year} باشد.", code="year_outside_plan"
        )
    number = _decimal(value)
    with transaction.atomic():
        target = Target.objects.select_for_update().filter(indicator=indicator, year=year).first()
        before = {"value": str(target.value), "is_horizon": target.is_horizon} if target else {}
        if is_horizon:
            Target.objects.filter(indicator=indicator, is_horizon=True).exclude(year=year).update(
                is_horizon=False
            )
        target = target or Target(indicator=indicator, year=year)
        target.value, target.is_horizon = number, is_horizon
        target.save()
        activity_record(
            actor=actor,
            action="monitoring.target_set",
            obj=indicator,
            city_id=plan.city_id,
            before={"year": year, **before},
            after={"year": year, "value": str(number), "is_horizon": is_horizon},
        )
        if year <= plan.end_year:
            rollup_refresh(plan=plan, years=[year])
    return target


def item_monitoring_set(
    *, actor: Any, plan_item: PlanItem, state: str, reason: str = ""
) -> ItemMonitoring:
    """Mark a plan item active, cancelled or not applicable (with a reason). Cancelled and
    not-applicable items drop out of the realisation, with everything under them."""
    authorise(actor, "monitoring.manage_indicators", plan_item)
    state = _choice(state, ItemMonitoring.State.values, "وضعیت پایش نامعتبر است.")
    reason = _text(reason, REASON_MAX)
    if state != ItemMonitoring.State.ACTIVE and not reason:
        raise DomainError("دلیل لغو یا بی‌موضوعی بند را بنویسید.", code="reason_required")
    with transaction.atomic():
        row = ItemMonitoring.objects.select_for_update().filter(plan_item=plan_item).first()
        before = {"state": row.state if row else ItemMonitoring.State.ACTIVE.value}
        row = row or ItemMonitoring(plan_item=plan_item)
        row.state, row.reason = state, reason
        row.save()
        if before["state"] != state:
            activity_record(
                actor=actor,
                action="monitoring.item_state",
                obj=plan_item,
                city_id=plan_item.plan.city_id,
                before=before,
                after={"state": state, "reason": reason},
            )
            changed, actor_id = row, getattr(actor, "pk", None)
            transaction.on_commit(
                lambda: item_monitoring_changed(
                    row=changed, before=before["state"], actor_id=actor_id
                )
            )
        rollup_refresh(plan=plan_item.plan)
    return row


# Measurements ---------------------------------------------------------------------------


def _check_period(version: IndicatorVersion, plan: Plan, year: int, period: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise DomainError(
            f"سال باید از {plan.start_year} تا {plan.end_year} باشد.", code="year_outside_plan"
        )
    if period not in PERIODS[version.periodicity]:
        raise DomainError(
            "دوره با دوره‌ی اندازه‌گیری شاخص نمی‌خواند (ماه ۱ تا ۱۲، فصل ۱ تا ۴، سالانه ۰).",
            code="invalid_period",
        )
    first_month = {"monthly": period, "quarterly": 3 * period - 2}.get(version.periodicity, 1)
    if (year, first_month) > _jalali_today():
        raise DomainError("برای دوره‌ای که هنوز نرسیده مقدار ثبت نمی‌شود.", code="future_period")


def _measurement_state(row: Measurement) -> dict[str, Any]:
    return {"year": row.year, "period": row.period, "value": str(row.value), "state": row.state}


def measurement_enter(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    period: int,
    value: Any,
    source: str = "",
    evidence_url: str = "",
    evidence_file: Any = None,
    note: str = "",
    submit: bool = False,
) -> Measurement:
    """Enter a measured indicator's value for one period, as a draft or (submit) submitted
    for verification. One open entry per period; a verified period is changed only by
    measurement_correct."""
    authorise(actor, "monitoring.enter_measurement", indicator)
    version = indicator.current_version
    if version is None:
        raise DomainError("این شاخص هنوز منتشر نشده است.", code="not_published")
    if version.kind == IndicatorVersion.Kind.COMPUTED:
        raise DomainError(
            "مقدار شاخص محاسبه‌ای از فرمول به دست می‌آید و وارد نمی‌شود.", code="computed"
        )
    year, period = int(year), int(period)
    _check_period(version, indicator.plan, year, period)
    number = _decimal(value)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        rows = Measurement.objects.filter(indicator=indicator, year=year, period=period)
        if rows.current().exists():
            raise Conflict(
                "مقدار این دوره تأیید شده است؛ برای تغییر آن اصلاحیه ثبت کنید.",
                code="already_verified",
            )
        if rows.filter(state__in=[Measurement.State.DRAFT, Measurement.State.SUBMITTED]).exists():
            raise Conflict("برای این دوره مقداری در انتظار تأیید هست.", code="open_entry")
        row = Measurement(
            indicator=indicator,
            version=version,
            year=year,
            period=period,
            value=number,
            source=plain_title(source)[:SOURCE_MAX] or version.source,
            evidence_url=_url(evidence_url),
            note=_text(note, TEXT_MAX),
            state=Measurement.State.SUBMITTED if submit else Measurement.State.DRAFT,
            entered_by=actor,
        )
        if evidence_file:
            row.evidence_file = evidence_file
        row.save()
        activity_record(
            actor=actor,
            action="monitoring.measurement_enter",
            obj=row,
            city_id=_city_id(indicator),
            after=_measurement_state(row),
        )
    return row


def _locked(measurement: Measurement) -> Measurement:
    return (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("indicator__plan", "version")
        .get(pk=measurement.pk)
    )


def measurement_submit(*, actor: Any, measurement: Measurement) -> Measurement:
    """Send a draft for verification."""
    authorise(actor, "monitoring.enter_measurement", measurement)
    with transaction.atomic():
        row = _locked(measurement)
        if row.state != Measurement.State.DRAFT:
            raise Conflict("فقط پیش‌نویس فرستاده می‌شود.", code="not_draft")
        row.state = Measurement.State.SUBMITTED
        row.save(update_fields=["state"])
        activity_record(
            actor=actor,
            action="monitoring.measurement_submit",
            obj=row,
            city_id=_city_id(row.indicator),
            before={"state": Measurement.State.DRAFT.value},
            after={"state": row.state},
        )
    return row


def measurement_verify(*, actor: Any, measurement: Measurement) -> Measurement:
    """Verify a submitted value (a planner of the city other than the person who entered
    it). It becomes the period's current value; computed indicators and the stored figures
    are brought up to date, and `measurement_verified` runs after commit."""
    authorise(actor, "monitoring.verify_measurement", measurement)
    with transaction.atomic():
        row = _locked(measurement)
        if row.state != Measurement.State.SUBMITTED:
            raise Conflict("فقط مقدار فرستاده‌شده تأیید می‌شود.", code="not_submitted")
        period_rows = Measurement.objects.filter(
            indicator_id=row.indicator_id, year=row.year, period=row.period
        )
        if period_rows.current().exists():
            raise Conflict("مقدار این دوره پیش‌تر تأیید شده است.", code="already_verified")
        row.state = Measurement.State.VERIFIED
        row.verified_by = actor
        row.verified_at = timezone.now()
        row.save(update_fields=["state", "verified_by", "verified_at"])
        activity_record(
            actor=actor,
            action="monitoring.measurement_verify",
            obj=row,
            city_id=_city_id(row.indicator),
            before={"state": Measurement.State.SUBMITTED.value},
            after={"state": row.state, "value": str(row.value)},
        )
        _after_value_change(row, actor)
    return row


def measurement_correct(
    *,
    actor: Any,
    measurement: Measurement,
    value: Any,
    reason: str,
    source: str | None = None,
    evidence_url: str | None = None,
    note: str = "",
) -> Measurement:
    """Correct a verified value: a new verified row that supersedes it, with a required
    reason. The old row is kept unchanged; snapshots taken before keep their figures."""
    authorise(actor, "monitoring.correct_measurement", measurement)
    reason = _text(reason, REASON_MAX)
    if not reason:
        raise DomainError("دلیل اصلاح را بنویسید.", code="reason_required")
    number = _decimal(value)
    with transaction.atomic():
        old = _locked(measurement)
        if old.state != Measurement.State.VERIFIED or _is_superseded(old):
            raise Conflict("فقط مقدار تأییدشده‌ی جاری اصلاح می‌شود.", code="not_current")
        version = old.indicator.current_version or old.version
        if version.kind == IndicatorVersion.Kind.COMPUTED:
            raise DomainError(
                "شاخص محاسبه‌ای با اصلاح مقدارهای ورودی‌اش اصلاح می‌شود.", code="computed"
            )
        try:
            with transaction.atomic():
                row = Measurement.objects.create(
                    indicator=old.indicator,
                    version=version,
                    year=old.year,
                    period=old.period,
                    value=number,
                    source=plain_title(source)[:SOURCE_MAX] if source is not None else old.source,
                    evidence_url=_url(evidence_url)
                    if evidence_url is not None
                    else old.evidence_url,
                    note=_text(note, TEXT_MAX),
                    state=Measurement.State.VERIFIED,
                    entered_by=actor,
                    verified_by=actor,
                    verified_at=timezone.now(),
                    supersedes=old,
                    reason=reason,
                )
        except IntegrityError:
            raise Conflict("این مقدار همزمان اصلاح شد.", code="corrected_twice") from None
        activity_record(
            actor=actor,
            action="monitoring.measurement_correct",
            obj=row,
            city_id=_city_id(old.indicator),
            before={"measurement": old.pk, "value": str(old.value)},
            after={"measurement": row.pk, "value": str(row.value), "reason": reason},
        )
        _after_value_change(row, actor)
    return row


def _is_superseded(row: Measurement) -> bool:
    """Whether a correction already supersedes the row."""
    return Measurement.objects.filter(supersedes=row).exists()


def _after_value_change(row: Measurement, actor: Any) -> None:
    plan = row.indicator.plan
    recompute_period(
        plan=plan,
        year=row.year,
        period=row.period,
        periodicity=row.version.periodicity,
        actor=actor,
    )
    rollup_refresh(plan=plan, years=[row.year])
    transaction.on_commit(lambda: measurement_verified(measurement=row))


def measurement_verified(*, measurement: Measurement) -> None:
    """Runs after the commit of every newly verified value (a verification, a correction,
    a recomputed formula value): the people who reported or supported a problem that a
    linked plan item addresses are notified (monitoring.notify)."""
    from monitoring.notify import progress_on_measurement

    progress_on_measurement(measurement)


def item_monitoring_changed(
    *, row: ItemMonitoring, before: str, actor_id: int | None = None
) -> None:
    """Runs after the commit of a plan item's monitoring state change: the people behind
    the problems the item addresses, and its followers, are notified (monitoring.notify)."""
    from monitoring.notify import progress_on_item_state

    progress_on_item_state(row=row, before=before, actor_id=actor_id)


# Computed indicators and the stored roll-up ------------------------------------------------


def _computed_versions(plan: Plan) -> dict[str, IndicatorVersion]:
    found = {}
    for indicator in plan_indicators(plan):
        current = indicator.current_version
        if current is not None and current.kind == IndicatorVersion.Kind.COMPUTED:
            found[indicator.code] = current
    return found


def _input_values(version: IndicatorVersion) -> dict[str, Decimal | None]:
    return {
        entry["name"]: Decimal(entry["value"]) if entry.get("value") is not None else None
        for entry in version.inputs
    }


def recompute_period(
    *,
    plan: Plan,
    year: int,
    period: int,
    periodicity: str | None = None,
    actor: Any = None,
) -> list[Measurement]:
    """Evaluate the plan's computed indicators (of `periodicity`, when given) for one period
    in dependency order, from the referenced indicators' current values of the same period
    and the versions' named inputs, and store each changed result as a verified row entered
    by nobody (superseding the previous computed value). A formula that cannot be evaluated
    (a value missing, a division by zero) stores nothing: missing is not zero."""
    versions = _computed_versions(plan)
    if periodicity is not None:
        versions = {c: v for c, v in versions.items() if v.periodicity == periodicity}
    if not versions:
        return []
    from monitoring.formula import FormulaError, evaluation_order, parse

    codes = dict(Indicator.objects.filter(plan=plan).values_list("pk", "code"))
    all_codes = frozenset(codes.values())
    formulas = {
        code: parse(
            version.formula,
            known_codes=all_codes,
            known_inputs=frozenset(entry["name"] for entry in version.inputs),
        )
        for code, version in versions.items()
    }
    values: dict[str, Decimal | None] = dict.fromkeys(all_codes)
    for indicator_id, pairs in current_values(plan, year, period).items():
        values[codes[indicator_id]] = pairs[0][1]
    stored = []
    for code in evaluation_order(formulas):
        version = versions.get(code)
        if version is None or period not in PERIODS[version.periodicity]:
            continue
        try:
            result = formulas[code].evaluate(values=values, inputs=_input_values(version))
        except FormulaError:
            values[code] = None
            continue
        if not result.is_finite() or abs(result) >= VALUE_LIMIT:
            values[code] = None
            continue
        result = result.quantize(VALUE_PLACES)
        values[code] = result
        used = {ref: _plain(values.get(ref)) for ref in sorted(formulas[code].references())}
        row = _store_computed(version, year, period, result, used, actor)
        if row is not None:
            stored.append(row)
    return stored


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _store_computed(
    version: IndicatorVersion,
    year: int,
    period: int,
    value: Decimal,
    used: dict[str, str | None],
    actor: Any,
) -> Measurement | None:
    indicator = version.indicator
    old = (
        Measurement.objects.current().filter(indicator=indicator, year=year, period=period).first()
    )
    if old is not None and old.value == value and old.version_id == version.pk:
        return None
    row = Measurement.objects.create(
        indicator=indicator,
        version=version,
        year=year,
        period=period,
        value=value,
        inputs={
            "values": used,
            "inputs": {k: _plain(v) for k, v in _input_values(version).items()},
        },
        source="محاسبه با فرمول",
        state=Measurement.State.VERIFIED,
        entered_by=None,
        verified_at=timezone.now(),
        supersedes=old,
        reason=RECOMPUTED_REASON if old is not None else "",
    )
    activity_record(
        actor=actor,
        action="monitoring.measurement_compute",
        obj=row,
        city_id=indicator.plan.city_id,
        before={"value": str(old.value)} if old is not None else {},
        after={"value": str(value), "version": version.number, "year": year, "period": period},
    )
    transaction.on_commit(lambda: measurement_verified(measurement=row))
    return row


def _recompute_all(plan: Plan, periodicity: str, actor: Any) -> None:
    """Recompute every period of the plan that has a current value of this periodicity."""
    keys = (
        Measurement.objects.current()
        .filter(indicator__plan=plan, version__periodicity=periodicity)
        .values_list("year", "period")
        .distinct()
    )
    for year, period in sorted(set(keys)):
        recompute_period(plan=plan, year=year, period=period, periodicity=periodicity, actor=actor)


_DEFERRED: ContextVar[dict[int, tuple[Plan, set[int]]] | None] = ContextVar(
    "monitoring_rollups_deferred", default=None
)


@contextmanager
def rollups_deferred() -> Iterator[None]:
    """Within this block the services note which roll-ups to refresh instead of refreshing
    them after every write; each plan and year is refreshed once when the block ends
    without an error. For bulk writers: imports, the demo, the benchmark's seeding."""
    pending: dict[int, tuple[Plan, set[int]]] = {}
    token = _DEFERRED.set(pending)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
    for plan, years in pending.values():
        rollup_refresh(plan=plan, years=sorted(years))


def rollup_refresh(*, plan: Plan, years: list[int] | None = None) -> None:
    """Recompute and store the plan's realisation figures for the given years (all the
    plan's years by default). Called by every service whose change moves a figure."""
    pending = _DEFERRED.get()
    if pending is not None:
        pending.setdefault(plan.pk, (plan, set()))[1].update(years or _years_of(plan))
        return
    for year in years or _years_of(plan):
        Rollup.objects.update_or_create(
            plan=plan, year=year, defaults={"data": plan_figures(plan, year)}
        )


# Snapshots ------------------------------------------------------------------------------

SNAPSHOT_PERIODS: dict[str, int] = {
    "H1": 6,
    "H2": 12,
    "Y": 12,
    **{f"Q{q}": 3 * q for q in (1, 2, 3, 4)},
    **{f"M{m}": m for m in range(1, 13)},
}


def snapshot_close(*, actor: Any, plan: Plan, year: int, period: str) -> Snapshot:
    """Close a period («1405-H1») and freeze the plan's figures for the year through its
    last month. Once taken a snapshot never changes; a later correction shows beside it
    (selectors.snapshot_with_corrections)."""
    authorise(actor, "monitoring.close_snapshot", plan)
    label = to_latin_digits(str(period or "")).strip().upper()
    if label not in SNAPSHOT_PERIODS:
        raise DomainError("دوره باید H1، H2، Q1 تا Q4، M1 تا M12 یا Y باشد.", code="invalid_period")
    year = int(year)
    if not plan.start_year <= year <= plan.end_year:
        raise DomainError(
            f"سال باید از {plan.start_year} تا {plan.end_year} باشد.", code="year_outside_plan"
        )
    through = SNAPSHOT_PERIODS[label]
    if (year, through) >= _jalali_today():
        raise DomainError("دوره‌ای که هنوز تمام نشده بسته نمی‌شود.", code="period_not_ended")
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                plan=plan,
                year=year,
                period=label,
                through_month=through,
                data=plan_figures(plan, year, through),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            activity_record(
                actor=actor,
                action="monitoring.snapshot_close",
                obj=snapshot,
                city_id=plan.city_id,
                after={"year": year, "period": label, "realisation": snapshot.data["plan"]},
            )
    except IntegrityError:
        raise Conflict("این دوره پیش‌تر بسته شده است.", code="snapshot_exists") from None
    return snapshot
