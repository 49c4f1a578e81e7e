"""Bulk import of measurements: CSV and XLSX, a row-by-row Persian report, nothing stored
until the whole file is valid (or the valid rows are explicitly accepted), refusals."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.models import Activity
from backend.errors import DomainError
from backend.tables import formula_safe, formula_unsafe
from monitoring.imports import COLUMNS, ERROR, OK, import_apply, import_preview
from monitoring.models import Measurement

pytestmark = pytest.mark.django_db

HEADER = ",".join(key for key, _label in COLUMNS)
INJECTION = "=cmd|' /C calc'!A0"


def csv_file(lines, *, bom=False, name="values.csv", delimiter=","):
    text = "\n".join([HEADER.replace(",", delimiter), *lines]) + "\n"
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="values.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append([key for key, _label in COLUMNS])
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    return SimpleUploadedFile(name, handle.getvalue())


@pytest.fixture
def indicators(make_indicator, owner):
    return {
        "e_services": make_indicator("e_services", owner=owner),
        "green": make_indicator("green", periodicity="quarterly"),
        "yearly": make_indicator("yearly", periodicity="yearly"),
    }


def test_a_valid_csv_with_bom_semicolons_and_persian_digits_is_previewed_then_stored(
    planner, plan, indicators
):
    upload = csv_file(
        [
            "e_services;۱۴۰۴;۱;۱۲٫۵;سامانه;https://example.org/a;یادداشت",
            "e_services;1404;2;13;;;",
            "green;1404;4;7;;;",
            "yearly;1404;0;1,200;;;",
        ],
        bom=True,
        delimiter=";",
    )
    report = import_preview(actor=planner, plan=plan, file=upload)
    assert [row.status for row in report.rows] == [OK] * 4
    assert [row.row for row in report.rows] == [2, 3, 4, 5]
    assert report.is_valid
    assert Measurement.objects.count() == 0  # a preview stores nothing

    stored = import_apply(actor=planner, plan=plan, file=upload)
    assert stored.stored == 4
    rows = Measurement.objects.order_by("indicator__code", "year", "period")
    assert [(r.indicator.code, r.year, r.period, str(r.value)) for r in rows] == [
        ("e_services", 1404, 1, "12.500000"),
        ("e_services", 1404, 2, "13.000000"),
        ("green", 1404, 4, "7.000000"),
        ("yearly", 1404, 0, "1200.000000"),
    ]
    assert {r.state for r in rows} == {Measurement.State.SUBMITTED}
    first = rows[0]
    assert (first.source, first.evidence_url, first.note) == (
        "سامانه",
        "https://example.org/a",
        "یادداشت",
    )
    imports = Activity.objects.filter(action="monitoring.import")
    assert imports.count() == 1
    assert imports.get().after["stored"] == 4


def test_persian_column_labels_are_accepted(planner, plan, indicators):
    header = ",".join(label for _key, label in COLUMNS)
    data = f"{header}\ne_services,1404,3,5,,,\n".encode()
    report = import_preview(actor=planner, plan=plan, file=SimpleUploadedFile("a.csv", data))
    assert [row.status for row in report.rows] == [OK]


def test_a_bad_row_stores_nothing_and_every_row_gets_a_persian_report(
    planner, plan, indicators, make_indicator, verified
):
    make_indicator("ratio", kind="computed", formula='val("e_services") * 2')
    verified(indicators["e_services"], 1404, 5, 10)
    before = Measurement.objects.count()
    upload = csv_file(
        [
            "e_services,1404,1,10,,,",  # 2 ok
            "nothing,1404,1,10,,,",  # 3 unknown code
            "ratio,1404,1,10,,,",  # 4 computed
            "e_services,1404,2,ده,,,",  # 5 bad number
            "e_services,1404,13,10,,,",  # 6 period out of range (monthly)
            "green,1404,5,10,,,",  # 7 period out of range (quarterly)
            "e_services,1403,1,10,,,",  # 8 outside the plan years
            "e_services,1408,1,10,,,",  # 9 not yet started
            "e_services,1404,1,11,,,",  # 10 duplicate of row 2
            "e_services,1404,5,11,,,",  # 11 already verified
            "e_services,1404,6,11,,javascript:alert(1),",  # 12 bad link
            "e_services,۱۴۰۴,۷,۹,,,",  # 13 ok
            "e_services,2025,1,9,,,",  # 14 a Gregorian year
        ]
    )
    report = import_preview(actor=planner, plan=plan, file=upload)
    statuses = {row.row: row.status for row in report.rows}
    assert [r for r, s in statuses.items() if s == OK] == [2, 13]
    messages = {row.row: row.message for row in report.rows}
    assert "nothing" in messages[3]
    assert "محاسبه‌ای" in messages[4]
    assert "عدد" in messages[5]
    assert "ماه ۱ تا ۱۲" in messages[6]
    assert "فصل ۱ تا ۴" in messages[7]
    assert "سال‌های برنامه" in messages[8]
    assert "نرسیده" in messages[9]
    assert "تکرار سطر 2" in messages[10]
    assert "تأیید شده" in messages[11]
    assert "پیوند" in messages[12]
    assert "شمسی" in messages[14]
    assert all(row.code for row in report.rows)
    assert report.as_json()["errors"] == 11

    with pytest.raises(DomainError) as refused:
        import_apply(actor=planner, plan=plan, file=upload)
    assert refused.value.code == "import_invalid"
    assert len(refused.value.extra["report"]["rows"]) == 13
    assert Measurement.objects.count() == before
    assert not Activity.objects.filter(action="monitoring.import").exists()

    accepted = import_apply(actor=planner, plan=plan, file=upload, accept_valid_rows=True)
    assert accepted.stored == 2
    assert Measurement.objects.count() == before + 2
    entry = Activity.objects.get(action="monitoring.import")
    assert entry.after["skipped"] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]


def test_permission_is_checked_per_row(owner, qom_planner, citizen, plan, indicators):
    upload = csv_file(["e_services,1404,1,10,,,", "green,1404,1,10,,,"])
    report = import_preview(actor=owner, plan=plan, file=upload)
    assert [row.status for row in report.rows] == [OK, ERROR]
    assert "اجازه" in report.rows[1].message
    for outsider in (qom_planner, citizen):
        report = import_preview(actor=outsider, plan=plan, file=upload)
        assert [row.status for row in report.rows] == [ERROR, ERROR]
        with pytest.raises(DomainError):
            import_apply(actor=outsider, plan=plan, file=upload, accept_valid_rows=True)
    assert Measurement.objects.count() == 0


def test_an_open_entry_of_the_period_is_reported(planner, plan, indicators):
    from monitoring.services import measurement_enter

    measurement_enter(
        actor=planner, indicator=indicators["e_services"], year=1404, period=1, value=3
    )
    report = import_preview(actor=planner, plan=plan, file=csv_file(["e_services,1404,1,4,,,"]))
    assert report.rows[0].status == ERROR
    assert "در انتظار" in report.rows[0].message


def test_xlsx_is_read_and_a_formula_cell_is_stored_as_text(planner, plan, indicators):
    upload = xlsx_file(
        [
            ["e_services", 1404, 1, 12.5, "سامانه", None, INJECTION],
            ["e_services", "۱۴۰۴", "۲", "۱۳", None, None, "=1+1"],
        ]
    )
    report = import_apply(actor=planner, plan=plan, file=upload)
    assert report.stored == 2
    notes = list(Measurement.objects.order_by("period").values_list("note", flat=True))
    assert notes == [INJECTION, "=1+1"]
    # what an export must write: the text, never a formula
    book = Workbook()
    book.active.append([formula_safe(note) for note in notes])
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    cells = next(load_workbook(handle).active.iter_rows())
    assert all(cell.data_type == "s" for cell in cells)


def test_formula_safe_prefixes_formula_like_text_only():
    assert formula_safe("=cmd|x") == "'=cmd|x"
    assert formula_safe("@SUM(A1)") == "'@SUM(A1)"
    assert formula_safe("-2+3") == "'-2+3"
    assert formula_safe("سامانه") == "سامانه"
    assert formula_safe(12) == 12


@pytest.mark.parametrize("text", ["=cmd|x", "-2+3", "'quoted", "'", "سامانه", "@"])
def test_an_import_takes_off_the_apostrophe_an_export_put_on(text):
    assert formula_unsafe(formula_safe(text)) == text


def test_a_file_too_large_is_refused(planner, plan, indicators, settings):
    settings.MONITORING_IMPORT_MAX_BYTES = 200
    upload = csv_file([f"e_services,1404,{m},10,,,یادداشتی بلند" for m in range(1, 10)])
    with pytest.raises(DomainError) as refused:
        import_preview(actor=planner, plan=plan, file=upload)
    assert refused.value.code == "import_too_large"
    assert "مگابایت" in refused.value.message


def test_too_many_rows_are_refused(planner, plan, indicators, settings):
    settings.MONITORING_IMPORT_MAX_ROWS = 3
    upload = csv_file([f"e_services,1404,{m},10,,," for m in range(1, 6)])
    with pytest.raises(DomainError) as refused:
        import_preview(actor=planner, plan=plan, file=upload)
    assert refused.value.code == "import_too_many_rows"
    rows = [["e_services", 1404, m, 10] for m in range(1, 6)]
    with pytest.raises(DomainError) as refused:
        import_preview(actor=planner, plan=plan, file=xlsx_file(rows))
    assert refused.value.code == "import_too_many_rows"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("latin1.csv", "code,year\ncafé".encode("latin-1")),
        ("fake.xlsx", b"PK\x03\x04 not really a zip"),
        ("values.xlsx", b"code,year,period,value\n"),
        ("zip.xlsx", b"PK\x05\x06" + b"\x00" * 18),
    ],
)
def test_hostile_files_are_refused_in_persian(planner, plan, indicators, name, data):
    with pytest.raises(DomainError) as refused:
        import_preview(actor=planner, plan=plan, file=SimpleUploadedFile(name, data))
    assert refused.value.status == 400
    assert refused.value.code in {"import_not_a_table", "import_columns", "import_empty"}
    assert Measurement.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(planner, plan, indicators):
    import zipfile

    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr("evil.txt", "x" * 1000)
    with pytest.raises(DomainError) as refused:
        import_preview(
            actor=planner, plan=plan, file=SimpleUploadedFile("a.xlsx", handle.getvalue())
        )
    assert refused.value.code == "import_not_a_table"


def test_a_zip_bomb_is_refused(planner, plan, indicators, settings):
    import zipfile

    settings.MONITORING_IMPORT_MAX_BYTES = 10_000
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "a" * 1_000_000)
    assert len(handle.getvalue()) < 10_000
    with pytest.raises(DomainError) as refused:
        import_preview(
            actor=planner, plan=plan, file=SimpleUploadedFile("a.xlsx", handle.getvalue())
        )
    assert refused.value.code == "import_too_large"


def test_missing_columns_and_empty_files_are_refused(planner, plan, indicators):
    with pytest.raises(DomainError) as refused:
        import_preview(
            actor=planner, plan=plan, file=SimpleUploadedFile("a.csv", b"code,year\nx,1404\n")
        )
    assert refused.value.code == "import_columns"
    assert "value" in refused.value.message
    for data in (b"", b"\xef\xbb\xbf\n\n", HEADER.encode() + b"\n"):
        with pytest.raises(DomainError) as refused:
            import_preview(actor=planner, plan=plan, file=SimpleUploadedFile("a.csv", data))
        assert refused.value.code == "import_empty"


def test_the_export_writes_the_import_columns_first_and_no_formulas(planner, plan, indicators):
    from monitoring import exports
    from monitoring.services import measurement_enter

    measurement_enter(
        actor=planner,
        indicator=indicators["e_services"],
        year=1404,
        period=1,
        value="12",
        note=INJECTION,
        submit=True,
    )
    header, line = "".join(exports.csv_stream(plan)).lstrip("\ufeff").splitlines()[:2]
    assert header.startswith(HEADER)
    assert "'=cmd" in line
