"""Budget data for Arak's second plan (1404–1408): the city's budget lines of 1404 and 1405
and the yearly projects under six schemes of the plan, with milestones and the share of each
line that funds each project. Plain Python data, no models; every sentence is invented demo
text, the amounts are of a plausible size for a city of Arak's size (whole rials).

Line codes follow the municipality's budget as the demo reads it: a capital programme
(عمرانی) has seven digits — function (1 environment and city services, 2 transport and
traffic, 3 culture and society, 4 urbanism and old fabric, 6 management and smart city),
programme, sub-programme, project: «۲۰۱۰۱۰۱»; a current-expense line (هزینه‌ای) has the
five digits of its economic chapter: «۱۰۱۰۱» staff pay, «۶۰۱۰۱» debt service.

What the data is built to show (tests/demo/test_demo_monitoring.py checks each):

- GAP_SCHEME in GAP_YEAR: its money is ≥ 90% spent while the monitoring demo puts its
  indicator realisation near 53% (plots merged lag behind the offices that were opened), so
  plan_budget flags «money ahead of results».
- TWO_LINE_PROJECTS draw on two lines each; TWO_PROJECT_LINES fund two (or three) projects.
- OUTSIDE_PLAN lines (staff pay, debt service, street sweeping) fund nothing in the plan.
- UNFUNDED_SCHEME has a project planned for 1405 but no line funds it that year.
- The codes that recur in 1405 have new amounts, so the slice shows a year-over-year change.
- Statuses: running, done, planned, stopped (one), cancelled (one); one project's progress is
  entered by hand with its evidence.
"""

from __future__ import annotations

BN = 1_000_000_000  # a billion rials (۱۰۰ میلیون تومان)
YEARS = (1404, 1405)

GAP_SCHEME, GAP_YEAR = "2.1.1.1", 1404
UNFUNDED_SCHEME, UNFUNDED_YEAR = "1.2.1.1", 1405
TWO_LINE_PROJECTS = ("1404-01", "1404-05", "1405-01")
TWO_PROJECT_LINES = ((1404, "3030101"), (1404, "4020101"), (1404, "6030101"), (1405, "3030101"))
OUTSIDE_PLAN = ("10101", "60101", "1020101")

_TRANSPORT = "معاونت حمل‌ونقل و ترافیک"
_WORKS = "معاونت فنی و عمرانی شهرداری اراک"
_BUSES = "سازمان مدیریت حمل‌ونقل بار و مسافر شهرداری اراک"
_RENEWAL = "سازمان نوسازی بافت فرسوده‌ی شهرداری اراک"
_CULTURE = "سازمان فرهنگی، اجتماعی و ورزشی شهرداری اراک"
_ICT = "سازمان فناوری اطلاعات و ارتباطات شهرداری اراک"
_ENVIRONMENT = "معاونت خدمات شهری و محیط زیست"

