"""The planners' import page: upload, a row-by-row report, then store — nothing stored
until every row is valid or the planner accepts only the valid rows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.imports import COLUMNS
from monitoring.models import Measurement

pytestmark = pytest.mark.django_db

HEADER = ",".join(key for key, _label in COLUMNS)


def upload(*lines):
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile("month.csv", text.encode("utf-8"), content_type="text/csv")


def url(plan):
    return f"/plans/{plan.pk}/monitoring/import/"


def token_of(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_preview_stores_nothing_and_store_stores_submitted_values(
    client, planner, plan, make_indicator
):
    make_indicator("e_services")
    client.force_login(planner)
    page = client.post(url(plan), {"action": "preview", "file": upload("e_services,1404,1,12,,,")})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="ok"' in html
    assert Measurement.objects.count() == 0
    stored = client.post(url(plan), {"action": "apply", "token": token_of(html)})
    assert stored.status_code == 302
    (measurement,) = Measurement.objects.all()
    assert measurement.state == "submitted"
    assert str(measurement.value).rstrip("0").rstrip(".") == "12"


def test_a_bad_row_stores_nothing_unless_the_valid_rows_are_accepted(
    client, planner, plan, make_indicator
):
    make_indicator("e_services")
    client.force_login(planner)
    file = upload("e_services,1404,1,12,,,", "nope,1404,1,3,,,", "e_services,1404,2,abc,,,")
    html = client.post(url(plan), {"action": "preview", "file": file}).content.decode()
    assert html.count('data-status="error"') == 2
    assert "سطر" in html
    refused = client.post(url(plan), {"action": "apply", "token": token_of(html)})
    assert refused.status_code == 400
    assert Measurement.objects.count() == 0
    accepted = client.post(
        url(plan), {"action": "apply", "token": token_of(html), "accept_valid_rows": "on"}
    )
    assert accepted.status_code == 302
    assert Measurement.objects.count() == 1


def test_only_the_citys_planners_open_the_page(client, citizen, qom_planner, plan):
    assert client.get(url(plan)).status_code == 302  # sign in first
    for user in (citizen, qom_planner):
        client.force_login(user)
        assert client.get(url(plan)).status_code == 403


def test_an_expired_or_foreign_token_is_refused(client, planner, plan, make_indicator):
    make_indicator("e_services")
    client.force_login(planner)
    response = client.post(url(plan), {"action": "apply", "token": "unknown"})
    assert response.status_code == 400
    assert "دوباره بفرستید" in response.content.decode()


def test_no_file_is_a_persian_400(client, planner, plan):
    client.force_login(planner)
    response = client.post(url(plan), {"action": "preview"})
    assert response.status_code == 400
    assert "پرونده" in response.content.decode()


def test_with_the_cache_down_the_preview_is_a_persian_503(client, planner, plan, make_indicator):
    from django.core.cache import caches
    from django.test import override_settings

    make_indicator("e_services")
    client.force_login(planner)
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=down):
        assert caches["default"].__class__.__name__ == "RedisCache"
        response = client.post(
            url(plan), {"action": "preview", "file": upload("e_services,1404,1,12,,,")}
        )
    assert response.status_code == 503
    assert "دوباره تلاش کنید" in response.content.decode()
    assert Measurement.objects.count() == 0
