"""The similarity evaluation set is well-formed, and bench_similarity runs end to end.
Recall and timings are measured by the command, never asserted here as thresholds."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from backend.persian import normalise
from benchmark import similarity_eval as ev
from benchmark import similarity_set as s
from cities.models import City
from participation.models import Problem
from participation.services import problem_submit
from planning.models import Plan
from tests.factories import PlanFactory, UserFactory

KEYS = {key for key, _, _ in s.PROBLEMS}
TITLES = {key: title for key, title, _ in s.PROBLEMS}
BODIES = {key: body for key, _, body in s.PROBLEMS}


def test_problems_are_many_distinct_and_written_out():
    assert len(s.PROBLEMS) >= 45
    assert len(KEYS) == len(s.PROBLEMS)
    assert len({normalise(title) for title in TITLES.values()}) == len(s.PROBLEMS)
    for key, title, body in s.PROBLEMS:
        assert title.strip(), key
        assert len(title) <= 150, key
        sentences = [part for part in body.replace("؟", ".").split(".") if part.strip()]
        assert 2 <= len(sentences) <= 4, key


def test_queries_cover_every_kind_and_point_at_problems():
    kinds = Counter(kind for _, kind, _ in s.QUERIES)
    assert set(kinds) == set(s.KINDS)
    assert len(s.QUERIES) >= 150
    for kind in ("encoding", "reorder", "paraphrase", "synonym"):
        assert kinds[kind] >= 25, kind
    assert kinds["morphology"] >= 15
    for target, kind, text in s.QUERIES:
        assert target in KEYS, target
        assert text.strip(), target
        # Every query differs from its target's title; an encoding one only in its bytes.
        assert text != TITLES[target], (target, kind)
        if kind != "encoding":
            assert normalise(text) != normalise(TITLES[target]), (target, kind, text)
    texts = [text for _, _, text in s.QUERIES]
    assert len(set(texts)) == len(texts)


def _letters(value: str) -> str:
    """The letters once joiners, spaces, kashida and diacritics are set aside (the ezafe
    written «هٔ» counts as «ه‌ی»)."""
    return normalise(value).replace(" ", "").replace("هی", "ه")


def test_encoding_queries_keep_the_words():
    for target, kind, text in s.QUERIES:
        if kind == "encoding":
            assert _letters(text) == _letters(TITLES[target]), (target, text)


def test_paraphrases_use_words_of_the_body():
    """Most paraphrases share a word with the target's body that its title lacks."""
    helped = 0
    paraphrases = [(t, q) for t, k, q in s.QUERIES if k == "paraphrase"]
    for target, text in paraphrases:
        words = set(normalise(text).split())
        body_only = set(normalise(BODIES[target]).split()) - set(normalise(TITLES[target]).split())
        helped += bool(words & body_only)
    assert helped >= 0.8 * len(paraphrases)


def test_synonym_queries_swap_a_listed_synonym():
    terms = [normalise(word) for group in s.SYNONYMS for word in group]
    for target, kind, text in s.QUERIES:
        if kind == "synonym":
            assert any(term in normalise(text) for term in terms), (target, text)


def test_distractors_and_synonyms_are_well_formed():
    assert len(s.DISTRACTORS) >= 20
    texts = [text for text, _ in s.DISTRACTORS]
    assert len(set(texts)) == len(texts)
    queries = {text for _, _, text in s.QUERIES}
    for text, wrong in s.DISTRACTORS:
        assert text not in queries
        assert wrong, text
        assert set(wrong) <= KEYS, text
    words = [word for group in s.SYNONYMS for word in group]
    assert all(len(group) >= 2 for group in s.SYNONYMS)
    assert len(set(words)) == len(words) or Counter(words).most_common(1)[0][1] <= 2


@pytest.mark.django_db
def test_loaded_problems_have_the_keys_problem_submit_makes(arak):
    plan = PlanFactory(city=arak, phase=Plan.Phase.CONSULTATION)
    problems = ev.load_set(plan, ev.set_author())
    assert set(problems) == KEYS
    key, title, body = s.PROBLEMS[3]
    submitted = problem_submit(author=UserFactory(), plan=plan, title=title, body=body)
    stored = Problem.objects.get(pk=problems[key].pk)
    assert stored.title_key == submitted.title_key
    assert stored.search_text == submitted.search_text
    assert stored.body == submitted.body
    assert stored.moderation_state == "published"
    with pytest.raises(ev.SetError):
        ev.load_set(plan, ev.set_author())
    assert ev.remove_set(plan) == len(s.PROBLEMS)
    assert Problem.objects.filter(plan=plan).count() == 1  # the citizen's own stays


def run(*args: str) -> str:
    out = StringIO()
    call_command("bench_similarity", *args, stdout=out)
    return out.getvalue()


def rows_of(report: str) -> dict[str, list[str]]:
    rows = {}
    for line in report.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 7:
            rows[cells[0]] = cells
    return rows


@pytest.mark.django_db
def test_command_runs_on_a_throwaway_plan_and_cleans_up(tmp_path):
    report_file = tmp_path / "similarity.md"
    output = run("--output", str(report_file))
    report = report_file.read_text(encoding="utf-8")
    rows = rows_of(report)
    for label in ("All queries", *s.KINDS, "Distractors", "Every lookup"):
        assert label in rows, label
        assert label in output
    assert rows["All queries"][1] == str(len(s.QUERIES))
    assert rows["encoding"][2].startswith(("0.", "1.00"))
    assert rows["Distractors"][4].endswith("with any suggestion)")
    assert not Problem.objects.exists()
    assert not City.objects.filter(slug="simset-eval").exists()


@pytest.mark.django_db
def test_command_on_a_named_plan_keeps_refuses_and_removes(arak):
    plan = PlanFactory(city=arak, phase=Plan.Phase.CONSULTATION)
    run("--plan-slug", "arak", "--keep")
    assert ev.loaded_count(plan) == len(s.PROBLEMS)
    with pytest.raises(CommandError, match="already"):
        run("--plan", str(plan.pk))
    assert "Removed 48" in run("--plan", str(plan.pk), "--remove")
    assert ev.loaded_count(plan) == 0
    plan.phase = Plan.Phase.DRAFTING
    plan.save()
    with pytest.raises(CommandError, match="takes no problems"):
        run("--plan", str(plan.pk))
