import datetime
import zoneinfo

import pytest
from django.template import Context, Engine
from django.utils.safestring import SafeData, mark_safe

from backend.templatetags.persian import fa_digits, jdate, jlong
from backend.templatetags.persian import jdatetime_filter as jdatetime_f

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _tehran_time_zone(settings):
    settings.USE_TZ = True
    settings.TIME_ZONE = "Asia/Tehran"


@pytest.fixture
def engine():
    return Engine(libraries={"persian": "backend.templatetags.persian"})


def render(engine, source, **context):
    return engine.from_string("{% load persian %}" + source).render(Context(context))


def render_raw(engine, source, **context):
    return engine.from_string("{% load persian %}" + source).render(
        Context(context, autoescape=False)
    )


# --- fa_digits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, "۱۲"),
        (0, "۰"),
        (1404, "۱۴۰۴"),
        ("خیابان 12", "خیابان ۱۲"),
        ("کوچه ٣", "کوچه ۳"),
        ("پلاک ۷", "پلاک ۷"),
        ("بدون عدد", "بدون عدد"),
    ],
)
def test_fa_digits_renders(engine, value, expected):
    assert render(engine, "{{ v|fa_digits }}", v=value) == expected


def test_fa_digits_none_is_empty(engine):
    assert render(engine, "{{ v|fa_digits }}", v=None) == ""


def test_fa_digits_keeps_escaping_plain_text(engine):
    out = render(engine, "{{ v|fa_digits }}", v="<b>12</b> & 'x'")
    assert out == "&lt;b&gt;۱۲&lt;/b&gt; &amp; &#x27;x&#x27;"


def test_fa_digits_escapes_script_injection(engine):
    out = render(engine, "{{ v|fa_digits }}", v="<script>alert(1)</script>")
    assert "<script>" not in out
    assert "alert(۱)" in out


def test_fa_digits_plain_string_result_is_not_safe():
    result = fa_digits("<i>12</i>")
    assert not isinstance(result, SafeData)
    assert result == "<i>۱۲</i>"


def test_fa_digits_safe_input_stays_safe_and_markup_is_kept(engine):
    html = mark_safe('<a href="/projects/12/">پروژه 12</a> &#39;x&#39; &#x27; &amp;')
    out = render(engine, "{{ v|fa_digits }}", v=html)
    assert out == '<a href="/projects/12/">پروژه ۱۲</a> &#39;x&#39; &#x27; &amp;'


def test_fa_digits_safe_input_direct_call():
    result = fa_digits(mark_safe("<td data-id='3'>3</td>"))
    assert isinstance(result, SafeData)
    assert result == "<td data-id='3'>۳</td>"


def test_fa_digits_after_escape_filter_keeps_entities(engine):
    # |escape first gives SafeData with numeric entities; they must survive.
    out = render(engine, "{{ v|escape|fa_digits }}", v="'12'")
    assert out == "&#x27;۱۲&#x27;"


def test_fa_digits_with_autoescape_off_treats_text_as_html(engine):
    out = render_raw(engine, "{{ v|fa_digits }}", v='<span class="c2">2</span>&#39;')
    assert out == '<span class="c2">۲</span>&#39;'


def test_fa_digits_in_autoescape_off_block(engine):
    out = render(engine, "{% autoescape off %}{{ v|fa_digits }}{% endautoescape %}", v="<b>1</b>")
    assert out == "<b>۱</b>"


def test_fa_digits_does_not_touch_input():
    text = "بلوار 12"
    safe = mark_safe("<b>12</b>")
    fa_digits(text)
    fa_digits(safe)
    assert text == "بلوار 12"
    assert safe == "<b>12</b>"


# --- dates -------------------------------------------------------------------------


def test_jdate(engine):
    assert render(engine, "{{ d|jdate }}", d=datetime.date(2025, 3, 25)) == "۱۴۰۴/۰۱/۰۵"


def test_jdate_of_aware_datetime_uses_tehran_day(engine):
    moment = datetime.datetime(2025, 3, 20, 22, 0, tzinfo=UTC)
    assert render(engine, "{{ d|jdate }}", d=moment) == "۱۴۰۴/۰۱/۰۱"


def test_jdatetime(engine):
    moment = datetime.datetime(2025, 3, 25, 11, 0, tzinfo=UTC)
    assert render(engine, "{{ d|jdatetime }}", d=moment) == "۱۴۰۴/۰۱/۰۵ ۱۴:۳۰"


def test_jdatetime_of_tehran_datetime(engine):
    moment = datetime.datetime(2025, 3, 25, 14, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tehran"))
    assert render(engine, "{{ d|jdatetime }}", d=moment) == "۱۴۰۴/۰۱/۰۵ ۱۴:۳۰"


def test_jlong_date(engine):
    assert render(engine, "{{ d|jlong }}", d=datetime.date(2025, 3, 25)) == "۵ فروردین ۱۴۰۴"


def test_jlong_datetime(engine):
    moment = datetime.datetime(2025, 3, 25, 11, 0, tzinfo=UTC)
    assert render(engine, "{{ d|jlong }}", d=moment) == "۵ فروردین ۱۴۰۴، ساعت ۱۴:۳۰"


@pytest.mark.parametrize("flt", ["jdate", "jdatetime", "jlong"])
@pytest.mark.parametrize("value", [None, "", "2025-03-25", "فردا", 12, [1, 2]])
def test_date_filters_are_silent_on_bad_values(engine, flt, value):
    assert render(engine, "{{ v|" + flt + " }}", v=value) == ""


@pytest.mark.parametrize("flt", ["jdate", "jdatetime", "jlong"])
def test_date_filters_silent_on_missing_variable(engine, flt):
    assert render(engine, "{{ missing|" + flt + " }}") == ""


@pytest.mark.parametrize("func", [jdate, jdatetime_f, jlong])
def test_date_filters_direct_call_on_bad_value(func):
    assert func("not a date") == ""
    assert func(None) == ""


def test_fa_digits_uses_the_persian_decimal_separator_for_numbers():
    from backend.templatetags.persian import fa_digits

    assert fa_digits("34.68") == "۳۴٫۶۸"
    assert fa_digits(2.5) == "۲٫۵"
    assert fa_digits("نسخه 1.2 از برنامه") == "نسخه ۱.۲ از برنامه"


@pytest.mark.parametrize(
    ("value", "persian", "english"),
    [
        (123.4, "۱۲۰ متر", "120 metres"),
        (4, "۱۰ متر", "10 metres"),
        (1450, "۱٫۴ کیلومتر", "1.4 km"),
        ("x", "", ""),
        (None, "", ""),
    ],
)
def test_metres_reads_as_a_distance_in_each_language(engine, value, persian, english):
    from django.utils import translation

    with translation.override("fa"):
        assert render(engine, "{{ v|metres }}", v=value) == persian
    with translation.override("en"):
        assert render(engine, "{{ v|metres }}", v=value) == english
