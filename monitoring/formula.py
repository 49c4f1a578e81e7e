"""A small, safe formula language for computed indicators.

A computed indicator's value is a formula over other indicators' values for the same
period and named inputs entered with the measurement (population, area, …)::

    val("e_services") / input("population") * 1000
    min(100, round(val("served") / val("households") * 100, 1))
    if(input("population") > 0, val("clinics") / input("population"), 0)

The source is tokenised and parsed by hand (a Pratt parser) into the node classes below;
nothing is ever handed to ``eval``/``exec``/``compile``. Only the operators and the nine
names listed here exist, so ``__import__("os")``, attribute access and indexing are syntax
errors or unknown functions, refused with a Persian message before anything runs.

Language
    numbers      ``12``, ``2.5``, Persian/Arabic-Indic digits ``۱۲٫۵``
    arithmetic   ``+ - * /`` (also ``× ÷``), unary ``-``/``+``, ``^`` power (right
                 associative, ``-2^2`` is ``-(2^2)``; a power above 10^12 is refused)
    comparison   ``< <= > >= == !=`` (also ``= ≤ ≥ ≠``), giving 1 or 0; not chained
    logic        ``and or not`` on truthiness (non-zero is true), giving 1 or 0
    functions    ``if(c, a, b)`` ``min(…)`` ``max(…)`` ``sum(…)`` ``avg(…)`` ``abs(x)``
                 ``round(x)``/``round(x, n)`` (n an integer literal in -12..6, halves away
                 from zero as in spreadsheets)
    references   ``val("code")`` another indicator, ``input("name")`` a named input;
                 quotes ``"…"``, ``'…'`` or ``«…»``; codes match ``[a-z][a-z0-9_]{0,39}``
    Persian      every name has a Persian twin (``کمینه``، ``بیشینه``، ``مقدار``، …) and
                 ``،`` separates arguments, so ``to_persian()`` output parses back.

Precedence, loosest first: ``or`` · ``and`` · ``not`` · comparisons · ``+ -`` · ``* /`` ·
unary ``- +`` · ``^``.

Evaluation uses Decimal (50 significant digits); the result is quantised to six decimal
places with ROUND_HALF_EVEN. A missing value (absent or ``None``) is an error naming the
reference, never zero. ``if``/``and``/``or`` only evaluate the branch they need, so
``if(input("n") > 0, val("x") / input("n"), 0)`` never divides by zero. Constant parts of a
formula are evaluated once at parse time, so ``1/0`` or ``9^9^9`` are refused on save.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from types import MappingProxyType
from typing import Any

from backend.errors import DomainError
from backend.persian import to_latin_digits, to_persian_digits

__all__ = [
    "ERROR_CODES",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Formula",
    "FormulaError",
    "check_cycles",
    "evaluation_order",
    "parse",
]

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_POWER = Decimal(10) ** 12
# Any value beyond this is refused, which keeps the six-place quantisation exact.
MAX_MAGNITUDE = Decimal(10) ** 30
QUANTUM = Decimal("0.000001")
CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")

ERROR_CODES = frozenset(
    {
        "syntax",
        "unknown_function",
        "unknown_reference",
        "cycle",
        "division_by_zero",
        "too_long",
        "too_deep",
        "overflow",
        "missing_value",
    }
)

_CONTEXT = Context(
    prec=50, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
_ONE = Decimal(1)
_ZERO = Decimal(0)
_EMPTY: Mapping[str, Any] = MappingProxyType({})

Number = Decimal | float | int


class FormulaError(DomainError):
    """A formula that cannot be parsed or evaluated; ``code`` is one of ERROR_CODES.

    ``position`` is the 0-based index into the source for errors tied to a place in it
    (the Persian message shows it 1-based).
    """

    status = 400
    code = "syntax"

    def __init__(
        self,
        message: str,
        *,
        code: str = "syntax",
        position: int | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message, code=code, extra=extra)
        self.position = position
        if position is not None:
            self.extra.setdefault("position", position)


def _fa(value: object) -> str:
    return to_persian_digits(str(value))


def _at(position: int) -> str:
    return f"در جایگاه {_fa(position + 1)}"


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


# --- the tree -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    kind: str  # "val" (an indicator) or "input" (a named input)
    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-", "+" or "not"
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # canonical (English) function name
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node = Num | Ref | Unary | Binary | Call


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


# --- names ----------------------------------------------------------------------------

_FUNCTIONS = ("min", "max", "abs", "round", "sum", "avg", "if", "val", "input")
_KEYWORDS = ("and", "or", "not")
_PERSIAN_NAMES = {
    "min": "کمینه",
    "max": "بیشینه",
    "abs": "قدرمطلق",
    "round": "گرد",
    "sum": "جمع",
    "avg": "میانگین",
    "if": "اگر",
    "val": "مقدار",
    "input": "ورودی",
    "and": "و",
    "or": "یا",
    "not": "نه",
}
_ALIASES = {name: name for name in _FUNCTIONS + _KEYWORDS} | {
    persian: name for name, persian in _PERSIAN_NAMES.items()
}
# (least, most) arguments; None means any number.
_ARITY: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "sum": (1, None),
    "avg": (1, None),
    "abs": (1, 1),
    "round": (1, 2),
    "if": (3, 3),
}


def _canonical(name: str) -> str | None:
    folded = name.lower().replace("\u064a", "\u06cc").replace("\u0643", "\u06a9")
    return _ALIASES.get(folded)


# --- characters and tokens ------------------------------------------------------------

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DIGIT_CHARS = frozenset("0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
_DECIMAL_POINTS = frozenset(".\u066b")
_QUOTES = {'"': '"', "'": "'", "«": "»"}
_TWO_CHAR_OPS = {"<=": "<=", ">=": ">=", "==": "==", "!=": "!="}
_ONE_CHAR_OPS = {
    "+": "+",
    "-": "-",
    "\u2212": "-",
    "*": "*",
    "×": "*",
    "/": "/",
    "÷": "/",
    "^": "^",
    "<": "<",
    ">": ">",
    "=": "==",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "(": "(",
    ")": ")",
    ",": ",",
    "،": ",",
}


def _check_characters(source: str) -> None:
    """Refuse NUL and other control characters, bidi controls and invisible marks."""
    for index, ch in enumerate(source):
        if ch in "\t\n\r":
            continue
        if ch in _BIDI_CONTROLS:
            raise FormulaError(
                f"نویسه‌ی نامرئی جهت‌نما {_at(index)} است؛ فرمول را بدون آن بنویسید.",
                position=index,
            )
        if unicodedata.category(ch).startswith("C"):
            raise FormulaError(
                f"نویسه‌ی نامعتبر (U+{ord(ch):04X}) {_at(index)} است.", position=index
            )


def _is_space(ch: str) -> bool:
    return ch in "\t\n\r" or unicodedata.category(ch) == "Zs"


def _is_name_char(ch: str) -> bool:
    if not ch:
        return False
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) == "Lo"


def _is_name_start(ch: str) -> bool:
    return _is_name_char(ch) and not ch.isdigit()


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "str", "name", "op" or "end"
    text: str  # canonical operator, name as written, string contents, Latin number
    pos: int


class _Lexer:
    def __init__(self, source: str):
        self.source = source
        self.index = 0

    def tokens(self) -> list[_Token]:
        found: list[_Token] = []
        while True:
            while self._peek() and _is_space(self._peek()):
                self.index += 1
            if self.index >= len(self.source):
                found.append(_Token("end", "", len(self.source)))
                return found
            found.append(self._token())

    def _peek(self) -> str:
        return self.source[self.index] if self.index < len(self.source) else ""

    def _token(self) -> _Token:
        ch = self._peek()
        if ch in _DIGIT_CHARS:
            return self._number()
        if ch in _QUOTES:
            return self._string()
        if _is_name_start(ch):
            return self._name()
        return self._operator()

    def _digits(self) -> None:
        while self._peek() in _DIGIT_CHARS:
            self.index += 1

    def _number(self) -> _Token:
        start = self.index
        self._digits()
        if self._peek() in _DECIMAL_POINTS:
            self.index += 1
            if self._peek() not in _DIGIT_CHARS:
                raise FormulaError(f"عدد {_at(start)} ناقص است.", position=start)
            self._digits()
        follower = self._peek()
        if follower in _DECIMAL_POINTS or _is_name_char(follower):
            raise FormulaError(
                f"پس از عدد {_at(start)} نویسه‌ی «{follower}» آمده است.", position=self.index
            )
        text = to_latin_digits(self.source[start : self.index]).replace("\u066b", ".")
        return _Token("num", text, start)

    def _string(self) -> _Token:
        start = self.index
        close = _QUOTES[self.source[start]]
        end = self.source.find(close, start + 1)
        if end < 0 or "\n" in self.source[start:end]:
            raise FormulaError(f"گیومه‌ای که {_at(start)} باز شده بسته نشده است.", position=start)
        self.index = end + 1
        return _Token("str", self.source[start + 1 : end], start)

    def _name(self) -> _Token:
        start = self.index
        while _is_name_char(self._peek()):
            self.index += 1
        return _Token("name", self.source[start : self.index], start)

    def _operator(self) -> _Token:
        start = self.index
        pair = self.source[start : start + 2]
        if pair in _TWO_CHAR_OPS:
            self.index += 2
            return _Token("op", _TWO_CHAR_OPS[pair], start)
        ch = self.source[start]
        if ch in _ONE_CHAR_OPS:
            self.index += 1
            return _Token("op", _ONE_CHAR_OPS[ch], start)
        raise FormulaError(f"نویسه‌ی «{ch}» {_at(start)} در فرمول پذیرفته نیست.", position=start)


# --- the parser -----------------------------------------------------------------------

# operator -> (left binding power, right binding power); right < left is right-associative
_INFIX: dict[str, tuple[int, int]] = {
    "or": (2, 2),
    "and": (3, 3),
    "<": (5, 5),
    "<=": (5, 5),
    ">": (5, 5),
    ">=": (5, 5),
    "==": (5, 5),
    "!=": (5, 5),
    "+": (10, 10),
    "-": (10, 10),
    "*": (20, 20),
    "/": (20, 20),
    "^": (30, 29),
}
_NOT_BP = 4
_UNARY_BP = 25
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})


def _infix_op(token: _Token) -> str | None:
    if token.kind == "op" and token.text in _INFIX:
        return token.text
    if token.kind == "name" and _canonical(token.text) in ("and", "or"):
        return _canonical(token.text)
    return None


def _describe(token: _Token) -> str:
    if token.kind == "str":
        return f'"{_shown(token.text)}"'
    return _shown(token.text)


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.index = 0
        self.depth = -1  # the outermost expression is depth 0

    def parse(self) -> Node:
        tree = self._expression(0)
        token = self._peek()
        if token.kind != "end":
            raise self._unexpected(token)
        return tree

    # tokens

    def _peek(self) -> _Token:
        return self.tokens[self.index]

    def _next(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def _at_op(self, text: str) -> bool:
        token = self._peek()
        return token.kind == "op" and token.text == text

    def _expect(self, text: str) -> None:
        token = self._next()
        if token.kind != "op" or token.text != text:
            if token.kind == "end":
                raise FormulaError(f"فرمول ناتمام است؛ «{text}» لازم است.", position=token.pos)
            raise FormulaError(
                f"{_at(token.pos)} «{text}» لازم است، نه «{_describe(token)}».",
                position=token.pos,
            )

    def _unexpected(self, token: _Token) -> FormulaError:
        if token.kind == "end":
            return FormulaError("فرمول ناتمام است.", position=token.pos)
        if token.kind == "str":
            return FormulaError(
                f"متن در گیومه ({_at(token.pos)}) فقط درون val(…) یا input(…) می‌آید.",
                position=token.pos,
            )
        return FormulaError(f"«{_describe(token)}» {_at(token.pos)} بی‌جاست.", position=token.pos)

    # expressions

    def _expression(self, min_bp: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                f"تودرتویی فرمول بیش از {_fa(MAX_DEPTH)} سطح است.",
                code="too_deep",
                position=self._peek().pos,
            )
        left = self._prefix()
        last_was_comparison = False
        while (op := _infix_op(self._peek())) is not None:
            left_bp, right_bp = _INFIX[op]
            if left_bp <= min_bp:
                break
            token = self._next()
            if op in _COMPARISONS and last_was_comparison:
                raise FormulaError(
                    f"مقایسه‌های پیاپی مانند a < b < c ({_at(token.pos)}) پذیرفته نیست؛"
                    " از and استفاده کنید.",
                    position=token.pos,
                )
            last_was_comparison = op in _COMPARISONS
            left = Binary(op, left, self._expression(right_bp), pos=token.pos)
        self.depth -= 1
        return left

    def _prefix(self) -> Node:
        token = self._next()
        if token.kind == "num":
            return Num(Decimal(token.text), pos=token.pos)
        if token.kind == "name":
            return self._name(token)
        if token.kind == "op" and token.text in ("-", "+"):
            return Unary(token.text, self._expression(_UNARY_BP), pos=token.pos)
        if token.kind == "op" and token.text == "(":
            inner = self._expression(0)
            self._expect(")")
            return inner
        raise self._unexpected(token)

    def _name(self, token: _Token) -> Node:
        name = _canonical(token.text)
        if name == "not":
            return Unary("not", self._expression(_NOT_BP), pos=token.pos)
        if name in ("and", "or"):
            raise self._unexpected(token)
        if not self._at_op("("):
            if name is not None:
                raise FormulaError(
                    f"پس از «{token.text}» {_at(token.pos)} پرانتز لازم است.", position=token.pos
                )
            raise FormulaError(
                f"نام «{_shown(token.text)}» {_at(token.pos)} شناخته نیست؛ برای مقدار یک شاخص"
                ' val("کد") و برای یک ورودی input("نام") بنویسید.',
                position=token.pos,
            )
        if name is None:
            raise FormulaError(
                f"تابع «{_shown(token.text)}» {_at(token.pos)} وجود ندارد. تابع‌های مجاز: "
                + "، ".join(_FUNCTIONS)
                + ".",
                code="unknown_function",
                position=token.pos,
            )
        self._next()  # the "("
        if name in ("val", "input"):
            return self._reference(token, name)
        return self._call(token, name)

    def _reference(self, token: _Token, kind: str) -> Ref:
        argument = self._next()
        if argument.kind != "str":
            raise FormulaError(
                f"«{token.text}» {_at(token.pos)} یک کد در گیومه می‌گیرد، مانند"
                f' {kind}("e_services").',
                position=argument.pos,
            )
        if not CODE_PATTERN.fullmatch(argument.text):
            raise FormulaError(
                f"کد «{_shown(argument.text)}» {_at(argument.pos)} معتبر نیست: با حرف کوچک"
                " لاتین آغاز می‌شود و فقط حرف کوچک لاتین، رقم و _ دارد (حداکثر"
                f" {_fa(40)} نویسه).",
                position=argument.pos,
            )
        self._expect(")")
        return Ref(kind, argument.text, pos=argument.pos)

    def _call(self, token: _Token, name: str) -> Call:
        args: list[Node] = []
        if not self._at_op(")"):
            args.append(self._expression(0))
            while self._at_op(","):
                self._next()
                args.append(self._expression(0))
        self._expect(")")
        _check_arity(token, name, len(args))
        if name == "round" and len(args) == 2:
            args[1] = _round_places(args[1], token)
        return Call(name, tuple(args), pos=token.pos)


def _check_arity(token: _Token, name: str, count: int) -> None:
    least, most = _ARITY[name]
    if count >= least and (most is None or count <= most):
        return
    if most is None:
        wanted = f"دست‌کم {_fa(least)}"
    elif least == most:
        wanted = f"دقیقاً {_fa(least)}"
    else:
        wanted = f"{_fa(least)} یا {_fa(most)}"
    raise FormulaError(
        f"تابع «{token.text}» {_at(token.pos)} {wanted} ورودی می‌گیرد، نه {_fa(count)}.",
        position=token.pos,
    )


def _round_places(node: Node, token: _Token) -> Num:
    """round's second argument: an integer literal in -12..6, folded into one Num."""
    sign = 1
    if isinstance(node, Unary) and node.op in ("-", "+"):
        sign = -1 if node.op == "-" else 1
        node = node.operand
    if isinstance(node, Num) and node.value == node.value.to_integral_value():
        places = sign * int(node.value)
        if -12 <= places <= 6:
            return Num(Decimal(places), pos=node.pos)
    raise FormulaError(
        f"دومین ورودی «{token.text}» {_at(token.pos)} باید عددی صحیح میان {_fa(-12)} و"
        f" {_fa(6)} باشد.",
        position=token.pos,
    )


