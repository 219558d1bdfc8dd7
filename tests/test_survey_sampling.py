"""Satisfaction-survey sample sizes and the stratified random draw (R-SV-3).

Pure functions: no app, no database (these tests request no fixture).
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.workflows.survey_sampling import (
    PRESET_DEFAULT,
    PRESET_ISO,
    SEED_MAX,
    SamplingRates,
    allocate,
    draw_sample,
    draw_sample_preferring,
    exclude_covered,
    is_established,
    new_seed,
    required_size,
)

SURVEY_DAY = date(2025, 6, 15)
PROPERTIES = settings(max_examples=200, deadline=None, database=None, derandomize=True)


def estate(sizes: dict[int, int]) -> list[tuple[int, int]]:
    """(unit_id, building_id) for buildings of the given sizes; unit ids run on."""
    units, next_id = [], 1
    for building, count in sizes.items():
        for _ in range(count):
            units.append((next_id, building))
            next_id += 1
    return units


def per_building(units: list[tuple[int, int]], chosen: list[int]) -> Counter[int]:
    building_of = dict(units)
    return Counter(building_of[unit] for unit in chosen)


def assert_proportional(units: list[tuple[int, int]], chosen: list[int]) -> None:
    """Every building gets floor or ceil of its exact share (so within ±1 of it)."""
    sizes = Counter(building for _, building in units)
    got = per_building(units, chosen)
    for building, count in sizes.items():
        share = Fraction(len(chosen) * count, len(units))
        assert share - 1 < got[building] < share + 1, (building, got[building], share)
        assert got[building] in (share.numerator // share.denominator,
                                 -(-share.numerator // share.denominator))


# --- is_established: 入伙五年以上 includes five years ------------------------------------

def test_exactly_five_years_is_established_a_day_less_is_not():
    assert is_established(date(2020, 6, 15), SURVEY_DAY)       # exactly 5 years
    assert not is_established(date(2020, 6, 16), SURVEY_DAY)   # a day less than 5 years
    assert is_established(date(2020, 6, 14), SURVEY_DAY)       # a day more
    assert is_established(date(1999, 1, 1), SURVEY_DAY)


def test_unknown_or_future_move_in_is_not_established():
    assert not is_established(None, SURVEY_DAY)
    assert not is_established(date(2026, 1, 1), SURVEY_DAY)


def test_29_february_anniversary_is_28_february_in_a_common_year():
    """Civil Code art. 202: no corresponding day -> the last day of that month."""
    moved_in = date(2020, 2, 29)
    assert not is_established(moved_in, date(2025, 2, 27))
    assert is_established(moved_in, date(2025, 2, 28))
    assert is_established(moved_in, date(2025, 3, 1))
    # Into a leap year the anniversary is 29 February itself.
    assert not is_established(date(2016, 2, 29), date(2020, 2, 28), years=4)
    assert is_established(date(2016, 2, 29), date(2020, 2, 29), years=4)


def test_other_years_and_datetimes():
    assert is_established(date(2025, 6, 15), SURVEY_DAY, years=0)
    assert is_established(date(2022, 6, 15), SURVEY_DAY, years=3)
    assert not is_established(date(2022, 6, 16), SURVEY_DAY, years=3)
    assert is_established(datetime(2020, 6, 15, 18, 0), datetime(2025, 6, 15, 9, 0))
    with pytest.raises(ValueError):
        is_established(date(2020, 1, 1), SURVEY_DAY, years=-1)


# --- required_size ------------------------------------------------------------------------

@pytest.mark.parametrize("moved_in, expected", [
    (date(2020, 6, 15), 150),   # exactly 5 years: established, 15 %
    (date(2020, 6, 16), 300),   # a day less: recent, 30 %
    (date(2020, 6, 14), 150),   # a day more: established
    (None, 300),                # unknown: the stricter 30 %
])
def test_default_preset_at_the_five_year_boundary(moved_in, expected):
    assert required_size(1000, 1000, moved_in, SURVEY_DAY, PRESET_DEFAULT) == expected


@pytest.mark.parametrize("households, moved_in, expected", [
    (101, date(2010, 1, 1), 16),   # 15.15 -> 16 (at least 15 %)
    (100, date(2010, 1, 1), 15),   # 15 exactly: no extra household
    (101, date(2024, 1, 1), 31),   # 30.3 -> 31
    (10, date(2024, 1, 1), 3),     # 3 exactly
    (1, date(2010, 1, 1), 1),      # 0.15 -> 1
    (7, None, 3),                  # 2.1 -> 3
])
def test_default_preset_rounds_up_exactly(households, moved_in, expected):
    assert required_size(households, households, moved_in, SURVEY_DAY,
                         PRESET_DEFAULT) == expected


def test_default_preset_counts_households_and_never_exceeds_them():
    # The default rule is a share of households, whatever is occupied.
    assert required_size(1000, 400, date(2010, 1, 1), SURVEY_DAY, PRESET_DEFAULT) == 150
    rates = SamplingRates(recent_rate=Decimal("1"))
    assert required_size(37, 37, None, SURVEY_DAY, PRESET_DEFAULT, rates) == 37


@pytest.mark.parametrize("households, occupied, expected", [
    (299, 250, 250),   # under 300 households: every occupied unit
    (299, 299, 299),
    (300, 280, 238),   # 280 x 85 % = 238 exactly
    (300, 281, 239),   # 238.85 -> 239
    (300, 300, 255),
    (1000, 0, 0),
])
def test_iso_preset_at_the_300_household_boundary(households, occupied, expected):
    for moved_in in (date(2010, 1, 1), date(2024, 1, 1), None):  # move-in does not matter
        assert required_size(households, occupied, moved_in, SURVEY_DAY,
                             PRESET_ISO) == expected


def test_zero_households():
    assert required_size(0, 0, date(2010, 1, 1), SURVEY_DAY, PRESET_DEFAULT) == 0
    assert required_size(0, 0, None, SURVEY_DAY, PRESET_ISO) == 0


@pytest.mark.parametrize("preset", ["", "ISO", "Default", "gb", None])
def test_unknown_preset_is_refused(preset):
    with pytest.raises(ValueError, match="preset"):
        required_size(1000, 1000, None, SURVEY_DAY, preset)
    with pytest.raises(ValueError, match="preset"):
        required_size(0, 0, None, SURVEY_DAY, preset)


@pytest.mark.parametrize("households, occupied", [(-1, 0), (10, -1), (True, 1), (1.5, 1)])
def test_counts_must_be_whole_and_not_negative(households, occupied):
    with pytest.raises(ValueError):
        required_size(households, occupied, None, SURVEY_DAY, PRESET_DEFAULT)


def test_rates_are_settings():
    rates = SamplingRates(established_years=3, established_rate=Decimal("0.20"),
                          recent_rate=Decimal("0.50"), iso_rate=Decimal("0.90"),
                          iso_full_below=100)
    assert required_size(1000, 1000, date(2022, 6, 15), SURVEY_DAY, PRESET_DEFAULT,
                         rates) == 200
    assert required_size(1000, 1000, date(2022, 6, 16), SURVEY_DAY, PRESET_DEFAULT,
                         rates) == 500
    assert required_size(99, 90, None, SURVEY_DAY, PRESET_ISO, rates) == 90
    assert required_size(100, 90, None, SURVEY_DAY, PRESET_ISO, rates) == 81


@pytest.mark.parametrize("changes", [
    {"established_rate": 0.15},            # floats are refused: sizes must be exact
    {"recent_rate": Decimal("1.01")},
    {"iso_rate": Decimal("-0.1")},
    {"iso_rate": Decimal("NaN")},
    {"established_years": -1},
    {"iso_full_below": 2.5},
])
def test_bad_rates_are_refused(changes):
    with pytest.raises(ValueError):
        SamplingRates(**changes)


# --- allocation (Hamilton) ----------------------------------------------------------------

def test_allocation_largest_remainder_with_ties_to_the_lower_building():
    # exact shares 2.5, 1.5, 1.0: floors 2 + 1 + 1 = 4, one seat left; the tied
    # remainders 0.5 and 0.5 go to the lower building id.
    assert allocate({10: 5, 20: 3, 30: 2}, 5) == {10: 3, 20: 1, 30: 1}
    assert allocate({3: 1, 1: 1, 2: 1}, 2) == {1: 1, 2: 1, 3: 0}
    # shares 3.4, 2.6, 1.0 (remainders .4 < .6): the larger remainder wins.
    assert allocate({1: 17, 2: 13, 3: 5}, 7) == {1: 3, 2: 3, 3: 1}
    assert allocate({}, 5) == {}
    assert allocate({1: 4, 2: 6}, 99) == {1: 4, 2: 6}


# --- draw_sample --------------------------------------------------------------------------

BUILDINGS = {1: 37, 2: 50, 3: 13, 4: 100}   # 200 occupied units
UNITS = estate(BUILDINGS)


def test_same_seed_same_sample_in_any_input_order():
    first = draw_sample(UNITS, 60, seed=20250615)
    assert draw_sample(UNITS, 60, seed=20250615) == first
    shuffled = list(UNITS)
    for shuffle_seed in range(5):
        random.Random(shuffle_seed).shuffle(shuffled)
        assert draw_sample(shuffled, 60, seed=20250615) == first
    assert draw_sample(tuple(reversed(UNITS)), 60, seed=20250615) == first


PINNED_SEED_1 = [1, 2, 6, 8, 9]


def test_a_recorded_seed_redraws_the_same_sample():
    """Pinned: a change of algorithm would silently change every recorded survey's
    sample. Only random() is used, which Python keeps stable for a seed."""
    units = estate({1: 6, 2: 4})
    assert draw_sample(units, 5, seed=1) == draw_sample(units, 5, seed=1)
    assert per_building(units, draw_sample(units, 5, seed=1)) == {1: 3, 2: 2}
    assert draw_sample(units, 5, seed=1) == PINNED_SEED_1


def test_different_seeds_give_different_samples():
    samples = {tuple(draw_sample(UNITS, 60, seed=seed)) for seed in range(1, 11)}
    assert len(samples) == 10


def test_every_building_gets_its_share_within_one():
    for size in (1, 7, 33, 60, 101, 150, 199):
        chosen = draw_sample(UNITS, size, seed=size)
        assert len(chosen) == size
        assert_proportional(UNITS, chosen)
    # 60 of 200: exact shares 11.1, 15, 3.9, 30 -> 11 + 15 + 3 + 30 = 59, and the one
    # seat left goes to building 3 (remainder .9 beats .1).
    assert per_building(UNITS, draw_sample(UNITS, 60, seed=7)) == {1: 11, 2: 15, 3: 4, 4: 30}


def test_no_duplicates_and_sorted():
    chosen = draw_sample(UNITS, 150, seed=3)
    assert len(set(chosen)) == len(chosen) == 150
    assert chosen == sorted(chosen)
    assert set(chosen) <= {unit for unit, _ in UNITS}


def test_size_bigger_than_the_population_takes_everybody():
    everybody = sorted(unit for unit, _ in UNITS)
    assert draw_sample(UNITS, 200, seed=1) == everybody
    assert draw_sample(UNITS, 10_000, seed=1) == everybody


def test_size_zero_or_less_takes_nobody():
    assert draw_sample(UNITS, 0, seed=1) == []
    assert draw_sample(UNITS, -3, seed=1) == []
    assert draw_sample([], 5, seed=1) == []


def test_a_unit_listed_twice_is_refused():
    with pytest.raises(ValueError, match="more than once"):
        draw_sample([(1, 1), (2, 1), (1, 2)], 1, seed=1)


def test_new_seed_is_a_positive_storable_int():
    seeds = {new_seed() for _ in range(20)}
    assert all(isinstance(seed, int) and 1 <= seed <= SEED_MAX for seed in seeds)
    assert SEED_MAX < 2**31  # fits a signed 32-bit INTEGER column
    assert len(seeds) > 1


# --- ISO: 100 % coverage over the year ----------------------------------------------------

def test_exclude_covered_keeps_the_uncovered_in_input_order():
    units = [(5, 1), (3, 2), (9, 1), (1, 2)]
    assert exclude_covered(units, {3, 1}) == [(5, 1), (9, 1)]
    assert exclude_covered(units, set()) == units
    assert exclude_covered(units, {1, 3, 5, 9}) == []


def test_preferring_fills_from_uncovered_units_first():
    covered = set(range(1, 151))          # 150 of the 200 surveyed earlier this year
    uncovered = {unit for unit, _ in exclude_covered(UNITS, covered)}
    assert len(uncovered) == 50
    # Fewer wanted than uncovered: only uncovered units, stratified among them.
    few = draw_sample_preferring(UNITS, 30, seed=5, preferred=uncovered)
    assert len(few) == 30 and set(few) <= uncovered
    uncovered_units = [unit for unit in UNITS if unit[0] in uncovered]
    assert_proportional(uncovered_units, few)
    assert few == draw_sample(uncovered_units, 30, seed=5)
    # More wanted: every uncovered unit, the rest from the covered ones.
    many = draw_sample_preferring(UNITS, 80, seed=5, preferred=uncovered)
    assert len(many) == len(set(many)) == 80
    assert uncovered <= set(many)
    assert_proportional([unit for unit in UNITS if unit[0] in covered],
                        sorted(set(many) - uncovered))
    # Deterministic, and ids that are not eligible units are ignored.
    assert draw_sample_preferring(list(reversed(UNITS)), 80, seed=5,
                                  preferred=uncovered | {9999}) == many
    assert draw_sample_preferring(UNITS, 500, seed=5, preferred=uncovered) == \
        sorted(unit for unit, _ in UNITS)


def test_quarterly_iso_surveys_cover_every_unit_within_the_year():
    units = estate({1: 40, 2: 35, 3: 25})
    covered: set[int] = set()
    for quarter in range(4):
        uncovered = {unit for unit, _ in exclude_covered(units, covered)}
        chosen = draw_sample_preferring(units, 30, seed=1000 + quarter, preferred=uncovered)
        assert len(chosen) == 30
        covered |= set(chosen)
    assert covered == {unit for unit, _ in units}


# --- properties ---------------------------------------------------------------------------

populations = st.lists(st.integers(min_value=1, max_value=8), max_size=120).map(
    lambda buildings: [(1000 + i * 7, b) for i, b in enumerate(buildings)])


@PROPERTIES
@given(units=populations, size=st.integers(min_value=-3, max_value=130),
       seed=st.integers(min_value=0, max_value=SEED_MAX),
       order=st.randoms(use_true_random=False))
def test_draw_sample_properties(units, size, seed, order):
    chosen = draw_sample(units, size, seed)
    assert len(chosen) == max(0, min(size, len(units)))
    assert len(set(chosen)) == len(chosen)
    assert chosen == sorted(chosen)
    assert set(chosen) <= {unit for unit, _ in units}
    if chosen:
        assert_proportional(units, chosen)
    shuffled = list(units)
    order.shuffle(shuffled)
    assert draw_sample(shuffled, size, seed) == chosen


@PROPERTIES
@given(units=populations, size=st.integers(min_value=0, max_value=130),
       seed=st.integers(min_value=0, max_value=SEED_MAX), data=st.data())
def test_draw_sample_preferring_properties(units, size, seed, data):
    ids = [unit for unit, _ in units]
    preferred = set(data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [])
    chosen = draw_sample_preferring(units, size, seed, preferred)
    assert len(chosen) == len(set(chosen)) == min(size, len(units))
    assert set(chosen) <= set(ids)
    if size <= len(preferred):
        assert set(chosen) <= preferred
    else:
        assert preferred <= set(chosen)
    assert draw_sample_preferring(list(reversed(units)), size, seed, preferred) == chosen
