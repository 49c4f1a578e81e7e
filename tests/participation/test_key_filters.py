"""The problem list's plan, axis and district filters find their row by one compiled
statement (backend.api.KeyChoiceFilter); every other value goes to django-filter. Either
way an unknown or malformed key is a 400 with a Persian message, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.ids import MAX_ID
from tests.factories import ProblemFactory

URL = "/api/v1/problems/"


@pytest.mark.django_db
class TestKeyFilters:
    def test_a_known_plan_and_axis_filter_the_list(self, api_client, plan, axis):
        problem = ProblemFactory(plan=plan, axis=axis)
        ProblemFactory(plan=plan)
        body = api_client.get(URL, {"plan": plan.pk, "axis": axis.pk}).json()
        assert [row["id"] for row in body["results"]] == [problem.pk]

    @pytest.mark.parametrize(
        ("name", "label"), [("plan", "برنامه‌ای"), ("axis", "محوری"), ("district", "منطقه‌ای")]
    )
    @pytest.mark.parametrize("value", ["987654", str(MAX_ID), str(MAX_ID + 1), "۱۲", "-3", "x"])
    def test_unknown_or_malformed_keys_are_refused(self, api_client, plan, name, label, value):
        response = api_client.get(URL, {"plan": plan.pk, name: value})
        assert response.status_code == 400, response.content
        assert f"{label} با این شناسه نیست." in response.content.decode()

    def test_the_lookup_is_the_compiled_statement_not_a_get(self, api_client, plan):
        """One read of the plan, by its key alone: not django-filter's `queryset.get()`
        (which adds LIMIT 21) and not the model's default ordering (which joins the city)."""
        ProblemFactory(plan=plan)
        api_client.get(URL, {"plan": plan.pk})
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(URL, {"plan": plan.pk, "page_size": 5}).status_code == 200
        plan_reads = [q["sql"] for q in queries if 'FROM "planning_plan"' in q["sql"]]
        assert len(plan_reads) == 1
        assert "LIMIT 21" not in plan_reads[0]
        assert "planning_city" not in plan_reads[0]

    def test_a_narrowed_queryset_is_left_to_django_filter(self, plan):
        """The compiled lookup reads the whole table: a filter whose queryset is narrowed
        must not find a row outside it."""
        from backend.api import KeyChoiceFilter
        from planning.models import Plan

        field = KeyChoiceFilter(queryset=Plan.objects.exclude(pk=plan.pk)).field
        with pytest.raises(ValidationError):
            field.clean(str(plan.pk))
        assert KeyChoiceFilter(queryset=Plan.objects.all()).field.clean(str(plan.pk)) == plan
