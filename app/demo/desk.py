"""The one way the demo acts as its people: through the workflow engine, as each user."""
from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from typing import Any, Callable

from PIL import Image, ImageDraw
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.company import SEED
from app.demo.load import Load
from app.models import CompensationEvidence
from app.models.base import local_now
from app.security.actor import Actor
from app.workflows import engine
from app.workflows.engine import WorkflowError

# --- the customer-service desk: register, complaints, claims, sign-off ----------------------

class Desk:
    """Acts as the demo's people through the workflow engine: one Actor per demo user (the
    engine checks their permissions, scope and guards), times relative to the load."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.session = load.session
        self.now = local_now()
        self.doing = ""  # the step being taken, for the summary when it is refused
        self._actors: dict[str, Any] = {}

    def actor(self, username: str) -> Any:
        if username not in self._actors:
            user = self.load.users.get(username)
            self._actors[username] = Actor.for_user(user) if user is not None \
                else Actor.system()
        return self._actors[username]

    def user_id(self, username: str) -> int | None:
        user = self.load.users.get(username)
        return user.id if user is not None else None

    def username(self, user_id: int | None) -> str:
        return next((name for name, user in self.load.users.items() if user.id == user_id),
                    "system")  # nobody to assign: the system records it

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    def day(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A clock time on a day before today (days_ago ≥ 1: always in the past)."""
        return datetime.combine(self.now.date() - timedelta(days=days_ago), time(hour, minute))

    def ahead(self, days: int, hour: int, minute: int = 0) -> datetime:
        """A clock time `days` days from today, moved a day on if it has already passed."""
        when = datetime.combine(self.now.date() + timedelta(days=days), time(hour, minute))
        return when if when > self.now else when + timedelta(days=1)

    def create(self, doc: Any, by: str, when: datetime) -> Any:

        self.doing = f"{by} registering a {doc.__workflow__.replace('_', ' ')}"
        engine.create(doc, actor=self.actor(by), session=self.session, now=when)
        return doc

    def step(self, doc: Any, name: str, by: str, when: datetime, comment: str | None = None,
             **data: Any) -> None:

        self.doing = f"{by} taking {name} on {doc.number}"
        engine.apply(doc, name, data, actor=self.actor(by), session=self.session, now=when,
                     comment=comment)

    def attach(self, claim: Any, by: str, when: datetime, kind: str,
               files: list[tuple[str, bytes]]) -> None:
        """Files added to a claim the way the upload form does: rows first, then the
        engine's attach_evidence transition checks and records them."""
        for name, data in files:
            claim.evidence.append(CompensationEvidence(
                kind=kind, filename=name, size=len(data), data=data,
                content_type="application/pdf" if data.startswith(b"%PDF-") else "image/png",
                uploaded_by_id=self.user_id(by), uploaded_at=when))
        self.step(claim, "attach_evidence", by, when, evidence_kind=kind)


def _photo(name: str) -> bytes:
    """A small photo-like PNG (the same bytes on every load)."""
    rng = random.Random(f"{SEED}-photo-{name}")
    size = (160, 120)
    image = Image.new("RGB", size, tuple(rng.randint(150, 225) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, y = rng.randint(0, size[0] - 30), rng.randint(0, size[1] - 30)
        draw.ellipse((x, y, x + rng.randint(20, 90), y + rng.randint(15, 60)),
                     fill=tuple(rng.randint(50, 200) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _scan(name: str) -> bytes:
    """A one-page PDF that looks like a scanned, stamped letter."""
    rng = random.Random(f"{SEED}-scan-{name}")
    image = Image.new("L", (210, 297), 250)  # A4 proportions
    draw = ImageDraw.Draw(image)
    for y in range(36, 230, 12):
        draw.line((22, y, 22 + rng.randint(110, 166), y), fill=110, width=2)
    draw.ellipse((130, 220, 188, 278), outline=70, width=3)  # the company seal
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=50, quality=60)
    return buffer.getvalue()


def _demo_documents(load: Load, what: str, missing: Callable[[], bool],
                    build: Callable[[Desk], None], counted: tuple[Any, ...]) -> None:
    """Create one group of demo documents in its own savepoint, only when `missing()`.

    When a step is refused (an admin changed the demo accounts' roles or profiles), the
    group is left out whole, the summary says why, and the rest of the demo still loads.
    """

    session = load.session
    if not missing():
        return
    before = {table: _rows(session, table) for table in counted}
    desk = Desk(load)
    try:
        with session.begin_nested():
            build(desk)
    except WorkflowError as error:
        details = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        load.notes.append(f"Demo {what} left out ({desk.doing}): {error.message} "
                          f"{details}".strip())
        return
    for table in counted:
        name = getattr(table, "__name__", None) or table.name
        load.added[name] += _rows(session, table) - before[table]


def _rows(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(
        getattr(table, "__table__", table))) or 0
