"""Similar problems by meaning (participation/similarity.py): the body, stems, the synonym
lexicon, places, own and merged problems left out, and why each suggestion was made."""

import pytest

from inventory.models import InventoryEntry
from participation.lexicon import lexicon_changed
from participation.models import Problem, SynonymGroup
from participation.services import synonym_group_delete, synonym_group_save
from participation.similarity import similar_problems
from tests.factories import PlanFactory, ProblemFactory, StaffRoleFactory, UserFactory


@pytest.fixture
def plan(db):
    lexicon_changed()
    plan = PlanFactory()
    for title in [
        "کمبود نیمکت در پارک محله",
        "آلودگی هوای شهر در روزهای زمستان",
        "خرابی چراغ‌های راهنمایی تقاطع ۱۲ فروردین",
        "بافت فرسوده‌ی اطراف بازار سنتی",
    ]:
        ProblemFactory(plan=plan, title=title)
    return plan


def _ids(found):
    return [f.id for f in found]


def test_words_only_in_the_body_find_the_problem_and_say_so(plan):
    wanted = ProblemFactory(
        plan=plan,
        title="ایستگاه اتوبوس خیابان شریعتی",
        body="<p>شیشه‌ی سقف ایستگاه شکسته و مسافران زیر باران خیس می‌شوند.</p>",
    )
    found = similar_problems(plan_id=plan.pk, text="شیشه‌ی شکسته و مسافران خیس")
    assert found[0].id == wanted.pk
    assert "شکسته" in found[0].in_body
    assert found[0].in_title == []


def test_stems_meet_plurals_comparatives_and_verb_prefixes(plan):
    wanted = ProblemFactory(plan=plan, title="درختان خشک بلوار جمهوری آبیاری نمی‌شوند")
    found = similar_problems(plan_id=plan.pk, text="آبیاری درخت‌های خشک‌تر بلوار جمهوری")
    assert found[0].id == wanted.pk


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("زباله‌های کوچه‌ی گلستان جمع نمی‌شود", "پسماند کوچه‌ی گلستان جمع نمی‌شود"),
        ("پسماند کوچه‌ی گلستان جمع نمی‌شود", "آشغال‌های کوچه‌ی گلستان جمع نمی‌شود"),
        ("ترافیک سنگین میدان ولیعصر", "راه‌بندان میدان ولیعصر"),
        ("گره ترافیکی میدان ولیعصر", "ترافیک میدان ولیعصر"),
    ],
)
def test_the_seeded_lexicon_works_both_ways(plan, stored, typed):
    wanted = ProblemFactory(plan=plan, title=stored)
    assert similar_problems(plan_id=plan.pk, text=typed)[0].id == wanted.pk


def test_a_planner_group_counts_at_once_and_only_in_its_city(plan):
    planner = StaffRoleFactory(city=plan.city, role="planner").user
    wanted = ProblemFactory(plan=plan, title="ازدحام خودروها جلوی درمانگاه امام رضا")
    text = "شلوغی خودروها جلوی درمانگاه امام رضا"
    before = similar_problems(plan_id=plan.pk, text=text)
    assert before[0].id == wanted.pk
    score_before = before[0].score
    group = synonym_group_save(actor=planner, city=plan.city, terms="ازدحام\nشلوغی")
    after = similar_problems(plan_id=plan.pk, text=text)
    assert after[0].id == wanted.pk
    assert after[0].score > score_before
    # Another city's plan does not use it.
    other = PlanFactory()
    elsewhere = ProblemFactory(plan=other, title="ازدحام خودروها جلوی درمانگاه امام رضا")
    found = similar_problems(plan_id=other.pk, text=text)
    assert found[0].id == elsewhere.pk
    assert found[0].score == score_before
    synonym_group_delete(actor=planner, group=group)
    assert similar_problems(plan_id=plan.pk, text=text)[0].score == score_before


def test_the_persons_own_problems_are_left_out(plan):
    me = UserFactory()
    mine = ProblemFactory(plan=plan, author=me, title="چاله‌ی بزرگ خیابان شهید بهشتی")
    theirs = ProblemFactory(plan=plan, title="چاله‌ی عمیق خیابان شهید بهشتی")
    found = similar_problems(plan_id=plan.pk, text="چاله‌ی خیابان شهید بهشتی", user=me)
    assert mine.pk not in _ids(found)
    assert theirs.pk in _ids(found)
    assert mine.pk in _ids(similar_problems(plan_id=plan.pk, text="چاله‌ی خیابان شهید بهشتی"))


