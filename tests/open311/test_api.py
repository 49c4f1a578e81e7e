"""Every GeoReport v2 resource in XML and JSON, checked against the spec's documented
fields (tests/open311/helpers.py), its errors, keys, retries and limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from budget.models import Project
from inventory.models import InventoryEntry
from open311.models import Open311Request
from open311.services import client_issue, client_revoke
from participation.models import Problem
from planning.models import Plan
from tests.factories import (
    AxisFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
)
from tests.open311.helpers import (
    ATTRIBUTE_FIELDS,
    DEFINITION_FIELDS,
    DISCOVERY_FIELDS,
    ENDPOINT_FIELDS,
    ERROR_FIELDS,
    POST_FIELDS_PENDING,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    VALUE_FIELDS,
    body,
    children,
    publish,
    xml,
)

pytestmark = pytest.mark.django_db
V2 = "/open311/v2"


def post(client, fmt="json", **fields):
    return client.post(f"{V2}/requests.{fmt}", fields)


def good(key, axis, **extra):
    fields = {
        "api_key": key,
        "jurisdiction_id": "arak",
        "service_code": f"axis-{axis.pk}",
        "description": "چاله‌ی بزرگ جلوی مدرسه. بچه‌ها هر روز از کنارش رد می‌شوند.",
        "lat": "34.09",
        "long": "49.69",
        "device_id": "phone-1",
    }
    fields.update(extra)
    return fields


# Discovery and services ----------------------------------------------------------------


def test_discovery_xml_and_json(client, arak):
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == DISCOVERY_FIELDS
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ENDPOINT_FIELDS
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    data = body(client.get(f"{V2}/discovery.json"))
    assert list(data) == DISCOVERY_FIELDS
    assert list(data["endpoints"][0]) == ENDPOINT_FIELDS
    assert data["endpoints"][0]["url"].endswith("/open311/v2")


def test_services_are_the_axes_of_an_open_plan(client, issued, axis, arak):
    other = AxisFactory(city=arak, title="محیط زیست")
    root = xml(client.get(f"{V2}/services.xml", {"jurisdiction_id": "arak"}))
    assert root.tag == "services"
    services = root.findall("service")
    assert [children(s) for s in services] == [SERVICE_FIELDS, SERVICE_FIELDS]
    assert services[0].findtext("service_code") == f"axis-{axis.pk}"
    assert services[0].findtext("metadata") == "true"
    assert services[0].findtext("type") == "realtime"
    data = body(client.get(f"{V2}/services.json", {"jurisdiction_id": "arak"}))
    assert [s["service_name"] for s in data] == [axis.title, other.title]
    assert all(list(s) == SERVICE_FIELDS for s in data)
    assert data[0]["metadata"] is True


def test_no_open_plan_no_services(client, arak, axis):
    PlanFactory(city=arak, phase=Plan.Phase.ADOPTED)
    assert body(client.get(f"{V2}/services.json")) == []
    response = client.get(f"{V2}/services/axis-{axis.pk}.json")
    assert response.status_code == 404


def test_service_definition_lists_districts(client, issued, axis, districts):
    root = xml(client.get(f"{V2}/services/axis-{axis.pk}.xml", {"jurisdiction_id": "arak"}))
    assert root.tag == "service_definition"
    assert children(root) == DEFINITION_FIELDS
    attribute = root.find("attributes/attribute")
    assert children(attribute) == ATTRIBUTE_FIELDS
    assert attribute.findtext("code") == "district"
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert attribute.findtext("variable") == "true"
    assert attribute.findtext("required") == "false"
    values = attribute.findall("values/value")
    assert [children(v) for v in values] == [VALUE_FIELDS] * 3
    assert [v.findtext("key") for v in values] == [str(d.pk) for d in districts]
    data = body(client.get(f"{V2}/services/axis-{axis.pk}.json"))
    assert list(data) == DEFINITION_FIELDS
    assert list(data["attributes"][0]) == ATTRIBUTE_FIELDS
    assert data["attributes"][0]["values"][1] == {"key": districts[1].pk, "name": districts[1].name}


@pytest.mark.parametrize("code", ["axis-999999", "nothing", "axis-", "axis-1e5", "x" * 60])
def test_unknown_service_is_404_in_the_error_shape(client, issued, code):
    fmt = "xml"
    response = client.get(f"{V2}/services/{code}.{fmt}")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    assert children(root.find("error")) == ERROR_FIELDS
    assert root.findtext("error/code") == "404"


def test_other_citys_axis_is_not_a_service(client, issued, qom):
    qom_axis = AxisFactory(city=qom)
    PlanFactory(city=qom)
    assert (
        client.get(f"{V2}/services/axis-{qom_axis.pk}.json?jurisdiction_id=arak").status_code == 404
    )


def test_jurisdiction_required_when_several_cities(client, issued, qom):
    response = client.get(f"{V2}/services.json")
    assert response.status_code == 400
    [error] = body(response)
    assert list(error) == ERROR_FIELDS
    assert error["code"] == 400
    assert "jurisdiction_id" in error["description"]
    assert client.get(f"{V2}/services.json?jurisdiction_id=nowhere").status_code == 404
    assert client.get(f"{V2}/services.json?jurisdiction_id=qom").status_code == 200


@pytest.mark.parametrize("path", ["services.html", "services.", "discovery.yaml", "requests.php"])
def test_unknown_format(client, arak, path):
    response = client.get(f"{V2}/{path}")
    assert response.status_code == 404


# POST requests -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_returns_a_token_and_creates_a_pending_problem(client, key, axis, fmt, issued):
    response = post(client, fmt, **good(key, axis))
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        request = root.find("request")
        assert children(request) == POST_FIELDS_PENDING
        token = request.findtext("token")
        notice = request.findtext("service_notice")
    else:
        [row] = body(response)
        assert list(row) == POST_FIELDS_PENDING
        token, notice = row["token"], row["service_notice"]
    assert "بررسی" in notice
    made = Open311Request.objects.get(token=token)
    problem = made.problem
    assert problem.moderation_state == "pending"
    assert problem.author == issued[0].account
    assert problem.title == "چاله‌ی بزرگ جلوی مدرسه."
    assert "بچه‌ها" in problem.body
    assert str(problem.latitude) == "34.09000"


def test_the_service_account_cannot_sign_in(client, issued):
    account = issued[0].account
    assert not account.has_usable_password()
    assert account.phone is None


def test_address_string_without_point_goes_into_the_body(client, key, axis):
    fields = good(key, axis, address_string="خیابان شریعتی، کوچه‌ی ۱۲")
    del fields["lat"], fields["long"]
    [row] = body(post(client, **fields))
    request = Open311Request.objects.get(token=row["token"])
    assert "نشانی: خیابان شریعتی" in request.problem.body
    assert request.problem.latitude is None
    assert request.address == "خیابان شریعتی، کوچه‌ی ۱۲"


def test_a_location_is_required(client, key, axis):
    fields = good(key, axis)
    del fields["lat"], fields["long"]
    response = post(client, **fields)
    assert response.status_code == 400
    assert "lat" in body(response)[0]["description"]
    assert not Problem.objects.exists()


def test_media_url_becomes_a_link_personal_data_is_dropped(client, key, axis):
    fields = good(
        key,
        axis,
        media_url="https://photos.example.com/p/1.jpg",
        email="someone@example.com",
        phone="09121234567",
        first_name="مریم",
        last_name="احمدی",
        account_id="77",
    )
    [row] = body(post(client, **fields))
    problem = Open311Request.objects.get(token=row["token"]).problem
    assert 'href="https://photos.example.com/p/1.jpg"' in problem.body
    assert 'rel="nofollow ugc noopener"' in problem.body
    stored = str(list(Problem.objects.values())) + str(list(Open311Request.objects.values()))
    for secret in ("someone@example.com", "09121234567", "مریم", "احمدی"):
        assert secret not in stored


def test_district_attribute(client, key, axis, districts, qom):
    [row] = body(post(client, **good(key, axis, **{"attribute[district]": districts[2].pk})))
    assert Open311Request.objects.get(token=row["token"]).problem.district == districts[2]
    qom_district = districts[0].__class__.objects.create(city=qom, name="منطقه‌ی قم")
    response = post(client, **good(key, axis, **{"attribute[district]": qom_district.pk}))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": ""}, 403),
        ({"api_key": "nope"}, 403),
        ({"api_key": "abcd1234.wrong"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "axis-0"}, 404),
        ({"description": ""}, 400),
        ({"description": "   "}, 400),
        ({"description": "\u200c\u200c"}, 400),
        ({"description": "x" * 10_001}, 400),
        ({"lat": "999", "long": "49.69"}, 400),
        ({"lat": "NaN", "long": "49.69"}, 400),
        ({"lat": "Infinity", "long": "49.69"}, 400),
        ({"lat": "1e400", "long": "49.69"}, 400),
        ({"lat": "34.09", "long": ""}, 400),
        ({"lat": "51.5", "long": "-0.12"}, 400),  # London: outside the city
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"attribute[district]": "abc"}, 400),
        ({"jurisdiction_id": "nowhere"}, 404),
    ],
)
def test_bad_input_is_a_4xx_in_the_spec_shape(client, key, axis, change, status):
    response = post(client, **good(key, axis, **change))
    assert response.status_code == status, response.content
    [error] = body(response)
    assert error["code"] == status
    assert error["description"]
    assert not Problem.objects.exists()


def test_xml_breaking_description_stays_well_formed(client, key, axis, moderator):
    text = "خیابان <b>&\"'\x01\x0b\ufffe]]>" + "ب" * 9000
    [row] = body(post(client, **good(key, axis, description=text)))
    problem = publish(Open311Request.objects.get(token=row["token"]).problem, moderator)
    assert "<b>" not in problem.body  # plain text, escaped
    root = xml(client.get(f"{V2}/requests/{problem.pk}.xml"))
    assert root.find("request/description").text.startswith("خیابان <b>&\"'")
    assert len(problem.title) <= 150


def test_key_of_another_city_or_revoked(client, issued, axis, qom, city_admin):
    PlanFactory(city=qom)
    qom_axis = AxisFactory(city=qom)
    _, qom_key = client_issue(actor=None, city=qom, name="qom app")
    response = post(client, **good(qom_key, axis))  # jurisdiction arak, key of qom
    assert response.status_code == 403
    response = post(
        client,
        **good(qom_key, qom_axis, jurisdiction_id="qom", lat="", long="", address_string="قم"),
    )
    assert response.status_code == 200
    client_revoke(actor=city_admin, client=issued[0])
    response = post(client, **good(issued[1], axis))
    assert response.status_code == 403
    assert body(response)[0]["code"] == 403


def test_get_is_not_needed_for_the_key_and_csrf_is_exempt(key, axis):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, **good(key, axis)).status_code == 200


def test_a_retry_returns_the_same_token(client, key, axis):
    first = body(post(client, **good(key, axis)))[0]["token"]
    again = post(client, **good(key, axis, lat="34.090001"))  # rounds to the same point
    assert again["Idempotent-Replayed"] == "true"
    assert body(again)[0]["token"] == first
    assert Problem.objects.count() == 1
    other_device = body(post(client, **good(key, axis, device_id="phone-2")))[0]["token"]
    assert other_device != first
    assert Problem.objects.count() == 2


def test_a_retry_after_the_window_is_a_new_request(client, key, axis, settings):
    first = body(post(client, **good(key, axis)))[0]["token"]
    Open311Request.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    second = body(post(client, **good(key, axis)))[0]["token"]
    assert second != first


def test_one_device_cannot_use_up_the_clients_quota(client, key, axis, settings):
    settings.OPEN311_DEVICE_LIMIT = 2
    for n in range(2):
        assert (
            post(client, **good(key, axis, description=f"مسئله‌ی شماره {n} در خیابان")).status_code
            == 200
        )
    response = post(client, **good(key, axis, description="مسئله‌ی سوم در خیابان"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "دستگاه" in body(response)[0]["description"]
    other = post(client, **good(key, axis, description="مسئله‌ی سوم در خیابان", device_id="p2"))
    assert other.status_code == 200


def test_per_address_limit(client, key, axis, settings):
    settings.OPEN311_IP_LIMIT = 1
    assert post(client, **good(key, axis, device_id="a")).status_code == 200
    assert (
        post(client, **good(key, axis, device_id="b", description="دیگری در خیابان")).status_code
        == 429
    )


def test_the_clients_posting_limit(client, key, axis, settings):
    settings.POSTING_LIMITS = {**settings.POSTING_LIMITS, "open311": 2, "problem": 1}
    for n in range(2):
        fields = good(key, axis, description=f"مسئله‌ی {n} خیابان", device_id=f"d{n}")
        assert post(client, **fields).status_code == 200
    response = post(client, **good(key, axis, description="سومی خیابان", device_id="d9"))
    assert response.status_code == 429
    assert "Open311" in body(response)[0]["description"]


def test_similar_published_problem_is_named(client, key, axis, plan):
    ProblemFactory(plan=plan, title="چاله‌ی بزرگ جلوی مدرسه")
    [row] = body(post(client, **good(key, axis)))
    assert "چاله‌ی بزرگ جلوی مدرسه" in row["service_notice"]


def test_a_nearby_similar_problem_is_named_with_its_distance(client, key, axis, plan):
    from decimal import Decimal

    # 0.001° of latitude north of the request's point: about 111 m.
    ProblemFactory(
        plan=plan,
        title="چاله‌ی بزرگ جلوی مدرسه",
        latitude=Decimal("34.09100"),
        longitude=Decimal("49.69000"),
    )
    [row] = body(post(client, **good(key, axis)))
    assert "۱۱۰ متر آن‌طرف‌تر" in row["service_notice"]


# Tokens --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_token_resolves_once_published(client, key, axis, moderator, fmt):
    token = body(post(client, **good(key, axis)))[0]["token"]
    before = client.get(f"{V2}/tokens/{token}.{fmt}")
    if fmt == "json":
        assert body(before) == [{"token": token}]
    else:
        assert children(xml(before).find("request")) == ["token"]
    problem = publish(Open311Request.objects.get(token=token).problem, moderator)
    after = client.get(f"{V2}/tokens/{token}.{fmt}")
    if fmt == "json":
        assert body(after) == [{"service_request_id": problem.pk, "token": token}]
    else:
        request = xml(after).find("request")
        assert children(request) == ["service_request_id", "token"]
        assert request.findtext("service_request_id") == str(problem.pk)
    assert client.get(f"{V2}/tokens/unknown.{fmt}").status_code == 404


# GET requests --------------------------------------------------------------------------


@pytest.fixture
def published(plan, axis, issued):
    return ProblemFactory(plan=plan, axis=axis, latitude="34.09", longitude="49.69")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_requests_fields(client, published, fmt, axis):
    ProblemFactory(plan=published.plan, moderation_state="pending")
    ProblemFactory(plan=published.plan, moderation_state="rejected")
    response = client.get(f"{V2}/requests.{fmt}", {"jurisdiction_id": "arak"})
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        rows = root.findall("request")
        assert [children(r) for r in rows] == [REQUEST_FIELDS]
        assert rows[0].findtext("service_request_id") == str(published.pk)
        assert rows[0].findtext("status") == "open"
        assert rows[0].findtext("lat") == "34.09"
        assert rows[0].findtext("requested_datetime").endswith("+03:30")
    else:
        rows = body(response)
        assert [list(r) for r in rows] == [REQUEST_FIELDS]
        row = rows[0]
        assert row["service_code"] == f"axis-{axis.pk}"
        assert row["service_name"] == axis.title
        assert row["long"] == 49.69
        assert row["status_notes"] == "در انتظار بررسی برنامه‌ریزان."


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_request_detail(client, published, fmt):
    response = client.get(f"{V2}/requests/{published.pk}.{fmt}")
    if fmt == "xml":
        assert children(xml(response).find("request")) == REQUEST_FIELDS
    else:
        assert [r["service_request_id"] for r in body(response)] == [published.pk]
    pending = ProblemFactory(plan=published.plan, moderation_state="pending")
    for pk in (pending.pk, 99999999, "abc", "1" * 30):
        assert client.get(f"{V2}/requests/{pk}.{fmt}").status_code == 404


def test_default_window_is_90_days(client, published, plan):
    old = ProblemFactory(plan=plan)
    Problem.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    ids = [r["service_request_id"] for r in body(client.get(f"{V2}/requests.json"))]
    assert ids == [published.pk]
    # start_date alone: the 90 days from it
    start = (timezone.now() - timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%S+03:30")
    ids = [
        r["service_request_id"]
        for r in body(client.get(f"{V2}/requests.json", {"start_date": start}))
    ]
    assert ids == [old.pk]
    end = (timezone.now() - timedelta(days=50)).isoformat()
    ids = [
        r["service_request_id"] for r in body(client.get(f"{V2}/requests.json", {"end_date": end}))
    ]
    assert ids == [old.pk]
    # service_request_id overrides the window
    ids = [
        r["service_request_id"]
        for r in body(
            client.get(f"{V2}/requests.json", {"service_request_id": f"{old.pk},{published.pk}"})
        )
    ]
    assert sorted(ids) == sorted([old.pk, published.pk])


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "yesterday"},
        {"start_date": "2025-13-40T00:00:00Z"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
        {"start_date": "2025-02-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
        {"status": "pending"},
        {"service_request_id": "1,abc"},
        {"page": "0"},
        {"page_size": "1001"},
        {"page_size": "x"},
    ],
)
def test_bad_filters_are_400(client, published, query):
    response = client.get(f"{V2}/requests.xml", query)
    assert response.status_code == 400
    assert xml(response).findtext("error/code") == "400"


def test_service_code_and_pagination(client, plan, axis, arak, issued):
    other = AxisFactory(city=arak)
    mine = [ProblemFactory(plan=plan, axis=axis) for _ in range(5)]
    ProblemFactory(plan=plan, axis=other)
    rows = body(client.get(f"{V2}/requests.json", {"service_code": f"axis-{axis.pk}"}))
    assert {r["service_request_id"] for r in rows} == {p.pk for p in mine}
    page2 = body(client.get(f"{V2}/requests.json", {"page": 2, "page_size": 2}))
    assert len(page2) == 2
    page1 = body(client.get(f"{V2}/requests.json", {"page": 1, "page_size": 2}))
    assert not {r["service_request_id"] for r in page1} & {r["service_request_id"] for r in page2}
    assert len(body(client.get(f"{V2}/requests.json"))) == 6
    assert len(body(client.get(f"{V2}/requests.json", {"status": "open"}))) == 6
    assert len(body(client.get(f"{V2}/requests.json", {"status": "closed,open"}))) == 6
    assert body(client.get(f"{V2}/requests.json", {"status": "closed"})) == []


def test_at_most_1000_per_page(client, plan, axis, issued):
    Problem.objects.bulk_create(
        [
            Problem(
                plan=plan,
                author=issued[0].account,
                title=f"م {n}",
                body="<p>ب</p>",
                moderation_state="published",
            )
            for n in range(1003)
        ]
    )
    assert len(body(client.get(f"{V2}/requests.json"))) == 1000
    assert len(body(client.get(f"{V2}/requests.json", {"page": 2}))) == 3


def test_query_count_is_constant(
    client, plan, axis, issued, django_assert_max_num_queries, planner
):
    def make(n):
        for _ in range(n):
            problem = ProblemFactory(plan=plan, axis=axis)
            entry = InventoryEntry.objects.create(plan=plan, code=f"E{problem.pk}", title="ورودی")
            item = PlanItemFactory(plan=plan)
            entry.addressed_by.add(item)
            Problem.objects.filter(pk=problem.pk).update(
                inventory_entry=entry, triage_state="accepted"
            )

    make(1)
    with django_assert_max_num_queries(6) as one:
        client.get(f"{V2}/requests.json")
    make(19)
    with django_assert_max_num_queries(6) as twenty:
        assert len(body(client.get(f"{V2}/requests.json"))) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)


# Status mapping ------------------------------------------------------------------------


@pytest.fixture
def entry(plan, axis):
    return InventoryEntry.objects.create(plan=plan, code="1", title="ترافیک میدان", axis=axis)


def _row(client, problem):
    return body(client.get(f"{V2}/requests/{problem.pk}.json"))[0]


def _scheme(plan, code="1"):
    goal = PlanItemFactory(plan=plan, code=code)
    strategy = PlanItemFactory(plan=plan, parent=goal, kind="strategy", code=f"{code}.1")
    policy = PlanItemFactory(plan=plan, parent=strategy, kind="policy", code=f"{code}.1.1")
    return PlanItemFactory(
        plan=plan, parent=policy, kind="project", code=f"{code}.1.1.1", title="تعریض میدان"
    )


def test_status_mapping(client, published, entry, plan, committee):
    assert _row(client, published)["status"] == "open"
    Problem.objects.filter(pk=published.pk).update(
        triage_state="out_of_scope", triage_reason="کار شورا نیست"
    )
    row = _row(client, published)
    assert (row["status"], row["status_notes"]) == ("closed", "خارج از موضوع برنامه: کار شورا نیست")
    Problem.objects.filter(pk=published.pk).update(triage_state="merged", inventory_entry=entry)
    row = _row(client, published)
    assert row["status"] == "closed"
    assert "ترافیک میدان" in row["status_notes"]
    Problem.objects.filter(pk=published.pk).update(triage_state="accepted")
    InventoryEntry.objects.filter(pk=entry.pk).update(committee=committee)
    row = _row(client, published)
    assert row["status"] == "open"
    assert row["status_notes"] == "پذیرفته در فهرست مسائل: «ترافیک میدان»."
    assert row["agency_responsible"] == committee.title
    assert row["expected_datetime"] == ""

    scheme = _scheme(plan)
    entry.addressed_by.add(scheme)
    row = _row(client, published)
    assert row["status"] == "open"  # no project yet: not done
    assert "تعریض میدان" in row["status_notes"]
    end = timezone.localdate() + timedelta(days=200)
    running = Project.objects.create(
        plan=plan,
        scheme=scheme,
        year=1404,
        code="P1",
        title="فاز ۱",
        status="running",
        planned_end=end,
    )
    Project.objects.create(
        plan=plan, scheme=scheme, year=1404, code="P2", title="فاز ۲", status="cancelled"
    )
    row = _row(client, published)
    assert row["status"] == "open"
    assert row["expected_datetime"].startswith(end.isoformat() + "T23:59:59")
    Project.objects.filter(pk=running.pk).update(status="done")
    row = _row(client, published)
    assert row["status"] == "closed"
    assert "انجام شد" in row["status_notes"]
    assert row["expected_datetime"] == ""
    open_ids = [
        r["service_request_id"] for r in body(client.get(f"{V2}/requests.json", {"status": "open"}))
    ]
    closed_ids = [
        r["service_request_id"]
        for r in body(client.get(f"{V2}/requests.json", {"status": "closed"}))
    ]
    assert (open_ids, closed_ids) == ([], [published.pk])
    InventoryEntry.objects.filter(pk=entry.pk).update(status="dropped")
    assert "کنار گذاشته" in _row(client, published)["status_notes"]


def test_reads_are_throttled(client, published, settings):
    settings.OPEN311_READ_LIMIT = 2
    assert client.get(f"{V2}/requests.json").status_code == 200
    assert client.get(f"{V2}/requests.json").status_code == 200
    response = client.get(f"{V2}/requests.json")
    assert response.status_code == 429
    assert body(response)[0]["code"] == 429


def test_wrong_method(client, arak):
    assert client.post(f"{V2}/services.json").status_code == 405
