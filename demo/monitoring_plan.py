"""Monitoring data for Arak's second plan (1404–1408): indicators, baselines, targets,
measurements and snapshots. Plain Python data, no models; written for this project from the
facts in DOMAIN.md, every sentence is invented demo text.

Conventions the loader can rely on:

- Periods: ``period`` is the month (1–12) for monthly indicators, the quarter (1–4) for
  quarterly ones and always 1 for yearly ones, inside a Jalali ``year``.
- Targets and baselines are stated in the indicator's own yearly aggregate: for ``sum`` the
  year's total, for ``mean`` the year's average, for ``last`` the value at the year's end.
  The baseline is 1403's figure, dated 1403/12.
- Values are decimal strings; a missing value is an absent record, never ``"0"``.
- Computed indicators (``kind == "computed"``) have no measurements: the app computes them
  from ``val(...)`` references and, for those that use ``input(...)``, from the raw inputs in
  `input_entries()` (one record per indicator and period, entered like a measurement).
- Dates are Jalali ``(year, month, day)`` tuples. The demo's "today" is `TODAY`
  (2026-12-01 is 1405/09/10); the last closed month is `LAST_CLOSED`.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

TODAY = (1405, 9, 10)
LAST_CLOSED = (1405, 8)
PLAN_YEARS = (1404, 1405, 1406, 1407, 1408)
HORIZON_YEAR = 1408
MEASURED_YEARS = (1404, 1405)
BASELINE_YEAR, BASELINE_MONTH = 1403, 12

PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "yearly": 1}

_TRANSPORT = "معاونت حمل‌ونقل و ترافیک"
_ENVIRONMENT = "معاونت خدمات شهری و محیط زیست"
_PLANNING = "معاونت برنامه‌ریزی و توسعه‌ی شهرداری"
_RENEWAL = "ستاد بازآفرینی شهری اراک"
_URBANISM = "معاونت شهرسازی و معماری"
_DOE = "اداره‌ی کل حفاظت محیط زیست استان مرکزی"
_WASTE = "سازمان مدیریت پسماند شهرداری اراک"
_GREEN = "سازمان سیما، منظر و فضای سبز شهری اراک"
_POPULATION_SOURCE = "برآورد جمعیت مرکز آمار ایران"

INDICATORS = [
    {
        "code": "bus_ridership",
        "title": "سفرهای روزانه با اتوبوس شهری",
        "unit": "هزار سفر در روز",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": "سازمان مدیریت حمل‌ونقل بار و مسافر شهرداری اراک",
        "owner_unit": _TRANSPORT,
        "definition": (
            "میانگین سفرهای ثبت‌شده با کارت یا کد پرداخت در همه‌ی خط‌های اتوبوس شهری در "
            "روزهای کاری ماه، به هزار سفر. سفرهای رایگان دانش‌آموزی با شمارشگر درها افزوده "
            "می‌شوند."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("1.1", "1"), ("1.1.2", "0.5")],
    },
    {
        "code": "commute_time_peak",
        "title": "میانگین زمان سفر در ساعت اوج صبح",
        "unit": "دقیقه",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": "مرکز کنترل ترافیک شهرداری اراک",
        "owner_unit": _TRANSPORT,
        "definition": (
            "میانگین زمان پیمودن ده مسیر نمونه‌ی خانه تا محل کار میان ساعت ۷ تا ۹ صبح روزهای "
            "کاری، از داده‌ی دوربین‌های پلاک‌خوان در دو سر هر مسیر."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("1", "1"), ("1.1.1", "0.5"), ("1.2", "0.5")],
    },
    {
        "code": "bus_lane_km",
        "title": "طول خط ویژه‌ی اتوبوس در حال بهره‌برداری",
        "unit": "کیلومتر",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "last",
        "source": "معاونت فنی و عمرانی شهرداری اراک",
        "owner_unit": "سازمان مدیریت حمل‌ونقل بار و مسافر شهرداری اراک",
        "definition": (
            "مجموع طول خط‌های ویژه‌ی اتوبوس با جداکننده یا خط‌کشی رسمی که در پایان فصل "
            "بهره‌برداری می‌شوند؛ هر جهت بلوار جدا شمرده می‌شود."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("1.1.1", "1"), ("1.1.1.1", "1")],
    },
    {
        "code": "road_injury_accidents",
        "title": "تصادف‌های جرحی و فوتی درون‌شهری",
        "unit": "مورد",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "sum",
        "source": "پلیس راهنمایی و رانندگی استان مرکزی",
        "owner_unit": _TRANSPORT,
        "definition": (
            "شمار تصادف‌های درون محدوده‌ی شهر که دست‌کم یک مجروح یا جان‌باخته داشته‌اند، بر "
            "پایه‌ی گزارش‌های پلیس راهور. تصادف‌هایی که فقط خسارت مالی داشته‌اند شمرده نمی‌شوند."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("1.2", "1"), ("1.2.1", "1")],
    },
    {
        "code": "accident_rate_per_100k",
        "title": "نرخ تصادف‌های جرحی و فوتی به نسبت جمعیت",
        "unit": "مورد در هر صد هزار نفر",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "sum",
        "source": "محاسبه از آمار پلیس راهور و " + _POPULATION_SOURCE,
        "owner_unit": _PLANNING,
        "definition": (
            "تصادف‌های جرحی و فوتی دوره تقسیم بر جمعیت برآوردی شهر و ضرب در صد هزار، تا "
            "سال‌ها با وجود رشد جمعیت با هم مقایسه‌پذیر باشند."
        ),
        "kind": "computed",
        "formula": 'round(val("road_injury_accidents") * 100000 / input("population"), 1)',
        "inputs": ["population"],
        "links": [("1", "0.5"), ("1.2", "0.5")],
    },
    {
        "code": "pm25_days_over_standard",
        "title": "روزهای با PM2.5 بالاتر از حد مجاز",
        "unit": "روز",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "sum",
        "source": _DOE,
        "owner_unit": _ENVIRONMENT,
        "definition": (
            "شمار روزهایی که میانگین ۲۴ ساعته‌ی ذرات معلق کوچک‌تر از ۲٫۵ میکرون در دست‌کم "
            "نیمی از ایستگاه‌های سنجش شهر از حد مجاز روزانه‌ی ملی بیشتر بوده است."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("7", "1"), ("7.1", "1")],
    },
    {
        "code": "pm25_mean",
        "title": "میانگین غلظت PM2.5 هوای شهر",
        "unit": "میکروگرم بر مترمکعب",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": _DOE,
        "owner_unit": _ENVIRONMENT,
        "definition": (
            "میانگین ماهانه‌ی غلظت PM2.5 در ایستگاه‌های سنجش شهری که دست‌کم سه‌چهارم "
            "ساعت‌های ماه داده‌ی معتبر داشته‌اند."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("7.1", "1"), ("7.1.1.1", "0.5")],
    },
    {
        "code": "green_space_area",
        "title": "مساحت فضای سبز عمومی شهر",
        "unit": "هکتار",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "last",
        "source": _GREEN,
        "owner_unit": _GREEN,
        "definition": (
            "مجموع مساحت بوستان‌ها، فضای سبز بلوارها و کمربند سبز درون محدوده‌ی شهر که "
            "آبیاری و نگهداری آن با شهرداری است، در پایان فصل."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("7.2", "1"), ("6.1", "0.5")],
    },
    {
        "code": "green_space_per_capita",
        "title": "سرانه‌ی فضای سبز عمومی",
        "unit": "مترمربع به ازای هر نفر",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "last",
        "source": "محاسبه از داده‌ی فضای سبز و " + _POPULATION_SOURCE,
        "owner_unit": _GREEN,
        "definition": (
            "مساحت فضای سبز عمومی به مترمربع تقسیم بر جمعیت برآوردی شهر در پایان همان فصل."
        ),
        "kind": "computed",
        "formula": 'round(val("green_space_area") * 10000 / input("population"), 2)',
        "inputs": ["population"],
        "links": [("6", "1"), ("6.1", "1")],
    },
    {
        "code": "waste_collected_tons",
        "title": "پسماند عادی جمع‌آوری‌شده",
        "unit": "تن",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "sum",
        "source": _WASTE,
        "owner_unit": _WASTE,
        "definition": (
            "وزن پسماند خانگی و تجاری که خودروهای شهرداری در ماه جمع کرده و در ورودی "
            "ایستگاه انتقال یا محل دفن توزین شده است."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("7", "0.25")],
    },
    {
        "code": "waste_recycled_tons",
        "title": "پسماند تفکیک‌شده و تحویل‌شده برای بازیافت",
        "unit": "تن",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "sum",
        "source": _WASTE,
        "owner_unit": _WASTE,
        "definition": (
            "وزن پسماند خشکی که از مبدأ تفکیک یا در خط پردازش جدا شده و با قبض باسکول به "
            "واحدهای بازیافت تحویل شده است."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("7", "0.5")],
    },
    {
        "code": "recycling_share",
        "title": "سهم بازیافت از پسماند جمع‌آوری‌شده",
        "unit": "درصد",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": "محاسبه از داده‌ی " + _WASTE,
        "owner_unit": _WASTE,
        "definition": (
            "نسبت پسماند تحویل‌شده برای بازیافت به کل پسماند جمع‌آوری‌شده‌ی همان ماه، به درصد."
        ),
        "kind": "computed",
        "formula": 'round(100 * val("waste_recycled_tons") / val("waste_collected_tons"), 1)',
        "inputs": [],
        "links": [("7", "1")],
    },
    {
        "code": "environment_score",
        "title": "امتیاز ترکیبی محیط زیست شهری",
        "unit": "امتیاز از ۱۰۰",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": "محاسبه از شاخص‌های بازیافت و کیفیت هوا",
        "owner_unit": _ENVIRONMENT,
        "definition": (
            "نیمی از امتیاز از نزدیک شدن سهم بازیافت به ۲۵ درصد و نیم دیگر از پایین آمدن "
            "میانگین PM2.5 از ۶۰ به سوی ۱۲ میکروگرم بر مترمکعب به دست می‌آید؛ هر نیمه "
            "حداکثر ۵۰ امتیاز دارد."
        ),
        "kind": "computed",
        "formula": (
            'round(50 * min(val("recycling_share") / 25, 1)'
            ' + 50 * min(max((60 - val("pm25_mean")) / 48, 0), 1), 1)'
        ),
        "inputs": [],
        "links": [("7", "0.5")],
    },
    {
        "code": "e_services",
        "title": "سهم خدمات شهری انجام‌شده به‌صورت برخط",
        "unit": "درصد",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": "سازمان فناوری اطلاعات و ارتباطات شهرداری اراک",
        "owner_unit": "سازمان فناوری اطلاعات و ارتباطات شهرداری اراک",
        "definition": (
            "از همه‌ی درخواست‌های ماه برای ده خدمت پرمراجعه‌ی شهرداری، درصدی که بی‌مراجعه‌ی "
            "حضوری از درگاه یا برنامه‌ی تلفن همراه آغاز و تا پایان انجام شده است."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("4", "1"), ("4.1", "1"), ("4.1.1.1", "0.5")],
    },
    {
        "code": "permit_processing_days",
        "title": "میانگین زمان صدور پروانه‌ی ساختمانی",
        "unit": "روز",
        "direction": "lower",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": _URBANISM,
        "owner_unit": _URBANISM,
        "definition": (
            "میانگین روزهای کاری از تکمیل پرونده تا صدور پروانه، برای پروانه‌های صادرشده در "
            "ماه. روزهایی که پرونده در انتظار مدارک مالک مانده کسر می‌شود."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("4.1.1", "1"), ("2.1.1.1", "0.5")],
    },
    {
        "code": "complaints_on_time_share",
        "title": "شکایت‌های شهروندان که در مهلت مقرر پاسخ گرفته‌اند",
        "unit": "درصد",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "mean",
        "source": "سامانه‌ی ارتباط مردمی ۱۳۷ شهرداری اراک",
        "owner_unit": "اداره‌ی ارتباطات مردمی شهرداری اراک",
        "definition": (
            "از شکایت‌ها و گزارش‌هایی که در ماه در سامانه‌ی ۱۳۷ ثبت شده‌اند، درصدی که در مهلت "
            "اعلام‌شده برای نوع خود پاسخ نهایی گرفته‌اند. ماهی که شکایتی ثبت نشود ۱۰۰ درصد "
            "شمرده می‌شود."
        ),
        "kind": "computed",
        "formula": (
            'if(input("received") > 0,'
            ' round(100 * input("resolved_on_time") / input("received"), 1), 100)'
        ),
        "inputs": ["received", "resolved_on_time"],
        "links": [("4", "0.5"), ("4.1.1", "1")],
    },
    {
        "code": "budget_participation",
        "title": "شهروندان شرکت‌کننده در بودجه‌ریزی مشارکتی",
        "unit": "نفر",
        "direction": "higher",
        "periodicity": "yearly",
        "aggregation": "sum",
        "source": _PLANNING,
        "owner_unit": "اداره‌ی مشارکت‌های مردمی شهرداری اراک",
        "definition": (
            "شمار شهروندان یکتا، با شماره‌ی همراه تأییدشده، که در سال در رأی‌گیری یا جلسه‌های "
            "محله‌ای بودجه‌ی مشارکتی شرکت کرده‌اند."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("4.2", "1"), ("4", "0.5")],
    },
    {
        "code": "old_fabric_renovations",
        "title": "واحدهای مسکونی نوسازی‌شده در بافت فرسوده",
        "unit": "واحد مسکونی",
        "direction": "higher",
        "periodicity": "monthly",
        "aggregation": "sum",
        "source": _URBANISM,
        "owner_unit": _RENEWAL,
        "definition": (
            "شمار واحدهای مسکونی درون محدوده‌ی مصوب بافت فرسوده که در ماه گواهی پایان کار گرفته‌اند."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("2", "1"), ("2.1", "1")],
    },
    {
        "code": "plots_merged",
        "title": "پلاک‌های ریزدانه‌ی تجمیع‌شده",
        "unit": "پلاک",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "sum",
        "source": "دفترهای تسهیل‌گری نوسازی محله",
        "owner_unit": _RENEWAL,
        "definition": (
            "شمار پلاک‌های کوچک‌تر از صد مترمربع در بافت فرسوده که در فصل با سند تجمیع زیر یک "
            "پروانه‌ی ساخت یکپارچه رفته‌اند."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("2.1.1", "1"), ("2.1.1.1", "0.5")],
    },
    {
        "code": "bazaar_active_shops",
        "title": "سهم حجره‌های فعال بازار تاریخی",
        "unit": "درصد",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "last",
        "source": "شهرداری منطقه‌ی ۱ اراک",
        "owner_unit": _RENEWAL,
        "definition": (
            "نسبت حجره‌های باز با کسب فعال به همه‌ی حجره‌های بازار و راسته‌های پیرامون آن، بر "
            "پایه‌ی سرشماری میدانی در هفته‌ی پایانی فصل."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("2.2", "1"), ("2.2.1", "0.5")],
    },
    {
        "code": "flood_prone_points",
        "title": "نقاط آب‌گرفتگی معابر که هنوز رفع نشده‌اند",
        "unit": "نقطه",
        "direction": "lower",
        "periodicity": "quarterly",
        "aggregation": "last",
        "source": "معاونت فنی و عمرانی شهرداری اراک",
        "owner_unit": "سازمان عمران شهرداری اراک",
        "definition": (
            "شمار نقطه‌هایی از فهرست مصوب آب‌گرفتگی معابر که تا پایان فصل با اصلاح شیب، "
            "آبرو یا کانال رفع نشده‌اند. نقطه‌ی تازه‌ی شناسایی‌شده به فهرست افزوده می‌شود."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("2", "0.5"), ("2.1", "0.5")],
    },
    {
        "code": "culture_houses_active",
        "title": "خانه‌های فرهنگ محله‌ی فعال",
        "unit": "باب",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "last",
        "source": "سازمان فرهنگی، اجتماعی و ورزشی شهرداری اراک",
        "owner_unit": "سازمان فرهنگی، اجتماعی و ورزشی شهرداری اراک",
        "definition": (
            "شمار خانه‌های فرهنگ که در فصل دست‌کم هشت برنامه‌ی همگانی داشته‌اند و اداره‌ی "
            "روزانه‌شان با شورای محله یا یک سمن محلی است."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("3.1", "1"), ("3.1.1.1", "1"), ("3", "0.5")],
    },
    {
        "code": "sustainable_revenue_share",
        "title": "سهم درآمدهای پایدار در درآمد شهرداری",
        "unit": "درصد",
        "direction": "higher",
        "periodicity": "quarterly",
        "aggregation": "mean",
        "source": "معاونت مالی و اقتصادی شهرداری اراک",
        "owner_unit": "معاونت مالی و اقتصادی شهرداری اراک",
        "definition": (
            "نسبت درآمدهای پایدار، یعنی عوارض نوسازی و کسب، بهای خدمات و درآمد دارایی‌ها، به "
            "کل درآمد وصول‌شده در فصل. فروش تراکم و تغییر کاربری پایدار شمرده نمی‌شود."
        ),
        "kind": "measured",
        "formula": "",
        "inputs": [],
        "links": [("5", "1"), ("5.1", "1"), ("5.1.1", "0.5")],
    },
]

INDICATOR_CODES = [indicator["code"] for indicator in INDICATORS]
BY_CODE = {indicator["code"]: indicator for indicator in INDICATORS}

# code → (value, Jalali year, month): 1403's figure, in the indicator's yearly aggregate.
BASELINES = {
    "bus_ridership": ("118", BASELINE_YEAR, BASELINE_MONTH),
    "commute_time_peak": ("34", BASELINE_YEAR, BASELINE_MONTH),
    "bus_lane_km": ("6", BASELINE_YEAR, BASELINE_MONTH),
    "road_injury_accidents": ("2350", BASELINE_YEAR, BASELINE_MONTH),
    "accident_rate_per_100k": ("391.7", BASELINE_YEAR, BASELINE_MONTH),
    "pm25_days_over_standard": ("96", BASELINE_YEAR, BASELINE_MONTH),
    "pm25_mean": ("38", BASELINE_YEAR, BASELINE_MONTH),
    "green_space_area": ("690", BASELINE_YEAR, BASELINE_MONTH),
    "green_space_per_capita": ("11.50", BASELINE_YEAR, BASELINE_MONTH),
    "waste_collected_tons": ("219000", BASELINE_YEAR, BASELINE_MONTH),
    "waste_recycled_tons": ("24000", BASELINE_YEAR, BASELINE_MONTH),
    "recycling_share": ("11.0", BASELINE_YEAR, BASELINE_MONTH),
    "environment_score": ("44.9", BASELINE_YEAR, BASELINE_MONTH),
    "e_services": ("31", BASELINE_YEAR, BASELINE_MONTH),
    "permit_processing_days": ("48", BASELINE_YEAR, BASELINE_MONTH),
    "complaints_on_time_share": ("62", BASELINE_YEAR, BASELINE_MONTH),
    "budget_participation": ("3200", BASELINE_YEAR, BASELINE_MONTH),
    "old_fabric_renovations": ("410", BASELINE_YEAR, BASELINE_MONTH),
    "plots_merged": ("36", BASELINE_YEAR, BASELINE_MONTH),
    "bazaar_active_shops": ("71", BASELINE_YEAR, BASELINE_MONTH),
    "flood_prone_points": ("64", BASELINE_YEAR, BASELINE_MONTH),
    "culture_houses_active": ("4", BASELINE_YEAR, BASELINE_MONTH),
    "sustainable_revenue_share": ("38", BASELINE_YEAR, BASELINE_MONTH),
}


def _years(*values: str) -> dict[int, str]:
    return dict(zip(PLAN_YEARS, values, strict=True))


# code → {Jalali year: target}; the 1408 value is the horizon target (see HORIZON).
TARGETS = {
    "bus_ridership": _years("128", "140", "155", "170", "185"),
    "commute_time_peak": _years("33", "31.5", "30", "28.5", "27"),
    "bus_lane_km": _years("9", "14", "20", "26", "32"),
    "road_injury_accidents": _years("2250", "2150", "2050", "1950", "1850"),
    "accident_rate_per_100k": _years("372.5", "353.6", "335.0", "316.6", "298.4"),
    "pm25_days_over_standard": _years("90", "82", "74", "66", "58"),
    "pm25_mean": _years("36", "34", "32", "30", "28"),
    "green_space_area": _years("715", "745", "780", "815", "850"),
    "green_space_per_capita": _years("11.84", "12.25", "12.75", "13.23", "13.71"),
    "waste_collected_tons": _years("217000", "214000", "211000", "208000", "205000"),
    "waste_recycled_tons": _years("28000", "33000", "39000", "45000", "51000"),
    "recycling_share": _years("12.9", "15.4", "18.5", "21.6", "24.9"),
    "environment_score": _years("50.8", "57.9", "66.2", "74.5", "83.1"),
    "e_services": _years("42", "55", "65", "75", "85"),
    "permit_processing_days": _years("42", "35", "30", "25", "20"),
    "complaints_on_time_share": _years("68", "74", "80", "85", "90"),
    "budget_participation": _years("6000", "9000", "12000", "15000", "18000"),
    "old_fabric_renovations": _years("460", "520", "600", "680", "760"),
    "plots_merged": _years("48", "60", "72", "84", "96"),
    "bazaar_active_shops": _years("73", "76", "79", "82", "85"),
    "flood_prone_points": _years("56", "47", "38", "28", "18"),
    # Ten houses are planned for the poorer districts; the last year only keeps them running.
    "culture_houses_active": _years("6", "8", "10", "12", "12"),
    "sustainable_revenue_share": _years("41", "44", "48", "52", "56"),
}

HORIZON = {code: years[HORIZON_YEAR] for code, years in TARGETS.items()}

# A plan item dropped from the plan: its indicators' links drop out of the roll-up.
CANCELLED_ITEMS = {
    "2.2.1": (
        "کسبه‌ی راسته‌ها راهی برای بارگیری روزانه‌ی کالا در طرح نیافتند و شورای شهر اجرای "
        "پیاده‌راه را کنار گذاشت؛ بهسازی دسترسی بازار در بند ۲.۲ دنبال می‌شود."
    ),
}

# Indicators whose owners have not reported the last two periods up to LAST_CLOSED.
OVERDUE = ("road_injury_accidents", "permit_processing_days", "plots_merged")

# The indicator whose latest value already beats its 1405 target.
OVER_ACHIEVER = "e_services"

# Measurements of the last closed month still waiting for verification.
SUBMITTED_LATEST = ("bus_ridership", "waste_recycled_tons", "pm25_mean")

# The one measurement corrected after it was verified (and after the 1404 snapshot).
CORRECTION = {
    "code": "pm25_days_over_standard",
    "year": 1404,
    "period": 11,
    "value": "17",
    "reason": (
        "ایستگاه سنجش شهرک صنعتی در سه روز بهمن به سبب قطعی ارتباط داده نفرستاده بود؛ "
        "داده‌ی ذخیره‌شده در خود دستگاه بازخوانی و آن سه روز آلوده به شمار افزوده شد."
    ),
    "corrected_on": (1405, 2, 14),
}

# The periods whose plan figures are frozen, with the day each was frozen.
SNAPSHOTS = [
    {
        "key": "1404",
        "title": "پایان سال ۱۴۰۴",
        "year": 1404,
        "month": 12,
        "taken_on": (1405, 1, 26),
    },
    {
        "key": "1405-H1",
        "title": "پایان نیمه‌ی نخست ۱۴۰۵",
        "year": 1405,
        "month": 6,
        "taken_on": (1405, 7, 20),
    },
]

# Notes a reporter typed with a measurement: (code, year, period) → note.
NOTES = {
    ("bus_ridership", 1404, 1): "سفرها در تعطیلات نوروز و پیش از بازگشایی مدرسه‌ها کم بود.",
    ("bus_ridership", 1405, 1): "سفرها در تعطیلات نوروز کم بود.",
    ("e_services", 1405, 3): "پنجره‌ی واحد خدمات شهری در این ماه راه افتاد.",
    ("e_services", 1405, 8): "پرداخت همه‌ی عوارض نوسازی اکنون برخط است.",
    ("pm25_days_over_standard", 1404, 9): "وارونگی دمای هوا در بیشتر روزهای ماه.",
    ("bus_lane_km", 1405, 2): "خط ویژه‌ی بخش نخست محور شمال–جنوب بهره‌برداری شد.",
    ("old_fabric_renovations", 1404, 1): "کارگاه‌ها در نیمه‌ی نخست ماه تعطیل بودند.",
}

# How the demo's values move: (pace in 1404, pace in 1405, relative jitter, decimals, season).
# A pace of 1 closes the year's gap to the target exactly, below 1 lags, above 1 overshoots.
_SERIES = {
    "bus_ridership": (0.8, 0.4, 0.015, 1, "school"),
    "commute_time_peak": (0.8, 0.5, 0.015, 1, "school"),
    "bus_lane_km": (0.67, 0.5, 0.0, 1, "flat"),
    "road_injury_accidents": (1.1, 0.6, 0.06, 0, "accidents"),
    "pm25_days_over_standard": (0.5, 0.7, 0.1, 0, "dust_days"),
    "pm25_mean": (0.6, 0.5, 0.03, 1, "winter_air"),
    "green_space_area": (0.8, 0.6, 0.0, 1, "flat"),
    "waste_collected_tons": (0.5, 0.4, 0.03, 0, "waste"),
    "waste_recycled_tons": (0.7, 0.6, 0.05, 0, "waste"),
    "e_services": (1.1, 1.9, 0.015, 1, "flat"),
    "permit_processing_days": (0.6, 0.5, 0.04, 1, "flat"),
    "budget_participation": (0.75, 0.75, 0.0, 0, "flat"),
    "old_fabric_renovations": (0.9, 0.7, 0.12, 0, "building"),
    "plots_merged": (0.75, 0.5, 0.15, 0, "flat"),
    "bazaar_active_shops": (0.9, 0.5, 0.005, 1, "flat"),
    "flood_prone_points": (1.0, 0.7, 0.0, 0, "flat"),
    "culture_houses_active": (1.0, 0.5, 0.0, 0, "flat"),
    "sustainable_revenue_share": (0.7, 0.6, 0.03, 1, "flat"),
}

# Month weights, Farvardin to Esfand.
_SEASONS = {
    "flat": (1,) * 12,
    "school": (0.98, 1.0, 1.0, 0.98, 0.97, 0.99, 1.02, 1.02, 1.02, 1.01, 1.01, 0.99),
    "accidents": (1.25, 1.0, 0.95, 1.0, 1.0, 0.95, 0.95, 0.95, 1.0, 1.05, 1.0, 0.95),
    "dust_days": (4, 3, 4, 5, 4, 3, 5, 10, 16, 18, 14, 10),
    "winter_air": (0.8, 0.85, 0.9, 0.95, 0.9, 0.85, 0.95, 1.15, 1.3, 1.35, 1.2, 1.0),
    "waste": (1.1, 1.0, 1.0, 1.05, 1.05, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 1.05),
    "building": (0.6, 0.9, 1.1, 1.2, 1.2, 1.2, 1.1, 1.0, 0.9, 0.8, 0.9, 1.1),
}


def period_months(periodicity: str, period: int) -> range:
    """The months (1–12) a period covers."""
    size = 12 // PERIODS_PER_YEAR[periodicity]
    return range((period - 1) * size + 1, period * size + 1)


def period_end_month(periodicity: str, period: int) -> int:
    return period_months(periodicity, period)[-1]


def closed_periods(periodicity: str, until: tuple[int, int] = LAST_CLOSED) -> list[tuple[int, int]]:
    """(year, period) of every measured year's period that has ended by ``until``."""
    return [
        (year, period)
        for year in MEASURED_YEARS
        for period in range(1, PERIODS_PER_YEAR[periodicity] + 1)
        if (year, period_end_month(periodicity, period)) <= until
    ]


