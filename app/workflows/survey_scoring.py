"""Scoring returned satisfaction questionnaires (R-SV-5).

R-SV-5: 非常满意 (very satisfied), 满意 (satisfied) and 基本满意 (fairly satisfied) count as
satisfied; 不满意 (unsatisfied) and 非常不满意 (very unsatisfied) as unsatisfied; an
unanswered item counts for neither. An item's rate is satisfied / (satisfied +
unsatisfied); the survey's overall rate is the arithmetic mean of the item rates, leaving
out items nobody answered either way; 96 % or more overall is qualified (the threshold is
a setting).

Arithmetic is exact: rates are kept as fractions (`fractions.Fraction`) and shown as
Decimal, never float, so a survey at exactly 96 % is qualified even when its item rates
are thirds that no decimal writes exactly. Pure functions: no database, no Flask.

Errors are ValueError for the code that calls these functions. `parse_digits` is fed what
a clerk typed, so its `DigitsError` also carries the position, item and character, for
the survey view to word a translated message from.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from types import MappingProxyType

# Stored answer codes, most to least satisfied, then no answer (R-SV-5).
ANSWERS = ("very_satisfied", "satisfied", "fairly_satisfied", "unsatisfied",
           "very_unsatisfied", "no_answer")
NO_ANSWER = "no_answer"
SATISFIED = frozenset({"very_satisfied", "satisfied", "fairly_satisfied"})
UNSATISFIED = frozenset({"unsatisfied", "very_unsatisfied"})

# Keyboard entry of paper forms: one digit per item, in the questionnaire's item order.
DIGIT_OF = {"1": "very_satisfied", "2": "satisfied", "3": "fairly_satisfied",
            "4": "unsatisfied", "5": "very_unsatisfied", "0": "no_answer"}
CODE_DIGIT = {code: digit for digit, code in DIGIT_OF.items()}

# The R-SV-5 default of the "qualified" setting, in percent.
QUALIFIED_PERCENT = Decimal("96")

# How an exact rate is shown as a Decimal: 28 significant digits, whatever the caller's
# decimal context says. Rates that terminate within them (0.9599, 0.96) are exact.
_SHOWN = Context(prec=28, rounding=ROUND_HALF_EVEN)
_EXACT = Context(prec=60)

# Full-width digits, as a Chinese input method in full-width mode types them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return _SHOWN.divide(Decimal(value.numerator), Decimal(value.denominator))


@dataclass(frozen=True)
class ItemResult:
    """One item's tally over the valid questionnaires (R-SV-5).

    `counts` has every code of ANSWERS (zeros included, in that order); `satisfied`,
    `unsatisfied` and `no_answer` are its totals. Build one with `from_counts`."""

    item: str
    satisfied: int
    unsatisfied: int
    no_answer: int
    counts: Mapping[str, int] = field(hash=False)

    def __post_init__(self) -> None:
        unknown = set(self.counts) - set(ANSWERS)
        if unknown:
            raise ValueError(f"unknown answer codes in counts: {sorted(unknown)}")
        counts = {code: self.counts.get(code, 0) for code in ANSWERS}
        if any(isinstance(n, bool) or not isinstance(n, int) or n < 0
               for n in counts.values()):
            raise ValueError(f"counts must be ints >= 0, got {dict(self.counts)!r}")
        totals = (sum(counts[c] for c in ANSWERS if c in SATISFIED),
                  sum(counts[c] for c in ANSWERS if c in UNSATISFIED), counts[NO_ANSWER])
        if totals != (self.satisfied, self.unsatisfied, self.no_answer):
            raise ValueError(
                f"item {self.item!r}: satisfied/unsatisfied/no_answer "
                f"{(self.satisfied, self.unsatisfied, self.no_answer)} do not add up "
                f"from counts {counts}")
        object.__setattr__(self, "counts", MappingProxyType(counts))

    @classmethod
    def from_counts(cls, item: str, counts: Mapping[str, int]) -> ItemResult:
        """An item's result from its per-code counts (missing codes are 0)."""
        return cls(item=item,
                   satisfied=sum(counts.get(code, 0) for code in SATISFIED),
                   unsatisfied=sum(counts.get(code, 0) for code in UNSATISFIED),
                   no_answer=counts.get(NO_ANSWER, 0),
                   counts=counts)

    @property
    def answered(self) -> int:
        """Satisfied plus unsatisfied: the rate's denominator."""
        return self.satisfied + self.unsatisfied

    @property
    def exact_rate(self) -> Fraction | None:
        """satisfied / (satisfied + unsatisfied) exactly; None when nobody answered."""
        return Fraction(self.satisfied, self.answered) if self.answered else None

    @property
    def rate(self) -> Decimal | None:
        """The rate as a Decimal (not rounded to any number of places; see `percent`)."""
        return _decimal(self.exact_rate)


