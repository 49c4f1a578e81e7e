import pytest

from backend.sanitise import clean_html, html_to_text, plain_text


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<script>alert(1)</script>متن", "alert"),
        ('<img src=x onerror="alert(1)">متن', "onerror"),
        ('<a href="javascript:alert(1)">پیوند</a>', "javascript"),
        ('<p style="color:red" onclick="x()">متن</p>', "onclick"),
        ("<style>body{display:none}</style>متن", "display"),
        ('<iframe src="https://evil.example"></iframe>متن', "iframe"),
        ("<svg><script>alert(1)</script></svg>متن", "svg"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ("<!-- comment -->متن", "comment"),
    ],
)
def test_hostile_markup_is_removed(dirty, forbidden):
    cleaned = clean_html(dirty)
    assert forbidden not in cleaned
    assert "متن" in cleaned or "پیوند" in cleaned or "x" in cleaned


def test_links_get_rel_and_lose_target():
    cleaned = clean_html('<a href="https://arak.ir" target="_blank">شهرداری</a>')
    assert cleaned == '<p><a href="https://arak.ir" rel="nofollow ugc noopener">شهرداری</a></p>'


def test_bare_urls_become_safe_links():
    assert 'rel="nofollow ugc noopener"' in clean_html("ببینید https://arak.ir")


def test_plain_text_keeps_paragraphs_and_escapes():
    assert clean_html("الف & ب\nج\n\nد < ه") == "<p>الف &amp; ب<br>ج</p><p>د &lt; ه</p>"


def test_allowed_formatting_survives():
    html = "<p><strong>مهم</strong> و <em>تأکید</em></p><ul><li>یک</li></ul>"
    assert clean_html(html) == html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<b>عنوان</b>  مسئله", "عنوان مسئله"),
        ("  فاصله\n\tها  ", "فاصله ها"),
        ("<script>x</script>عنوان", "عنوان"),
        ("A & B < C", "A & B < C"),
        (None, ""),
    ],
)
def test_plain_text(raw, expected):
    assert plain_text(raw) == expected


def test_html_to_text_separates_blocks():
    assert html_to_text("<p>الف</p><p>ب<br>ج</p>") == "الف ب ج"


# Invisible and spoofed titles (issue 9, finding 11) ------------------------------------

from backend.sanitise import plain_title  # noqa: E402

INVISIBLE_TITLES = {
    "zero-width space": "\u200b\u200b",
    "ZWNJ only": "\u200c",
    "ZWJ only": "\u200d\u200d",
    "BOM": "\ufeff",
    "word joiner": "\u2060",
    "Hangul filler": "\u3164\u3164",
    "Hangul choseong filler": "\u115f",
    "Hangul jungseong filler": "\u1160",
    "halfwidth Hangul filler": "\uffa0",
    "braille blank": "\u2800\u2800",
    "right-to-left override": "\u202e",
    "unbalanced isolates": "\u2066\u2067\u2068",
    "LRM and RLM only": "\u200e\u200f",
    "soft hyphen only": "\u00ad",
    "combining mark only": "\u0301\u064e",
    "ideographic space": "\u3000",
    "NBSP only": "\u00a0\u00a0",
    "figure space": "\u2007",
    "tag characters": "\U000e0041\U000e0042\U000e007f",
    "invisible operators": "\u2061\u2062\u2063\u2064",
    "Mongolian vowel separator": "\u180e",
    "punctuation only": "... !!",
}


@pytest.mark.parametrize("raw", INVISIBLE_TITLES.values(), ids=INVISIBLE_TITLES.keys())
def test_titles_must_show_letters_or_digits(raw):
    assert plain_title(raw) == ""
    assert plain_title(f" {raw} ") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u202eexe.\u202cعنوان", "exe.عنوان"),  # overrides removed, the text stays
        ("\u2067چاله\u2069 خیابان", "چاله خیابان"),
        ("\u200fخیابان\u200e", "خیابان"),
        ("برنامه\u200cریزی شهری", "برنامه\u200cریزی شهری"),  # ZWNJ inside a word stays
        ("\u200cمی\u200cروم\u200c", "می\u200cروم"),  # … but not at a word's edge
        ("چاله\u200b\u200bها", "چالهها"),
        ("چاله\u3164 \u2800 ها", "چاله ها"),
        ("چاله\u00a0\u2007\u3000ها", "چاله ها"),
        ("\ufeffعنوان\U000e0041", "عنوان"),
        ("مَسئله", "مَسئله"),  # diacritics on letters stay
        ("۱۴۰۳", "۱۴۰۳"),
        ("a\x00b\x07c", "abc"),
    ],
)
def test_invisible_characters_are_removed_visible_text_stays(raw, expected):
    assert plain_title(raw) == expected


@pytest.mark.parametrize(
    "typed",
    ["&lt;img src=x onerror=alert(1)&gt;", "&lt;b&gt;bold&lt;/b&gt;", "A &amp; B", "&#60;i&#62;"],
)
def test_entities_are_stored_as_typed_never_as_markup(typed):
    assert plain_text(typed) == typed
    assert "<" not in plain_text(typed)


def test_html_to_text_still_reads_entities_of_sanitised_html():
    assert html_to_text("<p>الف &lt; ب &amp; ج</p>") == "الف < ب & ج"
