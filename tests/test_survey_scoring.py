"""Scoring satisfaction questionnaires (R-SV-5): item rates, overall rate, qualified.

Pure functions: no app, no database (these tests request no fixture).
"""
from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.workflows.survey_scoring import (
    ANSWERS,
    DIGIT_OF,
    QUALIFIED_PERCENT,
    SATISFIED,
    UNSATISFIED,
    DigitsError,
    ItemResult,
    SurveyResult,
    format_digits,
    parse_digits,
    percent,
    score,
)

PROPERTIES = settings(max_examples=200, deadline=None, database=None, derandomize=True)

VS, S, FS = "very_satisfied", "satisfied", "fairly_satisfied"
U, VU, NA = "unsatisfied", "very_unsatisfied", "no_answer"
ITEMS = ("cleaning", "security", "repairs")


def rows(*answers: tuple[str | None, ...], items=ITEMS) -> list[dict[str, str]]:
    """Questionnaires from tuples in item order; None leaves the item out of the mapping."""
    return [{item: code for item, code in zip(items, row, strict=True) if code is not None}
            for row in answers]


def one_item(satisfied: int, unsatisfied: int, item: str = "overall") -> list[dict]:
    return [{item: S}] * satisfied + [{item: U}] * unsatisfied


# The hand-computed example: 3 items, 10 returned questionnaires.
#
#   #   cleaning  security  repairs
#   1   VS        VS        S
#   2   VS        S         S
#   3   VS        S         FS
#   4   S         FS        FS
#   5   S         VS        U
#   6   FS        VS        (left out)
#   7   U         NA        NA
#   8   VU        S         NA
#   9   NA        S         VS
#  10   NA        NA        (left out)   <- every item unanswered: not valid
#
# Valid questionnaires: 9 (1-9).
#   cleaning: satisfied 3 + 2 + 1 = 6, unsatisfied 1 + 1 = 2, no answer 1 -> 6/8 = 3/4
#   security: satisfied 3 + 4 + 1 = 8, unsatisfied 0,         no answer 1 -> 8/8 = 1
#   repairs:  satisfied 1 + 2 + 2 = 5, unsatisfied 1,         no answer 3 -> 5/6
# Overall = (3/4 + 1 + 5/6) / 3 = (9/12 + 12/12 + 10/12) / 3 = 31/36 = 0.86111...
#   -> "86.11 %", not qualified.
EXAMPLE = rows(
    (VS, VS, S),
    (VS, S, S),
    (VS, S, FS),
    (S, FS, FS),
    (S, VS, U),
    (FS, VS, None),
    (U, NA, NA),
    (VU, S, NA),
    (NA, S, VS),
    (NA, NA, None),
)


def test_hand_computed_example():
    result = score(EXAMPLE, ITEMS)
    assert result.questionnaires == 9
    assert result.invalid == 1
    cleaning, security, repairs = result.items
    assert [item.item for item in result.items] == list(ITEMS)
    assert (cleaning.satisfied, cleaning.unsatisfied, cleaning.no_answer) == (6, 2, 1)
    assert (security.satisfied, security.unsatisfied, security.no_answer) == (8, 0, 1)
    assert (repairs.satisfied, repairs.unsatisfied, repairs.no_answer) == (5, 1, 3)
    assert dict(cleaning.counts) == {VS: 3, S: 2, FS: 1, U: 1, VU: 1, NA: 1}
    assert dict(repairs.counts) == {VS: 1, S: 2, FS: 2, U: 1, VU: 0, NA: 3}
    assert cleaning.exact_rate == Fraction(3, 4) and cleaning.rate == Decimal("0.75")
    assert security.exact_rate == 1 and security.rate == Decimal("1")
    assert repairs.exact_rate == Fraction(5, 6)
    assert repairs.rate == Decimal("0.8333333333333333333333333333")
    assert result.exact_overall == Fraction(31, 36)
    assert result.overall == Decimal("0.8611111111111111111111111111")
    assert percent(result.overall) == "86.11 %"
    assert result.qualified() is False
    assert result.item("repairs") is repairs
    with pytest.raises(KeyError):
        result.item("parking")


