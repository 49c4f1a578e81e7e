from django.urls import path

from participation.api import views

urlpatterns = [
    path("problems/", views.ProblemListCreate.as_view(), name="problem-list"),
    path("problems/similar/", views.ProblemSimilar.as_view(), name="problem-similar"),
    path("problems/<int:pk>/", views.ProblemDetail.as_view(), name="problem-detail"),
    path("problems/<int:pk>/withdraw/", views.ProblemWithdraw.as_view(), name="problem-withdraw"),
    path("problems/<int:pk>/support/", views.ProblemSupport.as_view(), name="problem-support"),
    path("problems/<int:pk>/follow/", views.ProblemFollow.as_view(), name="problem-follow"),
    path("plan-items/<int:pk>/follow/", views.PlanItemFollow.as_view(), name="plan-item-follow"),
    path("plans/<int:pk>/follow/", views.PlanFollow.as_view(), name="plan-follow"),
    path("me/follows/", views.MyFollows.as_view(), name="my-follows"),
    path("plans/<int:pk>/map/", views.PlanMap.as_view(), name="plan-map"),
    path("comments/", views.CommentListCreate.as_view(), name="comment-list"),
    path("me/posts/", views.MyPosts.as_view(), name="my-posts"),
    path("proposals/", views.ProposalListCreate.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", views.ProposalDetail.as_view(), name="proposal-detail"),
    path(
        "proposals/<int:pk>/endorsement/",
        views.ProposalEndorsement.as_view(),
        name="proposal-endorsement",
    ),
]