def _year_ends(code: str) -> dict[int, float]:
    """The demo's actual yearly aggregate: baseline for 1403, then each year's pace."""
    pace = dict(zip(MEASURED_YEARS, _SERIES[code][:2], strict=True))
    ends = {BASELINE_YEAR: float(BASELINES[code][0])}
    for year in MEASURED_YEARS:
        start = ends[year - 1]
        ends[year] = start + (float(TARGETS[code][year]) - start) * pace[year]
    return ends


def _planned(code: str, year: int, period: int) -> float:
    """The demo value of a period before jitter, following the season."""
    periodicity = BY_CODE[code]["periodicity"]
    weights = _SEASONS[_SERIES[code][4]]
    months = period_months(periodicity, period)
    ends = _year_ends(code)
    if BY_CODE[code]["aggregation"] == "sum":
        share = sum(weights[m - 1] for m in months) / sum(weights)
        return ends[year] * share
    fraction = months[-1] / 12
    level = ends[year - 1] + (ends[year] - ends[year - 1]) * fraction
    season = (sum(weights[m - 1] for m in months) / len(months)) / (sum(weights) / 12)
    return level * season


def _decimal(value: float, decimals: int) -> str:
    step = Decimal(1).scaleb(-decimals)
    quantized = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    return format(max(quantized, step), "f")


