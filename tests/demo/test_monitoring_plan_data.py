"""The monitoring demo data agrees with itself and with Arak's plan. No database: plain data.

The formula checks use a tiny regex extractor of ``val("…")`` and ``input("…")``; the real
parser lives in the monitoring app.
"""

import re
from decimal import Decimal

import pytest

from demo import content_plan
from demo import monitoring_plan as mp

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
VAL = re.compile(r'val\(\s*"([^"]*)"\s*\)')
INPUT = re.compile(r'input\(\s*"([^"]*)"\s*\)')
PERSIAN = re.compile("[\u0600-\u06ff]")
ARABIC_FORMS = re.compile("[\u064a\u0643]")  # Arabic yeh and kaf instead of Persian ones

PLAN_CODES = {item[0] for item in content_plan.ARAK_ITEMS}
GOALS = {code for code in PLAN_CODES if "." not in code}
MEASURED = {i["code"] for i in mp.INDICATORS if i["kind"] == "measured"}
COMPUTED = {i["code"] for i in mp.INDICATORS if i["kind"] == "computed"}
MEASUREMENTS = mp.measurements()
INPUT_ENTRIES = mp.input_entries()


def references(code):
    return set(VAL.findall(mp.BY_CODE[code]["formula"]))


def find_cycle(graph):
    """A node on a cycle of ``graph`` (node → set of nodes), or None."""
    done, on_path = set(), set()

    def visit(node):
        if node in on_path:
            return node
        if node in done:
            return None
        on_path.add(node)
        for target in graph.get(node, ()):
            found = visit(target)
            if found:
                return found
        on_path.discard(node)
        done.add(node)
        return None

    for node in graph:
        found = visit(node)
        if found:
            return found
    return None


def measured_dependencies(code):
    if code in MEASURED:
        return {code}
    return set().union(*(measured_dependencies(ref) for ref in references(code)))


def better(direction, value, than):
    return value > than if direction == "higher" else value < than


def values_by_key():
    return {(m["code"], m["year"], m["period"]): m for m in MEASUREMENTS}


def test_codes_are_unique_slugs():
    codes = [indicator["code"] for indicator in mp.INDICATORS]
    assert len(codes) == len(set(codes))
    assert 18 <= len(codes) <= 25
    assert all(SLUG.match(code) for code in codes)
    assert "e_services" in codes


@pytest.mark.parametrize("indicator", mp.INDICATORS, ids=lambda i: i["code"])
def test_indicator_fields(indicator):
    assert indicator["direction"] in {"higher", "lower"}
    assert indicator["periodicity"] in mp.PERIODS_PER_YEAR
    assert indicator["aggregation"] in {"sum", "mean", "last"}
    assert indicator["kind"] in {"measured", "computed"}
    for field in ("title", "unit", "source", "owner_unit", "definition"):
        assert PERSIAN.search(indicator[field]), field
        assert not ARABIC_FORMS.search(indicator[field]), field


@pytest.mark.parametrize("indicator", mp.INDICATORS, ids=lambda i: i["code"])
def test_formula_and_inputs_match_the_kind(indicator):
    if indicator["kind"] == "measured":
        assert indicator["formula"] == ""
        assert indicator["inputs"] == []
        return
    formula = indicator["formula"]
    assert "__" not in formula
    assert VAL.search(formula) or INPUT.search(formula)
    assert sorted(set(INPUT.findall(formula))) == sorted(indicator["inputs"])


def test_references_exist_and_share_the_periodicity():
    for code in COMPUTED:
        for ref in references(code):
            assert ref in mp.BY_CODE, (code, ref)
            assert ref != code
            assert mp.BY_CODE[ref]["periodicity"] == mp.BY_CODE[code]["periodicity"]