def test_a_merged_duplicate_is_shown_as_its_inventory_entry_once(plan):
    entry = InventoryEntry.objects.create(plan=plan, code="۱-۱", title="آب‌گرفتگی معابر شهرک صنعتی")
    for title in ["آب‌گرفتگی کوچه‌های شهرک صنعتی", "آب‌گرفتگی خیابان‌های شهرک صنعتی"]:
        ProblemFactory(
            plan=plan, title=title, triage_state=Problem.Triage.MERGED, inventory_entry=entry
        )
    found = similar_problems(plan_id=plan.pk, text="آب‌گرفتگی شهرک صنعتی پس از باران")
    entries = [f for f in found if f.entry_id]
    assert len(entries) == 1
    assert entries[0].entry_id == entry.pk
    assert entries[0].entry_title == entry.title
    # Once a problem of the entry is shown as itself, the merged copies are not repeated.
    ProblemFactory(
        plan=plan,
        title="آب‌گرفتگی شهرک صنعتی",
        triage_state=Problem.Triage.ACCEPTED,
        inventory_entry=entry,
    )
    found = similar_problems(plan_id=plan.pk, text="آب‌گرفتگی شهرک صنعتی پس از باران")
    assert [f for f in found if f.entry_id] == []


def test_the_same_complaint_elsewhere_ranks_below_the_same_place(plan):
    here = ProblemFactory(plan=plan, title="زمین فوتبال شهرک امیریه چمن ندارد")
    there = ProblemFactory(plan=plan, title="زمین فوتبال کوی امام چمن ندارد")
    found = similar_problems(plan_id=plan.pk, text="زمین فوتبال شهرک امیریه بدون چمن است")
    assert found[0].id == here.pk
    scores = {f.id: f.score for f in found}
    assert there.pk not in scores or scores[there.pk] < scores[here.pk] / 1.5


def test_a_shared_place_alone_does_not_make_a_duplicate(plan):
    ProblemFactory(plan=plan, title="قطعی‌های آب در شهرک شهید بهشتی")
    found = similar_problems(plan_id=plan.pk, text="کمبود مدرسه در شهرک شهید بهشتی")
    assert found == []


def test_an_unfinished_last_word_matches_as_a_prefix_while_typing(plan):
    wanted = ProblemFactory(plan=plan, title="ترافیک سنگین بلوار امام خمینی")
    typed = "بلوار امام خمی"
    assert similar_problems(plan_id=plan.pk, text=typed, typing=True)[0].id == wanted.pk


def test_the_lookup_costs_the_same_few_queries_however_many_problems(
    plan, django_assert_max_num_queries
):
    text = "چاله‌ی بزرگ خیابان شهید بهشتی جلوی مدرسه"
    with django_assert_max_num_queries(6):
        similar_problems(plan_id=plan.pk, text=text)
    ProblemFactory.create_batch(60, plan=plan, title="چاله‌ی خیابان شهید بهشتی")
    with django_assert_max_num_queries(6):
        similar_problems(plan_id=plan.pk, text=text)


def test_the_report_form_shows_why_and_leaves_out_the_authors_own(plan, client):
    me = UserFactory()
    ProblemFactory(plan=plan, author=me, title="ایستگاه اتوبوس بدون سایبان خیابان ملک")
    other = ProblemFactory(
        plan=plan,
        title="ایستگاه اتوبوس خیابان ملک",
        body="<p>سقف ندارد و مسافران زیر آفتاب می‌مانند.</p>",
    )
    client.force_login(me)
    page = client.get(
        "/problems/similar/", {"plan": plan.pk, "title": "ایستگاه اتوبوس ملک سایبان ندارد"}
    )
    html = page.content.decode()
    assert f"/problems/{other.pk}/" in html
    assert "بدون سایبان" not in html  # their own
    assert "در عنوان:" in html
    assert "<mark>ایستگاه</mark>" in html
    assert "در متن:" in html  # «سایبان» through «سقف» in the body


