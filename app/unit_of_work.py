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
from typing import Callable

from flask import Flask, Response, g, has_request_context, jsonify, request
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


def after_commit(send: Callable[[], object]) -> None:
    """Run `send` once the request's work is committed (a background job's task must find
    its job row), and never when the request fails. Outside a request: at once."""
    if not has_request_context():
        send()
        return
    g.setdefault("after_commit", []).append(send)


def _run_after_commit() -> None:
    for send in g.pop("after_commit", []):
        try:
            send()
        except Exception:  # noqa: BLE001 - the job stays queued; the person sees it waiting
            log.exception("could not hand a job to the workers")


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
            g.pop("after_commit", None)
            if request.method not in SAFE_METHODS:
                session.rollback()
            return response
        if not has_work(session()):
            _run_after_commit()
            return response
        try:
            session.commit()
        except Exception:  # noqa: BLE001 - the person gets a clear answer, not a half save
            session.rollback()
            log.exception("commit at the end of the request failed")

            message = _("The change could not be saved. Nothing was changed; please try "
                        "again.")
            g.pop("after_commit", None)
            if request.path.startswith("/api/"):
                return jsonify(message=message), 409
            return Response(message, status=409, mimetype="text/plain; charset=utf-8")
        _run_after_commit()
        return response

    @app.teardown_request
    def _abandon(error: BaseException | None) -> None:
        if error is not None:
            app.appbuilder.session.rollback()