# (code, title, source, approved, revised or None, committed, spent, note)
LINES: dict[int, list[tuple]] = {
    1404: [
        (
            "10101",
            "جبران خدمت کارکنان رسمی، پیمانی و قراردادی",
            "own",
            6_800 * BN,
            7_150 * BN,
            7_150 * BN,
            7_120 * BN,
            "افزایش حقوق مصوب دولت در اصلاحیه‌ی مهر ۱۴۰۴ افزوده شد.",
        ),
        (
            "60101",
            "بازپرداخت اصل و سود تسهیلات بانکی و اوراق مشارکت",
            "own",
            1_900 * BN,
            None,
            1_900 * BN,
            1_880 * BN,
            "",
        ),
        (
            "1020101",
            "رفت‌وروب معابر و جمع‌آوری و حمل پسماند عادی",
            "own",
            2_400 * BN,
            2_550 * BN,
            2_530 * BN,
            2_480 * BN,
            "",
        ),
        (
            "1040101",
            "پایش کیفیت هوا و کاهش آلاینده‌های شهری",
            "transfer",
            70 * BN,
            None,
            52 * BN,
            41 * BN,
            "کمک اداره‌ی کل حفاظت محیط زیست استان مرکزی از محل عوارض آلایندگی.",
        ),
        (
            "2010101",
            "احداث خط اتوبوس تندرو محور شمال–جنوب",
            "own",
            450 * BN,
            520 * BN,
            508 * BN,
            471 * BN,
            "",
        ),
        (
            "2010102",
            "تسهیلات بانکی احداث خط اتوبوس تندرو",
            "loan",
            300 * BN,
            None,
            300 * BN,
            240 * BN,
            "تسهیلات بانک شهر با دوره‌ی بازپرداخت پنج‌ساله.",
        ),
        (
            "2010201",
            "نوسازی و توسعه‌ی ناوگان اتوبوس‌رانی",
            "transfer",
            800 * BN,
            640 * BN,
            560 * BN,
            410 * BN,
            "سهم شهر از کمک دولت برای نوسازی ناوگان در اصلاحیه کاهش یافت.",
        ),
        (
            "2020101",
            "اصلاح هندسی و ایمن‌سازی تقاطع‌های پرتصادف",
            "own",
            120 * BN,
            None,
            95 * BN,
            88 * BN,
            "",
        ),
        (
            "3030101",
            "احداث و تجهیز خانه‌های فرهنگ محله",
            "own",
            90 * BN,
            75 * BN,
            60 * BN,
            52 * BN,
            "",
        ),
        (
            "4020101",
            "بازآفرینی محله‌های پیرامون بازار و دفترهای تسهیل‌گری نوسازی",
            "transfer",
            180 * BN,
            210 * BN,
            206 * BN,
            198 * BN,
            "کمک ستاد ملی بازآفرینی شهری؛ در اصلاحیه افزایش یافت.",
        ),
        (
            "4020102",
            "مشارکت مالکان در تجمیع پلاک‌های ریزدانه",
            "participation",
            60 * BN,
            None,
            58 * BN,
            57 * BN,
            "سهم آورده‌ی مالکان در قراردادهای تجمیع.",
        ),
        (
            "6030101",
            "توسعه‌ی شهر هوشمند و خدمات الکترونیک",
            "own",
            150 * BN,
            None,
            120 * BN,
            96 * BN,
            "",
        ),
    ],
    1405: [
        (
            "10101",
            "جبران خدمت کارکنان رسمی، پیمانی و قراردادی",
            "own",
            8_300 * BN,
            None,
            5_600 * BN,
            5_540 * BN,
            "",
        ),
        (
            "60101",
            "بازپرداخت اصل و سود تسهیلات بانکی و اوراق مشارکت",
            "own",
            2_300 * BN,
            None,
            1_540 * BN,
            1_520 * BN,
            "",
        ),
        (
            "1020101",
            "رفت‌وروب معابر و جمع‌آوری و حمل پسماند عادی",
            "own",
            2_900 * BN,
            None,
            1_980 * BN,
            1_910 * BN,
            "",
        ),
        (
            "1040101",
            "پایش کیفیت هوا و کاهش آلاینده‌های شهری",
            "transfer",
            95 * BN,
            None,
            80 * BN,
            71 * BN,
            "",
        ),
        (
            "2010101",
            "احداث خط اتوبوس تندرو محور شمال–جنوب",
            "own",
            610 * BN,
            None,
            390 * BN,
            305 * BN,
            "",
        ),
        (
            "2010102",
            "تسهیلات بانکی احداث خط اتوبوس تندرو",
            "loan",
            400 * BN,
            None,
            250 * BN,
            180 * BN,
            "",
        ),
        (
            "2010201",
            "نوسازی و توسعه‌ی ناوگان اتوبوس‌رانی",
            "transfer",
            900 * BN,
            None,
            420 * BN,
            260 * BN,
            "",
        ),
        (
            "2010301",
            "سامانه‌ی اولویت عبور اتوبوس در تقاطع‌های چراغ‌دار",
            "own",
            85 * BN,
            None,
            52 * BN,
            40 * BN,
            "ردیف تازه‌ی بودجه‌ی ۱۴۰۵.",
        ),
        (
            "3030101",
            "احداث و تجهیز خانه‌های فرهنگ محله",
            "own",
            110 * BN,
            140 * BN,
            85 * BN,
            62 * BN,
            "",
        ),
        (
            "4020101",
            "بازآفرینی محله‌های پیرامون بازار و دفترهای تسهیل‌گری نوسازی",
            "transfer",
            240 * BN,
            None,
            150 * BN,
            118 * BN,
            "",
        ),
        (
            "6030101",
            "توسعه‌ی شهر هوشمند و خدمات الکترونیک",
            "own",
            190 * BN,
            None,
            110 * BN,
            84 * BN,
            "",
        ),
    ],
}


