from django.urls import path

from monitoring.api import views

urlpatterns = [
    path("plans/<int:pk>/monitoring/", views.PlanMonitoring.as_view(), name="plan-monitoring"),
    path(
        "plans/<int:pk>/monitoring/overdue/",
        views.PlanOverdue.as_view(),
        name="plan-monitoring-overdue",
    ),
    path(
        "plans/<int:pk>/monitoring/export/",
        views.PlanMonitoringExport.as_view(),
        name="plan-monitoring-export",
    ),
    path("plans/<int:pk>/snapshots/", views.PlanSnapshots.as_view(), name="plan-snapshots"),
    path("snapshots/<int:pk>/", views.SnapshotDetail.as_view(), name="snapshot-detail"),
    path("indicators/", views.IndicatorListCreate.as_view(), name="indicator-list"),
    path("indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator-detail"),
    path("indicators/<int:pk>/draft/", views.IndicatorDraft.as_view(), name="indicator-draft"),
    path(
        "indicators/<int:pk>/publish/", views.IndicatorPublish.as_view(), name="indicator-publish"
    ),
    path("indicators/<int:pk>/links/", views.IndicatorLinks.as_view(), name="indicator-links"),
    path(
        "indicators/<int:pk>/baseline/",
        views.IndicatorBaseline.as_view(),
        name="indicator-baseline",
    ),
    path(
        "indicators/<int:pk>/targets/", views.IndicatorTargets.as_view(), name="indicator-targets"
    ),
    path(
        "indicators/<int:pk>/measurements/",
        views.IndicatorMeasurements.as_view(),
        name="indicator-measurements",
    ),
    path(
        "measurements/<int:pk>/submit/",
        views.MeasurementSubmit.as_view(),
        name="measurement-submit",
    ),
    path(
        "measurements/<int:pk>/verify/",
        views.MeasurementVerify.as_view(),
        name="measurement-verify",
    ),
    path(
        "measurements/<int:pk>/correct/",
        views.MeasurementCorrect.as_view(),
        name="measurement-correct",
    ),
    path(
        "plan-items/<int:pk>/monitoring/",
        views.PlanItemMonitoring.as_view(),
        name="plan-item-monitoring",
    ),
    path(
        "plan-items/<int:pk>/indicators/",
        views.PlanItemIndicators.as_view(),
        name="plan-item-indicators",
    ),
]
