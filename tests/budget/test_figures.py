"""The budget arithmetic: integers for money, basis points for shares, the published rules."""

from decimal import Decimal

import pytest

from budget import figures
from budget.figures import Money


class TestMoneyInIntegers:
    def test_a_share_of_an_amount_rounds_down_to_whole_rials(self):
        assert figures.drawn(1_000, 3_333) == 333
        assert figures.drawn(10, 5_000) == 5
        assert figures.drawn(7, 5_000) == 3

    def test_no_float_reaches_the_money(self):
        with pytest.raises(TypeError):
            figures.drawn(1_000.0, 5_000)
        with pytest.raises(TypeError):
            figures.drawn(1_000, 50.0)

    def test_amounts_beyond_float_precision_stay_exact(self):
        # 9.007e15 is where floats stop counting whole numbers; a city budget in rials gets there.
        amount = 9_007_199_254_740_993
        assert figures.drawn(amount, 10_000) == amount
        assert figures.drawn(amount, 5_000) == 4_503_599_627_370_496

    def test_a_funding_brings_its_share_of_each_figure(self):
        money = figures.funded(approved=1_000, revised=800, committed=500, spent=400, share=2_500)
        assert money.as_json() == {
            "planned": 0,
            "approved": 250,
            "current": 200,
            "committed": 125,
            "spent": 100,
        }

    def test_the_current_allocation_is_the_revised_amount_when_there_is_one(self):
        assert figures.line_current(1_000, None) == 1_000
        assert figures.line_current(1_000, 0) == 0
        assert figures.line_current(1_000, 1_200) == 1_200

    def test_money_adds_up(self):
        total = Money()
        total.add(Money(planned=1, approved=2, current=3, committed=4, spent=5))
        total.add(Money(planned=10, approved=20, current=30, committed=40, spent=50))
        assert total == Money(planned=11, approved=22, current=33, committed=44, spent=55)


class TestShares:
    def test_ratio_is_exact_to_four_places(self):
        assert figures.ratio(1, 3) == Decimal("0.3333")
        assert figures.ratio(2, 3) == Decimal("0.6667")
        assert figures.ratio(0, 5) == Decimal("0")

    def test_no_allocation_is_unknown_not_zero(self):
        assert figures.ratio(10, 0) is None
        assert figures.spent_share(Money(spent=10)) is None

    def test_overspending_shows_above_one_hundred_percent(self):
        assert figures.spent_share(Money(current=100, spent=120)) == Decimal("1.2000")


class TestPhysicalProgress:
    def test_milestones_count_by_weight(self):
        assert figures.milestone_progress([(1, True), (3, False)]) == Decimal("25.00")
        assert figures.milestone_progress([(2, True), (1, True)]) == Decimal("100.00")
        assert figures.milestone_progress([]) == Decimal(0)

    def test_a_done_project_is_complete_whatever_its_milestones(self):
        assert figures.project_progress(
            status="done", mode="milestones", manual=None, milestones=[(1, False)]
        ) == Decimal(100)

    def test_manual_progress_is_taken_as_entered(self):
        assert figures.project_progress(
            status="running", mode="manual", manual=Decimal("42.50"), milestones=[(1, True)]
        ) == Decimal("42.50")
        assert figures.project_progress(
            status="running", mode="manual", manual=None, milestones=[]
        ) == Decimal(0)

    def test_the_mean_weights_by_planned_cost(self):
        rows = [("running", Decimal(25), 1_000), ("running", Decimal(50), 3_000)]
        assert figures.physical_mean(rows) == Decimal("0.4375")

    def test_cancelled_projects_are_out_of_the_mean(self):
        rows = [("running", Decimal(80), 1_000), ("cancelled", Decimal(0), 9_000)]
        assert figures.physical_mean(rows) == Decimal("0.8000")

    def test_without_costs_each_project_counts_once(self):
        rows = [("running", Decimal(20), 0), ("stopped", Decimal(60), 0)]
        assert figures.physical_mean(rows) == Decimal("0.4000")

    def test_no_project_left_is_unknown(self):
        assert figures.physical_mean([]) is None
        assert figures.physical_mean([("cancelled", Decimal(50), 10)]) is None


class TestGapRule:
    RULE = {"gap_spent": Decimal("0.9"), "gap_result": Decimal("0.6")}

    def test_money_spent_while_results_lag_is_flagged(self):
        flags = figures.gap_flags(
            spent=Decimal("0.95"), physical=Decimal("0.8"), realisation=Decimal("0.59"), **self.RULE
        )
        assert flags == [figures.MONEY_AHEAD_OF_RESULTS]

    def test_money_spent_while_work_lags_is_flagged(self):
        flags = figures.gap_flags(
            spent=Decimal("0.9"), physical=Decimal("0.3"), realisation=None, **self.RULE
        )
        assert flags == [figures.MONEY_AHEAD_OF_WORK]

    def test_both_flags_at_once(self):
        flags = figures.gap_flags(
            spent=Decimal("1"), physical=Decimal("0.1"), realisation=Decimal("0.1"), **self.RULE
        )
        assert flags == [figures.MONEY_AHEAD_OF_RESULTS, figures.MONEY_AHEAD_OF_WORK]

    @pytest.mark.parametrize(
        ("spent", "physical", "realisation"),
        [
            (Decimal("0.8999"), Decimal("0.1"), Decimal("0.1")),  # not spent enough to worry
            (Decimal("0.95"), Decimal("0.6"), Decimal("0.6")),  # results at the threshold
            (None, Decimal("0.1"), Decimal("0.1")),  # no allocation known
            (Decimal("0.95"), None, None),  # nothing to compare with
        ],
    )
    def test_no_flag(self, spent, physical, realisation):
        assert (
            figures.gap_flags(spent=spent, physical=physical, realisation=realisation, **self.RULE)
            == []
        )
