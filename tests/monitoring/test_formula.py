"""The formula language of computed indicators: parsing, evaluation, refusals, display."""

from decimal import Decimal

import pytest

from backend.errors import DomainError
from monitoring.formula import (
    ERROR_CODES,
    MAX_LENGTH,
    Formula,
    FormulaError,
    check_cycles,
    evaluation_order,
    parse,
)


def value_of(source, values=None, inputs=None):
    return parse(source).evaluate(values=values or {}, inputs=inputs or {})


def refusal(source, **kwargs):
    with pytest.raises(FormulaError) as caught:
        parse(source, **kwargs)
    error = caught.value
    assert error.code in ERROR_CODES
    assert error.status == 400
    return error


# --- arithmetic, precedence and associativity -------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("100 / 10 / 5", "2"),
        ("2 ^ 3 ^ 2", "512"),
        ("(2 ^ 3) ^ 2", "64"),
        ("-2 ^ 2", "-4"),
        ("(-2) ^ 2", "4"),
        ("2 ^ -1", "0.5"),
        ("-3 * -2", "6"),
        ("+5 - -5", "10"),
        ("2 * 3 ^ 2", "18"),
        ("1 + 2 < 4", "1"),
        ("0.1 + 0.2", "0.3"),
        ("1 / 3", "0.333333"),
        ("2 / 3", "0.666667"),
        ("2 ^ 0.5", "1.414214"),
        ("0 ^ 0", "1"),
        ("10 ^ 12", "1000000000000"),
    ],
)
def test_arithmetic(source, expected):
    assert value_of(source) == Decimal(expected)


def test_result_is_quantised_to_six_places_half_even():
    result = value_of("0.0000005 + 0")
    assert result == Decimal("0.000000")
    assert str(result) == "0.000000"  # never "-0.000000"
    assert value_of("0.0000015") == Decimal("0.000002")
    assert str(value_of("7")) == "7.000000"
    assert str(value_of("-0.0000001")) == "0.000000"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("3 < 4", 1),
        ("4 < 4", 0),
        ("4 <= 4", 1),
        ("5 > 4", 1),
        ("4 == 4.0", 1),
        ("4 != 4", 0),
        ("4 = 4", 1),
        ("3 ≤ 4", 1),
        ("3 ≥ 4", 0),
        ("3 ≠ 4", 1),
        ("1 and 0", 0),
        ("1 and 2", 1),
        ("0 or 3", 1),
        ("not 0", 1),
        ("not 1 < 2", 0),
        ("1 or 0 and 0", 1),
        ("(1 or 0) and 0", 0),
        ("1 AND 1", 1),
    ],
)
def test_comparisons_and_logic_give_one_or_zero(source, expected):
    result = value_of(source)
    assert result == expected
    assert isinstance(result, Decimal)


def test_and_or_if_evaluate_only_what_they_need():
    # The right side would divide by zero or miss a value; it is never reached.
    inputs = {"n": 0}
    assert value_of('input("n") != 0 and 1 / input("n") > 0', inputs=inputs) == 0
    assert value_of('input("n") == 0 or 1 / input("n") > 0', inputs=inputs) == 1
    assert value_of('if(input("n") > 0, val("x") / input("n"), 0)', inputs=inputs) == 0


# --- numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("۱۲", "12"),
        ("۱۲٫۵", "12.5"),
        ("٣٤", "34"),
        ("١٫٢٥", "1.25"),
        ("۱2 + ٣", "15"),
        ("۲ × ۳ ÷ ۴", "1.5"),
        ("۵ − ۲", "3"),
    ],
)
def test_persian_and_arabic_indic_digits(source, expected):
    assert value_of(source) == Decimal(expected)


@pytest.mark.parametrize("source", ["1.", "1.2.3", "1e5", "2x", "1_000", ".5", "۱٬۰۰۰"])
def test_malformed_numbers_are_refused(source):
    assert refusal(source).code == "syntax"


