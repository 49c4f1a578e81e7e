from django.urls import path

from budget.api import views

urlpatterns = [
    path("budget/projects/", views.ProjectListCreate.as_view(), name="budget-project-list"),
    path("budget/projects/<int:pk>/", views.ProjectDetail.as_view(), name="budget-project-detail"),
    path(
        "budget/projects/<int:pk>/milestones/",
        views.ProjectMilestones.as_view(),
        name="budget-project-milestones",
    ),
    path(
        "budget/milestones/<int:pk>/",
        views.MilestoneDetail.as_view(),
        name="budget-milestone-detail",
    ),
    path("budget/lines/", views.LineListCreate.as_view(), name="budget-line-list"),
    path("budget/lines/<int:pk>/", views.LineDetail.as_view(), name="budget-line-detail"),
    path("budget/fundings/", views.FundingSet.as_view(), name="budget-funding-set"),
    path("budget/fundings/<int:pk>/", views.FundingDetail.as_view(), name="budget-funding-detail"),
    path("plans/<int:pk>/budget/", views.PlanBudget.as_view(), name="plan-budget"),
    path("plans/<int:pk>/budget/slice/", views.PlanBudgetSlice.as_view(), name="plan-budget-slice"),
    path("plan-items/<int:pk>/budget/", views.PlanItemBudget.as_view(), name="plan-item-budget"),
    path(
        "cities/<int:pk>/budget/mapping/",
        views.CityBudgetMapping.as_view(),
        name="city-budget-mapping",
    ),
    path(
        "cities/<int:pk>/budget/import/",
        views.CityBudgetImport.as_view(),
        name="city-budget-import",
    ),
    path(
        "cities/<int:pk>/budget/export/",
        views.CityBudgetExport.as_view(),
        name="city-budget-export",
    ),
]
