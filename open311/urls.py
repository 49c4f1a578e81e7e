from django.urls import path

from open311 import pages

app_name = "open311_pages"
urlpatterns = [
    path("cities/<slug:city_slug>/open311/", pages.clients, name="clients"),
]
