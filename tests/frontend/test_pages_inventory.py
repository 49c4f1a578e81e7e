"""Problem inventory pages: the planners' triage board and inventory, and the public
inventory, entry and committee pages (Django test client)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services
from inventory.models import InventoryEntry, InventoryFigures, TriageRecord
from inventory.priority import TERMS
from participation.models import Endorsement, Problem, Support
from planning.models import PlanItem
from tests.factories import (
    AxisFactory,
    CommentFactory,
    ExpertFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    StaffRoleFactory,
    UserFactory,
)

RTL = '<html lang="fa" dir="rtl">'
PERSIAN_DIGIT = re.compile(r"[۰-۹]")


def html_of(response) -> str:
    return response.content.decode()


def count_testid(html: str, name: str) -> int:
    return html.count(f'data-testid="{name}"')


def evidence_value(html: str, name: str) -> str:
    """The number shown in the evidence box `name` (first one on the page)."""
    found = re.search(rf'data-testid="{name}"><dt>[^<]*</dt><dd>([^<]*)</dd>', html)
    assert found, name
    return found.group(1)


def entry_ids_in_order(html: str) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'data-testid="inventory-entry" data-entry-id="(\d+)"', html)
    ]


def notices(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def green(arak):
    return AxisFactory(city=arak, title="محیط زیست")


@pytest.fixture
def board(plan):
    return f"/planning/{plan.pk}/triage/"


@pytest.fixture
def entry(planner, plan, axis):
    return services.inventory_entry_create(
        actor=planner, plan=plan, title="ترافیک بلوار امام خمینی", axis=axis
    )


@pytest.fixture
def entry_with_evidence(planner, plan, axis, committee, districts, arak):
    """Two problems (accepted and merged) in two districts sharing a supporter, with an NGO
    endorsement and an expert comment."""
    first = ProblemFactory(plan=plan, district=districts[0], title="ترافیک بلوار امام")
    second = ProblemFactory(plan=plan, district=districts[1], title="ترافيك بلوار امام")
    services.triage_accept(
        actor=planner,
        problem_id=first.pk,
        axis=axis,
        committee=committee,
        new_entry={"title": "ترافیک بلوار امام خمینی", "severity": 4},
    )
    first.refresh_from_db()
    found = first.inventory_entry
    services.triage_merge(actor=planner, problem_id=second.pk, entry=found)
    shared, a, b = UserFactory(), UserFactory(), UserFactory()
    for problem, users in ((first, (shared, a)), (second, (shared, b))):
        for user in users:
            Support.objects.create(problem=problem, user=user)
    organisation = OrganisationFactory(city=arak)
    Endorsement.objects.create(
        proposal=ProposalFactory(plan=plan, problem=first),
        organisation=organisation,
        endorsed_by=MembershipFactory(organisation=organisation).user,
        statement="حمایت",
    )
    CommentFactory(problem=second, author=ExpertFactory(), is_expert=True)
    return found


# The triage board ----------------------------------------------------------------------


@pytest.mark.django_db
class TestBoardAccess:
    def test_anonymous_is_sent_to_sign_in(self, client, board):
        response = client.get(board)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")

    @pytest.mark.parametrize("who", ["citizen", "qom_planner", "moderator"])
    def test_others_get_a_persian_403(self, client, request, board, plan, who):
        ProblemFactory(plan=plan, title="چراغ‌های خاموش بلوار")
        client.force_login(request.getfixturevalue(who))
        response = client.get(board)
        html = html_of(response)
        assert response.status_code == 403
        assert "شما برنامه‌ریز این شهر نیستید." in html
        assert "چراغ‌های خاموش بلوار" not in html

    def test_unknown_plan_is_404(self, client, planner):
        client.force_login(planner)
        assert client.get("/planning/999999/triage/").status_code == 404

    def test_queue_count_stops_at_the_cap(self, client, planner, board, plan, monkeypatch):
        from backend.paging import CappedPaginator

        monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 3)
        client.force_login(planner)
        for n in range(3):
            ProblemFactory(plan=plan, title=f"مسئله‌ی صف {n}")
        html = html_of(client.get(board))
        assert "۳ مسئله در صف" in html
        assert "بیش از" not in html
        ProblemFactory(plan=plan, title="مسئله‌ی صف ۴")
        assert "بیش از ۳ مسئله در صف" in html_of(client.get(board))

    def test_planner_sees_untriaged_published_problems(
        self, client, planner, board, plan, axis, districts
    ):
        problem = ProblemFactory(
            plan=plan, axis=axis, district=districts[0], title="ترافیک میدان شهدا"
        )
        problem.supports_count = 12
        problem.save()
        ProblemFactory(plan=plan, moderation_state="pending", title="در انتظار نظارت")
        done = ProblemFactory(plan=plan, triage_state="out_of_scope", title="بررسی‌شده")
        ProblemFactory(plan=PlanFactory(), title="مسئله‌ی برنامه‌ی دیگر")
        client.force_login(planner)
        response = client.get(board)
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert count_testid(html, "triage-problem") == 1
        assert f'data-problem-id="{problem.pk}"' in html
        assert done.title not in html
        assert "در انتظار نظارت" not in html
        assert "مسئله‌ی برنامه‌ی دیگر" not in html
        for testid in ("accept-form", "merge-form", "out-of-scope-form", "bulk-select"):
            assert count_testid(html, testid) == 1, testid
        assert count_testid(html, "bulk-form") == 1
        assert axis.title in html
        assert districts[0].name in html
        assert "۱۲ پشتیبان" in html
        assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}", html)
        # The new entry's title starts as the problem's title.
        assert 'name="new_title" maxlength="200" value="ترافیک میدان شهدا"' in html

    def test_similar_entries_are_suggested_first(self, client, planner, board, plan, entry):
        other = services.inventory_entry_create(actor=planner, plan=plan, title="آلودگی هوا")
        ProblemFactory(plan=plan, title="ترافيك بلوار امام خميني")  # Arabic letters
        client.force_login(planner)
        html = html_of(client.get(board))
        assert count_testid(html, "suggestions") == 1
        merge_form = html[html.index('data-testid="merge-form"') :]
        suggested = merge_form.index("مشابه این مسئله")
        assert (
            suggested
            < merge_form.index(f'value="{entry.pk}"')
            < merge_form.index("همه‌ی مسائل فهرست")
        )
        assert merge_form.index("همه‌ی مسائل فهرست") < merge_form.index(f'value="{other.pk}"')

    def test_filters(self, client, planner, board, plan, axis, green, committee, districts):
        traffic = ProblemFactory(plan=plan, axis=axis, district=districts[0], title="ترافیک")
        smoke = ProblemFactory(plan=plan, axis=green, district=districts[1], title="دود کارخانه")
        Problem.objects.filter(pk=smoke.pk).update(supports_count=7)
        client.force_login(planner)

        def shown(query: str) -> set[int]:
            response = client.get(f"{board}?{query}")
            assert response.status_code == 200
            found = re.findall(r'data-problem-id="(\d+)"', html_of(response))
            return {int(pk) for pk in found}

        assert shown(f"axis={green.pk}") == {smoke.pk}
        assert shown(f"district={districts[0].pk}") == {traffic.pk}
        assert shown(f"committee={committee.pk}") == {traffic.pk}
        assert shown("min_supports=5") == {smoke.pk}
        assert shown("q=کارخانه") == {smoke.pk}
        assert shown("created_after=۱۳۹۰/۰۱/۰۱&created_before=1500/12/29") == {
            traffic.pk,
            smoke.pk,
        }
        assert shown("created_after=۱۴۹۹/۰۱/۰۱") == set()

    def test_bad_filter_is_a_persian_400(self, client, planner, board):
        client.force_login(planner)
        response = client.get(f"{board}?axis=999999&created_after=فردا")
        html = html_of(response)
        assert response.status_code == 400
        assert "محوری با این شناسه نیست." in html
        assert "تاریخ نامعتبر است" in html


@pytest.mark.django_db
class TestBoardActions:
    def post(self, client, plan, problem, **data):
        return client.post(f"/planning/{plan.pk}/triage/{problem.pk}/", data)

    def test_accept_into_a_new_entry(self, client, planner, board, plan, axis, committee):
        problem = ProblemFactory(plan=plan, title="ترافیک میدان شهدا")
        client.force_login(planner)
        response = self.post(
            client,
            plan,
            problem,
            action="accept",
            axis=axis.pk,
            committee=committee.pk,
            entry="new",
            new_title="ترافیک میدان‌های مرکزی",
            back=f"axis={axis.pk}",
        )
        assert response.status_code == 302
        assert response["Location"] == f"{board}?axis={axis.pk}"
        problem.refresh_from_db()
        created = problem.inventory_entry
        assert problem.triage_state == "accepted"
        assert problem.axis == axis
        assert (created.title, created.committee, created.code) == (
            "ترافیک میدان‌های مرکزی",
            committee,
            "001",
        )
        page = client.get(response["Location"])
        assert "در فهرست پذیرفته شد: ۰۰۱ «ترافیک میدان‌های مرکزی»" in html_of(page)
        assert f'data-problem-id="{problem.pk}"' not in html_of(page)

    def test_accept_into_an_existing_entry(self, client, planner, plan, entry):
        problem = ProblemFactory(plan=plan)
        client.force_login(planner)
        response = self.post(client, plan, problem, action="accept", entry=str(entry.pk))
        assert response.status_code == 302
        problem.refresh_from_db()
        assert (problem.triage_state, problem.inventory_entry) == ("accepted", entry)
        assert InventoryEntry.objects.count() == 1

    def test_merge(self, client, planner, board, plan, entry):
        problem = ProblemFactory(plan=plan, title="ترافيك بلوار امام")
        client.force_login(planner)
        response = self.post(client, plan, problem, action="merge", entry=entry.pk)
        assert response.status_code == 302
        problem.refresh_from_db()
        assert (problem.triage_state, problem.inventory_entry) == ("merged", entry)
        page = client.get(board)
        assert "«ترافيك بلوار امام» با ۰۰۱ «ترافیک بلوار امام خمینی» ادغام شد." in notices(page)
        assert count_testid(html_of(page), "triage-problem") == 0

    def test_out_of_scope(self, client, planner, board, plan):
        problem = ProblemFactory(plan=plan, title="آگهی فروش آپارتمان")
        client.force_login(planner)
        response = self.post(
            client, plan, problem, action="out_of_scope", reason="آگهی است و به برنامه ربطی ندارد."
        )
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.triage_state == "out_of_scope"
        assert problem.triage_reason == "آگهی است و به برنامه ربطی ندارد."
        page = client.get(board)
        assert any("خارج از موضوع برنامه علامت خورد" in text for text in notices(page))

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"action": "out_of_scope", "reason": "  "}, "دلیل خارج بودن از موضوع را بنویسید."),
            ({"action": "merge", "entry": ""}, "مسئله‌ی فهرستی را که این مسئله تکرار آن است"),
            ({"action": "merge", "entry": "۹۹۹۹۹"}, "مسئله‌ای با این شناسه در فهرست نیست."),
            ({"action": "accept", "entry": ""}, "یکی از «مسئله‌ی موجود فهرست»"),
            ({"action": "accept", "entry": "new", "new_title": ""}, "عنوان مسئله‌ی فهرست را"),
            ({"action": "accept", "entry": "new", "new_title": "x", "axis": "abc"}, "محوری با"),
            ({"action": "delete"}, "کار نامعتبر است."),
        ],
    )
    def test_bad_input_is_a_persian_400_and_changes_nothing(
        self, client, planner, plan, entry, data, message
    ):
        problem = ProblemFactory(plan=plan, title="مسئله‌ی بی‌تغییر")
        client.force_login(planner)
        response = self.post(client, plan, problem, **data)
        html = html_of(response)
        assert response.status_code == 400
        assert message in html
        assert count_testid(html, "triage-error") == 1
        assert f'data-problem-id="{problem.pk}"' in html  # still on the board
        problem.refresh_from_db()
        assert problem.triage_state == "new"
        assert problem.inventory_entry is None
        assert not TriageRecord.objects.exists()
        assert InventoryEntry.objects.count() == 1

    def test_typed_values_are_kept_after_a_refusal(self, client, planner, plan):
        problem = ProblemFactory(plan=plan)
        client.force_login(planner)
        response = self.post(client, plan, problem, action="accept", entry="new", new_title="")
        html = html_of(response)
        start = html.index(f'data-problem-id="{problem.pk}"')
        card = html[start : html.index("</li>", html.index('data-testid="out-of-scope-form"'))]
        assert '<details class="triage-action action-accept" open>' in card
        assert 'name="new_title" maxlength="200" value=""' in card

    def test_entry_of_another_plan_is_refused(self, client, planner, plan, arak):
        other = services.inventory_entry_create(
            actor=planner, plan=PlanFactory(city=arak), title="دیگر"
        )
        problem = ProblemFactory(plan=plan)
        client.force_login(planner)
        response = self.post(client, plan, problem, action="merge", entry=other.pk)
        assert response.status_code == 400
        assert "این مسئله‌ی فهرست از برنامه‌ی دیگری است." in html_of(response)

    def test_already_triaged_or_other_plan_is_a_409(self, client, planner, plan, entry, arak):
        done = ProblemFactory(plan=plan, triage_state="accepted", inventory_entry=entry)
        elsewhere = ProblemFactory(plan=PlanFactory(city=arak))
        client.force_login(planner)
        for problem in (done, elsewhere):
            response = self.post(client, plan, problem, action="out_of_scope", reason="دلیل")
            assert response.status_code == 409
            assert "دیگر در صف بررسی این برنامه نیست" in html_of(response)
            problem.refresh_from_db()
            assert problem.triage_state != "out_of_scope"

    @pytest.mark.parametrize("who", ["citizen", "qom_planner"])
    def test_others_cannot_triage(self, client, request, plan, who):
        problem = ProblemFactory(plan=plan)
        client.force_login(request.getfixturevalue(who))
        response = self.post(client, plan, problem, action="out_of_scope", reason="دلیل")
        assert response.status_code == 403
        problem.refresh_from_db()
        assert problem.triage_state == "new"

    def test_anonymous_post_goes_to_sign_in(self, client, plan):
        problem = ProblemFactory(plan=plan)
        response = self.post(client, plan, problem, action="out_of_scope", reason="دلیل")
        assert response.status_code == 302
        assert "/signin/" in response["Location"]


@pytest.mark.django_db
class TestBulk:
    def url(self, plan):
        return f"/planning/{plan.pk}/triage/bulk/"

    def test_accept_many_into_one_new_entry(self, client, planner, board, plan, axis):
        problems = [ProblemFactory(plan=plan) for _ in range(3)]
        left = ProblemFactory(plan=plan, title="این یکی می‌ماند")
        client.force_login(planner)
        response = client.post(
            self.url(plan),
            {
                "problems": [p.pk for p in problems],
                "action": "accept",
                "entry": "new",
                "new_title": "کمبود فضای سبز",
                "axis": axis.pk,
            },
        )
        assert response.status_code == 302
        entries = {Problem.objects.get(pk=p.pk).inventory_entry for p in problems}
        assert len(entries) == 1
        assert entries.pop().title == "کمبود فضای سبز"
        page = client.get(board)
        assert "۳ مسئله در فهرست پذیرفته شد: ۰۰۱ «کمبود فضای سبز»" in notices(page)
        assert re.findall(r'data-problem-id="(\d+)"', html_of(page)) == [str(left.pk)]

    def test_merge_and_out_of_scope_many(self, client, planner, plan, entry):
        dups = [ProblemFactory(plan=plan) for _ in range(2)]
        adverts = [ProblemFactory(plan=plan) for _ in range(2)]
        client.force_login(planner)
        merged = client.post(
            self.url(plan), {"problems": [p.pk for p in dups], "action": "merge", "entry": entry.pk}
        )
        dropped = client.post(
            self.url(plan),
            {"problems": [p.pk for p in adverts], "action": "out_of_scope", "reason": "تبلیغ"},
        )
        assert merged.status_code == dropped.status_code == 302
        states = dict(Problem.objects.values_list("pk", "triage_state"))
        assert [states[p.pk] for p in dups] == ["merged", "merged"]
        assert [states[p.pk] for p in adverts] == ["out_of_scope", "out_of_scope"]

    @pytest.mark.parametrize(
        ("data", "message", "status"),
        [
            ({"action": "out_of_scope", "reason": ""}, "دلیل خارج بودن از موضوع", 400),
            ({"action": "merge", "entry": ""}, "مسئله‌ی فهرستی را که این مسئله تکرار", 400),
            ({"action": "accept", "entry": "new", "new_title": ""}, "عنوان مسئله‌ی فهرست", 400),
            ({"action": "nothing"}, "کار نامعتبر است.", 400),
            (
                {"action": "out_of_scope", "reason": "x", "problems": []},
                "مسئله را انتخاب کنید",
                400,
            ),
            ({"action": "out_of_scope", "reason": "x", "problems": ["abc"]}, "مسئله‌ای با", 400),
        ],
    )
    def test_bad_input_changes_nothing(self, client, planner, plan, data, message, status):
        problems = [ProblemFactory(plan=plan) for _ in range(2)]
        client.force_login(planner)
        payload = {"problems": [p.pk for p in problems], **data}
        response = client.post(self.url(plan), payload)
        html = html_of(response)
        assert response.status_code == status
        assert message in html
        assert count_testid(html, "bulk-error") == 1
        assert set(Problem.objects.values_list("triage_state", flat=True)) == {"new"}
        assert not InventoryEntry.objects.exists()
        if payload["problems"] and str(payload["problems"][0]).isdigit():
            for problem in problems:  # the picked problems stay picked
                picked = f'value="{problem.pk}" form="bulk-form" class="bulk-check"'
                assert re.search(picked + r'[^>]*data-testid="bulk-select" checked>', html)

    def test_all_or_nothing_when_one_was_triaged_meanwhile(self, client, planner, plan, entry):
        fresh = ProblemFactory(plan=plan)
        gone = ProblemFactory(plan=plan, triage_state="merged", inventory_entry=entry)
        client.force_login(planner)
        response = client.post(
            self.url(plan),
            {"problems": [fresh.pk, gone.pk], "action": "out_of_scope", "reason": "دلیل"},
        )
        assert response.status_code == 409
        assert Problem.objects.get(pk=fresh.pk).triage_state == "new"

    def test_qom_planner_is_refused(self, client, qom_planner, plan):
        problem = ProblemFactory(plan=plan)
        client.force_login(qom_planner)
        response = client.post(
            self.url(plan), {"problems": [problem.pk], "action": "out_of_scope", "reason": "x"}
        )
        assert response.status_code == 403
        assert Problem.objects.get(pk=problem.pk).triage_state == "new"


# The planners' inventory -----------------------------------------------------------------


@pytest.mark.django_db
class TestManage:
    def test_access(self, client, plan, citizen, qom_planner):
        url = f"/planning/{plan.pk}/inventory/"
        assert client.get(url).status_code == 302
        for user in (citizen, qom_planner):
            client.force_login(user)
            assert client.get(url).status_code == 403

    def test_sorted_by_priority_with_breakdown_and_exports(
        self, client, planner, plan, entry, entry_with_evidence
    ):
        quiet = services.inventory_entry_create(actor=planner, plan=plan, title="الف", severity=1)
        client.force_login(planner)
        response = client.get(f"/planning/{plan.pk}/inventory/")
        html = html_of(response)
        assert response.status_code == 200
        # entry_with_evidence has evidence; `entry` (severity 3) outranks `quiet` (severity 1).
        assert entry_ids_in_order(html) == [entry_with_evidence.pk, entry.pk, quiet.pk]
        assert count_testid(html, "score-breakdown") == 3
        # The edit forms load when opened (TestEntryForm); the page holds their places.
        assert count_testid(html, "entry-form-slot") == 3
        assert count_testid(html, "entry-edit-form") == 0
        breakdown = html[html.index('data-testid="score-breakdown"') :]
        breakdown = breakdown[: breakdown.index("</details>")]
        for term in TERMS:
            assert term.label in breakdown
        assert "log2(1+x)" in breakdown
        assert "خطی" in breakdown
        assert 'data-term="severity"><th scope="row">شدت (نظر برنامه‌ریز)</th><td>۴</td>' in (
            breakdown
        )
        for kind in ("csv", "xlsx", "json"):
            assert f"/api/v1/inventory/export/?plan={plan.pk}&amp;format={kind}" in html

    def test_other_orderings(self, client, planner, plan, entry, entry_with_evidence):
        client.force_login(planner)
        html = html_of(client.get(f"/planning/{plan.pk}/inventory/?ordering=code"))
        assert entry_ids_in_order(html) == [entry.pk, entry_with_evidence.pk]
        response = client.get(f"/planning/{plan.pk}/inventory/?ordering=random")
        assert response.status_code == 400
        assert "ترتیب نامعتبر است." in html_of(response)

    def test_edit_links_plan_items_and_the_item_page_lists_the_entry(
        self, client, planner, plan, entry, green, committee
    ):
        goal = PlanItemFactory(plan=plan, code="1", title="شهری روان")
        strategy = PlanItemFactory(
            plan=plan, parent=goal, kind=PlanItem.Kind.STRATEGY, code="1.1", title="حمل عمومی"
        )
        client.force_login(planner)
        form_url = f"/planning/{plan.pk}/inventory/{entry.pk}/form/"
        page = html_of(client.get(form_url, headers={"HX-Request": "true"}))
        assert "هدف" in page
        assert "راهبرد" in page
        assert f'value="{strategy.pk}">' in page
        response = client.post(
            f"/planning/{plan.pk}/inventory/{entry.pk}/?ordering=code",
            {
                "title": entry.title,
                "statement": "در ساعت اوج\nزمان سفر دو برابر می‌شود.",
                "severity": "۵",
                "status": "analysing",
                "axis": green.pk,
                "committee": committee.pk,
                "addressed_by_sent": "1",
                "addressed_by": [goal.pk, strategy.pk],
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"?ordering=code#entry-{entry.pk}")
        entry.refresh_from_db()
        assert (entry.severity, entry.status, entry.axis, entry.committee) == (
            5,
            "analysing",
            green,
            committee,
        )
        assert entry.statement == "در ساعت اوج\nزمان سفر دو برابر می‌شود."
        assert set(entry.addressed_by.all()) == {goal, strategy}
        ticked = html_of(client.get(form_url, headers={"HX-Request": "true"}))
        assert f'value="{strategy.pk}" checked>' in ticked
        assert f'value="{goal.pk}" checked>' in ticked
        assert "مسئله‌ی ۰۰۱ ذخیره شد." in notices(client.get(f"/planning/{plan.pk}/inventory/"))
        item_page = client.get(f"/plan-items/{strategy.pk}/")
        html = html_of(item_page)
        assert "مسائلی که این بند به آن پاسخ می‌دهد" in html
        assert count_testid(html, "addressed-entry") == 1
        assert f'href="/inventory/{entry.pk}/"' in html
        assert entry.title in html
        # Unticking every item clears the links.
        client.post(f"/planning/{plan.pk}/inventory/{entry.pk}/", {"addressed_by_sent": "1"})
        assert not entry.addressed_by.exists()
        assert (
            count_testid(html_of(client.get(f"/plan-items/{strategy.pk}/")), "addressed-entry") == 0
        )

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"severity": "زیاد"}, "شدت باید از ۱ تا ۵ باشد."),
            ({"severity": "9"}, "شدت باید از ۱ تا ۵ باشد."),
            ({"status": "done"}, "وضعیت نامعتبر است."),
            ({"title": ""}, "عنوان خالی یا بیش از اندازه است."),
            ({"addressed_by_sent": "1", "addressed_by": ["999999"]}, "بندی با این شناسه نیست."),
        ],
    )
    def test_bad_edit_is_a_persian_400(self, client, planner, plan, entry, data, message):
        client.force_login(planner)
        response = client.post(f"/planning/{plan.pk}/inventory/{entry.pk}/", data)
        html = html_of(response)
        assert response.status_code == 400
        assert message in html
        assert count_testid(html, "edit-error") == 1
        fresh = InventoryEntry.objects.get(pk=entry.pk)
        assert (fresh.severity, fresh.status, fresh.title) == (3, "identified", entry.title)

    def test_items_and_tags_of_elsewhere_are_refused(self, client, planner, plan, entry, qom):
        foreign = PlanItemFactory(plan=PlanFactory(city=plan.city), code="1")
        qom_axis = AxisFactory(city=qom)
        client.force_login(planner)
        url = f"/planning/{plan.pk}/inventory/{entry.pk}/"
        response = client.post(url, {"addressed_by_sent": "1", "addressed_by": [foreign.pk]})
        assert response.status_code == 400
        assert "بندها باید از همین برنامه باشند." in html_of(response)
        response = client.post(url, {"axis": qom_axis.pk})
        assert response.status_code == 400
        assert "این محور از شهر این برنامه نیست." in html_of(response)
        assert not entry.addressed_by.exists()

    def test_entry_of_another_plan_is_404(self, client, planner, plan, arak):
        other = services.inventory_entry_create(
            actor=planner, plan=PlanFactory(city=arak), title="دیگر"
        )
        client.force_login(planner)
        response = client.post(f"/planning/{plan.pk}/inventory/{other.pk}/", {"severity": "5"})
        assert response.status_code == 404
        assert InventoryEntry.objects.get(pk=other.pk).severity == 3

    def test_a_refused_edit_shows_that_form_open_with_what_was_typed(
        self, client, planner, plan, entry
    ):
        other = services.inventory_entry_create(actor=planner, plan=plan, title="دیگر")
        client.force_login(planner)
        response = client.post(
            f"/planning/{plan.pk}/inventory/{entry.pk}/", {"title": "تازه", "severity": "9"}
        )
        html = html_of(response)
        assert response.status_code == 400
        assert count_testid(html, "entry-edit-form") == 1
        assert f'id="e-title-{entry.pk}" name="title" maxlength="200" required value="تازه"' in html
        assert f"/planning/{plan.pk}/inventory/{other.pk}/form/" in html
        assert f"/planning/{plan.pk}/inventory/{entry.pk}/form/" not in html

    def test_qom_planner_cannot_edit(self, client, qom_planner, plan, entry):
        client.force_login(qom_planner)
        response = client.post(f"/planning/{plan.pk}/inventory/{entry.pk}/", {"severity": "5"})
        assert response.status_code == 403
        assert InventoryEntry.objects.get(pk=entry.pk).severity == 3


@pytest.mark.django_db
class TestEntryForm:
    """An entry's edit form, loaded when its «ویرایش» opens: every plan item is a checkbox
    (~90 KB an entry at 379 items), so the inventory page holds none of them."""

    @pytest.fixture
    def items(self, plan):
        return [PlanItemFactory(plan=plan, code=str(n), title=f"هدف {n}") for n in range(1, 31)]

    def url(self, plan, entry) -> str:
        return f"/planning/{plan.pk}/inventory/{entry.pk}/form/"

    def test_the_page_holds_no_item_checkbox(self, client, planner, plan, entry, items):
        services.inventory_entry_update(actor=planner, entry=entry, addressed_by=[items[0]])
        client.force_login(planner)
        html = html_of(client.get(f"/planning/{plan.pk}/inventory/?ordering=code"))
        assert 'name="addressed_by"' not in html
        slot = html[html.index('data-testid="entry-form-slot"') - 200 :]
        assert f'hx-get="{self.url(plan, entry)}?ordering=code"' in slot
        assert 'hx-trigger="toggle once from:closest details"' in slot
        assert f'<a href="{self.url(plan, entry)}?ordering=code">' in slot  # without script

    def test_a_fragment_for_htmx_a_page_otherwise(self, client, planner, plan, entry, items):
        services.inventory_entry_update(actor=planner, entry=entry, addressed_by=[items[2]])
        client.force_login(planner)
        fragment = html_of(client.get(self.url(plan, entry), headers={"HX-Request": "true"}))
        assert "<html" not in fragment
        assert fragment.count('name="addressed_by"') == len(items)
        assert f'value="{items[2].pk}" checked>' in fragment
        assert fragment.count(" checked>") == 1
        assert f'action="/planning/{plan.pk}/inventory/{entry.pk}/?ordering=priority"' in fragment
        page = html_of(client.get(self.url(plan, entry) + "?ordering=code"))
        assert '<html lang="fa" dir="rtl">' in page
        assert count_testid(page, "entry-edit-form") == 1
        assert f'action="/planning/{plan.pk}/inventory/{entry.pk}/?ordering=code"' in page
        crafted = html_of(client.get(self.url(plan, entry) + "?ordering=%22%3E%3Cscript%3E"))
        assert "<script>" not in crafted.split("<main", 1)[-1].split("</main>", 1)[0]

    def test_only_the_plans_planners(self, client, plan, entry, qom_planner, citizen, arak):
        url = self.url(plan, entry)
        assert client.get(url).status_code == 302  # to sign in
        for who in (qom_planner, citizen):
            client.force_login(who)
            assert client.get(url).status_code == 403

    def test_an_entry_of_another_plan_is_404(self, client, planner, plan, arak):
        other = services.inventory_entry_create(
            actor=planner, plan=PlanFactory(city=arak), title="دیگر"
        )
        client.force_login(planner)
        assert client.get(self.url(plan, other)).status_code == 404


# Public pages ----------------------------------------------------------------------------


@pytest.mark.django_db
class TestPublicInventory:
    def test_charts_ranked_entries_and_formula(self, client, plan, entry, entry_with_evidence):
        author = entry_with_evidence.problems.first().author
        response = client.get(f"/plans/{plan.pk}/inventory/")
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert count_testid(html, "chart") == 5
        assert html.count("<svg") == 5
        chart = html[html.index('data-testid="chart"') :]
        chart = chart[: chart.index("</svg>")]
        assert PERSIAN_DIGIT.search(chart)
        assert "حمل‌ونقل و ترافیک" in chart
        assert "<script" not in chart
        assert entry_ids_in_order(html) == [entry_with_evidence.pk, entry.pk]
        assert f'href="/inventory/{entry_with_evidence.pk}/"' in html
        assert evidence_value(html, "supporters-count") == "۳"
        assert 'data-testid="entries-total">۲<' in html
        assert 'data-testid="problems-total">۲<' in html
        # The formula in Persian, not the code string (docs/accessibility.md).
        assert "4×severity" not in html
        assert "۴ × <bdi>شدت (نظر برنامه‌ریز)</bdi>" in html
        assert "۶ × لگاریتم دو‌پایه‌ی (۱ + <bdi>پشتیبانان یکتا</bdi>)" in html
        for term in TERMS:
            assert term.label in html
        # No personal data: no names, usernames or phone numbers of authors.
        for private in (author.display_name, author.username, author.phone):
            assert private not in html
        assert 'data-testid="planner-links"' not in html

    def test_chart_labels_are_escaped(self, client, plan, planner, arak):
        hostile = AxisFactory(city=arak, title="<script>alert(1)</script>")
        services.inventory_entry_create(actor=planner, plan=plan, title="x", axis=hostile)
        html = html_of(client.get(f"/plans/{plan.pk}/inventory/"))
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;" in html

    def test_empty_and_unknown_plans(self, client, plan):
        html = html_of(client.get(f"/plans/{plan.pk}/inventory/"))
        assert count_testid(html, "inventory-empty") == 1
        assert count_testid(html, "chart") == 0
        assert count_testid(html, "charts-empty") == 1
        assert client.get("/plans/999999/inventory/").status_code == 404

    def test_planners_see_their_links(self, client, planner, plan):
        client.force_login(planner)
        html = html_of(client.get(f"/plans/{plan.pk}/inventory/"))
        assert f'href="/planning/{plan.pk}/triage/"' in html

    def test_plan_page_links_to_the_inventory(self, client, plan):
        html = html_of(client.get(f"/plans/{plan.pk}/"))
        assert f'href="/plans/{plan.pk}/inventory/"' in html

    def test_query_count_is_the_same_for_1_and_30_entries(
        self, client, planner, plan, axis, committee, districts
    ):
        def add_entry(n: int) -> None:
            problem = ProblemFactory(plan=plan, district=districts[n % 3], title=f"مسئله {n}")
            services.triage_accept(
                actor=planner,
                problem_id=problem.pk,
                axis=axis,
                committee=committee,
                new_entry={"title": f"مسئله‌ی فهرست {n}"},
            )
            item = PlanItemFactory(plan=plan, code=str(n + 1))
            InventoryEntry.objects.get(title=f"مسئله‌ی فهرست {n}").addressed_by.add(item)

        def count() -> tuple[int, int]:
            """Queries when the plan's figures are computed, then when they are read."""
            InventoryFigures.objects.all().delete()
            counts = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(f"/plans/{plan.pk}/inventory/").status_code == 200
                counts.append(len(captured))
            return counts[0], counts[1]

        add_entry(0)
        one = count()
        for n in range(1, 30):
            add_entry(n)
        thirty = count()
        assert (
            count_testid(html_of(client.get(f"/plans/{plan.pk}/inventory/")), "inventory-entry")
            == 30
        )
        assert one == thirty


