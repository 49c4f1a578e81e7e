"""Ids beyond what the database holds on the paths added with the citizen's-experience and
performance work: a 404 (or a clear 4xx), never an overflow."""

import pytest

from tests.factories import UserFactory

HUGE = "9789143892387112721133338624"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"/notifications/{HUGE}/toast/"),
        ("get", f"/problems/{HUGE}/edit/"),
        ("post", f"/problems/{HUGE}/edit/"),
        ("post", f"/problems/{HUGE}/withdraw/"),
        ("post", f"/problems/{HUGE}/follow/"),
        ("post", f"/plan-items/{HUGE}/follow/"),
        ("post", f"/plans/{HUGE}/follow/"),
        ("get", f"/api/v1/problems/{HUGE}/"),
        ("patch", f"/api/v1/problems/{HUGE}/"),
        ("post", f"/api/v1/problems/{HUGE}/withdraw/"),
        ("post", f"/api/v1/problems/{HUGE}/follow/"),
        ("delete", f"/api/v1/plan-items/{HUGE}/follow/"),
        ("post", f"/api/v1/plans/{HUGE}/follow/"),
        ("get", "/api/v1/problems/?page=" + HUGE),
    ],
)
def test_a_huge_id_is_refused_not_an_overflow(client, method, url):
    client.force_login(UserFactory())
    response = getattr(client, method)(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
