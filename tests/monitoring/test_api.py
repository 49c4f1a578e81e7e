"""The monitoring API: every endpoint's status and payload, and more refusals than
successes (anonymous, citizens, another city's planners, unknown ids, bad values, years and
periods, huge numbers, NUL) — each a 4xx with a Persian message."""

import csv
import io
import re
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from monitoring.models import IndicatorLink, ItemMonitoring, Measurement, Snapshot
from monitoring.services import (
    baseline_set,
    indicator_create,
    indicator_link_set,
    indicator_version_publish,
    measurement_enter,
    target_set,
)
from tests.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

PERSIAN = re.compile(r"[\u0600-\u06FF]")
HUGE = "9" * 40
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def persian_refusal(response, status):
    assert response.status_code == status, response.content[:400]
    body = response.json()
    text = body["detail"] if "detail" in body else str(body)
    assert PERSIAN.search(text), body
    return body


@pytest.fixture
def anon(api_client):
    return api_client


@pytest.fixture
def e_services(make_indicator, planner, goal, strategy):
    indicator = make_indicator("e_services", unit="درصد")
    indicator_link_set(actor=planner, indicator=indicator, plan_item=strategy, weight=2)
    baseline_set(actor=planner, indicator=indicator, value=10, year=1403)
    target_set(actor=planner, indicator=indicator, year=1404, value=30)
    return indicator


@pytest.fixture
def measured(e_services, verified):
    return verified(e_services, 1404, 1, 20)


# The dashboard ---------------------------------------------------------------------------


def test_dashboard_is_public_with_goals_and_freshness(anon, plan, goal, goal2, measured):
    body = anon.get(f"/api/v1/plans/{plan.pk}/monitoring/", {"year": 1404}).json()
    assert body["year"] == 1404
    assert body["plan"]["id"] == plan.pk
    assert D(body["realisation"]["value"]) == D("0.5")
    goals = {row["code"]: row for row in body["goals"]}
    assert D(goals["1"]["value"]) == D("0.5")
    assert goals["1"]["indicators"] == 1
    assert re.match(r"^1[34]\d\d/\d\d/\d\d", goals["1"]["last_measured_at_jalali"])
    assert goals["2"]["measured"] is False
    indicator = str(measured.indicator_id)
    assert D(body["indicators"][indicator]["actual"]) == 20
    assert body["freshness"][indicator]["last_period"] == [1404, 1]
    assert body["snapshots"] == []


@pytest.mark.parametrize("year", ["1399", "abc", "1409", "۱۵۰۱", HUGE])
def test_dashboard_refuses_bad_years(anon, plan, year):
    persian_refusal(anon.get(f"/api/v1/plans/{plan.pk}/monitoring/", {"year": year}), 400)


@pytest.mark.parametrize("pk", [999999, 2**63])
def test_dashboard_of_unknown_plan(anon, pk):
    persian_refusal(anon.get(f"/api/v1/plans/{pk}/monitoring/"), 404)


def test_dashboard_accepts_persian_digits(anon, plan, measured):
    response = anon.get(f"/api/v1/plans/{plan.pk}/monitoring/", {"year": "۱۴۰۴"})
    assert response.status_code == 200


# Indicators ------------------------------------------------------------------------------


def test_indicator_list_filters(anon, plan, goal, e_services, make_indicator):
    make_indicator("draft_only", publish=False)
    other = make_indicator("water", title="آب سالم")
    body = anon.get("/api/v1/indicators/", {"plan": plan.pk}).json()
    assert [row["code"] for row in body["results"]] == ["e_services", "water"]
    assert body["results"][0]["current"]["unit"] == "درصد"
    assert body["results"][0]["created_at_jalali"]
    strategy_id = e_services.links.get().plan_item_id
    body = anon.get("/api/v1/indicators/", {"plan_item": strategy_id}).json()
    assert [row["code"] for row in body["results"]] == ["e_services"]
    body = anon.get("/api/v1/indicators/", {"q": "آب"}).json()
    assert [row["id"] for row in body["results"]] == [other.pk]
    assert anon.get("/api/v1/indicators/", {"plan": 10**30}).status_code == 400


