"""The admin is read-mostly: lists open, published versions are read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = [
    "indicator",
    "indicatorversion",
    "measurement",
    "baseline",
    "itemmonitoring",
    "snapshot",
    "rollup",
]


@pytest.mark.parametrize("model", MODELS)
def test_lists_open(admin_client, make_indicator, model):
    make_indicator("e_services")
    response = admin_client.get(reverse(f"admin:monitoring_{model}_changelist"))
    assert response.status_code == 200


def test_a_published_version_is_read_only(admin_client, make_indicator):
    version = make_indicator("e_services").current_version
    url = reverse("admin:monitoring_indicatorversion_change", args=[version.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b'name="title"' not in response.content
    response = admin_client.get(
        reverse("admin:monitoring_indicator_change", args=[version.indicator_id])
    )
    assert response.status_code == 200
