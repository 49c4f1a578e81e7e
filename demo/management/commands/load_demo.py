from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoRefused, load_demo


class Command(BaseCommand):
    help = "Load the demo city of Arak (and a small Qom) with demo accounts. DEBUG only."

    def handle(self, *args, **options):
        try:
            loaded = load_demo()
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(loaded['cities'])} cities, {len(loaded['users'])} accounts "
                "(password: demo)."
            )
        )