def test_an_item_nobody_answered_has_no_rate_and_is_left_out_of_the_mean():
    items = (*ITEMS, "parking")   # parking: absent from every questionnaire
    result = score(EXAMPLE, items)
    parking = result.item("parking")
    assert (parking.satisfied, parking.unsatisfied, parking.no_answer) == (0, 0, 9)
    assert parking.rate is None and parking.exact_rate is None
    assert percent(parking.rate) == "—"
    assert [item.item for item in result.rated_items] == list(ITEMS)
    assert result.exact_overall == Fraction(31, 36)   # not (31/12) / 4


def test_nothing_answered_at_all_has_no_overall_and_no_verdict():
    result = score([{}, {"cleaning": NA}], ITEMS)
    assert result.questionnaires == 0 and result.invalid == 2
    assert all(item.no_answer == 0 for item in result.items)
    assert result.overall is None and result.qualified() is None
    assert percent(result.overall) == "—"
    empty = score([], ITEMS)
    assert empty.questionnaires == 0 and empty.overall is None


def test_all_no_answer_questionnaire_is_not_valid():
    answered = rows((S, None, None), (None, U, NA))
    blank = rows((NA, NA, NA), (None, None, None), (NA, None, NA))
    result = score(answered + blank, ITEMS)
    assert result.questionnaires == 2 and result.invalid == 3
    for item in result.items:     # left out of the counts too
        assert item.satisfied + item.unsatisfied + item.no_answer == 2
    assert score(answered, ITEMS).items == result.items


def test_none_counts_as_no_answer():
    result = score([{"cleaning": S, "security": None}], ITEMS)
    assert result.item("security").no_answer == 1


def test_every_answer_code_counts_on_its_side():
    result = score([{"cleaning": code} for code in ANSWERS], ["cleaning"])
    item = result.items[0]
    assert (item.satisfied, item.unsatisfied, item.no_answer) == (3, 2, 0)  # 6th invalid
    assert SATISFIED == {VS, S, FS} and UNSATISFIED == {U, VU}
    assert item.exact_rate == Fraction(3, 5)


# --- the 96 % line ------------------------------------------------------------------------

def test_95_99_percent_is_not_qualified():
    # 9,599 satisfied, 401 unsatisfied: 9599 / 10000 = 0.9599 exactly.
    result = score(one_item(9599, 401), ["overall"])
    assert result.overall == Decimal("0.9599")
    assert percent(result.overall) == "95.99 %"
    assert result.qualified() is False


def test_96_00_percent_is_qualified():
    # 96 satisfied, 4 unsatisfied: 96 / 100 = 0.96 exactly.
    result = score(one_item(96, 4), ["overall"])
    assert result.overall == Decimal("0.96")
    assert percent(result.overall) == "96.00 %"
    assert result.qualified() is True
    assert result.qualified(QUALIFIED_PERCENT) is True


def test_shown_as_96_00_but_below_96_is_not_qualified():
    # 19,199 / 20,000 = 0.95995: shown rounded half up as 96.00 %, judged exactly.
    result = score(one_item(19199, 801), ["overall"])
    assert result.overall == Decimal("0.95995")
    assert percent(result.overall) == "96.00 %"
    assert result.qualified() is False


def test_exactly_96_from_rates_no_decimal_writes_exactly():
    # item a: 29 / 30 = 0.9666...; item b: 143 / 150 = 0.95333...
    # mean = (145/150 + 143/150) / 2 = 288/300 = 24/25 = 0.96 exactly -> qualified.
    answers = one_item(29, 1, "a") + one_item(143, 7, "b")
    result = score(answers, ["a", "b"])
    assert result.exact_overall == Fraction(24, 25)
    assert result.overall == Decimal("0.96")
    assert result.qualified() is True


