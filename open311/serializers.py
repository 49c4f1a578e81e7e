"""Input of the Open311 endpoints: the spec's parameter names, Persian messages.

Output is written by open311.api.render (XML or JSON in the spec's shapes), from the
dicts of open311.selectors.request_out.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from backend.api_fields import CoordinateField
from open311.selectors import MAX_RESULTS


class RequestIn(serializers.Serializer):
    """POST requests. `email`, `phone`, `first_name`, `last_name`, `account_id` and
    `address_id` are accepted and dropped (docs/open311.md)."""

    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=60)
    service_code = serializers.CharField(
        max_length=40,
        error_messages={"required": "service_code لازم است.", "blank": "service_code لازم است."},
    )
    lat = CoordinateField(limit=90)
    long = CoordinateField(limit=180)
    address_string = serializers.CharField(
        required=False, allow_blank=True, max_length=250, trim_whitespace=True
    )
    district = serializers.CharField(required=False, allow_blank=True, max_length=20)
    description = serializers.CharField(
        max_length=10_000,
        error_messages={
            "required": "شرح درخواست (description) لازم است.",
            "blank": "شرح درخواست (description) لازم است.",
            "max_length": "شرح حداکثر ۱۰٬۰۰۰ نویسه است.",
        },
    )
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    media_url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=500,
        error_messages={"invalid": "media_url باید نشانی http یا https باشد."},
    )

    def validate_media_url(self, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("media_url باید نشانی http یا https باشد.")
        return value

    def validate_district(self, value: str) -> int | None:
        if not value:
            return None
        if not value.isdigit() or len(value) > 12:
            raise serializers.ValidationError("attribute[district] باید شناسه‌ی یک منطقه باشد.")
        return int(value)


def _w3(value: str, name: str):
    parsed = None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise serializers.ValidationError(
            f"{name} باید تاریخ و زمان w3 باشد، مانند 2025-03-21T08:00:00+03:30."
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class RequestsQuery(serializers.Serializer):
    """GET requests."""

    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=60)
    service_request_id = serializers.CharField(required=False, allow_blank=True, max_length=12_000)
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    start_date = serializers.CharField(required=False, allow_blank=True, max_length=40)
    end_date = serializers.CharField(required=False, allow_blank=True, max_length=40)
    status = serializers.CharField(required=False, allow_blank=True, max_length=20)
    page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        error_messages={"invalid": "page باید عدد باشد."},
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_RESULTS,
        error_messages={
            "invalid": "page_size باید عدد باشد.",
            "max_value": "page_size حداکثر ۱۰۰۰ است.",
            "min_value": "page_size دست‌کم ۱ است.",
        },
    )

    def validate_service_request_id(self, value: str) -> list[int] | None:
        if not value:
            return None
        ids = _comma_list(value)
        if not ids or not all(part.isdigit() and len(part) <= 12 for part in ids):
            raise serializers.ValidationError("service_request_id باید شناسه‌هایی با ویرگول باشد.")
        return [int(part) for part in ids]

    def validate_service_code(self, value: str) -> list[str] | None:
        return _comma_list(value) or None

    def validate_start_date(self, value: str):
        return _w3(value, "start_date") if value else None

    def validate_end_date(self, value: str):
        return _w3(value, "end_date") if value else None

    def validate_status(self, value: str) -> list[str] | None:
        statuses = _comma_list(value)
        if any(status not in ("open", "closed") for status in statuses):
            raise serializers.ValidationError("status فقط open یا closed است.")
        return sorted(set(statuses)) or None
