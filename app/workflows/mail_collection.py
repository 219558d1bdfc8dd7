"""Who may sign for a piece of mail (R-FD-5): the addressee, or a member of the household
of the addressee's unit, personally. Never a member of staff, whatever the form says: a
staff account's id, a colleague's name typed as the collector, or a collection without
the resident's own signature are all refused with a message that says why.

The signature is drawn on the tablet's signature pad and arrives as a PNG data URL; it is
read through the uploads' content check (app/uploads.py) like any uploaded image, so only
a real PNG of a bounded size is kept.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.resident import Resident
from app.uploads import PNG, sniff
from app.workflows.table import Context

MAX_SIGNATURE_BYTES = 512 * 1024
_DATA_URL = "data:image/png;base64,"


def household(item: Any, session: Session) -> dict[int, str]:
    """{resident id: name} of the people who live in the addressee's unit now."""
    if item.unit_id is None:
        return {}
    rows = session.execute(select(Resident.id, Resident.name)
                           .where(Resident.unit_id == item.unit_id,
                                  Resident.move_out_date.is_(None))
                           .order_by(Resident.name, Resident.id))
    return {pk: name for pk, name in rows}


def _plain(name: str) -> str:
    return "".join(str(name or "").split()).casefold()


def staff_names(session: Session) -> set[str]:
    """Names and logins of every staff account, spaces ignored: what a colleague typed
    as a collector would match."""
    names: set[str] = set()
    for first, last, login in session.execute(select(User.first_name, User.last_name,
                                                     User.username)):
        names |= {_plain(f"{first}{last}"), _plain(f"{last}{first}"), _plain(login)}
    names.discard("")
    return names


def resolve_collector(item: Any, raw: Any, session: Session) -> Resident | None:
    """The member of the household the posted value names: their id, or their name as
    registered (spaces ignored). None for anybody else."""
    members = household(item, session)
    text = str(raw or "").strip()
    if text.isdigit() and int(text) in members:
        return session.get(Resident, int(text))
    wanted = _plain(text)
    match = next((pk for pk, name in members.items() if _plain(name) == wanted), None)
    return session.get(Resident, match) if match is not None else None


def _names_staff(raw: Any, ctx: Context) -> bool:
    """Whether the value names a member of staff: the acting person's own id, any staff
    account's name or login."""
    text = str(raw or "").strip()
    if text.isdigit():
        return int(text) < 2**31 and ctx.session.get(User, int(text)) is not None
    return _plain(text) in staff_names(ctx.session)


def collector_is_household(item: Any, ctx: Context) -> str | None:
    """R-FD-5: the collector is the addressee or lives in the unit; a value that names a
    member of staff is refused as such."""
    raw = ctx.data.get("collector")
    resident = resolve_collector(item, raw, ctx.session)
    if resident is not None:
        return None
    if _names_staff(raw, ctx):
        return _("Staff never sign for a resident: the addressee or a member of the "
                 "household signs for the mail personally.")
    return _("Choose the addressee or a member of the household of %(unit)s.",
             unit=item.unit.number if item.unit is not None else "")


def decode_signature(raw: Any) -> bytes | None:
    """The PNG a signature pad sent (a data URL or bare base64), or None when it is not
    a real PNG image of at most MAX_SIGNATURE_BYTES."""
    text = str(raw or "").strip()
    text = text.removeprefix(_DATA_URL)
    if not text or len(text) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if data and sniff(data) == PNG else None


def signed_personally(item: Any, ctx: Context) -> str | None:
    """R-FD-5: the resident's own signature, on the tablet (a PNG drawn on the pad) or on
    the printed signing list (the sheet it is on); a collection without it is refused."""
    if ctx.data.get("signed_on") == "tablet":
        if decode_signature(ctx.data.get("signature")) is None:
            return _("The addressee signs on the tablet's signature pad before the mail is "
                     "handed over; staff never sign for a resident.")
    elif ctx.data.get("signed_on") == "paper":
        if not (ctx.data.get("paper_sheet") or "").strip():
            return _("Say which printed signing list the addressee signed.")
    return None


def record_collection(item: Any, ctx: Context) -> None:
    """Keep who collected and their signature; the history keeps a note of the image (in
    the estate's script, as the history's own words are), not the image itself."""
    resident = resolve_collector(item, ctx.data.get("collector"), ctx.session)
    item.collector = resident
    item.collector_name = resident.name
    if ctx.data.get("signed_on") == "tablet":
        png = decode_signature(ctx.data.get("signature"))
        item.signature_png = png
        item.paper_sheet = None
        with force_locale(getattr(item.estate, "script", None) or "zh_Hans"):
            ctx.data["signature"] = _("Signed on the tablet's signature pad.")
    else:
        item.signature_png = None
        ctx.data.pop("signature", None)
    ctx.data["collector"] = resident.name
