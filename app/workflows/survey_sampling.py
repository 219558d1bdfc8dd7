"""Who gets a satisfaction questionnaire: sample sizes and a reproducible, even draw (R-SV-3).

R-SV-3 asks for a distribution that is "random and even" (随机、均匀):

* Sample size, default preset: at least 15 % of households for an estate moved in five
  years or more before the survey date (入伙五年以上; in Chinese usage 以上 includes five),
  at least 30 % for the others. ISO preset: at least 85 % of occupied units per survey and
  100 % coverage over the year; an estate under 300 households surveys every occupied unit.
  The percentages are settings (`SamplingRates`); the defaults are the procedure's.
* "Even": the sample is stratified by building with proportional allocation
  (largest-remainder / Hamilton method), so no building is over- or under-surveyed by
  more than one unit against its exact share.
* "Random": within each building units are drawn with `random.Random(seed)`. The seed is
  made once with `new_seed()` and recorded with the survey, so anybody can redraw the same
  sample later (an auditor, or the survey document when it is reopened).

Pure functions: no database, no Flask. Errors here are programmer errors (ValueError);
whatever a user typed is validated by the survey document before it gets here.
"""
from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, Context, Decimal

PRESET_DEFAULT = "default"
PRESET_ISO = "iso"
PRESETS = (PRESET_DEFAULT, PRESET_ISO)

# new_seed() stays within a signed 32-bit INTEGER column and JavaScript's safe integers, so
# the seed can be stored, shown and typed back without loss (2**31 - 1 seeds are plenty for
# reproducing a sample; the seed is not a secret, only unpredictable when it is made).
SEED_MAX = 2**31 - 1

Unit = tuple[int, int]  # (unit_id, building_id) of an eligible (occupied) household

# Sample sizes are whole households: ceil() of an exact Decimal product. A private context
# keeps the caller's decimal settings (precision, traps) from changing the answer.
_EXACT = Context(prec=60)


