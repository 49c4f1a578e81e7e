"""Arak's plan monitoring for the demo, written through the monitoring services as the demo's
planners: indicators with their published versions, links with public weights, baselines,
targets for 1404–1408 with the horizon, measurements (entered by `planner`, verified by
`planner2`: the second pair of eyes the rules require), the cancelled plan item, the computed
indicators (recomputed by the service when their formula is published), the one correction
after verification and the snapshots of the periods that have ended.

The data is demo/monitoring_plan.py. What the services cannot take from it is left out and
said here: values are stamped with the real time of loading (not the data's entry dates), and
a computed indicator's named inputs are one value per version (the services have no
per-period inputs yet), so those take the inputs of the last closed period.
"""

from typing import Any

from django.utils import timezone

from accounts.models import User
from backend.jalali import to_jalali
from demo import monitoring_plan as data
from monitoring import services
from monitoring.models import Indicator, Measurement, Periodicity
from planning.models import Plan, PlanItem

INPUT_TITLES = {
    "population": "جمعیت برآوردی شهر",
    "received": "شکایت‌های ثبت‌شده در ماه",
    "resolved_on_time": "شکایت‌های پاسخ‌گرفته در مهلت",
}
VERSION_FIELDS = ("unit", "direction", "periodicity", "aggregation", "source", "definition")


def _period(periodicity: str, period: int) -> int:
    """The data counts a yearly indicator's one period as 1; the app as 0."""
    return 0 if periodicity == Periodicity.YEARLY else period


def _last_inputs(code: str) -> list[dict[str, str]]:
    entries = [entry for entry in data.input_entries() if entry["code"] == code]
    last = entries[-1]["inputs"] if entries else {}
    return [
        {"name": name, "title": INPUT_TITLES.get(name, name), "value": last[name]}
        for name in data.BY_CODE[code]["inputs"]
    ]


def _create(plan: Plan, spec: dict[str, Any], planner: User) -> Indicator:
    fields = {name: spec[name] for name in VERSION_FIELDS}
    if spec["kind"] == "computed":
        fields.update(kind="computed", formula=spec["formula"], inputs=_last_inputs(spec["code"]))
    return services.indicator_create(
        actor=planner,
        plan=plan,
        code=spec["code"],
        title=spec["title"],
        owner_unit=spec["owner_unit"],
        **fields,
    )


def _define(plan: Plan, indicator: Indicator, spec: dict[str, Any], planner: User) -> None:
    """Links with weights, the baseline and the yearly targets (1408 is the horizon)."""
    items = {item.code: item for item in PlanItem.objects.filter(plan=plan)}
    for item_code, weight in spec["links"]:
        services.indicator_link_set(
            actor=planner, indicator=indicator, plan_item=items[item_code], weight=weight
        )
    value, year, month = data.BASELINES[spec["code"]]
    services.baseline_set(actor=planner, indicator=indicator, value=value, year=year, month=month)
    for year, target in data.TARGETS[spec["code"]].items():
        services.target_set(
            actor=planner,
            indicator=indicator,
            year=year,
            value=target,
            is_horizon=year == data.HORIZON_YEAR,
        )


def _publish(indicator: Indicator, planner: User) -> None:
    draft = indicator.versions.get(published_at__isnull=True)
    services.indicator_version_publish(actor=planner, version=draft)


def _measure(indicators: dict[str, Indicator], planner: User, verifier: User) -> int:
    """Every record of the data: entered and submitted by `planner`, verified by the other
    planner unless the data leaves it waiting. Overdue periods are simply absent."""
    count = 0
    for record in data.measurements():
        indicator = indicators[record["code"]]
        periodicity = data.BY_CODE[record["code"]]["periodicity"]
        row = services.measurement_enter(
            actor=planner,
            indicator=indicator,
            year=record["year"],
            period=_period(periodicity, record["period"]),
            value=record["value"],
            source=record["source"],
            note=record["note"],
            submit=True,
        )
        if record["state"] == "verified":
            services.measurement_verify(actor=verifier, measurement=row)
        count += 1
    return count


def _correct(indicators: dict[str, Indicator], planner: User) -> Measurement:
    spec = data.CORRECTION
    original = Measurement.objects.current().get(
        indicator=indicators[spec["code"]], year=spec["year"], period=spec["period"]
    )
    return services.measurement_correct(
        actor=planner, measurement=original, value=spec["value"], reason=spec["reason"]
    )


def _close(plan: Plan, snapshot: dict[str, Any], planner: User) -> bool:
    """Close a snapshot of the data if its period has ended in real time."""
    year, month = snapshot["year"], snapshot["month"]
    today = to_jalali(timezone.localdate())
    if (year, month) >= (today.year, today.month):
        return False
    period = "Y" if month == 12 else "H1"
    services.snapshot_close(actor=planner, plan=plan, year=year, period=period)
    return True


def _cancel(plan: Plan, planner: User) -> None:
    for code, reason in data.CANCELLED_ITEMS.items():
        item = PlanItem.objects.get(plan=plan, code=code)
        services.item_monitoring_set(
            actor=planner, plan_item=item, state="cancelled", reason=reason
        )


def load_monitoring(plan: Plan) -> dict[str, int]:
    """Load Arak's monitoring once: a plan that already has indicators is left as it is."""
    if Indicator.objects.filter(plan=plan).exists():
        return {}
    planner = User.objects.get(username="planner")
    verifier = User.objects.get(username="planner2")
    measured = [spec for spec in data.INDICATORS if spec["kind"] == "measured"]
    computed = [spec for spec in data.INDICATORS if spec["kind"] == "computed"]
    indicators: dict[str, Indicator] = {}
    snapshots = 0
    with services.rollups_deferred():
        for spec in measured + computed:
            indicators[spec["code"]] = indicator = _create(plan, spec, planner)
            _define(plan, indicator, spec, planner)
        for spec in measured:
            _publish(indicators[spec["code"]], planner)
        _cancel(plan, planner)
        count = _measure(indicators, planner, verifier)
        # Computed last, each after the indicators its formula reads: publishing one
        # computes its values for every period that has data.
        for spec in _dependency_order(computed):
            _publish(indicators[spec["code"]], planner)
        # The 1404 snapshot is taken before the correction (which then shows beside it).
        first, *rest = data.SNAPSHOTS
        snapshots += _close(plan, first, planner)
        _correct(indicators, planner)
        for snapshot in rest:
            snapshots += _close(plan, snapshot, planner)
    return {
        "indicators": len(indicators),
        "measurements": count,
        "snapshots": snapshots,
    }


def _dependency_order(computed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Computed indicators so that each comes after the computed ones its formula reads."""
    pending = list(computed)
    ordered: list[dict[str, Any]] = []
    while pending:
        for spec in pending:
            reads = {
                other["code"]
                for other in pending
                if other is not spec and f'val("{other["code"]}")' in spec["formula"]
            }
            if not reads:
                ordered.append(spec)
                pending.remove(spec)
                break
        else:  # a cycle: the service refuses it with a Persian message
            ordered.extend(pending)
            break
    return ordered
