"""A plan's problem map (docs/map.md): the Leaflet map fed by the map API, its filters as
a plain GET form, and the per-district choropleths drawn here as SVG (no tiles, no script).
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.choropleth import Area, choropleth_svg
from backend.persian import to_persian_digits
from participation import selectors
from participation import serializers as s
from participation.models import Problem
from planning import selectors as planning_selectors

FILTERS = ("axis", "district", "triage_state")


def _short_label(district) -> str:
    if district.number is not None:
        return _("منطقه‌ی %(n)s") % {"n": to_persian_digits(district.number)}
    return district.name.split("(")[0].strip()[:16]


def _choropleths(plan, districts) -> list[dict]:
    outline = plan.city.boundary
    made = []
    for key, title, unit in (
        ("problems_count", _("مسائل منتشرشده در هر منطقه"), _("مسئله")),
        ("supports_sum", _("پشتیبانی‌ها از مسائل هر منطقه"), _("پشتیبانی")),
    ):
        areas = [Area(_short_label(d), d.name, d.boundary, getattr(d, key)) for d in districts]
        svg, steps = choropleth_svg(areas, title=title, unit=unit, outline=outline)
        made.append({"key": key, "title": title, "svg": svg, "steps": steps})
    return made


@require_GET
def plan_map(request, pk: int):
    plan = planning_selectors.plan_list().filter(pk=pk).first()
    if plan is None:
        raise Http404
    query = s.MapIn(data=request.GET, context={"plan": plan})
    valid = query.is_valid()
    chosen = {name: query.validated_data.get(name) for name in FILTERS} if valid else {}
    filters = {
        name: getattr(value, "pk", value)
        for name, value in chosen.items()
        if value not in (None, "")
    }
    districts = selectors.district_map(plan=plan)
    context = {
        "plan": plan,
        "values": request.GET,
        "filter_errors": None if valid else query.errors,
        "axes": planning_selectors.axis_list().filter(city_id=plan.city_id),
        "districts": districts,
        "triage_choices": Problem.Triage.choices,
        "api_url": reverse("plan-map", kwargs={"pk": plan.pk}),
        "api_filters": urlencode(filters),
        "choropleths": _choropleths(plan, districts),
        "has_boundaries": any(d.boundary for d in districts),
    }
    return render(request, "frontend/plan_map.html", context, status=200 if valid else 400)
