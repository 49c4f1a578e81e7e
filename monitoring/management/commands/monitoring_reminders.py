from django.core.management.base import BaseCommand, CommandError

from backend.jalali import parse_date
from monitoring.notify import DUE, OVERDUE, reminders_send


class Command(BaseCommand):
    help = (
        "Remind indicator owners (or the city's planners) of values due soon and overdue; "
        "at most once per indicator and period. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="the day to act as (Jalali 1405/07/12 or ISO); for tests"
        )
        parser.add_argument(
            "--days", type=int, default=None, help="days before a due date to remind"
        )

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = parse_date(options["today"])
            except ValueError as error:
                raise CommandError(str(error)) from None
        sent = reminders_send(today=today, days=options.get("days"))
        self.stdout.write(f"{sent[DUE]} due-soon and {sent[OVERDUE]} overdue reminders sent.")
