"""Ids beyond what the database holds, or written in odd digits, are refused or name
nothing — never an overflow (found by fuzzing the API against its OpenAPI schema)."""

import pytest

from backend.ids import MAX_ID, parse_id
from tests.factories import ProblemFactory

HUGE = "9789143892387112721133338624"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("۱۲", 12),
        (" ١٢ ", 12),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("1e3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.django_db
class TestApi:
    @pytest.mark.parametrize(
        "url",
        [
            f"/api/v1/proposals/?plan_item={HUGE}&status=published",
            f"/api/v1/proposals/?problem={HUGE}",
            f"/api/v1/comments/?problem={HUGE}",
            f"/api/v1/comments/?plan_item={HUGE}",
            f"/api/v1/problems/{HUGE}/",
            f"/api/v1/problems/?plan={HUGE}",
        ],
    )
    def test_huge_ids_in_queries(self, api_client, url):
        response = api_client.get(url)
        assert response.status_code in (400, 404)

    def test_huge_ids_in_bodies(self, as_user, citizen, planner, plan):
        client = as_user(citizen)
        response = client.post(
            "/api/v1/notifications/read/", {"ids": [1, int(HUGE)]}, format="json"
        )
        assert response.status_code == 400
        response = client.get(
            "/api/v1/problems/similar/", {"plan": plan.pk, "text": "x" * 5, "exclude": HUGE}
        )
        assert response.status_code == 400
        response = as_user(planner).post(
            "/api/v1/triage/bulk/",
            {
                "problems": [ProblemFactory(plan=plan).pk, int(HUGE)],
                "action": "out_of_scope",
                "reason": "x",
            },
            format="json",
        )
        assert response.status_code == 400
        response = as_user(planner).get("/api/v1/triage/", {"plan": plan.pk, "min_supports": HUGE})
        assert response.status_code == 400

    def test_too_many_form_fields_is_a_persian_400(self, as_user, citizen, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
        body = "&".join(f"ids={i}" for i in range(1, 30))
        response = as_user(citizen).post(
            "/api/v1/notifications/read/", body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "bad_request"


@pytest.mark.django_db
def test_web_forms_treat_huge_or_odd_ids_as_unknown(client, citizen, plan, planner):
    client.force_login(citizen)
    for plan_value in (HUGE, "²"):
        response = client.post(
            "/problems/new/", {"plan": plan_value, "title": "عنوان", "body": "شرح"}
        )
        assert response.status_code == 400
    client.force_login(planner)
    problem = ProblemFactory(plan=plan)
    response = client.post(
        f"/planning/{plan.pk}/triage/bulk/",
        {"problems": [problem.pk, HUGE], "action": "out_of_scope", "reason": "x"},
    )
    assert response.status_code == 400
    problem.refresh_from_db()
    assert problem.triage_state == "new"