@dataclass(frozen=True)
class SamplingRates:
    """The R-SV-3 sampling settings an admin may change; the defaults are the procedure's.

    Rates are fractions (Decimal("0.15") is 15 %), never floats, so a size is an exact
    ceil() and 101 households at 15 % is 16, not 15 or 17 by a float's whim."""

    established_years: int = 5               # 入伙五年以上: five years or more
    established_rate: Decimal = Decimal("0.15")
    recent_rate: Decimal = Decimal("0.30")   # also for an unknown move-in date
    iso_rate: Decimal = Decimal("0.85")      # of occupied units, per survey
    iso_full_below: int = 300                # fewer households than this: survey them all

    def __post_init__(self) -> None:
        for name in ("established_years", "iso_full_below"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"SamplingRates.{name} must be an int >= 0, got {value!r}")
        for name in ("established_rate", "recent_rate", "iso_rate"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
                raise ValueError(
                    f"SamplingRates.{name} must be a Decimal between 0 and 1 (not a float), "
                    f"got {value!r}")


DEFAULT_RATES = SamplingRates()


def _day(value: date) -> date:
    """A datetime's date (a datetime cannot be compared with a date)."""
    return value.date() if isinstance(value, datetime) else value


def _anniversary(moved_in: date, years: int) -> date:
    """`moved_in` plus whole calendar years.

    A 29 February move-in has its anniversary on 28 February in a common year: the last
    day of the month, as the Civil Code counts periods in years (民法典 第二百零二条: no
    corresponding day -> the last day of that month). So 2020-02-29 + 5 years is
    2025-02-28, not 2025-03-01."""
    try:
        return moved_in.replace(year=moved_in.year + years)
    except ValueError:  # 29 February into a common year
        return date(moved_in.year + years, 2, 28)


def is_established(moved_in: date | None, on: date, years: int = 5) -> bool:
    """Whether an estate counts as moved in `years` or more before `on` (R-SV-3, 入伙五年以上).

    Calendar years, inclusive: moved in exactly five years before the survey date is
    established, a day less is not. An unknown move-in date is not established, so the
    estate gets the stricter (larger) recent-estate rate rather than a guess. A move-in
    date after `on` is not established either."""
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise ValueError(f"years must be an int >= 0, got {years!r}")
    if moved_in is None:
        return False
    return _anniversary(_day(moved_in), years) <= _day(on)


def _ceil(count: int, rate: Decimal) -> int:
    """ceil(count * rate), exactly."""
    return int(_EXACT.multiply(Decimal(count), rate).to_integral_value(rounding=ROUND_CEILING))


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return value


def required_size(households: int, occupied_units: int, moved_in: date | None, on: date,
                  preset: str, rates: SamplingRates = DEFAULT_RATES) -> int:
    """The minimum number of questionnaires for one estate's survey on `on` (R-SV-3).

    * default preset: ceil(households x rate), the rate being `established_rate` for an
      estate moved in `established_years` or more before `on` and `recent_rate` otherwise
      (and for an unknown move-in date); never more than `households`; 0 households -> 0.
    * iso preset: fewer than `iso_full_below` households -> every occupied unit (100 %);
      otherwise ceil(occupied_units x iso_rate). The 100 % coverage over the year is met by
      preferring units not yet surveyed this year (`draw_sample_preferring`).

    The caller draws from the occupied units; when the default preset asks for more than
    there are, `draw_sample` returns them all."""
    if preset not in PRESETS:
        raise ValueError(f"unknown sampling preset {preset!r}; expected one of {PRESETS}")
    households = _count("households", households)
    occupied_units = _count("occupied_units", occupied_units)
    if preset == PRESET_ISO:
        if households < rates.iso_full_below:
            return occupied_units
        return min(occupied_units, _ceil(occupied_units, rates.iso_rate))
    established = is_established(moved_in, on, rates.established_years)
    rate = rates.established_rate if established else rates.recent_rate
    return min(households, _ceil(households, rate))


def _by_building(units: Iterable[Unit]) -> dict[int, list[int]]:
    """Unit ids per building, both sorted, so input order never changes a draw."""
    buildings: dict[int, list[int]] = defaultdict(list)
    seen: set[int] = set()
    for unit_id, building_id in units:
        if unit_id in seen:
            raise ValueError(f"unit {unit_id!r} is listed more than once")
        seen.add(unit_id)
        buildings[building_id].append(unit_id)
    return {building: sorted(buildings[building]) for building in sorted(buildings)}


def allocate(sizes: Mapping[int, int], size: int) -> dict[int, int]:
    """Share `size` among buildings in proportion to their unit counts (Hamilton's method).

    Each building first gets the whole part of its exact share size x n_b / N; the seats
    left go one each to the largest remainders, equal remainders to the lower building id.
    Every building therefore gets floor or ceil of its exact share ("even", R-SV-3).
    Remainders are compared as integers (numerators over the common N): exact."""
    total = sum(sizes.values())
    size = max(0, min(size, total))
    if total == 0:
        return {building: 0 for building in sizes}
    shares = {building: size * count // total for building, count in sizes.items()}
    left = size - sum(shares.values())
    by_remainder = sorted(sizes, key=lambda b: (-(size * sizes[b] % total), b))
    for building in by_remainder[:left]:
        shares[building] += 1
    return shares


def _pick(rng: random.Random, ids: list[int], count: int) -> list[int]:
    """`count` of `ids` at random: a partial Fisher-Yates shuffle driven by `rng.random()`.

    Not `rng.sample`: Python guarantees only `random()` to give the same sequence for the
    same seed across versions, and a recorded seed must redraw the same sample after an
    upgrade. int(random() * m) is uniform to within m / 2**53, nothing for a building."""
    pool = list(ids)
    for i in range(count):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


def draw_sample(units: Sequence[Unit], size: int, seed: int) -> list[int]:
    """A random sample of `size` units, spread over buildings in proportion (R-SV-3).

    `units` are (unit_id, building_id) of the eligible (occupied) units. The size is shared
    among buildings by `allocate`; within each building, in building-id order, the units
    are drawn with one `random.Random(seed)` from the sorted unit ids (`_pick`). Same units
    (in any order) and same seed -> same sample. A size bigger than the population -> every
    unit; 0 or less -> none. Returns sorted unit ids. A unit id listed twice is a
    ValueError."""
    buildings = _by_building(units)
    population = sum(len(ids) for ids in buildings.values())
    if size <= 0:
        return []
    if size >= population:
        return sorted(unit for ids in buildings.values() for unit in ids)
    shares = allocate({building: len(ids) for building, ids in buildings.items()}, size)
    rng = random.Random(seed)
    chosen: list[int] = []
    for building, ids in buildings.items():
        chosen.extend(_pick(rng, ids, shares[building]))
    return sorted(chosen)


def new_seed() -> int:
    """A fresh seed for one survey's draw, from `secrets` so nobody can steer the sample.

    Record it with the survey: `draw_sample(units, size, seed)` redraws the same sample.
    Between 1 and SEED_MAX inclusive."""
    return secrets.randbelow(SEED_MAX) + 1


def exclude_covered(units: Iterable[Unit], already_sampled_this_year: set[int]) -> list[Unit]:
    """The units not yet surveyed this year, in their input order (ISO: 100 % a year).

    Their ids are the `preferred` set for `draw_sample_preferring`."""
    return [unit for unit in units if unit[0] not in already_sampled_this_year]


def draw_sample_preferring(units: Sequence[Unit], size: int, seed: int,
                           preferred: set[int]) -> list[int]:
    """Like `draw_sample`, but units in `preferred` (not yet surveyed this year) go first.

    For the ISO preset's 100 % coverage over the year (R-SV-3): the sample is filled first
    from the preferred units (stratified by building among them); only if they are fewer
    than `size` are all of them taken and the rest drawn from the other units (stratified
    among those). Coverage wins over evenness: the buildings' shares are proportional
    within each group, not over the whole sample. Ids in `preferred` that are not in
    `units` are ignored. Deterministic for the same inputs and seed. Sorted unit ids."""
    _by_building(units)  # refuses duplicates before splitting
    first = [unit for unit in units if unit[0] in preferred]
    rest = [unit for unit in units if unit[0] not in preferred]
    if size <= len(first):
        return draw_sample(first, size, seed)
    return sorted([unit for unit, _ in first] + draw_sample(rest, size - len(first), seed))
