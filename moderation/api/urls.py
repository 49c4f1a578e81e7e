from django.urls import path

from moderation.api import views

urlpatterns = [
    path("moderation/rules/", views.RuleList.as_view(), name="moderation-rules"),
    path("moderation/queue/", views.QueueList.as_view(), name="moderation-queue"),
    path("moderation/queue/<int:pk>/claim/", views.QueueClaim.as_view(), name="moderation-claim"),
    path(
        "moderation/queue/<int:pk>/decide/", views.QueueDecide.as_view(), name="moderation-decide"
    ),
    path("moderation/decisions/", views.DecisionAudit.as_view(), name="moderation-decisions"),
    path("moderation/stats/", views.Stats.as_view(), name="moderation-stats"),
    path("reports/", views.ReportCreate.as_view(), name="report-create"),
    path("appeals/", views.AppealCreate.as_view(), name="appeal-create"),
]
