"""Similar problems rank the same problem first however it was typed (both backends)."""

import pytest

from participation.similarity import similar_problems
from tests.factories import PlanFactory, ProblemFactory

ORIGINAL = "ترافیک سنگین بلوار امام خمینی در ساعت‌های اوج"
DISTRACTORS = [
    "کمبود سطل زباله در پارک محله‌ی شهرک صنعتی",
    "آلودگی هوای شهر در روزهای زمستان",
    "نبود پیاده‌رو مناسب در خیابان شریعتی",
    "خرابی چراغ‌های راهنمایی تقاطع ۱۲ فروردین",
    "بافت فرسوده‌ی اطراف بازار سنتی",
]
VARIANTS = {
    "arabic_letters": "ترافيك سنگين بلوار امام خميني در ساعت‌هاي اوج",
    "no_zwnj": "ترافیک سنگین بلوار امام خمینی در ساعتهای اوج",
    "space_for_zwnj": "ترافیک سنگین بلوار امام خمینی در ساعت های اوج",
    "reordered": "بلوار امام خمینی ساعت‌های اوج ترافیک سنگین",
    "partial": "ترافیک بلوار امام",
    "kashida_and_marks": "تـرافیک سَنگین بلوار امام خمینی",
}


@pytest.fixture
def plan(db):
    plan = PlanFactory()
    for title in DISTRACTORS:
        ProblemFactory(plan=plan, title=title)
    return plan


@pytest.mark.django_db
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_encoding_variant_ranks_the_original_first(plan, variant):
    original = ProblemFactory(plan=plan, title=ORIGINAL)
    found = similar_problems(plan_id=plan.pk, text=VARIANTS[variant])
    assert found, variant
    assert found[0].id == original.pk
    assert 0 < found[0].score <= 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("خرابی چراغ‌های راهنمایی تقاطع ۱۲ فروردین", "خرابی چراغ راهنمایی تقاطع 12 فروردین"),
        ("خرابی چراغ‌های راهنمایی تقاطع 12 فروردین", "خرابي چراغ راهنمايي تقاطع ١٢ فروردين"),
    ],
)
def test_other_digits(db, stored, typed):
    plan = PlanFactory()
    wanted = ProblemFactory(plan=plan, title=stored)
    ProblemFactory(plan=plan, title="خرابی آسفالت خیابان ۱۳ آبان")
    assert similar_problems(plan_id=plan.pk, text=typed)[0].id == wanted.pk


@pytest.mark.django_db
def test_only_published_problems_of_the_same_plan(plan):
    ProblemFactory(plan=plan, title=ORIGINAL, moderation_state="pending")
    ProblemFactory(plan=plan, title=ORIGINAL, moderation_state="rejected")
    ProblemFactory(plan=PlanFactory(), title=ORIGINAL)
    assert similar_problems(plan_id=plan.pk, text=ORIGINAL) == []


@pytest.mark.django_db
def test_unrelated_text_finds_nothing(plan):
    ProblemFactory(plan=plan, title=ORIGINAL)
    assert similar_problems(plan_id=plan.pk, text="کتابخانه‌ی عمومی") == []


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "  ", "ab", "؟؟؟", '"', "' OR 1=1 --", "*", "NEAR(a b)"])
def test_short_or_hostile_text_is_harmless(plan, text):
    ProblemFactory(plan=plan, title=ORIGINAL)
    assert isinstance(similar_problems(plan_id=plan.pk, text=text), list)


@pytest.mark.django_db
def test_title_change_is_followed_by_the_index(plan):
    from participation.keys import problem_keys

    problem = ProblemFactory(plan=plan, title="عنوان قدیمی بی‌ربط")
    problem.title = ORIGINAL
    for name, value in problem_keys(ORIGINAL, "").items():
        setattr(problem, name, value)
    problem.save()
    assert similar_problems(plan_id=plan.pk, text=ORIGINAL)[0].id == problem.pk
    problem.delete()
    assert similar_problems(plan_id=plan.pk, text=ORIGINAL) == []


@pytest.mark.django_db
def test_exclude_and_limit(plan):
    first = ProblemFactory(plan=plan, title=ORIGINAL)
    for _ in range(7):
        ProblemFactory(plan=plan, title=ORIGINAL + " دوباره")
    found = similar_problems(plan_id=plan.pk, text=ORIGINAL, exclude_id=first.pk)
    assert len(found) == 5
    assert first.pk not in [f.id for f in found]
