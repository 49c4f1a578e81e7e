"""Issue an Open311 API key from the command line: `manage.py open311_key <city> <name>`.

The raw key is printed once; only its hash is stored. The activity log records the key with
no actor (the operator at the shell), or with `--by <username>` when given.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from backend.errors import DomainError
from cities.models import City
from open311.services import client_issue


class Command(BaseCommand):
    help = "Issue an Open311 GeoReport v2 API key for a client app of a city."

    def add_arguments(self, parser):
        parser.add_argument("city", help="the city's slug (its jurisdiction_id)")
        parser.add_argument("name", help="the client app's name")
        parser.add_argument("--contact", default="", help="how to reach the app's makers")
        parser.add_argument("--by", default="", help="username of the city admin issuing it")

    def handle(self, *args, **options):
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"no city with slug {options['city']!r}")
        actor = None
        if options["by"]:
            actor = get_user_model().objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"no user {options['by']!r}")
        try:
            client, raw_key = client_issue(
                actor=actor, city=city, name=options["name"], contact=options["contact"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"client {client.pk} ({client.name}) for {city.slug}")
        self.stdout.write(f"api_key: {raw_key}")
        self.stdout.write("Keep it now: it is not stored and cannot be shown again.")
