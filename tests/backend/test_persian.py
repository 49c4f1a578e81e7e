import pytest

from backend.persian import (
    normalise,
    persian_letter_share,
    to_latin_digits,
    to_persian_digits,
)

ZWNJ = "\u200c"
NBSP = "\u00a0"

# Each group must collapse to a single key.
EQUIVALENT_GROUPS = [
    pytest.param(
        [
            f"برنامه{ZWNJ}ریزی شهری",
            "برنامه ریزی شهري",  # Arabic yeh at the end
            f"برنامه{ZWNJ}{ZWNJ}ریزی  شهری",  # doubled ZWNJ, doubled space
            f"  برنامه{NBSP}ریزی\u202fشهری\t",
            "برنامه\u200bریزی شهرى",  # zero-width space, alef maksura
        ],
        id="planning-zwnj-yeh",
    ),
    pytest.param(["كيفيت", "کیفیت", "ﻛﻴﻔﻴﺖ"], id="arabic-kaf-yeh-presentation"),
    pytest.param(["خیابان ۱۲", "خیابان 12", "خیابان ١٢", "خیابان\u00a0۱۲"], id="digits"),
    pytest.param(["شـــهر", "شهر", "شـهـر"], id="kashida"),
    pytest.param(["شَهر", "شهر", "شُهر", "شّهر"], id="harakat"),
    pytest.param(
        ["ترافیک بلوار کشاورز", "ترافيك بلوار كشاورز", "ترافیک، بلوار کشاورز!"], id="traffic"
    ),
    pytest.param(["بافت فرسوده", "بافتِ فرسوده", "«بافت فرسوده»"], id="worn-out-fabric"),
    pytest.param(["خانۀ فرهنگ", "خانه فرهنگ", "خانة فرهنگ", "خانە فرهنگ"], id="heh-variants"),
    pytest.param(["مسأله", "مساله", "مسإله"], id="alef-hamza"),
    pytest.param(["مؤسسه", "موسسه"], id="waw-hamza"),
    pytest.param(["ٱلبرز", "البرز"], id="alef-wasla"),
    pytest.param(["ﻻله زار", "لاله زار", "لاله‌زار"], id="lam-alef-ligature"),
    pytest.param(["پل؟", "پل?", "پل ؛", "پل"], id="punctuation"),
    pytest.param(["\u200fمیدان انقلاب\u200e", "میدان انقلاب"], id="bidi-marks"),
    pytest.param(["Park Way", "park   way", "PARK-WAY", "park.way"], id="latin"),
    pytest.param(["متروی خط ۷", "مترو\u0649 خط 7", "مترو\u064a خط ٧"], id="yeh-digit-mix"),
]


@pytest.mark.parametrize("group", EQUIVALENT_GROUPS)
def test_equivalent_spellings_share_one_key(group):
    keys = {normalise(text) for text in group}
    assert len(keys) == 1, keys


def test_spec_examples_exact_key():
    assert normalise(f"برنامه{ZWNJ}ریزی شهری") == "برنامه ریزی شهری"
    assert normalise("خیابان ١٢") == "خیابان 12"
    assert normalise("كيفيت") == "کیفیت"


# Different meanings must stay different.
DIFFERENT_PAIRS = [
    ("خیابان ۱۲", "خیابان ۲۱"),
    ("آب", "اب"),  # madda is kept
    ("شهر", "شهرداری"),
    ("پارک", "بارک"),
    ("بلوار کشاورز", "بلوار کشاورزی"),
    ("کوچه ۳", "کوچه ۳۰"),
    ("ترافیک", "ترافیک سنگین"),
    ("میدان آزادی", "میدان ازادی"),
    ("ژاله", "زاله"),
    ("چهارراه", "جهارراه"),
]


@pytest.mark.parametrize(("left", "right"), DIFFERENT_PAIRS)
def test_different_texts_keep_different_keys(left, right):
    assert normalise(left) != normalise(right)


