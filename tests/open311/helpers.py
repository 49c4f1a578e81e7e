"""The spec's documented fields (wiki.open311.org/GeoReport_v2), and small helpers."""

import json
from xml.etree import ElementTree

from moderation.models import QueueEntry
from moderation.services import decision_apply

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
DEFINITION_FIELDS = ["service_code", "attributes"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
VALUE_FIELDS = ["key", "name"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
POST_FIELDS_PENDING = ["token", "service_notice", "account_id"]
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
ERROR_FIELDS = ["code", "description"]


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def children(element) -> list[str]:
    return [child.tag for child in element]


def body(response):
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def publish(problem, moderator):
    entry = QueueEntry.objects.filter(problem=problem, closed_at=None).first()
    decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
    problem.refresh_from_db()
    return problem
