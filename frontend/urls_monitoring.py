"""Plan monitoring's pages: the public dashboard and indicator page, the planners' forms."""

from django.urls import path

from frontend import views_monitoring as views

app_name = "monitoring"

urlpatterns = [
    # Everyone
    path("plans/<int:plan_id>/monitoring/", views.dashboard, name="dashboard"),
    path("indicators/<int:pk>/", views.indicator, name="indicator"),
    # Planners of the plan's city (and an indicator's owner for its measurements)
    path("plans/<int:plan_id>/monitoring/overdue/", views.overdue, name="overdue"),
    path(
        "plans/<int:plan_id>/monitoring/import/",
        views.measurements_import,
        name="measurements_import",
    ),
    path("indicators/<int:pk>/measurements/", views.measurement_new, name="measurement_new"),
    path(
        "indicators/<int:pk>/measurements/<int:measurement_id>/submit/",
        views.measurement_submit,
        name="measurement_submit",
    ),
    path(
        "indicators/<int:pk>/measurements/<int:measurement_id>/verify/",
        views.measurement_verify,
        name="measurement_verify",
    ),
    path(
        "indicators/<int:pk>/measurements/<int:measurement_id>/correct/",
        views.measurement_correct,
        name="measurement_correct",
    ),
]