def test_formulas_form_no_cycle():
    graph = {code: references(code) for code in mp.INDICATOR_CODES}
    assert find_cycle(graph) is None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) in {"a", "b", "c"}
    assert find_cycle({"a": {"a"}}) == "a"
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_computed_indicators_chain_two_levels():
    assert len(COMPUTED) >= 4
    on_computed = [code for code in COMPUTED if references(code) & COMPUTED]
    assert on_computed, "some computed indicator must use another computed one"
    assert sum(bool(mp.BY_CODE[code]["inputs"]) for code in COMPUTED) >= 2


@pytest.mark.parametrize("indicator", mp.INDICATORS, ids=lambda i: i["code"])
def test_links_name_plan_items_with_public_weights(indicator):
    links = indicator["links"]
    assert 1 <= len(links) <= 3
    assert len({code for code, _ in links}) == len(links)
    for code, weight in links:
        assert code in PLAN_CODES, code
        assert isinstance(weight, str)
        assert Decimal(weight) > 0


def test_every_goal_is_reached_through_a_linked_item():
    reached = {code.split(".")[0] for i in mp.INDICATORS for code, _ in i["links"]}
    assert reached >= GOALS


def test_the_cancelled_item_exists_and_carries_an_indicator():
    assert len(mp.CANCELLED_ITEMS) == 1
    linked = {code for i in mp.INDICATORS for code, _ in i["links"]}
    for code, reason in mp.CANCELLED_ITEMS.items():
        assert code in PLAN_CODES
        assert code in linked
        assert PERSIAN.search(reason)


def test_baselines_are_dated_at_the_end_of_1403():
    assert set(mp.BASELINES) == set(mp.INDICATOR_CODES)
    for value, year, month in mp.BASELINES.values():
        assert Decimal(value) > 0
        assert (year, month) == (1403, 12)


def test_targets_cover_every_plan_year_and_the_horizon():
    assert set(mp.TARGETS) == set(mp.INDICATOR_CODES)
    for code, years in mp.TARGETS.items():
        assert sorted(years) == [1404, 1405, 1406, 1407, 1408], code
        assert mp.HORIZON[code] == years[1408]


@pytest.mark.parametrize("code", mp.INDICATOR_CODES)
def test_targets_move_the_right_way_from_the_baseline(code):
    direction = mp.BY_CODE[code]["direction"]
    path = [Decimal(mp.BASELINES[code][0])]
    path += [Decimal(mp.TARGETS[code][year]) for year in mp.PLAN_YEARS]
    steps = list(zip(path, path[1:], strict=False))
    flat = [step for step in steps if step[0] == step[1]]
    assert len(flat) <= 1, "at most one flat year"
    assert all(better(direction, new, old) for old, new in steps if old != new)


def test_measurements_only_for_measured_indicators_in_closed_periods():
    keys = [(m["code"], m["year"], m["period"]) for m in MEASUREMENTS]
    assert len(keys) == len(set(keys))
    for m in MEASUREMENTS:
        assert m["code"] in MEASURED, m["code"]
        periodicity = mp.BY_CODE[m["code"]]["periodicity"]
        assert 1 <= m["period"] <= mp.PERIODS_PER_YEAR[periodicity]
        assert m["year"] in (1404, 1405)
        assert (m["year"], mp.period_end_month(periodicity, m["period"])) <= (1405, 8)


def test_measured_values_are_positive_decimals_never_a_zero_for_missing():
    for m in MEASUREMENTS:
        assert isinstance(m["value"], str)
        assert Decimal(m["value"]) > 0, m


def test_every_measured_indicator_has_values():
    assert {m["code"] for m in MEASUREMENTS} == MEASURED


def test_states_dates_and_submissions():
    for m in MEASUREMENTS + INPUT_ENTRIES:
        assert m["state"] in {"verified", "submitted"}
        assert m["entered_on"] <= mp.TODAY
        assert (m["verified_on"] is None) == (m["state"] == "submitted")
        if m["verified_on"]:
            assert m["entered_on"] <= m["verified_on"] <= mp.TODAY
        if m["state"] == "submitted":
            periodicity = mp.BY_CODE[m["code"]]["periodicity"]
            assert (m["year"], m["period"]) == mp.closed_periods(periodicity)[-1]
    submitted = [m for m in MEASUREMENTS if m["state"] == "submitted"]
    assert 2 <= len(submitted) <= 4
    assert sum(m["state"] == "verified" for m in MEASUREMENTS) > 0.9 * len(MEASUREMENTS)


