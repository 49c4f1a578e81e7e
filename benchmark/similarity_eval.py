"""Runs the similarity evaluation set (benchmark/similarity_set.py) against a plan.

`load_set` stores the set's problems as published problems of the plan, written by one
account of their own (SET_AUTHOR) so they can be found and taken out again. They are
written directly, not through problem_submit + a moderator's decision, because decisions
are append-only and would keep the problems in the database for good; the title and body
go through the same sanitisers and the keys (title_key, search_text) are made exactly as
problem_submit makes them (a test compares the two). SQLite's trigram table is filled by
its triggers, PostgreSQL's trigram index by itself.

`evaluate` sends every query and distractor through the lookup, timing each call, and
returns a Report: recall@1 and recall@3 overall and per kind, distractor false positives
(a wrong problem ranked first), p50/p95 latency, and the misses for debugging.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from backend.sanitise import clean_html, html_to_text, plain_title
from benchmark import similarity_set as s
from benchmark.measure import percentile
from moderation.models import ModerationState
from participation.keys import problem_keys
from participation.models import Problem
from participation.similarity import similar_problems
from planning.models import Plan

SET_AUTHOR = "simset-author"
TOP = 3


class SetError(Exception):
    """The set cannot be loaded or removed as asked (the message says why)."""


def set_author() -> User:
    user = User.objects.filter(username=SET_AUTHOR).first()
    if user is None:
        user = User(username=SET_AUTHOR, display_name="مجموعه‌ی سنجش شباهت")
        user.set_unusable_password()
        user.save()
    return user


def loaded_count(plan: Plan) -> int:
    return Problem.objects.filter(plan=plan, author__username=SET_AUTHOR).count()


def load_set(plan: Plan, author: User) -> dict[str, Problem]:
    """Store PROBLEMS as published problems of `plan` by `author`; refuses a plan that
    already holds them. Returns the problems by key."""
    if Problem.objects.filter(plan=plan, author=author).exists():
        raise SetError(
            f"The evaluation set is already in plan #{plan.pk}; remove it first (--remove)."
        )
    now = timezone.now()
    problems: dict[str, Problem] = {}
    with transaction.atomic():
        for key, raw_title, raw_body in s.PROBLEMS:
            title, body = plain_title(raw_title), clean_html(raw_body)
            problem = Problem(
                plan=plan,
                author=author,
                title=title,
                body=body,
                **problem_keys(title, html_to_text(body)),
                moderation_state=ModerationState.PUBLISHED,
                moderation_changed_at=now,
            )
            problem.save()
            problems[key] = problem
    return problems


def remove_set(plan: Plan, author: User | None = None) -> int:
    """Take the set's problems out of `plan` again; returns how many were removed."""
    author_filter = {"author": author} if author else {"author__username": SET_AUTHOR}
    removed, _ = Problem.objects.filter(plan=plan, **author_filter).delete()
    return removed


# Running the set ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    id: int
    title: str
    score: float
    key: str | None  # the set's key, or None for a problem from outside the set


@dataclass(frozen=True)
class QueryResult:
    target: str
    kind: str
    text: str
    ranked: tuple[Ranked, ...]
    ms: float

    @property
    def position(self) -> int | None:
        """1-based rank of the target, or None when it is not in the answer."""
        for n, found in enumerate(self.ranked, start=1):
            if found.key == self.target:
                return n
        return None

    def hit(self, at: int) -> bool:
        position = self.position
        return position is not None and position <= at


@dataclass(frozen=True)
class DistractorResult:
    text: str
    wrong_keys: tuple[str, ...]
    ranked: tuple[Ranked, ...]
    ms: float

    @property
    def false_positive(self) -> bool:
        return bool(self.ranked) and self.ranked[0].key in self.wrong_keys


def _ratio(hits: int, total: int) -> str:
    return f"{hits / total:.2f} ({hits}/{total})" if total else "–"


def _ms(samples: list[float], q: float) -> str:
    return f"{percentile(samples, q):.1f}" if samples else "–"


def _first(ranked: tuple[Ranked, ...]) -> str:
    if not ranked:
        return "nothing"
    top = ranked[0]
    where = top.key or f"#{top.id}, not in the set"
    return f"«{top.title}» ({where}, {top.score:.2f})"