# --- functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("min(3, 1, 2)", "1"),
        ("min(7)", "7"),
        ("max(3, 1, 2)", "3"),
        ("abs(-4.5)", "4.5"),
        ("round(2.5)", "3"),
        ("round(-2.5)", "-3"),
        ("round(3.14159, 2)", "3.14"),
        ("round(1234.5678, -2)", "1200"),
        ("round(2.675, +2)", "2.68"),
        ("sum(1, 2, 3.5)", "6.5"),
        ("avg(1, 2, 4)", "2.333333"),
        ("if(1, 10, 20)", "10"),
        ("if(0, 10, 20)", "20"),
        ("if(2 > 1 and 3 > 2, 1, 0)", "1"),
        ("MIN(1, 2)", "1"),
        ("کمینه(۳، ۴)", "3"),
        ("بیشینه(۳، ۴)", "4"),
        ("میانگین(۲، ۴)", "3"),
        ("جمع(۱، ۲)", "3"),
        ("قدرمطلق(-۲)", "2"),
        ("گرد(۲٫۴)", "2"),
        ("اگر(۱ و ۰، ۱، ۲)", "2"),
        ("اگر(نه ۰ یا ۰، ۱، ۲)", "1"),
        ("كمينه(۱، ۲)", "1"),  # Arabic kaf and yeh
    ],
)
def test_functions(source, expected):
    assert value_of(source) == Decimal(expected)


@pytest.mark.parametrize(
    "source",
    [
        "min()",
        "abs()",
        "abs(1, 2)",
        "round(1, 2, 3)",
        "round(1, 0.5)",
        "round(1, 7)",
        "round(1, -13)",
        'round(1, val("a"))',
        "if(1, 2)",
        "if(1, 2, 3, 4)",
        "min",
        "min(1, 2",
        "min(1,, 2)",
    ],
)
def test_wrong_calls_are_syntax_errors(source):
    error = refusal(source)
    assert error.code == "syntax"
    assert error.position is not None


# --- references and inputs ------------------------------------------------------------


def test_references_and_inputs_are_extracted():
    formula = parse(
        'val("served") / val(\'households\') * 100 + input(«population») - val("served")'
    )
    assert formula.references() == frozenset({"served", "households"})
    assert formula.inputs() == frozenset({"population"})
    assert parse("1 + 2").references() == frozenset()
    assert parse("1 + 2").inputs() == frozenset()


def test_references_are_evaluated_from_values_and_inputs():
    formula = parse('val("clinics") / input("population") * 10000')
    result = formula.evaluate(values={"clinics": 12}, inputs={"population": Decimal("480000")})
    assert result == Decimal("0.25")


def test_float_values_are_taken_as_written():
    assert value_of('val("a") + val("b")', values={"a": 0.1, "b": 0.2}) == Decimal("0.3")


def test_same_name_for_indicator_and_input_is_kept_apart():
    formula = parse('val("x") - input("x")')
    assert formula.evaluate(values={"x": 10}, inputs={"x": 3}) == 7


def test_persian_reference_names():
    formula = parse("مقدار(«a») + ورودی(«b»)")
    assert formula.references() == frozenset({"a"})
    assert formula.inputs() == frozenset({"b"})


@pytest.mark.parametrize(
    "source",
    [
        'val("E_services")',
        'val("1abc")',
        'val("")',
        'val(" a")',
        'val("a-b")',
        'val("' + "a" * 41 + '")',
        "val(a)",
        "val(1)",
        'val("a" + "b")',
        "val()",
        'input("شهر")',
        'val("a)',
    ],
)
def test_malformed_references_are_refused(source):
    assert refusal(source).code == "syntax"


def test_forty_character_code_is_accepted():
    assert parse('val("' + "a" * 40 + '")').references() == frozenset({"a" * 40})


def test_unknown_code_is_refused_when_codes_are_known():
    error = refusal('val("a") + val("ghost")', known_codes={"a", "b"})
    assert error.code == "unknown_reference"
    assert "ghost" in error.message
    assert error.position == 15
    assert error.extra["name"] == "ghost"


def test_unknown_input_is_refused_when_inputs_are_known():
    error = refusal('input("population") / input("area")', known_inputs=["population"])
    assert error.code == "unknown_reference"
    assert "area" in error.message


