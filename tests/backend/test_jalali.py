import datetime
import zoneinfo

import jdatetime
import pytest

from backend.jalali import (
    INVALID_DATE_MESSAGE,
    jalali_date_str,
    jalali_datetime_str,
    jalali_long,
    jalali_year_bounds,
    parse_date,
    to_jalali,
)

UTC = datetime.UTC
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
NOWRUZ_1404 = datetime.date(2025, 3, 21)


@pytest.fixture(autouse=True)
def _tehran_time_zone(settings):
    # Pin the zone so these tests do not depend on the project's settings value.
    settings.USE_TZ = True
    settings.TIME_ZONE = "Asia/Tehran"


# --- to_jalali ------------------------------------------------------------------


def test_nowruz_1404():
    j = to_jalali(NOWRUZ_1404)
    assert isinstance(j, jdatetime.date)
    assert not isinstance(j, jdatetime.datetime)
    assert (j.year, j.month, j.day) == (1404, 1, 1)


def test_last_day_of_leap_year_1403():
    j = to_jalali(datetime.date(2025, 3, 20))
    assert (j.year, j.month, j.day) == (1403, 12, 30)


def test_none_stays_none():
    assert to_jalali(None) is None


def test_naive_datetime_is_taken_as_local():
    j = to_jalali(datetime.datetime(2025, 3, 25, 14, 30))
    assert isinstance(j, jdatetime.datetime)
    assert (j.year, j.month, j.day, j.hour, j.minute) == (1404, 1, 5, 14, 30)


def test_aware_datetime_is_moved_to_tehran():
    # 22:00 UTC on 20 March is 01:30 on 21 March in Tehran: already the new year.
    j = to_jalali(datetime.datetime(2025, 3, 20, 22, 0, tzinfo=UTC))
    assert (j.year, j.month, j.day, j.hour, j.minute) == (1404, 1, 1, 1, 30)


def test_aware_datetime_follows_the_active_time_zone(settings):
    from django.utils import timezone

    moment = datetime.datetime(2025, 3, 20, 22, 0, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        j = to_jalali(moment)
    assert (j.month, j.day, j.hour) == (12, 30, 22)


def test_jalali_input_passes_through():
    j = jdatetime.date(1404, 1, 5)
    assert to_jalali(j) is j


@pytest.mark.parametrize("value", ["2025-03-25", 20250325, 1.5, [2025, 3, 25], object()])
def test_to_jalali_refuses_other_types(value):
    with pytest.raises(TypeError):
        to_jalali(value)


# --- string forms -----------------------------------------------------------------


def test_jalali_date_str_pads_with_latin_digits():
    assert jalali_date_str(datetime.date(2025, 3, 25)) == "1404/01/05"


def test_jalali_date_str_of_datetime_drops_time():
    assert jalali_date_str(datetime.datetime(2025, 3, 25, 14, 30)) == "1404/01/05"


def test_jalali_date_str_none():
    assert jalali_date_str(None) == ""


def test_jalali_datetime_str():
    moment = datetime.datetime(2025, 3, 25, 11, 0, tzinfo=UTC)  # 14:30 in Tehran
    assert jalali_datetime_str(moment) == "1404/01/05 14:30"


def test_jalali_datetime_str_pads_time():
    assert jalali_datetime_str(datetime.datetime(2025, 3, 25, 9, 5)) == "1404/01/05 09:05"


def test_jalali_datetime_str_of_plain_date_has_no_time():
    assert jalali_datetime_str(datetime.date(2025, 3, 25)) == "1404/01/05"


def test_jalali_datetime_str_none():
    assert jalali_datetime_str(None) == ""


def test_jalali_long_date():
    assert jalali_long(datetime.date(2025, 3, 25)) == "۵ فروردین ۱۴۰۴"


def test_jalali_long_datetime():
    moment = datetime.datetime(2025, 3, 25, 14, 30, tzinfo=TEHRAN)
    assert jalali_long(moment) == "۵ فروردین ۱۴۰۴، ساعت ۱۴:۳۰"


@pytest.mark.parametrize(
    ("gregorian", "expected"),
    [
        (datetime.date(2025, 4, 21), "۱ اردیبهشت ۱۴۰۴"),
        (datetime.date(2025, 12, 22), "۱ دی ۱۴۰۴"),
        (datetime.date(2026, 3, 20), "۲۹ اسفند ۱۴۰۴"),
    ],
)
def test_jalali_long_month_names(gregorian, expected):
    assert jalali_long(gregorian) == expected


def test_jalali_long_none():
    assert jalali_long(None) == ""


def test_string_helpers_do_not_touch_input():
    moment = datetime.datetime(2025, 3, 25, 11, 0, tzinfo=UTC)
    before = moment.replace()
    jalali_date_str(moment)
    jalali_datetime_str(moment)
    jalali_long(moment)
    assert moment == before
    assert moment.tzinfo is UTC


# --- parse_date ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1404/01/05",
        "1404-1-5",
        "1404/1/05",
        "۱۴۰۴/۰۱/۰۵",
        "١٤٠٤/٠١/٠٥",
        "۱۴۰۴-01-٠٥",  # mixed digit kinds
        "  1404/01/05 \t",
        "\u00a01404/01/05\u00a0",
        "\u200f۱۴۰۴/۰۱/۰۵\u200e",  # bidi marks from copy-paste
        "2025-03-25",
        "2025/03/25",
        " 2025-3-25 ",
    ],
)
def test_parse_date_accepts(text):
    assert parse_date(text) == datetime.date(2025, 3, 25)


