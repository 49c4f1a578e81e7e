from django.urls import path

from accounts.api import views

urlpatterns = [
    path("activity/", views.ActivityListView.as_view(), name="activity-list"),
    path("auth/otp/request", views.OtpRequestView.as_view(), name="auth-otp-request"),
    path("auth/otp/verify", views.OtpVerifyView.as_view(), name="auth-otp-verify"),
    path("auth/login", views.PasswordLoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("me", views.MeView.as_view(), name="me"),
    path("invitations/", views.InvitationList.as_view(), name="invitation-list"),
    path(
        "invitations/<int:pk>/accept",
        views.InvitationAnswer.as_view(answer="accept"),
        name="invitation-accept",
    ),
    path(
        "invitations/<int:pk>/decline",
        views.InvitationAnswer.as_view(answer="decline"),
        name="invitation-decline",
    ),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", views.NotificationsReadView.as_view(), name="notifications-read"),
    path("organisations/", views.OrganisationListCreate.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", views.OrganisationDetail.as_view(), name="organisation-detail"),
    path(
        "organisations/<int:pk>/status/",
        views.OrganisationStatus.as_view(),
        name="organisation-status",
    ),
    path(
        "organisations/<int:pk>/members/",
        views.OrganisationMembers.as_view(),
        name="organisation-members",
    ),
    path(
        "organisations/<int:pk>/members/<int:user_id>/",
        views.OrganisationMember.as_view(),
        name="organisation-member",
    ),
]
