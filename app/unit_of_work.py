"""One unit of work per request: whatever a request changed is committed once, at its end,
when it succeeded, and rolled back when it did not.

The workflow engine and the services never commit; views and APIs translate a request into
their calls and answer. A response below 400 commits the request's session, anything else
(a refusal, a conflict, an error) rolls it back, so a failed step leaves nothing behind.
Deliberate exceptions commit on their own and say why: a sign-in attempt (its record must
survive the 401), and an admin alert raised by a refused step.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FLUSHED = "unit_of_work.flushed"


def _note_flush(session: Session, _context: object) -> None:
    session.info[FLUSHED] = True


def _note_write(state: ORMExecuteState) -> None:
    """Plain INSERT / UPDATE / DELETE statements run through the session count too."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[FLUSHED] = True


def _forget_flush(session: Session, *_args: object) -> None:
    session.info.pop(FLUSHED, None)


def has_work(session: Session) -> bool:
    """Whether the session holds changes not committed yet (pending or already flushed)."""
    return bool(session.new or session.dirty or session.deleted or session.info.get(FLUSHED))


def install(app: Flask) -> None:
    if not event.contains(Session, "after_flush", _note_flush):
        event.listen(Session, "after_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_write)
        event.listen(Session, "after_commit", _forget_flush)
        event.listen(Session, "after_soft_rollback", _forget_flush)

    @app.after_request
    def _finish(response: Response) -> Response:
        session = app.appbuilder.session
        if response.status_code >= 400:
            # A refused write leaves nothing behind; a refused read wrote nothing.
            if request.method not in SAFE_METHODS:
                session.rollback()
            return response
        if not has_work(session()):
            return response
        try:
            session.commit()
        except Exception:  # noqa: BLE001 - the person gets a clear answer, not a half save
            session.rollback()
            log.exception("commit at the end of the request failed")

            message = _("The change could not be saved. Nothing was changed; please try "
                        "again.")
            if request.path.startswith("/api/"):
                return jsonify(message=message), 409
            return Response(message, status=409, mimetype="text/plain; charset=utf-8")
        return response

    @app.teardown_request
    def _abandon(error: BaseException | None) -> None:
        if error is not None:
            app.appbuilder.session.rollback()
