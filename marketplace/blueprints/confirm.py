"""Destructive actions are confirmed: with JavaScript in a <dialog> (static/js/confirm.js), without
it on a page of their own that posts the same form again.

A form whose action destroys something carries ``data-confirm`` (the question) and sends
``confirmed=1`` once the person has said yes. The view calls ``confirm_first()`` after its
checks of the form: a post without ``confirmed=1`` answers the confirmation page, which holds
every field of the post (its CSRF token too), so that « yes » there makes the same request.
"""

from __future__ import annotations

from flask import abort, make_response, render_template, request

#: The field a confirmed post carries.
CONFIRMED = "confirmed"


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def confirm_first(question: str, action: str, back: str) -> None:
    """Unless the post is confirmed, leave the view with the page asking to confirm it.

    question: what the action does, as a question; action: the label of the button that
    does it; back: where « Go back » leads."""
    if confirmed():
        return
    fields = [(name, value) for name, value in request.form.items(multi=True) if name != CONFIRMED]
    page = render_template(
        "confirm.html",
        question=question,
        action=action,
        target=request.path,
        fields=fields,
        back=back,
    )
    abort(make_response(page, 200))
