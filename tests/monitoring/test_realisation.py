"""The realisation rule on small inputs (monitoring/realisation.py, no database)."""

from decimal import Decimal as D

import pytest

from monitoring.realisation import (
    ROLLUP_CAP,
    Figure,
    Node,
    aggregate,
    capped,
    indicator_realisation,
    roll_up,
)


def real(actual, baseline, target, direction="higher"):
    return indicator_realisation(
        actual=None if actual is None else D(actual),
        baseline=None if baseline is None else D(baseline),
        target=None if target is None else D(target),
        direction=direction,
    )


@pytest.mark.parametrize(
    ("actual", "baseline", "target", "direction", "expected"),
    [
        ("15", "10", "20", "higher", D("0.5")),
        ("20", "10", "20", "higher", D(1)),
        ("10", "10", "20", "higher", D(0)),
        ("15", "20", "10", "lower", D("0.5")),
        ("10", "20", "10", "lower", D(1)),
        ("25", "20", "10", "lower", D("-0.5")),  # the wrong way is shown, not hidden
        ("5", "10", "20", "higher", D("-0.5")),
    ],
)
def test_progress_from_baseline_to_target_each_direction(
    actual, baseline, target, direction, expected
):
    assert real(actual, baseline, target, direction) == expected


def test_over_achievement_is_shown_unclipped_and_capped_in_the_roll_up():
    value = real("40", "10", "20")
    assert value == D(3)
    assert capped(value) == ROLLUP_CAP == D("1.5")
    assert real("5", "20", "10", "lower") == D("1.5")


@pytest.mark.parametrize(
    ("actual", "direction", "expected"),
    [
        ("10", "higher", 1),
        ("11", "higher", 1),
        ("9", "higher", 0),
        ("9", "lower", 1),
        ("10", "lower", 1),
        ("11", "lower", 0),
    ],
)
def test_target_equal_to_baseline(actual, direction, expected):
    assert real(actual, "10", "10", direction) == D(expected)


@pytest.mark.parametrize(
    ("actual", "baseline", "target"), [(None, "1", "2"), ("1", None, "2"), ("1", "1", None)]
)
def test_missing_is_unknown_not_zero(actual, baseline, target):
    assert real(actual, baseline, target) is None


def test_aggregation_sum_mean_last():
    values = [(3, D(6)), (1, D(2)), (2, D(4))]
    assert aggregate(values, "sum") == D(12)
    assert aggregate(values, "mean") == D(4)
    assert aggregate(values, "last") == D(6)
    assert aggregate([], "sum") is None


def test_weighted_mean_of_links_uses_public_weights():
    figures, plan = roll_up([Node(1, None, links=[(D(3), D(1)), (D(1), D(0))])])
    assert figures[1] == Figure(D("0.75"), D(1))
    assert plan == Figure(D("0.75"), D(1))


def test_missing_data_drops_out_and_lowers_coverage():
    figures, _plan = roll_up([Node(1, None, links=[(D(3), D("0.5")), (D(1), None)])])
    assert figures[1] == Figure(D("0.5"), D("0.75"))


def test_no_data_at_all_is_unknown_with_zero_coverage():
    figures, plan = roll_up([Node(1, None, links=[(D(1), None)])])
    assert figures[1] == Figure(None, D(0))
    assert plan == Figure(None, D(0))


def test_children_weigh_one_each_and_carry_their_coverage():
    nodes = [
        Node(1, None, links=[(D(2), D(1))]),
        Node(2, 1, links=[(D(1), D(0)), (D(1), None)]),  # value 0, coverage 0.5
    ]
    figures, _plan = roll_up(nodes)
    assert figures[2] == Figure(D(0), D("0.5"))
    # goal: link weight 2 value 1 + child weight 1 value 0 → 2/3; coverage (2·1 + 1·0.5)/3
    assert figures[1].value == D(2) / D(3)
    assert figures[1].coverage == D("2.5") / D(3)


def test_cancelled_and_not_applicable_items_drop_out_with_their_subtree():
    nodes = [
        Node(1, None, links=[(D(1), D(1))]),
        Node(2, 1, state="cancelled", links=[(D(1), D(0))]),
        Node(3, 2, links=[(D(1), D(0))]),
        Node(4, 1, state="not_applicable", links=[(D(1), None)]),
    ]
    figures, plan = roll_up(nodes)
    assert figures[1] == Figure(D(1), D(1))
    assert 2 not in figures
    assert 3 not in figures
    assert 4 not in figures
    assert plan == Figure(D(1), D(1))


def test_items_without_indicators_take_no_part():
    nodes = [Node(1, None, links=[(D(1), D("0.4"))]), Node(2, 1), Node(3, None)]
    figures, plan = roll_up(nodes)
    assert set(figures) == {1}
    assert plan == Figure(D("0.4"), D(1))


def test_plan_is_the_mean_of_its_goals_and_capped_values_count_at_most_150():
    nodes = [Node(1, None, links=[(D(1), D(3))]), Node(2, None, links=[(D(1), D("0.5"))])]
    figures, plan = roll_up(nodes)
    assert figures[1].value == D("1.5")
    assert plan.value == D(1)