@pytest.mark.django_db
class TestEntryPage:
    def test_evidence_problems_and_items(self, client, plan, entry_with_evidence):
        item = PlanItemFactory(plan=plan, code="1", title="ساخت تقاطع غیرهمسطح")
        entry_with_evidence.addressed_by.add(item)
        hidden = ProblemFactory(
            plan=plan, moderation_state="hidden", inventory_entry=entry_with_evidence
        )
        response = client.get(f"/inventory/{entry_with_evidence.pk}/")
        html = html_of(response)
        assert response.status_code == 200
        assert 'data-testid="entry-code">۰۰۱<' in html
        assert entry_with_evidence.title in html
        assert count_testid(html, "evidence") == 1
        expected = {
            "supporters-count": "۳",
            "problems-count": "۲",
            "districts-count": "۲",
            "endorsements-count": "۱",
            "expert-comments-count": "۱",
        }
        for testid, value in expected.items():
            assert evidence_value(html, testid) == value, testid
        assert count_testid(html, "score-breakdown") == 1
        assert count_testid(html, "linked-problem") == 2
        assert hidden.title not in html
        assert "پذیرفته در فهرست مسائل" in html
        assert "ادغام‌شده با مسئله‌ی مشابه" in html
        for problem in entry_with_evidence.problems.filter(moderation_state="published"):
            assert f'href="/problems/{problem.pk}/"' in html
        assert f'href="/plan-items/{item.pk}/"' in html
        assert item.title in html
        assert "کمیته‌ی امور فنی و مهندسی شهری" in html
        assert "حمل‌ونقل و ترافیک" in html

    def test_unknown_entry_is_404(self, client):
        assert client.get("/inventory/999999/").status_code == 404


