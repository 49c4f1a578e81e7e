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