def test_known_references_pass():
    formula = parse('val("a") * input("p")', known_codes=["a"], known_inputs=frozenset({"p"}))
    assert formula.references() == frozenset({"a"})


def test_unknown_codes_are_not_checked_without_a_list():
    assert parse('val("anything")').references() == frozenset({"anything"})


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["__import__", "eval", "exec", "open", "os", "getattr", "compile", "print", "sqrt"]
)
def test_unknown_functions_are_refused(name):
    error = refusal(f'{name}("1")')
    assert error.code == "unknown_function"
    assert name in error.message
    assert error.position == 0


@pytest.mark.parametrize(
    "source",
    [
        '__import__("os")',
        '__import__("os").system("ls")',
        "().__class__",
        "().__class__.__bases__[0].__subclasses__()",
        'eval("1")',
        'exec("import os")',
        "a.b",
        "a[0]",
        "[1, 2]",
        "{1: 2}",
        "lambda: 1",
        "lambda x: x",
        '"a" + "b"',
        '"abc"',
        "x",
        "1 if 1 else 2",
        "1 < 2 < 3",
        "1 < 2 == 1",
        "1; 2",
        "a = 1",
        "2 ** 3",
        "1 @ 2",
        "`ls`",
        "1 # comment",
        "1\x002",
        "\x00",
        "1 + 2\x1b",
        "1 \u202e+ 2",
        "1 + \u2066 2",
        "\u200f1",
        "val(\u200e'a')",
        "1\u200b+1",
        "1\u20282",
        "9^9^9",
        "10 ^ 13",
        "2 ^ 100",
        "0.1 ^ -20",
        "(" * 60 + "1" + ")" * 60,
        "-" * 60 + "1",
        "2" + "^2" * 60,
        "1" + " " * MAX_LENGTH,
        "1+" * 300 + "1",
        "",
        "   ",
        "1 +",
        "(1",
        "and 1",
        "not",
        ",",
    ],
)
def test_hostile_or_broken_input_is_refused(source):
    error = refusal(source)
    assert isinstance(error, DomainError)
    assert error.message  # a Persian sentence
    assert any("\u0600" <= ch <= "\u06ff" for ch in error.message)


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ('__import__("os")', "unknown_function"),
        ("9^9^9", "overflow"),
        ("(" * 60 + "1" + ")" * 60, "too_deep"),
        ("1" * (MAX_LENGTH + 1), "too_long"),
        ("1 / 0", "division_by_zero"),
        ("0 ^ -1", "division_by_zero"),
        ("1 / (2 - 2)", "division_by_zero"),
        ("(-8) ^ (1 / 3)", "overflow"),
        ("1" + "0" * 40, "overflow"),
        ("1\x002", "syntax"),
        ("1 \u202e+ 2", "syntax"),
    ],
)
def test_refusal_codes(source, code):
    assert refusal(source).code == code


def test_positions_point_at_the_problem():
    assert refusal("1 + 2 $ 3").position == 6
    assert refusal("1 + \u202e2").position == 4
    assert refusal("1 + \x00").position == 4
    assert "۷" in refusal("1 + 2 $ 3").message  # shown 1-based in Persian digits


def test_refused_at_parse_time_means_never_evaluated():
    # The constant part is checked while parsing: nothing to evaluate later.
    with pytest.raises(FormulaError):
        Formula("9^9^9")
    with pytest.raises(FormulaError):
        Formula('val("a") + 1 / 0')


def test_limits_are_inclusive():
    assert value_of("(" * 50 + "1" + ")" * 50) == 1
    assert parse("1" + " " * (MAX_LENGTH - 1)).evaluate(values={}) == 1
    assert value_of("1+" * 249 + "1") == 250


def test_power_bound_applies_to_values_too():
    formula = parse('val("b") ^ val("e")')
    assert formula.evaluate(values={"b": 10, "e": 12}) == Decimal(10) ** 12
    with pytest.raises(FormulaError) as caught:
        formula.evaluate(values={"b": 9, "e": 387420489})
    assert caught.value.code == "overflow"
    assert formula.evaluate(values={"b": 2, "e": -1000}) == 0