@dataclass(frozen=True)
class SurveyResult:
    """A survey's items and overall rate (R-SV-5).

    `questionnaires` counts the valid returned questionnaires (at least one item answered
    with one of the five answers); `invalid` counts the returned ones left out because
    every item was unanswered."""

    items: tuple[ItemResult, ...]
    questionnaires: int
    invalid: int = 0

    @property
    def rated_items(self) -> tuple[ItemResult, ...]:
        """The items that have a rate: the ones the overall rate is the mean of."""
        return tuple(item for item in self.items if item.exact_rate is not None)

    @property
    def exact_overall(self) -> Fraction | None:
        """Arithmetic mean of the item rates, exactly; items without a rate are left out
        (not counted as 0 % or 100 %). None when no item has a rate."""
        rates = [item.exact_rate for item in self.items]
        rated = [rate for rate in rates if rate is not None]
        return sum(rated, Fraction(0)) / len(rated) if rated else None

    @property
    def overall(self) -> Decimal | None:
        """The overall rate as a Decimal (not rounded to any number of places)."""
        return _decimal(self.exact_overall)

    def item(self, name: str) -> ItemResult:
        """The result of one item by name (KeyError when the survey has no such item)."""
        for item in self.items:
            if item.item == name:
                return item
        raise KeyError(name)

    def qualified(self, threshold_percent: Decimal = QUALIFIED_PERCENT) -> bool | None:
        """Overall x 100 >= threshold, compared exactly (R-SV-5: 96 by default).

        95.99 % is not qualified, 96 % is; nothing is rounded before comparing, so
        95.995 % is not qualified either although `percent` shows it as 96.00 %. None
        when there is no overall rate (nothing to judge). The threshold is a Decimal or
        an int percentage between 0 and 100, not a float."""
        if (isinstance(threshold_percent, bool)
                or not isinstance(threshold_percent, (Decimal, int))
                or not Decimal(threshold_percent).is_finite()
                or not 0 <= threshold_percent <= 100):
            raise ValueError(
                f"threshold_percent must be a Decimal or int from 0 to 100, "
                f"got {threshold_percent!r}")
        overall = self.exact_overall
        if overall is None:
            return None
        return overall * 100 >= Fraction(threshold_percent)


def _items(items: Sequence[str]) -> tuple[str, ...]:
    if isinstance(items, str):
        raise ValueError("items must be a sequence of item names, not one string")
    names = tuple(items)
    if len(set(names)) != len(names):
        raise ValueError(f"items are listed more than once: {list(names)}")
    return names


def score(answers: Iterable[Mapping[str, str]], items: Sequence[str]) -> SurveyResult:
    """Tally returned questionnaires into item and overall rates (R-SV-5).

    `answers` holds one mapping item -> answer code per returned questionnaire. An item
    missing from a mapping, or answered None, counts as no_answer. A questionnaire with
    every item unanswered is not valid: it is counted in `invalid` and left out of
    everything else, so for every item satisfied + unsatisfied + no_answer equals
    `questionnaires`. An unknown answer code or an item that is not in `items` is a
    ValueError naming the questionnaire (1-based) and the item. Items keep their order."""
    names = _items(items)
    if not names:
        raise ValueError("a survey needs at least one item")
    known = set(names)
    counts = {name: dict.fromkeys(ANSWERS, 0) for name in names}
    valid = invalid = 0
    for number, questionnaire in enumerate(answers, start=1):
        extra = set(questionnaire) - known
        if extra:
            raise ValueError(f"questionnaire {number}: items {sorted(extra)} are not in "
                             f"this survey's items {list(names)}")
        codes: dict[str, str] = {}
        for name in names:
            code = questionnaire.get(name)
            code = NO_ANSWER if code is None else code
            if not isinstance(code, str) or code not in ANSWERS:
                raise ValueError(f"questionnaire {number}, item {name!r}: unknown answer "
                                 f"code {code!r}; expected one of {ANSWERS}")
            codes[name] = code
        if all(code == NO_ANSWER for code in codes.values()):
            invalid += 1
            continue
        valid += 1
        for name, code in codes.items():
            counts[name][code] += 1
    return SurveyResult(items=tuple(ItemResult.from_counts(name, counts[name])
                                    for name in names),
                        questionnaires=valid, invalid=invalid)


