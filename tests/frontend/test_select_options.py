"""The problem list's selects, drawn by frontend/templatetags/select_options.py: every plan,
the axes and districts grouped by city, the chosen ones selected, every label escaped."""

import re

import pytest

from tests.factories import AxisFactory, DistrictFactory, PlanFactory

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
