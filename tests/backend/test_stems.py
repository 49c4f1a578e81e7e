"""The Persian stemming rules and the synonym lexicon (backend.stems), one rule at a time."""

import pytest

from backend.stems import Lexicon, stem, stem_key, stems


def same(a: str, b: str) -> bool:
    return stems(a) == stems(b)


@pytest.mark.parametrize(
    ("plural", "single"),
    [
        ("خیابان‌ها", "خیابان"),  # ها after a non-joiner
        ("خیابانها", "خیابان"),  # ها attached
        ("خیابان‌های", "خیابان"),  # های (ezafe on a plural)
        ("ایستگاه‌هایی", "ایستگاه"),  # هایی
        ("درختان", "درخت"),  # ان
        ("مشکلات", "مشکل"),  # ات
        ("کوچه‌هایشان", "کوچه"),  # possessive on a plural
    ],
)
def test_plural_and_possessive_suffixes(plural, single):
    assert same(plural, single)


@pytest.mark.parametrize(
    ("compared", "plain"),
    [("بزرگ‌ترین", "بزرگ"), ("بزرگترین", "بزرگ"), ("شلوغ‌تر", "شلوغ"), ("شلوغتر", "شلوغ")],
)
def test_comparative_and_superlative(compared, plain):
    assert same(compared, plain)


def test_adjectival_and_ezafe_yeh():
    assert same("شهری", "شهر")
    assert same("خانه‌ی", "خانه")  # ی after a non-joiner is a word of its own, dropped
    assert same("شهرداری‌ها", "شهرداری")


def test_verb_prefixes_go_only_before_a_verb_ending():
    assert stems("میریزد") == stems("می‌ریزد") == ["ریزد"]
    assert stems("نمیریزد") == ["ریزد"]
    # Not verbs: the prefix stays.
    assert stem("میوه") == "میوه"
    assert stems("میدان") == stems("میدان‌ها")
    assert not stem("میدان").startswith("دان")


def test_light_verbs_auxiliaries_and_function_words_carry_no_topic():
    assert stems("آب نمی‌آید و این مشکل است") == ["آب", "مشکل"]
    assert stems("زباله‌ها جمع نمی‌شوند") == ["زباله", "جمع"]
    assert stems("از این به آن") == []


def test_a_stem_keeps_three_letters_and_digits_stay_whole():
    assert stem("جوان") == "جوان"  # «ان» would leave two letters
    assert stem("کمتر") == "کمتر"
    assert stems("پلاک ۱۲ خیابان 12") == ["پلاک", "12", "خیاب"]


def test_encodings_meet_before_stemming():
    assert same("ترافيك خيابان‌ها", "ترافیک خیابانها")
    assert same("تـرافیک", "ترافیک")


def test_compounds_written_apart_or_together_share_a_stem():
    joined = set(stems("پیادهرو"))
    assert joined <= set(stems("پیاده‌رو"))
    assert joined <= set(stems("پیاده رو"))
    assert set(stems("دستانداز")) <= set(stems("دست‌انداز"))


def test_stem_key_is_the_distinct_stems_in_order():
    assert stem_key("زباله و زباله‌ها در کوچه") == "زباله کوچه"


LEXICON = Lexicon(
    [
        ["سایبان", "سقف", "سرپناه"],
        ["زباله", "پسماند", "آشغال"],
        ["ترافیک", "راه‌بندان", "گره ترافیکی"],
        ["پیاده‌رو", "معبر"],
        ["تنها"],  # a group of one says nothing and is ignored
    ]
)


def _holds(text: str, stored: str) -> bool:
    """Whether every concept of `text` is found in the stems stored for `stored`."""
    held = set(stems(stored))
    return all(c.found_in(held) for c in LEXICON.concepts(text))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ایستگاه بدون سقف", "ایستگاه بدون سایبان"),
        ("ایستگاه بدون سایبان", "ایستگاه بدون سقف"),
        ("پسماند کوچه", "زباله‌های کوچه"),
        ("زباله کوچه", "پسماندهای کوچه"),
        ("گره ترافیکی میدان", "ترافیک میدان"),
        ("ترافیک میدان", "راه‌بندان میدان"),
        ("راهبندان میدان", "گره ترافیکی میدان"),
        ("معبر خراب", "پیادهرو خراب"),
        ("پیاده رو خراب", "معبر خراب"),
    ],
)
def test_the_lexicon_works_both_ways(typed, stored):
    assert _holds(typed, stored)
    assert _holds(stored, typed)


def test_the_lexicon_does_not_invent_matches():
    assert not _holds("ایستگاه بدون سقف", "ایستگاه بدون نیمکت")
    assert len(LEXICON) == 4


def test_a_phrase_said_twice_is_one_concept():
    concepts = LEXICON.concepts("زباله و پسماند و آشغال")
    assert len(concepts) == 1
    assert concepts[0].words == "زباله"