def _dates(
    rng: random.Random, year: int, end_month: int, verified: bool
) -> tuple[tuple[int, int, int], tuple[int, int, int] | None]:
    """Entered a few days after the period ends; verified a day or two later."""
    entry_year, entry_month = (year + 1, 1) if end_month == 12 else (year, end_month + 1)
    day = 3 + rng.randrange(5)
    entered_on = (entry_year, entry_month, day)
    verified_on = (entry_year, entry_month, day + 1 + rng.randrange(2)) if verified else None
    return entered_on, verified_on


def _state(code: str, year: int, period: int, periodicity: str) -> str:
    latest = closed_periods(periodicity)[-1]
    return "submitted" if code in SUBMITTED_LATEST and (year, period) == latest else "verified"


def _series(code: str) -> list[dict]:
    indicator = BY_CODE[code]
    periodicity = indicator["periodicity"]
    jitter, decimals = _SERIES[code][2], _SERIES[code][3]
    rng = random.Random(f"arak-monitoring-{code}")
    periods = closed_periods(periodicity)
    if code in OVERDUE:
        periods = periods[:-2]
    records = []
    for year, period in periods:
        value = _planned(code, year, period) * (1 + rng.uniform(-jitter, jitter))
        state = _state(code, year, period, periodicity)
        entered_on, verified_on = _dates(
            rng, year, period_end_month(periodicity, period), state == "verified"
        )
        records.append(
            {
                "code": code,
                "year": year,
                "period": period,
                "value": _decimal(value, decimals),
                "source": indicator["source"],
                "note": NOTES.get((code, year, period), ""),
                "state": state,
                "entered_on": entered_on,
                "verified_on": verified_on,
            }
        )
    return records


