"""The PyPI client `georeport` 0.3.1 against the running test server.

georeport reads (services, a service definition, requests, one request) in JSON and XML;
it has no method to create a request, so the POST is made with `requests` (which georeport
itself uses) the way the spec describes, then read back through georeport.
"""

import pytest
import requests
from georeport import GeoReport

from open311.models import Open311Request
from open311.services import client_issue
from tests.open311.helpers import publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(live_server, arak, plan, axis, districts, city_admin, moderator):
    _, raw_key = client_issue(actor=city_admin, city=arak, name="georeport")
    return f"{live_server.url}/open311/v2", raw_key


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_creates_and_reads(setup, fmt, axis, districts, moderator):
    root, raw_key = setup
    client = GeoReport(root, jurisdiction="arak", api_key=raw_key, output_format=fmt)

    services = client.get_service_list()
    service = services if isinstance(services, dict) else services[0]  # xmltodict: one → dict
    assert service["service_code"] == f"axis-{axis.pk}"
    definition = client.get_service_definition(service["service_code"])
    attribute = (
        definition["attributes"]["attribute"] if fmt == "xml" else definition["attributes"][0]
    )
    assert attribute["code"] == "district"

    answer = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": client.api_key,
            "jurisdiction_id": client.jurisdiction,
            "service_code": service["service_code"],
            "lat": "34.09",
            "long": "49.69",
            "attribute[district]": str(districts[1].pk),
            "description": f"چراغ راهنمایی میدان خاموش است ({fmt}).",
            "device_id": "georeport-test",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    token = Open311Request.objects.latest("pk").token
    assert token in answer.text

    problem = publish(Open311Request.objects.get(token=token).problem, moderator)
    one = client.get_service_request(str(problem.pk))
    assert str(one["service_request_id"]) == str(problem.pk)
    assert one["status"] == "open"
    assert "چراغ راهنمایی" in one["description"]
    many = client.get_service_requests(status="open", service_code=service["service_code"])
    rows = [many] if isinstance(many, dict) else many
    assert str(problem.pk) in [str(row["service_request_id"]) for row in rows]
