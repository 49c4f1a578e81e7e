from django.core.management.base import BaseCommand

from accounts.digests import digests_send


class Command(BaseCommand):
    help = (
        "Send each person who asked for it (on /profile/: daily or weekly) one digest of "
        "their unread notifications for this period, through DIGEST_SENDER (docs/following.md). "
        "Run it daily (cron); running it again, or twice at once, sends nothing twice."
    )

    def handle(self, *args, **options):
        run = digests_send()
        self.stdout.write(f"digests: {run.sent} sent, {run.skipped} skipped, {run.failed} failed")