SAMPLES = [
    "",
    "   ",
    f"برنامه{ZWNJ}{ZWNJ}ریزی  شهری",
    "ﻛﻴﻔﻴﺖ ﻫﻮﺍ در ﺗﻬﺮﺍﻥ",
    "ترافیکِ سنگینِ بلوار؛ ساعت ۱۸:۳۰ «هر روز»!",
    "خانۀ شمارهٔ ٤٢ — کوچهٔ بن‌بست",
    "Ünïcode ＦＵＬＬＷＩＤＴＨ １２３ Straße",
    "ٱ\u0654\u0653 آ\u064b",
    "\u0627\u0653\u064b\u0654",
    "a\u0301 e\u0300 İstanbul",
    "\ufeff\u00ad\u200d\u200f",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@pytest.mark.parametrize("text", SAMPLES)
def test_key_has_no_edge_or_double_spaces(text):
    key = normalise(text)
    assert key == key.strip()
    assert "  " not in key


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u200c\u200c", "،؛؟«»", "!?.,;:-_()[]{}", "\u0640\u0640", "\u064b\u064e\u0650"],
)
def test_normalise_of_noise_is_empty(text):
    assert normalise(text) == ""


@pytest.mark.parametrize(
    "char",
    ["\u200c", "\u200b", "\u200d", "\ufeff", "\u00ad", "،", "؛", "؟", "«", "»", "-", "/", "("],
)
def test_breaking_characters_become_one_space(char):
    assert normalise(f"پل{char}عابر") == "پل عابر"


def test_bidi_marks_do_not_split_words():
    assert normalise("شه\u200fر") == "شهر"


def test_removed_diacritics_ranges():
    marks = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"]
    marks += [chr(c) for c in range(0x06D6, 0x06EE)]
    for mark in marks:
        assert normalise(f"ب{mark}ن") == "بن", hex(ord(mark))


def test_keeps_madda_and_standalone_hamza():
    assert normalise("آسمان") == "آسمان"
    assert normalise("جزء") == "جزء"


def test_lowercases_latin_only():
    assert normalise("BRT Line ۷") == "brt line 7"


def test_normalise_does_not_touch_input():
    text = f"برنامه{ZWNJ}ریزی شهري ۱۲"
    before = str(text)
    normalise(text)
    assert text == before


# --- digits -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("0123456789", "0123456789"),
        ("پلاک ۱۲، طبقه ٣", "پلاک 12، طبقه 3"),
        (1404, "1404"),
        (None, ""),
        ("", ""),
        ("بدون عدد", "بدون عدد"),
    ],
)
def test_to_latin_digits(raw, expected):
    assert to_latin_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
        ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"),
        ("۰۱۲۳۴۵۶۷۸۹", "۰۱۲۳۴۵۶۷۸۹"),
        ("Line 7, ساعت 14:30", "Line ۷, ساعت ۱۴:۳۰"),
        (42, "۴۲"),
        (-3.5, "-۳.۵"),
        (None, ""),
        ("", ""),
    ],
)
def test_to_persian_digits(raw, expected):
    assert to_persian_digits(raw) == expected


def test_digit_helpers_round_trip():
    text = "خیابان ۱۲ و ٣٤ و 56"
    assert to_persian_digits(to_latin_digits(text)) == "خیابان ۱۲ و ۳۴ و ۵۶"
    assert to_latin_digits(to_persian_digits(text)) == "خیابان 12 و 34 و 56"


def test_digit_helpers_leave_non_digits_alone():
    text = "كيفيت\u200cهوا ﻻ «شهر»"
    assert to_latin_digits(text) == text
    assert to_persian_digits(text) == text


def test_digit_helpers_return_new_string_and_keep_input():
    text = "کوچه ۱۲"
    before = str(text)
    to_latin_digits(text)
    to_persian_digits(text)
    assert text == before


# --- script share -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("بافت فرسوده", 1.0),
        ("Traffic jam", 0.0),
        ("", 0.0),
        (None, 0.0),
        ("۱۲۳ 456 !?", 0.0),  # no letters at all
        ("ab پل", 0.5),
        ("ﻛﻴﻔﻴﺖ", 1.0),  # presentation forms count as Arabic script
        ("\u200c\u064e", 0.0),  # ZWNJ and a harakat are not letters
    ],
)
def test_persian_letter_share(text, expected):
    assert persian_letter_share(text) == pytest.approx(expected)


def test_persian_letter_share_ignores_digits_and_spaces():
    assert persian_letter_share("خیابان 12 Azadi") == pytest.approx(6 / 11)