@dataclass
class Report:
    queries: list[QueryResult] = field(default_factory=list)
    distractors: list[DistractorResult] = field(default_factory=list)

    def of_kind(self, kind: str | None = None) -> list[QueryResult]:
        return [q for q in self.queries if kind is None or q.kind == kind]

    def recall(self, at: int, kind: str | None = None) -> float:
        chosen = self.of_kind(kind)
        return sum(q.hit(at) for q in chosen) / len(chosen) if chosen else 0.0

    @property
    def false_positives(self) -> list[DistractorResult]:
        return [d for d in self.distractors if d.false_positive]

    @property
    def samples(self) -> list[float]:
        return [q.ms for q in self.queries] + [d.ms for d in self.distractors]

    def p(self, q: float) -> float:
        return percentile(self.samples, q)

    @property
    def misses(self) -> list[QueryResult]:
        """Queries whose target is not first, worst first (not found, then by rank)."""
        missed = [q for q in self.queries if not q.hit(1)]
        return sorted(missed, key=lambda q: (q.position is not None, q.position or 0))

    def table(self) -> str:
        header = [
            "| Series | Lookups | recall@1 | recall@3 | Distractor false positives "
            "| p50 ms | p95 ms |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        rows = []
        series = [("All queries", None)] + [(kind, kind) for kind in s.KINDS if self.of_kind(kind)]
        for label, kind in series:
            chosen = self.of_kind(kind)
            times = [q.ms for q in chosen]
            rows.append(
                f"| {label} | {len(chosen)} | {_ratio(sum(q.hit(1) for q in chosen), len(chosen))} "
                f"| {_ratio(sum(q.hit(TOP) for q in chosen), len(chosen))} | – "
                f"| {_ms(times, 50)} | {_ms(times, 95)} |"
            )
        times = [d.ms for d in self.distractors]
        answered = sum(1 for d in self.distractors if d.ranked)
        rows.append(
            f"| Distractors | {len(self.distractors)} | – | – "
            f"| {len(self.false_positives)} of {len(self.distractors)} "
            f"({answered} with any suggestion) | {_ms(times, 50)} | {_ms(times, 95)} |"
        )
        rows.append(
            f"| Every lookup | {len(self.samples)} | – | – | – "
            f"| {_ms(self.samples, 50)} | {_ms(self.samples, 95)} |"
        )
        return "\n".join(header + rows)

    def misses_text(self, limit: int | None = None) -> str:
        lines = []
        for q in self.misses[:limit]:
            where = f"ranked {q.position}" if q.position else "not in the answer"
            lines.append(f"- {q.kind}, {q.target} ({where}): «{q.text}» → first {_first(q.ranked)}")
        for d in self.false_positives:
            lines.append(f"- distractor «{d.text}» → first {_first(d.ranked)}")
        return "\n".join(lines) if lines else "- none"


Lookup = Callable[..., list]


def evaluate(
    plan: Plan,
    problems: dict[str, Problem],
    lookup: Lookup = similar_problems,
    exclude_keys: Iterable[str] = (),
) -> Report:
    """Every query and distractor through `lookup(plan_id=..., text=...)`, each call timed.

    `problems` maps the set's keys to the stored problems (what load_set returned);
    queries aimed at `exclude_keys` are left out."""
    excluded = set(exclude_keys)
    key_of = {problem.pk: key for key, problem in problems.items()}

    def ask(text: str) -> tuple[tuple[Ranked, ...], float]:
        started = time.perf_counter()
        found = lookup(plan_id=plan.pk, text=text)
        ms = (time.perf_counter() - started) * 1000
        ranked = tuple(Ranked(f.id, f.title, f.score, key_of.get(f.id)) for f in found)
        return ranked, ms

    report = Report()
    # Query logging would slow every call down; one untimed call warms the connection.
    with override_settings(DEBUG=False):
        ask(s.PROBLEMS[0][1])
        for target, kind, text in s.QUERIES:
            if target in excluded or target not in problems:
                continue
            ranked, ms = ask(text)
            report.queries.append(QueryResult(target, kind, text, ranked, ms))
        for text, wrong in s.DISTRACTORS:
            ranked, ms = ask(text)
            report.distractors.append(DistractorResult(text, tuple(wrong), ranked, ms))
    return report