def measurements() -> list[dict]:
    """Every measured indicator's values from 1404/01 to `LAST_CLOSED`, deterministic.

    Each record: code, year, period, value, source, note, state ("verified"/"submitted"),
    entered_on, verified_on (None while submitted) and, on exactly one record, ``correction``
    {value, reason, corrected_on}: the original stays, the correction is a new value beside it.
    """
    records = [
        record
        for indicator in INDICATORS
        if indicator["kind"] == "measured"
        for record in _series(indicator["code"])
    ]
    for record in records:
        key = (record["code"], record["year"], record["period"])
        if key == (CORRECTION["code"], CORRECTION["year"], CORRECTION["period"]):
            record["correction"] = {
                "value": CORRECTION["value"],
                "reason": CORRECTION["reason"],
                "corrected_on": CORRECTION["corrected_on"],
            }
    return records


def _population(year: int, end_month: int) -> str:
    """Arak's estimated population at a month's end: 600,000 at the end of 1403, +4,000 a year."""
    months = (year - MEASURED_YEARS[0]) * 12 + end_month
    return str(round((600_000 + 4_000 * months / 12) / 100) * 100)


def _complaints(rng: random.Random, year: int, month: int) -> dict[str, str]:
    """Complaints received in a month via 137 and how many were answered in time."""
    start, pace = {1404: (62.0, 0.8), 1405: (66.8, 0.6)}[year]
    share = start + (float(TARGETS["complaints_on_time_share"][year]) - start) * pace * month / 12
    winter = 1.15 if month in (9, 10, 11) else 1.0
    received = round(5200 * winter * (1 + rng.uniform(-0.08, 0.08)))
    on_time = round(received * share * (1 + rng.uniform(-0.02, 0.02)) / 100)
    return {"received": str(received), "resolved_on_time": str(min(on_time, received))}