def _milestones(*rows: tuple) -> list[dict]:
    """(title, due, done or None, weight) → milestone dicts; dates are Jalali text."""
    return [
        {"title": title, "due_on": due, "done_on": done, "weight": weight}
        for title, due, done, weight in rows
    ]


# Each project: its scheme's code, its fields for budget.services.project_create (status is
# set after the milestones, as a planner would move it), its milestones and its fundings
# (line code of the same year, percent of the line).
PROJECTS: list[dict] = [
    # 1404 ------------------------------------------------------------------------------
    {
        "year": 1404,
        "code": "1404-01",
        "scheme": "1.1.1.1",
        "title": (
            "احداث ایستگاه‌ها و جداکننده‌ی خط اتوبوس تندرو، بخش نخست (میدان مرکزی تا پایانه‌ی شمال)"
        ),
        "description": (
            "شش و نیم کیلومتر خط ویژه با جداکننده‌ی بتنی در هر دو جهت و نه ایستگاه با سکوی هم‌تراز "
            "اتوبوس. بخشی از هزینه از تسهیلات بانکی تأمین شده است."
        ),
        "responsible_unit": _WORKS,
        "district": 2,
        "planned_start": "1404/02/01",
        "planned_end": "1404/12/20",
        "planned_cost": 800 * BN,
        "status": "done",
        "milestones": _milestones(
            ("طراحی تفصیلی و تصویب در شورای ترافیک", "1404/03/15", "1404/03/10", 1),
            ("آزادسازی و جابه‌جایی تأسیسات زیربنایی", "1404/05/31", "1404/06/12", 2),
            ("اجرای جداکننده و روسازی خط ویژه", "1404/09/30", "1404/10/05", 4),
            ("ساخت و تجهیز نه ایستگاه", "1404/12/15", "1404/12/18", 3),
        ),
        "fundings": [("2010101", "100"), ("2010102", "100")],
    },
    {
        "year": 1404,
        "code": "1404-02",
        "scheme": "1.1.1.1",
        "title": "خرید بیست دستگاه اتوبوس برای خط تندرو",
        "description": "اتوبوس‌های دوکابین با موتور یورو ۵، با پیش‌پرداخت از سهم کمک دولت.",
        "responsible_unit": _BUSES,
        "district": None,
        "planned_start": "1404/03/01",
        "planned_end": "1405/02/31",
        "planned_cost": 420 * BN,
        "status": "running",
        "milestones": _milestones(
            ("انعقاد قرارداد با سازنده", "1404/04/15", "1404/04/20", 1),
            ("پرداخت پیش‌پرداخت", "1404/05/15", "1404/05/30", 1),
            ("تحویل ده دستگاه نخست", "1404/11/30", "1404/12/10", 4),
            ("تحویل ده دستگاه دوم", "1405/02/31", None, 4),
        ),
        "fundings": [("2010201", "60")],
    },
    {
        "year": 1404,
        "code": "1404-03",
        "scheme": "1.2.1.1",
        "title": "مطالعات و طراحی بازطراحی پنج تقاطع پرتصادف مرکز شهر",
        "description": (
            "برداشت آمار تصادف و شمارش ترافیک، طراحی هندسی و شبیه‌سازی پنج تقاطع، و گزارش "
            "اولویت اجرا برای کمیسیون فنی شورا."
        ),
        "responsible_unit": _TRANSPORT,
        "district": 1,
        "planned_start": "1404/02/15",
        "planned_end": "1404/10/30",
        "planned_cost": 45 * BN,
        "status": "done",
        "milestones": _milestones(
            ("برداشت آمار و شمارش ترافیک", "1404/04/31", "1404/05/10", 1),
            ("طراحی هندسی و شبیه‌سازی", "1404/08/30", "1404/09/05", 2),
            ("تصویب طرح‌ها در کمیسیون فنی", "1404/10/30", "1404/10/25", 1),
        ),
        "fundings": [("2020101", "35")],
    },
    {
        "year": 1404,
        "code": "1404-04",
        "scheme": "2.1.1.1",
        "title": "راه‌اندازی شش دفتر تسهیل‌گری نوسازی در محله‌های پیرامون بازار",
        "description": (
            "اجاره و تجهیز شش دفتر محله‌ای با تسهیل‌گر، مهندس ناظر و مشاور حقوقی برای "
            "راهنمایی مالکان در تجمیع و گرفتن پروانه."
        ),
        "responsible_unit": _RENEWAL,
        "district": 1,
        "planned_start": "1404/01/20",
        "planned_end": "1404/06/31",
        "planned_cost": 110 * BN,
        "status": "done",
        "milestones": _milestones(
            ("اجاره و تجهیز دفترها", "1404/03/31", "1404/03/25", 2),
            ("جذب و آموزش تسهیل‌گران", "1404/05/15", "1404/05/20", 1),
            ("گشایش هر شش دفتر", "1404/06/31", "1404/06/28", 1),
        ),
        "fundings": [("4020101", "55")],
    },
    {
        "year": 1404,
        "code": "1404-05",
        "scheme": "2.1.1.1",
        "title": "بسته‌ی تشویقی تجمیع: تخفیف عوارض و کمک‌هزینه‌ی طراحی برای مالکان",
        "description": (
            "کمک بلاعوض طراحی و تخفیف عوارض نوسازی برای مالکانی که دست‌کم سه پلاک ریزدانه را "
            "تجمیع کنند؛ آورده‌ی مالکان در ردیف مشارکت ثبت می‌شود."
        ),
        "responsible_unit": _RENEWAL,
        "district": 1,
        "planned_start": "1404/03/01",
        "planned_end": "1404/12/29",
        "planned_cost": 150 * BN,
        "status": "running",
        "milestones": _milestones(
            ("تصویب بسته‌ی تشویقی در شورای شهر", "1404/03/31", "1404/04/05", 1),
            ("فراخوان مالکان و ثبت‌نام", "1404/05/31", "1404/05/31", 1),
            ("عقد قرارداد با چهل مالک", "1404/08/30", "1404/09/20", 2),
            ("پرداخت نوبت نخست کمک‌هزینه", "1404/10/30", "1404/11/15", 3),
            ("پرداخت نوبت دوم پس از صدور پروانه", "1404/12/29", None, 3),
        ),
        "fundings": [("4020101", "45"), ("4020102", "100")],
    },
    {
        "year": 1404,
        "code": "1404-06",
        "scheme": "3.1.1.1",
        "title": "خانه‌ی فرهنگ محله در شهرک‌های جنوبی",
        "description": "بازسازی یک ساختمان مدرسه‌ی متروک و سپردن اداره‌ی آن به شورای محله.",
        "responsible_unit": _CULTURE,
        "district": 3,
        "planned_start": "1404/02/01",
        "planned_end": "1404/09/30",
        "planned_cost": 32 * BN,
        "status": "done",
        "milestones": _milestones(
            ("تحویل ساختمان از آموزش و پرورش", "1404/03/15", "1404/03/12", 1),
            ("بازسازی و تجهیز", "1404/08/15", "1404/08/30", 3),
            ("گشایش با برنامه‌ی شورای محله", "1404/09/30", "1404/09/28", 1),
        ),
        "fundings": [("3030101", "40")],
    },
    {
        "year": 1404,
        "code": "1404-07",
        "scheme": "3.1.1.1",
        "title": "خانه‌ی فرهنگ محله در غرب شهر",
        "description": "ساخت سالن چندمنظوره و کتابخانه‌ی کودک در زمین واگذارشده‌ی شهرداری.",
        "responsible_unit": _CULTURE,
        "district": 4,
        "planned_start": "1404/04/01",
        "planned_end": "1405/03/31",
        "planned_cost": 38 * BN,
        "status": "running",
        "milestones": _milestones(
            ("پروانه و طراحی", "1404/05/31", "1404/06/10", 1),
            ("اجرای اسکلت و سفت‌کاری", "1404/11/30", "1404/12/20", 3),
            ("نازک‌کاری و تجهیز", "1405/03/31", None, 2),
        ),
        "fundings": [("3030101", "40")],
    },
    {
        "year": 1404,
        "code": "1404-08",
        "scheme": "3.1.1.1",
        "title": "تبدیل ساختمان کشتارگاه قدیم به خانه‌ی فرهنگ",
        "description": "طرح نخست برای خانه‌ی فرهنگ محله‌های مرکزی.",
        "responsible_unit": _CULTURE,
        "district": 1,
        "planned_start": "1404/05/01",
        "planned_end": "1405/04/31",
        "planned_cost": 25 * BN,
        "status": "cancelled",
        "progress_note": (
            "مالکیت ساختمان به شهرداری منتقل نشد و کمیسیون فرهنگی شورا طرح را کنار گذاشت؛ "
            "هزینه‌ی مطالعات انجام‌شده در حساب پروژه می‌ماند."
        ),
        "milestones": _milestones(
            ("مطالعات امکان‌سنجی و برآورد", "1404/06/31", "1404/07/10", 1),
            ("انتقال مالکیت ساختمان", "1404/09/30", None, 1),
        ),
        "fundings": [("3030101", "10")],
    },
    {
        "year": 1404,
        "code": "1404-09",
        "scheme": "4.1.1.1",
        "title": "پنجره‌ی واحد خدمات شهری، فاز نخست: پرداخت برخط عوارض و پیگیری پرونده",
        "description": "درگاه یکپارچه‌ی پرداخت عوارض نوسازی و کسب‌وپیشه با کد رهگیری پرونده.",
        "responsible_unit": _ICT,
        "district": None,
        "planned_start": "1404/01/15",
        "planned_end": "1404/08/30",
        "planned_cost": 95 * BN,
        "status": "done",
        "milestones": _milestones(
            ("تحلیل فرایندها و یکپارچه‌سازی داده‌ها", "1404/03/31", "1404/04/10", 2),
            ("اتصال به درگاه پرداخت و آزمون", "1404/06/31", "1404/07/05", 2),
            ("بهره‌برداری عمومی", "1404/08/30", "1404/08/20", 1),
        ),
        "fundings": [("6030101", "70")],
    },
    {
        "year": 1404,
        "code": "1404-10",
        "scheme": "7.1.1.1",
        "title": "خرید و نصب چهار ایستگاه سنجش آلاینده در جنوب و غرب شهر",
        "description": "ایستگاه‌های سنجش ذرات معلق، دی‌اکسید گوگرد و اکسیدهای نیتروژن.",
        "responsible_unit": _ENVIRONMENT,
        "district": 3,
        "planned_start": "1404/04/01",
        "planned_end": "1405/01/31",
        "planned_cost": 72 * BN,
        "status": "running",
        "progress_mode": "manual",
        "manual_progress": "65",
        "progress_note": (
            "گزارش ناظر مقیم و صورت‌وضعیت شماره‌ی ۳ پیمانکار: سه ایستگاه نصب و دو ایستگاه "
            "به شبکه وصل شده است."
        ),
        "milestones": [],
        "fundings": [("1040101", "100")],
    },
    {
        "year": 1404,
        "code": "1404-11",
        "scheme": "7.1.1.1",
        "title": "سامانه‌ی انتشار برخط داده‌ی ایستگاه‌های سنجش کیفیت هوا",
        "description": "نمایش ساعتی شاخص کیفیت هوا روی وب‌گاه شهرداری و داده‌ی باز روزانه.",
        "responsible_unit": _ICT,
        "district": None,
        "planned_start": "1404/05/01",
        "planned_end": "1404/11/30",
        "planned_cost": 28 * BN,
        "status": "done",
        "milestones": _milestones(
            ("اتصال به داده‌ی ایستگاه‌های موجود", "1404/07/30", "1404/08/05", 1),
            ("انتشار عمومی و داده‌ی باز", "1404/11/30", "1404/11/20", 1),
        ),
        "fundings": [("6030101", "20")],
    },
    # 1405 ------------------------------------------------------------------------------
    {
        "year": 1405,
        "code": "1405-01",
        "scheme": "1.1.1.1",
        "title": "خط اتوبوس تندرو، بخش دوم (میدان مرکزی تا پایانه‌ی جنوب)",
        "description": "پنج کیلومتر خط ویژه و هفت ایستگاه در ادامه‌ی بخش نخست.",
        "responsible_unit": _WORKS,
        "district": 3,
        "planned_start": "1405/01/20",
        "planned_end": "1405/12/25",
        "planned_cost": 1_000 * BN,
        "status": "running",
        "milestones": _milestones(
            ("طراحی تفصیلی و تصویب در شورای ترافیک", "1405/02/31", "1405/03/05", 1),
            ("آزادسازی و جابه‌جایی تأسیسات زیربنایی", "1405/05/31", "1405/06/20", 2),
            ("اجرای جداکننده و روسازی خط ویژه", "1405/10/30", None, 4),
            ("ساخت و تجهیز هفت ایستگاه", "1405/12/25", None, 3),
        ),
        "fundings": [("2010101", "100"), ("2010102", "100")],
    },
    {
        "year": 1405,
        "code": "1405-02",
        "scheme": "1.1.1.1",
        "title": "خرید پانزده دستگاه اتوبوس برای بخش دوم خط تندرو",
        "description": "",
        "responsible_unit": _BUSES,
        "district": None,
        "planned_start": "1405/04/01",
        "planned_end": "1406/03/31",
        "planned_cost": 480 * BN,
        "status": "running",
        "milestones": _milestones(
            ("انعقاد قرارداد با سازنده", "1405/05/31", "1405/06/15", 1),
            ("پرداخت پیش‌پرداخت", "1405/07/30", "1405/08/10", 1),
            ("تحویل پانزده دستگاه", "1406/03/31", None, 6),
        ),
        "fundings": [("2010201", "50")],
    },
    {
        "year": 1405,
        "code": "1405-03",
        "scheme": "1.1.1.1",
        "title": "اولویت چراغ برای اتوبوس در دوازده تقاطع محور شمال–جنوب",
        "description": "آشکارساز اتوبوس و برنامه‌ی زمان‌بندی تطبیقی در مرکز کنترل ترافیک.",
        "responsible_unit": _TRANSPORT,
        "district": 2,
        "planned_start": "1405/02/01",
        "planned_end": "1405/11/30",
        "planned_cost": 90 * BN,
        "status": "running",
        "milestones": _milestones(
            ("نصب آشکارسازها در شش تقاطع نخست", "1405/06/31", "1405/07/10", 1),
            ("نصب در شش تقاطع دیگر", "1405/09/30", None, 1),
            ("راه‌اندازی در مرکز کنترل ترافیک", "1405/11/30", None, 1),
        ),
        "fundings": [("2010301", "100")],
    },
    {
        "year": 1405,
        "code": "1405-04",
        "scheme": "1.2.1.1",
        "title": "اجرای بازطراحی دو تقاطع نخست از پنج تقاطع پرتصادف",
        "description": (
            "طرح‌ها در ۱۴۰۴ تصویب شد؛ ردیفی در بودجه‌ی ۱۴۰۵ برای اجرا گشوده نشد و پروژه "
            "چشم‌به‌راه اصلاحیه‌ی بودجه است."
        ),
        "responsible_unit": _TRANSPORT,
        "district": 1,
        "planned_start": "1405/04/01",
        "planned_end": "1405/12/29",
        "planned_cost": 320 * BN,
        "status": "planned",
        "milestones": _milestones(
            ("مناقصه‌ی اجرا", "1405/05/31", None, 1),
            ("اجرای تقاطع نخست", "1405/09/30", None, 2),
            ("اجرای تقاطع دوم", "1405/12/29", None, 2),
        ),
        "fundings": [],
    },
    {
        "year": 1405,
        "code": "1405-05",
        "scheme": "2.1.1.1",
        "title": "دفترهای تسهیل‌گری و بسته‌ی تشویقی تجمیع، سال دوم",
        "description": "ادامه‌ی کار شش دفتر و پرداخت کمک‌هزینه به قراردادهای تازه‌ی تجمیع.",
        "responsible_unit": _RENEWAL,
        "district": 1,
        "planned_start": "1405/01/15",
        "planned_end": "1405/12/29",
        "planned_cost": 230 * BN,
        "status": "running",
        "milestones": _milestones(
            ("تمدید قرارداد دفترها", "1405/01/31", "1405/01/28", 1),
            ("عقد قرارداد با شصت مالک تازه", "1405/06/31", "1405/07/25", 2),
            ("پرداخت کمک‌هزینه‌ی قراردادهای تازه", "1405/12/29", None, 3),
        ),
        "fundings": [("4020101", "100")],
    },
    {
        "year": 1405,
        "code": "1405-06",
        "scheme": "3.1.1.1",
        "title": "خانه‌ی فرهنگ محله در شمال شهر",
        "description": "بازسازی ساختمان یک کتابخانه‌ی قدیمی با سالن تمرین گروه‌های محلی.",
        "responsible_unit": _CULTURE,
        "district": 2,
        "planned_start": "1405/02/01",
        "planned_end": "1405/10/30",
        "planned_cost": 60 * BN,
        "status": "running",
        "milestones": _milestones(
            ("طراحی و برآورد", "1405/03/15", "1405/03/20", 1),
            ("بازسازی", "1405/08/30", "1405/08/25", 3),
            ("تجهیز و گشایش", "1405/10/30", None, 1),
        ),
        "fundings": [("3030101", "45")],
    },
    {
        "year": 1405,
        "code": "1405-07",
        "scheme": "3.1.1.1",
        "title": "خانه‌ی فرهنگ محله در سکونتگاه‌های حاشیه‌ی جنوب شرقی",
        "description": "ساخت بنای تازه روی زمین اهدایی یکی از خیّران.",
        "responsible_unit": _CULTURE,
        "district": 3,
        "planned_start": "1405/03/01",
        "planned_end": "1406/02/31",
        "planned_cost": 45 * BN,
        "status": "stopped",
        "progress_note": ("ورثه‌ی خیّر بر سر سند زمین به دادگاه رفتند؛ کار تا رأی دادگاه متوقف است."),
        "milestones": _milestones(
            ("پروانه و طراحی", "1405/04/31", "1405/05/05", 1),
            ("پی‌سازی", "1405/07/30", None, 2),
            ("اسکلت و سفت‌کاری", "1405/12/29", None, 3),
        ),
        "fundings": [("3030101", "25")],
    },
    {
        "year": 1405,
        "code": "1405-08",
        "scheme": "4.1.1.1",
        "title": "پنجره‌ی واحد خدمات شهری، فاز دوم: صدور برخط پروانه‌ی ساختمان",
        "description": "ثبت درخواست، بررسی نقشه و صدور پروانه بی‌نیاز از مراجعه‌ی حضوری.",
        "responsible_unit": _ICT,
        "district": None,
        "planned_start": "1405/01/15",
        "planned_end": "1405/11/30",
        "planned_cost": 140 * BN,
        "status": "running",
        "milestones": _milestones(
            ("راه‌اندازی پنجره‌ی واحد برای شهروندان", "1405/03/31", "1405/03/20", 2),
            ("بررسی برخط نقشه‌ها", "1405/07/30", "1405/08/05", 2),
            ("صدور برخط پروانه با امضای الکترونیک", "1405/11/30", None, 2),
        ),
        "fundings": [("6030101", "80")],
    },
    {
        "year": 1405,
        "code": "1405-09",
        "scheme": "7.1.1.1",
        "title": "افزودن چهار ایستگاه دیگر سنجش آلاینده (فاز دوم)",
        "description": "ایستگاه‌ها در کنار شهرک‌های صنعتی و ورودی جنوبی شهر.",
        "responsible_unit": _ENVIRONMENT,
        "district": 3,
        "planned_start": "1405/02/01",
        "planned_end": "1405/09/30",
        "planned_cost": 90 * BN,
        "status": "running",
        "milestones": _milestones(
            ("خرید دستگاه‌ها", "1405/04/31", "1405/04/20", 2),
            ("نصب و اتصال به شبکه", "1405/08/30", "1405/08/28", 2),
            ("کالیبراسیون و تأیید اداره‌ی کل محیط زیست", "1405/09/30", None, 1),
        ),
        "fundings": [("1040101", "100")],
    },
]

BY_CODE = {(project["year"], project["code"]): project for project in PROJECTS}
