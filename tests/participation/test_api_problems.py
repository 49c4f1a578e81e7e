import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import Problem
from tests.factories import (
    AxisFactory,
    CommentFactory,
    DistrictFactory,
    PlanFactory,
    ProblemFactory,
    UserFactory,
)

URL = "/api/v1/problems/"


def persian(text) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in str(text))


@pytest.mark.django_db
class TestSubmit:
    def test_submit_starts_pending_and_is_shaped(self, as_user, citizen, plan, axis, district):
        response = as_user(citizen).post(
            URL,
            {
                "plan": plan.pk,
                "title": "  چاله‌های  خیابان <b>شریعتی</b> ",
                "body": "خیابان پر از چاله است.\n\nشب‌ها خطرناک است.",
                "axis": axis.pk,
                "district": district.pk,
                "latitude": "34.09171",
                "longitude": "49.68942",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["title"] == "چاله‌های خیابان شریعتی"
        assert body["body"] == "<p>خیابان پر از چاله است.</p><p>شب‌ها خطرناک است.</p>"
        assert body["moderation_state"] == "pending"
        assert body["triage_state"] == "new"
        assert body["supports_count"] == 0
        assert body["comments_count"] == 0
        assert body["author"] == {"public_name": citizen.public_name, "is_expert": False}
        assert body["created_at_jalali"].startswith("14")
        assert citizen.phone not in str(body)
        for key in ("id", "plan", "axis", "district", "created_at"):
            assert key in body

    def test_pending_is_visible_to_its_author_only(self, as_user, citizen, citizen2, plan):
        problem_id = (
            as_user(citizen)
            .post(URL, {"plan": plan.pk, "title": "عنوان", "body": "شرح"}, format="json")
            .json()["id"]
        )
        assert as_user(citizen).get(f"{URL}{problem_id}/").status_code == 200
        assert as_user(citizen2).get(f"{URL}{problem_id}/").status_code == 404
        as_user(citizen2).credentials()
        assert as_user(citizen2).get(URL).json()["count"] == 0

    def test_hostile_html_is_stored_sanitised(self, as_user, citizen, plan):
        hostile = (
            '<p onclick="steal()">سلام</p><script>alert(1)</script>'
            '<img src=x onerror=alert(1)><a href="javascript:alert(1)">پیوند</a>'
            '<a href="https://arak.ir">شهرداری</a><iframe src="//evil"></iframe>'
        )
        response = as_user(citizen).post(
            URL,
            {"plan": plan.pk, "title": "<script>x</script>عنوان", "body": hostile},
            format="json",
        )
        assert response.status_code == 201
        stored = Problem.objects.get(pk=response.json()["id"])
        for bad in ("script", "onclick", "onerror", "javascript:", "<img", "iframe"):
            assert bad not in stored.body
        assert 'href="https://arak.ir" rel="nofollow ugc noopener"' in stored.body
        assert stored.title == "عنوان"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"title": "", "body": "شرح"}, "title"),
            ({"body": "شرح"}, "title"),
            ({"title": "<b></b>", "body": "شرح"}, None),
            ({"title": "عنوان", "body": ""}, "body"),
            ({"title": "عنوان", "body": "<script>only</script>"}, None),
            ({"title": "ع" * 151, "body": "شرح"}, None),
            ({"title": "ع" * 301, "body": "شرح"}, "title"),
            ({"title": "عنوان", "body": "ب" * 200_000}, "body"),
            ({"title": "عنوان", "body": "شرح", "latitude": "91"}, "latitude"),
            ({"title": "عنوان", "body": "شرح", "latitude": "34.1"}, None),
            ({"title": ["x"], "body": "شرح"}, "title"),
            ({"title": "عنوان", "body": "شرح", "axis": "abc"}, "axis"),
        ],
    )
    def test_refusals_are_400_in_persian(self, as_user, citizen, plan, payload, field):
        response = as_user(citizen).post(URL, {"plan": plan.pk, **payload}, format="json")
        assert response.status_code == 400, response.content
        assert persian(response.json())
        if field:
            assert field in response.json()
        assert Problem.objects.count() == 0

    @pytest.mark.parametrize("plan_value", [999999, "x", None])
    def test_unknown_plan(self, as_user, citizen, plan_value):
        response = as_user(citizen).post(
            URL, {"plan": plan_value, "title": "عنوان", "body": "شرح"}, format="json"
        )
        assert response.status_code == 400
        assert "plan" in response.json()
        assert persian(response.json())

    def test_axis_and_district_of_another_city(self, as_user, citizen, plan, qom):
        for extra in (
            {"axis": AxisFactory(city=qom).pk},
            {"district": DistrictFactory(city=qom).pk},
        ):
            response = as_user(citizen).post(
                URL, {"plan": plan.pk, "title": "عنوان", "body": "شرح", **extra}, format="json"
            )
            assert response.status_code == 400
            assert persian(response.json()["detail"])

    def test_anonymous_cannot_submit(self, api_client, plan):
        response = api_client.post(URL, {"plan": plan.pk, "title": "ع", "body": "ش"}, format="json")
        assert response.status_code == 401

    def test_malformed_json(self, as_user, citizen):
        response = as_user(citizen).post(URL, "{bad", content_type="application/json")
        assert response.status_code == 400
        assert persian(response.json()["detail"])


