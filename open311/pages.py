"""The city admins' page for their city's Open311 clients: list, issue (the raw key is
shown once, on the answer to the POST that made it), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from backend.authz import authorise
from cities.models import City
from open311 import selectors, services


@never_cache
@login_required
def clients(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_object_or_404(City, slug=city_slug)
    authorise(request.user, "open311.manage_clients", city)
    context: dict = {"city": city}
    if request.method == "POST":
        if "revoke" in request.POST:
            wanted = request.POST["revoke"]
            pk = int(wanted) if wanted.isdigit() and len(wanted) <= 12 else 0
            client = get_object_or_404(selectors.client_list(city=city), pk=pk)
            services.client_revoke(actor=request.user, client=client)
            messages.success(request, _("کلید «%(name)s» باطل شد.") % {"name": client.name})
            return redirect("open311_pages:clients", city.slug)
        client, raw_key = services.client_issue(
            actor=request.user,
            city=city,
            name=request.POST.get("name", ""),
            contact=request.POST.get("contact", ""),
        )
        context.update({"issued": client, "raw_key": raw_key})
    context["clients"] = selectors.client_list(city=city)
    return render(request, "open311/clients.html", context)