@pytest.mark.django_db
class TestCommitteePage:
    def test_access_rules(self, client, committee, entry_with_evidence, citizen, qom_planner):
        url = f"/committees/{committee.pk}/inventory/"
        assert client.get(url).status_code == 302
        for outsider in (citizen, qom_planner):
            client.force_login(outsider)
            response = client.get(url)
            assert response.status_code == 403
            assert "این فهرست برای اعضای کمیته و برنامه‌ریزان شهر است." in html_of(response)
        member = UserFactory()
        committee.members.add(member)
        client.force_login(member)
        response = client.get(url)
        html = html_of(response)
        assert response.status_code == 200
        assert entry_ids_in_order(html) == [entry_with_evidence.pk]
        assert evidence_value(html, "supporters-count") == "۳"

    def test_city_planner_sees_it(self, client, planner, committee, entry_with_evidence):
        other = services.inventory_entry_create(
            actor=planner, plan=entry_with_evidence.plan, title="بدون کمیته"
        )
        client.force_login(planner)
        html = html_of(client.get(f"/committees/{committee.pk}/inventory/"))
        assert entry_ids_in_order(html) == [entry_with_evidence.pk]
        assert other.title not in html

    def test_unknown_committee_is_404(self, client, planner):
        client.force_login(planner)
        assert client.get("/committees/999999/inventory/").status_code == 404