@pytest.mark.django_db
class TestListAndFilters:
    def test_filters(self, api_client, plan, axis, district, qom):
        wanted = ProblemFactory(plan=plan, axis=axis, district=district, title="ترافیک بلوار")
        ProblemFactory(plan=plan, title="زباله در پارک")
        ProblemFactory(plan=PlanFactory(city=qom), title="ترافیک قم")
        ProblemFactory(plan=plan, title="ترافیک پنهان", moderation_state="pending")

        def ids(**params):
            response = api_client.get(URL, params)
            assert response.status_code == 200, response.json()
            return [row["id"] for row in response.json()["results"]]

        assert ids(plan=plan.pk, axis=axis.pk) == [wanted.pk]
        assert ids(district=district.pk) == [wanted.pk]
        assert ids(city="arak", q="ترافيك") == [wanted.pk]
        assert len(ids(city="qom")) == 1
        assert ids(status="pending") == []

    def test_search_is_normalised_and_word_order_free(self, api_client, plan):
        wanted = ProblemFactory(plan=plan, title="برنامه‌ریزی حمل و نقل خیابان ۱۲ فروردین")
        ProblemFactory(plan=plan, title="چیز دیگر")
        for q in ("برنامه ریزی", "فروردين 12", "١٢ فروردین", "خیابان برنامه"):
            results = api_client.get(URL, {"q": q}).json()["results"]
            assert [r["id"] for r in results] == [wanted.pk], q

    def test_jalali_and_iso_date_filters(self, api_client, plan):
        import datetime

        from django.utils import timezone

        old = ProblemFactory(plan=plan)
        Problem.objects.filter(pk=old.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2025, 3, 21, 10))
        )
        new = ProblemFactory(plan=plan)
        Problem.objects.filter(pk=new.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2025, 6, 1, 10))
        )

        def ids(**params):
            return {r["id"] for r in api_client.get(URL, params).json()["results"]}

        assert ids(created_before="۱۴۰۴/۰۱/۰۱") == {old.pk}
        assert ids(created_before="1404/01/01") == {old.pk}
        assert ids(created_after="1404/01/02") == {new.pk}
        assert ids(created_after="2025-03-21", created_before="2025-03-21") == {old.pk}

    @pytest.mark.parametrize(
        "params",
        [
            {"created_after": "1404/13/01"},
            {"created_before": "دیروز"},
            {"plan": "x"},
            {"axis": 999999},
            {"city": "tehran"},
            {"ordering": "random"},
            {"status": "deleted"},
        ],
    )
    def test_bad_filters_are_400_in_persian(self, api_client, plan, params):
        response = api_client.get(URL, params)
        assert response.status_code == 400
        assert persian(response.json())

    def test_ordering(self, api_client, plan):
        a, b = ProblemFactory(plan=plan), ProblemFactory(plan=plan)
        Problem.objects.filter(pk=a.pk).update(supports_count=5)
        newest = [r["id"] for r in api_client.get(URL).json()["results"]]
        supported = [
            r["id"] for r in api_client.get(URL, {"ordering": "most_supported"}).json()["results"]
        ]
        assert newest == [b.pk, a.pk]
        assert supported == [a.pk, b.pk]

    def test_comments_count_counts_published_only(self, api_client, plan):
        problem = ProblemFactory(plan=plan)
        CommentFactory(problem=problem)
        CommentFactory(problem=problem, moderation_state="pending")
        row = api_client.get(URL).json()["results"][0]
        assert row["comments_count"] == 1

    @pytest.mark.parametrize("signed_in", [False, True])
    def test_query_count_constant(self, api_client, as_user, plan, axis, district, signed_in):
        client = as_user(UserFactory()) if signed_in else api_client
        counts = []
        for rows in (1, 20):
            Problem.objects.all().delete()
            for _ in range(rows):
                problem = ProblemFactory(plan=plan, axis=axis, district=district)
                CommentFactory(problem=problem)
            with CaptureQueriesContext(connection) as queries:
                assert len(client.get(URL).json()["results"]) == rows
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_detail_query_count(self, api_client, plan, django_assert_num_queries):
        problem = ProblemFactory(plan=plan)
        with django_assert_num_queries(2):  # the problem, its photos
            assert api_client.get(f"{URL}{problem.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["a' & !(b", "\\\\", ":*", "ت", "x" * 200, "' OR 1=1 --", "دی ۱۹"])
def test_hostile_or_odd_search_text_is_answered(api_client, plan, q):
    ProblemFactory(plan=plan, title="راهپیمایی ۱۹ دی در میدان")
    response = api_client.get(URL, {"q": q})
    assert response.status_code in (200, 400)
    if q == "دی ۱۹":
        assert response.json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_moderators_duplicate_hint_is_there_once_the_answer_has_gone(as_user, citizen, plan):
    """Over the API the duplicate search runs after the commit and after the answer
    (backend/afterresponse.py); the test client, like a server, closes the response, and
    by then the queue entry names the likely duplicate."""
    from moderation.models import QueueEntry

    earlier = ProblemFactory(plan=plan, title="ترافیک سنگین بلوار امام خمینی")
    response = as_user(citizen).post(
        URL,
        {"plan": plan.pk, "title": "ترافيك سنگين بلوار امام خميني", "body": "هر روز."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = QueueEntry.objects.get(problem_id=response.json()["id"])
    assert entry.hints["similar_problem"]["id"] == earlier.pk
