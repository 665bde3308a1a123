"""Who is told what about offers and subcontracts: e-mails for now, queued until the commit.

The one place to switch to in-app notifications later: every message goes through _tell().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.accounts.notify import external_url
from marketplace.mail import send_mail
from marketplace.profiles.models import Profile

_silent: ContextVar[bool] = ContextVar("subcontracting_notify_silent", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """No message at all (the demo data loader)."""
    token = _silent.set(True)
    try:
        yield
    finally:
        _silent.reset(token)


def _tell(profile: Profile, subject_and_body) -> None:
    user = profile.user
    if _silent.get() or not user.is_active:
        return
    with force_locale(user.locale or current_app.config["LANGUAGES"][0]):
        subject, body = subject_and_body(user)
    send_mail(user.email, subject, body)


def response_received(response) -> None:
    offer = response.offer
    link = external_url("offers.show", offer_id=offer.id)
    _tell(
        offer.owner,
        lambda user: (
            _("Essaim: a response to “%(title)s”", title=offer.title),
            _(
                "Hello %(name)s,\n\n%(who)s answered your offer “%(title)s”.\n\n%(link)s\n",
                name=user.first_name,
                who=response.responder.display_name,
                title=offer.title,
                link=link,
            ),
        ),
    )


def response_accepted(response, record) -> None:
    link = external_url("subcontracts.show", record_id=record.id)
    _tell(
        response.responder,
        lambda user: (
            _("Essaim: your response to “%(title)s” is accepted", title=response.offer.title),
            _(
                "Hello %(name)s,\n\nYour response was accepted. A subcontract record is proposed "
                "to you: please read it and accept or decline it.\n\n%(link)s\n",
                name=user.first_name,
                link=link,
            ),
        ),
    )


def responses_not_retained(offer, responses) -> None:
    for response in responses:
        _tell(
            response.responder,
            lambda user: (
                _("Essaim: “%(title)s” is filled", title=offer.title),
                _(
                    "Hello %(name)s,\n\nThe offer “%(title)s” you answered has been given to "
                    "another entrepreneur·e. Thank you for your response.\n",
                    name=user.first_name,
                    title=offer.title,
                ),
            ),
        )


def subcontract_proposed(record) -> None:
    link = external_url("subcontracts.show", record_id=record.id)
    _tell(
        record.subcontractor,
        lambda user: (
            _("Essaim: a subcontract is proposed to you"),
            _(
                "Hello %(name)s,\n\n%(who)s proposes the subcontract “%(title)s”. Nothing is "
                "agreed until you accept it.\n\n%(link)s\n",
                name=user.first_name,
                who=record.client.display_name,
                title=record.title,
                link=link,
            ),
        ),
    )


def subcontract_moved(record, by_party: str | None) -> None:
    """Tell the other party of a move."""
    from marketplace import labels

    other = record.client if by_party == "subcontractor" else record.subcontractor
    link = external_url("subcontracts.show", record_id=record.id)
    _tell(
        other,
        lambda user: (
            _(
                "Essaim: “%(title)s” is now %(status)s",
                title=record.title,
                status=labels.SUBCONTRACT_STATUS[record.status],
            ),
            _(
                "Hello %(name)s,\n\nThe subcontract “%(title)s” is now: %(status)s.\n\n%(link)s\n",
                name=user.first_name,
                title=record.title,
                status=labels.SUBCONTRACT_STATUS[record.status],
                link=link,
            ),
        ),
    )