def test_huge_values_are_refused_not_rounded():
    with pytest.raises(FormulaError) as caught:
        parse('val("a") * val("a")').evaluate(values={"a": Decimal("1e20")})
    assert caught.value.code == "overflow"


def test_non_string_source_is_refused():
    with pytest.raises(FormulaError):
        parse(None)  # type: ignore[arg-type]


# --- evaluation errors ----------------------------------------------------------------


def test_division_by_zero_at_evaluation():
    formula = parse('val("a") / val("b")')
    with pytest.raises(FormulaError) as caught:
        formula.evaluate(values={"a": 1, "b": 0})
    assert caught.value.code == "division_by_zero"
    assert "صفر" in caught.value.message


@pytest.mark.parametrize(
    ("values", "inputs", "missing"),
    [
        ({"a": 1}, {"p": 2}, "b"),
        ({"a": 1, "b": None}, {"p": 2}, "b"),
        ({"a": None, "b": 2}, {"p": 2}, "a"),
        ({"a": 1, "b": 2}, {}, "p"),
        ({"a": 1, "b": 2}, {"p": None}, "p"),
        ({"a": float("nan"), "b": 2}, {"p": 1}, "a"),
        ({"a": Decimal("Infinity"), "b": 2}, {"p": 1}, "a"),
    ],
)
def test_missing_values_are_errors_never_zero(values, inputs, missing):
    formula = parse('val("a") + val("b") + input("p")')
    with pytest.raises(FormulaError) as caught:
        formula.evaluate(values=values, inputs=inputs)
    assert caught.value.code == "missing_value"
    assert missing in caught.value.message
    assert caught.value.extra["name"] == missing


def test_missing_value_inside_sum_and_avg_is_an_error():
    with pytest.raises(FormulaError) as caught:
        parse('avg(val("a"), val("b"))').evaluate(values={"a": 3})
    assert caught.value.code == "missing_value"


def test_inputs_default_to_none():
    assert parse('val("a") * 2').evaluate(values={"a": 4}) == 8


def test_non_numbers_are_a_programming_error():
    with pytest.raises(TypeError):
        parse('val("a")').evaluate(values={"a": "12"})


# --- explain --------------------------------------------------------------------------


def test_explain_lists_each_reference_once_in_order_with_its_value():
    formula = parse('val("served") / input("population") + val("base") - val("served")')
    rows = formula.explain(values={"served": 12, "base": None}, inputs={"population": 0.5})
    assert rows == [
        {"kind": "val", "name": "served", "label": "شاخص", "value": Decimal(12), "missing": False},
        {
            "kind": "input",
            "name": "population",
            "label": "ورودی",
            "value": Decimal("0.5"),
            "missing": False,
        },
        {"kind": "val", "name": "base", "label": "شاخص", "value": None, "missing": True},
    ]


def test_explain_of_a_constant_formula_is_empty():
    assert parse("1 + 1").explain(values={}, inputs={}) == []


# --- display --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "persian"),
    [
        ('min(val("a"), 10) * 2.5', "کمینه(مقدار(«a»)، ۱۰) × ۲٫۵"),
        ('input("pop") / 1000', "ورودی(«pop») ÷ ۱۰۰۰"),
        ("(1 + 2) * 3", "(۱ + ۲) × ۳"),
        ("1 + 2 * 3", "۱ + ۲ × ۳"),
        ("1 - (2 - 3)", "۱ - (۲ - ۳)"),
        ("(1 - 2) - 3", "۱ - ۲ - ۳"),
        ("2 ^ 3 ^ 2", "۲^۳^۲"),
        ("(2 ^ 3) ^ 2", "(۲^۳)^۲"),
        ("(-2) ^ 2", "(-۲)^۲"),
        ("-(1 + 2)", "-(۱ + ۲)"),
        ("1 <= 2 and not 0", "۱ ≤ ۲ و نه ۰"),
        ("if(1 == 1, 1, 0) or 0", "اگر(۱ = ۱، ۱، ۰) یا ۰"),
        ("round(abs(-1.25), 1)", "گرد(قدرمطلق(-۱٫۲۵)، ۱)"),
        ("max(1, 2) + sum(1) + avg(2)", "بیشینه(۱، ۲) + جمع(۱) + میانگین(۲)"),
        ("0.0000001 * 1", "۰٫۰۰۰۰۰۰۱ × ۱"),
    ],
)
def test_to_persian(source, persian):
    assert parse(source).to_persian() == persian