def test_the_caller_decimal_context_does_not_change_results():
    with localcontext() as context:
        context.prec = 3
        result = score(one_item(9599, 401), ["overall"])
        assert result.overall == Decimal("0.9599")
        assert percent(Decimal("0.959950")) == "96.00 %"
        assert result.qualified() is False


def test_threshold_is_a_setting():
    result = score(one_item(9599, 401), ["overall"])
    assert result.qualified(Decimal("95.99")) is True
    assert result.qualified(Decimal("95.991")) is False
    assert result.qualified(95) is True
    assert result.qualified(0) is True
    assert score(one_item(1, 0), ["overall"]).qualified(100) is True


@pytest.mark.parametrize("threshold", [96.0, Decimal("100.01"), -1, Decimal("NaN"), "96",
                                       True])
def test_bad_thresholds_are_refused(threshold):
    with pytest.raises(ValueError):
        score(one_item(1, 0), ["overall"]).qualified(threshold)


# --- refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["Satisfied", "", "1", "满意", 1, ["satisfied"]])
def test_unknown_answer_code_is_refused(code):
    with pytest.raises(ValueError, match="questionnaire 2, item 'security'"):
        score([{"cleaning": S}, {"security": code}], ITEMS)


def test_item_not_in_the_survey_is_refused():
    with pytest.raises(ValueError, match="parking"):
        score([{"cleaning": S, "parking": S}], ITEMS)


def test_bad_item_lists_are_refused():
    with pytest.raises(ValueError):
        score([], ["a", "a"])
    with pytest.raises(ValueError):
        score([], [])
    with pytest.raises(ValueError):
        score([], "abc")


def test_item_result_counts_must_add_up():
    item = ItemResult.from_counts("x", {VS: 2, U: 1})
    assert (item.satisfied, item.unsatisfied, item.no_answer) == (2, 1, 0)
    assert list(item.counts) == list(ANSWERS)
    with pytest.raises(TypeError):
        item.counts[VS] = 5  # read-only
    with pytest.raises(ValueError):
        ItemResult("x", 3, 1, 0, {VS: 2, U: 1})
    with pytest.raises(ValueError):
        ItemResult.from_counts("x", {"maybe": 1})
    with pytest.raises(ValueError):
        ItemResult.from_counts("x", {VS: -1})
    survey = SurveyResult(items=(item, ItemResult.from_counts("y", {NA: 3})), questionnaires=3)
    assert survey.exact_overall == Fraction(2, 3)


# --- percent ------------------------------------------------------------------------------

@pytest.mark.parametrize("rate, places, text", [
    (Decimal("0.9599"), 2, "95.99 %"),
    (Decimal("0.959950"), 2, "96.00 %"),      # half up
    (Decimal("0.9599499999"), 2, "95.99 %"),
    (Decimal("0.95985"), 2, "95.99 %"),       # half up, where half-even would give 95.98
    (Decimal("0.96"), 2, "96.00 %"),
    (Decimal("1"), 2, "100.00 %"),
    (Decimal("0"), 2, "0.00 %"),
    (Decimal("0.8611111111111111111111111111"), 2, "86.11 %"),
    (Decimal("0.8611111111111111111111111111"), 0, "86 %"),
    (Decimal("0.95995"), 3, "95.995 %"),
    (Decimal("0.955"), 0, "96 %"),            # 95.5 half up
    (1, 1, "100.0 %"),
    (None, 2, "—"),
])
def test_percent(rate, places, text):
    assert percent(rate, places) == text


@pytest.mark.parametrize("rate, places", [(0.96, 2), (Decimal("NaN"), 2), (Decimal("0.9"), -1),
                                          (Decimal("0.9"), 1.5)])
def test_percent_refuses_floats_and_bad_places(rate, places):
    with pytest.raises(ValueError):
        percent(rate, places)


# --- keyboard entry of paper forms --------------------------------------------------------

FORM = ("cleaning", "security", "repairs", "greening", "parking")


