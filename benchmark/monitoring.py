"""Plan monitoring in the benchmark: a Qom-shaped plan's indicators written in bulk (the
services' own `rollup_refresh` computes the stored figures afterwards), and the rows that
time the plan dashboard and the indicator detail selectors server-side."""

import gc
import random
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from benchmark.measure import Row
from monitoring import selectors, services
from monitoring.models import (
    Baseline,
    Indicator,
    IndicatorLink,
    IndicatorVersion,
    Measurement,
    Target,
)
from planning.models import Plan, PlanItem

INDICATORS = 500
DIRECTIONS = ("higher", "lower")
AGGREGATIONS = ("mean", "sum", "last")


def seed_monitoring(
    plan: Plan, *, indicators: int = INDICATORS, seed: int = 1404, say: Callable = print
) -> dict[str, int]:
    """`indicators` monthly indicators linked to the plan's policies and projects, with a
    baseline, a target per plan year (the last is the horizon) and a verified value for every
    month of every plan year. Nothing is written when the plan already has indicators."""
    if Indicator.objects.filter(plan=plan).exists():
        say("  monitoring: the plan already has indicators, left as they are")
        return {}
    rng = random.Random(seed)
    started = time.monotonic()
    years = list(range(plan.start_year, plan.end_year + 1))
    items = list(
        PlanItem.objects.filter(plan=plan, kind__in=["policy", "project"]).values_list(
            "pk", flat=True
        )
    )
    now = timezone.now()
    with transaction.atomic():
        rows = Indicator.objects.bulk_create(
            Indicator(plan=plan, code=f"bench_{n:04d}", owner_unit="واحد پایش")
            for n in range(indicators)
        )
        ids = list(
            Indicator.objects.filter(plan=plan).order_by("code").values_list("pk", flat=True)
        )
        versions = IndicatorVersion.objects.bulk_create(
            IndicatorVersion(
                indicator_id=pk,
                number=1,
                title=f"شاخص آزمون {n}",
                unit="درصد",
                direction=DIRECTIONS[n % 2],
                aggregation=AGGREGATIONS[n % 3],
                periodicity="monthly",
                published_at=now,
            )
            for n, pk in enumerate(ids)
        )
        version_of = dict(
            IndicatorVersion.objects.filter(indicator__plan=plan).values_list("indicator_id", "pk")
        )
        links, baselines, targets, measurements = [], [], [], []
        for n, pk in enumerate(ids):
            for item in rng.sample(items, min(2, len(items))):
                links.append(IndicatorLink(indicator_id=pk, plan_item_id=item, weight=1))
            base = Decimal(rng.randint(20, 80))
            step = Decimal(rng.randint(2, 6)) * (1 if n % 2 == 0 else -1)
            baselines.append(Baseline(indicator_id=pk, value=base, year=years[0] - 1, month=12))
            for i, year in enumerate(years, start=1):
                targets.append(
                    Target(
                        indicator_id=pk,
                        year=year,
                        value=base + step * i,
                        is_horizon=year == years[-1],
                    )
                )
                for month in range(1, 13):
                    progress = i - 1 + month / 12 * rng.uniform(0.4, 1.2)
                    value = float(base) + float(step) * progress
                    divisor = 12 if AGGREGATIONS[n % 3] == "sum" else 1
                    measurements.append(
                        Measurement(
                            indicator_id=pk,
                            version_id=version_of[pk],
                            year=year,
                            period=month,
                            value=Decimal(f"{value / divisor:.2f}"),
                            state="verified",
                            verified_at=now,
                        )
                    )
        IndicatorLink.objects.bulk_create(links, batch_size=2000)
        Baseline.objects.bulk_create(baselines, batch_size=2000)
        Target.objects.bulk_create(targets, batch_size=2000)
        Measurement.objects.bulk_create(measurements, batch_size=2000)
        services.rollup_refresh(plan=plan)
    say(
        f"  monitoring: {len(rows)} indicators, {len(versions)} versions, {len(links)} links, "
        f"{len(measurements):,} measurements in {time.monotonic() - started:.1f} s"
    )
    return {"indicators": len(rows), "measurements": len(measurements)}


def _series(row: Row, make: Callable[[int], object], *, requests: int, warmup: int) -> Row:
    for i in range(warmup):
        with CaptureQueriesContext(connection) as queries:
            make(i)
        row.queries.append(len(queries))
    gc.collect()
    with override_settings(DEBUG=False):
        for i in range(warmup, warmup + requests):
            started = time.perf_counter()
            make(i)
            row.samples.append((time.perf_counter() - started) * 1000)
    row.judge()
    return row


def monitoring_rows(
    plan: Plan, *, requests: int, warmup: int, seed: int, say: Callable = print
) -> list[Row]:
    """The dashboard and indicator detail selectors, timed in-process (server-side: the
    selector and its queries; the pages and the API render what they return)."""
    dashboard = Row("monitoring_dashboard", "selectors.plan_dashboard (plan)", "p95 < 50 ms", 50)
    detail = Row(
        "monitoring_indicator",
        "selectors.indicator_detail (one indicator)",
        "p95 < 50 ms",
        50,
    )
    ids = list(Indicator.objects.filter(plan=plan).values_list("pk", flat=True))
    if not ids:
        dashboard.value = detail.value = "not run (no indicators: bench_data --monitoring)"
        return [dashboard, detail]
    rng = random.Random(seed)
    picks = [rng.choice(ids) for _ in range(requests + warmup)]
    _series(
        dashboard,
        lambda _i: selectors.plan_dashboard(plan),
        requests=requests,
        warmup=warmup,
    )
    _series(
        detail,
        lambda i: selectors.indicator_detail(
            Indicator.objects.select_related("plan").get(pk=picks[i])
        ),
        requests=requests,
        warmup=warmup,
    )
    for row in (dashboard, detail):
        say(
            f"  {row.label}: p50 {row.p(50):.1f} ms, p95 {row.p(95):.1f} ms, "
            f"p99 {row.p(99):.1f} ms, {row.queries_text} queries"
        )
    return [dashboard, detail]
