"""Checks of household members' details (R-FD-2, R-RES-2), shared by the Sales import and
by the pass document's "add a member": the same phone or ID number is refused the same way
wherever it is typed."""
from __future__ import annotations

import re

from flask_babel import gettext as _

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_MAINLAND_LANDLINE = re.compile(r"0\d{9,11}")
_HONG_KONG = re.compile(r"[2-9]\d{7}")
_MAINLAND_ID = re.compile(r"\d{17}[\dX]")
_HONG_KONG_ID = re.compile(r"[A-Z]{1,2}\d{6}[\dA]")
_OTHER_ID = re.compile(r"[A-Z0-9]{6,20}")  # passports, travel permits
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def clean_phone(value: str | None) -> str:
    """A phone as people write it, without spaces, dashes and brackets."""
    return _SEPARATORS.sub("", (value or "").strip())


def phone_problem(value: str | None) -> str | None:
    """Why `value` is not a mainland (mobile or landline) or Hong Kong phone; None when it
    is one, or when it is empty (children have none)."""
    phone = clean_phone(value)
    if not phone:
        return None
    for prefix in ("+86", "0086", "+852", "00852"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):]
            break
    if _MAINLAND_MOBILE.fullmatch(phone) or _MAINLAND_LANDLINE.fullmatch(phone) \
            or _HONG_KONG.fullmatch(phone):
        return None
    return _("Not a phone number: a mobile such as 13800138000, a Hong Kong number such "
             "as 91234567, or a landline with its area code.")


def clean_id_number(value: str | None) -> str:
    return _SEPARATORS.sub("", (value or "").strip()).upper()


def id_number_problem(value: str | None) -> str | None:
    """Why `value` is not an identity document number; None when it is one or empty. A
    mainland identity card's last character is checked against the others."""
    number = clean_id_number(value)
    if not number:
        return None
    if _MAINLAND_ID.fullmatch(number):
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
        if _ID_CHECK[total % 11] == number[17]:
            return None
        return _("This identity card number has a wrong last character: check it.")
    if _HONG_KONG_ID.fullmatch(number.replace("(", "").replace(")", "")) \
            or (_OTHER_ID.fullmatch(number) and not number.isdigit()):
        return None
    return _("Not an identity document number.")