def test_parse_digits():
    assert parse_digits("12304", FORM) == {
        "cleaning": VS, "security": S, "repairs": FS, "greening": NA, "parking": U}
    assert parse_digits("55555", FORM)["parking"] == VU
    assert parse_digits("  12304\n", FORM) == parse_digits("12304", FORM)
    assert parse_digits("１２３０４", FORM) == parse_digits("12304", FORM)  # full width
    assert parse_digits("", []) == {}
    assert set(DIGIT_OF.values()) == set(ANSWERS)


def test_digits_round_trip():
    answers = parse_digits("51420", FORM)
    assert format_digits(answers, FORM) == "51420"
    assert format_digits({"cleaning": S}, FORM) == "20000"
    assert format_digits({"cleaning": S, "security": None}, FORM) == "20000"
    with pytest.raises(ValueError):
        format_digits({"cleaning": "good"}, FORM)


@pytest.mark.parametrize("typed, position, item, character", [
    ("12604", 3, "repairs", "6"),
    ("1230a", 5, "parking", "a"),
    ("12 04", 3, "repairs", " "),
    ("-2304", 1, "cleaning", "-"),
    ("1260", 3, "repairs", "6"),       # the first wrong position: before the length
    ("123041x", 6, None, "1"),         # too long: position 6 has no item, before 'x'
    ("1x23041", 2, "security", "x"),
])
def test_parse_digits_says_which_position_is_wrong(typed, position, item, character):
    with pytest.raises(DigitsError) as caught:
        parse_digits(typed, FORM)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.position, error.item, error.character) == (position, item, character)
    assert f"position {position}" in str(error)


def test_parse_digits_wrong_length():
    with pytest.raises(DigitsError, match=r"expected 5 digits.*got 4.*position 5 "
                                          r"\(item 'parking'\)") as short:
        parse_digits("1230", FORM)
    assert (short.value.position, short.value.item, short.value.character) == (
        5, "parking", None)
    assert (short.value.expected, short.value.got) == (5, 4)
    with pytest.raises(DigitsError, match=r"expected 5 digits.*got 7.*position 6 "
                                          r"onwards") as long:
        parse_digits("1230412", FORM)
    assert (long.value.position, long.value.item, long.value.character) == (6, None, "1")
    with pytest.raises(DigitsError, match="position 1"):
        parse_digits("   ", FORM)


def test_parse_digits_refuses_programmer_errors():
    with pytest.raises(ValueError):
        parse_digits(12304, FORM)
    with pytest.raises(ValueError):
        parse_digits("11", ["a", "a"])


# --- properties ---------------------------------------------------------------------------

questionnaires = st.lists(
    st.fixed_dictionaries({}, optional={item: st.sampled_from(ANSWERS) for item in ITEMS}),
    max_size=40)


@PROPERTIES
@given(answers=questionnaires)
def test_score_properties(answers):
    result = score(answers, ITEMS)
    assert result.questionnaires + result.invalid == len(answers)
    for item in result.items:
        assert item.satisfied + item.unsatisfied + item.no_answer == result.questionnaires
        assert sum(item.counts.values()) == result.questionnaires
        if item.exact_rate is not None:
            assert 0 <= item.exact_rate <= 1
            assert item.exact_rate == Fraction(item.satisfied, item.answered)
    rates = [item.exact_rate for item in result.items if item.exact_rate is not None]
    if rates:
        assert result.exact_overall == sum(rates) / len(rates)
        assert min(rates) <= result.exact_overall <= max(rates)
        assert result.qualified() == (result.exact_overall >= Fraction(24, 25))
    else:
        assert result.overall is None and result.qualified() is None


@PROPERTIES
@given(codes=st.lists(st.sampled_from(ANSWERS), min_size=1, max_size=30))
def test_digits_round_trip_property(codes):
    items = [f"item{i}" for i in range(len(codes))]
    answers = dict(zip(items, codes, strict=True))
    typed = format_digits(answers, items)
    assert len(typed) == len(items) and typed.isdigit()
    assert parse_digits(typed, items) == answers
