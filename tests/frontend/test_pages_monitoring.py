"""Plan monitoring's pages: the public dashboard and indicator page, the plan item's
indicators, the problem's chain, the planners' overdue list and measurement forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services as inventory_services
from monitoring import services
from monitoring.models import Measurement
from tests.factories import (
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)

YEAR = 1405


@pytest.fixture
def planner2(arak):
    return StaffRoleFactory(city=arak, role="planner").user


@pytest.fixture
def built(plan, planner, planner2):
    """Goal 1 ← strategy 1.1 with «a» (higher, 10 → 20, now 15: 50%, weight 1) and «b»
    (lower, 100 → 50, now 60: 80%, weight 3) → 72.5%; goal 2 has no indicator."""
    goal = PlanItemFactory(plan=plan, code="1", kind="goal", title="هدف حمل‌ونقل")
    strategy = PlanItemFactory(plan=plan, parent=goal, code="1.1", kind="strategy")
    PlanItemFactory(plan=plan, code="2", kind="goal", title="هدف دوم")

    def make(code, direction, base, target, value, weight):
        indicator = services.indicator_create(
            actor=planner,
            plan=plan,
            code=code,
            title=f"شاخص {code}",
            unit="درصد",
            direction=direction,
            source="شهرداری",
        )
        services.indicator_version_publish(actor=planner, version=indicator.versions.get())
        services.baseline_set(actor=planner, indicator=indicator, value=base, year=1403)
        services.target_set(actor=planner, indicator=indicator, year=YEAR, value=target)
        services.indicator_link_set(
            actor=planner, indicator=indicator, plan_item=strategy, weight=weight
        )
        row = services.measurement_enter(
            actor=planner, indicator=indicator, year=YEAR, period=1, value=value, submit=True
        )
        services.measurement_verify(actor=planner2, measurement=row)
        return indicator

    a = make("a", "higher", 10, 20, 15, 1)
    b = make("b", "lower", 100, 50, 60, 3)
    c = services.indicator_create(
        actor=planner,
        plan=plan,
        code="c",
        title="شاخص c",
        kind="computed",
        formula='val("a") + val("b")',
    )
    services.indicator_version_publish(actor=planner, version=c.versions.get())
    return {"plan": plan, "goal": goal, "strategy": strategy, "a": a, "b": b, "c": c}


def _html(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


@pytest.mark.django_db
def test_dashboard_shows_realisation_with_coverage(client, built):
    html = _html(client.get(f"/plans/{built['plan'].pk}/monitoring/?year={YEAR}"))
    assert 'data-testid="plan-figure-value">۷۳٪<' in html
    assert "پوشش داده ۱۰۰٪" in html
    assert 'data-testid="goal-figure-value">۷۳٪<' in html
    assert "شاخصی برای این هدف تعریف نشده" in html  # goal 2 drops out, shown as such
    assert "آخرین اندازه‌گیری:" in html
    assert "روز دیرکرد" in html  # months after farvardin are past due by now
    assert 'data-testid="year-selector"' in html


@pytest.mark.django_db
def test_plan_page_links_to_dashboard(client, built):
    html = _html(client.get(f"/plans/{built['plan'].pk}/"))
    assert f"/plans/{built['plan'].pk}/monitoring/" in html


@pytest.mark.django_db
def test_dashboard_snapshot_and_later_correction(client, built, city_admin, planner):
    plan = built["plan"]
    services.snapshot_close(actor=city_admin, plan=plan, year=YEAR, period="H1")
    html = _html(client.get(f"/plans/{plan.pk}/monitoring/?year={YEAR}"))
    assert "پایان نیمه‌ی نخست ۱۴۰۵:" in html
    assert 'data-testid="snapshot-correction"' not in html
    current = Measurement.objects.current().get(indicator=built["a"])
    services.measurement_correct(actor=planner, measurement=current, value=18, reason="خطای ورود")
    html = _html(client.get(f"/plans/{plan.pk}/monitoring/?year={YEAR}"))
    assert 'data-testid="snapshot-correction"' in html
    # the correction of «a» and the recomputed «c» that reads it
    assert "پس از این تصویر ۲ اصلاح ثبت شد" in html


@pytest.mark.django_db
def test_unknown_plan_and_indicator_are_404(client, db):
    assert client.get("/plans/9999/monitoring/").status_code == 404
    assert client.get("/indicators/9999/").status_code == 404


@pytest.mark.django_db
def test_indicator_page(client, built):
    html = _html(client.get(f"/indicators/{built['a'].pk}/"))
    assert "شاخص a" in html
    assert "بیشتر بهتر است" in html
    assert "شهرداری" in html
    assert 'data-testid="baseline"' in html
    assert "پایه ۱۴۰۳" in html
    assert "۵۰٪" in html  # 1405: (15 − 10) / (20 − 10)
    assert "تأییدشده" in html
    assert "وزن ۱" in html
    assert "<svg" in html
    assert "۱۴۰۵" in html.split("<svg", 1)[1]
    assert 'font-size="14"' in html  # 14 units of a 400-wide chart: ≥ 12 px on a phone
    assert 'data-testid="enter-form"' not in html  # the public reads only


@pytest.mark.django_db
def test_computed_indicator_shows_formula_and_inputs(client, built):
    html = _html(client.get(f"/indicators/{built['c'].pk}/"))
    assert 'data-testid="formula-text"' in html
    assert 'dir="rtl" data-testid="formula-text"' in html
    assert "«a»" in html or "a" in html
    terms = html.count('data-testid="formula-term"')
    assert terms == 2
    assert "۱۵" in html
    assert "۶۰" in html


@pytest.mark.django_db
def test_plan_item_shows_indicators_and_weights(client, built):
    html = _html(client.get(f"/plan-items/{built['strategy'].pk}/"))
    assert 'data-testid="item-indicators"' in html
    assert html.count('data-testid="item-indicator"') == 2
    assert "وزن ۳" in html
    assert 'data-testid="item-figure-value">۷۳٪<' in html


@pytest.mark.django_db
def test_problem_shows_chain(client, built, planner):
    problem = ProblemFactory(plan=built["plan"], title="ترافیک")
    inventory_services.triage_accept(
        actor=planner, problem_id=problem.pk, new_entry={"title": "ترافیک مرکز", "severity": 3}
    )
    problem.refresh_from_db()
    inventory_services.plan_item_addresses_set(
        actor=planner, item=built["strategy"], entries=[problem.inventory_entry]
    )
    with CaptureQueriesContext(connection) as queries:
        html = _html(client.get(f"/problems/{problem.pk}/"))
    assert 'data-testid="problem-chain"' in html
    assert "ترافیک مرکز" in html
    assert html.count('data-testid="chain-indicator"') == 2
    assert 'data-testid="chain-figure-value">۷۳٪<' in html
    # The timeline's progress step and the chain section read the chain once between them.
    links = [q for q in queries if 'FROM "monitoring_indicatorlink"' in q["sql"]]
    assert len(links) == 1


@pytest.mark.django_db
def test_overdue_list_for_planners_only(client, built, planner, qom):
    url = f"/plans/{built['plan'].pk}/monitoring/overdue/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(StaffRoleFactory(city=qom, role="planner").user)
    assert client.get(url).status_code == 403
    client.force_login(planner)
    html = _html(client.get(url))
    assert html.count('data-testid="overdue-row"') == 3  # a, b and the computed c
    assert "روز دیرکرد" in html


@pytest.mark.django_db
def test_planner_enters_submits_and_another_verifies_then_corrects(
    client, built, planner, planner2
):
    a = built["a"]
    client.force_login(planner)
    html = _html(client.get(f"/indicators/{a.pk}/"))
    assert 'data-testid="enter-form"' in html
    response = client.post(
        f"/indicators/{a.pk}/measurements/", {"year": YEAR, "period": 2, "value": "16"}
    )
    assert response.status_code == 302
    draft = Measurement.objects.get(indicator=a, period=2)
    assert draft.state == "draft"
    html = _html(client.get(f"/indicators/{a.pk}/"))
    assert 'data-testid="submit-button"' in html
    response = client.post(f"/indicators/{a.pk}/measurements/{draft.pk}/submit/")
    assert response.status_code == 302
    # The one who entered it may not verify it; the button is not shown either.
    html = _html(client.get(f"/indicators/{a.pk}/"))
    assert 'data-testid="verify-button"' not in html
    response = client.post(f"/indicators/{a.pk}/measurements/{draft.pk}/verify/")
    assert response.status_code == 403
    client.force_login(planner2)
    assert 'data-testid="verify-button"' in _html(client.get(f"/indicators/{a.pk}/"))
    response = client.post(f"/indicators/{a.pk}/measurements/{draft.pk}/verify/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "verified"
    # A correction needs a reason; refused, the page shows the message.
    response = client.post(
        f"/indicators/{a.pk}/measurements/{draft.pk}/correct/", {"value": "17", "reason": ""}
    )
    assert response.status_code == 400
    assert 'data-testid="form-error"' in response.content.decode()
    response = client.post(
        f"/indicators/{a.pk}/measurements/{draft.pk}/correct/",
        {"value": "17", "reason": "سند تازه"},
    )
    assert response.status_code == 302
    html = _html(client.get(f"/indicators/{a.pk}/"))
    assert "اصلاح: سند تازه" in html
    assert Measurement.objects.filter(indicator=a, period=2).count() == 2


@pytest.mark.django_db
def test_other_city_planner_cannot_enter(client, built, qom):
    client.force_login(StaffRoleFactory(city=qom, role="planner").user)
    a = built["a"]
    html = _html(client.get(f"/indicators/{a.pk}/"))
    assert 'data-testid="enter-form"' not in html
    response = client.post(
        f"/indicators/{a.pk}/measurements/", {"year": YEAR, "period": 2, "value": "16"}
    )
    assert response.status_code == 403
    assert not Measurement.objects.filter(indicator=a, period=2).exists()


@pytest.mark.django_db
def test_bad_value_is_refused_in_persian(client, built, planner):
    client.force_login(planner)
    response = client.post(
        f"/indicators/{built['a'].pk}/measurements/",
        {"year": YEAR, "period": 2, "value": "abc", "form": "enter"},
    )
    assert response.status_code == 400
    assert 'data-testid="form-error"' in response.content.decode()


def _plan_with(planner, arak, count: int):
    plan = PlanFactory(city=arak)
    goal = PlanItemFactory(plan=plan, code="1", kind="goal")
    # As bulk writers write: the roll-up is stored once, when the block ends.
    with services.rollups_deferred():
        for number in range(count):
            indicator = services.indicator_create(
                actor=planner, plan=plan, code=f"i{number}", title=f"شاخص {number}"
            )
            services.indicator_version_publish(actor=planner, version=indicator.versions.get())
            services.indicator_link_set(
                actor=planner, indicator=indicator, plan_item=goal, weight=1
            )
            services.target_set(actor=planner, indicator=indicator, year=YEAR, value=10)
    services.rollup_refresh(plan=plan)
    return plan


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_indicators(client, arak, planner):
    one, twenty = _plan_with(planner, arak, 1), _plan_with(planner, arak, 20)
    assert _queries(client, f"/plans/{one.pk}/monitoring/") == _queries(
        client, f"/plans/{twenty.pk}/monitoring/"
    )
    client.force_login(planner)
    assert _queries(client, f"/plans/{one.pk}/monitoring/overdue/") == _queries(
        client, f"/plans/{twenty.pk}/monitoring/overdue/"
    )


@pytest.mark.django_db
def test_english_pages_have_no_untranslated_chrome(client, built):
    from tests.frontend.test_pages_english import ARABIC_LETTERS, LANGUAGE_ENDONYM, chrome_text

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in (
        f"/plans/{built['plan'].pk}/monitoring/",
        f"/indicators/{built['a'].pk}/",
        f"/indicators/{built['c'].pk}/",
        f"/plan-items/{built['strategy'].pk}/",
    ):
        html = _html(client.get(url))
        assert 'dir="ltr"' in html
        content = (
            built["plan"].title,
            built["strategy"].title,
            "اراک",
            "شاخص a",
            "شاخص b",
            "شاخص c",
            "هدف حمل‌ونقل",
            "هدف دوم",
            LANGUAGE_ENDONYM,
        )
        leftovers = []
        for piece in chrome_text(html):
            for allowed in content:
                piece = piece.replace(allowed, " ")
            if ARABIC_LETTERS.search(piece):
                leftovers.append(piece)
        assert not leftovers, (url, leftovers)
