from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("notifications/", views.notifications, name="notifications"),
    path("profile/", views.profile, name="profile"),
]