@pytest.mark.parametrize(
    "source",
    [
        'min(val("a"), 10) * 2.5 - input("p") ^ -2',
        "not (1 < 2) or 3 >= 4 and 5 != 6",
        "(1 < 2) < 3",
        "-(-2) ^ 2 / (3 - 4 - 5)",
        "round(1234.5, -2) + if(0, 1, 2)",
    ],
)
def test_persian_display_parses_back_to_the_same_formula(source):
    formula = parse(source)
    again = parse(formula.to_persian())
    assert again._tree == formula._tree
    assert again.evaluate(values={"a": 3}, inputs={"p": 2}) == formula.evaluate(
        values={"a": 3}, inputs={"p": 2}
    )


def test_persian_display_has_no_bidi_controls_or_latin_digits():
    text = parse('val("a1") * 12.5 + 3').to_persian()
    assert not any(ch in text for ch in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066")
    assert not any(ch in "0123456789" for ch in text.replace("a1", ""))


# --- the Formula value ----------------------------------------------------------------


def test_formulas_compare_and_hash_by_source():
    assert parse("1 + 2") == Formula("1 + 2")
    assert len({parse("1 + 2"), Formula("1 + 2"), parse("1+2")}) == 2
    with pytest.raises(AttributeError):
        parse("1").source = "2"  # type: ignore[misc]


# --- cycles and evaluation order ------------------------------------------------------


def test_self_reference_is_a_cycle():
    with pytest.raises(FormulaError) as caught:
        check_cycles({"a": parse('val("a") + 1')})
    assert caught.value.code == "cycle"
    assert caught.value.message == "چرخه در فرمول‌ها: a ← a"


def test_direct_cycle():
    with pytest.raises(FormulaError) as caught:
        check_cycles({"a": parse('val("b")'), "b": parse('val("a")')})
    assert caught.value.message == "چرخه در فرمول‌ها: a ← b ← a"
    assert caught.value.extra["cycle"] == ["a", "b", "a"]


def test_indirect_cycle_names_only_the_cycle():
    formulas = {
        "top": parse('val("a") + val("measured")'),
        "a": parse('val("b") * 2'),
        "b": parse('val("c") - 1'),
        "c": parse('val("a") / 2'),
    }
    with pytest.raises(FormulaError) as caught:
        check_cycles(formulas)
    assert caught.value.message == "چرخه در فرمول‌ها: a ← b ← c ← a"
    with pytest.raises(FormulaError):
        evaluation_order(formulas)


def test_no_cycle_passes():
    assert check_cycles({"a": parse('val("m")'), "b": parse('val("a") + val("m")')}) is None
    assert check_cycles({}) is None


def test_evaluation_order_puts_dependencies_first():
    formulas = {
        "total": parse('val("share") + val("rate")'),
        "share": parse('val("rate") * 100'),
        "rate": parse('val("served") / input("population")'),
        "alone": parse("1"),
    }
    order = evaluation_order(formulas)
    assert sorted(order) == sorted(formulas)
    assert order.index("rate") < order.index("share") < order.index("total")
    assert "served" not in order  # a measured indicator is a leaf
    assert order == evaluation_order(dict(reversed(list(formulas.items()))))


def test_evaluation_order_handles_a_long_chain():
    formulas = {f"i{n}": parse(f'val("i{n - 1}") + 1') for n in range(1, 2000)}
    formulas["i0"] = parse('val("measured")')
    order = evaluation_order(formulas)
    assert order == [f"i{n}" for n in range(2000)]
    values = {"measured": Decimal(0)}
    for code in order:
        values[code] = formulas[code].evaluate(values=values)
    assert values["i1999"] == 1999
