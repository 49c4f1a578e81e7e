from django.urls import path

from frontend import views
from frontend import views_follow as follows
from frontend import views_map as maps
from frontend import views_moderation as moderation
from frontend import views_participation as participation
from frontend import views_photos as photos

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/toast/", views.notification_toast, name="notification_toast"),
    path("profile/", views.profile, name="profile"),
    path("me/sessions/", views.sessions, name="sessions"),
    path("organisations/review/", views.organisations_review, name="organisations_review"),
    path("activity/<slug:city_slug>/", views.activity, name="activity"),
    # Plans and their items
    path("plans/", participation.plans, name="plans"),
    path("plans/<int:pk>/", participation.plan, name="plan"),
    path("plans/<int:pk>/map/", maps.plan_map, name="plan_map"),
    path("plan-items/<int:pk>/", participation.plan_item, name="plan_item"),
    path(
        "plan-items/<int:pk>/comments/",
        participation.comment_create,
        {"target": "plan_item"},
        name="plan_item_comment",
    ),
    # Problems
    path("problems/", participation.problems, name="problems"),
    path("problems/new/", participation.problem_new, name="problem_new"),
    path("problems/similar/", participation.problem_similar, name="problem_similar"),
    path("problems/<int:pk>/", participation.problem, name="problem"),
    path("problems/<int:pk>/support/", participation.problem_support, name="problem_support"),
    path("problems/<int:pk>/edit/", participation.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/withdraw/", participation.problem_withdraw, name="problem_withdraw"),
    path(
        "problems/<int:pk>/comments/",
        participation.comment_create,
        {"target": "problem"},
        name="problem_comment",
    ),
    # Photos of problems: the same address for everyone, asked who may see it every time
    path("photos/<int:pk>/<str:size>", photos.problem_photo, name="problem_photo"),
    path(
        "problems/<int:pk>/photos/<int:photo_id>/remove/",
        participation.problem_photo_remove,
        name="problem_photo_remove",
    ),
    # Proposals and endorsements
    path("proposals/new/", participation.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", participation.proposal, name="proposal"),
    path("proposals/<int:pk>/endorse/", participation.proposal_endorse, name="proposal_endorse"),
    path(
        "proposals/<int:pk>/unendorse/",
        participation.proposal_unendorse,
        name="proposal_unendorse",
    ),
    path(
        "proposals/<int:pk>/comments/",
        participation.comment_create,
        {"target": "proposal"},
        name="proposal_comment",
    ),
    # Organisations and the author's own posts
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("me/posts/", participation.my_posts, name="my_posts"),
    path("me/invitations/", views.invitations, name="invitations"),
    # Following problems, plan items and plans
    path("me/following/", follows.following, name="following"),
    path(
        "problems/<int:pk>/follow/",
        follows.follow_toggle,
        {"kind": "problem"},
        name="problem_follow",
    ),
    path(
        "plan-items/<int:pk>/follow/",
        follows.follow_toggle,
        {"kind": "plan_item"},
        name="plan_item_follow",
    ),
    path("plans/<int:pk>/follow/", follows.follow_toggle, {"kind": "plan"}, name="plan_follow"),
    # Moderation: the live queue and the audit (city staff), rules and figures (public),
    # reports and appeals (signed-in citizens)
    path("moderation/<slug:city_slug>/", moderation.moderation_queue, name="moderation_queue"),
    path(
        "moderation/<slug:city_slug>/entries/<int:entry_id>/",
        moderation.moderation_entry_partial,
        name="moderation_entry_partial",
    ),
    path(
        "moderation/<slug:city_slug>/entries/<int:entry_id>/claim/",
        moderation.moderation_claim,
        name="moderation_claim",
    ),
    path(
        "moderation/<slug:city_slug>/entries/<int:entry_id>/release/",
        moderation.moderation_release,
        name="moderation_release",
    ),
    path(
        "moderation/<slug:city_slug>/entries/<int:entry_id>/decide/",
        moderation.moderation_decide,
        name="moderation_decide",
    ),
    path(
        "moderation/<slug:city_slug>/decisions/",
        moderation.moderation_history,
        name="moderation_history",
    ),
    path("rules/", moderation.rules, name="rules"),
    path("transparency/", moderation.transparency, name="transparency"),
    path(
        "report/<str:kind>/<int:pk>/",
        moderation.report,
        name="report",
    ),
    path("appeals/<int:decision_id>/", moderation.appeal, name="appeal"),
]
