"""Loads the demo: idempotent, so `make run` can load it every time."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, StaffRole, User
from accounts.services import boundaries_import
from backend.ratelimit import posting_unlimited
from cities.models import City, District
from demo import content
from demo.boundaries import arak_boundaries, qom_boundaries
from demo.budget_loader import load_budget
from demo.inventory_loader import load_inventory
from demo.moderation_loader import load_moderation_history
from demo.monitoring_loader import load_monitoring
from demo.plan_loader import load_plan_content
from planning.models import Axis, Committee, Plan


class DemoRefused(Exception):
    pass


def load_city(spec: dict) -> City:
    city, _ = City.objects.update_or_create(
        slug=spec["slug"], defaults={"name": spec["name"], "province": spec["province"]}
    )
    axes = []
    for position, title in enumerate(spec["axes"], start=1):
        axis, _ = Axis.objects.update_or_create(
            city=city, title=title, defaults={"position": position}
        )
        axes.append(axis)
    for position, (title, axis_indexes) in enumerate(spec["committees"], start=1):
        committee, _ = Committee.objects.update_or_create(
            city=city, title=title, defaults={"position": position}
        )
        committee.axes.set([axes[i] for i in axis_indexes])
    for number, name in spec["districts"]:
        District.objects.update_or_create(city=city, name=name, defaults={"number": number})
    return city


def load_accounts(cities: dict[str, City]) -> dict[str, User]:
    users = {}
    for username, phone, name, public, roles, expertise in content.ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.phone = phone
        user.display_name = name
        user.show_name_publicly = public
        user.is_staff = username == "admin" or bool(roles)
        user.is_superuser = username == "admin"
        if not user.check_password(content.DEMO_PASSWORD):
            user.set_password(content.DEMO_PASSWORD)
        if expertise and not user.is_expert:
            user.expertise = expertise
            user.expertise_verified_at = timezone.now()
        user.save()
        for city_slug, role in roles:
            StaffRole.objects.get_or_create(user=user, city=cities[city_slug], role=role)
        users[username] = user
    User.objects.filter(expertise_verified_at__isnull=False, expertise_verified_by=None).update(
        expertise_verified_by=users["admin"]
    )
    return users


def load_organisation(city: City, users: dict[str, User]) -> Organisation:
    spec = content.NGO
    organisation, _ = Organisation.objects.update_or_create(
        registration_number=spec["registration_number"],
        defaults={"name": spec["name"], "city": city, "description": spec["description"]},
    )
    if organisation.status != Organisation.Status.VERIFIED:
        organisation.status = Organisation.Status.VERIFIED
        organisation.status_changed_by = users["cityadmin"]
        organisation.status_changed_at = timezone.now()
        organisation.created_by = users["ngo"]
        organisation.save()
    Membership.objects.update_or_create(
        user=users["ngo"], organisation=organisation, defaults={"role": Membership.Role.ADMIN}
    )
    return organisation


def load_boundaries(cities: dict[str, City], users: dict[str, User]) -> None:
    """City and district boundaries (demo/boundaries.py), before any pin is placed, so the
    demo's points pass the same inside-the-city check a citizen's do. Once per city."""
    for slug, collection in (("arak", arak_boundaries), ("qom", qom_boundaries)):
        if cities[slug].boundary is None:
            boundaries_import(actor=users["admin"], city=cities[slug], geojson=collection())


@transaction.atomic
def load_demo() -> dict:
    if not settings.DEBUG:
        raise DemoRefused(
            "Demo data is only loaded in development (DEBUG on); it would add accounts "
            "with the password 'demo'."
        )
    # The demo's citizens post more in a minute than the hourly posting limits allow.
    with posting_unlimited():
        return _load_demo()


def _load_demo() -> dict:
    cities = {spec["slug"]: load_city(spec) for spec in (content.ARAK, content.QOM)}
    users = load_accounts(cities)
    load_boundaries(cities, users)
    organisation = load_organisation(cities["arak"], users)
    loaded = {"cities": cities, "users": users, "organisation": organisation}
    # Plans and citizen input; adds `ngo2` to users.
    loaded.update(load_plan_content(cities=cities, users=users, organisation=organisation))
    arak_plan = Plan.objects.filter(city=cities["arak"]).order_by("id").first()
    if arak_plan is not None:
        loaded["moderation"] = load_moderation_history(arak_plan)
        loaded["inventory"] = load_inventory(arak_plan)
        loaded["monitoring"] = load_monitoring(arak_plan)
        loaded["budget"] = load_budget(arak_plan)
    return loaded
