"""Computed indicators: formulas checked when a version is published, values recomputed and
stored when a referenced value is verified or corrected. Needs monitoring.formula."""

from decimal import Decimal as D

import pytest

from backend.errors import DomainError
from monitoring.models import Measurement
from monitoring.services import (
    indicator_version_draft,
    indicator_version_publish,
    measurement_correct,
    measurement_enter,
)

pytest.importorskip("monitoring.formula")

pytestmark = pytest.mark.django_db


def current(indicator, year=1404, period=1):
    return Measurement.objects.current().filter(indicator=indicator, year=year, period=period)


@pytest.fixture
def chain(make_indicator):
    a, b = make_indicator("a"), make_indicator("b")
    c = make_indicator("c", kind="computed", formula='val("a") + val("b")')
    d = make_indicator("d", kind="computed", formula='val("c") * 2')
    return a, b, c, d


def test_values_are_computed_in_order_and_recomputed_after_a_correction(planner, chain, verified):
    a, b, c, d = chain
    first = verified(a, 1404, 1, 1)
    assert not current(c).exists()  # b is missing: missing is not zero
    verified(b, 1404, 1, 2)
    (value_c,), (value_d,) = current(c), current(d)
    assert value_c.value == D(3)
    assert value_d.value == D(6)
    assert value_c.entered_by is None
    assert value_c.version == c.current_version
    assert value_c.inputs["values"] == {"a": "1.000000", "b": "2.000000"}
    measurement_correct(actor=planner, measurement=first, value=5, reason="اصلاح")
    (value_c2,), (value_d2,) = current(c), current(d)
    assert value_c2.value == D(7)
    assert value_d2.value == D(14)
    assert value_c2.supersedes == value_c
    assert value_c2.reason


def test_a_computed_indicator_takes_no_entered_value(planner, chain):
    with pytest.raises(DomainError):
        measurement_enter(actor=planner, indicator=chain[2], year=1404, period=1, value=1)


def test_a_cycle_is_refused_when_publishing(planner, chain):
    a = chain[0]
    draft = indicator_version_draft(
        actor=planner, indicator=a, kind="computed", formula='val("d") + 1'
    )
    with pytest.raises(DomainError):
        indicator_version_publish(actor=planner, version=draft)
    assert a.current_version.number == 1


def test_an_unknown_reference_is_refused(make_indicator):
    with pytest.raises(DomainError):
        make_indicator("x", kind="computed", formula='val("nothing") * 2')


def test_division_by_zero_stores_nothing(make_indicator, verified):
    a = make_indicator("a")
    b = make_indicator("b")
    ratio = make_indicator("ratio", kind="computed", formula='val("a") / val("b")')
    verified(a, 1404, 1, 1)
    verified(b, 1404, 1, 0)
    assert not current(ratio).exists()
