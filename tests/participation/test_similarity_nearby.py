"""Similar-problem suggestions that know where the new problem is (both backends)."""

from decimal import Decimal

import pytest

from backend import geo
from participation.similarity import similar_problems
from tests.factories import PlanFactory, ProblemFactory

HERE = (Decimal("34.09170"), Decimal("49.68920"))


def _at(metres_north: float) -> tuple[Decimal, Decimal]:
    """A point `metres_north` of HERE, to five decimals like stored points."""
    south, west, north, east = geo.box_around(*HERE, abs(metres_north))
    lat = north if metres_north >= 0 else south
    return Decimal(f"{lat:.5f}"), HERE[1]


@pytest.fixture
def plan(db):
    return PlanFactory()


def _problem(plan, title, metres=None, **extra):
    lat, lon = _at(metres) if metres is not None else (None, None)
    return ProblemFactory(plan=plan, title=title, latitude=lat, longitude=lon, **extra)


def test_a_nearby_problem_says_how_far_it_is(plan):
    near = _problem(plan, "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی", metres=120)
    found = similar_problems(
        plan_id=plan.pk,
        text="چاله‌ی آسفالت خیابان شهید بهشتی",
        latitude=HERE[0],
        longitude=HERE[1],
    )
    assert found[0].id == near.pk
    assert found[0].distance_m == pytest.approx(120, abs=2)


def test_without_a_point_no_distance_is_given(plan):
    _problem(plan, "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی", metres=120)
    found = similar_problems(plan_id=plan.pk, text="چاله‌ی آسفالت خیابان شهید بهشتی")
    assert found
    assert found[0].distance_m is None


def test_far_problems_carry_no_distance_and_rank_after_an_equal_one_nearby(plan):
    far = _problem(plan, "شکستگی لوله‌ی آب کوچه‌ی گلستان", metres=2000)
    near = _problem(plan, "شکستگی لوله‌ی آب کوچه‌ی گلستان", metres=80)
    found = similar_problems(
        plan_id=plan.pk, text="شکستگی لوله آب کوچه گلستان", latitude=HERE[0], longitude=HERE[1]
    )
    assert [f.id for f in found[:2]] == [near.pk, far.pk]
    assert found[0].distance_m == pytest.approx(80, abs=2)
    assert found[1].distance_m is None


def test_a_weakly_similar_title_counts_only_when_it_is_near(plan):
    # One topic word of three in common (score ≈ 0.15): under the plain threshold, over
    # the nearby one.
    text = "ریزش دیوار کوچه"
    weak_near = _problem(plan, "ریزش سقف مسجد", metres=60)
    weak_far = _problem(plan, "ریزش سقف مسجد", metres=3000)
    plain = {f.id for f in similar_problems(plan_id=plan.pk, text=text)}
    assert weak_near.pk not in plain
    assert weak_far.pk not in plain
    placed = similar_problems(plan_id=plan.pk, text=text, latitude=HERE[0], longitude=HERE[1])
    assert weak_near.pk in {f.id for f in placed}
    assert weak_far.pk not in {f.id for f in placed}


def test_an_unrelated_problem_next_door_is_not_suggested(plan):
    _problem(plan, "کمبود کتابخانه‌ی عمومی برای نوجوانان", metres=30)
    found = similar_problems(
        plan_id=plan.pk,
        text="چاله‌ی آسفالت خیابان شهید بهشتی",
        latitude=HERE[0],
        longitude=HERE[1],
    )
    assert found == []


def test_nearby_keeps_to_published_problems_of_the_plan_and_the_radius_setting(plan, settings):
    title = "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی"
    _problem(plan, title, metres=50, moderation_state="pending")
    _problem(PlanFactory(), title, metres=50)
    shown = _problem(plan, title, metres=200)
    args = {"plan_id": plan.pk, "text": title, "latitude": HERE[0], "longitude": HERE[1]}
    found = similar_problems(**args)
    assert [f.id for f in found] == [shown.pk]
    assert found[0].distance_m == pytest.approx(200, abs=2)
    settings.SIMILAR_NEARBY_METRES = 100
    assert similar_problems(**args)[0].distance_m is None
    assert similar_problems(**args, exclude_id=shown.pk) == []


def test_the_api_takes_a_point_and_answers_the_distance(plan, client):
    near = _problem(plan, "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی", metres=120)
    query = {"plan": plan.pk, "text": "چاله آسفالت خیابان شهید بهشتی"}
    answer = client.get(
        "/api/v1/problems/similar/", {**query, "latitude": "۳۴٫۰۹۱۷", "longitude": "49.6892"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()[0]["id"] == near.pk
    assert 100 <= answer.json()[0]["distance_m"] <= 140
    assert client.get("/api/v1/problems/similar/", query).json()[0]["distance_m"] is None
    half = client.get("/api/v1/problems/similar/", {**query, "latitude": "34.09"})
    assert half.status_code == 400
    assert "طول جغرافیایی" in half.content.decode()
    bad = client.get("/api/v1/problems/similar/", {**query, "latitude": "x", "longitude": "1"})
    assert bad.status_code == 400


def test_the_report_form_says_how_far_the_similar_problem_is(plan, client):
    _problem(plan, "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی", metres=120)
    query = {"plan": plan.pk, "title": "چاله آسفالت خیابان شهید بهشتی"}
    page = client.get("/problems/similar/", {**query, "latitude": HERE[0], "longitude": HERE[1]})
    assert "۱۲۰ متر آن‌طرف‌تر، با عنوان مشابه" in page.content.decode()
    # A malformed point drops only the nearby part.
    page = client.get("/problems/similar/", {**query, "latitude": "north", "longitude": "1"})
    assert page.status_code == 200
    assert "آن‌طرف‌تر" not in page.content.decode()
    assert "چاله‌ی بزرگ آسفالت" in page.content.decode()


def test_the_moderators_duplicate_hint_names_the_distance(plan):
    from participation.moderated import _problem_hints

    published = _problem(plan, "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی", metres=120)
    pending = _problem(
        plan, "چاله‌ی بزرگ آسفالت خیابان شهید بهشتی", metres=0, moderation_state="pending"
    )
    hint = _problem_hints(pending)["similar_problem"]
    assert hint["id"] == published.pk
    assert hint["distance_m"] == pytest.approx(120, abs=2)
