import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import boundaries_import
from backend.errors import DomainError
from cities.models import City


class Command(BaseCommand):
    help = (
        "Set a city's boundary and its districts' from a GeoJSON FeatureCollection "
        "(docs/map.md): features carry properties.number or properties.name of a district, "
        "or properties.city = true. All or nothing; recorded in the city's activity log "
        "as the --user given (a city admin of the city, or a superuser)."
    )

    def add_arguments(self, parser):
        parser.add_argument("city", help="the city's slug, e.g. arak")
        parser.add_argument("file", help="a .geojson file")
        parser.add_argument(
            "--user",
            help="username to act as (default: the first active superuser)",
        )

    def handle(self, *args, **options):
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"شهری با شناسه‌ی «{options['city']}» نیست.")
        if options.get("user"):
            actor = User.objects.filter(username=options["user"], is_active=True).first()
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("کاربری برای انجام این کار پیدا نشد (--user).")
        try:
            with open(options["file"], encoding="utf-8") as handle:
                geojson = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"پرونده خوانده نشد: {error}") from None
        try:
            done = boundaries_import(actor=actor, city=city, geojson=geojson)
        except DomainError as error:
            raise CommandError(error.message) from None
        parts = (["city"] if done.city_boundary else []) + done.districts
        self.stdout.write(f"{city.slug}: {len(done.districts)} district boundaries set")
        self.stdout.write(", ".join(parts))
