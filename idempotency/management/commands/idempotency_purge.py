from django.core.management.base import BaseCommand

from idempotency.services import purge_expired


class Command(BaseCommand):
    help = (
        "Delete idempotency keys older than IDEMPOTENCY_TTL_SECONDS (24 h); run it hourly or daily."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired idempotency keys deleted.")
