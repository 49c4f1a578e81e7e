"""manage.py bench_data: write the DESIGN §7 data set into the configured database."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmark import budget, data, monitoring


class Command(BaseCommand):
    help = (
        "Generate realistic benchmark data (one Qom-1404-shaped plan, problems, supports, "
        "comments) into the CONFIGURED database. Needs --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="really write into this database")
        parser.add_argument(
            "--append",
            action="store_true",
            help=f"add to a database that already has more than {data.REFUSE_ABOVE} problems",
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="quick preset: 2k users, 2k problems, 20k supports, 6k comments",
        )
        parser.add_argument("--users", type=int, help=f"default {data.FULL.users:,}")
        parser.add_argument("--problems", type=int, help=f"default {data.FULL.problems:,}")
        parser.add_argument("--supports", type=int, help=f"default {data.FULL.supports:,}")
        parser.add_argument("--comments", type=int, help=f"default {data.FULL.comments:,}")
        parser.add_argument(
            "--monitoring",
            action="store_true",
            help="also give the plan indicators with five years of monthly measurements",
        )
        parser.add_argument(
            "--indicators", type=int, default=monitoring.INDICATORS, help="with --monitoring"
        )
        parser.add_argument(
            "--budget",
            action="store_true",
            help="also give the plan yearly projects and the city budget lines over its years",
        )
        parser.add_argument(
            "--budget-projects", type=int, default=budget.PROJECTS, help="with --budget"
        )
        parser.add_argument("--budget-lines", type=int, default=budget.LINES, help="with --budget")
        parser.add_argument("--seed", type=int, default=1404)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **options):
        preset = data.SMALL if options["small"] else data.FULL
        scale = data.Scale(
            **{
                field: options[field] if options[field] is not None else getattr(preset, field)
                for field in ("users", "problems", "supports", "comments")
            }
        )
        if min(scale.users, scale.problems, scale.supports, scale.comments) < 0:
            raise CommandError("Counts cannot be negative.")
        if min(options["budget_projects"], options["budget_lines"]) < 0:
            raise CommandError("Counts cannot be negative.")
        where = f"{connection.vendor} database {connection.settings_dict['NAME']!s}"
        if not options["yes"]:
            raise CommandError(
                f"This writes {scale.problems:,} problems, {scale.supports:,} supports and "
                f"{scale.comments:,} comments into the {where}. Re-run with --yes."
            )
        existing = data.problem_count()
        if existing > data.REFUSE_ABOVE and not options["append"]:
            raise CommandError(
                f"The {where} already has {existing:,} problems; pass --append to add more "
                "or use an empty database."
            )
        say = self.stdout.write
        say(
            f"Writing into the {where}: {scale.users:,} users, {scale.problems:,} problems, "
            f"{scale.supports:,} supports, {scale.comments:,} comments (seed {options['seed']})"
        )
        started = time.monotonic()
        created = data.BenchData(
            scale, seed=options["seed"], batch_size=options["batch_size"], say=say
        ).run()
        plan = data.bench_plan()
        if options["monitoring"] and plan is not None:
            created.update(
                monitoring.seed_monitoring(
                    plan, indicators=options["indicators"], seed=options["seed"], say=say
                )
            )
        if options["budget"] and plan is not None:
            created.update(
                budget.seed_budget(
                    plan,
                    projects=options["budget_projects"],
                    lines=options["budget_lines"],
                    seed=options["seed"],
                    say=say,
                )
            )
        say(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.1f} s: "
                + ", ".join(f"{k} {v:,}" for k, v in created.items() if k != "seconds")
                + f". Plan id {plan.pk if plan else '?'}."
            )
        )