@pytest.mark.django_db
def test_board_query_count_is_the_same_for_1_and_20_problems(client, planner, plan, board):
    for n in range(3):
        services.inventory_entry_create(actor=planner, plan=plan, title=f"مسئله‌ی فهرست {n}")
    client.force_login(planner)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(board).status_code == 200
        return len(captured)

    ProblemFactory(plan=plan, title="مسئله‌ی یکم")
    one = count()
    for n in range(19):
        ProblemFactory(plan=plan, title=f"مسئله‌ی شماره {n}")
    assert one == count()


@pytest.mark.django_db
def test_planners_get_a_header_link_to_their_board(client, planner, plan, citizen):
    client.force_login(planner)
    assert f'href="/planning/{plan.pk}/triage/"' in html_of(client.get("/"))
    client.force_login(citizen)
    assert 'data-testid="nav-triage"' not in html_of(client.get("/"))


@pytest.mark.django_db
def test_problem_page_shows_its_entry_items_and_the_reason_to_its_author(
    client, planner, plan, citizen
):
    problem = ProblemFactory(plan=plan, author=citizen, title="ترافیک میدان")
    services.triage_accept(actor=planner, problem_id=problem.pk, new_entry={"title": "ترافیک"})
    entry = InventoryEntry.objects.get(title="ترافیک")
    item = PlanItemFactory(plan=plan, title="تقاطع غیرهمسطح")
    entry.addressed_by.add(item)
    html = html_of(client.get(f"/problems/{problem.pk}/"))
    assert f'href="/inventory/{entry.pk}/"' in html
    assert "تقاطع غیرهمسطح" in html
    advert = ProblemFactory(plan=plan, author=citizen, title="آگهی فروش")
    services.triage_out_of_scope(actor=planner, problem_id=advert.pk, reason="آگهی است.")
    assert 'data-testid="triage-reason"' not in html_of(client.get(f"/problems/{advert.pk}/"))
    client.force_login(citizen)
    assert "آگهی است." in html_of(client.get(f"/problems/{advert.pk}/"))


