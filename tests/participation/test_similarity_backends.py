"""PostgreSQL and SQLite rank alike: the evaluation set's answers (top three, by the set's
keys, with scores) are recorded in similarity_golden.json, and every run on either backend
must give the same. Candidates come from each backend's own index; scores are computed in
Python, so a difference here means the candidate search differs.

After a deliberate change to the matcher, write the file again on one backend with
`SIMILARITY_GOLDEN_WRITE=1 pytest tests/participation/test_similarity_backends.py`, check the
diff, and let CI (PostgreSQL) confirm the other."""

import json
import os
from pathlib import Path

import pytest

from benchmark import similarity_eval
from participation.lexicon import lexicon_changed
from tests.factories import PlanFactory

GOLDEN = Path(__file__).with_name("similarity_golden.json")


def _answers(report) -> dict[str, list]:
    answers = {}
    for result in [*report.queries, *report.distractors]:
        answers[result.text] = [[r.key, round(r.score, 2)] for r in result.ranked[:3]]
    return answers


@pytest.mark.django_db
def test_both_backends_give_the_recorded_answers():
    lexicon_changed()
    plan = PlanFactory()
    problems = similarity_eval.load_set(plan, similarity_eval.set_author())
    answers = _answers(similarity_eval.evaluate(plan, problems))
    if os.environ.get("SIMILARITY_GOLDEN_WRITE"):
        GOLDEN.write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", "utf-8")
    recorded = json.loads(GOLDEN.read_text("utf-8"))
    differ = {
        text: (recorded.get(text), got)
        for text, got in answers.items()
        if recorded.get(text) != got
    }
    assert not differ, json.dumps(differ, ensure_ascii=False, indent=1)