def test_the_report_form_links_a_merged_duplicate_to_its_entry(plan, client):
    entry = InventoryEntry.objects.create(plan=plan, code="۲-۱", title="آب‌گرفتگی معابر شهرک صنعتی")
    ProblemFactory(
        plan=plan,
        title="آب‌گرفتگی خیابان‌های شهرک صنعتی",
        triage_state=Problem.Triage.MERGED,
        inventory_entry=entry,
    )
    client.force_login(UserFactory())
    text = "آب‌گرفتگی شهرک صنعتی پس از باران"
    page = client.get("/problems/similar/", {"plan": plan.pk, "title": text})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/inventory/{entry.pk}/" in html
    assert "من هم این مسئله را دارم" not in html


def test_the_api_explains_too(plan, client):
    wanted = ProblemFactory(plan=plan, title="ایستگاه اتوبوس خیابان ملک")
    answer = client.get(
        "/api/v1/problems/similar/",
        {"plan": plan.pk, "text": "ایستگاه اتوبوس ملک", "typing": "true"},
    )
    assert answer.status_code == 200
    first = answer.json()[0]
    assert first["id"] == wanted.pk
    assert {"words": "ایستگاه", "where": "title"} in first["matched"]
    assert first["entry_id"] is None


def test_a_concept_found_common_is_not_read_again(plan, monkeypatch):
    from django.core.cache import cache

    from participation import similarity

    monkeypatch.setattr(similarity, "POSTING_CAP", 3)
    monkeypatch.setattr(similarity, "COMMON", [0] * 4)
    for n in range(5):
        ProblemFactory(plan=plan, title=f"کمبود نیمکت شماره {n} در محله")
    wanted = ProblemFactory(plan=plan, title="کمبود نیمکت در پارک لاله")
    first = similar_problems(plan_id=plan.pk, text="کمبود نیمکت پارک لاله")
    keys = similarity._common_keys(plan.pk, lexicon_for_plan(plan).concepts("کمبود نیمکت"))
    assert similarity._known_common(keys) == {0, 1}  # both words now known as common
    again = similar_problems(plan_id=plan.pk, text="کمبود نیمکت پارک لاله")
    assert first == again
    assert first[0].id == wanted.pk
    cache.clear()
    assert similarity._known_common(keys) == set()


def lexicon_for_plan(plan):
    from participation.lexicon import lexicon_for

    return lexicon_for(plan.city_id)


def test_a_cleared_cache_reads_the_lexicon_again(plan):
    from django.core.cache import cache

    planner = StaffRoleFactory(city=plan.city, role="planner").user
    wanted = ProblemFactory(plan=plan, title="ازدحام جلوی نانوایی بربری")
    synonym_group_save(actor=planner, city=plan.city, terms="ازدحام\nصف طولانی")
    with_group = similar_problems(plan_id=plan.pk, text="صف طولانی جلوی نانوایی")
    assert with_group[0].id == wanted.pk
    SynonymGroup.objects.filter(city=plan.city).delete()  # behind the services' back
    cache.clear()
    without = similar_problems(plan_id=plan.pk, text="صف طولانی جلوی نانوایی")
    assert not without or without[0].score < with_group[0].score


def test_a_common_word_the_problem_lacks_still_counts_against_it(plan, monkeypatch):
    from participation import similarity

    monkeypatch.setattr(similarity, "POSTING_CAP", 20)
    monkeypatch.setattr(similarity, "COMMON", [0] * 21)
    for n in range(25):
        ProblemFactory(plan=plan, title=f"سالن ورزشی شماره {n} محله نور ندارد")
    roof = ProblemFactory(
        plan=plan,
        title="چکه کردن سقف راسته‌ی بازار در روزهای بارانی",
        body="<p>طاق‌ها ترک خورده‌اند و اگر مرمت نشود فرو می‌ریزند.</p>",
    )
    text = "تعمیر سقف سالن ورزشی"
    # «سالن» and «ورزشی» are common here, so they find nothing; but the bazaar's roof
    # holds neither, which says it is another roof.
    assert roof.pk not in _ids(similar_problems(plan_id=plan.pk, text=text))
    monkeypatch.setattr(similarity, "MIN_WEIGHT", 0.0)
    assert roof.pk in _ids(similar_problems(plan_id=plan.pk, text=text))