@pytest.mark.django_db
class TestRetriageOnTheBoard:
    """The board follows the service's one rule: a problem that is no longer new is a 409,
    and the board never asks for re-triage."""

    def test_two_planners_racing_second_gets_409(self, client, planner, plan, entry, arak):
        other = StaffRoleFactory(city=arak, role="planner").user
        problem = ProblemFactory(plan=plan, title="چراغ‌های خاموش")
        url = f"/planning/{plan.pk}/triage/{problem.pk}/"
        client.force_login(planner)
        assert f'data-problem-id="{problem.pk}"' in html_of(
            client.get(f"/planning/{plan.pk}/triage/")
        )
        first = client.post(url, {"action": "merge", "entry": entry.pk})
        client.force_login(other)
        second = client.post(url, {"action": "out_of_scope", "reason": "دلیل"})
        assert (first.status_code, second.status_code) == (302, 409)
        assert "دیگر در صف بررسی این برنامه نیست" in html_of(second)
        problem.refresh_from_db()
        assert (problem.triage_state, problem.inventory_entry) == ("merged", entry)
        assert TriageRecord.objects.filter(problem=problem).count() == 1

    def test_a_posted_retriage_flag_is_ignored(self, client, planner, plan, entry):
        done = ProblemFactory(plan=plan, triage_state="accepted", inventory_entry=entry)
        client.force_login(planner)
        response = client.post(
            f"/planning/{plan.pk}/triage/{done.pk}/",
            {"action": "out_of_scope", "reason": "دلیل", "retriage": "true"},
        )
        assert response.status_code == 409
        assert Problem.objects.get(pk=done.pk).triage_state == "accepted"

    def test_bulk_stale_selection_names_the_refusal(self, client, planner, plan, entry):
        fresh = ProblemFactory(plan=plan)
        gone = ProblemFactory(plan=plan, triage_state="accepted", inventory_entry=entry)
        client.force_login(planner)
        response = client.post(
            f"/planning/{plan.pk}/triage/bulk/",
            {"problems": [fresh.pk, gone.pk], "action": "merge", "entry": entry.pk},
        )
        html = html_of(response)
        assert response.status_code == 409
        assert count_testid(html, "bulk-error") == 1
        assert "برخی از مسائل انتخاب‌شده دیگر در صف بررسی این برنامه نیستند" in html
        assert Problem.objects.get(pk=fresh.pk).triage_state == "new"
