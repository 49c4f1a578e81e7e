"""Budget writes: validation in Persian, integer money, shares, progress, the audit trail."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Activity
from backend.errors import Conflict, DomainError, Refused
from budget import services
from budget.models import BudgetLine, Funding, Project
from tests.factories import DistrictFactory, PlanItemFactory
from tests.races import needs_postgresql, run_together

pytestmark = pytest.mark.django_db


def actions(obj=None):
    rows = Activity.objects.order_by("id")
    if obj is not None:
        rows = rows.filter(object_type=obj._meta.model_name, object_id=obj.pk)
    return list(rows.values_list("action", flat=True))


class TestParsing:
    @pytest.mark.parametrize(
        ("text", "rials"),
        [
            ("1200000", 1_200_000),
            ("۱٬۲۰۰٬۰۰۰", 1_200_000),
            ("1,200,000", 1_200_000),
            ("١٢٠٠", 1_200),
            (" 0 ", 0),
            (450_000_000_000, 450_000_000_000),
        ],
    )
    def test_rials_read_persian_and_latin_digits_and_separators(self, text, rials):
        assert services.rials(text) == rials

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("12.5", "not_rials"),
            ("۱۲٫۵", "not_rials"),
            (12.0, "not_rials"),
            (True, "not_rials"),
            ("1e9", "not_rials"),
            ("", "not_rials"),
            ("-5", "negative_amount"),
            (-5, "negative_amount"),
            ("9" * 19, "amount_too_large"),
        ],
    )
    def test_rials_refuse_what_is_not_whole_rials(self, value, code):
        with pytest.raises(DomainError) as refused:
            services.rials(value)
        assert refused.value.code == code
        assert refused.value.message  # Persian, for the person

    @pytest.mark.parametrize(
        ("text", "points"), [("25", 2500), ("۳۷٫۵", 3750), ("100", 10000), ("0.01", 1)]
    )
    def test_shares_are_percent_read_into_basis_points(self, text, points):
        assert services.share_points(text) == points

    @pytest.mark.parametrize("text", ["0", "-1", "100.01", "12.345", "abc", "NaN", "Infinity", 0.5])
    def test_shares_outside_0_to_100_or_too_fine_are_refused(self, text):
        with pytest.raises(DomainError) as refused:
            services.share_points(text)
        assert refused.value.code == "invalid_share"


class TestProjects:
    def test_a_project_lives_under_a_scheme_in_a_plan_year(self, planner, plan, scheme):
        project = services.project_create(
            actor=planner,
            plan=plan,
            scheme=scheme,
            year="۱۴۰۵",
            code="P-1",
            title="  احداث پل عابر پیاده  ",
            planned_cost="۴۵۰٬۰۰۰٬۰۰۰٬۰۰۰",
            planned_start="1405/01/15",
            planned_end="1405/12/20",
            responsible_unit="معاونت حمل‌ونقل و ترافیک",
        )
        assert (project.year, project.title) == (1405, "احداث پل عابر پیاده")
        assert project.planned_cost == 450_000_000_000
        assert project.planned_start == datetime.date(2026, 4, 4)
        assert actions(project) == ["budget.project_create"]

    def test_only_a_scheme_carries_projects(self, planner, plan, tree):
        with pytest.raises(DomainError) as refused:
            services.project_create(
                actor=planner, plan=plan, scheme=tree["policy"], year=1404, code="P", title="ت"
            )
        assert refused.value.code == "not_a_scheme"

    def test_a_scheme_of_another_plan_is_refused(self, planner, plan, scheme):
        other = PlanItemFactory(code="9", kind="goal")
        with pytest.raises(DomainError) as refused:
            services.project_create(
                actor=planner, plan=plan, scheme=other.pk, year=1404, code="P", title="ت"
            )
        assert refused.value.code == "scheme_not_in_plan"

    def test_years_outside_the_plan_are_refused(self, planner, plan, scheme):
        for year, code in [
            (1403, "year_outside_plan"),
            (2025, "invalid_year"),
            ("x", "invalid_year"),
        ]:
            with pytest.raises(DomainError) as refused:
                services.project_create(
                    actor=planner, plan=plan, scheme=scheme, year=year, code="P", title="ت"
                )
            assert refused.value.code == code

    def test_the_same_code_twice_in_a_year_is_a_conflict(self, make_project, scheme):
        make_project(scheme, "P-1")
        with pytest.raises(Conflict):
            make_project(scheme, "P-1")
        make_project(scheme, "P-1", year=1405)  # another year is another project

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"title": "<b></b>"}, "title_required"),
            ({"planned_cost": "-1"}, "negative_amount"),
            ({"planned_cost": 1.5}, "not_rials"),
            ({"status": "finished"}, "invalid_choice"),
            ({"planned_start": "1405/13/01"}, "invalid_date"),
            ({"planned_start": "1405/06/01", "planned_end": "1405/01/01"}, "dates_out_of_order"),
            ({"progress_evidence": "javascript:alert(1)"}, "invalid_url"),
            ({"owner": 1}, "unknown_field"),
        ],
    )
    def test_bad_fields_are_refused_in_persian(self, make_project, scheme, fields, code):
        fields.setdefault("title", "پروژه")
        with pytest.raises(DomainError) as refused:
            make_project(scheme, "P-1", **fields)
        assert refused.value.code == code
        assert not Project.objects.exists()

    def test_a_district_of_another_city_is_refused(self, make_project, scheme, qom):
        with pytest.raises(DomainError) as refused:
            make_project(scheme, "P", district=DistrictFactory(city=qom).pk)
        assert refused.value.code == "district_not_in_city"

    def test_an_update_records_what_changed_and_nothing_when_nothing_did(
        self, planner, make_project, scheme
    ):
        project = make_project(scheme, "P-1")
        services.project_update(actor=planner, project=project, status="running")
        services.project_update(actor=planner, project=project, status="running")
        entry = Activity.objects.filter(action="budget.project_update").get()
        assert entry.before == {"status": "planned"}
        assert entry.after == {"status": "running"}

    def test_a_done_project_is_at_100_percent(self, planner, make_project, scheme):
        project = make_project(scheme, "P-1")
        project = services.project_update(actor=planner, project=project, status="done")
        assert project.physical_progress == Decimal(100)
        entry = Activity.objects.filter(action="budget.project_update").get()
        assert entry.after["physical_progress"] == "100.00"

    def test_manual_progress_needs_evidence(self, planner, make_project, scheme):
        project = make_project(scheme, "P-1")
        with pytest.raises(DomainError) as refused:
            services.project_update(
                actor=planner, project=project, progress_mode="manual", manual_progress="40"
            )
        assert refused.value.code == "evidence_required"
        project = services.project_update(
            actor=planner,
            project=project,
            progress_mode="manual",
            manual_progress="۴۰",
            progress_evidence="https://arak.ir/report/12",
        )
        assert project.physical_progress == Decimal("40.00")


class TestMilestones:
    def test_progress_follows_the_milestones_weights(self, planner, make_project, scheme):
        project = make_project(scheme, "P-1")
        design = services.milestone_add(actor=planner, project=project, title="طراحی", weight=1)
        services.milestone_add(
            actor=planner, project=project, title="اجرا", weight="۳", due_on="1404/09/30"
        )
        services.milestone_update(actor=planner, milestone=design, done_on="1404/02/10")
        project.refresh_from_db()
        assert project.physical_progress == Decimal("25.00")
        services.milestone_update(actor=planner, milestone=design, done_on="")
        project.refresh_from_db()
        assert project.physical_progress == Decimal(0)
        assert actions(project).count("budget.milestone_update") == 2

    def test_removing_a_milestone_recomputes_and_is_recorded(self, planner, make_project, scheme):
        project = make_project(scheme, "P-1")
        done = services.milestone_add(actor=planner, project=project, title="یک", weight=1)
        other = services.milestone_add(actor=planner, project=project, title="دو", weight=1)
        services.milestone_update(actor=planner, milestone=done, done_on="1404/01/20")
        services.milestone_remove(actor=planner, milestone=other)
        project.refresh_from_db()
        assert project.physical_progress == Decimal(100)
        assert "budget.milestone_remove" in actions(project)

    @pytest.mark.parametrize("weight", [0, 1001, "x", -1])
    def test_weights_are_whole_numbers_from_1_to_1000(self, planner, make_project, scheme, weight):
        project = make_project(scheme, "P-1")
        with pytest.raises(DomainError):
            services.milestone_add(actor=planner, project=project, title="گام", weight=weight)


class TestLines:
    def test_a_line_keeps_integer_rials(self, make_line):
        line = make_line(
            "1010203",
            "۴۵۰٬۰۰۰٬۰۰۰٬۰۰۰",
            committed="400000000000",
            spent=398_500_000_000,
            source="loan",
        )
        line.refresh_from_db()
        assert (line.approved, line.revised, line.spent) == (
            450_000_000_000,
            None,
            398_500_000_000,
        )
        assert line.current == 450_000_000_000
        assert actions(line) == ["budget.line_create"]

    def test_revising_and_unrevising(self, planner, make_line):
        line = make_line("101", 1_000)
        line, changed = services.line_update(actor=planner, line=line, revised="1200")
        assert (changed, line.current) == (True, 1_200)
        line, changed = services.line_update(actor=planner, line=line, revised="")
        assert (changed, line.revised, line.current) == (True, None, 1_000)

    def test_the_same_figures_again_change_nothing(self, planner, make_line):
        line = make_line("101", 1_000, spent=10)
        _line, changed = services.line_update(actor=planner, line=line, approved="1000", spent=10)
        assert changed is False
        assert actions(line) == ["budget.line_create"]

    def test_a_duplicate_code_in_the_year_is_a_conflict(self, make_line):
        make_line("101")
        with pytest.raises(Conflict):
            make_line("101")
        make_line("101", year=1405)

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"source": "bank"}, "invalid_choice"),
            ({"spent": "-1"}, "negative_amount"),
            ({"committed": "۱۲٫۵"}, "not_rials"),
        ],
    )
    def test_bad_lines_are_refused(self, make_line, fields, code):
        with pytest.raises(DomainError) as refused:
            make_line("101", 1_000, **fields)
        assert refused.value.code == code
        assert not BudgetLine.objects.exists()

    def test_a_bad_code_is_refused(self, planner, arak):
        for code in ["", "=cmd|' /C calc'!A0", "کد", "x" * 41]:
            with pytest.raises(DomainError):
                services.line_create(actor=planner, city=arak, year=1404, code=code, title="ر")


class TestFundings:
    def test_a_project_may_draw_on_two_lines(self, planner, make_project, make_line, scheme):
        project = make_project(scheme, "P-1")
        services.funding_set(actor=planner, line=make_line("101", 1_000), project=project, share=50)
        services.funding_set(
            actor=planner, line=make_line("102", 800), project=project, share="100"
        )
        assert sorted(project.fundings.values_list("line__code", "share")) == [
            ("101", 5_000),
            ("102", 10_000),
        ]

    def test_shares_of_one_line_never_exceed_the_whole_line(
        self, planner, make_project, make_line, scheme
    ):
        line = make_line("101", 1_000)
        first, second = make_project(scheme, "P-1"), make_project(scheme, "P-2")
        services.funding_set(actor=planner, line=line, project=first, share="60")
        with pytest.raises(DomainError) as refused:
            services.funding_set(actor=planner, line=line, project=second, share="40.01")
        assert refused.value.code == "shares_exceed_line"
        assert refused.value.extra == {"free_percent": "40"}
        assert not Funding.objects.filter(project=second).exists()
        services.funding_set(actor=planner, line=line, project=second, share="40")
        # Changing a share counts the others only, not the share it replaces.
        services.funding_set(actor=planner, line=line, project=first, share="55")
        assert sorted(Funding.objects.values_list("share", flat=True)) == [4_000, 5_500]

    def test_a_share_change_is_recorded_and_a_repeat_is_not(
        self, planner, make_project, make_line, scheme
    ):
        line, project = make_line("101", 1_000), make_project(scheme, "P-1")
        services.funding_set(actor=planner, line=line, project=project, share="30")
        services.funding_set(actor=planner, line=line, project=project, share="30")
        services.funding_set(actor=planner, line=line, project=project, share="35")
        entries = Activity.objects.filter(action="budget.funding_set").order_by("id")
        assert [entry.after["share"] for entry in entries] == [3_000, 3_500]
        assert entries[1].before == {"project": project.pk, "share": 3_000}

    def test_a_line_of_another_year_or_city_is_refused(
        self, planner, qom_planner, qom, make_project, make_line, scheme
    ):
        project = make_project(scheme, "P-1")
        with pytest.raises(DomainError) as refused:
            services.funding_set(
                actor=planner, line=make_line("101", year=1405), project=project, share=10
            )
        assert refused.value.code == "year_mismatch"
        qom_line = services.line_create(actor=qom_planner, city=qom, year=1404, code="1", title="ر")
        with pytest.raises(Refused):
            services.funding_set(actor=planner, line=qom_line, project=project, share=10)

    def test_removing_a_funding_is_recorded(self, planner, make_project, make_line, scheme):
        line = make_line("101", 1_000)
        funding = services.funding_set(
            actor=planner, line=line, project=make_project(scheme, "P"), share=10
        )
        services.funding_remove(actor=planner, funding=funding)
        assert not Funding.objects.exists()
        assert actions(line)[-1] == "budget.funding_remove"


class TestPermissions:
    def test_only_planners_of_the_city_write(
        self, citizen, moderator, qom_planner, plan, scheme, arak, make_project, make_line
    ):
        project, line = make_project(scheme, "P-1"), make_line("101")
        for actor in (citizen, moderator, qom_planner):
            with pytest.raises(Refused):
                services.project_create(
                    actor=actor, plan=plan, scheme=scheme, year=1404, code="X", title="ت"
                )
            with pytest.raises(Refused):
                services.project_update(actor=actor, project=project, status="running")
            with pytest.raises(Refused):
                services.milestone_add(actor=actor, project=project, title="گام")
            with pytest.raises(Refused):
                services.line_create(actor=actor, city=arak, year=1404, code="9", title="ر")
            with pytest.raises(Refused):
                services.line_update(actor=actor, line=line, spent=5)
            with pytest.raises(Refused):
                services.funding_set(actor=actor, line=line, project=project, share=5)
            with pytest.raises(Refused):
                services.mapping_set(actor=actor, city=arak, columns={}, known=("code",))
        line.refresh_from_db()
        assert line.spent == 0


class TestMapping:
    def test_the_mapping_is_kept_per_city_and_recorded(self, planner, arak):
        mapping = services.mapping_set(
            actor=planner,
            city=arak,
            columns={"code": "شماره ردیف", "spent": " عملکرد ", "note": ""},
            known=("code", "spent", "note"),
        )
        assert mapping.columns == {"code": "شماره ردیف", "spent": "عملکرد"}
        services.mapping_set(
            actor=planner, city=arak, columns=mapping.columns, known=("code", "spent")
        )
        assert actions(arak) == ["budget.mapping_set"]

    @pytest.mark.parametrize(
        "columns", [["code"], {"budget": "x"}, {"code": "ستون", "spent": "ستون"}]
    )
    def test_bad_mappings_are_refused(self, planner, arak, columns):
        with pytest.raises(DomainError) as refused:
            services.mapping_set(actor=planner, city=arak, columns=columns, known=("code", "spent"))
        assert refused.value.code == "invalid_mapping"


@pytest.mark.django_db(transaction=True)
def test_two_planners_at_once_cannot_give_away_more_than_the_line(planner, plan, arak, scheme):
    needs_postgresql()
    for round_ in range(5):
        line = services.line_create(
            actor=planner, city=arak, year=1404, code=f"L{round_}", title="ر", approved=1000
        )
        projects = [
            services.project_create(
                actor=planner, plan=plan, scheme=scheme, year=1404, code=f"P{round_}-{n}", title="پ"
            )
            for n in range(3)
        ]
        outcomes = run_together(
            *[
                lambda p=project, line=line: services.funding_set(
                    actor=planner, line=line, project=p, share="40"
                )
                for project in projects
            ]
        )
        assert sum(isinstance(outcome, DomainError) for outcome in outcomes) == 1
        assert sum(Funding.objects.filter(line=line).values_list("share", flat=True)) == 8_000


@pytest.mark.parametrize("raw", [2**64, "²", "-3", "abc", None])
def test_ids_beyond_64_bits_or_not_ids_are_refused_in_persian(planner, plan, scheme, raw):
    with pytest.raises(DomainError) as refused:
        services.project_create(
            actor=planner, plan=plan, scheme=raw, year=1404, code="P", title="پ"
        )
    assert refused.value.code == "scheme_not_in_plan"
    project = services.project_create(
        actor=planner, plan=plan, scheme=scheme.pk, year=1404, code="P", title="پ"
    )
    if raw is not None:
        with pytest.raises(DomainError) as refused:
            services.project_update(actor=planner, project=project, district=raw)
        assert refused.value.code == "district_not_in_city"