def test_a_shared_place_counts_as_far_as_the_problem_is_about_the_same_thing(plan, monkeypatch):
    from participation import similarity

    monkeypatch.setattr(similarity, "POSTING_CAP", 20)
    monkeypatch.setattr(similarity, "COMMON", [0] * 21)
    for n in range(25):  # «قطع» and «برق» are common words here, as in a large plan
        ProblemFactory(plan=plan, title=f"قطع برق و تلفن در کوچه‌ی شماره {n} روستا")
    water = ProblemFactory(plan=plan, title="قطعی‌های بی‌خبر آب در محله‌ی شهرک شهید بهشتی")

    def found(text):
        return _ids(similar_problems(plan_id=plan.pk, text=text))

    assert water.pk in found("قطعی آب در شهرک شهید بهشتی")
    # Half of what the text is about, in the same place: the place counts for half too.
    assert water.pk not in found("قطعی برق در شهرک شهید بهشتی")


def test_a_street_named_after_a_kind_of_place_is_not_that_place(plan):
    lane = ProblemFactory(plan=plan, title="خودروها در مسیر دوچرخه‌ی بلوار دانشگاه پارک می‌کنند")
    # «دانشگاه» of «بلوار دانشگاه» is a street; the text speaks of the university.
    found = similar_problems(plan_id=plan.pk, text="کمبود پارکینگ دوچرخه در دانشگاه")
    assert lane.pk not in _ids(found)
    # The street itself, named, is a place like any other.
    found = similar_problems(plan_id=plan.pk, text="پارک خودروها در مسیر دوچرخه بلوار دانشگاه")
    assert found[0].id == lane.pk
    # A proper name of a place still says what the text is about.
    bins = ProblemFactory(plan=plan, title="مخزن‌های زباله‌ی کنار دبستان فردوسی سرریز می‌شوند")
    found = similar_problems(plan_id=plan.pk, text="سطل‌های آشغال کنار مدرسه‌ی ابتدایی فردوسی")
    assert found[0].id == bins.pk


def test_a_plans_common_stems_are_counted_once_and_spare_the_holders(plan, monkeypatch):
    """PostgreSQL: the first lookup has no stem count yet, so one is made (after the answer;
    here, outside a request, at once). From then on a concept whose stem the count says is
    common is known as common without reading its holders, and the answer is the same."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participation import similarity

    if connection.vendor != "postgresql":
        pytest.skip("the stem count is PostgreSQL's ts_stat")
    monkeypatch.setattr(similarity, "POSTING_CAP", 3)
    monkeypatch.setattr(similarity, "COMMON", [0] * 4)
    for n in range(5):
        ProblemFactory(plan=plan, title=f"کمبود نیمکت شماره {n} در محله")
    wanted = ProblemFactory(plan=plan, title="کمبود نیمکت در پارک لاله")
    ProblemFactory(plan=plan, title="کمبود نیمکت پنهان", moderation_state="hidden")
    first = similar_problems(plan_id=plan.pk, text="کمبود نیمکت پارک لاله")
    stems = cache.get(similarity._stems_key(plan.pk))
    assert stems is not None
    concepts = lexicon_for_plan(plan).concepts("کمبود نیمکت پارک لاله")
    common = {c.alternatives[0][0] for c in concepts[:2]}
    assert common <= stems  # «کمبود» and «نیمکت»: 6 published holders, more than 3
    assert not {c.alternatives[0][0] for c in concepts[2:]} & stems  # «پارک», «لاله»: one
    # A new worker, say: what lookups learnt is gone, the count is still there.
    cache.delete_many(list(similarity._common_keys(plan.pk, concepts).values()))
    with CaptureQueriesContext(connection) as queries:
        again = similar_problems(plan_id=plan.pk, text="کمبود نیمکت پارک لاله")
    assert again == first
    assert again[0].id == wanted.pk
    postings = [q["sql"] for q in queries if "to_tsquery" in q["sql"]]
    assert len(postings) == 1
    # Only the rare concepts (the park's name) and the all-concepts query are read.
    assert postings[0].count("to_tsquery") == len(concepts) - 2 + 1