def test_exactly_one_correction_after_verification_and_after_a_snapshot():
    corrected = [m for m in MEASUREMENTS if "correction" in m]
    assert len(corrected) == 1
    (m,) = corrected
    correction = m["correction"]
    assert m["state"] == "verified"
    assert Decimal(correction["value"]) > 0
    assert correction["value"] != m["value"]
    assert PERSIAN.search(correction["reason"])
    assert m["verified_on"] < correction["corrected_on"] <= mp.TODAY
    end = (m["year"], mp.period_end_month(mp.BY_CODE[m["code"]]["periodicity"], m["period"]))
    frozen = [
        s
        for s in mp.SNAPSHOTS
        if end <= (s["year"], s["month"]) and s["taken_on"] < correction["corrected_on"]
    ]
    assert frozen, "the correction should come after a snapshot that holds the old value"


def test_overdue_indicators_lack_the_last_two_periods_and_no_others_do():
    assert 2 <= len(mp.OVERDUE) <= 3
    values = values_by_key()
    for code in MEASURED:
        periods = mp.closed_periods(mp.BY_CODE[code]["periodicity"])
        present = [(code, year, period) in values for year, period in periods]
        if code in mp.OVERDUE:
            assert present[-2:] == [False, False], code
            assert any(present), code
        else:
            assert present[-1], code


def test_the_over_achiever_beats_its_1405_target_and_it_alone():
    values = values_by_key()
    beating = set()
    for code in MEASURED - set(mp.OVERDUE):
        indicator = mp.BY_CODE[code]
        if indicator["aggregation"] == "sum":
            continue
        year, period = mp.closed_periods(indicator["periodicity"])[-1]
        latest = Decimal(values[(code, year, period)]["value"])
        if better(indicator["direction"], latest, Decimal(mp.TARGETS[code][1405])):
            beating.add(code)
    assert beating == {mp.OVER_ACHIEVER}


def test_input_entries_feed_every_computed_indicator_with_inputs():
    with_inputs = {code for code in COMPUTED if mp.BY_CODE[code]["inputs"]}
    assert {e["code"] for e in INPUT_ENTRIES} == with_inputs
    keys = [(e["code"], e["year"], e["period"]) for e in INPUT_ENTRIES]
    assert len(keys) == len(set(keys))
    for code in with_inputs:
        periods = mp.closed_periods(mp.BY_CODE[code]["periodicity"])
        assert sorted((y, p) for c, y, p in keys if c == code) == periods
    for entry in INPUT_ENTRIES:
        assert sorted(entry["inputs"]) == sorted(mp.BY_CODE[entry["code"]]["inputs"])
        assert all(Decimal(value) > 0 for value in entry["inputs"].values())


def test_computed_indicators_have_their_measured_values_except_when_overdue():
    values = values_by_key()
    for code in COMPUTED:
        dependencies = measured_dependencies(code)
        computable = 0
        for year, period in mp.closed_periods(mp.BY_CODE[code]["periodicity"]):
            missing = {dep for dep in dependencies if (dep, year, period) not in values}
            assert missing <= set(mp.OVERDUE), (code, year, period, missing)
            computable += not missing
        assert computable >= 4, code


def test_snapshots_freeze_closed_periods():
    keys = [s["key"] for s in mp.SNAPSHOTS]
    assert len(keys) == len(set(keys)) >= 2
    for snapshot in mp.SNAPSHOTS:
        assert PERSIAN.search(snapshot["title"])
        assert (snapshot["year"], snapshot["month"]) <= (1405, 8)
        assert (snapshot["year"], snapshot["month"], 31) < snapshot["taken_on"] <= mp.TODAY


def test_the_data_is_deterministic():
    assert mp.measurements() == MEASUREMENTS
    assert mp.input_entries() == INPUT_ENTRIES
