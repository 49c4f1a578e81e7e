"""Demo content for a real-looking city. Written for this project; facts from DOMAIN.md."""

ARAK = {
    "slug": "arak",
    "name": "اراک",
    "province": "مرکزی",
    # The problem areas Arak's council named for its problem-centric second plan.
    "axes": [
        "حمل‌ونقل و ترافیک",
        "بافت فرسوده",
        "مسائل فرهنگی و اجتماعی",
        "هوشمندسازی",
        "اقتصاد شهری",
        "نشاط اجتماعی",
        "محیط زیست",
    ],
    # Named after the five working groups of Qazvin's Shams advisory council.
    "committees": [
        ("کمیته‌ی امور اجتماعی و فرهنگی شهری", [2, 5]),
        ("کمیته‌ی توسعه‌ی پایدار شهری", [1, 6]),
        ("کمیته‌ی مدیریت و حکمرانی خوب شهری", [3]),
        ("کمیته‌ی امور فنی و مهندسی شهری", [0, 1]),
        ("کمیته‌ی امور مالی و اقتصاد شهری", [4]),
    ],
    "districts": [
        (1, "منطقه‌ی ۱ (مرکز شهر و بازار)"),
        (2, "منطقه‌ی ۲ (شمال شهر)"),
        (3, "منطقه‌ی ۳ (جنوب و شهرک‌های صنعتی)"),
        (4, "منطقه‌ی ۴ (غرب شهر)"),
    ],
}

QOM = {
    "slug": "qom",
    "name": "قم",
    "province": "قم",
    "axes": [
        "حمل‌ونقل عمومی",
        "گردشگری زیارتی",
        "محیط زیست و کم‌آبی",
        "اقتصاد شهری",
    ],
    "committees": [
        ("کارگروه توسعه‌ی پایدار شهری", [0, 2]),
        ("کارگروه امور مالی و اقتصاد شهری", [1, 3]),
    ],
    "districts": [(1, "منطقه‌ی ۱"), (2, "منطقه‌ی ۲"), (3, "منطقه‌ی ۳")],
}

NGO = {
    "name": "انجمن دوستداران محیط زیست اراک",
    "registration_number": "1398-4521",
    "description": (
        "سمنی محلی که از سال ۱۳۹۸ برای پاکیزگی رودخانه‌ی شهر و فضای سبز محله‌ها کار می‌کند."
    ),
}

# username, phone, display name, shows name, city roles [(city slug, role)], expertise
ACCOUNTS = [
    ("citizen", "09120000001", "مریم احمدی", True, [], ""),
    ("citizen2", "09120000002", "رضا کاظمی", False, [], ""),
    ("citizen3", "09120000003", "زهرا موسوی", True, [], ""),
    ("ngo", "09120000004", "سارا رحیمی", True, [], ""),
    ("expert", "09120000005", "دکتر حمید نوری", True, [], "برنامه‌ریزی حمل‌ونقل شهری"),
    ("moderator", "09120000011", "ناظر اراک", True, [("arak", "moderator")], ""),
    ("moderator2", "09120000012", "ناظر دوم اراک", True, [("arak", "moderator")], ""),
    ("planner", "09120000021", "برنامه‌ریز اراک", True, [("arak", "planner")], ""),
    # Verifies the values `planner` enters: a measurement is verified by another planner.
    ("planner2", "09120000023", "برنامه‌ریز دوم اراک", True, [("arak", "planner")], ""),
    ("cityadmin", "09120000031", "مدیر شهر اراک", True, [("arak", "city_admin")], ""),
    ("planner_qom", "09120000022", "برنامه‌ریز قم", True, [("qom", "planner")], ""),
    ("moderator_qom", "09120000013", "ناظر قم", True, [("qom", "moderator")], ""),
    ("admin", "09120000099", "مدیر سامانه", True, [], ""),
]

DEMO_PASSWORD = "demo"
