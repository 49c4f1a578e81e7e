"""A city's budget file through the API: the column mapping (GET/PUT, planners only), the
import (dry run, apply, a wrong row, idempotent re-import of the same file) and the export
in the same format (exported then imported again: every row «بدون تغییر»)."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Activity
from budget import services
from budget.models import BudgetLine, ImportMapping

pytestmark = pytest.mark.django_db

PERSIAN = re.compile(r"[\u0600-\u06FF]")
HUGE = "9" * 40
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE = (
    "کد ردیف,عنوان,منبع تأمین,مصوب,هزینه‌شده\n"
    '12-01,آسفالت معابر,درآمد اختصاصی شهرداری,"1,250,000,000",۳۰۰۰۰۰\n'
    "12-02,پیاده‌راه بازار,loan,900000,0\n"
)


@pytest.fixture
def anon():
    return APIClient()


def persian_refusal(response, status):
    assert response.status_code == status, response.content[:400]
    body = response.json()
    assert PERSIAN.search(body["detail"] if "detail" in body else str(body)), body
    return body


def upload(text: str | bytes, name: str = "budget.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def send(client, city, content, *, year=1404, dry_run=False, **fields):
    query = f"?year={year}" + ("&dry_run=1" if dry_run else "")
    url = f"/api/v1/cities/{city.pk}/budget/import/{query}"
    return client.post(url, {"file": upload(content), **fields}, format="multipart")


# The mapping -------------------------------------------------------------------------


def test_a_planner_reads_and_sets_the_column_mapping(as_user, planner, arak):
    client = as_user(planner)
    url = f"/api/v1/cities/{arak.pk}/budget/mapping/"
    body = client.get(url).json()
    assert body["columns"] == {}
    fields = {row["key"]: row for row in body["fields"]}
    assert list(fields) == [
        "year",
        "code",
        "title",
        "source",
        "approved",
        "revised",
        "committed",
        "spent",
        "note",
    ]
    assert fields["code"]["header"] == fields["code"]["label"] == "کد ردیف"
    response = client.put(
        url, {"columns": {"code": "شماره ردیف", "approved": "اعتبار مصوب"}}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["columns"] == {"code": "شماره ردیف", "approved": "اعتبار مصوب"}
    fields = {row["key"]: row["header"] for row in body["fields"]}
    assert (fields["code"], fields["approved"], fields["spent"]) == (
        "شماره ردیف",
        "اعتبار مصوب",
        "هزینه‌شده",
    )
    assert client.get(url).json()["columns"] == body["columns"]
    assert Activity.objects.filter(action="budget.mapping_set").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"columns": {"amount": "مبلغ"}},
        {"columns": {"code": "ستون", "title": "ستون"}},
        {"columns": ["code"]},
        {"columns": "code"},
        {"columns": {"code": "x" * 101}},
        {},
        {"columns": {}, "extra": 1},
    ],
)
def test_a_bad_mapping_is_a_persian_400(as_user, planner, arak, body):
    url = f"/api/v1/cities/{arak.pk}/budget/mapping/"
    persian_refusal(as_user(planner).put(url, body, format="json"), 400)
    assert not ImportMapping.objects.exists()


def test_the_mapping_is_for_the_citys_planners(anon, as_user, citizen, qom_planner, arak):
    url = f"/api/v1/cities/{arak.pk}/budget/mapping/"
    body = {"columns": {"code": "کد"}}
    assert anon.get(url).status_code in (401, 403)
    assert anon.put(url, body, format="json").status_code in (401, 403)
    for user in (citizen, qom_planner):
        client = as_user(user)
        persian_refusal(client.get(url), 403)
        persian_refusal(client.put(url, body, format="json"), 403)
    assert not ImportMapping.objects.exists()
    assert as_user(qom_planner).get(f"/api/v1/cities/{HUGE}/budget/mapping/").status_code == 404


# The import --------------------------------------------------------------------------


def test_a_dry_run_reports_and_stores_nothing(as_user, planner, arak):
    response = send(as_user(planner), arak, FILE, dry_run=True)
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["dry_run"] is True
    assert (report["new"], report["changed"], report["same"], report["errors"]) == (2, 0, 0, 0)
    assert report["stored"] == 0
    assert [row["code"] for row in report["rows"]] == ["12-01", "12-02"]
    assert report["rows"][0]["message"] == "ردیف تازه"
    assert not BudgetLine.objects.exists()


def test_apply_then_the_same_file_again_changes_nothing(as_user, planner, arak):
    client = as_user(planner)
    first = send(client, arak, FILE)
    assert first.status_code == 200, first.content
    assert (first.json()["new"], first.json()["stored"]) == (2, 2)
    line = BudgetLine.objects.get(code="12-01")
    assert (line.approved, line.spent, line.source) == (1_250_000_000, 300_000, "own")
    assert BudgetLine.objects.get(code="12-02").source == "loan"
    stamps = dict(BudgetLine.objects.values_list("code", "updated_at"))
    entries = Activity.objects.exclude(action="budget.import").count()

    again = send(client, arak, FILE)
    assert again.status_code == 200, again.content
    report = again.json()
    assert (report["new"], report["changed"], report["same"], report["stored"]) == (0, 0, 2, 0)
    assert {row["message"] for row in report["rows"]} == {"بدون تغییر"}
    assert dict(BudgetLine.objects.values_list("code", "updated_at")) == stamps
    assert Activity.objects.exclude(action="budget.import").count() == entries

    changed = FILE.replace("۳۰۰۰۰۰", "۴۰۰۰۰۰")
    report = send(client, arak, changed, dry_run=True).json()
    assert (report["changed"], report["same"]) == (1, 1)
    assert report["rows"][0]["changes"] == {"spent": [300_000, 400_000]}
    assert BudgetLine.objects.get(code="12-01").spent == 300_000


def test_a_wrong_row_stores_nothing_unless_the_valid_rows_are_accepted(as_user, planner, arak):
    client = as_user(planner)
    wrong = FILE + "12-03,ردیف بد,own,-5,0\n12-04,,own,10,0\n"
    refused = persian_refusal(send(client, arak, wrong), 400)
    assert refused["code"] == "import_invalid"
    rows = {row["code"]: row for row in refused["report"]["rows"]}
    assert rows["12-03"]["status"] == "error"
    assert PERSIAN.search(rows["12-03"]["message"])
    assert rows["12-04"]["status"] == "error"
    assert refused["report"]["errors"] == 2
    assert not BudgetLine.objects.exists()

    preview = send(client, arak, wrong, dry_run=True)
    assert preview.status_code == 200
    assert preview.json()["errors"] == 2

    accepted = send(client, arak, wrong, accept_valid_rows="true")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["stored"] == 2
    assert sorted(BudgetLine.objects.values_list("code", flat=True)) == ["12-01", "12-02"]


def test_the_import_reads_the_citys_own_headers(as_user, planner, arak):
    services.mapping_set(
        actor=planner,
        city=arak,
        columns={"code": "شماره", "title": "شرح", "approved": "اعتبار"},
        known=("year", "code", "title", "source", "approved", "revised", "committed", "spent"),
    )
    response = send(as_user(planner), arak, "شماره,شرح,اعتبار\nA-1,ردیف نخست,1000\n")
    assert response.status_code == 200, response.content
    assert BudgetLine.objects.get().approved == 1000


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", None),
        ("عنوان,مصوب\nآسفالت,100\n", "import_columns"),
        ("کد ردیف,عنوان\n", "import_empty"),
        (b"\x00\x01\x02binary", "import_not_a_table"),
    ],
)
def test_a_bad_file_is_a_persian_400(as_user, planner, arak, content, code):
    body = persian_refusal(send(as_user(planner), arak, content), 400)
    if code:
        assert body["code"] == code
    assert not BudgetLine.objects.exists()


def test_a_file_beyond_the_limit_is_refused(as_user, planner, arak, settings):
    settings.BUDGET_IMPORT_MAX_BYTES = 100
    body = persian_refusal(send(as_user(planner), arak, FILE * 5), 400)
    assert body["code"] == "import_too_large"


@pytest.mark.parametrize(
    "query", ["", "?year=abc", "?year=1299", f"?year={HUGE}", "?year=1404&dry_run=maybe"]
)
def test_a_bad_year_or_flag_is_a_persian_400(as_user, planner, arak, query):
    url = f"/api/v1/cities/{arak.pk}/budget/import/{query}"
    response = as_user(planner).post(url, {"file": upload(FILE)}, format="multipart")
    persian_refusal(response, 400)
    assert not BudgetLine.objects.exists()


def test_no_file_or_json_instead_of_a_file_is_a_4xx(as_user, planner, arak):
    client = as_user(planner)
    url = f"/api/v1/cities/{arak.pk}/budget/import/?year=1404"
    persian_refusal(client.post(url, {}, format="multipart"), 400)
    persian_refusal(client.post(url, {"file": "text"}, format="multipart"), 400)
    assert client.post(url, {"file": "x"}, format="json").status_code == 415


def test_the_import_is_for_the_citys_planners(anon, as_user, citizen, qom_planner, arak):
    assert send(anon, arak, FILE).status_code in (401, 403)
    for user in (citizen, qom_planner):
        persian_refusal(send(as_user(user), arak, FILE), 403)
        persian_refusal(send(as_user(user), arak, FILE, dry_run=True), 403)
    assert not BudgetLine.objects.exists()


# The export --------------------------------------------------------------------------


@pytest.fixture
def lines(planner, make_line):
    make_line("12-01", 1_250_000_000, spent=300_000, title="آسفالت معابر")
    make_line("12-02", 900_000, revised=1_000_000, committed=5, source="loan", note="یادداشت")
    make_line("13-01", 7, title="بوستان «محله» ۲", source="participation")
    make_line("12-01", 1, year=1405)


def test_the_export_is_public_in_the_citys_headers(anon, planner, arak, lines):
    services.mapping_set(
        actor=planner, city=arak, columns={"code": "شماره"}, known=("code", "title")
    )
    response = anon.get(f"/api/v1/cities/{arak.pk}/budget/export/", {"year": 1404})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "budget-arak-1404.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["سال", "شماره", "عنوان"]
    assert [row[1] for row in rows[1:]] == ["12-01", "12-02", "13-01"]
    assert rows[1][4] == "1250000000"


def test_the_xlsx_export_reads_right_to_left(anon, arak, lines):
    response = anon.get(
        f"/api/v1/cities/{arak.pk}/budget/export/", {"year": 1404, "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    values = list(sheet.values)
    assert values[0][1] == "کد ردیف"
    assert [row[1] for row in values[1:]] == ["12-01", "12-02", "13-01"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_exported_file_imports_back_unchanged(anon, as_user, planner, arak, lines, kind):
    exported = anon.get(f"/api/v1/cities/{arak.pk}/budget/export/", {"year": 1404, "format": kind})
    url = f"/api/v1/cities/{arak.pk}/budget/import/?year=1404"
    stamps = dict(BudgetLine.objects.values_list("pk", "updated_at"))
    file = SimpleUploadedFile(f"budget.{kind}", exported.content)
    response = as_user(planner).post(url, {"file": file}, format="multipart")
    assert response.status_code == 200, response.content
    report = response.json()
    assert [row["status"] for row in report["rows"]] == ["same", "same", "same"], report
    assert report["stored"] == 0
    assert dict(BudgetLine.objects.values_list("pk", "updated_at")) == stamps


def test_a_title_starting_with_a_dash_survives_the_round_trip(anon, as_user, planner, arak):
    line = services.line_create(
        actor=planner, city=arak, year=1404, code="14-01", title="-۲۰٪ کاهش", approved=5
    )
    exported = anon.get(f"/api/v1/cities/{arak.pk}/budget/export/", {"year": 1404})
    url = f"/api/v1/cities/{arak.pk}/budget/import/?year=1404"
    file = SimpleUploadedFile("budget.csv", exported.content)
    report = as_user(planner).post(url, {"file": file}, format="multipart").json()
    assert [row["status"] for row in report["rows"]] == ["same"], report
    line.refresh_from_db()
    assert line.title == "-۲۰٪ کاهش"


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"year": "x"}, {"year": HUGE}])
def test_bad_export_queries_are_a_persian_400(anon, arak, query):
    persian_refusal(anon.get(f"/api/v1/cities/{arak.pk}/budget/export/", query), 400)


def test_an_unknown_city_is_a_404(anon):
    assert anon.get(f"/api/v1/cities/{HUGE}/budget/export/").status_code == 404
    assert anon.get("/api/v1/cities/999999/budget/export/").status_code == 404
