"""Importing budget and execution figures: the row report, all or nothing, idempotent re-import,
the city's column mapping, and the export in the same format."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.models import Activity
from backend.errors import DomainError, Refused
from budget import imports, services
from budget.models import BudgetLine

pytestmark = pytest.mark.django_db

HEADER = "کد ردیف,عنوان,منبع تأمین,مصوب,اصلاح‌شده,تعهدشده,هزینه‌شده\n"


def csv_file(text, name="budget.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="budget.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


BUDGET = HEADER + (
    "1010203,بهسازی معابر بافت فرسوده,درآمد اختصاصی شهرداری,۴۵۰٬۰۰۰٬۰۰۰٬۰۰۰,,0,0\n"
    "1010204,تقاطع غیرهمسطح میدان شریعتی,loan,300000000000,320000000000,1000,500\n"
)


class TestPreview:
    def test_new_lines_are_reported_and_nothing_is_stored(self, planner, arak):
        report = imports.import_preview(actor=planner, city=arak, year=1404, file=csv_file(BUDGET))
        assert [(row.code, row.status) for row in report.rows] == [
            ("1010203", "new"),
            ("1010204", "new"),
        ]
        assert not BudgetLine.objects.exists()

    @pytest.mark.parametrize(
        ("cells", "message"),
        [
            ("101,ردیف,,-5,,,", "منفی"),
            ("101,ردیف,,دوازده,,,", "عدد صحیح"),
            ("101,ردیف,,12.5,,,", "عدد صحیح"),
            ("101,ردیف,بانک,5,,,", "منبع تأمین"),
            ("101,,,5,,,", "عنوان"),
            (",ردیف,,5,,,", "کد ردیف"),
            ("=HYPERLINK(1),ردیف,,5,,,", "کد ردیف"),
        ],
    )
    def test_each_wrong_row_is_told_in_persian(self, planner, arak, cells, message):
        report = imports.import_preview(
            actor=planner, city=arak, year=1404, file=csv_file(HEADER + cells + "\n")
        )
        [row] = report.rows
        assert row.status == "error"
        assert message in row.message

    def test_a_year_column_must_agree_with_the_import(self, planner, arak):
        text = "سال,کد ردیف,عنوان,مصوب\n1404,101,ردیف,5\n1405,102,ردیف,5\n"
        report = imports.import_preview(actor=planner, city=arak, year=1404, file=csv_file(text))
        assert [row.status for row in report.rows] == ["new", "error"]
        assert "۱۴۰۴" in report.rows[1].message or "1404" in report.rows[1].message

    def test_a_code_twice_in_the_file_is_an_error(self, planner, arak):
        text = HEADER + "101,الف,,5,,,\n101,ب,,6,,,\n"
        report = imports.import_preview(actor=planner, city=arak, year=1404, file=csv_file(text))
        assert [row.status for row in report.rows] == ["new", "error"]
        assert "سطر ۲" in report.rows[1].message


class TestApply:
    def test_all_rows_are_stored_through_the_services(self, planner, arak):
        report = imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(BUDGET))
        assert report.stored == 2
        line = BudgetLine.objects.get(code="1010204")
        assert (line.source, line.approved, line.revised, line.current) == (
            "loan",
            300_000_000_000,
            320_000_000_000,
            320_000_000_000,
        )
        assert BudgetLine.objects.get(code="1010203").source == "own"
        assert list(
            Activity.objects.filter(action__startswith="budget.")
            .order_by("id")
            .values_list("action", flat=True)
        ) == ["budget.line_create", "budget.line_create", "budget.import"]

    def test_one_wrong_row_stores_nothing(self, planner, arak):
        text = BUDGET + "1010205,ردیف سوم,,-1,,,\n"
        with pytest.raises(DomainError) as refused:
            imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(text))
        assert refused.value.code == "import_invalid"
        assert refused.value.extra["report"]["errors"] == 1
        assert refused.value.extra["report"]["rows"][2]["row"] == 4
        assert not BudgetLine.objects.exists()

    def test_the_planner_may_accept_storing_only_the_valid_rows(self, planner, arak):
        text = BUDGET + "1010205,ردیف سوم,,-1,,,\n"
        report = imports.import_apply(
            actor=planner, city=arak, year=1404, file=csv_file(text), accept_valid_rows=True
        )
        assert report.stored == 2
        entry = Activity.objects.get(action="budget.import")
        assert entry.after["skipped"] == [4]

    def test_re_importing_the_same_file_changes_nothing(self, planner, arak):
        imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(BUDGET))
        before = list(BudgetLine.objects.order_by("id").values())
        again = imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(BUDGET))
        assert [row.status for row in again.rows] == ["same", "same"]
        assert again.stored == 0
        assert list(BudgetLine.objects.order_by("id").values()) == before
        assert not Activity.objects.filter(action="budget.line_update").exists()

    def test_an_execution_file_updates_only_its_columns(self, planner, arak, make_line):
        line = make_line("101", 1_000, title="ردیف نخست", source="transfer")
        text = "کد ردیف,تعهدشده,هزینه‌شده\n101,800,650\n"
        report = imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(text))
        assert report.rows[0].changes == {"committed": (0, 800), "spent": (0, 650)}
        line.refresh_from_db()
        assert (line.title, line.source, line.approved, line.committed, line.spent) == (
            "ردیف نخست",
            "transfer",
            1_000,
            800,
            650,
        )
        entry = Activity.objects.get(action="budget.line_update")
        assert entry.before == {"committed": 0, "spent": 0}

    def test_the_same_code_of_another_year_is_another_line(self, planner, arak, make_line):
        make_line("1010203", 5, year=1403)
        imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(BUDGET))
        assert BudgetLine.objects.filter(code="1010203").count() == 2

    def test_xlsx_with_numbers_as_numbers(self, planner, arak):
        rows = [["کد ردیف", "عنوان", "مصوب", "هزینه‌شده"], [1010203, "ردیف", 1200000, 15.0]]
        imports.import_apply(actor=planner, city=arak, year=1404, file=xlsx_file(rows))
        line = BudgetLine.objects.get()
        assert (line.code, line.approved, line.spent) == ("1010203", 1_200_000, 15)

    def test_only_planners_of_the_city_import(self, qom_planner, citizen, arak):
        for actor in (qom_planner, citizen):
            with pytest.raises(Refused):
                imports.import_preview(actor=actor, city=arak, year=1404, file=csv_file(BUDGET))


class TestHostileFiles:
    def test_too_large(self, planner, arak, settings):
        settings.BUDGET_IMPORT_MAX_BYTES = 100
        with pytest.raises(DomainError) as refused:
            imports.import_preview(actor=planner, city=arak, year=1404, file=csv_file(BUDGET * 3))
        assert refused.value.code == "import_too_large"

    def test_too_many_rows(self, planner, arak, settings):
        settings.BUDGET_IMPORT_MAX_ROWS = 2
        text = HEADER + "".join(f"{n},ر,,1,,,\n" for n in range(1, 5))
        with pytest.raises(DomainError) as refused:
            imports.import_preview(actor=planner, city=arak, year=1404, file=csv_file(text))
        assert refused.value.code == "import_too_many_rows"

    @pytest.mark.parametrize(
        "data", [b"\x00\x01\x02binary", b"PK\x03\x04not really a zip", "\ufeff".encode()]
    )
    def test_not_a_table(self, planner, arak, data):
        with pytest.raises(DomainError):
            imports.import_preview(
                actor=planner, city=arak, year=1404, file=SimpleUploadedFile("x.csv", data)
            )

    def test_without_the_code_column(self, planner, arak):
        with pytest.raises(DomainError) as refused:
            imports.import_preview(
                actor=planner, city=arak, year=1404, file=csv_file("عنوان,مصوب\nر,5\n")
            )
        assert refused.value.code == "import_columns"

    def test_a_bad_year_is_refused(self, planner, arak):
        with pytest.raises(DomainError) as refused:
            imports.import_preview(actor=planner, city=arak, year="2025", file=csv_file(BUDGET))
        assert refused.value.code == "invalid_year"


class TestMappingAndExport:
    def test_a_city_reads_its_finance_systems_headers(self, planner, arak):
        services.mapping_set(
            actor=planner,
            city=arak,
            columns={"code": "شماره ردیف", "title": "شرح", "spent": "عملکرد"},
            known=imports.KEYS,
        )
        text = "شماره ردیف,شرح,عملکرد\n201,نگهداری فضای سبز,۷۵۰\n"
        imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(text))
        line = BudgetLine.objects.get()
        assert (line.code, line.title, line.spent) == ("201", "نگهداری فضای سبز", 750)

    def test_the_export_imports_back_unchanged(self, planner, arak):
        services.mapping_set(
            actor=planner, city=arak, columns={"code": "شماره ردیف"}, known=imports.KEYS
        )
        imports.import_apply(actor=planner, city=arak, year=1404, file=csv_file(BUDGET))
        exported = imports.export_csv(arak, 1404)
        assert exported.decode("utf-8-sig").startswith("سال,شماره ردیف,عنوان")
        report = imports.import_preview(
            actor=planner, city=arak, year=1404, file=csv_file(exported.decode("utf-8"))
        )
        assert [row.status for row in report.rows] == ["same", "same"]
        book = load_workbook(io.BytesIO(imports.export_xlsx(arak, 1404)))
        xlsx = SimpleUploadedFile("back.xlsx", imports.export_xlsx(arak, 1404))
        assert book.active.sheet_view.rightToLeft
        report = imports.import_preview(actor=planner, city=arak, year=1404, file=xlsx)
        assert [row.status for row in report.rows] == ["same", "same"]

    def test_text_a_spreadsheet_would_run_is_exported_as_text(self, planner, arak, make_line):
        make_line("101", 5, note='=HYPERLINK("http://evil")')
        text = imports.export_csv(arak, 1404).decode("utf-8-sig")
        assert "'=HYPERLINK" in text
