from django.urls import path

from planning.api import views

urlpatterns = [
    path("cities/", views.CityListView.as_view(), name="city-list"),
    path("axes/", views.AxisListView.as_view(), name="axis-list"),
    path("committees/", views.CommitteeListView.as_view(), name="committee-list"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("plans/", views.PlanList.as_view(), name="plan-list"),
    path("plans/<int:pk>/", views.PlanDetail.as_view(), name="plan-detail"),
    path("plans/<int:pk>/items/", views.PlanItemsTree.as_view(), name="plan-items"),
]
