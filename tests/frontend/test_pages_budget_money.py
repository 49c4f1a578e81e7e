"""The budget pages' template library (frontend/templatetags/budget_pages.py): money in rials
or tomans with Persian digit grouping, compact amounts with the exact one in the title, shares,
changes and the three-figure bars."""

import re

import pytest
from django.utils import translation

from backend.charts import figure_bars_svg
from backend.templatetags.persian import fa_code
from frontend.templatetags import budget_pages as tags

LRI, PDI = "\u2066", "\u2069"


@pytest.fixture(autouse=True)
def persian():
    with translation.override("fa"):
        yield


@pytest.fixture
def toman(settings):
    settings.BUDGET_CURRENCY = "toman"


@pytest.mark.parametrize(
    ("rials", "shown"),
    [
        (0, "۰ ریال"),
        (7, "۷ ریال"),
        (999, "۹۹۹ ریال"),
        (1000, "۱٬۰۰۰ ریال"),
        (12_340_000, "۱۲٬۳۴۰٬۰۰۰ ریال"),
        (10**15, "۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال"),
        ("12340000", "۱۲٬۳۴۰٬۰۰۰ ریال"),  # a stored amount read back as text
    ],
)
def test_rials_with_persian_grouping(rials, shown):
    assert tags.money(rials) == shown


def test_negative_amounts_keep_their_sign_left_of_the_digits():
    assert tags.money(-12_340) == f"{LRI}−۱۲٬۳۴۰{PDI} ریال"


@pytest.mark.parametrize("value", [None, "", "abc", "1.5", True, float("nan")])
def test_what_is_not_whole_rials_shows_as_unknown(value):
    assert tags.money(value) == "—"


@pytest.mark.parametrize(
    ("rials", "shown"),
    [
        (12_340_000, "۱٬۲۳۴٬۰۰۰ تومان"),
        (12_345, "۱٬۲۳۴٫۵ تومان"),  # a toman is ten rials: the odd rial is not lost
        (5, "۰٫۵ تومان"),
        (-25, f"{LRI}−۲٫۵{PDI} تومان"),
    ],
)
def test_tomans(toman, rials, shown):
    assert tags.money(rials) == shown


def test_an_unknown_currency_setting_means_rials(settings):
    settings.BUDGET_CURRENCY = "dollar"
    assert tags.money(10) == "۱۰ ریال"


@pytest.mark.parametrize(
    ("rials", "short"),
    [
        (12_340_000_000, "۱۲٫۳ میلیارد ریال"),
        (2_950_000_000, "۳ میلیارد ریال"),  # 2.95 rounds half up to 3.0, shown as ۳
        (45_600_000, "۴۵٫۶ میلیون ریال"),
        (999_960_000, "۱ میلیارد ریال"),  # rounding up crosses into the next unit
        (950_000_000, "۹۵۰ میلیون ریال"),
        (30_000_000_000_000, "۳۰ هزار میلیارد ریال"),
        (-1_500_000, f"{LRI}−۱٫۵{PDI} میلیون ریال"),
    ],
)
def test_compact_amounts_carry_the_exact_one(rials, short):
    html = str(tags.money_short(rials))
    assert f">{short}</data>" in html
    assert f'value="{rials}"' in html
    exact = tags.money(rials)
    assert f'title="{exact}"' in html
    assert f'aria-label="{exact}"' in html


def test_small_amounts_stay_exact():
    assert (
        str(tags.money_short(950_000)) == '<data class="money" value="950000">۹۵۰٬۰۰۰ ریال</data>'
    )
    assert tags.money_short(None) == "—"


def test_compact_tomans(toman):
    assert ">۱٫۲ میلیارد تومان</data>" in str(tags.money_short(12_340_000_000))


def test_english_digits_and_units(settings):
    with translation.override("en"):
        assert tags.money(12_340_000) == "12,340,000 rials"
        assert tags.money(-5) == "-5 rials"
        assert ">12.3 billion rials</data>" in str(tags.money_short(12_340_000_000))
        settings.BUDGET_CURRENCY = "toman"
        assert tags.money(12_345) == "1,234.5 tomans"


@pytest.mark.parametrize(
    ("points", "shown"), [(10000, "۱۰۰٪"), (3750, "۳۷٫۵٪"), (1, "۰٫۰۱٪"), (2505, "۲۵٫۰۵٪")]
)
def test_shares_in_basis_points(points, shown):
    assert tags.share_pct(points) == shown


@pytest.mark.parametrize(
    ("change", "shown"),
    [("0.2500", f"{LRI}+۲۵٪{PDI}"), ("-0.1000", f"{LRI}−۱۰٪{PDI}"), ("0", "۰٪"), (None, "—")],
)
def test_year_over_year_changes(change, shown):
    assert tags.change_pct(change) == shown


def test_codes_keep_their_dots():
    with translation.override("fa"):
        assert fa_code("1.1") == "۱.۱"
        assert fa_code("B-100") == "B-۱۰۰"
        assert fa_code(None) == ""
    with translation.override("en"):
        assert fa_code("1.1") == "1.1"


def test_figures_and_progress():
    assert tags.figure_pct("0.9600") == "۹۶٪"
    assert tags.figure_pct(None) == "نامعلوم"
    assert tags.progress_pct("45.50") == "۴۶٪"
    assert tags.project_status("cancelled") == "لغوشده"
    assert tags.source_label("loan") == "تسهیلات و وام"


def test_gap_flag_in_words_names_the_figures_and_the_threshold():
    row = {"spent": "0.9600", "physical": "0.5000", "realisation": "0.3000"}
    assert tags.flag_text("money_ahead_of_results", row) == (
        "پول جلوتر از نتیجه: ۹۶٪ اعتبار هزینه شده ولی تحقق شاخص‌ها ۳۰٪ است (کمتر از ۶۰٪)."
    )
    assert "پیشرفت فیزیکی ۵۰٪" in tags.flag_text("money_ahead_of_work", row)


def test_the_three_bars_are_readable_on_a_phone():
    row = {"spent": "0.9600", "physical": None, "realisation": "1.2000"}
    svg = str(tags.three_figures(row, "هدف <یک>"))
    assert "viewBox" not in svg  # text is never scaled down with the chart
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes
    assert min(sizes) >= 12
    assert "پول هزینه‌شده" in svg
    assert "۹۶٪" in svg
    assert "نامعلوم" in svg  # unknown physical progress: no bar, the word
    assert svg.count('fill="#1f5c99"') == 0
    assert "۱۲۰٪" in svg
    assert 'width="100.00%"' in svg
    assert "هدف &lt;یک&gt;" in svg  # escaped
    assert 'direction="rtl"' in svg
    assert svg.count("stroke-dasharray") == 3  # the rule's thresholds on each bar


def test_bars_grow_from_the_reading_start():
    rows = [{"label": "a", "value": 0.25, "text": "25%", "colour": "#000"}]
    assert '<rect x="75.00%" y="24" width="25.00%"' in figure_bars_svg(rows, title="t")
    assert '<rect x="0" y="24" width="25.00%"' in figure_bars_svg(rows, title="t", rtl=False)
