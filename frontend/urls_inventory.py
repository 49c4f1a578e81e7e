"""The problem inventory's pages: planners' triage board and inventory, public pages."""

from django.urls import path

from frontend import views_inventory as views

app_name = "inventory"

urlpatterns = [
    # Planners of the plan's city
    path("planning/<int:plan_id>/triage/", views.triage, name="triage"),
    path("planning/<int:plan_id>/triage/bulk/", views.triage_bulk, name="triage_bulk"),
    path(
        "planning/<int:plan_id>/triage/<int:problem_id>/",
        views.triage_action,
        name="triage_action",
    ),
    path("planning/<int:plan_id>/inventory/", views.manage, name="manage"),
    path(
        "planning/<int:plan_id>/inventory/<int:entry_id>/",
        views.entry_edit,
        name="entry_edit",
    ),
    path(
        "planning/<int:plan_id>/inventory/<int:entry_id>/form/",
        views.entry_form,
        name="entry_form",
    ),
    # Everyone
    path("plans/<int:plan_id>/inventory/", views.public, name="public"),
    path("inventory/<int:pk>/", views.entry, name="entry"),
    # Committee members and the city's planners
    path("committees/<int:pk>/inventory/", views.committee, name="committee"),
]
