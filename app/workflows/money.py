"""Money as people write it and as the forms print it: amounts parsed to the cent and
written in Chinese capital numerals (大写金额) on the handling form (R-CO)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flask_babel import gettext as _

from app.models.compensation import HOUSE_KINDS, PART_ATTRS

# --- money ---------------------------------------------------------------------------------

def money_text(amount: Any, currency: str | None) -> str:
    """An amount as people read it, in the estate's currency: "1,200.00 yuan" /
    "1,200.00 元" on the mainland, "1,200.00 Hong Kong dollars" / "1,200.00 港元" in
    Hong Kong. Empty for no amount."""
    if amount is None or amount == "":
        return ""
    number = f"{Decimal(str(amount)).quantize(CENT):,}"
    if currency == "HKD":
        return _("%(amount)s Hong Kong dollars", amount=number)
    return _("%(amount)s yuan", amount=number)


CENT = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")  # Numeric(12, 2)


class MoneyError(ValueError):
    """A typed amount that is not an exact amount of money; str() is the translated reason."""


def parse_money(value: Any, *, positive: bool = True) -> Decimal:
    """An exact amount with at most two decimal places (fen, cents), as typed or posted.

    Nothing is rounded: 1.234 is refused, not read as 1.23. Refuses NaN, infinities,
    booleans, thousands separators and words; `positive` also refuses 0."""
    if isinstance(value, bool) or value is None:
        raise MoneyError(_("Enter an amount such as 1200.50."))
    text = str(value).strip()
    if not text:
        raise MoneyError(_("This field is required."))
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise MoneyError(_("Enter an amount such as 1200.50.")) from None
    if not amount.is_finite():
        raise MoneyError(_("Enter an amount such as 1200.50."))
    if abs(amount) > MONEY_MAX:
        raise MoneyError(_("The amount is too large."))
    if amount != amount.quantize(CENT):
        raise MoneyError(_("At most two decimal places (fen), such as 1200.50."))
    if positive and amount <= 0:
        raise MoneyError(_("The amount must be greater than 0."))
    if amount < 0:
        raise MoneyError(_("An amount cannot be negative."))
    return amount.quantize(CENT)


def money_errors(values: Mapping[str, Any], kind: str | None = None) -> dict[str, str]:
    """Per-field reasons for the amounts present in `values` (a posted form or JSON)."""
    errors: dict[str, str] = {}
    for name in ("amount", *PART_ATTRS.values()):
        if name not in values or (name != "amount" and values[name] in (None, "")):
            continue
        try:
            parse_money(values[name], positive=name == "amount" and kind not in HOUSE_KINDS)
        except MoneyError as error:
            errors[name] = str(error)
    return errors



DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")


def _section(value: int) -> str:
    text, zero = "", False
    for place in (3, 2, 1, 0):
        digit = value // 10 ** place % 10
        if digit == 0:
            zero = zero or bool(text)
            continue
        if zero:
            text += DIGITS[0]
            zero = False
        text += DIGITS[digit] + PLACES[place]
    return text


def amount_in_words(value: Any, currency: str | None = "CNY") -> str:
    """An amount in Chinese capital numerals as finance writes it on paper forms
    (大写金额): 20000.01 → 贰万元零壹分, 10000 → 壹万元整; Hong Kong dollars are named
    (港币壹万元整)."""
    if value in (None, ""):
        return ""
    if currency == "HKD":
        return "港币" + amount_in_words(value)
    cents = int((Decimal(str(value)).quantize(CENT) * 100).to_integral_value())
    sign = "负" if cents < 0 else ""
    yuan, rest = divmod(abs(cents), 100)
    jiao, fen = divmod(rest, 10)
    sections, text, gap = [], "", False
    while yuan:
        yuan, part = divmod(yuan, 10000)
        sections.append(part)
    for index in reversed(range(len(sections))):
        part = sections[index]
        if part == 0:
            gap = gap or bool(text)
            continue
        if text and (gap or part < 1000):
            text += DIGITS[0]
        text += _section(part) + SECTIONS[index]
        gap = False
    if text:
        text += "元"
    if not jiao and not fen:
        return sign + (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += DIGITS[0]
    text += DIGITS[fen] + "分" if fen else "整"
    return sign + text
