"""GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2): parse, call one service
or selector, answer in the spec's XML or JSON. Errors are the spec's `<errors>` with a
Persian description and the HTTP status as the code; nothing a client sends yields a 500."""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers as drf

from backend.clientip import client_address
from backend.errors import DomainError, Missing, Refused, TooMany
from backend.persian import to_persian_digits
from backend.ratelimit import rate_limit_hit
from cities.models import District
from open311 import selectors, services
from open311.api.render import FORMATS, error, respond
from open311.serializers import RequestIn, RequestsQuery

logger = logging.getLogger("hamandishi.open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-06-01T00:00:00+03:30"  # when these endpoints last changed shape
View = Callable[..., HttpResponse]


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def endpoint(*methods: str) -> Callable[[View], View]:
    """Format check, method check, read throttle and the spec's error answers."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def run(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return error("xml", 404, "قالب پشتیبانی نمی‌شود؛ xml یا json بخواهید.")
            if request.method not in methods:
                response = error(fmt, 405, "این روش (method) برای این نشانی پذیرفته نیست.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                if request.method == "GET" and settings.OPEN311_READ_LIMIT > 0:
                    address = client_address(request) or "unknown"
                    wait = rate_limit_hit(
                        [(f"o311:read:{address}", [(settings.OPEN311_READ_LIMIT, 60)])]
                    )
                    if wait is not None:
                        raise TooMany(
                            f"درخواست‌ها بیش از حد است؛ {to_persian_digits(wait)} ثانیه‌ی دیگر "
                            "دوباره تلاش کنید.",
                            retry_after=wait,
                        )
                return view(request, fmt, **kwargs)
            except drf.ValidationError as invalid:
                return error(fmt, 400, _first_message(invalid.detail))
            except DomainError as refused:
                response = error(fmt, refused.status, refused.message)
                if isinstance(refused, TooMany):
                    response["Retry-After"] = str(refused.retry_after)
                return response

        return run

    return wrap


def _parse(serializer_class: type[drf.Serializer], data: Any) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    data = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": (
            "کلید API را مدیر هر شهر در صفحه‌ی «برنامه‌های Open311» شهرش "
            "(/cities/<شناسه‌ی شهر>/open311/) می‌سازد."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    city = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    data = [
        {
            "service_code": f"axis-{axis.pk}",
            "service_name": axis.title,
            "description": f"مسئله‌های شهر {city.name} در محور «{axis.title}»",
            "metadata": True,
            "type": "realtime",
            "keywords": axis.title,
            "group": city.name,
        }
        for axis in selectors.service_list(city)
    ]
    return respond(fmt, "services", data)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    city = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    axis = selectors.service_get(city, service_code)
    data = {
        "service_code": f"axis-{axis.pk}",
        "attributes": [
            {
                "variable": True,
                "code": "district",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "شناسه‌ی منطقه‌ی شهر",
                "order": 1,
                "description": "منطقه‌ی شهر (اگر نفرستید، از روی نقطه پیدا می‌شود)",
                "values": [
                    {"key": district.pk, "name": district.name}
                    for district in selectors.district_list(city)
                ],
            }
        ],
    }
    return respond(fmt, "service_definition", data)


def _request_post(request: HttpRequest, fmt: str) -> HttpResponse:
    client = services.client_for_key(request.POST.get("api_key"))
    data = request.POST.dict()
    data["district"] = request.POST.get("attribute[district]", "")
    parsed = _parse(RequestIn, data)
    city = selectors.jurisdiction(parsed.get("jurisdiction_id") or client.city.slug)
    if city.pk != client.city_id:
        raise Refused("این کلید برای شهر دیگری است.", code="api_key_other_city")
    axis = selectors.service_get(city, parsed["service_code"])
    plan = selectors.open_plan(city)
    assert plan is not None  # service_get found an open plan
    district = None
    if parsed.get("district") is not None:
        district = District.objects.filter(city=city, pk=parsed["district"]).first()
        if district is None:
            raise DomainError("attribute[district]: منطقه‌ای با این شناسه در این شهر نیست.")
    submitted = services.request_submit(
        client=client,
        plan=plan,
        axis=axis,
        description=parsed["description"],
        latitude=parsed.get("lat"),
        longitude=parsed.get("long"),
        address=parsed.get("address_string", ""),
        district=district,
        device_id=parsed.get("device_id", ""),
        media_url=parsed.get("media_url", ""),
        client_address=client_address(request),
    )
    row: dict[str, Any] = {"token": submitted.request.token}
    if selectors.is_published(submitted.request):
        row = {"service_request_id": submitted.request.problem_id, **row}
    row["service_notice"] = submitted.notice
    row["account_id"] = ""
    response = respond(fmt, "service_requests", [row])
    if submitted.replayed:  # a retry of the same POST: the first answer's token, nothing new
        response["Idempotent-Replayed"] = "true"
    return response


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    query = _parse(RequestsQuery, request.GET.dict())
    city = selectors.jurisdiction(query.get("jurisdiction_id"))
    filters = selectors.RequestFilters(
        ids=query.get("service_request_id"),
        service_codes=query.get("service_code"),
        start=query.get("start_date"),
        end=query.get("end_date"),
        statuses=query.get("status"),
        page=query.get("page") or 1,
        page_size=query.get("page_size") or selectors.MAX_RESULTS,
    )
    rows = [selectors.request_out(p) for p in selectors.request_list(city=city, filters=filters)]
    return respond(fmt, "service_requests", rows)


@csrf_exempt  # clients authenticate with api_key, not a session
@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_post(request, fmt)
    return _request_list(request, fmt)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, pk: str) -> HttpResponse:
    city = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    if not pk.isdigit() or len(pk) > 12:
        raise Missing("درخواستی با این شناسه پیدا نشد.", code="service_request_id")
    problem = selectors.request_get(city=city, pk=int(pk))
    return respond(fmt, "service_requests", [selectors.request_out(problem)])


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    city = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    found = selectors.token_get(city=city, token=token[:40])
    row: dict[str, Any] = {"token": found.token}
    if selectors.is_published(found):
        row = {"service_request_id": found.problem_id, **row}
    return respond(fmt, "service_requests", [row])