# --- evaluation -----------------------------------------------------------------------


def _overflow(message: str = "عددی در محاسبه بیش از اندازه بزرگ است.") -> FormulaError:
    return FormulaError(message, code="overflow")


def _bounded(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) > MAX_MAGNITUDE:
        raise _overflow()
    return value


def _as_decimal(raw: object) -> Decimal | None:
    """A supplied value as a finite Decimal, or None when it is missing or not a number."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(int(raw))
    else:
        raise TypeError(f"formula values must be numbers or None, not {type(raw).__name__}")
    return value if value.is_finite() else None


def _divide(left: Decimal, right: Decimal) -> Decimal:
    if right == 0:
        raise FormulaError("تقسیم بر صفر در فرمول.", code="division_by_zero")
    return left / right


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    if base == 0:
        if exponent < 0:
            raise FormulaError("تقسیم بر صفر در فرمول (صفر به توان منفی).", code="division_by_zero")
        return _ONE if exponent == 0 else _ZERO
    if base < 0 and exponent != exponent.to_integral_value():
        raise _overflow("توان کسری یک عدد منفی تعریف نشده است.")
    # Estimate the size first, so 9^9^9 is refused without being computed.
    if exponent * abs(base).log10() > 12:
        raise _overflow(f"نتیجه‌ی توان از ۱۰ به توان {_fa(12)} بزرگ‌تر می‌شود.")
    result = base**exponent
    if abs(result) > MAX_POWER:
        raise _overflow(f"نتیجه‌ی توان از ۱۰ به توان {_fa(12)} بزرگ‌تر می‌شود.")
    return result


def _truth(flag: bool) -> Decimal:
    return _ONE if flag else _ZERO


_ARITHMETIC: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
    "^": _power,
    "<": lambda a, b: _truth(a < b),
    "<=": lambda a, b: _truth(a <= b),
    ">": lambda a, b: _truth(a > b),
    ">=": lambda a, b: _truth(a >= b),
    "==": lambda a, b: _truth(a == b),
    "!=": lambda a, b: _truth(a != b),
}


class _Evaluator:
    def __init__(self, values: Mapping[str, object], inputs: Mapping[str, object]):
        self.values = values
        self.inputs = inputs

    def run(self, tree: Node) -> Decimal:
        with localcontext(_CONTEXT):
            try:
                return self.eval(tree)
            except ArithmeticError as exc:  # a Decimal signal the checks did not foresee
                raise _overflow() from exc

    def eval(self, node: Node) -> Decimal:
        if isinstance(node, Num):
            return _bounded(node.value)
        if isinstance(node, Ref):
            return self._reference(node)
        if isinstance(node, Unary):
            return self._unary(node)
        if isinstance(node, Binary):
            return self._binary(node)
        return self._call(node)

    def _reference(self, node: Ref) -> Decimal:
        source = self.values if node.kind == "val" else self.inputs
        value = _as_decimal(source.get(node.name))
        if value is None:
            if node.kind == "val":
                message = (
                    f"مقدار شاخص «{node.name}» برای این دوره در دست نیست؛"
                    " داده‌ی نبوده صفر شمرده نمی‌شود."
                )
            else:
                message = f"ورودی «{node.name}» وارد نشده است؛ داده‌ی نبوده صفر شمرده نمی‌شود."
            raise FormulaError(
                message, code="missing_value", extra={"kind": node.kind, "name": node.name}
            )
        return _bounded(value)

    def _unary(self, node: Unary) -> Decimal:
        value = self.eval(node.operand)
        if node.op == "-":
            return -value
        if node.op == "not":
            return _truth(value == 0)
        return value

    def _binary(self, node: Binary) -> Decimal:
        left = self.eval(node.left)
        if node.op == "and":
            return _truth(left != 0 and self.eval(node.right) != 0)
        if node.op == "or":
            return _truth(left != 0 or self.eval(node.right) != 0)
        return _bounded(_ARITHMETIC[node.op](left, self.eval(node.right)))

    def _call(self, node: Call) -> Decimal:
        if node.name == "if":
            condition, then, otherwise = node.args
            return self.eval(then if self.eval(condition) != 0 else otherwise)
        values = [self.eval(arg) for arg in node.args]
        if node.name == "min":
            return min(values)
        if node.name == "max":
            return max(values)
        if node.name == "abs":
            return abs(values[0])
        if node.name == "round":
            places = int(values[1]) if len(values) == 2 else 0
            return values[0].quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        total = _bounded(sum(values, _ZERO))
        return total if node.name == "sum" else total / len(values)


def _check_constants(tree: Node) -> None:
    """Evaluate the constant parts once, so 1/0 or 9^9^9 are refused when saved."""
    evaluator = _Evaluator(_EMPTY, _EMPTY)

    def constant(node: Node) -> bool:
        flags = [constant(child) for child in _children(node)]
        if isinstance(node, Ref):
            return False
        if all(flags):
            return True
        for child, flag in zip(_children(node), flags, strict=True):
            if flag:
                evaluator.run(child)
        return False

    if constant(tree):
        evaluator.run(tree)


def _collect_refs(tree: Node) -> tuple[Ref, ...]:
    """Every reference in source order, each (kind, name) once."""
    found: dict[tuple[str, str], Ref] = {}
    stack = [tree]
    ordered: list[Ref] = []
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            ordered.append(node)
        stack.extend(reversed(_children(node)))
    for ref in sorted(ordered, key=lambda r: r.pos):
        found.setdefault((ref.kind, ref.name), ref)
    return tuple(found.values())


# --- display --------------------------------------------------------------------------

_PERSIAN_OPS = {
    "*": "×",
    "/": "÷",
    "<=": "≤",
    ">=": "≥",
    "==": "=",
    "!=": "≠",
    "and": "و",
    "or": "یا",
}


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return _INFIX[node.op][0]
    if isinstance(node, Unary):
        return _NOT_BP if node.op == "not" else _UNARY_BP
    if isinstance(node, Num) and node.value < 0:
        return _UNARY_BP
    return 100


def _persian_number(value: Decimal) -> str:
    return to_persian_digits(format(value, "f")).replace(".", "\u066b")


def _render(node: Node) -> str:
    if isinstance(node, Num):
        return _persian_number(node.value)
    if isinstance(node, Ref):
        return f"{_PERSIAN_NAMES[node.kind]}(«{node.name}»)"
    if isinstance(node, Call):
        return f"{_PERSIAN_NAMES[node.name]}({'، '.join(_render(arg) for arg in node.args)})"
    if isinstance(node, Unary):
        return _render_unary(node)
    return _render_binary(node)


def _wrapped(node: Node, parens: bool) -> str:
    text = _render(node)
    return f"({text})" if parens else text


def _render_unary(node: Unary) -> str:
    operand = _wrapped(node.operand, _precedence(node.operand) < _precedence(node))
    if node.op == "not":
        return f"{_PERSIAN_NAMES['not']} {operand}"
    return node.op + operand


def _render_binary(node: Binary) -> str:
    own = _INFIX[node.op][0]
    left_prec, right_prec = _precedence(node.left), _precedence(node.right)
    tight = node.op == "^" or node.op in _COMPARISONS
    left = _wrapped(node.left, left_prec < own or (left_prec == own and tight))
    right = _wrapped(node.right, right_prec < own or (right_prec == own and node.op != "^"))
    if node.op == "^":
        return f"{left}^{right}"
    return f"{left} {_PERSIAN_OPS.get(node.op, node.op)} {right}"


# --- the public API -------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula; build it with ``parse`` (``Formula(source)`` parses as well).

    Two formulas are equal when their sources are.
    """

    source: str
    _tree: Node = field(init=False, repr=False, compare=False)
    _refs: tuple[Ref, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        source = self.source
        if not isinstance(source, str):
            raise FormulaError("فرمول باید متن باشد.")
        if len(source) > MAX_LENGTH:
            raise FormulaError(
                f"فرمول بیش از {_fa(MAX_LENGTH)} نویسه است؛ آن را کوتاه‌تر کنید یا بخشی از آن را"
                " شاخص جداگانه‌ای کنید.",
                code="too_long",
            )
        _check_characters(source)
        if not source.strip():
            raise FormulaError("فرمول خالی است.")
        tree = _Parser(_Lexer(source).tokens()).parse()
        _check_constants(tree)
        object.__setattr__(self, "_tree", tree)
        object.__setattr__(self, "_refs", _collect_refs(tree))

    def references(self) -> frozenset[str]:
        """Codes of the indicators this formula reads through val()."""
        return frozenset(ref.name for ref in self._refs if ref.kind == "val")

    def inputs(self) -> frozenset[str]:
        """Names of the inputs this formula reads through input()."""
        return frozenset(ref.name for ref in self._refs if ref.kind == "input")

    def evaluate(
        self,
        *,
        values: Mapping[str, Number | None],
        inputs: Mapping[str, Number | None] = _EMPTY,
    ) -> Decimal:
        """The formula's value, quantised to six places; FormulaError when it has none."""
        result = _Evaluator(values, inputs or _EMPTY).run(self._tree)
        result = result.quantize(QUANTUM, rounding=ROUND_HALF_EVEN, context=_CONTEXT)
        return result.copy_abs() if result.is_zero() else result

    def explain(
        self,
        *,
        values: Mapping[str, Number | None],
        inputs: Mapping[str, Number | None] = _EMPTY,
    ) -> list[dict]:
        """Each reference, in the order it first appears, with its current value.

        ``{"kind": "val" | "input", "name": code, "label": "شاخص" | "ورودی",
        "value": Decimal | None, "missing": bool}``; never raises for a missing value.
        """
        rows = []
        for ref in self._refs:
            source = values if ref.kind == "val" else (inputs or _EMPTY)
            value = _as_decimal(source.get(ref.name))
            rows.append(
                {
                    "kind": ref.kind,
                    "name": ref.name,
                    "label": "شاخص" if ref.kind == "val" else "ورودی",
                    "value": value,
                    "missing": value is None,
                }
            )
        return rows

    def to_persian(self) -> str:
        """The formula for display: Persian names and digits, «» around codes, × ÷.

        It has no bidi control characters (show it inside an element with dir="rtl") and
        parses back to the same formula.
        """
        return _render(self._tree)


def parse(
    source: str,
    *,
    known_codes: Collection[str] | None = None,
    known_inputs: Collection[str] | None = None,
) -> Formula:
    """Parse ``source``; with ``known_codes``/``known_inputs`` every reference must exist."""
    formula = Formula(source)
    for ref in formula._refs:
        if ref.kind == "val" and known_codes is not None and ref.name not in known_codes:
            raise FormulaError(
                f"شاخصی با کد «{ref.name}» ({_at(ref.pos)}) وجود ندارد.",
                code="unknown_reference",
                position=ref.pos,
                extra={"kind": "val", "name": ref.name},
            )
        if ref.kind == "input" and known_inputs is not None and ref.name not in known_inputs:
            raise FormulaError(
                f"ورودی «{ref.name}» ({_at(ref.pos)}) تعریف نشده است.",
                code="unknown_reference",
                position=ref.pos,
                extra={"kind": "input", "name": ref.name},
            )
    return formula


def _dependencies(formulas: Mapping[str, Formula]) -> dict[str, list[str]]:
    return {
        code: sorted(ref for ref in formula.references() if ref in formulas)
        for code, formula in formulas.items()
    }


def _cycle_error(cycle: list[str]) -> FormulaError:
    return FormulaError(
        "چرخه در فرمول‌ها: " + " ← ".join(cycle), code="cycle", extra={"cycle": cycle}
    )


def _visit(root: str, graph: dict[str, list[str]], state: dict[str, int], order: list[str]) -> None:
    """Depth-first from ``root`` without recursion; 1 = on the path, 2 = done."""
    path = [root]
    stack: list[Iterator[str]] = [iter(graph[root])]
    state[root] = 1
    while stack:
        dependency = next(stack[-1], None)
        if dependency is None:
            stack.pop()
            done = path.pop()
            state[done] = 2
            order.append(done)
        elif state.get(dependency) == 1:
            raise _cycle_error(path[path.index(dependency) :] + [dependency])
        elif dependency not in state:
            state[dependency] = 1
            path.append(dependency)
            stack.append(iter(graph[dependency]))


def evaluation_order(formulas: Mapping[str, Formula]) -> list[str]:
    """Codes of the computed indicators, each after the computed ones it reads.

    ``formulas`` maps the code of every computed indicator to its formula; references to
    measured indicators are leaves. Raises FormulaError("cycle") like ``check_cycles``.
    """
    graph = _dependencies(formulas)
    state: dict[str, int] = {}
    order: list[str] = []
    for code in sorted(graph):
        if code not in state:
            _visit(code, graph, state, order)
    return order


def check_cycles(formulas: Mapping[str, Formula]) -> None:
    """Refuse a set of formulas in which an indicator depends on itself, directly or not."""
    evaluation_order(formulas)