def percent(rate: Decimal | None, places: int = 2) -> str:
    """A rate as people read it: Decimal("0.9599") -> "95.99 %"; None -> "—".

    Rounded half up at `places` decimals (0.959950 -> "96.00 %", 0.95985 -> "95.99 %"),
    as by hand, and always with that many decimals ("100.00 %"). For display only: judge
    with `SurveyResult.qualified`, which compares exactly."""
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be an int >= 0, got {places!r}")
    if rate is None:
        return "—"
    if (isinstance(rate, bool) or not isinstance(rate, (Decimal, int))
            or not Decimal(rate).is_finite()):
        raise ValueError(f"rate must be a finite Decimal (not a float), got {rate!r}")
    value = _EXACT.multiply(Decimal(rate), Decimal(100))
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP,
                           context=_EXACT)
    return f"{shown:f} %"


class DigitsError(ValueError):
    """A typed digit string that does not fit the questionnaire.

    `position` is 1-based in the typed text (surrounding blanks removed); `item` is the
    item at that position (None past the last item); `character` is the wrong character
    (None when a digit is missing); `expected` and `got` are the lengths. str() is an
    English message for logs and tests; a view words its own translated one from these."""

    def __init__(self, message: str, *, position: int, item: str | None,
                 character: str | None, expected: int, got: int) -> None:
        super().__init__(message)
        self.position = position
        self.item = item
        self.character = character
        self.expected = expected
        self.got = got


def parse_digits(digits: str, items: Sequence[str]) -> dict[str, str]:
    """A paper form keyed in as one digit per item, in item order, to answer codes.

    "1" very satisfied ... "5" very unsatisfied, "0" no answer (DIGIT_OF). Surrounding
    blanks are ignored and full-width digits (１２３, from a Chinese input method) are
    read as digits; anything else, blanks inside included, is refused. Raises DigitsError
    (a ValueError) naming the first wrong position: a character that is not an answer
    digit, the first item without a digit (too short), or the first character past the
    last item (too long). Returns {item: code} in item order."""
    if not isinstance(digits, str):
        raise ValueError(f"digits must be a str, got {digits!r}")
    names = _items(items)
    text = digits.strip().translate(_FULL_WIDTH)
    for index, (item, char) in enumerate(zip(names, text, strict=False)):
        if char not in DIGIT_OF:
            raise DigitsError(
                f"position {index + 1} (item {item!r}): {char!r} is not an answer digit; "
                f"use 1-5 for an answer or 0 for no answer",
                position=index + 1, item=item, character=char, expected=len(names),
                got=len(text))
    if len(text) < len(names):
        missing = len(text)
        raise DigitsError(
            f"expected {len(names)} digits, one per item, got {len(text)}: position "
            f"{missing + 1} (item {names[missing]!r}) has no digit",
            position=missing + 1, item=names[missing], character=None,
            expected=len(names), got=len(text))
    if len(text) > len(names):
        raise DigitsError(
            f"expected {len(names)} digits, one per item, got {len(text)}: position "
            f"{len(names) + 1} onwards has no item",
            position=len(names) + 1, item=None, character=text[len(names)],
            expected=len(names), got=len(text))
    return {name: DIGIT_OF[char] for name, char in zip(names, text, strict=True)}


def format_digits(answers: Mapping[str, str], items: Sequence[str]) -> str:
    """The inverse of `parse_digits`: one digit per item (missing or None -> "0").

    For showing a keyed-in form back to the clerk; an unknown code is a ValueError."""
    names = _items(items)
    digits = []
    for name in names:
        code = answers.get(name)
        code = NO_ANSWER if code is None else code
        if not isinstance(code, str) or code not in CODE_DIGIT:
            raise ValueError(f"item {name!r}: unknown answer code {code!r}")
        digits.append(CODE_DIGIT[code])
    return "".join(digits)