def test_parse_date_nowruz():
    assert parse_date("1404/01/01") == NOWRUZ_1404


def test_parse_date_leap_esfand_30():
    assert parse_date("1403/12/30") == datetime.date(2025, 3, 20)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1404/13/01",  # no 13th month
        "1404/00/10",
        "1404/01/00",
        "1404/12/30",  # 1404 is not a leap year
        "1404/12/31",
        "1404/07/31",  # second half-year months have 30 days
        "2025-02-30",
        "2025-13-01",
        "2023-02-29",
        "0000/01/01",
        "۱۴۰۴/۱۳/۰۱",
        "فردا",
        "پنجم فروردین",
        "1404/01/05 14:30",
        "1404/01/05x",
        "1404.01.05",
        "1404/01-05",  # mixed separators
        "1404//01/05",
        "05/01/1404",  # day-first
        "404/01/05",
        "14040/01/05",
        "1404/001/05",
        "25-03-2025",
        "2025-03-25T10:00:00",
        "1404 01 05",
        "۱۴۰۴/ ۰۱/۰۵",
        "1404/01/05/1",
        "abcd/ef/gh",
        "１４０４/０１/０５",  # fullwidth digits are not a form anyone types here
    ],
)
def test_parse_date_refuses(text):
    with pytest.raises(ValueError, match=".") as excinfo:
        parse_date(text)
    assert str(excinfo.value) == INVALID_DATE_MESSAGE


@pytest.mark.parametrize("value", [None, 14040105, datetime.date(2025, 3, 25), b"1404/01/05"])
def test_parse_date_refuses_non_text(value):
    with pytest.raises(ValueError, match="تاریخ نامعتبر است"):
        parse_date(value)


def test_parse_date_message_is_persian():
    assert "تاریخ نامعتبر است" in INVALID_DATE_MESSAGE


def test_parse_date_round_trips_with_jalali_date_str():
    day = datetime.date(2025, 9, 23)
    assert parse_date(jalali_date_str(day)) == day


# --- year bounds -------------------------------------------------------------------------


def test_year_bounds_1403_leap():
    assert jalali_year_bounds(1403) == (datetime.date(2024, 3, 20), datetime.date(2025, 3, 20))


def test_year_bounds_1404():
    first, last = jalali_year_bounds(1404)
    assert first == NOWRUZ_1404
    assert last == datetime.date(2026, 3, 20)
    assert (last - first).days + 1 == 365


def test_year_bounds_are_contiguous():
    assert jalali_year_bounds(1404)[0] - jalali_year_bounds(1403)[1] == datetime.timedelta(1)


@pytest.mark.parametrize("year", [0, -1])
def test_year_bounds_refuses_impossible_year(year):
    with pytest.raises(ValueError, match="."):
        jalali_year_bounds(year)


def test_works_without_django_settings():
    # Pure scripts (imports, data tools) use the module before settings exist.
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import datetime\n"
        "from backend.jalali import jalali_datetime_str, parse_date\n"
        "moment = datetime.datetime(2025, 3, 25, 11, 0, tzinfo=datetime.UTC)\n"
        "print(jalali_datetime_str(moment), parse_date('۱۴۰۴/۰۱/۰۱'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "1404/01/05 14:30 2025-03-21"
