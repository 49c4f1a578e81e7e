"""manage.py bench_similarity: the similarity evaluation set against a plan.

Loads benchmark/similarity_set.py's problems into the plan as published problems, runs
every query and distractor through the similar-problems lookup and reports recall@1,
recall@3, distractor false positives and lookup latency as a Markdown table. The set is
taken out again afterwards unless --keep is given.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from benchmark import data
from benchmark import similarity_eval as ev
from cities.models import City
from moderation.models import ModerationState
from participation.models import Problem
from participation.rules import PROBLEM_PHASES
from planning.models import Plan

THROWAWAY_CITY = "simset-eval"


class Command(BaseCommand):
    help = (
        "Run the similarity evaluation set (recall@1, recall@3, distractor false positives, "
        "lookup latency) on a plan: by default the benchmark plan if there is one, else a "
        "throwaway plan. The set is removed again after the run unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="plan id")
        parser.add_argument(
            "--plan-slug",
            help="a city's slug: its newest plan that accepts problems (e.g. arak for the demo)",
        )
        parser.add_argument(
            "--keep", action="store_true", help="leave the set in the plan after the run"
        )
        parser.add_argument(
            "--remove", action="store_true", help="only take the set out of the plan again"
        )
        parser.add_argument("--misses", type=int, default=40, help="misses listed, at most")
        parser.add_argument("--output", help="also write the report to this Markdown file")

    def handle(self, *args, **options):
        say = self.stdout.write
        plan, throwaway = self._plan(options)
        try:
            if options["remove"]:
                removed = ev.remove_set(plan)
                say(f"Removed {removed} problems of the evaluation set from plan #{plan.pk}.")
                return
            author = ev.set_author()
            try:
                problems = ev.load_set(plan, author)
            except ev.SetError as error:
                raise CommandError(str(error)) from error
            try:
                context = self._context(plan)
                say(context)
                report = ev.evaluate(plan, problems)
            finally:
                if not options["keep"] or throwaway:
                    ev.remove_set(plan, author)
        finally:
            if throwaway:
                self._drop_throwaway(plan)
        text = "\n".join(
            [
                context,
                report.table(),
                "",
                f"Misses (the target not ranked first; at most {options['misses']}) and "
                "distractor false positives:",
                "",
                report.misses_text(options["misses"]),
            ]
        )
        say("")
        say(report.table())
        say("")
        say(report.misses_text(options["misses"]))
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            say(f"\nWritten to {options['output']}.")

    def _plan(self, options) -> tuple[Plan, bool]:
        if options["plan"] is not None:
            plan = Plan.objects.select_related("city").filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(f"No plan #{options['plan']}.")
            return self._accepting(plan), False
        if options["plan_slug"]:
            plans = list(
                Plan.objects.filter(city__slug=options["plan_slug"], phase__in=PROBLEM_PHASES)
                .select_related("city")
                .order_by("-created_at", "-pk")
            )
            if not plans:
                raise CommandError(
                    f"The city «{options['plan_slug']}» has no plan that accepts problems."
                )
            return plans[0], False
        plan = data.bench_plan()
        if plan is not None:
            return self._accepting(plan), False
        if options["remove"]:
            raise CommandError("No benchmark plan: name the plan with --plan or --plan-slug.")
        return self._make_throwaway(), True

    @staticmethod
    def _accepting(plan: Plan) -> Plan:
        if plan.phase not in PROBLEM_PHASES:
            raise CommandError(
                f"Plan #{plan.pk} is in its {plan.phase} phase and takes no problems."
            )
        return plan

    @staticmethod
    def _make_throwaway() -> Plan:
        with transaction.atomic():
            city, _ = City.objects.get_or_create(
                slug=THROWAWAY_CITY,
                defaults={"name": "شهر سنجش شباهت", "province": "—"},
            )
            year = 1404
            return Plan.objects.create(
                city=city,
                title=f"سنجش شباهت {timezone.now():%Y%m%d%H%M%S}",
                start_year=year,
                end_year=year + 4,
                phase=Plan.Phase.CONSULTATION,
            )

    @staticmethod
    def _drop_throwaway(plan: Plan) -> None:
        city = plan.city
        if Problem.objects.filter(plan=plan).exists():
            return  # something else was written into it: leave it for a person to see
        plan.delete()
        if not city.plans.exists():
            city.delete()

    @staticmethod
    def _context(plan: Plan) -> str:
        published = Problem.objects.filter(
            plan=plan, moderation_state=ModerationState.PUBLISHED
        ).count()
        try:
            load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
        except OSError:
            load = "unknown"
        return "\n".join(
            [
                "# Similar-problem suggestions: the evaluation set",
                "",
                f"- Date: {timezone.now():%Y-%m-%d %H:%M} UTC; load average {load}",
                f"- Database: {connection.vendor} `{connection.settings_dict['NAME']}`",
                f"- Plan #{plan.pk} «{plan.title}» ({plan.city.slug}): {published:,} published "
                f"problems with the set's {len(ev.s.PROBLEMS)}",
                f"- {len(ev.s.QUERIES)} queries and {len(ev.s.DISTRACTORS)} distractors through "
                "participation.similarity.similar_problems (title and text only, no point), "
                "timed in-process with DEBUG off",
                "",
            ]
        )
