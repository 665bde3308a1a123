"""What an HTML view answers when an operation refuses: one way for every blueprint.

Hidden or absent objects (NotFound) and refused actions (PermissionDenied) need nothing here:
the app-level handler of web.py turns them into the site's 404 and 403 pages. What a view
decides itself is what the reader sees after a refusal it expects:

- ``form_errors(form, page)``: the same form again, status 422, with the operation's messages
  beside the fields they concern (the others on top of the form), keeping what was typed;
- ``flash_errors(target)``: a flash message and a redirect (the actions of a page's buttons);
- ``on_refusal(respond)``: any other answer, e.g. a list page with the message on top;
- ``require_valid(form, target)``: before any of them, a form that does not validate at all
  (its CSRF token expired) flashes « The form has expired » and ``target`` answers.

Both are context managers around the operation: the refusal leaves the view at once, as an
HTTP exception carrying the finished response (werkzeug's ``abort(response)``), so the view
keeps only its path of success.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import abort, flash, g, make_response, redirect
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from marketplace.errors import Conflict, DomainError, ValidationError
from marketplace.extensions import db
from marketplace.formfields import place_errors

#: What a form re-shows by default: input that does not fit.
FORM_REFUSALS: tuple[type[DomainError], ...] = (ValidationError,)
#: What a button's action flashes by default: the rules of the domain refusing it, without
#: hiding (NotFound) or forbidding (PermissionDenied): those are the app's 404 and 403 pages.
ACTION_REFUSALS: tuple[type[DomainError], ...] = (ValidationError, Conflict)
#: Every refusal, shown on the form (the pages of one's own account: nothing there is hidden).
ANY_REFUSAL: tuple[type[DomainError], ...] = (DomainError,)


def show_errors(form: FlaskForm, error: DomainError) -> None:
    """Copy an operation's messages beside the form's fields (the others on top of the form).

    A form whose field names differ from the operation's (or that keeps some messages apart,
    e.g. a list of lots) says so with its own ``add_domain_errors(fields)``.
    """
    place = getattr(form, "add_domain_errors", None)
    if place is not None:
        place(dict(error.fields))
    else:
        place_errors(form, error.fields)
    if not error.fields and error.message:
        form.form_errors.append(str(error.message))


def refusal_message(error: DomainError) -> str:
    """The sentence of a refusal (a general one if it came without)."""
    return str(error.message) if error.message else _("This is not possible in the current state.")


def field_messages(error: DomainError) -> str:
    """The messages of every field of a refusal, as one sentence (else its own sentence)."""
    if not error.fields:
        return refusal_message(error)
    return " ".join(str(m) for messages in error.fields.values() for m in messages)


def _leave_with(response: ResponseReturnValue, status: int | None = None):
    answer = make_response(response)
    if status is not None:
        answer.status_code = status
    abort(answer)


@contextmanager
def on_refusal(
    respond: Callable[[DomainError], ResponseReturnValue],
    catch: tuple[type[DomainError], ...] = ACTION_REFUSALS,
) -> Iterator[None]:
    """On a refusal: ``respond(error)`` answers (with its own status)."""
    try:
        yield
    except catch as error:
        _leave_with(respond(error))


@contextmanager
def form_errors(
    form: FlaskForm,
    page: Callable[[], ResponseReturnValue],
    status: int | None = 422,
    catch: tuple[type[DomainError], ...] = FORM_REFUSALS,
) -> Iterator[None]:
    """On a refusal: the messages go on the form and ``page()`` answers with ``status``
    (None: the error's own status, 422 for input, 409 for a state that does not allow it)."""
    try:
        yield
    except catch as error:
        show_errors(form, error)
        _leave_with(page(), error.status if status is None else status)


@contextmanager
def flash_errors(
    target: str | Callable[[], ResponseReturnValue],
    catch: tuple[type[DomainError], ...] = ACTION_REFUSALS,
    status: int | None = 302,
    rollback: bool = False,
    message: Callable[[DomainError], str] = refusal_message,
) -> Iterator[None]:
    """On a refusal: ``message(error)`` is flashed and ``target`` answers (a URL to redirect
    to, or a function answering), with ``status`` (None: the error's own status, e.g. a page
    shown again with 409). ``rollback`` drops at once whatever the request changed before
    (the target then reads the objects as they are stored)."""
    try:
        yield
    except catch as error:
        if rollback:
            db.session.rollback()
            g.rollback_only = True
        flash(message(error), "error")
        answer = redirect(target) if isinstance(target, str) else target()
        _leave_with(answer, error.status if status is None else status)


def require_valid(
    form: FlaskForm,
    target: str | Callable[[], ResponseReturnValue],
    status: int | None = None,
) -> None:
    """A form that does not validate (an expired CSRF token, a tampered field): the flash « The
    form has expired » and ``target`` answers (a URL to redirect to, or a function answering),
    with ``status`` (None: the answer's own)."""
    if form.validate():
        return
    flash(_("The form has expired. Please send it again."), "error")
    _leave_with(redirect(target) if isinstance(target, str) else target(), status)