def input_entries() -> list[dict]:
    """Raw inputs of the computed indicators that use ``input(...)``, per closed period.

    Each record: code, year, period, inputs {name: decimal string}, source, note, state,
    entered_on, verified_on. The app evaluates the formula with these and the ``val(...)``
    values of the same period; where a referenced indicator is overdue there is no value.
    """
    records = []
    for indicator in INDICATORS:
        if not indicator["inputs"]:
            continue
        code, periodicity = indicator["code"], indicator["periodicity"]
        rng = random.Random(f"arak-monitoring-inputs-{code}")
        for year, period in closed_periods(periodicity):
            end_month = period_end_month(periodicity, period)
            if code == "complaints_on_time_share":
                inputs = _complaints(rng, year, end_month)
                latest = (year, period) == closed_periods(periodicity)[-1]
                state = "submitted" if latest else "verified"
            else:
                inputs = {"population": _population(year, end_month)}
                state = "verified"
            entered_on, verified_on = _dates(rng, year, end_month, state == "verified")
            records.append(
                {
                    "code": code,
                    "year": year,
                    "period": period,
                    "inputs": inputs,
                    "source": indicator["source"],
                    "note": "",
                    "state": state,
                    "entered_on": entered_on,
                    "verified_on": verified_on,
                }
            )
    return records