def test_planner_creates_indicator(as_user, planner, plan):
    client = as_user(planner)
    response = client.post(
        "/api/v1/indicators/",
        {"plan": plan.pk, "code": "clinics", "title": "درمانگاه‌ها", "periodicity": "quarterly"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["current_version"] is None
    assert body["draft"]["periodicity"] == "quarterly"
    pk = body["indicator"]["id"]
    # a draft is not public
    client.credentials()
    persian_refusal(client.get(f"/api/v1/indicators/{pk}/"), 404)


@pytest.mark.parametrize(("who", "status"), [("anon", 401), ("citizen", 403), ("qom_planner", 403)])
def test_only_the_citys_planners_create(request, api_client, as_user, plan, who, status):
    client = api_client if who == "anon" else as_user(request.getfixturevalue(who))
    response = client.post(
        "/api/v1/indicators/", {"plan": plan.pk, "code": "x1", "title": "شاخص"}, format="json"
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "body",
    [
        {"plan": None, "code": "x1", "title": "شاخص"},
        {"plan": 999999, "code": "x1", "title": "شاخص"},
        {"plan": "۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹", "code": "x1", "title": "شاخص"},
        {"code": "بد", "title": "شاخص"},
        {"code": "x1", "title": ""},
        {"code": "x1", "title": "ش", "direction": "sideways"},
        {"code": "x1", "title": "ش", "kind": "measured", "formula": 'val("a")'},
        {"code": "x1", "title": "ش" * 301},
        {"code": "x1", "title": "ش", "inputs": "population"},
    ],
)
def test_create_refuses_bad_input(as_user, planner, plan, body):
    body = {"plan": plan.pk, **body}
    if body["plan"] is None:
        del body["plan"]
    response = as_user(planner).post("/api/v1/indicators/", body, format="json")
    persian_refusal(response, 400)


def test_duplicate_code_is_a_conflict(as_user, planner, plan, e_services):
    response = as_user(planner).post(
        "/api/v1/indicators/", {"plan": plan.pk, "code": "e_services", "title": "ت"}, format="json"
    )
    persian_refusal(response, 409)


def test_indicator_detail(anon, e_services, measured, goal):
    body = anon.get(f"/api/v1/indicators/{e_services.pk}/").json()
    assert body["indicator"]["code"] == "e_services"
    assert body["current_version"]["number"] == 1
    assert body["draft"] is None
    assert body["baseline"]["value"] == "10"
    assert body["baseline"]["jalali"] == "1403/12"
    assert body["targets"] == [{"year": 1404, "value": "30", "is_horizon": False}]
    (period,) = body["periods"]
    assert period["current"]["value"] == "20"
    assert period["current"]["version_number"] == 1
    assert period["current"]["verified_at_jalali"]
    (link,) = body["links"]
    assert link["weight"] == "2"
    assert link["plan_item"]["code"] == "1.1"
    year_1404 = next(row for row in body["realisation"] if row["year"] == 1404)
    assert year_1404["value"] == "0.5"
    assert body["freshness"]["last_period"] == [1404, 1]
    assert body["formula"] is None


def test_computed_indicator_shows_its_formula(anon, planner, plan, e_services, measured):
    indicator = indicator_create(
        actor=planner,
        plan=plan,
        code="per_k",
        title="به ازای هزار نفر",
        kind="computed",
        formula='val("e_services") / input("population") * 1000',
        inputs=[{"name": "population", "title": "جمعیت", "value": "500000"}],
    )
    indicator_version_publish(actor=planner, version=indicator.versions.get())
    formula = anon.get(f"/api/v1/indicators/{indicator.pk}/").json()["formula"]
    assert formula["persian"] == "مقدار(«e_services») ÷ ورودی(«population») × ۱۰۰۰"
    assert (formula["year"], formula["period"], formula["result"]) == (1404, 1, "0.04")
    values = {row["name"]: row["value"] for row in formula["explain"]}
    assert values == {"e_services": "20", "population": "500000"}


@pytest.mark.parametrize("pk", [999999, 2**63, 10**25])
def test_unknown_indicator(anon, pk):
    persian_refusal(anon.get(f"/api/v1/indicators/{pk}/"), 404)


def test_draft_then_publish(as_user, planner, e_services):
    client = as_user(planner)
    response = client.patch(
        f"/api/v1/indicators/{e_services.pk}/draft/", {"title": "خدمات برخط"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["number"] == 2
    assert response.json()["published"] is False
    detail = client.get(f"/api/v1/indicators/{e_services.pk}/").json()
    assert detail["draft"]["title"] == "خدمات برخط"
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    response = client.post(f"/api/v1/indicators/{e_services.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["published"] is True
    persian_refusal(client.post(f"/api/v1/indicators/{e_services.pk}/publish/"), 409)


def test_public_sees_no_draft_version(anon, as_user, planner, e_services):
    as_user(planner).patch(
        f"/api/v1/indicators/{e_services.pk}/draft/", {"title": "نو"}, format="json"
    )
    anon.credentials()
    body = anon.get(f"/api/v1/indicators/{e_services.pk}/").json()
    assert body["draft"] is None
    assert [v["number"] for v in body["versions"]] == [1]


@pytest.mark.parametrize(
    "body",
    [{"periodicity": "yearly"}, {"title": ""}, {"direction": 5}, {"kind": "magic"}],
)
def test_draft_refusals(as_user, planner, e_services, body):
    client = as_user(planner)
    response = client.patch(f"/api/v1/indicators/{e_services.pk}/draft/", body, format="json")
    if response.status_code == 200:  # periodicity may change in a draft; publishing refuses
        response = client.post(f"/api/v1/indicators/{e_services.pk}/publish/")
    persian_refusal(response, 400)


def test_computed_formula_refused_in_persian(as_user, planner, plan):
    client = as_user(planner)
    pk = client.post(
        "/api/v1/indicators/",
        {
            "plan": plan.pk,
            "code": "bad",
            "title": "بد",
            "kind": "computed",
            "formula": '__import__("os")',
        },
        format="json",
    ).json()["indicator"]["id"]
    persian_refusal(client.post(f"/api/v1/indicators/{pk}/publish/"), 400)


@pytest.mark.parametrize("who", ["citizen", "qom_planner"])
def test_others_cannot_edit(request, as_user, e_services, who):
    client = as_user(request.getfixturevalue(who))
    url = f"/api/v1/indicators/{e_services.pk}"
    persian_refusal(client.patch(f"{url}/draft/", {"title": "ن"}, format="json"), 403)
    persian_refusal(client.post(f"{url}/publish/"), 403)
    persian_refusal(client.put(f"{url}/baseline/", {"value": 1, "year": 1403}, format="json"), 403)
    persian_refusal(client.put(f"{url}/targets/", [{"year": 1404, "value": 1}], format="json"), 403)
    persian_refusal(client.put(f"{url}/links/", [], format="json"), 403)


# Links, baseline, targets ----------------------------------------------------------------


def test_links_replace(as_user, planner, plan, e_services, goal, goal2):
    client = as_user(planner)
    response = client.put(
        f"/api/v1/indicators/{e_services.pk}/links/",
        [{"plan_item": goal2.pk, "weight": "۱٫۵"}],
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == [
        {
            "plan_item": {"id": goal2.pk, "code": "2", "title": goal2.title, "kind": "goal"},
            "weight": "1.5",
        }
    ]
    assert list(IndicatorLink.objects.values_list("plan_item_id", flat=True)) == [goal2.pk]


@pytest.mark.parametrize(
    "body",
    [
        {"plan_item": 1},  # not a list
        [],
        [{"plan_item": 999999, "weight": 1}],
        [{"plan_item": "GOAL2", "weight": 0}],
        [{"plan_item": "GOAL2", "weight": -1}],
        [{"plan_item": "GOAL2", "weight": HUGE}],
        [{"plan_item": "GOAL2", "weight": "abc"}],
        [{"plan_item": "GOAL2", "weight": 1}, {"plan_item": "GOAL2", "weight": 2}],
        [{"plan_item": "OTHER", "weight": 1}],
    ],
)
def test_links_refusals(as_user, planner, e_services, goal2, body):
    other = PlanItemFactory(plan=PlanFactory(city=goal2.plan.city))
    ids = {"GOAL2": goal2.pk, "OTHER": other.pk}
    if isinstance(body, list):
        body = [{**row, "plan_item": ids.get(row["plan_item"], row["plan_item"])} for row in body]
    response = as_user(planner).put(
        f"/api/v1/indicators/{e_services.pk}/links/", body, format="json"
    )
    persian_refusal(response, 400)
    assert IndicatorLink.objects.count() == 1  # nothing changed


def test_baseline_and_targets(as_user, planner, e_services):
    client = as_user(planner)
    url = f"/api/v1/indicators/{e_services.pk}"
    response = client.put(
        f"{url}/baseline/", {"value": "۱۲", "year": 1403, "month": 6}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["jalali"] == "1403/06"
    assert response.json()["value"] == "12"
    response = client.put(
        f"{url}/targets/",
        [{"year": 1405, "value": 40}, {"year": 1410, "value": 90, "is_horizon": True}],
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [(row["year"], row["is_horizon"]) for row in response.json()] == [
        (1404, False),
        (1405, False),
        (1410, True),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"value": "x", "year": 1403},
        {"value": HUGE, "year": 1403},
        {"value": 1, "year": 1200},
        {"value": 1, "year": 1403, "month": 13},
        {"value": "1e999", "year": 1403},
        {"year": 1403},
    ],
)
def test_baseline_refusals(as_user, planner, e_services, body):
    response = as_user(planner).put(
        f"/api/v1/indicators/{e_services.pk}/baseline/", body, format="json"
    )
    persian_refusal(response, 400)


@pytest.mark.parametrize(
    "body",
    [
        {"year": 1404, "value": 1},
        [],
        [{"year": 1399, "value": 1}],
        [{"year": 1404, "value": "NaN"}],
        [{"year": 1404, "value": 1}, {"year": 1404, "value": 2}],
        [
            {"year": 1405, "value": 1, "is_horizon": True},
            {"year": 1406, "value": 1, "is_horizon": True},
        ],
        [{"year": 1404, "value": HUGE}],
    ],
)
def test_targets_refusals(as_user, planner, e_services, body):
    response = as_user(planner).put(
        f"/api/v1/indicators/{e_services.pk}/targets/", body, format="json"
    )
    persian_refusal(response, 400)


# Measurements ----------------------------------------------------------------------------


def test_enter_submit_verify_correct(as_user, planner, planner2, owner, plan, make_indicator):
    indicator = make_indicator("water", owner=owner)
    client = as_user(owner)
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/measurements/",
        {"year": 1404, "period": 2, "value": "۷٫۵", "source": "سامانه", "note": "ماه دوم"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["state"] == "draft"
    assert row["value"] == "7.5"
    assert row["created_at_jalali"]
    response = client.post(f"/api/v1/measurements/{row['id']}/submit/")
    assert response.json()["state"] == "submitted"
    persian_refusal(client.post(f"/api/v1/measurements/{row['id']}/verify/"), 403)
    response = as_user(planner2).post(f"/api/v1/measurements/{row['id']}/verify/")
    assert response.status_code == 200
    assert response.json()["state"] == "verified"
    response = as_user(planner).post(
        f"/api/v1/measurements/{row['id']}/correct/",
        {"value": 8, "reason": "خطای تایپی"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["supersedes"] == row["id"]
    assert response.json()["reason"] == "خطای تایپی"
    assert Measurement.objects.get(pk=row["id"]).value == 7.5  # kept as it was


def test_measurement_list_hides_drafts_from_the_public(anon, as_user, planner, e_services):
    measurement_enter(actor=planner, indicator=e_services, year=1404, period=1, value=1)
    measurement_enter(
        actor=planner, indicator=e_services, year=1404, period=2, value=2, submit=True
    )
    url = f"/api/v1/indicators/{e_services.pk}/measurements/"
    assert [r["period"] for r in as_user(planner).get(url).json()["results"]] == [1, 2]
    anon.credentials()
    assert [r["period"] for r in anon.get(url).json()["results"]] == [2]
    assert anon.get(url, {"year": 1405}).json()["results"] == []
    persian_refusal(anon.get(url, {"year": "x"}), 400)


@pytest.mark.parametrize(
    "body",
    [
        {"year": 1404, "period": 13, "value": 1},
        {"year": 1404, "period": 0, "value": 1},  # monthly: 0 is not a month
        {"year": 1403, "period": 1, "value": 1},  # before the plan
        {"year": 1408, "period": 12, "value": 1},  # in the future
        {"year": 1404, "period": 1, "value": HUGE},
        {"year": 1404, "period": 1, "value": "Infinity"},
        {"year": 1404, "period": 1, "value": True},
        {"year": 1404, "period": 1, "value": "ده"},
        {"year": 1404, "period": 1, "value": 1, "evidence_url": "javascript:alert(1)"},
        {"year": 1404, "period": 1},
        {"year": "x", "period": 1, "value": 1},
    ],
)
def test_enter_refusals(as_user, planner, e_services, body):
    response = as_user(planner).post(
        f"/api/v1/indicators/{e_services.pk}/measurements/", body, format="json"
    )
    persian_refusal(response, 400)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "qom_planner"])
def test_others_cannot_enter(request, as_user, e_services, who):
    response = as_user(request.getfixturevalue(who)).post(
        f"/api/v1/indicators/{e_services.pk}/measurements/",
        {"year": 1404, "period": 1, "value": 1},
        format="json",
    )
    persian_refusal(response, 403)


def test_anonymous_cannot_enter(anon, e_services):
    response = anon.post(
        f"/api/v1/indicators/{e_services.pk}/measurements/",
        {"year": 1404, "period": 1, "value": 1},
        format="json",
    )
    assert response.status_code == 401


def test_nul_is_refused(as_user, planner, e_services):
    response = as_user(planner).post(
        f"/api/v1/indicators/{e_services.pk}/measurements/",
        {"year": 1404, "period": 1, "value": 1, "note": "a\x00b"},
        format="json",
    )
    persian_refusal(response, 400)


def test_second_open_entry_is_a_conflict(as_user, planner, e_services, measured):
    response = as_user(planner).post(
        f"/api/v1/indicators/{e_services.pk}/measurements/",
        {"year": 1404, "period": 1, "value": 1},
        format="json",
    )
    persian_refusal(response, 409)


def test_transition_refusals(as_user, planner, planner2, qom_planner, e_services, measured):
    persian_refusal(as_user(planner2).post(f"/api/v1/measurements/{measured.pk}/verify/"), 409)
    persian_refusal(as_user(planner).post(f"/api/v1/measurements/{measured.pk}/submit/"), 409)
    persian_refusal(
        as_user(qom_planner).post(
            f"/api/v1/measurements/{measured.pk}/correct/",
            {"value": 1, "reason": "ر"},
            format="json",
        ),
        403,
    )
    client = as_user(planner)
    url = f"/api/v1/measurements/{measured.pk}/correct/"
    persian_refusal(client.post(url, {"value": 1}, format="json"), 400)
    persian_refusal(client.post(url, {"value": 1, "reason": "  "}, format="json"), 400)
    persian_refusal(client.post(url, {"value": HUGE, "reason": "ر"}, format="json"), 400)
    persian_refusal(client.post("/api/v1/measurements/999999/verify/"), 404)
    persian_refusal(client.post(f"/api/v1/measurements/{2**63}/submit/"), 404)


# Plan items ------------------------------------------------------------------------------


def test_item_state_and_indicators(anon, as_user, planner, goal, strategy, e_services, measured):
    body = anon.get(f"/api/v1/plan-items/{strategy.pk}/indicators/", {"year": 1404}).json()
    assert D(body["figure"]["value"]) == D("0.5")
    (row,) = body["indicators"]
    assert (row["code"], row["weight"]) == ("e_services", "2")
    assert D(row["figure"]["value"]) == D("0.5")
    response = as_user(planner).put(
        f"/api/v1/plan-items/{strategy.pk}/monitoring/",
        {"state": "cancelled", "reason": "بودجه حذف شد"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "cancelled"
    assert ItemMonitoring.objects.get().state == "cancelled"


@pytest.mark.parametrize(
    "body", [{"state": "cancelled"}, {"state": "gone", "reason": "ر"}, {"reason": "ر"}]
)
def test_item_state_refusals(as_user, planner, goal, body):
    response = as_user(planner).put(
        f"/api/v1/plan-items/{goal.pk}/monitoring/", body, format="json"
    )
    persian_refusal(response, 400)


def test_item_state_others(as_user, qom_planner, citizen, goal):
    body = {"state": "cancelled", "reason": "ر"}
    for user in (qom_planner, citizen):
        response = as_user(user).put(
            f"/api/v1/plan-items/{goal.pk}/monitoring/", body, format="json"
        )
        persian_refusal(response, 403)
    persian_refusal(
        as_user(citizen).put("/api/v1/plan-items/999999/monitoring/", body, format="json"), 404
    )


# Overdue, snapshots ----------------------------------------------------------------------


def test_overdue_for_planners_only(as_user, planner, citizen, qom_planner, plan, e_services):
    body = as_user(planner).get(f"/api/v1/plans/{plan.pk}/monitoring/overdue/").json()
    (row,) = body["results"]
    assert row["code"] == "e_services"
    assert row["overdue_days"] > 0
    for user in (citizen, qom_planner):
        response = as_user(user).get(f"/api/v1/plans/{plan.pk}/monitoring/overdue/")
        persian_refusal(response, 403)


def test_snapshots(anon, as_user, planner, plan, e_services, measured, verified):
    client = as_user(planner)
    response = client.post(
        f"/api/v1/plans/{plan.pk}/snapshots/", {"year": 1404, "period": "H1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    snapshot = response.json()
    assert D(snapshot["realisation"]["value"]) == D("0.5")
    assert snapshot["created_at_jalali"]
    persian_refusal(
        client.post(
            f"/api/v1/plans/{plan.pk}/snapshots/", {"year": 1404, "period": "H1"}, format="json"
        ),
        409,
    )
    client.post(
        f"/api/v1/measurements/{measured.pk}/correct/",
        {"value": 30, "reason": "داده‌ی دیرهنگام"},
        format="json",
    )
    anon.credentials()
    body = anon.get(f"/api/v1/plans/{plan.pk}/snapshots/").json()
    assert [row["period"] for row in body["results"]] == ["H1"]
    detail = anon.get(f"/api/v1/snapshots/{snapshot['id']}/").json()
    assert D(detail["frozen"]["plan"]["value"]) == D("0.5")
    assert D(detail["now"]["plan"]["value"]) == 1
    (correction,) = detail["corrections"]
    assert (correction["previous_value"], correction["value"]) == ("20", "30")
    persian_refusal(anon.get("/api/v1/snapshots/999999/"), 404)


@pytest.mark.parametrize(
    "body",
    [
        {"year": 1404, "period": "H3"},
        {"year": 1404},
        {"year": 1399, "period": "Y"},
        {"year": 1408, "period": "Y"},  # not ended
        {"year": HUGE, "period": "Y"},
    ],
)
def test_snapshot_refusals(as_user, planner, plan, body):
    response = as_user(planner).post(f"/api/v1/plans/{plan.pk}/snapshots/", body, format="json")
    persian_refusal(response, 400)
    assert not Snapshot.objects.exists()


def test_snapshot_close_by_others(as_user, citizen, qom_planner, plan):
    for user in (citizen, qom_planner):
        response = as_user(user).post(
            f"/api/v1/plans/{plan.pk}/snapshots/", {"year": 1404, "period": "Y"}, format="json"
        )
        persian_refusal(response, 403)


# Export ----------------------------------------------------------------------------------


EXPORT_HEADER = [
    "code",
    "year",
    "period",
    "value",
    "source",
    "evidence_url",
    "note",
    "state",
    "entered_at",
    "entered_at_jalali",
]


def test_csv_export(anon, planner, plan, e_services, measured):
    measurement_enter(
        actor=planner,
        indicator=e_services,
        year=1404,
        period=2,
        value="2.5",
        submit=True,
        note="یادداشت، با ویرگول",
    )
    measurement_enter(actor=planner, indicator=e_services, year=1404, period=3, value=9)  # draft
    response = anon.get(f"/api/v1/plans/{plan.pk}/monitoring/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0] == EXPORT_HEADER
    assert [row[:4] + [row[7]] for row in rows[1:]] == [
        ["e_services", "1404", "1", "20", "verified"],
        ["e_services", "1404", "2", "2.5", "submitted"],
    ]
    assert rows[2][6] == "یادداشت، با ویرگول"
    assert re.match(r"^1[34]\d\d/", rows[1][9])


def test_xlsx_export_is_right_to_left(anon, plan, measured):
    response = anon.get(f"/api/v1/plans/{plan.pk}/monitoring/export/", {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.values)
    assert list(rows[0]) == EXPORT_HEADER
    assert rows[1][:4] == ("e_services", 1404, 1, "20")


def test_export_refusals(anon, plan):
    persian_refusal(anon.get(f"/api/v1/plans/{plan.pk}/monitoring/export/", {"format": "pdf"}), 400)
    persian_refusal(anon.get("/api/v1/plans/999999/monitoring/export/"), 404)


def test_export_columns_are_what_the_import_reads():
    from monitoring.exports import COLUMNS, IMPORT_COLUMNS

    assert [key for key, _label in COLUMNS] == EXPORT_HEADER
    assert EXPORT_HEADER[:7] == IMPORT_COLUMNS


def test_anonymous_writes_are_refused_in_persian(anon, plan, goal, e_services, measured):
    url = f"/api/v1/indicators/{e_services.pk}"
    for response in (
        anon.post("/api/v1/indicators/", {}, format="json"),
        anon.patch(f"{url}/draft/", {}, format="json"),
        anon.put(f"{url}/links/", [], format="json"),
        anon.post(f"/api/v1/measurements/{measured.pk}/verify/"),
        anon.put(f"/api/v1/plan-items/{goal.pk}/monitoring/", {}, format="json"),
        anon.post(f"/api/v1/plans/{plan.pk}/snapshots/", {}, format="json"),
        anon.get(f"/api/v1/plans/{plan.pk}/monitoring/overdue/"),
    ):
        persian_refusal(response, 401)


MONITORING_PATHS = [
    "/api/v1/plans/{id}/monitoring/",
    "/api/v1/plans/{id}/monitoring/overdue/",
    "/api/v1/plans/{id}/monitoring/export/",
    "/api/v1/plans/{id}/snapshots/",
    "/api/v1/snapshots/{id}/",
    "/api/v1/indicators/",
    "/api/v1/indicators/{id}/",
    "/api/v1/indicators/{id}/draft/",
    "/api/v1/indicators/{id}/publish/",
    "/api/v1/indicators/{id}/links/",
    "/api/v1/indicators/{id}/baseline/",
    "/api/v1/indicators/{id}/targets/",
    "/api/v1/indicators/{id}/measurements/",
    "/api/v1/measurements/{id}/submit/",
    "/api/v1/measurements/{id}/verify/",
    "/api/v1/measurements/{id}/correct/",
    "/api/v1/plan-items/{id}/monitoring/",
    "/api/v1/plan-items/{id}/indicators/",
]


def test_openapi_schema_documents_every_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert set(MONITORING_PATHS) <= set(schema["paths"])
    detail = schema["paths"]["/api/v1/indicators/{id}/"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"]["$ref"].endswith("IndicatorDetailOut")
    export = schema["paths"]["/api/v1/plans/{id}/monitoring/export/"]["get"]["responses"]["200"]
    assert {"text/csv", XLSX} <= set(export["content"])
    components = schema["components"]["schemas"]
    assert {"DashboardOut", "MeasurementOut", "SnapshotDetailOut", "FormulaOut"} <= set(components)


def test_entering_twice_with_one_idempotency_key_stores_once(as_user, planner, e_services):
    client = as_user(planner)
    url = f"/api/v1/indicators/{e_services.pk}/measurements/"
    body = {"year": 1404, "period": 3, "value": 4}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="m-1404-3")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="m-1404-3")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Measurement.objects.count() == 1


def test_planners_see_draft_measurements_on_the_page(anon, as_user, planner, e_services):
    measurement_enter(actor=planner, indicator=e_services, year=1404, period=4, value=3)
    url = f"/api/v1/indicators/{e_services.pk}/"
    (period,) = as_user(planner).get(url).json()["periods"]
    assert period["history"][0]["state"] == "draft"
    anon.credentials()
    assert anon.get(url).json()["periods"] == []
