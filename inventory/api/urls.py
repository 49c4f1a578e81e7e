from django.urls import path

from inventory.api import views

urlpatterns = [
    path("plan-items/<int:pk>/", views.PlanItemDetail.as_view(), name="plan-item-detail"),
    path("triage/", views.TriageQueue.as_view(), name="triage-queue"),
    path("triage/bulk/", views.TriageBulk.as_view(), name="triage-bulk"),
    path("triage/<int:problem_id>/", views.TriageAction.as_view(), name="triage-action"),
    path("inventory/", views.InventoryListCreate.as_view(), name="inventory-list"),
    path("inventory/export/", views.InventoryExport.as_view(), name="inventory-export"),
    path("inventory/stats/", views.InventoryStats.as_view(), name="inventory-stats"),
    path("inventory/<int:pk>/", views.InventoryDetail.as_view(), name="inventory-detail"),
    path(
        "committees/<int:pk>/inventory/",
        views.CommitteeInventory.as_view(),
        name="committee-inventory",
    ),
]
