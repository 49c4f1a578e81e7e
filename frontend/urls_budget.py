"""The budget slice's pages: where the money goes, a goal's page, the council's slice and a
project's page (everyone); the planners' project forms and the city's import page."""

from django.urls import path, register_converter

from frontend import views_budget as views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

app_name = "budget"

urlpatterns = [
    # Everyone
    path("plans/<int:plan_id>/budget/", views.overview, name="overview"),
    path("plans/<int:plan_id>/budget/goals/<int:item_id>/", views.goal, name="goal"),
    path("plans/<int:plan_id>/budget/slice/<int:year>/", views.budget_slice, name="slice"),
    path("budget/projects/<int:pk>/", views.project, name="project"),
    path(
        "cities/<int:city_id>/budget/<int:year>/export.<export_format:fmt>",
        views.budget_export,
        name="export",
    ),
    # Planners of the city
    path("budget/projects/<int:pk>/status/", views.project_status, name="project_status"),
    path("budget/projects/<int:pk>/progress/", views.project_progress, name="project_progress"),
    path(
        "budget/projects/<int:pk>/milestones/<int:milestone_id>/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("cities/<int:city_id>/budget/import/", views.budget_import, name="import"),
    path("cities/<int:city_id>/budget/mapping/", views.budget_mapping, name="mapping"),
]
