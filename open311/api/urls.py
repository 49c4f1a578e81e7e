"""/open311/v2/…: each resource with a `.xml` or `.json` suffix (another suffix is a 404 in
the spec's error format)."""

from django.urls import re_path

from open311.api import views

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]{1,60})" + FMT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<pk>[^/]{1,40})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,60})" + FMT, views.token_detail, name="token"),
]
