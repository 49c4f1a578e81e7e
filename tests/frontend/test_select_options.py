"""The problem list's selects, drawn by frontend/templatetags/select_options.py: every plan,
the axes and districts grouped by city, the chosen ones selected, every label escaped."""

import re

import pytest

from tests.factories import AxisFactory, DistrictFactory, PlanFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def select(html: str, name: str) -> str:
    start = html.index(f'<select id="f-{name}"')
    return html[start : html.index("</select>", start)]


def test_axes_and_districts_grouped_by_city_with_the_chosen_selected(client, arak, qom):
    mine = AxisFactory(city=arak, title="پیاده‌روی <امن>")
    AxisFactory(city=qom, title="زیارت")
    place = DistrictFactory(city=qom, name="منطقه‌ی ۲")
    html = client.get("/problems/", {"axis": mine.pk, "district": place.pk}).content.decode()
    axes = select(html, "axis")
    assert re.findall(r'<optgroup label="([^"]+)">', axes) == [arak.name, qom.name]
    assert f'<option value="{mine.pk}" selected>پیاده‌روی &lt;امن&gt;</option>' in axes
    assert axes.count(" selected") == 1
    districts = select(html, "district")
    assert f'<option value="{place.pk}" selected>منطقه‌ی ۲</option>' in districts
    assert districts.count(" selected") == 1


def test_every_plan_named_with_its_city(client, arak):
    plan = PlanFactory(city=arak, title="برنامه‌ی سوم")
    html = client.get("/problems/", {"plan": plan.pk}).content.decode()
    plans = select(html, "plan")
    assert f'<option value="{plan.pk}" selected>{arak.name} — برنامه‌ی سوم</option>' in plans
    assert "همه‌ی برنامه‌ها" in plans


def picker(html: str, problem, form: str) -> str:
    """The entry picker of one problem's form on the triage board."""
    card = html[html.index(f'data-problem-id="{problem.pk}"') :]
    start = card.index(f'id="{form}-entry-{problem.pk}"')
    return card[start : card.index("</select>", start)]


class TestEntryPickers:
    """The triage board's entry pickers (`{% entry_options %}`): the similar entries first,
    then every entry; the group of every entry is drawn once per page, so a choice kept
    after a refusal must show in its own row only."""

    @pytest.fixture
    def entries(self, planner, plan):
        from inventory import services

        return [
            services.inventory_entry_create(actor=planner, plan=plan, title=title)
            for title in ("ترافیک بلوار امام خمینی", "آلودگی هوا <کارخانه>")
        ]

    def test_the_similar_entry_first_and_selected_then_every_entry(
        self, client, planner, plan, entries
    ):
        alike = ProblemFactory(plan=plan, title="ترافيك بلوار امام خميني")
        other = ProblemFactory(plan=plan, title="چاله در کوچه‌ی باغ")
        client.force_login(planner)
        html = client.get(f"/planning/{plan.pk}/triage/").content.decode()
        for form in ("acc", "merge"):
            options = picker(html, alike, form)
            similar = options[options.index("مشابه این مسئله") : options.index("همه‌ی مسائل")]
            assert re.search(rf'<option value="{entries[0].pk}" selected>[^<]*٪ شبیه\)', similar)
            every = options[options.index("همه‌ی مسائل") :]
            assert re.findall(r'<option value="(\d+)"', every) == [str(e.pk) for e in entries]
            assert " selected" not in every
            assert "آلودگی هوا &lt;کارخانه&gt;" in every
            plain = picker(html, other, form)
            assert "مشابه این مسئله" not in plain
            assert f'<option value="{entries[0].pk}" selected' not in plain

    def test_a_choice_kept_after_a_refusal_shows_in_its_row_only(
        self, client, planner, plan, entries
    ):
        refused = ProblemFactory(plan=plan, title="چاله در کوچه‌ی باغ")
        other = ProblemFactory(plan=plan, title="درخت افتاده")
        client.force_login(planner)
        chosen = entries[1].pk
        response = client.post(
            f"/planning/{plan.pk}/triage/{refused.pk}/",
            {"action": "accept", "entry": str(chosen), "new_title": "x", "axis": "abc"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert f'<option value="{chosen}" selected>' in picker(html, refused, "acc")
        assert f'<option value="{chosen}" selected>' not in picker(html, refused, "merge")
        assert " selected>" not in picker(html, other, "acc").split("همه‌ی مسائل", 1)[1]
